"""The journal pane goes on as the history grows, in one format.

Opened, the pane shows the history's rows: actions and the status changes the dashboard saw,
each with its day and time. It went on with this session's journal entries only, drawn without
the day and without a single status change (those showed only when the pane was opened again).
"""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rich.text import Text
from textual.app import App, ComposeResult
from ui_helpers import SMALL_DESKTOPS, highlight_first, loaded_app, wait_for

from miosa_tui.fleet.history import History, HistoryEvent
from miosa_tui.sim.server import SimServer
from miosa_tui.ui.widgets.journal_pane import HistoryRecorded, JournalPane, JournalView

SIM_OPTIONS = SMALL_DESKTOPS
STAMP = re.compile(r"^\d\d-\d\d \d\d:\d\d:\d\d ")


def drawn_rows(pane: JournalPane) -> list[str]:
    """The pane's rows as drawn, a row wrapped over several lines joined again."""
    rows: list[str] = []
    for strip in pane.lines:
        if STAMP.match(strip.text) or not rows:
            rows.append(strip.text.rstrip())
        else:
            rows[-1] += " " + strip.text.strip()
    return rows


async def test_the_open_pane_goes_on_with_actions_and_status_changes_once_each(
    sim: SimServer, tmp_path: Path
) -> None:
    async with loaded_app(sim, tmp_path) as (app, pilot):
        await pilot.press("j")
        pane = app.dashboard.query_one(JournalPane)
        name = app.fleet.computers[await highlight_first(pilot, app, "stopped")].name
        await pilot.press("s")

        def started() -> bool:
            rows = [row for row in drawn_rows(pane) if name in row]
            return any(" ok " in row and "start" in row for row in rows) and any(
                "status" in row and "→ running" in row for row in rows
            )

        await wait_for(pilot, started, "the start's outcome and the status change, live")
        rows = drawn_rows(pane)
        assert all(STAMP.match(row) for row in rows), rows
        starts = [row for row in rows if name in row and re.search(r" start +\S", row)]
        assert sum(" sent " in row for row in starts) == 1, starts
        assert sum(" ok " in row for row in starts) == 1, starts


class OnePane(App[None]):
    """A journal pane alone, on a history that the writer had reported `batches` batches of
    before the pane read it."""

    def __init__(self, batches: int = 0) -> None:
        super().__init__()
        self.batches = batches

    def compose(self) -> ComposeResult:
        yield JournalPane(lambda: JournalView([], True, self.batches), id="journal")


def status_row(index: int, at: datetime) -> HistoryEvent:
    name = f"box-{index:03d}"
    return HistoryEvent(
        at, "status", f"comp_{index:03d}", name, "status", None, "stopped", "running"
    )


async def test_a_flood_of_status_changes_keeps_every_action_and_the_newest_changes() -> None:
    """A moving fleet of 10,000 records ~1,000 status changes a poll: drawing them all held the
    event loop ~165 ms a poll while the pane was open."""
    t0 = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
    rows = [status_row(i, t0 + timedelta(milliseconds=i)) for i in range(100)]
    action = HistoryEvent(t0, "action", "comp_500", "web-01", "stop", "ok", message="Now stopped.")
    app = OnePane()
    async with app.run_test(size=(120, 200)) as pilot:
        pane = app.query_one(JournalPane)
        pane.replay()
        pane.post_message(HistoryRecorded([*rows[:50], action, *rows[50:]], 1))
        await wait_for(pilot, lambda: len(drawn_rows(pane)) >= 42, "the batch drawn")
        drawn = drawn_rows(pane)
    assert drawn[0] == "12-04 12:00:00 … 60 earlier status changes (see `miosa-tui journal`)"
    assert [line for line in drawn if "web-01" in line and "stop" in line and " ok " in line]
    shown = [i for i in range(100) if any(f"box-{i:03d}" in line for line in drawn)]
    assert shown == list(range(60, 100))
    assert len(drawn) == 42


