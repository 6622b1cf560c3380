"""The dashboard end to end: keys in, what the screen shows and what the simulator received out.

Every test drives the real MiosaApp against a real simulator (speed 50, so a start takes tenths
of a second) with a short poll interval, and waits by pumping the event loop until the screen
or the simulator reaches the expected state. No test asserts on how long anything took.
"""

from __future__ import annotations

import inspect
import random
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from textual.command import CommandPalette
from textual.widgets import Button, Input, OptionList, Select
from textual.worker import Worker, WorkerState
from ui_helpers import (
    API_KEY,
    SIZE,
    SMALL_DESKTOPS,
    Sim,
    burst,
    cell,
    count_fetches,
    first_with,
    header_text,
    highlight,
    highlight_first,
    highlighted,
    loaded,
    loaded_app,
    make_app,
    open_screen,
    pump,
    row_ids,
    screen_text,
    shortest_named,
    table,
    table_text,
    type_text,
    wait_for,
)

from miosa_tui.sim.server import SimServer
from miosa_tui.ui.action_flow import PendingShown
from miosa_tui.ui.app import MiosaApp
from miosa_tui.ui.commands import ACTIONS, ComputerCommands
from miosa_tui.ui.screens.confirm import ConfirmActionDialog
from miosa_tui.ui.screens.dashboard import DashboardScreen
from miosa_tui.ui.screens.forms import (
    CloneDialog,
    CreateDialog,
    MoveDialog,
    PathDialog,
    ResizeDialog,
)
from miosa_tui.ui.screens.help import HelpScreen
from miosa_tui.ui.widgets.journal_pane import JournalPane

STREAM_TOKEN = "POST /computers/{id}/stream-token"


SIM_OPTIONS = SMALL_DESKTOPS


def journal_lines(app: object) -> list[str]:
    pane = app.dashboard.query_one(JournalPane)  # type: ignore[attr-defined]
    return [strip.text for strip in pane.lines]


# -- single actions ----------------------------------------------------------------------------


async def two_polls(pilot: Any, app: MiosaApp) -> None:
    """Wait for two more polls to finish. The first may have been in flight already; the second
    began after everything sent before this call was handled, so a "nothing was sent" check
    after it follows proof that the app went on working, not a guess about time."""
    poller = app.dashboard.poller
    assert poller is not None
    done = poller.polls
    await wait_for(pilot, lambda: poller.polls >= done + 2, "two more polls")


async def test_the_dashboard_is_the_bottom_screen_and_a_resize_redraws_it(
    sim: SimServer, tmp_path: Path
) -> None:
    """No blank screen under the dashboard (it was pushed over Textual's default one, which was
    styled, laid out and painted first, and again on every resize); help opens over it and
    closes back to it, and a resize lays the dashboard out at the new size."""
    from miosa_tui.ui.screens.help import HelpScreen

    async with loaded_app(sim, tmp_path) as (app, pilot):
        assert app.screen_stack == [app.dashboard]
        await open_screen(pilot, app, "question_mark", HelpScreen, "help")
        assert app.screen_stack[0] is app.dashboard and len(app.screen_stack) == 2
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is app.dashboard, "help to close")
        assert app.screen_stack == [app.dashboard]
        await pilot.resize_terminal(100, 30)
        await wait_for(pilot, lambda: app.dashboard.size == (100, 30), "the resize")
        await wait_for(pilot, lambda: app.dashboard.has_class("-narrow"), "the narrow layout")
        first = cell(app, row_ids(app)[0], "name")
        assert first in screen_text(app), first


async def test_start_sends_one_request_and_the_row_follows(
    sim: SimServer, ctl: Sim, tmp_path: Path
) -> None:
    async with loaded_app(sim, tmp_path) as (app, pilot):
        target = await highlight_first(pilot, app, "stopped")
        ctl.reset()
        await pilot.press("s")
        await wait_for(pilot, lambda: ctl.status(target) == "running", "the sim to run it")
        await wait_for(pilot, lambda: cell(app, target, "status").endswith("running"), "the row")
        assert "→" not in cell(app, target, "status")  # the pending overlay is gone
        assert highlighted(app) == target
        assert len(ctl.sent("POST", "/start")) == 1
        assert ctl.sent("POST", "/start", target)
        assert ctl.mutating() == ["POST /computers/{id}/start x1"]


