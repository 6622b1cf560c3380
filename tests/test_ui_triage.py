"""Triage in the dashboard (ui/triage.py), driven with the Pilot against the simulator: the
problems bar, `!` and `problem:`, alerts written to the terminal only when enabled, the
history in the journal pane and under Details, `W`, `D` and the Markdown export."""

from __future__ import annotations

import errno
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual.widgets import Input, Static
from ui_helpers import (
    SIZE,
    Sim,
    burst,
    cell,
    drawn_toasts,
    first_with,
    highlight,
    highlighted,
    loaded,
    loaded_app,
    make_app,
    open_screen,
    row_ids,
    screen_text,
    static_text,
    type_text,
    wait_for,
)

from miosa_tui.fleet.history import History, HistoryEvent
from miosa_tui.sim.server import SimServer
from miosa_tui.ui.alerts import osc_text
from miosa_tui.ui.app import MiosaApp
from miosa_tui.ui.screens.describe import DescribeScreen, masked
from miosa_tui.ui.screens.dialogs import PathDialog
from miosa_tui.ui.widgets.triage_bar import TriageBar


def bar_text(app: MiosaApp) -> str:
    return static_text(app.dashboard.query_one("#triage-summary", Static))


def said(app: MiosaApp) -> str:
    """What the toasts on screen draw, as one text (run_test(notifications=True) draws them)."""
    return "\n".join(drawn_toasts(app))


def capture(app: MiosaApp) -> list[str]:
    """Everything the app writes to the terminal from now on."""
    driver = app._driver
    assert driver is not None
    written: list[str] = []
    original = driver.write

    def write(data: str) -> None:
        written.append(data)
        original(data)

    driver.write = write  # type: ignore[method-assign]  # a test spy on the driver
    return written


async def test_a_computer_entering_error_is_counted_alerted_and_filterable(
    sim: SimServer, ctl: Sim, tmp_path: Path
) -> None:
    async with loaded_app(sim, tmp_path, alerts="desktop", notifications=True) as (app, pilot):
        written = capture(app)
        before = set(app.triage.problems)
        target = first_with(app, "running", skip=before)
        name = app.fleet.computers[target].name
        ctl.force_status(target, "error")
        await wait_for(pilot, lambda: target in app.triage.problems, "the new problem")
        await wait_for(pilot, lambda: f"{name} is in error" in said(app), "the toast")
        count = len(before) + 1
        await wait_for(pilot, lambda: f"{count} problem" in bar_text(app), "the bar's count")
        sent = "".join(written)
        assert "\x07" in sent
        assert f"\x1b]9;miosa-tui: {name} is in error" in sent
        assert f"\x1b]777;notify;miosa-tui: {name} is in error;" in sent
        # `!` shows only the problems, and again shows everything
        await pilot.press("exclamation_mark")
        await wait_for(pilot, lambda: set(row_ids(app)) == set(app.triage.problems), "only them")
        assert target in row_ids(app)
        await pilot.press("exclamation_mark")
        await wait_for(pilot, lambda: len(row_ids(app)) == 12, "every computer again")
        # the filter language has it too
        await pilot.press("slash")
        await type_text(pilot, "problem:error")
        await wait_for(
            pilot,
            lambda: (
                row_ids(app) == [c for c in row_ids(app) if app.triage.kinds.get(c) == "error"]
                and target in row_ids(app)
            ),
            "problem:error",
        )
        # status changes reach the history as they are seen
        history = History.open()
        rows = history.events([target], kind="status")
        assert [(r.old_status, r.new_status, r.source) for r in rows][-1] == (
            "running",
            "error",
            "dashboard",
        )


async def test_the_problem_count_is_drawn_whole_at_120_columns(
    sim: SimServer, ctl: Sim, tmp_path: Path
) -> None:
    """At 120 columns the left column is ~60 cells: the trends give way, never the count (it
    was drawn as "⚠ 2" and the rest cut off behind the sparklines)."""
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot, app)
        target = first_with(app, "running", skip=app.triage.problems)
        ctl.force_status(target, "error")
        await wait_for(pilot, lambda: target in app.triage.problems, "the new problem")
        bar = app.dashboard.query_one(TriageBar)

        def drawn() -> str:
            region = bar.region
            return screen_text(app).splitlines()[region.y][region.x : region.right]

        def whole() -> bool:
            count = len(app.triage.problems)
            return f"⚠ {count} problem{'s' if count != 1 else ''} " in drawn()

        await wait_for(pilot, whole, "the whole problem count on the bar's line")


