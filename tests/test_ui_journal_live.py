"""The journal pane goes on as the history grows, in one format.

Opened, the pane shows the history's rows: actions and the status changes the dashboard saw,
each with its day and time. It went on with this session's journal entries only, drawn without
the day and without a single status change (those showed only when the pane was opened again).
"""

from __future__ import annotations

import re
from pathlib import Path

from ui_helpers import SMALL_DESKTOPS, first_with, highlight, loaded_app, wait_for

from miosa_tui.sim.server import SimServer
from miosa_tui.ui.app import MiosaApp
from miosa_tui.ui.widgets.journal_pane import JournalPane

SIM_OPTIONS = SMALL_DESKTOPS
STAMP = re.compile(r"^\d\d-\d\d \d\d:\d\d:\d\d ")


def drawn_rows(app: MiosaApp) -> list[str]:
    """The pane's rows as drawn, a row wrapped over several lines joined again."""
    rows: list[str] = []
    for strip in app.dashboard.query_one(JournalPane).lines:
        if STAMP.match(strip.text) or not rows:
            rows.append(strip.text.rstrip())
        else:
            rows[-1] += " " + strip.text.strip()
    return rows


async def test_the_open_pane_goes_on_with_actions_and_status_changes_once_each(
    sim: SimServer, tmp_path: Path
) -> None:
    async with loaded_app(sim, tmp_path) as (app, pilot):
        target = first_with(app, "stopped")
        name = app.fleet.computers[target].name
        await pilot.press("j")
        await highlight(pilot, app, target)
        await pilot.press("s")

        def started() -> bool:
            rows = [row for row in drawn_rows(app) if name in row]
            return any(" ok " in row and "start" in row for row in rows) and any(
                "status" in row and "→ running" in row for row in rows
            )

        await wait_for(pilot, started, "the start's outcome and the status change, live")
        rows = drawn_rows(app)
        assert all(STAMP.match(row) for row in rows), rows
        starts = [row for row in rows if name in row and re.search(r" start +\S", row)]
        assert sum(" sent " in row for row in starts) == 1, starts
        assert sum(" ok " in row for row in starts) == 1, starts
