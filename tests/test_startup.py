"""Start-up: the collector paused while the program starts (miosa_tui/startup_gc.py), and a
first listing that is already done painted in the dashboard's very first frame."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import OptionList
from ui_helpers import make_app, screen_text, table, wait_for

from miosa_tui.sim.server import SimServer
from miosa_tui.startup_gc import STARTUP, StartupPause
from miosa_tui.ui.app import MiosaApp
from miosa_tui.ui.screens.dashboard import DashboardScreen
from miosa_tui.ui.widgets.computer_table import ComputerTable


@pytest.fixture
def paused() -> Iterator[None]:
    """The collector paused as the program pauses it, and running again after the test
    whatever happens."""
    assert gc.isenabled()
    STARTUP.pause()
    try:
        yield
    finally:
        STARTUP.resume()
        gc.enable()


def test_resume_undoes_only_its_own_pause() -> None:
    pause = StartupPause()
    try:
        pause.resume()  # never paused: nothing
        assert gc.isenabled()
        pause.pause()
        assert not gc.isenabled() and pause.paused
        pause.resume()
        assert gc.isenabled() and not pause.paused
        gc.disable()  # someone else's choice
        pause.pause()
        assert not pause.paused
        pause.resume()
        assert not gc.isenabled()  # still theirs
    finally:
        gc.enable()


def test_the_program_imports_with_the_collector_paused_and_a_command_runs_with_it() -> None:
    """`miosa-tui ls`: the CLI's modules load with the collector paused; the command itself,
    and the rest of the process, have it back."""
    code = """
import builtins, gc, json, sys
seen = {}
real_import = builtins.__import__

def spy(name, *args, **kwargs):
    if name in ("miosa_tui.cli", "miosa_tui.cli.headless") and name not in seen:
        seen[name] = gc.isenabled()
    return real_import(name, *args, **kwargs)

builtins.__import__ = spy
sys.argv = ["miosa-tui", "ls", "--demo", "--json"]
from miosa_tui.__main__ import main
code = main()
print(json.dumps({"seen": seen, "after": gc.isenabled(), "code": code}))
"""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    *listing, last = done.stdout.strip().splitlines()
    result: dict[str, Any] = json.loads(last)
    assert result["code"] == 0
    assert len(json.loads("\n".join(listing))) == 12  # the demo fleet, listed
    assert result["seen"] == {"miosa_tui.cli": False, "miosa_tui.cli.headless": True}
    assert result["after"] is True


async def test_the_dashboard_resumes_the_collector_once_its_fleet_is_painted(
    sim: SimServer, tmp_path: Path, paused: None
) -> None:
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: app.heap.settled_at > 0, "the first fleet painted")
        assert table(app).row_count == 12
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0  # settled first: start-up's objects frozen
    assert gc.isenabled()


async def test_with_no_fleet_to_paint_the_collector_comes_back_after_the_grace(
    sim_factory: Any, tmp_path: Path, paused: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(MiosaApp, "START_UP_GRACE", 0.2)
    app = make_app(sim_factory(fleet=0), tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: app.fleet.last_success is not None, "the first poll")
        await wait_for(pilot, gc.isenabled, "the collector back")
        assert table(app).row_count == 0
        assert app.heap.settled_at == 0  # nothing to settle
    assert gc.isenabled()


async def test_a_listing_done_before_the_dashboard_is_in_its_first_frame(
    sim: SimServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`miosa-tui` starts the first listing before Textual is imported; on loopback it is done
    long before the dashboard's first paint. That paint has the rows: taking the answer must
    not wait a turn of the loop, behind an empty table painted first (bench_startup.py)."""
    drawn: list[int] = []
    render_lines = ComputerTable.render_lines

    def first_drawn(self: ComputerTable, crop: Any) -> Any:
        if not drawn:
            drawn.append(self.row_count)
        return render_lines(self, crop)

    monkeypatch.setattr(ComputerTable, "render_lines", first_drawn)
    app = make_app(sim, tmp_path, early_listing=True)
    assert app.client.start_listing().result(timeout=60)[0]  # done, before the app runs
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: drawn, "the table drawn")
        assert drawn == [12]


async def test_a_pane_key_pressed_before_the_side_panes_are_built_is_not_lost(
    sim: SimServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The side panes are built just after the first rows are painted. `a` (Access) pressed as
    soon as the rows show, before they exist, did nothing (found by tests/test_presentation.py
    on a pty once the rows came in the first frame); it now acts once they are built."""
    build = DashboardScreen._mount_side_panes
    held: list[DashboardScreen] = []
    monkeypatch.setattr(DashboardScreen, "_mount_side_panes", lambda self: held.append(self))
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: table(app).row_count and held, "rows, side panes due")
        await pilot.press("a")
        await pilot.pause()
        assert app.dashboard.side_panes is None and "preview:" not in screen_text(app)
        build(held[0])  # the side panes are built now
        await wait_for(pilot, lambda: "preview:" in screen_text(app), "the Access panel drawn")
        assert isinstance(app.focused, OptionList) and app.focused.id == "access-entries"
