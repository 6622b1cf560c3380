"""The wall: running computers only, capped, refreshed one at a time in rotation, Enter returns
the chosen id."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from test_ui_screenshot_host import HostApp, reset_log, screenshot_requests
from textual.widgets import Static

from miosa_tui.api.models import Computer
from miosa_tui.sim.server import SimServer
from miosa_tui.ui.screens.wall import WallScreen, WallTile, running_by_name

SIZE = (140, 40)


async def wait_until(pilot: Any, predicate: Callable[[], bool], limit: float = 20.0) -> None:
    """Poll until `predicate` holds (the rotation never finishes, so no wait_for_complete)."""
    waited = 0.0
    while not predicate():
        if waited >= limit:
            pytest.fail("the wall did not get there")
        await pilot.pause(0.05)
        waited += 0.05


async def open_wall(app: HostApp, pilot: Any, **kwargs: Any) -> tuple[WallScreen, list[Any]]:
    results: list[Any] = []
    screen = WallScreen(renderer=app.config.image_renderer, fleet=app.fleet, **kwargs)
    app.push_screen(screen, results.append)
    await pilot.pause()
    return screen, results


async def test_wall_rotates_one_request_at_a_time(sim: SimServer) -> None:
    app = HostApp(sim.base_url)
    async with app.run_test(size=SIZE) as pilot:
        computers = await app.load_fleet()
        running = sorted((c for c in computers if c.is_running), key=lambda c: c.name)
        reset_log(sim.root_url)
        screen, _ = await open_wall(app, pilot, interval=0.02)
        # two full rounds
        await wait_until(pilot, lambda: len(screen.fetches) >= 2 * len(running))
        assert [t.computer.id for t in screen.tiles] == [c.id for c in running]
        fetched = [cid for cid, _, _ in screen.fetches]
        order = [c.id for c in running]
        assert fetched[: 2 * len(order)] == order + order  # rotation, in tile order
        assert screen.max_in_flight == 1
        # no fetch starts before the previous one ended
        for (_, _, end), (_, start, _) in zip(screen.fetches, screen.fetches[1:], strict=False):
            assert start >= end
        # the simulator saw only full screenshots of running computers, in that order
        seen = [r["path"].split("/")[4] for r in screenshot_requests(sim.root_url)]
        assert seen[: 2 * len(order)] == order + order
        assert all(t.refreshed >= 1 and t.original_size == (1280, 800) for t in screen.tiles)


async def test_wall_arrows_and_enter_return_the_id(sim: SimServer) -> None:
    app = HostApp(sim.base_url)
    async with app.run_test(size=SIZE) as pilot:
        await app.load_fleet()
        screen, results = await open_wall(app, pilot, interval=0.05)
        await wait_until(pilot, lambda: len(screen.tiles) > 5)
        columns = screen.columns
        assert columns >= 2
        await pilot.press("right", "down", "left", "right")
        expected = screen.tiles[1 + columns].computer.id
        assert screen.focused_id == expected
        await pilot.press("enter")
        await pilot.pause()
        assert results == [expected]
        assert not isinstance(app.screen, WallScreen)


async def test_wall_escape_closes_with_nothing(sim: SimServer) -> None:
    app = HostApp(sim.base_url)
    async with app.run_test(size=SIZE) as pilot:
        # app.fleet is empty here: the wall lists the computers itself
        screen, results = await open_wall(app, pilot, interval=0.05)
        await wait_until(pilot, lambda: bool(screen.tiles))
        await pilot.press("escape")
        await pilot.pause()
        assert results == [None]
        # closing stops the rotation: no more requests arrive
        # first the positive: the screen is gone and its rotation worker has ended ...
        await wait_until(
            pilot,
            lambda: (
                not screen.is_attached
                and not any(w.group == "wall-rotation" and not w.is_finished for w in app.workers)
            ),
        )
        reset_log(sim.root_url)
        await pilot.pause(0.3)  # ... then the negative: several 0.05 s intervals, no request
        assert screenshot_requests(sim.root_url) == []


async def test_wall_caps_tiles_for_a_huge_fleet(sim: SimServer) -> None:
    app = HostApp(sim.base_url)
    async with app.run_test(size=SIZE) as pilot:
        huge = [
            Computer(f"comp_{i:05d}", f"desk-{i:05d}", "running" if i % 3 else "stopped")
            for i in range(10_000)
        ]
        app.fleet.apply(huge)
        screen, _ = await open_wall(app, pilot, interval=0.5)
        await wait_until(pilot, lambda: bool(screen.tiles))
        running = [c for c in huge if c.is_running]
        assert len(screen.tiles) == 24
        assert [t.computer.name for t in screen.tiles] == sorted(c.name for c in running)[:24]
        more = str(screen.query_one("#wall-more", Static).render())
        assert more.startswith(f"+{len(running) - 24} more running")
        assert len(screen.query(WallTile)) == 24


def test_running_by_name_skips_other_statuses() -> None:
    computers = [
        Computer("a", "zeta", "running"),
        Computer("b", "Alpha", "running"),
        Computer("c", "beta", "stopped"),
        Computer("d", "gamma", "starting"),
    ]
    shown, more = running_by_name(computers, 1)
    assert [c.id for c in shown] == ["b"] and more == 1


async def test_tile_of_a_computer_that_stopped_says_why(sim: SimServer) -> None:
    app = HostApp(sim.base_url)
    async with app.run_test(size=SIZE) as pilot:
        await app.load_fleet()  # the app still believes every one of them is running
        screen, _ = await open_wall(app, pilot, interval=0.02)
        await wait_until(pilot, lambda: bool(screen.tiles))
        victim = screen.tiles[0]
        httpx.post(
            f"{sim.root_url}/_sim/computers/{victim.computer.id}/status", json={"status": "stopped"}
        ).raise_for_status()
        done = len(screen.fetches)
        await wait_until(pilot, lambda: len(screen.fetches) >= done + len(screen.tiles) + 1)
        note = str(victim.query_one(".wall-note", Static).render())
        assert note.startswith("no picture:") and "HTTP 409" in note
        assert app.is_running and screen.max_in_flight == 1
