"""The dashboard's first page on a bare socket (miosa_tui/api/plain_get.py): the same request the
Transport sends, httpx left unloaded, only the plainest answer read, and every other answer or
failure handed to the Transport."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from ui_helpers import make_app, screen_text, table, wait_for

from miosa_tui.api import ApiSettings, AuthenticationError, MiosaClient
from miosa_tui.api.plain_get import body_of, get_plain, plain_http
from miosa_tui.sim.server import SimServer

KEY = "msk_u_test_0000"


class Recorder:
    """A loopback HTTP server that answers GET /api/v1/computers with a page of `computers` and
    records each request's path and headers; `statuses` are answered first, one per request."""

    def __init__(self, computers: int, statuses: list[int]) -> None:
        self.seen: list[tuple[str, dict[str, str]]] = []
        self.statuses = statuses
        page = {
            "data": [
                {"id": f"c-{i}", "name": f"box-{i}", "status": "running"} for i in range(computers)
            ],
            "meta": {"total": computers, "page": 1, "per_page": 500},
        }
        body = json.dumps(page).encode()
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                recorder.seen.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                status = recorder.statuses.pop(0) if recorder.statuses else 200
                answer = body if status == 200 else b'{"error": "busy", "code": "BUSY"}'
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/api/v1"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def recorder_factory() -> Iterator[Callable[..., Recorder]]:
    made: list[Recorder] = []

    def make(computers: int = 3, statuses: list[int] | None = None) -> Recorder:
        made.append(Recorder(computers, statuses or []))
        return made[-1]

    yield make
    for recorder in made:
        recorder.close()


SAME = ("authorization", "user-agent", "accept", "x-miosa-tenant")


async def test_the_plain_first_page_is_the_request_the_transport_sends(
    recorder_factory: Callable[..., Recorder],
) -> None:
    server = recorder_factory()
    settings = ApiSettings(api_key=KEY, base_url=server.base_url, tenant="acme")
    async with MiosaClient(settings) as client:
        await client.list_computers(in_background=True)  # a poll: through the Transport
        client.start_listing()
        listed = await client.list_computers(in_background=True)  # the early one: plain
    assert [c.name for c in listed] == ["box-0", "box-1", "box-2"]
    (through, through_headers), (plain, plain_headers) = server.seen
    assert through_headers["accept-encoding"] != "identity"  # httpx asked for compression
    assert plain_headers["accept-encoding"] == "identity"  # the socket GET: the plain one
    assert plain == through == "/api/v1/computers?page=1&per_page=500"
    assert {k: plain_headers.get(k) for k in SAME} == {k: through_headers.get(k) for k in SAME}
    assert plain_headers["authorization"] == f"Bearer {KEY}"
    assert plain_headers["x-miosa-tenant"] == "acme"


async def test_a_failed_plain_page_is_asked_again_through_the_transport(
    recorder_factory: Callable[..., Recorder],
) -> None:
    """A 503 to the plain GET: the Transport asks again (and would retry, word the error)."""
    server = recorder_factory(statuses=[503])
    async with MiosaClient(ApiSettings(api_key=KEY, base_url=server.base_url)) as client:
        client.start_listing()
        listed = await client.list_computers(in_background=True)
    assert len(listed) == 3
    assert [headers["accept-encoding"] == "identity" for _path, headers in server.seen] == [
        True,
        False,
    ]


async def test_a_refused_key_is_reported_as_the_transport_words_it(
    sim_factory: Callable[..., SimServer],
) -> None:
    sim = sim_factory(fleet=4)
    settings = ApiSettings(api_key="wrong_0000", base_url=sim.base_url)  # the sim wants msk_
    async with MiosaClient(settings) as client:
        client.start_listing()
        with pytest.raises(AuthenticationError) as caught:
            await client.list_computers(in_background=True)
    assert "wrong_0000" not in str(caught.value)
    log = httpx.get(sim.root_url + "/_sim/requests").json()
    assert [(r["route"], r["status"]) for r in log] == [("/computers", 401)] * 2  # plain, httpx


async def test_an_early_listing_of_several_pages_asks_each_page_once(
    sim_factory: Callable[..., SimServer],
) -> None:
    sim = sim_factory(fleet=1200, speed=1e-6)
    async with MiosaClient(ApiSettings(api_key=KEY, base_url=sim.base_url)) as client:
        client.start_listing()
        early = await client.list_computers(in_background=True)
        again = await client.list_computers(in_background=True)
    assert len(early) == 1200 and [c.id for c in early] == [c.id for c in again]
    log = httpx.get(sim.root_url + "/_sim/requests").json()
    pages = [r["query"]["page"] for r in log if r["route"] == "/computers"]
    assert pages == ["1", "2", "3", "1", "2", "3"]


