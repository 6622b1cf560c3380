"""A key held down moves the table at once; the side panes show where it stops.

Redrawing the details, access, desktop and timeline panes for every row a held page down
passes cost ~10 ms a key (issue 13). Moves closer together than `PANES_SETTLE` update the
panes once, after the last; any key that is not one of the table's own moves brings them up
to the highlighted row first, so `y`, `o`, `x`... act on the row the user sees. Here
`PANES_SETTLE` is set far above any pause between two keys, so every move after the first
counts as held whatever the machine's speed; the catch-up is then waited for as a condition.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from ui_helpers import (
    burst,
    details_drawn,
    highlighted,
    loaded_app,
    pump,
    row_ids,
    table,
    type_text,
    wait_for,
)

from miosa_tui.sim.server import SimServer
from miosa_tui.ui.app import MiosaApp
from miosa_tui.ui.widgets.access.panel import AccessPanel


async def pause_polling(pilot: Pilot[Any], app: MiosaApp) -> None:
    """`p`: a poll that changes the fleet redraws the panes too, at once."""
    await pilot.press("p")
    await wait_for(pilot, lambda: app.dashboard.paused, "polling paused")


def panel_on(app: MiosaApp) -> str | None:
    shown = app.dashboard.query_one(AccessPanel).computer
    return shown.id if shown is not None else None


async def test_held_keys_move_the_table_and_a_copy_key_brings_the_panes_to_its_row(
    sim: SimServer, tmp_path: Path
) -> None:
    async with loaded_app(sim, tmp_path) as (app, pilot):
        await burst(pilot, "slash")
        await type_text(pilot, "status:running")
        await burst(pilot, "enter")
        await wait_for(
            pilot,
            lambda: (
                len(row_ids(app)) >= 4
                and all(app.fleet.computers[c].is_running for c in row_ids(app))
            ),
            "only running computers",
        )
        table(app).focus()
        ids = row_ids(app)
        await pause_polling(pilot, app)  # only keys may move the panes
        await wait_for(pilot, lambda: highlighted(app) == ids[0], "the first row")
        app.dashboard.PANES_SETTLE = 3600.0
        await burst(pilot, "down")  # the first move after a pause: the panes follow at once
        await wait_for(pilot, lambda: ids[1] in details_drawn(app), "the details on row 2")
        assert panel_on(app) == ids[1]

        await burst(pilot, "down", "down")  # held: the table moves, the panes wait
        await wait_for(pilot, lambda: highlighted(app) == ids[3], "the table on row 4")
        await pump(pilot, 4)
        drawn = details_drawn(app)
        assert ids[1] in drawn and ids[3] not in drawn, drawn
        assert panel_on(app) == ids[1]

        await pilot.press("y")  # copies from the access panel: it is brought to row 4 first
        assert panel_on(app) == ids[3]
        assert app.clipboard == app.client.public_url(app.fleet.computers[ids[3]])
        await wait_for(pilot, lambda: ids[3] in details_drawn(app), "the details on row 4")


async def test_the_panes_catch_up_once_a_held_key_is_released(
    sim: SimServer, tmp_path: Path
) -> None:
    async with loaded_app(sim, tmp_path) as (app, pilot):
        await pause_polling(pilot, app)  # only the catch-up may move the panes
        table(app).focus()
        ids = row_ids(app)
        await wait_for(pilot, lambda: highlighted(app) == ids[0], "the first row")
        # Every move after the first counts as held, whatever the machine's speed; the
        # catch-up is the real timer, PANES_SETTLE after the last move.
        frozen = time.monotonic()
        app.dashboard.moves_clock = lambda: frozen
        await burst(pilot, "down")
        await wait_for(pilot, lambda: ids[1] in details_drawn(app), "the details on row 2")
        await burst(pilot, "pagedown", "down")
        target = highlighted(app)
        assert target not in (None, ids[1])
        await wait_for(pilot, lambda: target in details_drawn(app), "the details on the row")
        assert panel_on(app) == target == highlighted(app)


async def test_a_click_brings_the_panes_to_the_row_before_it_lands(
    sim: SimServer, tmp_path: Path
) -> None:
    async with loaded_app(sim, tmp_path) as (app, pilot):
        await pause_polling(pilot, app)
        table(app).focus()
        ids = row_ids(app)
        await wait_for(pilot, lambda: highlighted(app) == ids[0], "the first row")
        app.dashboard.PANES_SETTLE = 3600.0
        await burst(pilot, "down")
        await wait_for(pilot, lambda: ids[1] in details_drawn(app), "the details on row 2")
        await burst(pilot, "down", "down")
        await wait_for(pilot, lambda: highlighted(app) == ids[3], "the table on row 4")
        assert panel_on(app) == ids[1]
        await pilot.click(AccessPanel)  # what a click there acts on is row 4's
        assert panel_on(app) == ids[3]
        await wait_for(pilot, lambda: ids[3] in details_drawn(app), "the details on row 4")
