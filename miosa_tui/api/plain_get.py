"""One GET over plain http with the standard library: the dashboard's first page, before httpx.

At start-up the first listing runs while Textual is imported. Through the Transport it would
first import httpx, and make an AsyncClient, which imports httpcore, anyio and h11: ~30 ms of the
single core Python gives both threads, all before the first frame
(`benchmarks/profiles/startup_plain_first_page.txt`). Where the client could never open a TLS
connection (an http:// base URL, no proxy in the environment: the simulator on loopback), that
page is asked for here instead, with the same headers (`wire.py`).

Only a complete 2xx answer counts. Anything else (refused, timed out, a 401, a redirect, a cut
body) is None, and the caller asks again through the Transport, which retries and words the
error as for any request: a GET changes nothing, so asking twice is safe.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import os
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


def get_plain(settings: ApiSettings, path: str, params: dict[str, object]) -> bytes | None:
    """The body of a 2xx answer to GET `path`, or None (see the module's docstring). Blocks."""
    parts = urlsplit(settings.base_url)
    try:
        headers = {**base_headers(settings), **auth_header(settings)}
        target = f"{parts.path.rstrip('/')}{path}?{urlencode(params)}"
        connection = http.client.HTTPConnection(
            parts.hostname or "", parts.port, timeout=settings.timeout
        )
        try:
            connection.request("GET", target, headers=headers)
            response = connection.getresponse()
            body = response.read()
            return body if 200 <= response.status < 300 else None
        finally:
            connection.close()
    except Exception:  # any failure: the Transport asks again and reports it
        return None


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
