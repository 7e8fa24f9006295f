"""Drives `planhat mcp --http` with the Python MCP reference client (Streamable HTTP) and raw sockets.

Usage: python_http_check.py CHECK URL [ARGS...]
  tools URL [TOKEN]                 every tool, create/view/update/delete, bad input (stateful or stateless)
  notify URL                        progress notifications arrive (stateful: the GET stream)
  auth URL MODE                     401s with WWW-Authenticate, the metadata document; MODE key|passthrough
  origin URL [TOKEN]                a foreign Origin gets 403, a loopback one is served
  crowd URL N [TOKEN]               N clients at once, each initialize + list + call
  limits URL HEADER_TIMEOUT [TOKEN] a 10 MB body gets 413; a half-sent head is cut off (408) and the server still answers
  passthrough URL RW_TOKEN RO_TOKEN two Planhat tokens of different permissions through one server
  keyed URL KEY                     a key from the keys file is admitted (and what it may do)
  owned URL TOKEN_A TOKEN_B         a session opened with one token is unknown to another (stateful)
  expire URL IDLE_SECONDS           an unused session ends after the idle timeout
  quota URL TOKEN_A TOKEN_B N       stateless passthrough at N requests a minute: N+2 calls at once with one token,
                                    N answered and 2 held; the other token's call answered at once
  same URL                          stateless: a plain tools/call (answered without the SDK's server) gets the bytes
                                    the SDK's path gives the same call (sent with an extra params member)
  journal URL NAME [TOKEN]          writes from a client named NAME (create + update); prints `marker: …`
  journal-meta URL NAME [TOKEN]     a raw stateless tools/call carrying its client's name in _meta; prints `marker: …`
  resources URL BUDGET              the journal and the saved views as resources, a view cut to BUDGET bytes, an unknown view
  wait URL MODE                     at 3 calls a minute the 4th waits: MODE stateful hears progress while it waits and
                                    cancels it, then one waits to the end and says so; MODE stateless: the answer says so
  forwarded URL BUDGET              search_records and get_document forwarded to the hosted stand-in: small answers as given,
                                    large ones cut at a whole item (or texts shortened) under BUDGET bytes, saying so
Each check prints `ok: …` lines and ends with ALL CHECKS PASSED, or exits with CHECK FAILED.
"""
import asyncio
import json
import socket
import sys
import time
import urllib.parse

import httpx2
from mcp import ClientSession, types
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError


def check(condition, message):
    if not condition:
        raise SystemExit("CHECK FAILED: " + message)
    print("ok:", message)


def text_of(result):
    """The first text block: the answer's JSON (a list's second block is its page line)."""
    texts = [item.text for item in result.content if getattr(item, "type", "") == "text"]
    return texts[0] if texts else ""


