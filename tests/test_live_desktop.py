"""Live mode (`L`): the desktop pane and the wall's focused tile refresh up to twice a second
while shown, one request at a time, skip unchanged pictures, and stop when hidden or stopped.

Everything is measured on the simulator's own request log (arrival times), not on the app:
rates are upper bounds (a loaded machine can only make them slower) and "stopped" is checked
after a positive sign that time went by (more list polls arrived), never after a fixed sleep.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from ui_helpers import (
    Sim,
    first_with,
    highlight,
    loaded,
    make_app,
    open_screen,
    screen_text,
    wait_for,
)

from miosa_tui.sim.faults import FaultConfig
from miosa_tui.sim.server import SimServer
from miosa_tui.ui.app import MiosaApp
from miosa_tui.ui.screens.wall import WallScreen
from miosa_tui.ui.widgets.desktop.pane import ScreenshotPane

SHOT = "/desktop/screenshot"


def shots(sim: Sim, computer_id: str | None = None) -> list[dict[str, Any]]:
    return sim.sent("GET", SHOT, computer_id)


def assert_at_most_two_a_second(times: list[float]) -> None:
    """Over the whole window, no more than 2 per second (plus the one that opened it, and half
    a frame for the timer's jitter: ticks are 0.5 s apart on average, not to the millisecond)."""
    assert len(times) >= 2
    window = times[-1] - times[0]
    assert len(times) - 1 <= 2 * window + 0.5, f"{len(times)} requests in {window:.2f} s"


async def polls_pass(pilot: Pilot[None], sim: Sim, count: int = 3) -> None:
    """Wait until `count` more list polls reached the simulator (time has surely passed)."""
    start = sim.list_count()
    await wait_for(pilot, lambda: sim.list_count() >= start + count, f"{count} more polls")


async def live_pane(
    pilot: Pilot[None], app: MiosaApp, sim: Sim, computer_id: str
) -> ScreenshotPane:
    await highlight(pilot, app, computer_id)
    pane = app.dashboard.query_one(ScreenshotPane)
    await wait_for(pilot, lambda: pane.shot is not None, "the first picture")
    await pilot.press("L")
    await wait_for(pilot, lambda: "● live" in screen_text(app), "the live caption")
    return pane


async def test_live_pane_refreshes_up_to_twice_a_second_one_at_a_time(
    sim_factory: Callable[..., SimServer], tmp_path: Path
) -> None:
    server = sim_factory(faults=FaultConfig(latency_ms=(300, 300)))
    sim = Sim(server)
    app = make_app(server, tmp_path, poll_interval=1.0)
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot, app)
        target = first_with(app, "running")
        await live_pane(pilot, app, sim, target)
        start = len(shots(sim, target))
        await wait_for(pilot, lambda: len(shots(sim, target)) >= start + 5, "five live frames")
        times = [r["at"] for r in shots(sim, target)][start:]
        assert_at_most_two_a_second(times)
        # One request at a time: with 300 ms of latency, the next never arrives sooner.
        gaps = [b - a for a, b in itertools.pairwise(times)]
        assert min(gaps) >= 0.3 - 0.02, gaps


async def test_live_pane_stops_when_hidden_and_when_the_computer_stops(
    sim: SimServer, ctl: Sim, tmp_path: Path
) -> None:
    app = make_app(sim, tmp_path, poll_interval=0.5)
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot, app)
        target = first_with(app, "running")
        await live_pane(pilot, app, ctl, target)
        start = len(shots(ctl, target))
        await wait_for(pilot, lambda: len(shots(ctl, target)) >= start + 2, "live frames")
        # Hidden under the help screen: no more pictures (one may have been on its way).
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: app.screen is not app.dashboard, "help on top")
        hidden_at = len(shots(ctl, target))
        await polls_pass(pilot, ctl)
        assert len(shots(ctl, target)) <= hidden_at + 1
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is app.dashboard, "help closed")
        back = len(shots(ctl, target))
        await wait_for(pilot, lambda: len(shots(ctl, target)) >= back + 2, "live again")
        # The computer stops: no more pictures either.
        ctl.force_status(target, "stopped")
        await wait_for(
            pilot,
            lambda: (c := app.fleet.computers.get(target)) is not None and c.status == "stopped",
            "the poll saw it stop",
        )
        stopped_at = len(shots(ctl, target))
        await polls_pass(pilot, ctl)
        assert len(shots(ctl, target)) <= stopped_at + 1


async def test_live_skips_frames_whose_bytes_did_not_change(
    sim_factory: Callable[..., SimServer], tmp_path: Path
) -> None:
    """A frozen clock keeps desktops still: live frames arrive but are not decoded or drawn."""
    server = sim_factory(frozen_time="2026-12-01T12:00:00Z")
    ctl = Sim(server)
    app = make_app(server, tmp_path, poll_interval=1.0)
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot, app)
        target = first_with(app, "running")
        pane = await live_pane(pilot, app, ctl, target)
        shown = pane.shot
        await wait_for(pilot, lambda: pane.live_skipped >= 3, "three unchanged frames skipped")
        assert pane.shot is shown  # the picture on screen is still the first one


async def test_live_wall_refreshes_the_focused_tile_only(
    sim: SimServer, ctl: Sim, tmp_path: Path
) -> None:
    app = make_app(sim, tmp_path, poll_interval=1.0)
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot, app)
        await open_screen(pilot, app, "w", WallScreen, "the wall")
        wall = app.screen
        assert isinstance(wall, WallScreen)
        await wait_for(pilot, lambda: wall.focused_id is not None, "a focused tile")
        await pilot.press("L")
        focused = wall.focused_id
        assert focused is not None
        start = len(ctl.requests())
        await wait_for(
            pilot,
            lambda: len([r for r in ctl.requests()[start:] if focused in r["path"]]) >= 4,
            "four live pictures of the focused tile",
        )
        recent = [r for r in ctl.requests()[start:] if r["route"].endswith(SHOT)]
        # At most one other tile's fetch was already on its way when L was pressed.
        assert len([r for r in recent if focused not in r["path"]]) <= 1
        assert_at_most_two_a_second([r["at"] for r in recent if focused in r["path"]])
        assert wall.max_in_flight == 1
