"""The side panes (desktop, Details, Access and the timeline) are built, and the history
opened, after the table's first rows are painted, or a moment after the dashboard opens when
the first listing is slow; pane keys pressed before that do nothing and break nothing."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ui_helpers import (
    SIZE,
    SMALL_DESKTOPS,
    Sim,
    loaded,
    make_app,
    region_text,
    row_ids,
    table,
    table_text,
    wait_for,
)

import miosa_tui.api.computers as computers_api
import miosa_tui.ui.screens.dashboard as dashboard_module
from miosa_tui.api.models import ComputerPage
from miosa_tui.sim.server import SimServer
from miosa_tui.ui.app import MiosaApp

SIM_OPTIONS = SMALL_DESKTOPS


@pytest.fixture
def held_listing(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Every listing waits until the returned event is set (on the client's own loop thread:
    the wait runs in a thread, the app's loop stays free)."""
    release = threading.Event()
    fetch: Callable[..., Any] = computers_api._fetch_page

    async def held(transport: Any, *args: Any, **kwargs: Any) -> ComputerPage:
        await asyncio.to_thread(release.wait, 60)
        result: ComputerPage = await fetch(transport, *args, **kwargs)
        return result

    monkeypatch.setattr(computers_api, "_fetch_page", held)
    return release


def details_text(app: MiosaApp) -> str:
    side = app.dashboard.side_panes
    return "" if side is None else region_text(app, side.details.region)


async def test_the_first_rows_are_painted_before_the_side_panes_which_then_show_the_highlight(
    sim: SimServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(sim, tmp_path)
    screen = app.dashboard
    at_first_rows: list[tuple[bool, str]] = []
    history_opened_after_rows: list[bool] = []
    publish = screen._rows_on_screen
    open_history = app.triage._open_history

    def opening() -> None:  # on the worker's thread: were the first rows noted before?
        history_opened_after_rows.append(bool(at_first_rows))
        open_history()

    monkeypatch.setattr(app.triage, "_open_history", opening)

    def noted() -> None:  # the moment the dashboard says its first rows are on screen
        if not at_first_rows:
            at_first_rows.append((screen.side_panes is None, table_text(app)))
        publish()

    monkeypatch.setattr(screen, "_rows_on_screen", noted)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        await wait_for(pilot, lambda: at_first_rows, "the dashboard to note its first rows")
        [(no_side_panes_yet, rows_drawn)] = at_first_rows
        first = app.fleet.computers[row_ids(app)[0]]
        assert first.name[:10] in rows_drawn
        assert no_side_panes_yet
        # nor the history opened: it comes after the rows too
        await wait_for(pilot, lambda: app.triage.history is not None, "the history, opened")
        assert history_opened_after_rows == [True]
        # then the panes, on the highlighted computer: its fields, and its timeline beside them
        await wait_for(pilot, lambda: first.id in details_text(app), "the details of the first")
        side = screen.side_panes
        assert side is not None
        timeline = screen.query_one("#timeline")
        assert timeline.parent is screen.query_one("#tab-details")
        assert timeline.region.height > 0 and side.desktop.region.height > 0


async def test_a_slow_first_listing_does_not_hold_the_side_panes_back(
    sim: SimServer, tmp_path: Path, held_listing: threading.Event
) -> None:
    app = make_app(sim, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "No computer selected." in details_text(app), "the panes")
        await wait_for(pilot, lambda: app.triage.history is not None, "the history too")
        assert table(app).row_count == 0 and app.fleet.last_success is None  # still listing
        held_listing.set()
        await loaded(pilot, app)
        first = row_ids(app)[0]
        await wait_for(pilot, lambda: first in details_text(app), "the details of the first")


async def test_pane_keys_pressed_before_the_side_panes_exist_do_nothing(
    sim: SimServer,
    tmp_path: Path,
    held_listing: threading.Event,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Desktop refresh, region, save and wall; Access, Details, copy and open; the palette,
    all before any row is shown: no pane to act on yet, so no request, no error, and the app
    goes on (with rows shown, a pane key waits for the panes: tests/test_startup.py)."""
    monkeypatch.setattr(dashboard_module, "FIRST_ROWS_AT_LATEST", 3600.0)
    control = Sim(sim)
    control.reset()
    app = make_app(sim, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("g", "x", "e", "w", "a", "i", "y", "o", "ctrl+p")
        await wait_for(pilot, lambda: app.screen is not app.dashboard, "the command palette")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is app.dashboard, "the dashboard again")
        assert app.dashboard.side_panes is None
        assert app.return_code is None
        assert sum(control.routes().values()) == 0  # nothing sent (the listing is held back)
        held_listing.set()
        await loaded(pilot, app)
        await wait_for(pilot, lambda: app.dashboard.side_panes is not None, "the side panes")
        side = app.dashboard.side_panes
        assert side is not None
        await pilot.press("a")  # and now the keys reach the panes
        await wait_for(
            pilot,
            lambda: app.focused is not None and side.access in app.focused.ancestors_with_self,
            "the Access panel focused",
        )
    control.close()