def client(token=None, origin=None):
    headers = {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if origin:
        headers["Origin"] = origin
    return httpx2.AsyncClient(headers=headers, timeout=httpx2.Timeout(60, read=300))


async def session_run(url, token, body, **session_options):
    async with client(token) as http:
        async with streamable_http_client(url, http_client=http) as (read, write):
            async with ClientSession(read, write, **session_options) as session:
                await session.initialize()
                return await body(session)


async def perform(session, model, operation, parameters):
    return await session.call_tool("perform_model_action", {"MODEL_ROUTE": model, "OPERATION": operation, "PARAMETERS": parameters})


async def tools(url, token=None):
    async def body(session):
        names = [tool.name for tool in (await session.list_tools()).tools]
        check(names[:3] == ["get_model_actions", "get_model_action_parameters", "perform_model_action"], f"the tools are listed: {names}")
        actions = json.loads(text_of(await session.call_tool("get_model_actions", {})))
        check(actions[0]["route"] == "companies" and "create" in actions[0]["operations"], "discover answers the models")
        schema = json.loads(text_of(await session.call_tool("get_model_action_parameters", {"MODEL_ROUTE": "companies", "OPERATION": "create"})))
        check("name" in schema["required"], "companies/create requires name")
        top = await perform(session, "companies", "list", {"limit": 3, "sort": "-arr", "select": "name,arr"})
        rows = json.loads(text_of(top))["records"]
        check(len(rows) == 3 and [r["arr"] for r in rows] == sorted((r["arr"] for r in rows), reverse=True), "three companies by ARR")
        marker = f"HTTP-{time.time_ns()}"
        created = json.loads(text_of(await perform(session, "companies", "create", {"name": "HTTP Co", "externalId": marker})))
        viewed = json.loads(text_of(await perform(session, "companies", "view", {"id": f"extid-{marker}"})))
        check(viewed["_id"] == created["_id"], "create, then view by extid-")
        updated = json.loads(text_of(await perform(session, "companies", "update", {"id": created["_id"], "phase": "Renewal"})))
        check(updated["phase"] == "Renewal", "update")
        await perform(session, "companies", "delete", {"id": created["_id"]})
        gone = await perform(session, "companies", "view", {"id": created["_id"]})
        check(gone.is_error and text_of(gone).startswith("404 Not Found"), "view after delete is a 404 tool error")
        bad = await perform(session, "companies", "list", "{oops")
        check(bad.is_error and text_of(bad).startswith("400 Bad Request"), "bad JSON is a 400 tool error")
        try:
            await session.call_tool("no_such_tool", {})
            check(False, "an unknown tool was answered")
        except Exception as error:
            check("no_such_tool" in str(error) or "Unknown tool" in str(error) or "unknown" in str(error).lower(), f"an unknown tool is refused: {error}")
    await session_run(url, token, body)


async def notify(url):
    progress = []

    async def on_progress(done, total, message):
        progress.append((done, total))

    async def body(session):
        items = [{"name": f"HTTP Bulk {i}", "externalId": f"HTTPB-{i}"} for i in range(1200)]
        result = await session.call_tool("perform_model_action", {"MODEL_ROUTE": "companies", "OPERATION": "bulkUpsert", "PARAMETERS": {"items": items}},
                                         progress_callback=on_progress)
        check(not result.is_error, "a 1 200-item bulk upsert is applied")
        check(len(progress) >= 2 and progress[-1][0] == 1200, f"progress notifications arrived: {progress}")
    await session_run(url, None, body)


def raw_request(url, method="POST", headers=None, body=b"", timeout=30):
    """One HTTP request over a plain socket: (status, headers dict, body bytes); status None when
    nothing came back within `timeout` seconds."""
    parts = urllib.parse.urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
        lines = [f"{method} {parts.path or '/'} HTTP/1.1", "Connection: close"]
        if "Host" not in (headers or {}):
            lines.append(f"Host: {parts.hostname}:{parts.port}")
        for name, value in (headers or {}).items():
            lines.append(f"{name}: {value}")
        if body or method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        data = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            data += chunk
    if not data:
        return None, {}, b""
    head, _, rest = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    fields = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        fields[name.strip().lower()] = value.strip()
    return int(status_line.split(" ")[1]), fields, rest


INITIALIZE = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
    "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}}).encode()
MCP_HEADERS = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}


