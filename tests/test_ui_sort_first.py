"""A sort the user waits for comes before the next poll: a poll that lands while the sort's rows
are being worked out is applied after they are painted, not before them (where, at 100,000
computers, it held the event loop ~195 ms and made the rows be worked out again).

The sort's worker is held on an event, so a poll surely lands meanwhile; nothing is timed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from ui_helpers import SMALL_DESKTOPS, loaded_app, row_ids, wait_for

from miosa_tui.fleet.sorting import Selection, select_rows
from miosa_tui.sim.server import SimServer
from miosa_tui.ui.screens import dashboard as dashboard_module

SIM_OPTIONS = SMALL_DESKTOPS


async def test_a_poll_landing_during_a_sort_waits_until_the_sorted_rows_are_painted(
    sim: SimServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    calls: list[int] = []  # the fleet's version each time the sort's rows were worked out
    real_select = dashboard_module.select

    async with loaded_app(sim, tmp_path) as (app, pilot):

        def held_select(*args: Any, **kwargs: Any) -> Selection:
            calls.append(app.fleet.version)
            release.wait(30)
            return real_select(*args, **kwargs)

        screen = app.dashboard
        # The poll waits for the sort at most `limit` (1 s); on a busy machine the paint below
        # may take longer, and then the poll is rightly applied first. The order is the test.
        app.foreground.limit = 30.0
        monkeypatch.setattr(dashboard_module, "select", held_select)
        # The fleet changes under the sort: the next poll has news (half the fleet flips).
        httpx.post(f"{sim.root_url}/_sim/churn", json={"share": 0.5}).raise_for_status()
        await pilot.press("greater_than_sign")  # sort by the next column (the polls go on)
        sorted_by = screen.sort_key
        await wait_for(pilot, lambda: calls, "the sort's rows to be worked out")
        # The snapshot the sort works from: a poll may have landed after the key was sent and
        # before the sort began (the loop is busy here, with the churn's request too).
        before = calls[0]
        # The next poll comes (every 0.5 s here) and waits for the sort; without that wait it
        # would be applied now and the sort worked out again.
        await wait_for(
            pilot,
            lambda: app.foreground.waiting or app.fleet.version != before,
            "the next poll",
        )
        assert app.fleet.version == before
        release.set()
        snapshot = app.fleet.computers

        def shown(fleet: Callable[[], Any]) -> Callable[[], bool]:
            return lambda: (
                row_ids(app)
                == [c.id for c in select_rows(fleet(), screen.filter, {}, sorted_by, False)]
            )

        # The sort's rows are painted, from the snapshot it began with, worked out once...
        await wait_for(pilot, shown(lambda: snapshot), "the sorted rows")
        assert calls == [before]  # worked out once
        # ...then the poll is applied, and the table shows the new snapshot in the same order.
        await wait_for(pilot, lambda: app.fleet.version > before, "the poll to be applied")
        await wait_for(pilot, shown(lambda: app.fleet.computers), "the poll's rows")
        # Nothing is left marked as under way (the next poll, every 0.5 s, may be mid-paint).
        await wait_for(pilot, lambda: app.foreground.quiet, "nothing under way")


async def test_after_polls_that_changed_nothing_a_sort_still_moves_only_the_rows_held(
    sim: SimServer, tmp_path: Path
) -> None:
    """A settled fleet's polls change nothing; the table is told so, and keeps counting the
    rows it holds as all of the latest snapshot (else every later sort of 100,000 rows checked
    each computer against the one held, on the event loop). The sort is then drawn right."""
    from miosa_tui.ui.widgets.computer_table import ComputerTable

    async with loaded_app(sim, tmp_path) as (app, pilot):
        screen, table = app.dashboard, app.dashboard.query_one(ComputerTable)
        start = app.fleet.version
        await wait_for(
            pilot,
            lambda: (
                app.fleet.version >= start + 3
                and not app.fleet.any_transitional
                and table.holds_all_of(app.fleet.version, len(app.fleet.computers))
            ),
            "settled polls, the table holding the latest",
        )
        await pilot.press("greater_than_sign")
        await wait_for(
            pilot,
            lambda: (
                row_ids(app)
                == [c.id for c in select_rows(app.fleet.computers, screen.filter, {}, "name")]
            ),
            "the rows sorted by name",
        )
