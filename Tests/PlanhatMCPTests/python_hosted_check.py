"""Drives `planhat --stdio --sandbox --toolset …` with the Python MCP reference client: the hosted
tool set, each FILTER operator, selections, pages, the byte budget, read-only and the allow-list.

Usage: python_hosted_check.py PLANHAT_BINARY SANDBOX_PATH
"""
import asyncio
import json
import sys

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client


def check(condition, message):
    if not condition:
        raise SystemExit("CHECK FAILED: " + message)
    print("ok:", message)


def texts(result):
    return [item.text for item in result.content if getattr(item, "type", "") == "text"]


def subset_problems(schema, path, root=True):
    """What a model provider would refuse: type arrays, arrays without items, top-level combinators."""
    if not isinstance(schema, dict):
        return [path + ": not an object schema"]
    found = []
    if root and schema.get("type") != "object":
        found.append(path + ": root not an object")
    if root:
        found += [path + ": top-level " + key for key in ("anyOf", "oneOf", "allOf") if key in schema]
    if "type" in schema and not isinstance(schema["type"], str):
        found.append(path + ": type array")
    if not root and "type" not in schema:
        found.append(path + ": no type")
    if schema.get("type") == "array" and "items" not in schema:
        found.append(path + ": array without items")
    for name, prop in schema.get("properties", {}).items():
        found += subset_problems(prop, path + "." + name, root=False)
    if isinstance(schema.get("items"), dict):
        found += subset_problems(schema["items"], path + ".items", root=False)
    return found


async def session_for(binary, sandbox, *extra):
    params = StdioServerParameters(command=binary, args=["--stdio", "--sandbox", "--sandbox-path", sandbox, *extra])
    return stdio_client(params)


