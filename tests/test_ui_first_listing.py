"""A big fleet's first listing: its first page is on screen while the rest is still listed,
nothing acts on a part of the fleet, and the whole fleet replaces it when the listing lands."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ui_helpers import Sim, cell, header_text, make_app, row_ids, screen_text, table, wait_for

import miosa_tui.api.computers as computers_api
from miosa_tui.api.models import ComputerPage
from miosa_tui.sim.server import SimServer

FLEET = 1_200  # three pages of 500


@pytest.fixture
def held_listing(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Pages after the first wait until the returned event is set (the listing runs on the
    client's own loop thread: the wait runs in a thread, the loop stays free)."""
    release = threading.Event()
    fetch: Callable[..., Any] = computers_api._fetch_page

    async def held(transport: Any, page: int, *args: Any, **kwargs: Any) -> ComputerPage:
        if page > 1:
            await asyncio.to_thread(release.wait, 60)
        result: ComputerPage = await fetch(transport, page, *args, **kwargs)
        return result

    monkeypatch.setattr(computers_api, "_fetch_page", held)
    return release


@pytest.mark.parametrize("early", [False, True], ids=["app-lists", "listed-before-the-app"])
async def test_first_page_is_shown_while_the_rest_is_listed(
    sim_factory: Callable[..., SimServer],
    tmp_path: Path,
    held_listing: threading.Event,
    early: bool,
) -> None:
    """Also when the listing began before the app was built (`miosa-tui` starts it before
    importing Textual): its first page, told before the dashboard existed, is shown all the
    same, and the dashboard's first poll is that listing, not a second one."""
    sim = sim_factory(fleet=FLEET)
    control = Sim(sim)
    control.reset()
    app = make_app(sim, tmp_path, poll_interval=30.0, early_listing=early)
    try:
        async with app.run_test(size=(160, 48)) as pilot:
            await wait_for(pilot, lambda: table(app).row_count > 0, "the first page's rows")
            # the listing is held at page 2: the first page is all there is
            assert table(app).row_count == 500
            await wait_for(pilot, lambda: "500 of 1,200 listed" in header_text(app), "the progress")
            assert "loading…" in header_text(app)
            first = row_ids(app)[0]
            # its name, as much as the NAME column shows of it
            shown = cell(app, first, "name")[:12]
            await wait_for(pilot, lambda: shown in screen_text(app), "the first page drawn")
            # the fleet is not known yet: nothing has a target, nothing is sent
            assert app.fleet.computers == {}
            assert app.dashboard.highlighted is None
            await pilot.press("S")  # stop
            await pilot.pause()
            assert not app.fleet.pending
            held_listing.set()
            await wait_for(pilot, lambda: table(app).row_count == FLEET, "the whole fleet")
            # one listing of three pages (the next poll is at least 1.5 s away)
            assert control.routes()["GET /computers"] == 3
            assert "listed" not in header_text(app)
            assert "loading…" not in header_text(app)
            # the row highlighted all along is now the highlighted computer, in the details
            await wait_for(
                pilot,
                lambda: (
                    app.dashboard.highlighted is not None and app.dashboard.highlighted.id == first
                ),
                "the first row highlighted for real",
            )
            await wait_for(pilot, lambda: first in screen_text(app), "its details")
            assert control.mutating() == []  # the stop pressed while listing sent nothing
    finally:
        held_listing.set()
        control.close()
