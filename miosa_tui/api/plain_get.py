"""One GET over plain http on a bare socket: the dashboard's first page, before httpx.

At start-up the first listing runs while Textual is imported. Through the Transport it would
first import httpx, and make an AsyncClient, which imports httpcore, anyio and h11: ~30 ms of the
single core Python gives both threads, all before the first frame
(`benchmarks/profiles/startup_plain_first_page.txt`). Where the client could never open a TLS
connection (an http:// base URL, no proxy in the environment: the simulator on loopback), that
page is asked for here instead, with the same headers (`wire.py`).

Why a socket and not a library: the standard library's `http.client` costs ~8 ms to import (it
parses headers with the `email` package), h11 ~7 ms, and resolving a host given as text imports
the IDNA codec (~3 ms): together more than start-up's whole margin
(`benchmarks/profiles/startup_socket_first_page.txt`). The request is fixed (one GET, its
headers checked by `wire.auth_header`, `Connection: close`), so what is read back is the
plainest answer HTTP has: a status line, headers, and a body of exactly `Content-Length` bytes,
read to that length whether or not the server then closes. Only that counts, with a 2xx status.
Anything else (refused, timed out, a 401, a redirect, a chunked or compressed or cut body, a
header line this does not read) is None, and the caller asks again through the Transport, which
retries and words the error as for any request: a GET changes nothing, so asking twice is safe.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import threading
from urllib.parse import urlencode, urlsplit

from miosa_tui.api.settings import ApiSettings
from miosa_tui.api.wire import auth_header, base_headers, may_use_tls


def plain_http(settings: ApiSettings) -> bool:
    """Whether `settings` allow the plain GET: http, no proxy, nothing in the URL but a path."""
    parts = urlsplit(settings.base_url)
    return (
        not may_use_tls(settings.base_url, os.environ)
        and parts.hostname is not None
        and parts.username is None
        and not parts.query
        and not parts.fragment
    )


# A first page is at most 500 computers (~0.5 MB of JSON); a body past this is not one.
MAX_ANSWER = 64 * 1024 * 1024


def get_plain(settings: ApiSettings, path: str, params: dict[str, object]) -> bytes | None:
    """The body of a 2xx answer to GET `path`, or None (see the module's docstring). Blocks."""
    parts = urlsplit(settings.base_url)
    try:
        headers = {
            "Host": parts.netloc,
            **base_headers(settings),
            **auth_header(settings),
            "Accept-Encoding": "identity",
            "Connection": "close",
        }
        target = f"{parts.path.rstrip('/')}{path}?{urlencode(params)}"
        lines = [f"GET {target} HTTP/1.1", *(f"{k}: {v}" for k, v in headers.items()), "", ""]
        request = "\r\n".join(lines).encode("ascii")
        # The host as bytes: as text, getaddrinfo would encode it with the IDNA codec (one more
        # import). typeshed's annotation (str) is narrower than what getaddrinfo takes.
        address = ((parts.hostname or "").encode("ascii"), parts.port or 80)
        with socket.create_connection(address, timeout=settings.timeout) as connection:  # type: ignore[arg-type]
            connection.sendall(request)
            answer = _read_answer(connection)
    except Exception:  # any failure: the Transport asks again and reports it
        return None
    return None if answer is None else body_of(answer)


def _read_answer(connection: socket.socket) -> bytes | None:
    """What the server sends, up to the end of the body its headers announce, or until it closes
    the connection if they announce none this module reads (None past `MAX_ANSWER`). It stops
    there, so a server that keeps the connection open all the same holds nothing up."""
    answer = bytearray()
    expected: int | None = None
    while expected is None or len(answer) < expected:
        chunk = connection.recv(256 * 1024)
        if not chunk:
            break
        answer += chunk
        if len(answer) > MAX_ANSWER:
            return None
        if expected is None and (head_end := answer.find(b"\r\n\r\n")) >= 0:
            length = _body_length(bytes(answer[:head_end]))
            if length is None:
                break  # an answer `body_of` refuses: nothing more is worth waiting for
            expected = head_end + 4 + length
    return bytes(answer)


def body_of(answer: bytes) -> bytes | None:
    """The body of a whole HTTP/1.x answer if it is a 2xx whose body is exactly `Content-Length`
    bytes, sent as they are (no transfer or content coding); otherwise None."""
    head, blank, body = answer.partition(b"\r\n\r\n")
    if not blank:
        return None
    return body if _body_length(head) == len(body) else None


def _body_length(head: bytes) -> int | None:
    """The `Content-Length` of an answer's head (its status line and headers) if the answer is
    one `body_of` reads; otherwise None."""
    status_line, *header_lines = head.split(b"\r\n")
    version, _, rest = status_line.partition(b" ")
    status = rest[:3]
    if version not in (b"HTTP/1.1", b"HTTP/1.0") or not (status.isdigit() and status[0:1] == b"2"):
        return None
    length: int | None = None
    for line in header_lines:
        name, colon, value = line.partition(b":")
        if not colon or name != name.strip():  # no folded lines, no space before the colon
            return None
        name, value = name.lower(), value.strip()
        if name == b"content-length":
            if not value.isdigit() or (length is not None and int(value) != length):
                return None
            length = int(value)
        elif name == b"transfer-encoding" or (
            name == b"content-encoding" and value.lower() != b"identity"
        ):
            return None
    return length


async def get_plain_async(
    settings: ApiSettings, path: str, params: dict[str, object]
) -> bytes | None:
    """`get_plain` on a daemon thread of its own, awaited: the loop stays free, and a server
    that never answers holds neither the loop nor the interpreter's exit."""
    loop = asyncio.get_running_loop()
    answer: asyncio.Future[bytes | None] = loop.create_future()

    def settle(body: bytes | None) -> None:
        if not answer.done():  # the caller may have been cancelled meanwhile
            answer.set_result(body)

    def run() -> None:
        body = get_plain(settings, path, params)
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: nobody waits
            loop.call_soon_threadsafe(settle, body)

    threading.Thread(target=run, name="miosa-first-page", daemon=True).start()
    return await answer