async def test_opened_it_keeps_the_actions_a_flood_of_status_changes_came_after(
    sim: SimServer, tmp_path: Path
) -> None:
    """One window of the newest 500 rows showed a moving fleet's last status changes only: what
    the previous on-call tried was pushed out of the pane."""
    t0 = datetime.now(UTC) - timedelta(hours=1)
    tried = [
        HistoryEvent(
            t0 + timedelta(minutes=i),
            "action",
            "comp_500",
            "web-01",
            "restart",
            "failed",
            request_id=f"req_tried{i}",
            source="cli",
            scope="simulator",
        )
        for i in range(5)
    ]
    flood = [
        dataclasses.replace(
            status_row(i, t0 + timedelta(minutes=10, milliseconds=i)), scope="simulator"
        )
        for i in range(600)
    ]
    history = History.open()
    history.write([*tried, *flood])
    history.close()
    async with loaded_app(sim, tmp_path) as (app, pilot):
        await pilot.press("j")
        pane = app.dashboard.query_one(JournalPane)
        await wait_for(pilot, lambda: "box-599" in "\n".join(drawn_rows(pane)), "the replay")
        rows = drawn_rows(pane)
    assert [i for i in range(5) if any(f"req_tried{i}" in row for row in rows)] == list(range(5))
    assert not any("box-000" in row for row in rows)
    left_out = [i for i, row in enumerate(rows) if "earlier status changes" in row]
    first_status = next(i for i, row in enumerate(rows) if re.search(r" status +box-", row))
    assert left_out == [first_status - 1]


async def test_a_batch_reported_before_the_pane_read_the_history_is_not_drawn_again() -> None:
    """The pane reads the history after counting the batches the writer reported: those are in
    what it read, and their messages may still be on their way to it."""
    t0 = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
    app = OnePane(batches=3)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = app.query_one(JournalPane)
        pane.replay()
        pane.post_message(HistoryRecorded([status_row(3, t0)], 3))  # in the read
        pane.post_message(HistoryRecorded([status_row(4, t0)], 4))  # stored after it
        await wait_for(pilot, lambda: "box-004" in "\n".join(drawn_rows(pane)), "batch 4")
        assert not any("box-003" in row for row in drawn_rows(pane))


# -- the pane's width ------------------------------------------------------------------------------

LONG_ROW = "12-05 00:56:08 status   onboarding-station (comp_0a097c97) starting → running"


class NarrowPane(App[None]):
    """A journal pane of one long row, replayed once it has a size (as the dashboard does)."""

    loads = 0  # how many times the pane read what it shows

    def compose(self) -> ComposeResult:
        yield JournalPane(self.load, id="journal")

    def load(self) -> JournalView:
        self.loads += 1
        return JournalView([Text(LONG_ROW)], True, 0)

    def on_mount(self) -> None:
        self.call_after_refresh(self.query_one(JournalPane).replay)


def shown_rows(app: App[None]) -> list[str]:
    """The rows the screen shows, a row wrapped over several lines joined again."""
    rows: list[str] = []
    for line in app.screen._compositor.render_strips():
        text = line.text.strip()
        if STAMP.match(text) or not rows:
            rows.append(text)
        elif text:
            rows[-1] += " " + text
    return rows


async def test_a_narrow_pane_wraps_its_rows_and_a_new_width_wraps_them_again() -> None:
    """On an 80-column terminal the pane is ~48 cells wide. RichLog wrapped at 78 cells at least,
    so the screen cut each row: neither an action's outcome nor a status change's "starting →
    running" showed. After a resize the rows kept the wrap they were written with."""
    app = NarrowPane()
    async with app.run_test(size=(48, 10)) as pilot:
        pane = app.query_one(JournalPane)
        await wait_for(pilot, lambda: shown_rows(app) == [LONG_ROW], "the whole row, wrapped")
        assert len(pane.lines) == 2  # on two lines, each within the pane
        await pilot.resize_terminal(100, 10)
        await wait_for(pilot, lambda: len(pane.lines) == 1, "the row written again, on one line")
        assert shown_rows(app) == [LONG_ROW]
        assert app.loads == 1  # written again from what it showed, the history not read again