async def test_stop_asks_first_with_cancel_focused(
    sim: SimServer, ctl: Sim, tmp_path: Path
) -> None:
    async with loaded_app(sim, tmp_path) as (app, pilot):
        target = first_with(app, "running")
        name = app.fleet.computers[target].name
        await highlight(pilot, app, target)
        ctl.reset()
        await open_screen(pilot, app, "S", ConfirmActionDialog, "the dialog")
        assert app.focused is not None and app.focused.id == "cancel"
        text = screen_text(app)
        assert f"Stop {name}?" in text
        assert "Open sessions are disconnected" in text
        assert ctl.mutating() == []  # nothing is sent before the answer
        await pilot.press("tab")
        assert app.focused is not None and app.focused.id == "confirm"
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: isinstance(app.screen, DashboardScreen), "the dialog to close"
        )
        await wait_for(pilot, lambda: ctl.status(target) == "stopped", "the sim to stop it")
        await wait_for(pilot, lambda: cell(app, target, "status").endswith("stopped"), "the row")
        assert [r["path"] for r in ctl.sent("POST", "/stop")] == [
            f"/api/v1/computers/{target}/stop"
        ]
        assert ctl.mutating() == ["POST /computers/{id}/stop x1"]


async def test_restart_confirmed_with_y(sim: SimServer, ctl: Sim, tmp_path: Path) -> None:
    async with loaded_app(sim, tmp_path) as (app, pilot):
        target = await highlight_first(pilot, app, "running")
        ctl.reset()
        await open_screen(pilot, app, "r", ConfirmActionDialog, "the dialog")
        await pilot.press("y")
        await wait_for(pilot, lambda: ctl.sent("POST", "/restart", target), "the restart request")
        # restart goes through stopping/starting and back to running; the row ends there too
        await wait_for(pilot, lambda: ctl.status(target) == "running", "the sim to run it again")
        await wait_for(
            pilot,
            lambda: (
                cell(app, target, "status").endswith("running") and target not in app.fleet.pending
            ),
            "the row to settle",
        )
        assert ctl.mutating() == ["POST /computers/{id}/restart x1"]
        assert highlighted(app) == target


async def test_destroy_needs_the_typed_name(sim: SimServer, ctl: Sim, tmp_path: Path) -> None:
    async with loaded_app(sim, tmp_path) as (app, pilot):
        target = shortest_named(app, "running")  # fewer keys to type
        name = app.fleet.computers[target].name
        await highlight(pilot, app, target)
        ctl.reset()
        await open_screen(pilot, app, "d", ConfirmActionDialog, "the dialog")
        dialog = app.screen
        assert f"Type {name} to confirm" in screen_text(app)
        assert dialog.query_one("#confirm", Button).disabled
        assert app.focused is dialog.query_one("#typed", Input)  # opens in the name field
        await pilot.press("y")  # a letter of the name, not a confirmation: the dialog stays
        await wait_for(pilot, lambda: dialog.query_one("#typed", Input).value == "y", "typed")
        assert app.screen is dialog
        await pilot.press("backspace")
        await pilot.click("#typed")
        await type_text(pilot, name[:-1])
        assert dialog.query_one("#confirm", Button).disabled  # almost is not enough
        await pilot.press(name[-1])
        assert not dialog.query_one("#confirm", Button).disabled
        assert ctl.mutating() == []
        await pilot.press("enter")
        await wait_for(pilot, lambda: ctl.computer(target) is None, "the sim to 404 it")
        await wait_for(pilot, lambda: target not in row_ids(app), "the row to disappear")
        assert table(app).row_count == 11
        assert len(ctl.sent("DELETE", computer_id=target)) == 1
        assert ctl.mutating() == ["DELETE /computers/{id} x1"]


async def test_destroy_cancelled_sends_nothing(sim: SimServer, ctl: Sim, tmp_path: Path) -> None:
    async with loaded_app(sim, tmp_path) as (app, pilot):
        target = first_with(app, "running")
        stopped = first_with(app, "stopped")
        ctl.reset()
        # A stopped one (no typing): escape, enter on the focused Cancel button, and the printed
        # "n" all cancel. A running one opens in the name field: Enter there refuses, "n" is a
        # letter of the name; escape cancels.
        cases = [(stopped, keys) for keys in (("escape",), ("enter",), ("n",))]
        cases += [(target, ("enter", "n", "escape"))]
        for cid, keys in cases:
            await highlight(pilot, app, cid)
            await open_screen(pilot, app, "d", ConfirmActionDialog, "dialog")
            await pilot.press(*keys)
            await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen), "it to close")
        await two_polls(pilot, app)
        assert ctl.sent("DELETE") == []
        assert ctl.mutating() == []
        assert ctl.status(target) == "running"
        assert ctl.status(stopped) == "stopped"
        assert target in row_ids(app) and stopped in row_ids(app)
        assert highlighted(app) == target