async def auth(url, mode):
    for label, token in [("no credential", None), ("a wrong credential", "wrong-credential-0123456789")]:
        headers = dict(MCP_HEADERS)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        status, fields, body = raw_request(url, headers=headers, body=INITIALIZE)
        if mode == "passthrough" and token:
            # The server cannot judge a Planhat token: Planhat (sandbox serve) does, on the first call.
            check(status == 200, f"passthrough: {label} reaches MCP (Planhat judges it): {status}")
            continue
        challenge = fields.get("www-authenticate", "")
        check(status == 401, f"{label}: 401 ({status})")
        check(challenge.startswith("Bearer ") and "resource_metadata=" in challenge, f"{label}: WWW-Authenticate names the metadata: {challenge}")
        check(("invalid_token" in challenge) == (token is not None), f"{label}: error=invalid_token only for a wrong credential")
        check(b"Bearer" not in body or token is None or token.encode() not in body, f"{label}: the answer does not echo the credential")
        metadata_url = challenge.split('resource_metadata="')[1].split('"')[0]
    status, _, body = raw_request(url.rsplit("/mcp", 1)[0] + "/.well-known/oauth-protected-resource/mcp", method="GET")
    document = json.loads(body)
    check(status == 200 and document["resource"].endswith("/mcp"), f"the protected-resource metadata is served: {document}")
    if mode == "passthrough":
        check(document.get("authorization_servers") == ["https://api.planhat.com"], "passthrough: Planhat is the authorization server")
        async def wrong(session):
            return await perform(session, "companies", "list", {"limit": 1})
        refused = await session_run(url, "wrong-credential-0123456789", wrong)
        check(refused.is_error and text_of(refused).startswith("401"), f"passthrough: a wrong Planhat token gets Planhat's 401: {text_of(refused)[:100]}")
    else:
        check("authorization_servers" not in document, "key mode: no authorization server is advertised")
        check(metadata_url.endswith("/.well-known/oauth-protected-resource/mcp"), "the challenge points at the metadata route")
        refused = False
        try:
            await session_run(url, None, lambda s: s.list_tools())
        except BaseException:
            refused = True
        check(refused, "the Python client without a key is refused")


async def origin(url, token=None):
    headers = dict(MCP_HEADERS)
    if token:
        headers["Authorization"] = f"Bearer {token}"
    status, _, body = raw_request(url, headers={**headers, "Origin": "http://evil.example"}, body=INITIALIZE)
    check(status == 403 and b"evil.example" in body, f"a foreign Origin gets 403 ({status})")
    parts = urllib.parse.urlsplit(url)
    status, _, _ = raw_request(url, headers={**headers, "Origin": f"http://localhost:{parts.port}"}, body=INITIALIZE)
    check(status == 200, f"a loopback Origin is served ({status})")
    status, _, _ = raw_request(url, headers={**headers, "Host": f"rebound.example:{parts.port}"}, body=INITIALIZE)
    check(status == 421, f"on loopback a foreign Host (DNS rebinding) gets 421 ({status})")


async def crowd(url, count, token=None):
    started = time.monotonic()
    async def one(index):
        async def body(session):
            await session.list_tools()
            result = await perform(session, "companies", "list", {"limit": 1, "offset": index % 50, "select": "name"})
            return not result.is_error and len(json.loads(text_of(result))["records"]) == 1
        return await session_run(url, token, body)
    results = await asyncio.gather(*(one(i) for i in range(count)), return_exceptions=True)
    failures = [r for r in results if r is not True]
    check(not failures, f"{count} clients at once, every one answered ({len(failures)} failed: {failures[:3]})")
    print(f"figure: {count} clients, initialize + list + call each, in {time.monotonic() - started:.2f} s")


async def limits(url, header_timeout, token=None):
    headers = dict(MCP_HEADERS)
    if token:
        headers["Authorization"] = f"Bearer {token}"
    big = b"{" + b" " * (10 * 1024 * 1024) + b"}"
    status, _, body = raw_request(url, headers=headers, body=big)
    check(status == 413, f"a 10 MB body gets 413 ({status}: {body[:120]!r})")
    parts = urllib.parse.urlsplit(url)
    slow = socket.create_connection((parts.hostname, parts.port), timeout=header_timeout * 4 + 10)
    slow.sendall(f"POST /mcp HTTP/1.1\r\nHost: {parts.hostname}:{parts.port}\r\nContent-Ty".encode())
    started = time.monotonic()
    # Meanwhile the server answers others.
    status, _, _ = raw_request(url.rsplit("/mcp", 1)[0] + "/healthz", method="GET")
    check(status == 200, "while a client sends half a head, /healthz answers")
    data = b""
    try:
        while True:
            chunk = slow.recv(4096)
            if not chunk:
                break
            data += chunk
    except (ConnectionResetError, socket.timeout):
        pass
    waited = time.monotonic() - started
    check(data.startswith(b"HTTP/1.1 408"), f"the half-sent head is answered 408: {data[:60]!r}")
    check(waited < header_timeout * 3 + 2, f"and cut off after {waited:.1f} s (header timeout {header_timeout} s)")
    slow.close()
    async def body_(session):
        return await session.call_tool("get_model_actions", {})
    result = await session_run(url, token, body_)
    check(not result.is_error, "the server still answers a full MCP session afterwards")


