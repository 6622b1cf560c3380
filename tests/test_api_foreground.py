"""Foreground: background work (the listing's next page, a poll, the history writer) waits while
a sort or a filter the user waits for is under way, never longer than its limit.

Nothing here is timed: the tests wait for a waiter to be there (`Foreground.waiting`) and
assert on what was and was not done meanwhile.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from miosa_tui.api import ApiSettings, Computer, MiosaClient
from miosa_tui.api.foreground import Foreground
from miosa_tui.fleet.history import BackgroundWriter, History, HistoryEvent
from miosa_tui.fleet.poller import FleetState, poll_once

KEY = "msk_u_test_0000"


def until(condition: Callable[[], bool], what: str) -> None:
    """Wait (from a test thread) until `condition()`; the limit only stops a hung test."""
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.005)


async def until_async(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        await asyncio.sleep(0.005)


def test_quiet_until_begun_and_an_end_counts_once() -> None:
    foreground = Foreground()
    assert foreground.quiet and foreground.wait_blocking()
    first, second = foreground.begin(), foreground.begin()
    assert not foreground.quiet
    first()
    first()  # an `except` path and a later callback may both end it
    assert not foreground.quiet  # the second is still under way
    second()
    assert foreground.quiet


def test_a_waiter_from_another_event_loop_goes_on_when_it_ends() -> None:
    foreground = Foreground()
    end = foreground.begin()
    result: list[bool] = []
    thread = threading.Thread(target=lambda: result.append(asyncio.run(foreground.wait())))
    thread.start()
    until(lambda: foreground.waiting == 1, "the waiter")
    assert result == []
    end()
    thread.join(30)
    assert result == [True] and foreground.waiting == 0


def test_a_waiter_never_waits_past_the_limit() -> None:
    foreground = Foreground(limit=0.05)
    foreground.begin()  # never ended: a bug must not stop polling for good
    assert foreground.wait_blocking() is False
    assert asyncio.run(foreground.wait()) is False


def paged(ids: list[str], per_page: int) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "1"))
        chunk = ids[(page - 1) * per_page : page * per_page]
        body = {
            "data": [{"id": i, "name": i, "status": "running"} for i in chunk],
            "meta": {"total": len(ids), "page": page, "per_page": per_page},
        }
        return httpx.Response(200, json=body)

    return handler


@pytest.mark.parametrize("in_background", [False, True])
async def test_the_listing_waits_before_its_next_page_while_a_sort_is_under_way(
    in_background: bool,
) -> None:
    ids = [f"c{i:03d}" for i in range(250)]
    pages: list[str] = []
    handle = paged(ids, per_page=100)

    def handler(request: httpx.Request) -> httpx.Response:
        pages.append(request.url.params["page"])
        return handle(request)

    settings = ApiSettings(api_key=KEY, base_url="https://api.test/api/v1")
    client = MiosaClient(settings, transport=httpx.MockTransport(handler))
    foreground = Foreground()
    end = foreground.begin()
    listing = asyncio.ensure_future(
        client.list_computers(in_background=in_background, yield_to=foreground)
    )
    await until_async(lambda: foreground.waiting == 1, "the listing to wait")
    assert pages == ["1"]  # the first page is asked for at once, the second waits
    end()
    computers = await listing
    assert [c.id for c in computers] == ids and pages == ["1", "2", "3"]
    await client.aclose()


async def test_a_poll_is_not_applied_while_a_sort_is_under_way() -> None:
    state = FleetState()
    foreground = Foreground()
    end = foreground.begin()

    async def fetch() -> Sequence[Computer]:
        return [Computer(id="a", name="a", status="running")]

    poll = asyncio.ensure_future(poll_once(state, fetch, yield_to=foreground))
    await until_async(lambda: foreground.waiting == 1, "the poll to wait")
    assert state.version == 0 and not state.computers
    end()
    diff, _settled = await poll
    assert diff is not None and [c.id for c in diff.added] == ["a"] and state.version == 1


def test_the_history_writer_waits_while_a_sort_is_under_way(tmp_path: Path) -> None:
    history = History.open(tmp_path / "h.sqlite3")
    foreground = Foreground()
    end = foreground.begin()
    writer = BackgroundWriter(history, yield_to=foreground)
    at = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
    writer.submit([HistoryEvent(at, "action", "comp_1", "web", "stop", "ok")])
    until(lambda: foreground.waiting == 1, "the writer to wait")
    assert history.events(limit=10) == []
    end()
    assert writer.flush(30)
    writer.close()
    assert [r.target_id for r in history.events(limit=10)] == ["comp_1"]
