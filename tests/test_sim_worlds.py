"""Each start of the embedded simulator is a fleet of its own, and its history is kept apart.

Every start deals the same seeded ids, so when its rows shared one scope ("simulator"), a second
demo showed the first one's actions as its computers' past, in the journal pane and in the
timelines, and an action that failed there made a problem here. The rows are now kept by world
(`Backend.world`, named when the simulator starts); `journal --demo` reads the last world.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from ui_helpers import SIZE, loaded, screen_text, wait_for

from miosa_tui import backend as backend_module
from miosa_tui import cli
from miosa_tui.backend import open_backend
from miosa_tui.config import load_config
from miosa_tui.fleet.history import SIMULATOR_SCOPE, History, HistoryEvent
from miosa_tui.sim.config import SimConfig
from miosa_tui.ui.app import MiosaApp

SMALL = SimConfig(fleet=12, seed=7, speed=50, width=320, height=200)


def row(scope: str, target: str, action: str, outcome: str, request: str, minutes: int) -> None:
    """One action row in the history, `minutes` ago."""
    history = History.open()
    history.write(
        [
            HistoryEvent(
                datetime.now(UTC) - timedelta(minutes=minutes),
                "action",
                target,
                target,
                action,
                outcome,
                message=f"{action}: {outcome}",
                request_id=request,
                source="cli",
                scope=scope,
            )
        ]
    )
    history.close()


async def command(*args: str) -> int:
    """`miosa-tui ARGS` as the shell runs it (its own event loop: on a thread here)."""
    return await asyncio.to_thread(cli.main, list(args))


def test_each_start_of_the_simulator_is_a_world_of_its_own(tmp_path: Path) -> None:
    config = load_config(environ={}, path=tmp_path / "none.toml")
    first = open_backend(config, demo=True, sim_config=SMALL)
    second = open_backend(config, demo=True, sim_config=SMALL)
    try:
        scopes = {first.history_scope, second.history_scope}
    finally:
        first.close()
        second.close()
    assert len(scopes) == 2
    assert all(scope.startswith(f"{SIMULATOR_SCOPE}/") for scope in scopes)
    real = load_config(environ={"MIOSA_API_KEY": "msk_live_0123456789"}, path=tmp_path / "x.toml")
    assert open_backend(real, demo=False).history_scope == "api.miosa.ai"


def test_the_last_world_is_the_simulators_newest_row() -> None:
    row("simulator/20261201T080000Z-aaaaaa", "comp_a", "stop", "ok", "req_1", minutes=30)
    row("simulator/20261201T090000Z-bbbbbb", "comp_a", "stop", "ok", "req_2", minutes=20)
    row("api.miosa.ai", "comp_a", "stop", "ok", "req_3", minutes=10)  # newer, not simulated
    row("simulator-lab:8080", "comp_a", "stop", "ok", "req_4", minutes=5)  # a host, not a world
    history = History.open()
    try:
        assert history.latest_world() == "simulator/20261201T090000Z-bbbbbb"
        row(SIMULATOR_SCOPE, "comp_a", "stop", "ok", "req_5", minutes=1)  # before worlds
        assert history.latest_world() == SIMULATOR_SCOPE
    finally:
        history.close()


def test_no_simulated_row_means_no_history(capsys: pytest.CaptureFixture[str]) -> None:
    row("api.miosa.ai", "comp_a", "stop", "ok", "req_1", minutes=1)
    assert cli.main(["journal", "--demo"]) == 0
    assert capsys.readouterr().out.strip() == "No history."


async def test_a_second_demo_never_shows_what_the_first_one_did(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A first run: a command on a throwaway simulated fleet, refused there.
    assert await command("ls", "--demo", "--json") == 0
    listed = json.loads(capsys.readouterr().out)
    running = [c["id"] for c in listed if c["status"] == "running"]
    refused, unsure = running[0], running[1]
    assert await command("--demo", "start", refused) == 1
    capsys.readouterr()
    assert await command("journal", "--demo") == 0
    assert f"({refused})  start refused" in capsys.readouterr().out  # that run's own world
    earlier = History.open()
    first_world = earlier.latest_world()
    earlier.close()
    assert first_world is not None and first_world.startswith(f"{SIMULATOR_SCOPE}/")
    # In that same first world a restart's outcome was never known: a problem, there.
    row(first_world, unsure, "restart", "unknown outcome", "req_first_world", minutes=2)
    # The next start is named "next"; one row was recorded in it before the dashboard opened.
    monkeypatch.setattr(backend_module, "new_world", lambda: "next")
    row(f"{SIMULATOR_SCOPE}/next", running[2], "stop", "ok", "req_this_world", minutes=0)

    config = load_config(environ={}, path=tmp_path / "none.toml")
    app = MiosaApp(backend=open_backend(config, demo=True, sim_config=SMALL), config=config)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await loaded(pilot, app)
            await pilot.press("j")
            await wait_for(pilot, lambda: "req_this_world" in screen_text(app), "this world's row")
            shown = screen_text(app)
            assert "refused" not in shown and "req_first_world" not in shown
            assert unsure not in app.triage.problems
    finally:
        app.backend.close()
    assert await command("journal", "--demo") == 0
    out = capsys.readouterr().out
    assert "req_this_world" in out and "refused" not in out
    assert await command("journal", "--demo", "--all-scopes") == 0
    assert "refused" in capsys.readouterr().out  # still kept, with its own scope