async def test_no_bell_and_no_desktop_notification_unless_the_setting_allows(
    sim: SimServer, ctl: Sim, tmp_path: Path
) -> None:
    app = make_app(sim, tmp_path)  # alerts = "toast", the default
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await loaded(pilot, app)
        written = capture(app)
        target = first_with(app, "running", skip=app.triage.problems)
        name = app.fleet.computers[target].name
        ctl.force_status(target, "error")
        await wait_for(pilot, lambda: f"{name} is in error" in said(app), "the toast")
        sent = "".join(written)
        assert "\x07" not in sent and "\x1b]9;" not in sent and "\x1b]777;" not in sent


def test_api_text_cannot_end_the_notification_sequence() -> None:
    assert osc_text("web\x07\x1b]0;pwned\x1b\\;x") == "web  ]0 pwned \\ x"


def earlier_action(
    target: str, name: str, action: str, outcome: str, message: str, request: str
) -> None:
    """An action a script (`source` cli) took on `target` 3 minutes ago, in the history that
    the next app opens; its request id is `req_earlier` + `request`."""
    history = History.open()
    history.write(
        [
            HistoryEvent(
                datetime.now(UTC) - timedelta(minutes=3),
                "action",
                target,
                name,
                action,
                outcome,
                message=message,
                request_id=f"req_earlier{request}",
                source="cli",
                scope="simulator",
            )
        ]
    )
    history.close()


