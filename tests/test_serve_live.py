"""`miosa-tui serve` lets in only its user: a real server on a free loopback port, real clients.

Refused requests get a 403 and start no dashboard (the server's process tree does not grow);
the printed URL's token opens one; the token is on no process's command line, in no tab's
environment, and in no line the server writes except the one URL it prints. The browser side
(cookie, redirect, a hostile page in the same browser) is in test_serve_e2e.py.
"""

from __future__ import annotations

import asyncio
import importlib.util
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import httpx
import pytest
from serve_helpers import Served, proc_file, process_tree, running_serve

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("textual_serve") is None, reason="textual-serve is not installed"
)

API_KEY = "msk_u_live_serve_key_0123456789"
EXCHANGE_LIMIT = 30.0  # only stops a hung test


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with running_serve(tmp_path_factory.mktemp("serve"), MIOSA_API_KEY=API_KEY) as server:
        yield server


async def handshake(
    served: Served, *, origin: str | None, cookie: str | None, host: str | None = None
) -> bytes:
    """A WebSocket handshake on a raw socket; every byte the server sends until it closes."""
    reader, writer = await asyncio.open_connection("127.0.0.1", served.port)
    lines = [
        "GET /ws?width=80&height=24 HTTP/1.1",
        f"Host: {host or f'127.0.0.1:{served.port}'}",
        "Upgrade: websocket",
        "Connection: Upgrade, close",  # a refused request ends the connection
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
        "Sec-WebSocket-Version: 13",
    ]
    if origin is not None:
        lines.append(f"Origin: {origin}")
    if cookie is not None:
        lines.append(f"Cookie: {served.cookie_name}={cookie}")
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
    await writer.drain()
    received = b""
    try:
        async with asyncio.timeout(EXCHANGE_LIMIT):
            while chunk := await reader.read(65536):
                received += chunk
    except TimeoutError:
        raise AssertionError(f"the connection stayed open; got {received[:300]!r}") from None
    finally:
        writer.close()
    return received


def refusal_body(response: bytes) -> bytes:
    head, _, body = response.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 403 "), response[:300]
    assert body.startswith(b"403 Forbidden: ") and len(body) < 200, body
    return body


async def test_websockets_without_the_token_or_from_another_origin_get_no_dashboard(
    served: Served,
) -> None:
    own, token, port = served.origin, served.token, served.port
    before = process_tree(served.process.pid)
    cases: dict[str, dict[str, str | None]] = {
        "no token": dict(origin=own, cookie=None),
        "a wrong token": dict(origin=own, cookie=token[:-2] + "xx"),
        "another site, with the cookie": dict(origin="https://evil.example", cookie=token),
        "another local port, with the cookie": dict(origin="http://127.0.0.1:1", cookie=token),
        "an opaque origin": dict(origin="null", cookie=token),
        "no Origin": dict(origin=None, cookie=token),
        "DNS rebinding": dict(
            origin=f"http://evil.example:{port}", cookie=token, host=f"evil.example:{port}"
        ),
    }
    for what, how in cases.items():
        body = refusal_body(await handshake(served, **how))
        assert b"\x1b" not in body and b"textual" not in body.lower(), what
    assert process_tree(served.process.pid) == before  # no tab was started for any of them
    output = served.output()
    assert (
        "miosa-tui serve: refused GET '/ws' from 127.0.0.1: Origin 'https://evil.example' "
        f"is not this page's origin (Host '127.0.0.1:{port}')\n" in output
    )
    assert f"Host 'evil.example:{port}' is not a loopback name" in output
    assert "refused GET '/ws' from 127.0.0.1: a WebSocket without an Origin header\n" in output


def test_the_page_and_its_assets_need_the_token(served: Served) -> None:
    base, token = served.base, served.token
    with httpx.Client(follow_redirects=False, timeout=EXCHANGE_LIMIT) as client:
        for path in ("", "?fontsize=12", "static/js/textual.js", "static/", "download/x"):
            response = client.get(base + path)
            assert response.status_code == 403, path
            assert b"<html" not in response.content.lower() and len(response.content) < 200

        first = client.get(f"{base}?token={token}&fontsize=12")
        assert first.status_code == 303 and first.headers["location"] == "/?fontsize=12"
        cookie = first.headers["set-cookie"]
        attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
        assert cookie.startswith(f"{served.cookie_name}={token};")
        assert attributes == {"httponly", "path", "samesite"} and "SameSite=Strict" in cookie
        assert "Path=/" in cookie  # host-only: no Domain; a session cookie: no Max-Age

    jar = {served.cookie_name: token}
    with httpx.Client(follow_redirects=False, timeout=EXCHANGE_LIMIT, cookies=jar) as client:
        page = client.get(f"{base}?fontsize=12")
        assert page.status_code == 200
        assert f'data-session-websocket-url="ws://127.0.0.1:{served.port}/ws"' in page.text
        assert page.headers["referrer-policy"] == "no-referrer"
        assert page.headers["x-frame-options"] == "DENY"
        assert client.get(base + "static/js/textual.js").status_code == 200

        hostile = {"Origin": "https://evil.example"}
        assert client.get(base, headers=hostile).status_code == 403
    with httpx.Client(follow_redirects=False, timeout=EXCHANGE_LIMIT) as client:
        # A link clicked on another site: a page that sets the cookie and reloads itself.
        bounce = client.get(f"{base}?token={token}", headers={"Sec-Fetch-Site": "cross-site"})
        assert bounce.status_code == 200 and 'content="0;url=/"' in bounce.text
        assert "SameSite=Strict" in bounce.headers["set-cookie"]
        assert "<div" not in bounce.text  # nothing of the dashboard page