async def passthrough(url, rw_token, ro_token):
    async def as_writer(session):
        listed = await perform(session, "companies", "list", {"limit": 1})
        check(not listed.is_error, "the read-write token lists")
        created = await perform(session, "companies", "create", {"name": "Passthrough Co", "externalId": f"PT-{time.time_ns()}"})
        check(not created.is_error, f"the read-write token creates: {text_of(created)[:120]}")
        await perform(session, "companies", "delete", {"id": json.loads(text_of(created))["_id"]})
    await session_run(url, rw_token, as_writer)

    async def as_reader(session):
        listed = await perform(session, "companies", "list", {"limit": 1})
        check(not listed.is_error, "the read-only token lists")
        refused = await perform(session, "companies", "create", {"name": "Nope Co"})
        text = text_of(refused)
        check(refused.is_error and text.startswith("403") and "may only read" in text, f"the read-only token's write gets that user's 403: {text[:160]}")
    await session_run(url, ro_token, as_reader)



def raw_session(url, token):
    """Opens a session with a raw initialize: its id (None when stateless)."""
    status, fields, _ = raw_request(url, headers={**MCP_HEADERS, "Authorization": f"Bearer {token}"}, body=INITIALIZE)
    check(status == 200, f"a raw initialize is answered ({status})")
    return fields.get("mcp-session-id")


LIST = json.dumps({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}).encode()


def in_session(url, token, session_id):
    headers = {**MCP_HEADERS, "Authorization": f"Bearer {token}", "Mcp-Session-Id": session_id, "MCP-Protocol-Version": "2025-11-25"}
    status, _, _ = raw_request(url, headers=headers, body=LIST)
    return status


async def owned(url, token_a, token_b):
    session_id = raw_session(url, token_a)
    check(session_id is not None, "a stateful server names the session")
    check(in_session(url, token_b, session_id) == 404, "the session is unknown to another token (404)")
    check(in_session(url, token_a, session_id) == 200, "and served to the token that opened it")


async def expire(url, idle):
    session_id = raw_session(url, "any")
    check(in_session(url, "any", session_id) == 200, "a fresh session is served")
    time.sleep(idle * 2 + 1.5)
    check(in_session(url, "any", session_id) == 404, f"after {idle * 2 + 1.5:.1f} s unused (--session-idle {idle}) the session is gone (404)")


async def keyed(url, key):
    async def body(session):
        result = await perform(session, "companies", "list", {"limit": 2})
        check(not result.is_error and len(json.loads(text_of(result))["records"]) == 2, "a client with a key from the keys file is served")
    await session_run(url, key, body)


async def journal(url, name, token=None):
    marker = f"JOURNAL-{time.time_ns()}"
    async def body(session):
        created = await perform(session, "companies", "create", {"name": "Journaled Co", "externalId": marker})
        check(not created.is_error, f"a client named {name} creates: {text_of(created)[:120]}")
        updated = await perform(session, "companies", "update", {"id": json.loads(text_of(created))["_id"], "phase": "Renewal"})
        check(not updated.is_error, "and updates")
    await session_run(url, token, body, client_info=types.Implementation(name=name, version="1.0"))
    print(f"marker: {marker}")


