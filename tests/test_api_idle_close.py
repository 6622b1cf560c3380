"""A server that closes idle keep-alive connections: a POST must never be sent into that close.

uvicorn and Node close an idle connection after 5 s, httpx keeps one for 5 s: a request sent as
the server closes is read by nobody, and for a POST the client cannot know whether it ran (CI saw
exactly this: "POST /computers/h16/stream-token was sent but its answer was lost (ReadError)").
The server here makes the race certain: it answers the first request on each connection and
closes the connection, unanswered, when a second one arrives on it.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx
import pytest

from miosa_tui.api import ApiSettings, Transport

KEY = "msk_u_test_0000"


@dataclass
class IdleClosingServer:
    """Answers one request per connection, keeping it alive; drops the next one unanswered."""

    answered: list[tuple[int, str]] = field(default_factory=list)  # (connection, request line)
    dropped: list[tuple[int, str]] = field(default_factory=list)
    connections: int = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        number = self.connections
        first = True
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                line = head.split(b"\r\n", 1)[0].decode()
                length = 0
                for header in head.split(b"\r\n")[1:]:
                    name, _, value = header.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                await reader.readexactly(length)
                if not first:
                    self.dropped.append((number, line))
                    return  # the idle close, racing the request: no answer at all
                first = False
                self.answered.append((number, line))
                body = json.dumps({"ok": True, "line": line}).encode()
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    + f"Content-Length: {len(body)}\r\n\r\n".encode()
                    + body
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            return
        finally:
            writer.close()


@pytest.fixture
async def idle_closing() -> AsyncIterator[tuple[IdleClosingServer, str]]:
    state = IdleClosingServer()
    server = await asyncio.start_server(state.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        yield state, f"http://127.0.0.1:{port}/api/v1"
        server.close()


def transport_for(base: str) -> Transport:
    return Transport(ApiSettings(api_key=KEY, base_url=base, max_retries=2))


async def test_a_post_after_a_get_goes_on_a_connection_of_its_own(
    idle_closing: tuple[IdleClosingServer, str],
) -> None:
    server, base = idle_closing
    left: list[str] = []

    async def note(request: httpx.Request) -> None:
        left.append(f"{request.method} {request.url.path}")

    async with transport_for(base) as transport:
        transport.on_request(note)  # the hook reaches both pools, the one made later too
        await transport.request("GET", "/computers")  # leaves a pooled, idle connection
        answer = await transport.request("POST", "/computers/c1/start")
        again = await transport.request("POST", "/computers/c1/stop")
    assert answer["line"] == "POST /api/v1/computers/c1/start HTTP/1.1"
    assert left == [
        "GET /api/v1/computers",
        "POST /api/v1/computers/c1/start",
        "POST /api/v1/computers/c1/stop",
    ]
    assert again["line"] == "POST /api/v1/computers/c1/stop HTTP/1.1"
    assert server.dropped == [], "a POST went into a connection the server was closing"
    posts = [number for number, line in server.answered if line.startswith("POST")]
    gets = [number for number, line in server.answered if line.startswith("GET")]
    assert len(set(posts + gets)) == 3, "each POST opened its own connection"


async def test_a_get_on_a_closing_connection_is_retried_on_a_new_one(
    idle_closing: tuple[IdleClosingServer, str],
) -> None:
    """Reads keep their pool (the poll every few seconds reuses it); a read the server drops is
    safe to send again, and is, once, on a new connection."""
    server, base = idle_closing
    async with transport_for(base) as transport:
        await transport.request("GET", "/computers")
        answer = await transport.request("GET", "/computers/c1")
    assert answer["line"] == "GET /api/v1/computers/c1 HTTP/1.1"
    assert server.dropped == [(1, "GET /api/v1/computers/c1 HTTP/1.1")]
    assert server.answered[-1] == (2, "GET /api/v1/computers/c1 HTTP/1.1")