# -- forms -------------------------------------------------------------------------------------


async def test_clone_with_the_default_name(sim: SimServer, ctl: Sim, tmp_path: Path) -> None:
    async with loaded_app(sim, tmp_path) as (app, pilot):
        source = first_with(app, "running")
        name = app.fleet.computers[source].name
        await highlight(pilot, app, source)
        ctl.reset()
        await open_screen(pilot, app, "c", CloneDialog, "the clone dialog")
        box = app.screen.query_one("#name", Input)
        assert box.value == f"{name}-clone"
        assert app.focused is box
        await pilot.press("enter")
        await wait_for(pilot, lambda: f"{name}-clone" in ctl.names(), "the sim to have the clone")
        clone_id = ctl.names()[f"{name}-clone"]
        await wait_for(pilot, lambda: clone_id in row_ids(app), "the clone's row")
        assert cell(app, clone_id, "name") == f"{name}-clone"
        await wait_for(pilot, lambda: cell(app, clone_id, "status").endswith("running"), "boot")
        [request] = ctl.sent("POST", "/clone")
        assert request["path"] == f"/api/v1/computers/{source}/clone"
        assert request["json"]["name"] == f"{name}-clone"
        assert ctl.mutating() == ["POST /computers/{id}/clone x1"]


async def test_clone_refuses_a_bad_name(sim: SimServer, ctl: Sim, tmp_path: Path) -> None:
    async with loaded_app(sim, tmp_path) as (app, pilot):
        ctl.reset()
        await open_screen(pilot, app, "c", CloneDialog, "the clone dialog")
        dialog = app.screen
        await pilot.press("home", "ctrl+k")
        await type_text(pilot, "Bad Name!")
        assert dialog.query_one("#name", Input).value == "Bad Name!"
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: "Name must start with a lowercase letter." in screen_text(app),
            "the refusal",
        )
        assert app.screen is dialog  # refused: still open
        await open_screen(pilot, app, "escape", DashboardScreen, "it to close")
        await two_polls(pilot, app)
        assert ctl.mutating() == []
        assert table(app).row_count == 12


async def choose(pilot: object, app: object, steps: int) -> str:
    """Move the choice list `steps` down and return the option that is then highlighted."""
    options = app.screen.query_one(OptionList)  # type: ignore[attr-defined]
    assert app.focused is options  # type: ignore[attr-defined]
    for _ in range(steps):
        await pilot.press("down")  # type: ignore[attr-defined]
    option = options.highlighted_option
    assert option is not None and option.id is not None
    return option.id


@pytest.mark.parametrize(
    ("key", "dialog", "field", "steps"),
    [("m", MoveDialog, "region", 1), ("z", ResizeDialog, "size", 2)],
    ids=["move", "resize"],
)
async def test_move_or_resize_a_stopped_computer(
    sim: SimServer, ctl: Sim, tmp_path: Path, key: str, dialog: type, field: str, steps: int
) -> None:
    """The form opens on the current value; the choice is confirmed before one request goes."""
    verb = {"region": "move", "size": "resize"}[field]
    async with loaded_app(sim, tmp_path) as (app, pilot):
        target = first_with(app, "stopped")
        before = getattr(app.fleet.computers[target], field)
        await highlight(pilot, app, target)
        ctl.reset()
        await pilot.press(key)
        await wait_for(pilot, lambda: isinstance(app.screen, dialog), f"the {verb} dialog")
        assert f"Current {field}: {before}" in screen_text(app)
        chosen = await choose(pilot, app, steps)
        assert chosen != before
        await open_screen(pilot, app, "enter", ConfirmActionDialog, "confirm")
        name = app.fleet.computers[target].name
        assert f"{verb.capitalize()} {name} from {before} to {chosen}?" in screen_text(app)
        assert ctl.mutating() == []  # nothing is sent before the answer
        await pilot.press("y")
        await wait_for(pilot, lambda: (ctl.computer(target) or {}).get(field) == chosen, verb)
        await wait_for(pilot, lambda: cell(app, target, field) == chosen, f"the {field} cell")
        assert ctl.status(target) == "stopped"
        [request] = ctl.sent("POST", f"/{verb}") + ctl.sent("PATCH", f"/{verb}")
        assert request["json"][field] == chosen
        assert len(ctl.mutating()) == 1