async def journal_meta(url, name, token=None):
    marker = f"META-{time.time_ns()}"
    call = {"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {
        "name": "perform_model_action",
        "arguments": {"MODEL_ROUTE": "companies", "OPERATION": "create", "PARAMETERS": {"name": "Meta Co", "externalId": marker}},
        "_meta": {"io.modelcontextprotocol/clientInfo": {"name": name, "version": "2"}}}}
    headers = {"Content-Type": "application/json", "Accept": "application/json", "MCP-Protocol-Version": "2025-11-25"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    status, _, answer = raw_request(url, headers=headers, body=json.dumps(call).encode())
    check(status == 200 and b'"isError":true' not in answer.replace(b" ", b""), f"a raw stateless tools/call creates ({status}: {answer[:160]!r})")
    print(f"marker: {marker}")


def stateless_list(url, token, timeout):
    """A raw stateless tools/call listing one company: its HTTP status, None when not answered in time."""
    call = {"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {
        "name": "perform_model_action", "arguments": {"MODEL_ROUTE": "companies", "OPERATION": "list", "PARAMETERS": {"limit": 1}}}}
    headers = {"Content-Type": "application/json", "Accept": "application/json", "MCP-Protocol-Version": "2025-11-25",
               "Authorization": f"Bearer {token}"}
    status, _, answer = raw_request(url, headers=headers, body=json.dumps(call).encode(), timeout=timeout)
    return status if status != 200 or b'"isError":true' not in answer.replace(b" ", b"") else f"tool error {answer[:160]!r}"


async def quota(url, token_a, token_b, per_minute):
    hold = 10
    started = time.monotonic()
    statuses = await asyncio.gather(*[asyncio.to_thread(stateless_list, url, token_a, hold) for _ in range(per_minute + 2)])
    answered = [s for s in statuses if s == 200]
    held = [s for s in statuses if s is None]
    check(len(answered) == per_minute and len(held) == 2,
          f"{per_minute + 2} calls at once with one token: {len(answered)} answered, {len(held)} held past {hold} s ({statuses})")
    started = time.monotonic()
    status = stateless_list(url, token_b, hold)
    waited = time.monotonic() - started
    check(status == 200 and waited < hold / 2, f"meanwhile the other token's call is answered ({status}) in {waited:.2f} s")


async def same(url):
    headers = {"Content-Type": "application/json", "Accept": "application/json", "MCP-Protocol-Version": "2025-11-25"}
    calls = [
        ("get_model_actions", {}),
        ("get_model_action_parameters", {"MODEL_ROUTE": "companies", "OPERATION": "create"}),
        ("perform_model_action", {"MODEL_ROUTE": "companies", "OPERATION": "list", "PARAMETERS": {"limit": 2, "sort": "-arr", "select": "name,arr"}}),
        ("perform_model_action", {"MODEL_ROUTE": "companies", "OPERATION": "list", "PARAMETERS": "{\"limit\": 1}"}),
        ("perform_model_action", {"MODEL_ROUTE": "compnies", "OPERATION": "list"}),
        ("perform_model_action", {"MODEL_ROUTE": "companies", "OPERATION": "create", "PARAMETERS": {"phase": 5}}),
        ("no_such_tool", {}),
    ]
    for index, (name, arguments) in enumerate(calls):
        plain = {"jsonrpc": "2.0", "id": index, "method": "tools/call", "params": {"name": name, "arguments": arguments}}
        # An extra member of params: not a plain call, so the SDK's server answers it (and ignores the member).
        through_sdk = {"jsonrpc": "2.0", "id": index, "method": "tools/call", "params": {"name": name, "arguments": arguments, "x-route": "sdk"}}
        status_a, fields_a, body_a = raw_request(url, headers=headers, body=json.dumps(plain).encode())
        status_b, fields_b, body_b = raw_request(url, headers=headers, body=json.dumps(through_sdk).encode())
        check(status_a == status_b == 200 and fields_a.get("content-type") == fields_b.get("content-type"), f"{name}: both 200, {fields_a.get('content-type')}")
        check(json.loads(body_a) == json.loads(body_b), f"{name} {json.dumps(arguments)[:60]}: the same answer both ways ({body_a[:100]!r})")


