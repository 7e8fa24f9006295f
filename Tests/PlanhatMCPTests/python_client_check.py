"""Drives `planhat --stdio --sandbox` with the Python MCP reference client and checks every answer.

Usage: python_client_check.py PLANHAT_BINARY SANDBOX_PATH
"""
import asyncio
import json
import subprocess
import sys

import mcp_types
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client


def check(condition, message):
    if not condition:
        raise SystemExit("CHECK FAILED: " + message)
    print("ok:", message)


def text_of(result):
    """The first text block: the answer's JSON (a list's second block is its page line)."""
    texts = [item.text for item in result.content if getattr(item, "type", "") == "text"]
    return texts[0] if texts else ""


def line_of(result):
    """The last text block: a list's page line."""
    texts = [item.text for item in result.content if getattr(item, "type", "") == "text"]
    return texts[-1] if texts else ""



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
            rows = json.loads(text_of(top))["records"]
            check(top.structured_content["page"] == {"offset": 0, "limit": 3, "returned": 3, "more": True, "nextOffset": 3}, "the page says where it stands")
            check(line_of(top).startswith("3 companies from offset 0; more: call again with offset 3"), "the page line")
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
            read_only_tools = (await session.list_tools()).tools
            operations = read_only_tools[2].input_schema["properties"]["OPERATION"]["enum"]
            check(operations == ["list", "view"], "read-only: the OPERATION enum offers list and view only")
            check(not any(word in (tool.description or "") for tool in read_only_tools for word in ["create", "update", "delete", "bulkUpsert"]),
                  "read-only: no description names a write")
            refused = await session.call_tool("perform_model_action", {
                "MODEL_ROUTE": "companies", "OPERATION": "create", "PARAMETERS": {"name": "Nope"}})
            check(refused.is_error and text_of(refused).startswith("403 Forbidden"), "read-only refuses writes")
    await cancellation(binary, sandbox)
    malformed_lines(binary, sandbox)
    print("ALL CHECKS PASSED")


async def cancellation(binary, sandbox):
    """The reference client cancels a 5 000-item bulk upsert after its first chunk (it sends
    notifications/cancelled): the server stops between chunks, sends no response, and the log
    message it sends instead says how many items were applied, which is how many are stored."""
    logs = []
    first_progress = asyncio.Event()

    async def on_log(params):
        logs.append(params)

    async def on_progress(progress, total, message):
        first_progress.set()

    params = StdioServerParameters(command=binary, args=["--stdio", "--sandbox", "--sandbox-path", sandbox])
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write, logging_callback=on_log) as session:
            await session.initialize()
            items = [{"name": f"Py Cancel {i}", "externalId": f"PYC-{i}"} for i in range(5000)]
            call = asyncio.create_task(session.call_tool("perform_model_action", {
                "MODEL_ROUTE": "companies", "OPERATION": "bulkUpsert", "PARAMETERS": {"items": items}},
                progress_callback=on_progress))
            await asyncio.wait_for(first_progress.wait(), 60)
            call.cancel()
            try:
                await call
                check(False, "the cancelled call was answered")
            except asyncio.CancelledError:
                pass
            for _ in range(600):
                if logs:
                    break
                await asyncio.sleep(0.05)
            check(len(logs) == 1 and logs[0].data.get("event") == "cancelled", "a cancellation log message arrived")
            data = logs[0].data
            applied = data["applied"]
            check(logs[0].level == "warning" and logs[0].logger == "planhat.mcp", "logged as a warning by planhat.mcp")
            check(0 < applied < 5000 and data["total"] == 5000, f"stopped between chunks: {applied} of 5000 applied")
            stored = 0
            offset = 0
            while offset is not None:
                answer = (await session.call_tool("perform_model_action", {
                    "MODEL_ROUTE": "companies", "OPERATION": "list",
                    "PARAMETERS": {"limit": 5000, "offset": offset, "select": "externalId"}})).structured_content
                stored += sum(1 for row in answer["records"] if str(row.get("externalId", "")).startswith("PYC-"))
                offset = answer["page"].get("nextOffset") if answer["page"].get("more") else None
            check(stored == applied, f"the applied count ({applied}) is what was stored ({stored})")


def malformed_lines(binary, sandbox):
    """Raw lines the reference client would never send; each answer must parse as the reference
    types' JSONRPCError with the right code and id (None where the id could not be read)."""
    cases = [
        ("this is not json", -32700, None),
        ("{}", -32600, None),
        ('{"jsonrpc":"1.0","id":7,"method":"ping"}', -32600, 7),
        ('{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}', -32600, None),
        ('[{"jsonrpc":"2.0","id":8,"method":"ping"}]', -32600, None),
        ('{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"perform_model_action","arguments":"oops"}}', -32602, 9),
        ('{"jsonrpc":"2.0","id":"ten","method":"no/such"}', -32601, "ten"),
    ]
    server = subprocess.Popen([binary, "--stdio", "--sandbox", "--sandbox-path", sandbox],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        server.stdin.write(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}}) + "\n")
        server.stdin.flush()
        mcp_types.jsonrpc_message_adapter.validate_json(server.stdout.readline(), by_name=False)
        for line, code, request_id in cases:
            server.stdin.write(line + "\n")
            server.stdin.flush()
            answer = mcp_types.jsonrpc_message_adapter.validate_json(server.stdout.readline(), by_name=False)
            check(isinstance(answer, mcp_types.JSONRPCError) and answer.error.code == code and answer.id == request_id,
                  f"{line[:48]} → {code}, id {request_id!r}")
    finally:
        server.stdin.close()
        server.wait(timeout=30)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