async def test_create_from_the_form(sim: SimServer, ctl: Sim, tmp_path: Path) -> None:
    async with loaded_app(sim, tmp_path) as (app, pilot):
        ctl.reset()
        await open_screen(pilot, app, "n", CreateDialog, "the create dialog")
        dialog = app.screen
        await type_text(pilot, "lab-new")
        # each Select: open it, move down, pick; then on to the next field
        for select_id, steps in (("size", 1), ("region", 1), ("template", 1)):
            await pilot.press("tab")
            assert app.focused is dialog.query_one(f"#{select_id}", Select)
            await pilot.press("enter", *["down"] * steps, "enter")
            await wait_for(pilot, lambda: app.screen is dialog, "the menu to close")
        values = {
            k: dialog.query_one(f"#{k}", Select).value for k in ("size", "region", "template")
        }
        assert values == {"size": "medium", "region": "us-nyc", "template": "miosa-sandbox"}
        await pilot.press("tab", "tab")  # Cancel, then Create
        assert app.focused is dialog.query_one("#ok", Button)
        await pilot.press("enter")
        await wait_for(pilot, lambda: "lab-new" in ctl.names(), "the sim to have it")
        new_id = ctl.names()["lab-new"]
        state = ctl.computer(new_id) or {}
        assert (state["size"], state["region"], state["template_type"]) == (
            "medium",
            "us-nyc",
            "miosa-sandbox",
        )
        await wait_for(pilot, lambda: new_id in row_ids(app), "its row")
        assert cell(app, new_id, "name") == "lab-new"
        assert ctl.mutating() == ["POST /computers x1"]


# -- bulk, filter, sort, pause -----------------------------------------------------------------


async def test_bulk_stop_skips_the_stopped_one(sim: SimServer, ctl: Sim, tmp_path: Path) -> None:
    async with loaded_app(sim, tmp_path) as (app, pilot):
        first = first_with(app, "running")
        second = first_with(app, "running", skip=[first])
        stopped = first_with(app, "stopped")
        await pilot.press("p")  # no poll while marking: the header must follow the marks itself
        for count, cid in enumerate((first, second, stopped), start=1):
            await highlight(pilot, app, cid)
            await pilot.press("space")
            assert cell(app, cid, "mark") == "●"
            assert f"{count} marked" in header_text(app)
        await pilot.press("p")
        ctl.reset()
        await open_screen(pilot, app, "S", ConfirmActionDialog, "the dialog")
        text = screen_text(app)
        assert "2 will stop, 1 skipped: already stopped" in text
        assert "Stop 2 computers?" in text
        for cid in (first, second, stopped):
            assert app.fleet.computers[cid].name in text  # every target listed, the skip too
        assert "skipped: already stopped" in text
        await pilot.press("y")
        await wait_for(
            pilot,
            lambda: ctl.status(first) == "stopped" and ctl.status(second) == "stopped",
            "both to stop",
        )
        await wait_for(
            pilot,
            lambda: all(cell(app, c, "status").endswith("stopped") for c in (first, second)),
            "the rows",
        )
        paths = sorted(r["path"] for r in ctl.sent("POST", "/stop"))
        assert paths == sorted(f"/api/v1/computers/{c}/stop" for c in (first, second))
        assert ctl.mutating() == ["POST /computers/{id}/stop x2"]
        assert table(app).marked == set()  # marks are cleared once the action runs
        assert "marked" not in header_text(app)


