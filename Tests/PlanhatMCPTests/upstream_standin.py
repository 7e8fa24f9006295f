"""A stand-in for Planhat's hosted MCP server (`https://api.planhat.com/v1/mcp`), for the forwarding tests:
Python `mcp` 2.3.0, Streamable HTTP, stateless, JSON answers, on a loopback port.

Usage: upstream_standin.py --token TOKEN --log FILE
Prints `listening PORT` once ready. Serves POST /v1/mcp with the four tools Planhat's REST API lacks
(`search_records`, `create_document`, `get_document`, `search_documents`).

- Every request must carry `Authorization: Bearer TOKEN`; otherwise 401 with Planhat's wording.
- A request whose body holds `rate-limit-me` is answered 429, one holding `server-fault-me` 503.
- `search_records` of a QUERY holding `many-results` answers 300 hits; `get_document` of `big-document` a
  50 000-character document (for the answer budget).
- `get_document` of an unknown id is a tool error with Planhat's guidance.
- Each tool call appends one JSON line to FILE: {"tool", "arguments", "authorization": "ok"}.
"""
import argparse
import json
import socket
import sys
import threading

import uvicorn
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from starlette.responses import JSONResponse

parser = argparse.ArgumentParser()
parser.add_argument("--token", required=True)
parser.add_argument("--log", required=True)
options = parser.parse_args()

lock = threading.Lock()
documents = {}


def note(tool, arguments):
    with lock, open(options.log, "a") as log:
        log.write(json.dumps({"tool": tool, "arguments": arguments, "authorization": "ok"}) + "\n")


server = MCPServer(name="planhat-hosted-standin", version="2026.1")


@server.tool(name="search_records", structured_output=True)
def search_records(QUERY: str, MODEL: str | None = None) -> dict[str, list[dict[str, str]]]:
    note("search_records", {"QUERY": QUERY, "MODEL": MODEL})
    if "many-results" in QUERY:
        return {"results": [{"model": MODEL or "Company", "_id": f"many-{n:03d}", "title": f"{QUERY} match {n} " + "words " * 20} for n in range(300)]}
    hits = [{"model": MODEL or "Company", "_id": "66a0c0ffee0000000000000" + str(n), "title": f"{QUERY} match {n}"} for n in range(3)]
    return {"results": hits}


@server.tool(name="create_document")
def create_document(NAME: str, CONTENT: str, OWNER: str | None = None, IS_PUBLIC: bool = False) -> dict:
    note("create_document", {"NAME": NAME, "CONTENT": CONTENT, "OWNER": OWNER, "IS_PUBLIC": IS_PUBLIC})
    identifier = "doc%04d" % (len(documents) + 1)
    documents[identifier] = {"_id": identifier, "name": NAME, "content": CONTENT, "owner": OWNER, "isPublic": IS_PUBLIC, "createdAt": "2026-12-02T06:00:00.000Z"}
    return documents[identifier]


@server.tool(name="get_document")
def get_document(DOCUMENT_ID: str, FORMAT: str = "text") -> dict:
    note("get_document", {"DOCUMENT_ID": DOCUMENT_ID, "FORMAT": FORMAT})
    if DOCUMENT_ID == "big-document":
        return {"_id": "big-document", "name": "Big", "content": "x" * 50000, "createdAt": "2026-12-02T06:00:00.000Z"}
    if DOCUMENT_ID not in documents:
        raise ToolError(f"Document not found: {DOCUMENT_ID}. Use search_documents to find a document's _id.")
    return documents[DOCUMENT_ID]


@server.tool(name="search_documents")
def search_documents(QUERY: str) -> dict:
    note("search_documents", {"QUERY": QUERY})
    words = QUERY.lower().split()
    found = [{"_id": d["_id"], "name": d["name"], "createdAt": d["createdAt"]} for d in documents.values()
             if all(w in (d["name"] + " " + d["content"]).lower() for w in words)]
    return {"results": found}


app = server.streamable_http_app(streamable_http_path="/v1/mcp", json_response=True, stateless_http=True)


class Gate:
    """Checks the Authorization header and plays Planhat's HTTP refusals before the MCP app sees a request."""

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.inner(scope, receive, send)
        headers = {key.decode().lower(): value.decode() for key, value in scope["headers"]}
        if headers.get("authorization") != "Bearer " + options.token:
            response = JSONResponse({"error": "Unauthorized", "message": "Caused by missing or invalid access token. Check the Authorization: Bearer <token> and ensure token is active and valid."}, status_code=401)
            return await response(scope, receive, send)
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        for marker, status in ((b"rate-limit-me", 429), (b"server-fault-me", 503)):
            if marker in body:
                response = JSONResponse({"error": "refused", "message": f"stand-in {status}"}, status_code=status)
                return await response(scope, receive, send)
        replayed = False

        async def replay():
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        return await self.inner(scope, replay, send)


listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", 0))
print("listening", listener.getsockname()[1], flush=True)
config = uvicorn.Config(Gate(app), log_level="warning", lifespan="on")
uvicorn.Server(config).run(sockets=[listener])
sys.exit(0)