def test_the_first_page_comes_without_httpx(sim: SimServer) -> None:
    """In a fresh interpreter: a fleet of one page listed early loads neither httpx nor what its
    AsyncClient brings; a request through the Transport then does."""
    code = f"""
import asyncio, json, sys
from miosa_tui.api import ApiSettings, MiosaClient

async def main():
    client = MiosaClient(ApiSettings(api_key={KEY!r}, base_url={sim.base_url!r}))
    client.start_listing()
    listed = await client.list_computers(in_background=True)
    stack = ("httpx", "httpcore", "anyio", "h11")
    before = sorted(m for m in sys.modules if m.split(".")[0] in stack)
    await client.get(listed[0].id)
    after = "httpx" in sys.modules
    await client.aclose()
    print(json.dumps({{"listed": len(listed), "before": before, "after": after}}))

asyncio.run(main())
"""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result == {"listed": 12, "before": [], "after": True}


@pytest.mark.parametrize(
    ("base_url", "environ", "plain"),
    [
        ("http://127.0.0.1:8080/api/v1", {}, True),
        ("http://[::1]:8080/api/v1", {}, True),
        ("https://api.miosa.ai/api/v1", {}, False),  # TLS: httpx and its CA bundle
        ("http://127.0.0.1:8080/api/v1", {"HTTP_PROXY": "http://proxy:3128"}, False),
        ("http://127.0.0.1:8080/api/v1", {"all_proxy": "socks5://proxy:1080"}, False),
    ],
)
def test_plain_only_where_no_tls_or_proxy_could_be_involved(
    base_url: str, environ: dict[str, str], plain: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in (
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    assert plain_http(ApiSettings(api_key=KEY, base_url=base_url)) is plain


async def test_a_client_closed_before_any_request_refuses_one(sim: SimServer) -> None:
    from miosa_tui.api import ConnectionError as MiosaConnectionError

    client = MiosaClient(ApiSettings(api_key=KEY, base_url=sim.base_url))
    await client.aclose()
    with pytest.raises(MiosaConnectionError, match="already closed"):
        await client.get("c-1")


def _record_where_transports_are_made(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    made_on: list[str] = []
    real = MiosaClient._new_transport

    def spy(self: MiosaClient) -> Any:
        made_on.append(threading.current_thread().name)
        return real(self)

    monkeypatch.setattr(MiosaClient, "_new_transport", spy)
    return made_on


async def test_prepare_makes_the_transport_once_on_a_thread_of_its_own(
    sim: SimServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    made_on = _record_where_transports_are_made(monkeypatch)
    client = MiosaClient(ApiSettings(api_key=KEY, base_url=sim.base_url))
    client.prepare()
    for _ in range(1000):  # until the thread has made it (the limit only stops a hung test)
        if client._transport is not None:
            break
        await asyncio.sleep(0.01)
    client.prepare()  # made already: nothing more
    listed = await client.list_computers()
    assert (await client.get(listed[0].id)).id == listed[0].id
    await client.aclose()
    assert made_on == ["miosa-prepare"]


async def test_the_dashboard_has_its_transport_made_off_its_loop_once_rows_show(
    sim: SimServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As `miosa-tui` starts: the first page came without a Transport; once the rows are
    painted, the one the panes' requests use is made on the prepare thread, not the loop."""
    made_on = _record_where_transports_are_made(monkeypatch)
    app = make_app(sim, tmp_path, early_listing=True, poll_interval=60.0)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: table(app).row_count == 12, "the first rows")
        await wait_for(pilot, lambda: app.client._transport is not None, "the Transport")
        assert made_on == ["miosa-prepare"]
        assert sim.app.sim.fleet.ordered()[0].name in screen_text(app)


OK_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"


@pytest.mark.parametrize(
    ("answer", "body"),
    [
        (OK_HEAD + b"Content-Length: 2\r\n\r\n{}", b"{}"),
        (b"HTTP/1.0 204 No Content\r\nContent-Length: 0\r\n\r\n", b""),
        (b"HTTP/1.1 200 OK\r\ncontent-length:  2 \r\n\r\n{}", b"{}"),  # any case, spaces
        (OK_HEAD + b"Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}", b"{}"),  # agreeing
        (OK_HEAD + b"Content-Length: 2\r\nContent-Encoding: identity\r\n\r\n{}", b"{}"),
        (OK_HEAD + b"Content-Length: 5\r\n\r\n{}", None),  # cut short
        (OK_HEAD + b"Content-Length: 1\r\n\r\n{}", None),  # more than it said
        (OK_HEAD + b"\r\n{}", None),  # no length: the end of the body is not known
        (OK_HEAD + b"Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}", None),
        (OK_HEAD + b"Content-Length: -2\r\n\r\n{}", None),
        (OK_HEAD + b"Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n", None),
        (OK_HEAD + b"Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n{}", None),
        (OK_HEAD + b"Content-Length: 2\r\nContent-Encoding: gzip\r\n\r\n{}", None),
        (OK_HEAD + b"Content-Length: 2\r\n folded\r\n\r\n{}", None),  # obsolete folding
        (OK_HEAD + b"Content-Length : 2\r\n\r\n{}", None),  # a space before the colon
        (OK_HEAD + b"Content-Length 2\r\n\r\n{}", None),  # no colon
        (b"HTTP/1.1 301 Moved\r\nLocation: /x\r\nContent-Length: 0\r\n\r\n", None),
        (b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 2\r\n\r\n{}", None),
        (b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}", None),
        (b"HTTP/2 200\r\nContent-Length: 2\r\n\r\n{}", None),
        (b"ICY 200 OK\r\nContent-Length: 2\r\n\r\n{}", None),
        (b"HTTP/1.1 2x0 OK\r\nContent-Length: 2\r\n\r\n{}", None),
        (OK_HEAD + b"Content-Length: 2\r\n", None),  # the headers never end
        (b"", None),
    ],
)
def test_only_the_plainest_answer_is_read(answer: bytes, body: bytes | None) -> None:
    assert body_of(answer) == body


class OneShot:
    """A loopback server that answers every connection with the same bytes, then closes it (or,
    with `hold`, keeps it open until the test ends); records what each request said."""

    def __init__(self, answer: bytes, *, hold: bool = False) -> None:
        import socket

        self.requests: list[bytes] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.answer = answer
        self.released = threading.Event()
        self.hold = hold
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            with connection:
                request = b""
                while b"\r\n\r\n" not in request:
                    chunk = connection.recv(65536)
                    if not chunk:
                        break
                    request += chunk
                self.requests.append(request)
                connection.sendall(self.answer)
                if self.hold:
                    self.released.wait()


def test_the_socket_get_sends_one_whole_request_and_reads_the_body() -> None:
    body = b'{"data": [], "meta": {"total": 0}}'
    server = OneShot(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
    try:
        settings = ApiSettings(
            api_key=KEY, base_url=f"http://localhost:{server.port}/api/v1", tenant="acme"
        )
        assert get_plain(settings, "/computers", {"page": 1, "per_page": 500}) == body
    finally:
        server.listener.close()
    (request,) = server.requests
    head = request.decode("ascii").split("\r\n")
    assert head[0] == "GET /api/v1/computers?page=1&per_page=500 HTTP/1.1"
    fields = dict(line.split(": ", 1) for line in head[1:] if line)
    assert fields["Host"] == f"localhost:{server.port}"
    assert fields["Authorization"] == f"Bearer {KEY}"
    assert fields["X-MIOSA-Tenant"] == "acme"
    assert fields["Connection"] == "close"
    assert request.endswith(b"\r\n\r\n")


def test_the_socket_get_stops_at_the_announced_end_of_the_body() -> None:
    """A server that ignores `Connection: close` and keeps the connection open: the body is
    read to its Content-Length and returned, not waited on until the timeout (2 s here, after
    which the GET would have given up and returned None)."""
    body = b'{"data": []}'
    server = OneShot(
        b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body), hold=True
    )
    try:
        settings = ApiSettings(
            api_key=KEY, base_url=f"http://127.0.0.1:{server.port}/api/v1", timeout=2.0
        )
        assert get_plain(settings, "/computers", {"page": 1}) == body
    finally:
        server.released.set()
        server.listener.close()


async def test_a_chunked_first_page_is_asked_again_through_the_transport() -> None:
    """A server that frames its answer in chunks (valid HTTP the socket GET does not read): the
    same page comes through the Transport, which reads it."""
    page = json.dumps({"data": [{"id": "c-1", "name": "box-1", "status": "running"}]}).encode()
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(page), page)
    server = OneShot(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked"
        b"\r\nConnection: close\r\n\r\n" + chunked
    )
    try:
        settings = ApiSettings(api_key=KEY, base_url=f"http://127.0.0.1:{server.port}/api/v1")
        async with MiosaClient(settings) as client:
            client.start_listing()
            listed = await client.list_computers(in_background=True)
    finally:
        server.listener.close()
    assert [c.name for c in listed] == ["box-1"]
    encodings = [
        next(line for line in r.split(b"\r\n") if line.lower().startswith(b"accept-encoding"))
        for r in server.requests
    ]
    assert encodings[0] == b"Accept-Encoding: identity"  # the socket GET, refused
    assert len(encodings) == 2 and encodings[1] != encodings[0]  # then httpx
