"""HTTP hardening of the hub, as pure ASGI middleware (no BaseHTTPMiddleware buffering) and a log filter.

- `BodyLimit`: every request body is capped *before* the app reads it. Paths with their own streamed,
  capped reader (the batch endpoint, the bundle upload) only get the Content-Length check; every other
  path (enrolment, login, logout, pages) is read here up to a few KiB — a declared Content-Length over
  the cap is refused without reading a byte, a chunked body as soon as it passes the cap — and a JSON
  body is scanned for nesting and item counts (sync.limits) before FastAPI's json.loads sees it.
- `SecurityHeaders`: X-Frame-Options DENY, nosniff, Referrer-Policy and a strict Content-Security-Policy
  (no script at all; the one inline stylesheet allowed by its hash) on every page but the API docs; the
  phone page (`PHONE_PATH`) alone also allows its one inline script, the copy button, by its hash.
- `RedactAccessLog`: uvicorn's access log never shows a login-link token or a CSRF token.
- `validation_error`: 422 bodies name the field and the rule, never the submitted value.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from sync import limits

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SMALL_BODY = 4 * 1024  # enrolment, login, logout: a few KiB is plenty
DEFAULT_BODY = 16 * 1024  # anything else that is read here (pages take no body)
JSON_SHAPE = {"max_depth": limits.MAX_JSON_DEPTH, "max_items": 1024, "max_string": SMALL_BODY}


async def _send_json(send: Send, status: int, detail: str, field: str | None = "body",
                     headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = json.dumps({"detail": detail, "field": field}).encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"), *(headers or [])]})
    await send({"type": "http.response.body", "body": body})


def _content_length(scope: Scope) -> int | None:
    for k, v in scope.get("headers", ()):
        if k == b"content-length":
            try:
                return int(v)
            except ValueError:
                return -1
    return None


def _has_nul(scope: Scope) -> bool:
    """A NUL byte, raw or %-encoded, in the path or the query string."""
    raw = scope.get("query_string", b"") or b""
    path = scope.get("raw_path") or str(scope.get("path", "")).encode("utf-8", "surrogatepass")
    return b"\x00" in raw or b"%00" in raw or b"\x00" in path or b"%00" in path or "\x00" in scope.get("path", "")


def _is_json(scope: Scope) -> bool:
    for k, v in scope.get("headers", ()):
        if k == b"content-type":
            return b"json" in v.lower()
    return False


class BodyLimit:
    """Cap request bodies before the app reads them (see the module docstring).

    `streamed`: path → cap for endpoints that read their own body with a cap (Content-Length checked
    here only); `small`: path → cap for bodies buffered here; everything else gets `default`."""

    def __init__(self, app: ASGIApp, *, streamed: dict[str, int], small: dict[str, int],
                 default: int = DEFAULT_BODY) -> None:
        self.app, self.streamed, self.small, self.default = app, streamed, small, default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        if _has_nul(scope):  # PostgreSQL text cannot hold NUL: refuse it here rather than fail in the query
            await _send_json(send, 400, "NUL character in the address", field="query")
            return
        declared = _content_length(scope)
        if declared == -1:
            await _send_json(send, 400, "bad Content-Length")
            return
        if path in self.streamed:
            cap = self.streamed[path]
            if declared is not None and declared > cap:
                await _send_json(send, 413, f"body larger than {cap} bytes")
                return
            await self.app(scope, receive, send)
            return
        cap = self.small.get(path, self.default)
        if declared is not None and declared > cap:
            await _send_json(send, 413, f"body larger than {cap} bytes")
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > cap:
                await _send_json(send, 413, f"body larger than {cap} bytes")
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if body and _is_json(scope):
            try:
                limits.check_json(body, **JSON_SHAPE)
            except limits.LimitExceeded as exc:
                await _send_json(send, 400, f"not acceptable JSON: {exc.reason}")
                return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # later calls: wait for the disconnect, as Starlette expects

        await self.app(scope, replay, send)


def _css_hash() -> str:
    from province.dashboard.pages import CSS

    return "'sha256-" + base64.b64encode(hashlib.sha256(CSS.encode()).digest()).decode() + "'"


def _copy_js_hash() -> str:
    from province.dashboard.pages import COPY_JS

    return "'sha256-" + base64.b64encode(hashlib.sha256(COPY_JS.encode()).digest()).decode() + "'"


DOCS_PATHS = ("/docs", "/redoc", "/docs/oauth2-redirect")
PHONE_PATH = "/phone"


class SecurityHeaders:
    """Framing, sniffing, referrer and content-security headers on every answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.csp = ("default-src 'none'; " f"style-src {_css_hash()}; img-src 'self'; form-action 'self'; "
                    "frame-ancestors 'none'; base-uri 'none'").encode()
        self.phone_csp = self.csp + f"; script-src {_copy_js_hash()}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        docs = path in DOCS_PATHS  # Swagger UI needs its own script and styles
        csp = self.phone_csp if path == PHONE_PATH else self.csp

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(b"x-frame-options", b"DENY"), (b"x-content-type-options", b"nosniff"),
                            (b"referrer-policy", b"same-origin"),
                            (b"content-security-policy", b"frame-ancestors 'none'" if docs else csp)]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


_LINK = re.compile(r"/login/link/[^?\s]*")
_CSRF_Q = re.compile(r"([?&]csrf=)[^&\s]*", re.IGNORECASE)


def redact_path(path: str) -> str:
    return _CSRF_Q.sub(r"\1…", _LINK.sub("/login/link/…", path))


class RedactAccessLog(logging.Filter):
    """uvicorn.access records carry (client, method, path, http version, status): hide tokens in the path."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], redact_path(args[2]), *args[3:])
        return True


def install_log_filter() -> None:
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactAccessLog) for f in logger.filters):
        logger.addFilter(RedactAccessLog())


async def data_error(_request: Request, _exc: Exception) -> JSONResponse:
    """400 for a value the database cannot hold (e.g. a NUL character in a form field on PostgreSQL): bad
    input, not a server fault. The value is not echoed."""
    return JSONResponse({"detail": "a value holds characters the hub cannot store", "field": None},
                        status_code=400)


async def validation_error(_request: Request, exc: Exception) -> JSONResponse:
    """422 naming the field and the rule; the submitted value is never echoed (it could be 200 MiB, or
    someone's personal data)."""
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    first = errors[0] if errors else {}
    loc = [str(x) for x in first.get("loc", ()) if x not in ("body", "query", "header", "path", "cookie")]
    msg = str(first.get("msg", "invalid request"))[:200]
    return JSONResponse({"detail": msg, "field": ".".join(loc) or None}, status_code=422)