async def hosted(binary, sandbox):
    async with await session_for(binary, sandbox, "--toolset", "all") as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            tools = (await session.list_tools()).tools
            names = {tool.name for tool in tools}
            check(names == {"get_model_actions", "perform_model_action", "list_model_records", "get_model_record",
                            "create_model_record", "update_model_record", "delete_model_record",
                            "get_model_action_parameters", "search_records", "create_document", "get_document",
                            "search_documents"}, "--toolset all serves both sets: " + ", ".join(sorted(names)))
            problems = [p for tool in tools for p in subset_problems(tool.input_schema, tool.name)
                        + (subset_problems(tool.output_schema, tool.name + ".output") if tool.output_schema else [])]
            check(problems == [], "every declaration is in the provider subset " + "; ".join(problems))

            first = await session.call_tool("list_model_records", {"MODEL": "Company"})
            check(not first.is_error, "a default list")
            page = first.structured_content["page"]
            check(page == {"offset": 0, "limit": 25, "returned": 25, "more": True, "nextOffset": 25}, f"25 records and the page: {page}")
            check(json.loads(texts(first)[0]) == first.structured_content, "the text carries the structured content")
            check(texts(first)[-1].startswith("25 companies from offset 0; more: call again with OFFSET 25"), "the page line")

            everything = (await session.call_tool("list_model_records", {"MODEL": "Company", "LIMIT": 200, "SELECT": ["name", "arr", "custom.Seats", "phase"]})).structured_content["records"]
            check(len(everything) > 25, f"{len(everything)} companies with a selection")

            async def names_for(filter):
                result = await session.call_tool("list_model_records", {"MODEL": "Company", "LIMIT": 200, "FILTER": filter, "SELECT": "name"})
                check(not result.is_error, f"FILTER {filter}")
                return {row["name"] for row in result.structured_content["records"]}

            phase = everything[0]["phase"]
            check(await names_for({"phase[equal to]": phase}) == {r["name"] for r in everything if r.get("phase") == phase}, "[equal to]")
            check(await names_for({"custom.Seats[more than]": "20"}) == {r["name"] for r in everything if r.get("custom", {}).get("Seats", 0) > 20}, "[more than] on a custom path")
            check(await names_for({"arr[less than]": 50000}) == {r["name"] for r in everything if r.get("arr", 1e18) < 50000}, "[less than]")
            check(await names_for({"name[contains]": "logistics"}) == {r["name"] for r in everything if "logistics" in r["name"].lower()}, "[contains]")
            check(await names_for({"custom.Seats[has value]": ""}) == {r["name"] for r in everything if "Seats" in r.get("custom", {})}, "[has value]")
            check(await names_for({"custom.Seats[has no value]": ""}) == {r["name"] for r in everything if "Seats" not in r.get("custom", {})}, "[has no value]")

            bad = await session.call_tool("list_model_records", {"MODEL": "Company", "FILTER": {"arr[about]": 1}})
            check(bad.is_error and texts(bad)[0].startswith("400 Bad Request") and "arr[about]" in texts(bad)[0], "an unknown operator is a 400 naming it")

            created = await session.call_tool("create_model_record", {"MODEL": "Company", "PARAMETERS": {"name": "Py Hosted", "externalId": "PYH-1"}})
            record_id = created.structured_content["record"]["_id"]
            got = await session.call_tool("get_model_record", {"MODEL": "Company", "OBJECT_ID": "extid-PYH-1", "SELECT": "name"})
            check(got.structured_content["record"] == {"_id": record_id, "name": "Py Hosted"}, "get_model_record by extid with SELECT")
            updated = await session.call_tool("update_model_record", {"MODEL": "Company", "OBJECT_ID": record_id, "PARAMETERS": json.dumps({"phase": "Renewal"})})
            check(updated.structured_content["record"]["phase"] == "Renewal", "update_model_record with PARAMETERS as a JSON string")
            deleted = await session.call_tool("delete_model_record", {"MODEL": "Company", "OBJECT_ID": record_id})
            check(not deleted.is_error, "delete_model_record")
            gone = await session.call_tool("get_model_record", {"MODEL": "Company", "OBJECT_ID": record_id})
            check(gone.is_error and texts(gone)[0].startswith("404"), "gone after delete")

            doc = await session.call_tool("create_document", {"NAME": "Py QBR", "CONTENT": "Expansion into Lisbon offices", "IS_PUBLIC": False})
            doc_id = doc.structured_content["record"]["_id"]
            found = await session.call_tool("search_documents", {"QUERY": "lisb"})
            check([hit["_id"] for hit in found.structured_content["results"]] == [doc_id], "search_documents finds the document by a prefix")
            got_doc = await session.call_tool("get_document", {"DOCUMENT_ID": doc_id, "FORMAT": "text"})
            check(got_doc.structured_content["record"]["content"] == "Expansion into Lisbon offices", "get_document returns its content")
            hits = await session.call_tool("search_records", {"QUERY": everything[0]["name"]})
            check(any(hit["title"] == everything[0]["name"] and hit["model"] == "Company" for hit in hits.structured_content["results"]), "search_records finds a company by its name")

            users = await session.call_tool("list_model_records", {"MODEL": "End User", "LIMIT": 2, "SELECT": "email"})
            check(all(set(row) == {"_id", "email"} for row in users.structured_content["records"]), "MODEL \"End User\"")
            schema = await session.call_tool("get_model_action_parameters", {"MODEL": "EndUser"})
            check("email" in schema.structured_content["properties"], "get_model_action_parameters with MODEL")
            classic = await session.call_tool("get_model_action_parameters", {"MODEL_ROUTE": "endusers", "OPERATION": "list"})
            check("limit" in classic.structured_content["properties"], "get_model_action_parameters with MODEL_ROUTE and OPERATION")

    async with await session_for(binary, sandbox, "--toolset", "hosted", "--read-only", "--models", "companies", "--max-result-bytes", "3000") as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            names = [tool.name for tool in (await session.list_tools()).tools]
            check(names == ["list_model_records", "get_model_record", "get_model_action_parameters", "search_records", "get_document", "search_documents"], "read-only hosted: reads only")
            refused = await session.call_tool("list_model_records", {"MODEL": "End User"})
            check(refused.is_error and texts(refused)[0].startswith("404"), "the allow-list refuses other models")
            cut = await session.call_tool("list_model_records", {"MODEL": "Company", "SELECT": "*"})
            size = sum(len(t.encode()) for t in texts(cut))
            truncated = cut.structured_content.get("truncated", {})
            check(size <= 3000 and truncated.get("truncated") is True, f"cut to the budget: {size} bytes")
            check(truncated["continueOffset"] == cut.structured_content["page"]["nextOffset"] == cut.structured_content["page"]["returned"], "says where to continue")
            check("SELECT" in texts(cut)[-1] and "largest fields" in texts(cut)[-1], "the line names the largest fields and SELECT")
    print("ALL CHECKS PASSED")


if __name__ == "__main__":
    asyncio.run(hosted(sys.argv[1], sys.argv[2]))
