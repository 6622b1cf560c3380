"""Listing a big fleet off the caller's event loop: same answer, thread decode, clean shutdown."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable

import httpx
import pytest

from miosa_tui.api import ApiSettings, MiosaClient, ResponseFormatError
from miosa_tui.api.background import BackgroundLoop
from miosa_tui.api.computers import PAGE_SIZE, THREAD_DECODE_BYTES
from miosa_tui.sim.server import SimServer

KEY = "msk_u_test_0000"


async def test_background_listing_equals_the_plain_one(
    sim_factory: Callable[..., SimServer],
) -> None:
    # Three pages, each far above THREAD_DECODE_BYTES; time nearly frozen so no transition
    # finishes between the listings being compared.
    sim = sim_factory(fleet=1200, speed=1e-6)
    async with MiosaClient(ApiSettings(api_key=KEY, base_url=sim.base_url)) as client:
        plain = await client.list_computers()
        background = await client.list_computers(in_background=True)
        again = await client.list_computers(in_background=True)  # the loop thread is reused
        assert [c.id for c in plain] == [c.id for c in background] == [c.id for c in again]
        assert plain == background
        assert len(plain) == 1200 and client.last_list_skipped == 0
        assert client._background is not None and client._background.running
        thread_names = {t.name for t in threading.enumerate()}
        assert "miosa-list" in thread_names
    assert "miosa-list" not in {t.name for t in threading.enumerate()}


def _big_page(n: int, page: int) -> bytes:
    items = [
        {"id": f"c{page}-{i}", "name": f"name-{i}", "status": "running", "region": "us-mia"}
        for i in range(n)
    ]
    items.append({"name": "no id"})  # dropped and counted
    return json.dumps({"data": items, "meta": {"total": 2 * (n + 1)}}).encode()


@pytest.mark.parametrize("in_background", [False, True])
async def test_large_pages_decode_off_the_loop_and_errors_stay_typed(in_background: bool) -> None:
    n = PAGE_SIZE - 1
    assert len(_big_page(n, 1)) > THREAD_DECODE_BYTES
    broken = {"on": False}

    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "1"))
        body = _big_page(n, page)
        if broken["on"]:
            body = body[: len(body) // 2]  # truncated JSON
        return httpx.Response(200, content=body)

    settings = ApiSettings(api_key=KEY, base_url="https://api.example.test/api/v1")
    async with MiosaClient(settings, transport=httpx.MockTransport(handler)) as client:
        computers = await client.list_computers(in_background=in_background)
        assert len(computers) == 2 * n and client.last_list_skipped == 2
        broken["on"] = True
        with pytest.raises(ResponseFormatError):
            await client.list_computers(in_background=in_background)


async def test_background_loop_cancels_with_its_caller() -> None:
    loop = BackgroundLoop("test-bg")
    started = threading.Event()
    cancelled = threading.Event()

    async def slow() -> None:
        started.set()
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    task = asyncio.ensure_future(loop.run(slow()))
    await asyncio.to_thread(started.wait, 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await asyncio.to_thread(cancelled.wait, 5)
    await loop.close()
    assert not loop.running
