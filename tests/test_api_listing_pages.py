"""A listing asks for the pages its first page's total implies several at a time, and reads them
in order: the fleet comes out in API order whatever order the answers arrive in, a fleet that
shrank or a page that fails leaves nothing running, and without a total it goes one page at a
time.

The fake API holds the answers it is told to (an event per page), so what is in flight
at one moment is seen, not timed.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import httpx
import pytest

from miosa_tui.api import ApiSettings, MiosaClient, NotFoundError
from miosa_tui.api.computers import PAGE_SIZE, PAGES_IN_FLIGHT
from miosa_tui.api.foreground import Foreground

KEY = "msk_u_test_0000"


class PagedApi:
    """GET /computers over `ids`, PAGE_SIZE a page; a page in `held` answers once released;
    `fail` pages answer 404; `meta=False` sends no total."""

    def __init__(self, ids: list[str], *, meta: bool = True, fail: frozenset[int] = frozenset()):
        self.ids = ids
        self.total = len(ids)  # what `meta.total` says
        self.meta = meta
        self.fail = fail
        # Released from the test's thread: the listing may run on the client's own loop.
        self.held: dict[int, threading.Event] = {}
        self.asked: list[int] = []
        self.answered: list[int] = []
        self.in_flight = 0
        self.most_in_flight = 0

    def hold(self, *pages: int) -> None:
        for page in pages:
            self.held[page] = threading.Event()

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        self.asked.append(page)
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            while page in self.held and not self.held[page].is_set():
                await asyncio.sleep(0.001)
            if page in self.fail:
                return httpx.Response(404, json={"error": "Not found"})
            chunk = self.ids[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
            body: dict[str, Any] = {
                "data": [{"id": i, "name": i, "status": "running"} for i in chunk]
            }
            if self.meta:
                body["meta"] = {"total": self.total, "page": page, "per_page": PAGE_SIZE}
            self.answered.append(page)
            return httpx.Response(200, json=body)
        finally:
            self.in_flight -= 1


def client_for(api: PagedApi) -> MiosaClient:
    settings = ApiSettings(api_key=KEY, base_url="https://api.miosa.test")
    return MiosaClient(settings, transport=httpx.MockTransport(api))


async def until(condition: Any, what: str) -> None:
    for _ in range(2000):
        if condition():
            return
        await asyncio.sleep(0.001)
    raise AssertionError(f"gave up waiting for {what}")


def fleet(pages: int, short: int = 0) -> list[str]:
    return [f"c{i:05d}" for i in range(pages * PAGE_SIZE - short)]


def left_running() -> list[asyncio.Task[Any]]:
    return [t for t in asyncio.all_tasks() if t is not asyncio.current_task() and not t.done()]


async def test_the_pages_the_total_implies_are_asked_at_once_and_read_in_order() -> None:
    assert PAGES_IN_FLIGHT >= 2
    ids = fleet(6, short=7)
    api = PagedApi(ids)
    api.hold(2)  # page 2 answers last of those in flight
    async with client_for(api) as client:
        listing = asyncio.ensure_future(client.list_computers())
        await until(lambda: len(api.answered) >= PAGES_IN_FLIGHT, "the pages after page 2")
        # Page 2 is still held, the ones after it in the window are asked for and answered
        # already, and nothing beyond the window is asked while page 2 is awaited.
        assert api.asked == list(range(1, PAGES_IN_FLIGHT + 2))
        assert 2 not in api.answered
        api.held[2].set()
        computers = await listing
    assert [c.id for c in computers] == ids  # API order, whatever order the answers came in
    assert sorted(api.asked) == [1, 2, 3, 4, 5, 6]
    assert api.most_in_flight <= PAGES_IN_FLIGHT


async def test_a_fleet_that_shrank_leaves_no_request_running() -> None:
    """Page 1 says 3,000 computers (6 pages), but computers were destroyed since: page 3 is
    short. The listing ends there, with every computer there is, and the page asked beyond it
    is cancelled, not left running."""
    ids = fleet(6)[: 2 * PAGE_SIZE + 10]
    api = PagedApi(ids)
    api.total = 6 * PAGE_SIZE  # a count taken before the destroys
    api.hold(4)
    async with client_for(api) as client:
        computers = await client.list_computers()
    assert [c.id for c in computers] == ids
    assert 4 in api.asked and 4 not in api.answered
    assert left_running() == []


async def test_a_failed_page_fails_the_listing_and_cancels_the_others() -> None:
    api = PagedApi(fleet(8), fail=frozenset({3}))
    api.hold(4)  # in flight when page 3 fails
    async with client_for(api) as client:
        with pytest.raises(NotFoundError):
            await client.list_computers()
    assert 4 in api.asked and 4 not in api.answered
    assert left_running() == []


async def test_without_a_total_one_page_at_a_time() -> None:
    ids = fleet(3, short=1)
    api = PagedApi(ids, meta=False)
    async with client_for(api) as client:
        computers = await client.list_computers()
    assert [c.id for c in computers] == ids
    assert api.asked == [1, 2, 3] and api.most_in_flight == 1


async def test_pages_that_arrive_during_a_sort_are_decoded_after_it() -> None:
    """On the background loop (the dashboard's polls), a page in flight when a sort begins
    waits for it before its JSON is decoded, as the asking of the next ones does."""
    api = PagedApi(fleet(6))
    in_flight = range(2, 2 + PAGES_IN_FLIGHT)
    api.hold(*in_flight)
    foreground = Foreground()
    async with client_for(api) as client:
        listing = asyncio.ensure_future(
            client.list_computers(in_background=True, yield_to=foreground)
        )
        await until(lambda: len(api.asked) == 1 + PAGES_IN_FLIGHT, "the pages after page 1")
        end = foreground.begin()  # a sort begins with pages 2... in flight
        for page in in_flight:
            api.held[page].set()
        # Each page in flight has its answer and waits to be decoded; none more is asked.
        await until(lambda: foreground.waiting == PAGES_IN_FLIGHT, "the pages to wait")
        assert len(api.asked) == 1 + PAGES_IN_FLIGHT
        end()
        computers = await listing
    assert len(computers) == 6 * PAGE_SIZE