async def test_filter_by_status_and_escape_clears(sim: SimServer, tmp_path: Path) -> None:
    async with loaded_app(sim, tmp_path, poll_interval=1.0) as (app, pilot):
        stopped = {c.id for c in app.fleet.computers.values() if c.status == "stopped"}
        assert 0 < len(stopped) < 12
        await pilot.press("slash")
        box = app.dashboard.query_one("#filter-input", Input)
        assert box.display and app.focused is box
        await type_text(pilot, "status:stopped")
        await wait_for(pilot, lambda: set(row_ids(app)) == stopped, "only stopped rows")
        assert f"filter 'status:stopped' {len(stopped)}/12" in header_text(app)
        shown = table_text(app)
        for c in app.fleet.computers.values():
            assert (f" {c.name} " in shown) == (c.id in stopped), c.name
        await pilot.press("escape")
        await wait_for(pilot, lambda: table(app).row_count == 12, "every row back")
        assert not box.display
        assert app.focused is table(app)
        assert "filter" not in header_text(app)


async def test_escape_on_the_table_clears_the_marks_then_the_filter(
    sim: SimServer, tmp_path: Path
) -> None:
    """After `enter` the filter stays and the table has the focus: escape there cleared the
    marks and nothing else, so the filter could only be cleared from its box again. One layer
    at a time now, as in k9s: the marks, then the filter (typed or `!`)."""
    async with loaded_app(sim, tmp_path, poll_interval=1.0) as (app, pilot):
        stopped = {c.id for c in app.fleet.computers.values() if c.status == "stopped"}
        await pilot.press("slash")
        await type_text(pilot, "status:stopped")
        await pilot.press("enter")
        await wait_for(pilot, lambda: set(row_ids(app)) == stopped, "only stopped rows")
        assert app.focused is table(app)
        await pilot.press("space")
        await wait_for(pilot, lambda: "1 marked" in header_text(app), "one mark")
        await pilot.press("escape")
        await wait_for(pilot, lambda: "marked" not in header_text(app), "the mark cleared")
        assert set(row_ids(app)) == stopped and "filter 'status:stopped'" in header_text(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: table(app).row_count == 12, "every row back")
        assert "filter" not in header_text(app)
        assert not app.dashboard.query_one("#filter-input", Input).display
        await pilot.press("exclamation_mark")  # problems only: a filter with no box open
        await wait_for(pilot, lambda: "problem:any" in header_text(app), "problems only")
        await pilot.press("escape")
        await wait_for(pilot, lambda: "filter" not in header_text(app), "every computer again")
        assert table(app).row_count == 12


async def test_escape_is_a_binding_the_keymap_remaps(sim: SimServer, tmp_path: Path) -> None:
    """Escape is `table.back` in the keymap: remapped, the new key clears the filter and the old
    one no longer does (it was a `key_escape` method that no keymap or help could see)."""
    app = make_app(sim, tmp_path, poll_interval=1.0)
    app.config.keymap["table.back"] = "f2"
    app.set_keymap(app.config.keymap)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        await pilot.press("slash")
        box = app.dashboard.query_one("#filter-input", Input)
        await type_text(pilot, "status:stopped")
        await wait_for(pilot, lambda: table(app).row_count < 12, "the filter applied")
        await pilot.press("escape")
        await pump(pilot, 3)
        assert app.focused is box and box.value == "status:stopped"
        await pilot.press("f2")
        await wait_for(pilot, lambda: table(app).row_count == 12, "every row back")
        assert not box.display and app.focused is table(app)


async def test_action_flow_tells_the_dashboard_by_signals(sim: SimServer, tmp_path: Path) -> None:
    """ActionFlow never calls the dashboard: the marks used and the accepted request reach it
    (and anyone else subscribed) as `marks_used` and `pending_shown`, and it shows both."""
    app = make_app(sim, tmp_path, poll_interval=1.0)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        target = first_with(app, "stopped")
        await highlight(pilot, app, target)
        used: list[None] = []
        shown: list[PendingShown] = []
        app.actions.marks_used.subscribe(app, used.append)
        app.actions.pending_shown.subscribe(app, shown.append)
        await pilot.press("space")
        assert table(app).marked == {target}
        await pilot.press("s")
        await wait_for(pilot, lambda: shown, "the start accepted")
        assert used == [None]
        assert shown == [PendingShown(target)]
        await wait_for(pilot, lambda: not table(app).marked, "the marks cleared")


