"""The baseline for `make bench`: the MCP server a user would otherwise write in an afternoon.

Python's reference `mcp` package (MCPServer, formerly FastMCP; pinned in the Makefile) serving the same three tools over
the same data, by proxying to `planhat sandbox serve`.
Usage: bench_python_server.py PLANHAT_BINARY BASE_URL [--http PORT]
  stdio by default; with --http, Streamable HTTP at http://127.0.0.1:PORT/mcp, stateless, JSON answers
  (the set-up `make bench` compares `planhat mcp --http --stateless` with).
"""
import json
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

from mcp.server.mcpserver import MCPServer

BINARY, BASE = sys.argv[1], sys.argv[2].rstrip("/")
HEADERS = {"Authorization": "Bearer bench", "Content-Type": "application/json"}
HTTP_PORT = int(sys.argv[sys.argv.index("--http") + 1]) if "--http" in sys.argv else None
server = MCPServer("python-baseline", log_level="WARNING" if HTTP_PORT else "INFO")
_models = None


def request(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(BASE + path, data=data, method=method, headers=HEADERS)
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return {"error": error.code, "body": error.read().decode()}


@server.tool()
def get_model_actions() -> str:
    global _models
    if _models is None:
        _models = subprocess.run([BINARY, "models", "--json"], capture_output=True, text=True).stdout
    return _models


@server.tool()
def get_model_action_parameters(MODEL_ROUTE: str, OPERATION: str) -> str:
    return subprocess.run([BINARY, "schema", MODEL_ROUTE, OPERATION], capture_output=True, text=True).stdout


@server.tool()
def perform_model_action(MODEL_ROUTE: str, OPERATION: str, PARAMETERS: str = "{}") -> str:
    params = json.loads(PARAMETERS) if isinstance(PARAMETERS, str) else PARAMETERS
    route = "/" + MODEL_ROUTE.lower()
    record_id = params.pop("id", None)
    if OPERATION == "list":
        result = request("GET", route + "?" + urllib.parse.urlencode(params))
    elif OPERATION == "view":
        result = request("GET", f"{route}/{record_id}")
    elif OPERATION == "create":
        result = request("POST", route, params)
    elif OPERATION == "update":
        result = request("PUT", f"{route}/{record_id}", params)
    elif OPERATION == "delete":
        result = request("DELETE", f"{route}/{record_id}")
    else:
        result = request("PUT", route, params.get("items", []))
    return json.dumps(result)


if __name__ == "__main__":
    if HTTP_PORT is None:
        server.run()
    else:
        server.run("streamable-http", host="127.0.0.1", port=HTTP_PORT, json_response=True, stateless_http=True)
