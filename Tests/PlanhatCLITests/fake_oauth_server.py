"""A loopback imitation of Planhat's OAuth authorization server and one REST route, for `planhat login` tests.

Usage: fake_oauth_server.py --client-id ID [--secret SECRET] --redirect URI [--access-ttl SECONDS]
Prints `listening PORT` once ready. Behaviour, as Planhat's metadata describes its server:
  GET  /oauth/authorize  exact client_id and redirect_uri, S256 only, 302 to the redirect with code and state
  POST /oauth/token      authorization_code (single-use code, same redirect_uri, PKCE verifier checked) and
                         refresh_token (rotated; a replayed refresh token revokes the whole grant);
                         client_secret_basic when --secret is given, else a public client (client_id in the body)
  GET  /companies        needs a live access token (401 otherwise)
Test hooks: GET /_stats, POST /_ttl (seconds=N: the lifetime of tokens issued next), POST /_revoke_access (every access token refused from now), POST /_revoke_grant.
"""
import argparse
import base64
import hashlib
import json
import secrets
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

parser = argparse.ArgumentParser()
parser.add_argument("--client-id", required=True)
parser.add_argument("--secret")
parser.add_argument("--redirect", required=True)
parser.add_argument("--access-ttl", type=float, default=3600)
options = parser.parse_args()

lock = threading.Lock()
codes = {}          # code -> (redirect_uri, challenge, expires)
access = {}         # token -> expires
refresh = set()     # live refresh tokens
used = set()        # rotated refresh tokens (replay means theft)
stats = {"refreshes": 0, "exchanges": 0, "unauthorized": 0, "api_ok": 0, "refused_refreshes": 0}


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def issue():
    token, refresh_token = "at_" + secrets.token_urlsafe(24), "rt_" + secrets.token_urlsafe(24)
    access[token] = time.time() + options.access_ttl
    refresh.add(refresh_token)
    return {"access_token": token, "token_type": "Bearer", "expires_in": options.access_ttl, "refresh_token": refresh_token, "scope": "inclusive"}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body, headers=None):
        data = json.dumps(body).encode() if not isinstance(body, bytes) else body
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        if url.path == "/oauth/authorize":
            if query.get("client_id") != options.client_id or query.get("redirect_uri") != options.redirect:
                return self.answer(400, {"error": "invalid_request", "error_description": "unknown client or unregistered redirect_uri"})
            if query.get("code_challenge_method") != "S256" or query.get("response_type") != "code" or query.get("scope") != "inclusive":
                return self.answer(400, {"error": "invalid_request"})
            code = secrets.token_urlsafe(16)
            with lock:
                codes[code] = (query["redirect_uri"], query["code_challenge"], time.time() + 60)
            target = query["redirect_uri"] + "?" + urllib.parse.urlencode({"code": code, "state": query.get("state", "")})
            return self.answer(302, b"", {"Location": target})
        if url.path == "/_stats":
            return self.answer(200, stats)
        if url.path.startswith("/companies"):
            header = self.headers.get("Authorization", "")
            token = header[7:] if header.startswith("Bearer ") else ""
            with lock:
                live = access.get(token, 0) > time.time()
                stats["api_ok" if live else "unauthorized"] += 1
            if not live:
                return self.answer(401, {"error": "invalid or expired token"})
            return self.answer(200, [{"_id": "c1", "name": "Acme OAuth"}])
        self.answer(404, {"error": "no route"})

    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length", "0"))
        form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
        if url.path == "/_ttl":
            options.access_ttl = float(form.get("seconds", "3600"))
            return self.answer(200, {"ok": True})
        if url.path == "/_revoke_access":
            with lock:
                access.clear()
            return self.answer(200, {"ok": True})
        if url.path == "/_revoke_grant":
            with lock:
                access.clear()
                refresh.clear()
            return self.answer(200, {"ok": True})
        if url.path != "/oauth/token":
            return self.answer(404, {"error": "no route"})
        if options.secret:
            expected = "Basic " + base64.b64encode(f"{options.client_id}:{options.secret}".encode()).decode()
            if self.headers.get("Authorization") != expected:
                return self.answer(401, {"error": "invalid_client"})
        elif form.get("client_id") != options.client_id:
            return self.answer(401, {"error": "invalid_client"})
        with lock:
            if form.get("grant_type") == "authorization_code":
                entry = codes.pop(form.get("code", ""), None)
                if not entry or entry[2] < time.time() or entry[0] != form.get("redirect_uri"):
                    return self.answer(400, {"error": "invalid_grant"})
                if b64url(hashlib.sha256(form.get("code_verifier", "").encode()).digest()) != entry[1]:
                    return self.answer(400, {"error": "invalid_grant", "error_description": "PKCE verification failed"})
                stats["exchanges"] += 1
                return self.answer(200, issue())
            if form.get("grant_type") == "refresh_token":
                time.sleep(0.3)  # a slow server makes concurrent refreshes overlap
                token = form.get("refresh_token", "")
                if token in used:
                    refresh.clear()
                    access.clear()
                    stats["refused_refreshes"] += 1
                    return self.answer(400, {"error": "invalid_grant", "error_description": "refresh token replayed: grant revoked"})
                if token not in refresh:
                    stats["refused_refreshes"] += 1
                    return self.answer(400, {"error": "invalid_grant"})
                refresh.discard(token)
                used.add(token)
                stats["refreshes"] += 1
                return self.answer(200, issue())
        self.answer(400, {"error": "unsupported_grant_type"})


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(f"listening {server.server_address[1]}", flush=True)
server.serve_forever()