async def test_sort_by_name_keeps_the_highlight(sim: SimServer, tmp_path: Path) -> None:
    async with loaded_app(sim, tmp_path, poll_interval=1.0) as (app, pilot):
        api_order = row_ids(app)
        target = api_order[2]
        await highlight(pilot, app, target)

        def names() -> list[str]:
            return [app.fleet.computers[cid].name for cid in row_ids(app)]

        assert names() != sorted(names())  # so the sort has something to do
        await pilot.press("greater_than_sign")
        await wait_for(pilot, lambda: names() == sorted(names()), "rows ordered by name")
        assert "sort name ↑" in header_text(app)
        assert highlighted(app) == target
        assert table(app).cursor_row == row_ids(app).index(target)
        await pilot.press("equals_sign")
        await wait_for(pilot, lambda: names() == sorted(names(), reverse=True), "reversed")
        assert highlighted(app) == target
        await two_polls(pilot, app)  # a poll in between keeps the order and the highlight
        assert names() == sorted(names(), reverse=True) and highlighted(app) == target


async def test_pause_stops_polling_and_resume_restarts_it(
    sim: SimServer, ctl: Sim, tmp_path: Path
) -> None:
    async with loaded_app(sim, tmp_path, poll_interval=0.2) as (app, pilot):
        start = ctl.list_count()
        await wait_for(pilot, lambda: ctl.list_count() >= start + 2, "polling to run")
        poller = app.dashboard.poller
        assert poller is not None
        asked = count_fetches(app)  # the poll count each time the poller asks for a listing
        await pilot.press("p")
        assert "PAUSED" in header_text(app)
        assert "PAUSED" in screen_text(app)
        # The poller came round for its next listing after the pause (a request already on the
        # wire has finished: polls run one after another) and is held there.
        await wait_for(pilot, lambda: asked, "the poller asking while paused")
        held_at = asked[-1]
        paused_at = ctl.list_count()
        await pump(pilot, 20)  # several poll intervals
        assert ctl.list_count() == paused_at
        assert asked == [held_at] and poller.polls == held_at  # still held, nothing finished
        await pilot.press("p")
        assert "PAUSED" not in header_text(app)
        await wait_for(pilot, lambda: ctl.list_count() >= paused_at + 2, "polling to resume")


# -- read-only -----------------------------------------------------------------------------------


async def test_read_only_sends_nothing_that_changes_anything(
    sim: SimServer, ctl: Sim, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # "Export journal" may write its default file here
    monkeypatch.delenv("DISPLAY", raising=False)  # "open in browser" must not find one
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("BROWSER", raising=False)
    async with loaded_app(sim, tmp_path, read_only=True) as (app, pilot):
        assert "READ-ONLY" in header_text(app)
        footer = screen_text(app).splitlines()[-1]
        for label in ("Start", "Stop", "Destroy", "Clone", "New"):
            assert f" {label} " not in footer  # the keys are not offered
        stopped = first_with(app, "stopped")
        running = first_with(app, "running")
        ctl.reset()
        for target, keys in ((stopped, "srdcmzn"), (running, "Sr")):
            await highlight(pilot, app, target)
            for key in keys:
                await pilot.press(key)
                assert isinstance(app.screen, DashboardScreen), f"{key} opened {app.screen}"
        assert ctl.mutating() == []
        # every command the palette offers (it leaves the mutating ones out), and then the
        # mutating dashboard actions it hides, run directly
        commands = ComputerCommands(app.screen)._commands()
        titles = [title for title, _run, _help in commands if not title.startswith("Go to")]
        assert "Refresh now" in titles and "Destroy" not in titles
        hidden = [
            partial(app.run_action, action, app.dashboard)
            for _title, action, _help in ACTIONS
            if action.startswith("act(")
        ]
        for run in [cb for title, cb, _help in commands if title in titles] + hidden:
            result = run()
            if inspect.isawaitable(result):
                await result
            await pilot.pause()
            for _ in range(5):  # export / save / wall / region: leave them
                if isinstance(app.screen, DashboardScreen):
                    break
                await pilot.press("escape")
            assert isinstance(app.screen, DashboardScreen), app.screen
        # "Pause or resume refresh" left polling paused: ctrl+r polls once even so, and only
        # after every command above was handled
        poller = app.dashboard.poller
        assert poller is not None
        polls = poller.polls
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: poller.polls > polls, "the ctrl+r poll")
        # a stream token is a credential, not a change to any computer: allowed read-only
        assert [m for m in ctl.mutating() if not m.startswith(STREAM_TOKEN)] == []
        assert ctl.list_count() > 0  # it did keep reading
        # the palette does not even list them
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await type_text(pilot, "Destroy")

        def searched() -> bool:  # the search runs in a worker: typed, and that worker done
            palette = app.screen
            return (
                isinstance(palette, CommandPalette)
                and palette.query_one(Input).value == "Destroy"
                and all(
                    w.is_finished
                    for w in app.workers
                    if w.group == CommandPalette._GATHER_COMMANDS_GROUP
                )
            )

        await wait_for(pilot, searched, "the palette's search for Destroy")
        text = screen_text(app)
        assert "Destroy the marked" not in text
        assert "Destroy" in text  # the query itself is there: the palette did open and search
        await pilot.press("escape")


