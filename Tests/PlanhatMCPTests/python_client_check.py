"""Drives `planhat --stdio --sandbox` with the Python MCP reference client and checks every answer.

Usage: python_client_check.py PLANHAT_BINARY SANDBOX_PATH
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


def text_of(result):
    return "".join(item.text for item in result.content if getattr(item, "type", "") == "text")



async def main(binary, sandbox):
    params = StdioServerParameters(command=binary, args=["--stdio", "--sandbox", "--sandbox-path", sandbox])
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            init = await session.initialize()
            check(init.server_info.name == "planhat-explorer", "server name")
            tools = (await session.list_tools()).tools
            names = [tool.name for tool in tools]
            check(names == ["get_model_actions", "get_model_action_parameters", "perform_model_action"], "three tools")
            check(all(tool.title for tool in tools), "every tool has a title")
            check(tools[0].annotations.read_only_hint is True, "discover is read-only")
            check(tools[2].annotations.destructive_hint is True, "perform is destructive")
            check(tools[2].output_schema is not None, "perform declares an output schema")

            actions = json.loads(text_of(await session.call_tool("get_model_actions", {})))
            check(actions[0] == {"route": "companies", "name": "Company",
                                 "operations": ["list", "view", "create", "update", "delete", "bulkUpsert"]}, "discover shape")

            schema = json.loads(text_of(await session.call_tool(
                "get_model_action_parameters", {"MODEL_ROUTE": "Companies", "OPERATION": "create"})))
            check("name" in schema["required"], "Companies/create requires name")

            top = await session.call_tool("perform_model_action", {
                "MODEL_ROUTE": "companies", "OPERATION": "list",
                "PARAMETERS": json.dumps({"limit": 3, "sort": "-arr", "select": "name,arr"})})
            rows = json.loads(text_of(top))
            check(len(rows) == 3 and all(set(row) == {"_id", "name", "arr"} for row in rows), "three rows, selected fields")
            check([row["arr"] for row in rows] == sorted((row["arr"] for row in rows), reverse=True), "sorted by ARR")
            check(top.structured_content["records"] == rows, "structured records mirror the text")

            created = json.loads(text_of(await session.call_tool("perform_model_action", {
                "MODEL_ROUTE": "companies", "OPERATION": "create",
                "PARAMETERS": {"name": "Python Co", "externalId": "PY-1"}})))
            record_id = created["_id"]
            viewed = json.loads(text_of(await session.call_tool("perform_model_action", {
                "MODEL_ROUTE": "companies", "OPERATION": "view", "PARAMETERS": {"id": "extid-PY-1"}})))
            check(viewed["_id"] == record_id, "view by extid-")
            updated = json.loads(text_of(await session.call_tool("perform_model_action", {
                "MODEL_ROUTE": "companies", "OPERATION": "update",
                "PARAMETERS": json.dumps({"id": record_id, "phase": "Renewal"})})))
            check(updated["phase"] == "Renewal", "update")
            await session.call_tool("perform_model_action", {
                "MODEL_ROUTE": "companies", "OPERATION": "delete", "PARAMETERS": {"id": record_id}})
            gone = await session.call_tool("perform_model_action", {
                "MODEL_ROUTE": "companies", "OPERATION": "view", "PARAMETERS": {"id": record_id}})
            check(gone.is_error and text_of(gone).startswith("404 Not Found"), "view after delete is a 404 tool error")

            bad = await session.call_tool("perform_model_action", {
                "MODEL_ROUTE": "companies", "OPERATION": "list", "PARAMETERS": "{oops"})
            check(bad.is_error and text_of(bad).startswith("400 Bad Request"), "bad JSON is a 400 tool error")

    params = StdioServerParameters(command=binary, args=["--stdio", "--sandbox", "--read-only", "--sandbox-path", sandbox])
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            refused = await session.call_tool("perform_model_action", {
                "MODEL_ROUTE": "companies", "OPERATION": "create", "PARAMETERS": {"name": "Nope"}})
            check(refused.is_error and text_of(refused).startswith("403 Forbidden"), "read-only refuses writes")
    print("ALL CHECKS PASSED")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
