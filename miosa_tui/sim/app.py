"""The simulator as one Starlette ASGI app: /api/v1 (MIOSA wire format) and /_sim (control).

`SimApp.__call__` wraps every HTTP request to add an `x-request-id` header, and for /api/v1 also
to count it per route template, log it, check the bearer key and inject faults.

How a dropped connection is produced: the app returns a non-None value from the ASGI callable
before sending anything. uvicorn answers that by closing the socket without writing a byte
("ASGI callable should return None"), so the client sees a transport error
(httpx.RemoteProtocolError "Server disconnected without sending a response"). That uvicorn
log line is filtered out by server.py. Mounted in-process (httpx.ASGITransport) there is no
socket to close, so a drop surfaces as an AssertionError from the transport instead.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Match, Route
from starlette.types import Message, Receive, Scope, Send

from miosa_tui.sim.config import SimConfig
from miosa_tui.sim.errors import SimError
from miosa_tui.sim.routes import (
    API_PREFIX,
    api_routes,
    error_body,
    error_response,
    sim_routes,
)
from miosa_tui.sim.state import SimState

DROPPED = "connection dropped by the simulator"
UNAUTHORIZED = {"error": "Invalid API key", "code": "UNAUTHORIZED", "message": "Invalid API key"}
BAD_GATEWAY_HTML = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)


def new_request_id() -> str:
    return "req_" + secrets.token_hex(8)


async def _sim_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SimError)
    return error_response(exc)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        message = f"no route {request.method} {request.url.path}"
        return JSONResponse(error_body("NOT_FOUND", message), status_code=404)
    if exc.status_code == 405:
        message = f"method {request.method} is not allowed on {request.url.path}"
        return JSONResponse(error_body("METHOD_NOT_ALLOWED", message), status_code=405)
    return JSONResponse(error_body("HTTP_ERROR", str(exc.detail)), status_code=exc.status_code)


def _fault_response(status: int, retry_after: float | None = None) -> Response:
    if status == 429:
        seconds = retry_after if retry_after is not None else 1.0
        header = str(int(seconds)) if float(seconds).is_integer() else f"{seconds:g}"
        body = {
            "error": "Too many requests",
            "code": "RATE_LIMITED",
            "message": "rate limited",
            "retry_after": float(seconds),
        }
        return JSONResponse(body, status_code=429, headers={"Retry-After": header})
    if status == 502:
        return Response(BAD_GATEWAY_HTML, status_code=502, media_type="text/html")
    if status == 503:
        body = error_body("SERVICE_UNAVAILABLE", "Service temporarily unavailable")
        return JSONResponse(body, status_code=503)
    return JSONResponse(error_body("INTERNAL_ERROR", "Internal server error"), status_code=500)


class SimApp(Starlette):
    """Starlette plus the outer layer every simulator request goes through."""

    def __init__(self, config: SimConfig, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.sim = SimState(config, clock=clock)
        self._api_routes = api_routes()
        super().__init__(
            routes=[*self._api_routes, *sim_routes()],
            exception_handlers={SimError: _sim_error, HTTPException: _http_error},
        )

    def route_template(self, scope: Scope) -> str:
        """ "POST /computers/{id}/start": the template relative to /api/v1, for stats."""
        for route in self._api_routes:
            match, _ = route.matches(scope)
            if match is Match.FULL:
                assert isinstance(route, Route)
                return f"{scope['method']} {route.path.removeprefix(API_PREFIX)}"
        return f"{scope['method']} <unmatched>"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> Any:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return None
        request_id = new_request_id()

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        path: str = scope["path"]
        if path == API_PREFIX or path.startswith(API_PREFIX + "/"):
            return await self._api_call(scope, receive, send_with_id, request_id)
        await super().__call__(scope, receive, send_with_id)
        return None

    async def _api_call(self, scope: Scope, receive: Receive, send: Send, request_id: str) -> Any:
        sim = self.sim
        body = await _read_body(receive)
        template = self.route_template(scope)
        sim.stats[template] += 1
        entry: dict[str, Any] = {
            "method": scope["method"],
            "route": template.split(" ", 1)[1],
            "path": scope["path"],
            "query": dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"))),
            "json": _parse_json(body),
            "status": None,
            "request_id": request_id,
            "fault": None,
            "at": time.time(),  # arrival (epoch s): benchmarks time key -> request with it
        }
        sim.requests.append(entry)

        faults = sim.faults
        delay = faults.latency_s()
        if delay > 0:
            await asyncio.sleep(delay)
        fate = faults.fate()
        if fate == "drop":
            entry["fault"] = "drop"
            return DROPPED
        response: Response | None = None
        if fate == "rate_limit":
            entry["fault"] = "rate_limit"
            response = _fault_response(429, faults.config.retry_after)
        elif fate == "error":
            entry["fault"] = "error"
            response = _fault_response(faults.error_status())
        elif not _authorized(scope):
            response = JSONResponse(UNAUTHORIZED, status_code=401)
        if response is not None:
            entry["status"] = response.status_code
            await response(scope, receive, send)
            return None

        replay = _replay(body, receive)
        malformed = faults.malformed()
        captured: list[Message] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                entry["status"] = message["status"]
            if malformed:
                captured.append(message)
            else:
                await send(message)

        await super().__call__(scope, replay, capture)
        if malformed:
            entry["fault"] = "malformed"
            await _send_truncated(captured, send)
        return None


def _authorized(scope: Scope) -> bool:
    headers: list[tuple[bytes, bytes]] = scope.get("headers", [])
    for name, value in headers:
        if name == b"authorization":
            text = value.decode("latin-1").strip()
            scheme, _, token = text.partition(" ")
            return scheme.lower() == "bearer" and token.strip().startswith("msk_")
    return False


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _parse_json(body: bytes) -> Any:
    """The body for the request log, always encodable: a lone surrogate sent as a JSON escape
    is kept as the text of its escape ("\\udc9b"), so /_sim/requests can still answer."""
    if not body.strip():
        return None
    try:
        return _scrub(json.loads(body))
    except ValueError:
        return body[:200].decode("utf-8", "replace")


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, dict):
        return {_scrub(k): _scrub(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    return value


async def _send_truncated(messages: list[Message], send: Send) -> None:
    """Re-send a captured response as 200 with half its body (invalid JSON, broken PNG)."""
    start = next(m for m in messages if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    cut = body[: max(1, len(body) // 2)] if len(body) > 1 else b"{"
    headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
    headers.append((b"content-length", str(len(cut)).encode()))
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": cut, "more_body": False})


def create_app(
    config: SimConfig | None = None, *, clock: Callable[[], float] | None = None
) -> SimApp:
    """A fresh simulator app; mount it in httpx.ASGITransport or serve it with uvicorn."""
    return SimApp(config or SimConfig(), clock=clock or time.monotonic)