# -- live refresh ----------------------------------------------------------------------------------


async def test_status_changes_show_and_the_cursor_stays(
    sim: SimServer, ctl: Sim, tmp_path: Path
) -> None:
    async with loaded_app(sim, tmp_path, poll_interval=0.2) as (app, pilot):
        ids = row_ids(app)
        target = next(cid for cid in ids[2:] if app.fleet.computers[cid].status == "running")
        above = ids[0]
        await highlight(pilot, app, target)

        ctl.force_status(target, "stopped")
        await wait_for(pilot, lambda: cell(app, target, "status").endswith("stopped"), "stopped")
        assert highlighted(app) == target
        ctl.force_status(above, "error")
        await wait_for(pilot, lambda: cell(app, above, "status").endswith("error"), "error")
        assert highlighted(app) == target
        assert " error " in table_text(app).splitlines()[1 + row_ids(app).index(above)] + " "

        # sorted by status, a status change moves the row: the cursor moves with it
        await pilot.press("greater_than_sign", "greater_than_sign")
        assert "sort status" in header_text(app)
        row_before = row_ids(app).index(target)
        ctl.force_status(target, "error")
        await wait_for(pilot, lambda: cell(app, target, "status").endswith("error"), "error")
        assert row_ids(app).index(target) != row_before
        assert highlighted(app) == target
        assert table(app).cursor_row == row_ids(app).index(target)


# -- journal, help, palette ------------------------------------------------------------------------


async def test_journal_opened_late_shows_what_happened_before(
    sim: SimServer, tmp_path: Path
) -> None:
    """The pane is made on the first `j`: actions taken before then must be on it."""
    async with loaded_app(sim, tmp_path) as (app, pilot):
        target = await highlight_first(pilot, app, "stopped")
        await pilot.press("s")
        await wait_for(
            pilot,
            lambda: any(e.action == "start" and e.outcome == "ok" for e in app.journal.entries),
            "the start to finish",
        )
        await pilot.press("j")
        await wait_for(pilot, lambda: len(journal_lines(app)) >= 2, "the replayed lines")
        text = "\n".join(journal_lines(app))
        assert "start" in text and app.fleet.computers[target].name in text and " ok" in text


