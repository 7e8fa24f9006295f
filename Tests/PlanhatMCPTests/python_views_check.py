"""Reads the saved views of `planhat --stdio --sandbox` as MCP resources with the Python reference
client: the list and its descriptions, a view's page, continuing from nextOffset, a bad name.

Usage: python_views_check.py PLANHAT_BINARY SANDBOX_PATH CONFIG_HOME
(CONFIG_HOME/planhat-explorer/views.yaml holds the view all-companies of ViewResourceTests.)
"""
import asyncio
import json
import os
import sys

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.shared.exceptions import MCPError


def check(condition, message):
    if not condition:
        raise SystemExit("CHECK FAILED: " + message)
    print("ok:", message)


async def read(session, uri):
    result = await session.read_resource(uri)
    check(len(result.contents) == 1 and result.contents[0].mime_type == "application/json", f"{uri} is one JSON text")
    return json.loads(result.contents[0].text)


async def main(binary, sandbox, config):
    env = dict(os.environ, XDG_CONFIG_HOME=config)
    params = StdioServerParameters(command=binary, args=["--stdio", "--sandbox", "--sandbox-path", sandbox, "--toolset", "hosted"], env=env)
    async with stdio_client(params) as (read_stream, write_stream):
        async with ClientSession(read_stream, write_stream) as session:
            capabilities = (await session.initialize()).capabilities
            check(capabilities.resources is not None, "the server declares resources")
            resources = {str(item.uri): item for item in (await session.list_resources()).resources}
            for name in ("all-companies", "renewals-90d", "low-health", "tasks-this-week"):
                check(f"planhat://views/{name}" in resources, f"{name} is listed")
            low = resources["planhat://views/low-health"].description
            check("model companies" in low and "status is customer and h below 40" in low and "sort h" in low, f"the description: {low}")

            first = await read(session, "planhat://views/all-companies")
            check(first["page"] == {"offset": 0, "limit": 25, "returned": 25, "more": True, "nextOffset": 25}, f"a page of 25: {first['page']}")
            check(first["line"] == "25 companies from offset 0; more: read planhat://views/all-companies?offset=25", first["line"])
            check(all(set(row) <= {"_id", "name", "arr", "phase", "status", "h", "renewalDaysFromNow", "owner"} for row in first["records"]), "the view's columns")
            second = await read(session, "planhat://views/all-companies?offset=25&limit=25")
            both = await read(session, "planhat://views/all-companies?limit=50")
            ids = lambda answer: [row["_id"] for row in answer["records"]]
            check(ids(first) + ids(second) == ids(both), "the second page continues the first")

            low_health = await read(session, "planhat://views/low-health?limit=200")
            check(all(row["h"] < 40 for row in low_health["records"]), f"{len(low_health['records'])} companies below 40")
            check(low_health["page"]["more"] is False, "the whole view in one page says no more")

            try:
                await session.read_resource("planhat://views/nope")
                check(False, "an unknown view is refused")
            except MCPError as error:
                check("no view is called 'nope'" in str(error) and "low-health" in str(error), f"an unknown view: {error}")
    print("ALL CHECKS PASSED")


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
