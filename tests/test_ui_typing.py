"""Typing at human speed into the filter while the fleet changes: no key is lost, no key lands
on the table, and the table ends up showing exactly what the whole filter matches.

Keys are sent the way a terminal's input thread sends them: from another thread, one every
0.05 s (20 keys a second), whatever the event loop is doing at the time. Nothing here is timed:
the tests wait for conditions and assert on what the screen and the simulator show.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input
from ui_helpers import (
    MUTATING,
    SIZE,
    Sim,
    cell,
    header_text,
    key_event,
    make_app,
    row_ids,
    table,
    table_text,
    wait_for,
)

from miosa_tui.fleet.sorting import select_rows
from miosa_tui.sim.server import SimServer
from miosa_tui.ui.app import MiosaApp
from miosa_tui.ui.screens import dashboard as dashboard_module


def type_from_thread(pilot: Pilot[Any], keys: Iterable[str], gap: float = 0.05) -> threading.Thread:
    """Send `keys` (characters or key names) one every `gap` seconds from another thread, as
    a terminal's input thread does."""
    app = pilot.app
    loop = asyncio.get_running_loop()
    driver = app._driver
    assert driver is not None

    def typist() -> None:
        for key in keys:
            event = key_event(key)
            event.set_sender(app)
            loop.call_soon_threadsafe(driver.send_message, event)
            time.sleep(gap)

    thread = threading.Thread(target=typist, daemon=True)
    thread.start()
    return thread


def expected_rows(app: MiosaApp, text: str) -> list[str]:
    from miosa_tui.fleet.filter import parse_filter

    fleet = app.fleet
    screen = app.dashboard
    rows = select_rows(
        fleet.computers, parse_filter(text), fleet.pending, screen.sort_key, screen.sort_reverse
    )
    return [c.id for c in rows]


async def settled_on(pilot: Pilot[Any], app: MiosaApp, check: Callable[[], bool]) -> None:
    await wait_for(pilot, check, "the table to show what the whole filter matches", tries=600)


@pytest.mark.parametrize("polls_in_a_thread", [False, True])
async def test_a_filter_typed_at_20_keys_a_second_on_a_changing_fleet_loses_no_key(
    sim_factory: Callable[..., SimServer],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    polls_in_a_thread: bool,
) -> None:
    """`/` then `status:stopped` at 20 keys a second, while polls (every 0.2 s) bring a fleet
    with computers in transition: the box and the header show the whole filter, the table
    exactly the stopped computers, and no key reached the table (`s` is Start there).
    Run twice: polls that move rows applied on the loop (small fleets) and worked out in a
    thread (from THREAD_ROWS_AT computers)."""
    if polls_in_a_thread:
        monkeypatch.setattr(dashboard_module, "THREAD_ROWS_AT", 0)
    server = sim_factory(fleet=400, speed=1.0)
    sim = Sim(server)
    app = make_app(server, tmp_path, poll_interval=0.2)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: table(app).row_count == 400, "the first poll")
            assert any(c.is_transitional for c in app.fleet.computers.values())
            sim.reset()
            typist = type_from_thread(pilot, "/status:stopped")
            box = app.dashboard.query_one("#filter-input", Input)
            await wait_for(pilot, lambda: not typist.is_alive(), "the typist")
            text = "status:stopped"
            await settled_on(
                pilot,
                app,
                lambda: (
                    box.value == text
                    and f"filter '{text}' " in header_text(app)
                    and row_ids(app) == expected_rows(app, text)
                ),
            )
            assert app.focused is box
            shown = row_ids(app)
            assert shown and all(app.fleet.computers[cid].status == "stopped" for cid in shown)
            assert f"filter '{text}' {len(shown)}/400" in header_text(app)
            assert not [r for r in sim.requests() if r["method"] in MUTATING]
    finally:
        sim.close()


async def test_keys_right_after_slash_go_to_the_box_not_the_table(
    sim: SimServer, tmp_path: Path
) -> None:
    """`/` and the next keys in one burst (a paste, fast typing): every key lands in the box.
    Before, the keys after `/` were sent to the table while the `/` was still on its way."""
    probe = Sim(sim)
    app = make_app(sim, tmp_path, poll_interval=3600)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: table(app).row_count == 12, "the first poll")
            probe.reset()
            typist = type_from_thread(pilot, "/sSdr", gap=0.0)
            await wait_for(pilot, lambda: not typist.is_alive(), "the typist")
            box = app.dashboard.query_one("#filter-input", Input)
            await wait_for(pilot, lambda: box.value == "sSdr", "the whole text in the box")
            assert not [r for r in probe.requests() if r["method"] in MUTATING]
    finally:
        probe.close()


async def test_the_debounced_filter_shows_exactly_the_matching_rows_after_the_last_key(
    sim_factory: Callable[..., SimServer], tmp_path: Path
) -> None:
    """Filters typed, erased and retyped fast: the rows (and the painted table) are those the
    last text matches, in order, whatever the earlier keys started."""
    server = sim_factory(fleet=300)
    app = make_app(server, tmp_path, poll_interval=3600)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: table(app).row_count == 300, "the first poll")
        await pilot.press("greater_than_sign")  # sorted by name: rows come back in order
        back = ["backspace"]
        keys = ["/", *"us-", *back * 3, *"region:eu", *back * 2, *"us-mia"]
        typist = type_from_thread(pilot, keys, gap=0.02)
        await wait_for(pilot, lambda: not typist.is_alive(), "the typist")
        text = "region:us-mia"
        box = app.dashboard.query_one("#filter-input", Input)
        await settled_on(
            pilot, app, lambda: box.value == text and row_ids(app) == expected_rows(app, text)
        )
        assert 0 < table(app).row_count < 300
        await pilot.pause()
        painted = table_text(app).splitlines()[1:]  # below the header
        top = int(table(app).scroll_offset.y)
        for line, cid in zip(painted, row_ids(app)[top : top + 10], strict=False):
            # the NAME cell as drawn: the whole name, or as much as fits ending in "…"
            drawn = line.split()[0]
            name = app.fleet.computers[cid].name
            assert drawn == name or (drawn.endswith("…") and name.startswith(drawn[:-1])), (
                cid,
                line,
            )
        await pilot.press("escape")
        await wait_for(pilot, lambda: table(app).row_count == 300, "every row back")
        assert row_ids(app) == expected_rows(app, "")


async def test_age_advances_without_the_row_changing(sim: SimServer, tmp_path: Path) -> None:
    """AGE is repainted on the visible rows as time passes, with no poll in between."""
    app = make_app(sim, tmp_path, poll_interval=3600)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: table(app).row_count == 12, "the first poll")
        fresh = await app.client.create("age-probe")  # created now: its AGE is in seconds
        app.dashboard.action_refresh_now()
        await wait_for(
            pilot,
            lambda: (
                fresh.id in row_ids(app)
                and not app.fleet.any_transitional
                and cell(app, fresh.id, "status").endswith("running")
            ),
            "the new computer running (no spinner redraws its row any more)",
        )
        before = cell(app, fresh.id, "age")
        assert before.endswith("s"), before
        polls = app.fleet.version
        await wait_for(pilot, lambda: cell(app, fresh.id, "age") != before, "AGE to advance")
        assert app.fleet.version == polls  # no poll did it
        await pilot.pause()
        line = next(x for x in table_text(app).splitlines() if " age-probe " in x)
        assert f" {cell(app, fresh.id, 'age')} " in line
