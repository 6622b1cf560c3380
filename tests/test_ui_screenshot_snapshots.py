"""SVG snapshots of the region selector and the wall (halfcell, deterministic pictures).

The simulator paints a live clock into each desktop; these tests swap in a painter whose clock
is fixed, so the pictures are the same on every run.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from test_ui_screenshot_host import HostApp, settle
from textual.pilot import Pilot

from miosa_tui.sim.desktop import DesktopPainter
from miosa_tui.sim.server import SimServer
from miosa_tui.ui.screens.wall import WallScreen

FIXED = datetime(2026, 1, 2, 12, 34, 56)
SIZE = (100, 34)


def frozen(sim: SimServer) -> SimServer:
    config = sim.config
    sim.app.sim.painter = DesktopPainter(config.width, config.height, now=lambda: FIXED)
    return sim


def test_region_select_snapshot(sim: SimServer, snap_compare: Callable[..., bool]) -> None:
    app = HostApp(frozen(sim).base_url)

    async def run_before(pilot: Pilot[Any]) -> None:
        computers = await app.load_fleet()
        app.pane.show_computer(next(c for c in computers if c.is_running))
        await settle(pilot)
        app.pane.focus()
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("6", "right", "shift+down")  # centre, moved right, one step taller
        await settle(pilot)

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)


def test_wall_snapshot(sim: SimServer, snap_compare: Callable[..., bool]) -> None:
    app = HostApp(frozen(sim).base_url)

    async def run_before(pilot: Pilot[Any]) -> None:
        # The seeded fleet starts with a computer booting: wait until it settles, or the
        # number of running tiles depends on how fast this machine is.
        for _ in range(400):
            computers = await app.load_fleet()
            if not any(c.is_transitional for c in computers):
                break
            await pilot.pause(0.05)
        screen = WallScreen(interval=0.01, renderer=app.config.image_renderer, fleet=app.fleet)
        app.push_screen(screen)
        waited = 0.0
        while not (screen.tiles and all(t.refreshed for t in screen.tiles)) and waited < 120:
            await pilot.pause(0.05)
            waited += 0.05
        screen.stop_rotation()
        await pilot.pause(0.1)
        await pilot.pause()

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)