async def test_the_journal_pane_and_details_show_what_earlier_sessions_did(
    sim: SimServer, tmp_path: Path
) -> None:
    async with loaded_app(sim, tmp_path) as (app, pilot):
        target = first_with(app, "running")
        name = app.fleet.computers[target].name
    # A script (or the previous on-call) acted on it meanwhile.
    earlier_action(target, name, "restart", "unknown outcome", "The connection dropped.", "01")
    app = make_app(sim, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        await wait_for(pilot, lambda: target in app.triage.problems, "the earlier problem")
        await pilot.press("j")
        await wait_for(pilot, lambda: "req_earlier01" in screen_text(app), "the pane")
        assert "restart" in screen_text(app) and "(cli)" in screen_text(app)
        await pilot.press("j")
        await highlight(pilot, app, target)
        timeline = app.dashboard.query_one("#timeline", Static)
        await wait_for(pilot, lambda: "req_earlier01" in static_text(timeline), "the timeline")
        text = static_text(timeline)
        assert "Problem: unknown outcome" in text and "The connection dropped." in text


async def test_the_timeline_reads_the_history_once_it_opens(
    sim: SimServer, ctl: Sim, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The history opens in a thread after start-up: a timeline read before that says
    "nothing recorded yet", and must show the history as soon as it is open, without the
    highlight moving and without a timer (the history posts a message when it is ready)."""
    app = make_app(sim, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        first = highlighted(app)
    assert first is not None
    earlier_action(first, "a name", "stop", "ok", "Stopped by the night shift.", "02")
    gate = threading.Event()
    real_open = History.open

    def open_when_let(*args: Any, **kwargs: Any) -> History:
        gate.wait(60)
        return real_open(*args, **kwargs)

    monkeypatch.setattr(History, "open", open_when_let)
    app = make_app(sim, tmp_path)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await loaded(pilot, app)
            timeline = app.dashboard.query_one("#timeline", Static)
            await wait_for(
                pilot,
                lambda: highlighted(app) == first and "nothing recorded" in static_text(timeline),
                "the timeline read before the history opened",
            )
            gate.set()
            await wait_for(
                pilot, lambda: "req_earlier02" in static_text(timeline), "the history shown"
            )
            assert highlighted(app) == first
            # a change this session records reaches the timeline once it is written
            ctl.force_status(first, "paused")
            await wait_for(pilot, lambda: "→ paused" in static_text(timeline), "the new row")
    finally:
        gate.set()


async def test_watch_describe_and_markdown_export(sim: SimServer, ctl: Sim, tmp_path: Path) -> None:
    async with loaded_app(sim, tmp_path, notifications=True) as (app, pilot):
        target = first_with(app, "stopped")
        name = app.fleet.computers[target].name
        await highlight(pilot, app, target)
        await pilot.press("W")
        await wait_for(pilot, lambda: f"Watching {name}" in said(app), "watching")
        ctl.force_status(target, "paused")
        # drawn with the arrow every other status change uses (the toast had "->")
        watched = f"Watched {name}: stopped → paused"
        await wait_for(pilot, lambda: watched in screen_text(app), "the change")
        await open_screen(pilot, app, "D", DescribeScreen, "describe")
        await wait_for(pilot, lambda: f'"id": "{target}"' in screen_text(app), "the JSON")
        assert '"status": "paused"' in screen_text(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, DescribeScreen), "closed")
        await open_screen(pilot, app, "J", PathDialog, "the export dialog")
        out = tmp_path / "incident.md"
        app.screen.query_one("#path", Input).value = str(out)
        await pilot.press("enter")
        await wait_for(pilot, out.exists, "the Markdown file")
        # the palette offers it too, with a Markdown file name
        await pilot.press("ctrl+p")
        await type_text(pilot, "incident timeline")
        await wait_for(pilot, lambda: "Export incident timeline" in screen_text(app), "the hit")
        await open_screen(pilot, app, "enter", PathDialog, "the palette's export")
        default = app.screen.query_one("#path", Input).value
        assert default.startswith("miosa-incident-") and default.endswith(".md")
        second = tmp_path / "second.md"
        app.screen.query_one("#path", Input).value = str(second)
        await pilot.press("enter")
        await wait_for(pilot, second.exists, "the second Markdown file")
        assert "stopped → paused" in second.read_text()
    text = out.read_text()
    assert text.startswith(f"# Incident timeline: {target.replace('_', chr(92) + '_')}")
    assert "stopped → paused" in text


async def test_a_failed_export_is_an_error_toast_with_the_reason(
    sim: SimServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The journal export (J) and the incident export (the palette) share one dialog-then-write
    step: a write that fails is an error toast naming the path and why, never a success toast."""

    def disk_full(*args: object, **kwargs: object) -> Path:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.chdir(tmp_path)  # short relative names: the toast does not wrap inside them
    async with loaded_app(sim, tmp_path, notifications=True) as (app, pilot):
        monkeypatch.setattr(app.journal, "export", disk_full)
        monkeypatch.setattr(app.triage, "export_markdown", disk_full)
        await open_screen(pilot, app, "J", PathDialog, "the export dialog")
        app.screen.query_one("#path", Input).value = "j.txt"
        await pilot.press("enter")
        failed = "Could not write j.txt: No space left on device"
        await wait_for(pilot, lambda: failed in said(app), "the journal export's error toast")
        await pilot.press("ctrl+p")
        await type_text(pilot, "incident timeline")
        await wait_for(pilot, lambda: "Export incident timeline" in screen_text(app), "the hit")
        await open_screen(pilot, app, "enter", PathDialog, "the palette's export")
        app.screen.query_one("#path", Input).value = "i.md"
        await pilot.press("enter")
        failed = "Could not write i.md: No space left on device"
        await wait_for(pilot, lambda: failed in said(app), "the incident export's error toast")
        assert "exported to" not in said(app) and "written to" not in said(app)
    assert not (tmp_path / "j.txt").exists() and not (tmp_path / "i.md").exists()


def test_describe_masks_secret_fields_and_known_secrets() -> None:
    raw = {
        "id": "c1",
        "vnc": {"password": "hunter22", "user": "u"},
        "stream_token": "tok",
        "note": "key msk_live_abc",
    }
    shown = masked(raw, lambda s: s.replace("msk_live_abc", "****"))
    assert shown["vnc"] == {"password": "••••••••", "user": "u"}
    assert shown["stream_token"] == "••••••••" and shown["note"] == "key ****"


async def test_a_corrupt_history_is_one_warning_and_the_dashboard_works(
    sim: SimServer, tmp_path: Path
) -> None:
    from miosa_tui.fleet.history import default_path

    path = default_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not a database" * 100)
    async with loaded_app(sim, tmp_path, notifications=True) as (app, pilot):
        await wait_for(pilot, lambda: "was damaged; it was kept as" in said(app), "warning")
        await burst(pilot, "down")
        assert len(row_ids(app)) == 12
    kept = [p for p in path.parent.iterdir() if ".corrupt-" in p.name and "-" in p.suffix]
    assert any(p.read_bytes() == b"not a database" * 100 for p in kept)


def stopped_clock(app: MiosaApp) -> list[float]:
    """Stop the attention marks' clock at now: `clock[0] += 31` moves it. It starts at the real
    clock, so a change stamped before it was stopped (a seeded computer finishing its boot in a
    poll after the first, as happens on a busy machine) expires with the others."""
    clock = [time.monotonic()]
    app.triage.monotonic = lambda: clock[0]
    return clock


async def test_a_row_whose_status_changed_is_marked_for_a_while(
    sim: SimServer, ctl: Sim, tmp_path: Path
) -> None:
    async with loaded_app(sim, tmp_path) as (app, pilot):
        clock = stopped_clock(app)
        target = first_with(app, "stopped")
        other = first_with(app, "stopped", skip=[target])
        assert cell(app, target, "mark") == " "
        ctl.force_status(target, "paused")
        await wait_for(pilot, lambda: cell(app, target, "mark") == "◆", "the attention mark")
        assert cell(app, other, "mark") == " "
        clock[0] += 31  # the moment passes: the next poll takes the mark away
        await wait_for(pilot, lambda: cell(app, target, "mark") == " ", "the mark gone")


async def test_a_mark_lasts_from_the_latest_change_whatever_changed_between(
    sim: SimServer, ctl: Sim, tmp_path: Path
) -> None:
    """A changes at 0 s, B at 10, A again at 20: at 41 B's moment has passed and A's
    has not. The marks are drawn from each row's latest stamp; a poll forgets the stamps that
    passed, read in the order of their latest change only as far as the first one still due,
    so B must be forgotten while A, changed before it and again after, is kept."""
    async with loaded_app(sim, tmp_path) as (app, pilot):
        clock = stopped_clock(app)
        start = clock[0]
        a = first_with(app, "stopped")
        b = first_with(app, "stopped", skip=[a])
        ctl.force_status(a, "paused")
        await wait_for(pilot, lambda: cell(app, a, "mark") == "◆", "A marked")
        clock[0] = start + 10
        ctl.force_status(b, "paused")
        await wait_for(pilot, lambda: cell(app, b, "mark") == "◆", "B marked")
        clock[0] = start + 20
        ctl.force_status(a, "stopped")
        await wait_for(pilot, lambda: app.fleet.computers[a].status == "stopped", "A's change")
        clock[0] = start + 41
        await wait_for(pilot, lambda: b not in app.triage.changed_at, "B's stamp forgotten")
        await wait_for(pilot, lambda: cell(app, b, "mark") == " ", "B's mark gone")
        assert cell(app, a, "mark") == "◆" and a in app.triage.changed_at
        clock[0] = start + 51
        await wait_for(pilot, lambda: cell(app, a, "mark") == " ", "A's mark gone")


async def test_history_locked_during_the_session_is_one_warning_and_nothing_breaks(
    sim: SimServer, ctl: Sim, tmp_path: Path
) -> None:
    import sqlite3

    from miosa_tui.fleet.history import default_path

    async with loaded_app(sim, tmp_path, notifications=True) as (app, pilot):
        await wait_for(pilot, lambda: app.triage.writer is not None, "the history open")
        history = app.triage.history
        assert history is not None
        history.set_busy_timeout(50)
        blocker = sqlite3.connect(default_path(), isolation_level=None)
        blocker.execute("BEGIN EXCLUSIVE")
        try:
            target = first_with(app, "stopped")
            ctl.force_status(target, "paused")  # its status row cannot be written
            await wait_for(pilot, lambda: "History is off for this session" in said(app), "it")
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        ctl.force_status(target, "stopped")
        await wait_for(pilot, lambda: app.fleet.computers[target].status == "stopped", "a poll")
        await pilot.press("j")  # the pane falls back to this session's journal
        await wait_for(pilot, lambda: app.dashboard.query("#journal"), "the pane")
        assert said(app).count("History is off for this session") == 1


async def test_a_refused_action_is_said_but_does_not_flag_the_computer(
    sim: SimServer, ctl: Sim, tmp_path: Path
) -> None:
    """The API answering 409 (start on a computer already starting) is a refusal, not a
    failure of the computer: a toast and a journal line say so, and no "action failed"."""
    # Steady polls only when asked (ctrl+r): the table keeps what it saw until then.
    async with loaded_app(sim, tmp_path, poll_interval=3600.0, notifications=True) as (app, pilot):
        target = first_with(app, "stopped", skip=app.triage.problems)
        name = app.fleet.computers[target].name
        await highlight(pilot, app, target)
        ctl.force_status(target, "starting")  # started elsewhere: the row still says stopped
        await pilot.press("s")
        await wait_for(pilot, lambda: f"Start {name} refused" in screen_text(app), "the toast")
        assert ctl.sent("POST", "/start", target), "the start reached the API"
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: "starting" in cell(app, target, "status"), "the new status")
        await pilot.press("j")
        await wait_for(pilot, lambda: f"{name} refused" in screen_text(app), "the journal line")
        assert "action failed" not in bar_text(app)
        assert "action failed" not in screen_text(app)
        assert target not in app.triage.problems


async def test_the_incident_export_lists_every_marked_computer_events_or_not(
    sim: SimServer, ctl: Sim, tmp_path: Path
) -> None:
    """A marked computer with nothing in the history used to be left out of the export: it has
    a summary row saying so."""
    async with loaded_app(sim, tmp_path, notifications=True) as (app, pilot):
        changed = first_with(app, "running", skip=app.triage.problems)
        quiet = first_with(app, "stopped", skip=app.triage.problems)
        quiet_name = app.fleet.computers[quiet].name
        for ident in (changed, quiet):
            await highlight(pilot, app, ident)
            await pilot.press("space")
        ctl.force_status(changed, "paused")
        await wait_for(pilot, lambda: "paused" in cell(app, changed, "status"), "the change")
        await open_screen(pilot, app, "J", PathDialog, "the export dialog")
        out = tmp_path / "incident.md"
        app.screen.query_one("#path", Input).value = str(out)
        await pilot.press("enter")
        await wait_for(pilot, out.exists, "the Markdown file")
        await wait_for(pilot, lambda: "Journal exported to" in screen_text(app), "the toast")
    text = out.read_text()
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert any(changed.replace("_", "\\_") in row and "paused" in row for row in rows), rows
    quiet_rows = [row for row in rows if quiet.replace("_", "\\_") in row]
    assert len(quiet_rows) == 1, f"{quiet} is not in the summary: {rows}"
    assert quiet_name.replace("_", "\\_") in quiet_rows[0]
    assert "no events recorded" in quiet_rows[0]


async def test_a_bulk_action_counts_refusals_apart_from_failures(
    sim: SimServer, ctl: Sim, tmp_path: Path
) -> None:
    app = make_app(sim, tmp_path, poll_interval=3600.0)  # the table keeps what it saw
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await loaded(pilot, app)
        stopped = [c for c in row_ids(app) if app.fleet.computers[c].status == "stopped"][:2]
        assert len(stopped) == 2
        for ident in stopped:
            await highlight(pilot, app, ident)
            await pilot.press("space")
        ctl.force_status(stopped[0], "starting")  # started elsewhere meanwhile
        await pilot.press("s")
        expected = "Started 1, 1 refused: see the journal (j)."
        await wait_for(pilot, lambda: expected in screen_text(app), expected)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: "starting" in cell(app, stopped[0], "status"), "the poll")
        assert stopped[0] not in app.triage.problems


async def test_a_poll_that_lands_before_the_bar_is_mounted_is_shown_once_it_is() -> None:
    """The first poll can land between the bar's mount() and its Mount: what it asked to show
    must not wait for the next poll (snapshot tests caught the bar empty in 4 runs of 9)."""
    from textual.app import App

    from miosa_tui.ui.widgets.trend import Trend
    from miosa_tui.ui.widgets.triage_bar import TriageBar

    bar = TriageBar(id="triage-bar")
    bar.show(Text("⚠ 1 problem"), [3.0, 4.0], [0.0, 1.0], 4.0)  # not even attached yet

    class Host(App[None]):
        def compose(self) -> Any:
            yield bar

    async with Host().run_test() as pilot:
        await pilot.pause()
        assert "⚠ 1 problem" in static_text(bar.query_one("#triage-summary", Static))
        assert bar.query_one("#trend-problems", Trend).points == (0.0, 1.0)
