"""The API served over real HTTP on 127.0.0.1, as API Gateway would front it.

Each HTTP request goes through the real TOKEN authorizer (its Authorization header, a signed token),
then becomes the REST proxy event the deployed API function receives, with the authorizer's
principal and context; the function's proxy response becomes the HTTP response. One request at a time:
the functions' runtime holds one database connection, as one Lambda container does.
"""

from __future__ import annotations

import base64
import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from fn_helpers import ACCOUNT_ID, LambdaContext
from smartstack_api import handler as api_handler
from smartstack_authorizer import handler as authorizer_handler

API_ID, STAGE = "local0", "v1"


def authorize(method: str, path: str, authorization: str | None) -> dict[str, Any] | None:
    """The authorizer's context for an allowed request, else None (API Gateway answers 401/403)."""
    if not authorization:
        return None
    arn = f"arn:aws:execute-api:us-east-1:{ACCOUNT_ID}:{API_ID}/{STAGE}/{method}{path}"
    event = {"type": "TOKEN", "authorizationToken": authorization, "methodArn": arn}
    try:
        policy = authorizer_handler.lambda_handler(event, LambdaContext(function_name="local-authorizer"))
    except Exception:  # "Unauthorized": API Gateway's 401
        return None
    statement = policy["policyDocument"]["Statement"][0]
    if statement["Effect"] != "Allow":
        return None
    return {"principalId": policy["principalId"], **policy.get("context", {})}


def proxy_event(method: str, target: str, headers: dict[str, str], body: bytes, caller: dict) -> dict:
    url = urlsplit(target)
    query = parse_qs(url.query, keep_blank_values=True)
    try:
        text, encoded = (body.decode("utf-8") if body else None), False
    except UnicodeDecodeError:
        text, encoded = base64.b64encode(body).decode("ascii"), True
    return {
        "resource": "/{proxy+}",
        "path": url.path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": {k: v[-1] for k, v in query.items()} or None,
        "multiValueQueryStringParameters": query or None,
        "pathParameters": {"proxy": url.path.lstrip("/")},
        "stageVariables": None,
        "requestContext": {
            "requestId": str(uuid.uuid4()),
            "stage": STAGE,
            "httpMethod": method,
            "path": f"/{STAGE}{url.path}",
            "accountId": ACCOUNT_ID,
            "apiId": API_ID,
            "identity": {"sourceIp": "127.0.0.1"},
            "authorizer": caller,
        },
        "body": text,
        "isBase64Encoded": encoded,
    }


class _Handler(BaseHTTPRequestHandler):
    def _serve(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = dict(self.headers.items())
        caller = authorize(self.command, urlsplit(self.path).path, self.headers.get("Authorization"))
        if caller is None:
            self._reply(401, {"Content-Type": "application/json"}, json.dumps({"message": "Unauthorized"}))
            return
        response = api_handler.lambda_handler(
            proxy_event(self.command, self.path, headers, body, caller), LambdaContext()
        )
        out = {k: v[-1] for k, v in (response.get("multiValueHeaders") or {}).items()}
        out |= response.get("headers") or {}
        payload = response.get("body") or ""
        data = base64.b64decode(payload) if response.get("isBase64Encoded") else payload.encode()
        self._reply(response["statusCode"], out, data)

    def _reply(self, status: int, headers: dict[str, str], body: str | bytes) -> None:
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = do_HEAD = do_OPTIONS = _serve

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serving() -> Iterator[str]:
    """The API at http://127.0.0.1:<port> until the block ends."""
    server = HTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
