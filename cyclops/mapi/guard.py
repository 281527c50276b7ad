"""The ASGI layer in front of every /v1 route: identity, rate limit and byte caps, before a body byte is read.

FastAPI parses a multipart body (spooling it to disk) before any dependency runs, so
authentication in a dependency comes too late. ``Guard`` reads only the headers: it
authenticates, applies the per-identity rate limit, refuses a declared ``Content-Length``
over the cap, and counts the bytes of a body as they stream (chunked uploads too),
answering 413 the moment the cap is passed; the app then sees a disconnect and
stores nothing.
"""

from __future__ import annotations

import json
import math
from typing import Any

from starlette.datastructures import Headers

from cyclops.errors import MapiError
from cyclops.mapi.auth import Authenticator, RateLimiter
from cyclops.mapi.errors import error_body
from cyclops.mapi.logs import logger
from cyclops.settings import Settings

#: room for an edit's envelope (path, reason, before) around its value
_JSON_SLACK = 64 * 1024
#: an early answer to a request whose declared body is at most this is sent on a kept-alive connection (the server
#: reads and drops the rest, so the client reads the answer instead of a reset); bigger or chunked: closed at once
LINGER_MAX = 16 * 1024 * 1024


class Guard:
    def __init__(self, app: Any, *, settings: Settings, authenticator: Authenticator, limiter: RateLimiter) -> None:
        self.app = app
        self.settings = settings
        self.auth = authenticator
        self.limiter = limiter

    def cap(self, headers: Headers) -> int:
        if headers.get("content-type", "").lower().startswith("multipart/"):
            return self.settings.request_byte_limit
        return 2 * self.settings.max_edit_bytes + _JSON_SLACK

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not (scope["path"] == "/v1" or scope["path"].startswith("/v1/")):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        client = scope.get("client")
        length = headers.get("content-length")
        has_body = scope["method"] not in ("GET", "HEAD", "DELETE", "OPTIONS") or length not in (None, "0")
        close = has_body and (length is None or not length.isdigit() or int(length) > LINGER_MAX)
        try:
            identity = self.auth.authenticate(headers, client[0] if client else None)
            self.limiter.take(identity.rate_key)
        except MapiError as exc:
            extra = {"Retry-After": str(max(1, math.ceil(getattr(exc, "retry_after", 1))))} if exc.status == 429 else {}
            await _reply(send, exc.status, exc.code, exc.message, extra, close=close)
            return
        scope.setdefault("state", {})["identity"] = identity
        cap = self.cap(headers)
        try:
            declared = int(headers.get("content-length") or 0)
        except ValueError:
            await _reply(send, 400, "bad_request", "Content-Length is not a number", close=True)
            return
        if declared > cap:
            await _reply(send, 413, "request_too_large", f"request of {declared:,} bytes is more than the limit of {cap:,}",
                         close=close)
            return
        if scope["method"] in ("GET", "HEAD", "DELETE", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        state = {"seen": 0, "over": False, "started": False, "body_done": False}

        async def counted_receive() -> dict[str, Any]:
            if state["over"]:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                state["body_done"] = not message.get("more_body", False)
                state["seen"] += len(message.get("body", b""))
                if state["seen"] > cap:
                    state["over"] = True
                    logger.warning("request body over the cap", extra={"cap": cap, "path": scope["path"]})
                    return {"type": "http.disconnect"}  # the app stops reading and stores nothing
            return message

        async def guarded_send(message: dict[str, Any]) -> None:
            if state["over"]:
                return  # the app's answer to the cut-off body is replaced by the 413 below
            if message["type"] == "http.response.start":
                state["started"] = True
                if close and not state["body_done"]:  # answered before a big or chunked body arrived: read no more
                    message = {**message, "headers": [*message.get("headers", []), (b"connection", b"close")]}
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except Exception:
            if not state["over"]:
                raise
        if state["over"] and not state["started"]:
            await _reply(send, 413, "request_too_large", f"request body is more than the limit of {cap:,} bytes")


async def _reply(send: Any, status: int, code: str, message: str, extra: dict[str, str] | None = None, *,
                 close: bool = True) -> None:
    body = json.dumps(error_body(code, message)).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    headers += [(b"connection", b"close")] if close else []
    headers += [(k.lower().encode(), v.encode()) for k, v in (extra or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
