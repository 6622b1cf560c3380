"""The desktop pane inside the real MiosaApp: moving the table cursor drives it, and the region
flow works from the pane's own keys."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from test_ui_screenshot_host import reset_log, screenshot_requests
from ui_helpers import side_panes

from miosa_tui.api.settings import ApiSettings
from miosa_tui.backend import Backend
from miosa_tui.config import load_config
from miosa_tui.sim.server import SimServer
from miosa_tui.ui.app import MiosaApp
from miosa_tui.ui.screens.region_select import RegionSelectScreen

SIZE = (160, 48)


def make_app(sim: SimServer, tmp_path: Path) -> MiosaApp:
    return MiosaApp(
        backend=Backend(
            settings=ApiSettings(api_key="msk_u_test_0000", base_url=sim.base_url),
            simulated=True,
        ),
        config=load_config(environ={}, path=tmp_path / "none.toml"),
        poll_interval=3600,
    )


async def wait_until(pilot: Any, predicate: Callable[[], bool], limit: float = 20.0) -> None:
    """The poller never completes, so wait for a condition instead of for the workers."""
    waited = 0.0
    while not predicate():
        if waited >= limit:
            pytest.fail("the pane did not get there")
        await pilot.pause(0.05)
        waited += 0.05


async def test_cursor_moves_drive_the_pane(sim: SimServer, tmp_path: Path) -> None:
    app = make_app(sim, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        pane = (await side_panes(pilot, app)).desktop
        await wait_until(pilot, lambda: pane.shot is not None)
        ordered = list(app.fleet.computers.values())
        assert pane.shot is not None and pane.shot.computer_id == ordered[0].id
        stopped_row = next(i for i, c in enumerate(ordered) if c.status == "stopped")
        stopped = ordered[stopped_row]
        # A long debounce keeps this about behaviour, not speed: on a loaded machine key presses
        # can arrive slower than the real 0.3 s debounce.
        pane.debounce = 2.0
        reset_log(sim.root_url)
        await pilot.press(*["down"] * stopped_row)
        await wait_until(pilot, lambda: pane.computer is not None and pane.computer == stopped)
        await pilot.pause(2.5)  # longer than the debounce: a fetch would have started
        assert pane.message == f"{stopped.name} is stopped: start it (s) to see its desktop"
        paths = [r["path"] for r in screenshot_requests(sim.root_url)]
        assert not any(stopped.id in p for p in paths)
        assert len(paths) <= 1  # the rows passed over quickly were never fetched


async def test_region_from_the_pane_in_the_app(sim: SimServer, tmp_path: Path) -> None:
    app = make_app(sim, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        pane = (await side_panes(pilot, app)).desktop
        await wait_until(pilot, lambda: pane.shot is not None)
        pane.focus()
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, RegionSelectScreen))
        reset_log(sim.root_url)
        await pilot.press("5", "enter")  # bottom-right quadrant
        await wait_until(pilot, lambda: pane.shot is not None and pane.shot.region is not None)
        (request,) = screenshot_requests(sim.root_url)
        assert request["json"] == {"x": 500, "y": 500, "width": 500, "height": 500}
        assert pane.shot is not None and pane.shot.size == (640, 400)
