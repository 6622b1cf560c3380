"""Read-only mode, proven by the simulator's request counts.

Every key the dashboard binds (its own, the table's, the desktop pane's and the access panel's,
on a running and on a stopped computer, with and without marks) and every command-palette entry
(the dashboard's and the panes' PALETTE lists) is tried. Afterwards the simulator has received no
POST, PATCH, PUT or DELETE, with one documented exception: issuing a stream token
(POST /computers/{id}/stream-token) is allowed, because it creates a short-lived viewing
credential and changes no computer (CONTRACTS.md, "Read-only mode"). Reads keep working.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.binding import Binding
from ui_helpers import SIZE, Sim, burst, first_with, highlight, loaded, make_app, pump, wait_for

from miosa_tui.sim.server import SimServer
from miosa_tui.ui.commands import ACTIONS
from miosa_tui.ui.screens.dashboard import DashboardScreen
from miosa_tui.ui.widgets.access.panel import AccessPanel
from miosa_tui.ui.widgets.computer_table import ComputerTable
from miosa_tui.ui.widgets.desktop.pane import ScreenshotPane

ALLOWED = {"POST /computers/{id}/stream-token"}
NEVER = ("q", "ctrl+z", "ctrl+c")  # quit and suspend end the test, they send nothing anyway


def binding_keys(*classes: type) -> list[str]:
    keys: list[str] = []
    for cls in classes:
        for binding in getattr(cls, "BINDINGS", []):
            if isinstance(binding, Binding):
                for key in binding.key.split(","):
                    key = key.strip()
                    if key and key not in NEVER and key not in keys:
                        keys.append(key)
    return keys


def mutations(ctl: Sim) -> set[str]:
    return {entry.rsplit(" x", 1)[0] for entry in ctl.mutating()}


async def back_to_dashboard(pilot: object, app: object) -> None:
    """Close whatever the last key opened. If four escapes do not reach the dashboard the test
    stops here: the next keys would otherwise go to that screen, a sweep of the wrong keys."""
    for _ in range(4):
        if isinstance(app.screen, DashboardScreen):  # type: ignore[attr-defined]
            return
        await burst(pilot, "escape")  # type: ignore[arg-type]
    assert isinstance(app.screen, DashboardScreen), app.screen  # type: ignore[attr-defined]


async def test_no_key_and_no_palette_command_mutates(
    sim: SimServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the palette's "Save screenshot" writes here
    ctl = Sim(sim)
    app = make_app(sim, tmp_path, poll_interval=0.5, read_only=True)
    keys = binding_keys(DashboardScreen, ComputerTable, ScreenshotPane, AccessPanel)
    assert {"s", "S", "r", "d", "c", "m", "z", "n", "t"} <= set(keys)
    try:
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await loaded(pilot, app)
            ctl.reset()
            for status, mark_modes in (("running", ((), ("ctrl+a",))), ("stopped", ((),))):
                await highlight(pilot, app, first_with(app, status))
                await pump(pilot, 4)
                for marks in mark_modes:
                    await burst(pilot, *marks)
                    for key in keys:
                        await burst(pilot, key)
                        await back_to_dashboard(pilot, app)
                        app.dashboard.action_focus_table()
                    await burst(pilot, "escape")  # clear marks
                # and the same keys with focus in the access panel (its own bindings)
                await burst(pilot, "a")
                for key in binding_keys(AccessPanel):
                    await burst(pilot, key)
                    await back_to_dashboard(pilot, app)
                app.dashboard.action_focus_table()
            # every palette command, run the way the palette runs it (`run_action` returns when
            # the action does: every action here is a plain method that returns None, so none
            # waits for the dialog it opens; the dialog is closed by back_to_dashboard)
            panes = list(app.dashboard.query("#desktop, #access"))
            for _title, action, _help in ACTIONS:
                await app.run_action(action, app.dashboard)
                await pump(pilot, 2)
                await back_to_dashboard(pilot, app)
            for pane in panes:
                for _title, action, _help in getattr(pane, "PALETTE", ()):
                    await app.run_action(action, pane)
                    await pump(pilot, 2)
                    await back_to_dashboard(pilot, app)
            # Proof the app handled all of the above before "nothing was sent" is read: ctrl+r
            # polls once (even while "Pause or resume refresh" has paused polling), after every
            # earlier key and command.
            poller = app.dashboard.poller
            assert poller is not None
            polls = poller.polls
            await pilot.press("ctrl+r")
            await wait_for(pilot, lambda: poller.polls > polls, "the ctrl+r poll")
            assert mutations(ctl) <= ALLOWED, ctl.mutating()
            assert ctl.list_count() > 0  # it kept reading
            assert app.is_running
    finally:
        ctl.close()


async def test_stream_tokens_are_the_allowed_exception(sim: SimServer, tmp_path: Path) -> None:
    ctl = Sim(sim)
    app = make_app(sim, tmp_path, poll_interval=3600, read_only=True)
    try:
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await loaded(pilot, app)
            await highlight(pilot, app, first_with(app, "running"))
            await pump(pilot, 6)
            ctl.reset()
            await pilot.press("a")
            await pilot.press("t")
            for _ in range(100):
                if mutations(ctl):
                    break
                await pump(pilot, 1)
            assert mutations(ctl) == ALLOWED
    finally:
        ctl.close()