async def test_journal_records_and_exports_without_the_key(
    sim: SimServer, ctl: Sim, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(out)
    async with loaded_app(sim, tmp_path) as (app, pilot):
        assert not app.dashboard.query(JournalPane)  # made when first asked for
        await pilot.press("j")
        pane = app.dashboard.query_one(JournalPane)
        assert pane.display
        assert "Journal" in screen_text(app)
        target = first_with(app, "stopped")
        name = app.fleet.computers[target].name
        await highlight(pilot, app, target)
        await pilot.press("s")
        await wait_for(
            pilot,
            lambda: any(
                "start" in line and name in line and " ok" in line for line in journal_lines(app)
            ),
            "a journal line with the outcome",
        )
        await wait_for(pilot, lambda: "Now running" in "\n".join(journal_lines(app)), "settled")
        await open_screen(pilot, app, "J", PathDialog, "the export dialog")
        default = app.screen.query_one("#path", Input).value
        assert default.startswith("miosa-journal-") and default.endswith(".txt")
        await pilot.press("enter")
        await wait_for(pilot, lambda: (out / default).exists(), "the export file")
        assert isinstance(app.screen, DashboardScreen)
    text = (out / default).read_text()
    # The .txt offered is what is written: the text export (one line per entry), not JSON.
    assert text.startswith("# miosa-tui action journal (times in UTC)\n")
    assert "start" in text and name in text and target in text
    assert "Now running." in text
    assert API_KEY not in text
    assert "msk_" not in text  # not even a masked form of the key


async def test_help_lists_keys_by_area(sim: SimServer, tmp_path: Path) -> None:
    async with loaded_app(sim, tmp_path, poll_interval=1.0) as (app, pilot):
        await open_screen(pilot, app, "question_mark", HelpScreen, "the help screen")
        text = screen_text(app)
        for title in ("Keys", "Table", "Desktop", "Dialogs", "Filter syntax", "Marks"):
            assert title in text, title
        lines = text.splitlines()
        for key, what in (
            ("s", "Start"),
            ("S", "Stop"),
            ("d", "Destroy"),
            ("/", "Filter"),
            ("p", "Pause"),
            ("space", "Mark"),
            ("esc", "Clear filter, to table"),
        ):
            assert any(f" {key} " in line and f"  {what}" in line for line in lines), what
        await open_screen(pilot, app, "escape", DashboardScreen, "help to close")


async def test_palette_go_to_a_computer(sim: SimServer, tmp_path: Path) -> None:
    async with loaded_app(sim, tmp_path, poll_interval=1.0) as (app, pilot):
        first = highlighted(app)
        target = min(
            (cid for cid in row_ids(app) if cid != first),
            key=lambda cid: len(app.fleet.computers[cid].name),
        )
        name = app.fleet.computers[target].name
        await pilot.press("ctrl+p")
        await type_text(pilot, f"Go to {name}")
        # the search runs in a worker: wait for its hit instead of a fixed time
        await wait_for(pilot, lambda: f"Go to {name}" in screen_text(app), "the palette's hit")
        await pilot.press("enter")
        await wait_for(pilot, lambda: highlighted(app) == target, "the row to be highlighted")
        assert isinstance(app.screen, DashboardScreen)
        assert app.focused is table(app)


# -- robustness ------------------------------------------------------------------------------------

# No q / ctrl+q / ctrl+c: those quit on purpose.
# fmt: off
JUNK = [
    *"abcdefghijklmnoprstuvwxyzABCDEFGHIJKLMNOPRSTUVWXYZ0123456789!~[]é",
    "escape", "enter", "tab", "shift+tab", "space", "up", "down", "left", "right", "home",
    "end", "pageup", "pagedown", "backspace", "delete", "ctrl+p", "ctrl+r", "ctrl+a", "slash",
    "question_mark", "greater_than_sign", "less_than_sign", "equals_sign", "plus", "minus",
    "f1", "f5", "ctrl+x", "ctrl+v",
]
# fmt: on


async def test_junk_keys_crash_nothing(
    sim: SimServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # exports and saves land here
    monkeypatch.delenv("DISPLAY", raising=False)  # never open a real browser
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("BROWSER", raising=False)
    errors: list[object] = []
    finished: list[str] = []

    def hook(message: object) -> None:
        if isinstance(message, Worker.StateChanged):
            if message.state == WorkerState.ERROR:
                errors.append(message.worker.error)
            elif message.state == WorkerState.SUCCESS:
                finished.append(message.worker.name)

    app = make_app(sim, tmp_path)
    rng = random.Random(20261128)
    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        await loaded(pilot, app)
        for _ in range(5):
            await burst(pilot, *rng.choices(JUNK, k=25))
            await pump(pilot, 2)
            assert app.is_running
        for _ in range(10):  # close whatever is open
            if isinstance(app.screen, DashboardScreen):
                break
            await pilot.press("escape")
        assert app.is_running
        assert errors == []
        assert finished  # the hook does see workers end (screenshots, details, actions)
        assert app.dashboard.poller is not None and app.fleet.last_success is not None
    assert app.return_code in (None, 0)


async def test_a_long_name_is_cut_with_an_ellipsis(
    sim: SimServer, ctl: Sim, tmp_path: Path
) -> None:
    """A name wider than the NAME column ends in "…" (it was cut mid-word with no sign)."""
    target = next(iter(ctl.names().values()))
    long_name = "research-agent-with-a-rather-long-name-0042"
    ctl.rename(target, long_name)
    async with loaded_app(sim, tmp_path) as (app, pilot):
        await wait_for(pilot, lambda: target in table_text(app), "the row")
        line = next(line for line in table_text(app).splitlines() if target in line)
        shown = line.split(long_name[:10], 1)[1].split()[0]
        assert long_name not in line
        assert shown.endswith("…"), line
        assert long_name.startswith(long_name[:10] + shown[:-1]), line