async def read_json(session, uri):
    result = await session.read_resource(uri)
    check(len(result.contents) == 1 and result.contents[0].mime_type == "application/json", f"{uri} is one JSON text")
    return result.contents[0].text


async def resources(url, budget):
    async def body(session):
        listed = {str(item.uri): item for item in (await session.list_resources()).resources}
        check("planhat://journal/recent" in listed and "planhat://views" in listed, f"the journal and the views index are listed: {sorted(listed)[:6]}")
        for name in ("renewals-90d", "low-health", "tasks-this-week"):
            check(f"planhat://views/{name}" in listed, f"the built-in view {name} is listed")
        index = json.loads(await read_json(session, "planhat://views"))
        check({"renewals-90d", "low-health"} <= {view["name"] for view in index["views"]}, "the index names the views")
        first = json.loads(await read_json(session, "planhat://views/low-health?limit=5"))
        check(first["page"]["offset"] == 0 and first["page"]["returned"] == len(first["records"]) == 5, f"a page of 5: {first['page']}")
        check(all(row["h"] < 40 for row in first["records"]), "the view's rule: health below 40")
        second = json.loads(await read_json(session, "planhat://views/low-health?offset=5&limit=5"))
        both = json.loads(await read_json(session, "planhat://views/low-health?limit=10"))
        ids = lambda answer: [row["_id"] for row in answer["records"]]
        check(ids(first) + ids(second) == ids(both), "the second page continues the first")
        text = await read_json(session, "planhat://views/low-health?limit=200")
        whole = json.loads(text)
        check(len(text.encode()) <= budget, f"a view read stays within --max-result-bytes {budget}: {len(text.encode())} bytes")
        check(whole.get("truncated", {}).get("truncated") is True and whole["page"]["more"] is True, f"and says it was cut: {whole['line']}")
        check("cut at" in whole["line"] and f"?offset={whole['page']['nextOffset']}&limit=200" in whole["line"], f"and where to continue: {whole['line']}")
        marker = f"RES-{time.time_ns()}"
        created = await perform(session, "companies", "create", {"name": "Resource Co", "externalId": marker})
        check(not created.is_error, "a company is created")
        journal = json.loads(await read_json(session, "planhat://journal/recent"))
        check(journal["journal"] != "off" and any(marker in json.dumps(entry) for entry in journal["entries"]), f"the journal resource lists the write ({journal['journal']}, {len(journal['entries'])} entries)")
        try:
            await session.read_resource("planhat://views/nope")
            check(False, "an unknown view is refused")
        except MCPError as error:
            check("no view is called 'nope'" in str(error) and "low-health" in str(error), f"an unknown view: {error}")
    await session_run(url, None, body)


async def wait(url, mode):
    arguments = {"MODEL": "Company", "LIMIT": 1, "SELECT": "name"}
    notes = []

    async def on_progress(progress, total, message):
        notes.append((progress, message))

    async def body(session):
        for index in range(3):
            quick = await session.call_tool("list_model_records", arguments)
            check(not quick.is_error and "waited" not in (quick.structured_content or {}), f"call {index + 1} of 3 does not wait")
        if mode == "stateful":
            waiting = asyncio.create_task(session.call_tool("list_model_records", arguments, progress_callback=on_progress))
            deadline = time.monotonic() + 30
            while not notes and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            said = notes[0][1] if notes else ""
            check(said.startswith("list_model_records waits ") and "for Planhat's quota of calls a minute" in said, f"the 4th call says it waits: {said!r}")
            waiting.cancel()
            try:
                await waiting
            except asyncio.CancelledError:
                pass
            check(waiting.cancelled(), "the waiting call is cancelled (the client sends notifications/cancelled)")
            notes.clear()
        patient = await session.call_tool("list_model_records", arguments, progress_callback=on_progress)
        check(not patient.is_error and len(patient.structured_content["records"]) == 1, "the next call is answered")
        waited = patient.structured_content.get("waited") or {}
        check(waited.get("seconds", 0) >= 1 and waited["reasons"][0]["reason"] == "minuteQuota", f"its answer says it waited: {waited}")
        texts = [item.text for item in patient.content if getattr(item, "type", "") == "text"]
        check(texts[-1].startswith("waited ") and "for Planhat's quota of calls a minute" in texts[-1], f"and its last line says how long and why: {texts[-1]!r}")
        check(json.loads(texts[0]) == patient.structured_content, "the text copy carries waited too")
        if mode == "stateful":
            values = [value for value, _ in notes]
            check(values and values == sorted(values) and len(set(values)) == len(values), f"progress arrived while it waited, growing: {values}")
        else:
            check(not notes, "stateless: no notification (no stream to send it on); the answer says it")
    await session_run(url, None, body)