async def open_dashboard(
    served: Served, url: str, cookie: str | None, headers: dict[str, str] | None = None
) -> int:
    """Open an authorised WebSocket, take 4 KB of the dashboard, return the tree while open."""
    jar = {served.cookie_name: cookie} if cookie else {}
    async with (
        aiohttp.ClientSession(cookies=jar) as session,
        session.ws_connect(url, headers=headers or {"Origin": served.origin}) as socket,
    ):
        received = 0
        async with asyncio.timeout(60):
            while received < 4096:
                message = await socket.receive()
                assert message.type == aiohttp.WSMsgType.BINARY, message
                received += len(message.data)
        tree = process_tree(served.process.pid)
        assert len(tree) >= 2, "no tab process under serve"
        check_process_listing(tree, served.token or "", served.process.pid)
        return len(tree)


def check_process_listing(tree: list[int], token: str, serve_pid: int) -> None:
    cmdlines = [proc_file(pid, "cmdline") for pid in tree]
    assert any(b"miosa_tui\x00--demo" in line for line in cmdlines[1:]), cmdlines
    for line in cmdlines:
        assert API_KEY.encode() not in line
        assert not token or token.encode() not in line
    for pid in tree:
        if pid != serve_pid and token:
            assert token.encode() not in proc_file(pid, "environ"), pid


async def test_the_printed_token_opens_a_dashboard_and_is_in_no_process_listing(
    served: Served,
) -> None:
    await open_dashboard(served, f"ws://127.0.0.1:{served.port}/ws", cookie=served.token)
    assert served.token.encode() not in proc_file(served.process.pid, "environ")


def test_the_token_is_in_no_log_line_but_the_printed_url(served: Served) -> None:
    """Last in this file: it stops the shared server to read everything it wrote."""
    token = served.token
    with httpx.Client(follow_redirects=False, timeout=EXCHANGE_LIMIT) as client:
        assert client.get(f"{served.base}?token={token}&fontsize=9").status_code == 303
        assert client.get(f"{served.base}static/?token={token}").status_code == 200
        client.cookies.clear()  # the 303 set it
        assert client.get(f"{served.base}?token={token}x").status_code == 403
        hostile = {"Origin": "https://x.example", "Cookie": f"{served.cookie_name}={token}"}
        assert client.get(f"{served.base}?token={token}", headers=hostile).status_code == 403
    assert served.stop() == 0
    lines = [line for line in served.output().splitlines() if token in line]
    assert lines == [f"miosa-tui: open {served.printed_url} in a browser"]


async def test_a_token_from_the_environment_reaches_no_tab_and_no_line(tmp_path: Path) -> None:
    token = "env-set-serve-token-0123456789"
    with running_serve(tmp_path, MIOSA_TUI_SERVE_TOKEN=token) as served:
        assert served.token == ""  # not printed: the script that set it knows it
        served.token = token
        own = f"ws://127.0.0.1:{served.port}/ws"
        refusal_body(await handshake(served, origin=served.origin, cookie=token[::-1]))
        await open_dashboard(served, f"{own}?token={token}", cookie=None)
        assert served.stop() == 0
        assert token not in served.output()


async def test_behind_a_tls_reverse_proxy_with_allow_remote(tmp_path: Path) -> None:
    """What Caddy sends for https://dash.example.com: its Host, X-Forwarded-Proto: https."""
    proxy = {"Host": "dash.example.com", "X-Forwarded-Proto": "https"}
    with running_serve(tmp_path, "--allow-remote") as served:
        with httpx.Client(follow_redirects=False, timeout=EXCHANGE_LIMIT, headers=proxy) as client:
            first = client.get(f"{served.printed_url}&fontsize=12")
            assert first.status_code == 303 and "; Secure" in first.headers["set-cookie"]
            assert client.get(served.base).status_code == 403  # the token is still needed
            # (httpx keeps a Secure cookie for https only: the proxy's side of the exchange)
            cookie = {"Cookie": f"{served.cookie_name}={served.token}"}
            page = client.get(f"{served.base}?fontsize=12", headers=cookie)
            assert 'data-session-websocket-url="wss://dash.example.com/ws"' in page.text
        through = {**proxy, "Origin": "https://dash.example.com"}
        await open_dashboard(served, f"{served.base}ws", served.token, headers=through)
        hostile = {**through, "Origin": "https://evil.example"}
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await open_dashboard(served, f"{served.base}ws", served.token, headers=hostile)
        assert refused.value.status == 403
