"""The heap is settled once the fleet is painted, and handed back when the app ends."""

from __future__ import annotations

import gc
from pathlib import Path

from ui_helpers import loaded_app

from miosa_tui.sim.server import SimServer
from miosa_tui.ui.heap import FULL_EVERY, HeapSettler


def test_settles_when_the_fleet_doubles_and_restores_on_release() -> None:
    before = gc.get_threshold()
    heap = HeapSettler()
    try:
        assert not heap.fleet_painted(0)  # nothing shown yet
        assert heap.fleet_painted(400)
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == (before[0], before[1], FULL_EVERY)
        assert not heap.fleet_painted(799)  # grown, but not doubled
        assert heap.fleet_painted(800)
        assert gc.get_threshold() == (before[0], before[1], FULL_EVERY)
    finally:
        heap.release()
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == before


async def test_the_dashboard_settles_after_its_first_poll_and_releases_on_exit(
    sim: SimServer, tmp_path: Path
) -> None:
    before = gc.get_threshold()
    async with loaded_app(sim, tmp_path) as (app, pilot):
        await pilot.pause()
        assert app.heap.settled_at == 12
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0  # nothing of the finished app stays frozen
    assert gc.get_threshold() == before
