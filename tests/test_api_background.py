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


async def test_a_listing_started_early_is_the_one_the_next_poll_takes(
    sim_factory: Callable[..., SimServer],
) -> None:
    """`start_listing` (the dashboard calls it before Textual is imported) sends the listing at
    once; the next background listing takes its answer instead of asking again, and its
    progress, told before anyone listened, reaches the listener in one call: the first page and
    the latest counts. The listing after that asks the server again."""
    sim = sim_factory(fleet=1200, speed=1e-6)
    control = httpx.Client(base_url=sim.root_url, timeout=10)
    control.post("/_sim/stats/reset").raise_for_status()

    def listings() -> int:
        routes: dict[str, int] = control.get("/_sim/stats").json()["routes"]
        return routes.get("GET /computers", 0)

    client = MiosaClient(ApiSettings(api_key=KEY, base_url=sim.base_url))
    client.start_listing()  # no running loop needed: it runs on the client's own thread
    client.start_listing()  # once only
    heard: list[tuple[int, int, int | None]] = []
    try:
        early = client._early
        assert early is not None
        await asyncio.wrap_future(early[0])  # done before anyone asks: nothing told yet
        assert listings() == 3  # 1,200 computers: three pages of 500
        computers = await client.list_computers(
            in_background=True,
            progress=lambda page, listed, total: heard.append((len(page), listed, total)),
        )
        assert len(computers) == 1200 and listings() == 3  # its answer, no second request
        assert heard == [(500, 1000, 1200)]  # the first page, with the counts of the last
        again = await client.list_computers(in_background=True)
        assert [c.id for c in again] == [c.id for c in computers] and listings() == 6
    finally:
        await client.aclose()
        control.close()


async def test_an_early_listing_never_taken_is_cancelled_on_close(
    sim_factory: Callable[..., SimServer],
) -> None:
    sim = sim_factory(fleet=10)
    control = httpx.Client(base_url=sim.root_url, timeout=10)
    control.put("/_sim/faults", json={"latency_ms": [5000, 5000]}).raise_for_status()
    client = MiosaClient(ApiSettings(api_key=KEY, base_url=sim.base_url))
    client.start_listing()
    early = client._early
    assert early is not None
    for _ in range(500):  # until the listing runs (its first request waits 5 s for an answer)
        if "miosa-first-page" in {t.name for t in threading.enumerate()}:
            break
        await asyncio.sleep(0.01)
    await client.aclose()  # the app ended before its first poll (a hang-up at start)
    control.close()
    assert early[0].cancelled()
    assert "miosa-list" not in {t.name for t in threading.enumerate()}