async def forwarded(url, budget):
    def texts_of(result):
        return [item.text for item in result.content if getattr(item, "type", "") == "text"]

    async def body(session):
        small = await session.call_tool("search_records", {"QUERY": "acme"})
        check(not small.is_error and len(small.structured_content["results"]) == 3 and "truncated" not in small.structured_content, "a small answer comes as given")
        big = await session.call_tool("search_records", {"QUERY": "many-results"})
        texts = texts_of(big)
        size = sum(len(text.encode()) for text in texts)
        check(not big.is_error and size <= budget, f"300 hits are cut to {size} bytes, within --max-result-bytes {budget}")
        answer = json.loads(texts[0])
        cut = answer["truncated"]
        check(cut["total"] == 300 and 0 < cut["returned"] < 300 and len(answer["results"]) == cut["returned"], f"at a whole item: {cut['returned']} of {cut['total']}")
        check([hit["_id"] for hit in answer["results"]] == [f"many-{n:03d}" for n in range(cut["returned"])], "the first hits, in order, whole")
        check(answer == big.structured_content, "the structured content is cut the same way")
        check(any(f"cut at {cut['returned']} of 300 results" in text and "narrow the QUERY" in text for text in texts), f"a line says so: {texts[1]!r}")
        check(texts[-1].startswith("answered by Planhat's hosted MCP server"), "and where the answer came from")
        document = await session.call_tool("get_document", {"DOCUMENT_ID": "big-document"})
        texts = texts_of(document)
        size = sum(len(text.encode()) for text in texts)
        record = json.loads(texts[0])
        check(size <= budget and "content" in record["truncated"]["shortenedFields"], f"a 50 000-character document is shortened to {size} bytes, saying which field")
        check(record["content"].startswith("x" * 400) and "more characters]" in record["content"], "its text says how much was left out")
    await session_run(url, None, body)


async def main():
    name, url, *rest = sys.argv[1:]
    if name == "tools":
        await tools(url, *rest)
    elif name == "notify":
        await notify(url)
    elif name == "auth":
        await auth(url, rest[0])
    elif name == "origin":
        await origin(url, *rest)
    elif name == "crowd":
        await crowd(url, int(rest[0]), *rest[1:])
    elif name == "limits":
        await limits(url, float(rest[0]), *rest[1:])
    elif name == "passthrough":
        await passthrough(url, rest[0], rest[1])
    elif name == "owned":
        await owned(url, rest[0], rest[1])
    elif name == "expire":
        await expire(url, float(rest[0]))
    elif name == "keyed":
        await keyed(url, rest[0])
    elif name == "same":
        await same(url)
    elif name == "quota":
        await quota(url, rest[0], rest[1], int(rest[2]))
    elif name == "journal":
        await journal(url, *rest)
    elif name == "resources":
        await resources(url, int(rest[0]))
    elif name == "wait":
        await wait(url, rest[0])
    elif name == "forwarded":
        await forwarded(url, int(rest[0]))
    elif name == "journal-meta":
        await journal_meta(url, *rest)
    else:
        raise SystemExit(f"unknown check {name}")
    print("ALL CHECKS PASSED")


asyncio.run(main())
