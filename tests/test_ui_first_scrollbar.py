"""A fleet taller than the terminal: the table's first frame has its scrollbar and its final
columns.

Textual shows a scrollbar when a layout finds the rows taller than the table, and then lays
the screen out again; the table refits its columns around the bar. So the first frame of the
dashboard had the columns fitted to the whole width and no bar, and the next one moved them: a
second layout of ~10 ms before the first rows settled (benchmarks/startup_timeline.py, stop 38).
`ComputerTable._update_dimensions` shows the bar itself when the rows outnumber the terminal's
lines, before the first layout.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from ui_helpers import frames_painted, loaded, make_app, region_text, row_ids, table

from miosa_tui.sim.server import SimServer
from miosa_tui.ui.app import MiosaApp

FLEET = 60
SIZE = (160, 20)  # fewer lines than computers
SIM_OPTIONS = {"fleet": FLEET}


def table_lines(app: MiosaApp) -> list[str]:
    """The lines of the table's region as the screen has them (none before it is placed)."""
    return region_text(app, table(app).region).splitlines()


async def test_the_first_frame_with_rows_has_the_scrollbar_and_the_final_columns(
    sim: SimServer, tmp_path: Path
) -> None:
    app = make_app(sim, tmp_path)
    frames = frames_painted(app, partial(table_lines, app))
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app, rows=FLEET)
        await pilot.pause()
        assert table(app).show_vertical_scrollbar
        first_id = row_ids(app)[0]
        settled = table_lines(app)
    with_rows = [frame for frame in frames if any(first_id in line for line in frame)]
    assert with_rows, frames
    first = with_rows[0]
    assert first[0] == settled[0], (first[0], settled[0])  # the header: the same columns
    row = next(line for line in first if first_id in line)
    assert row == next(line for line in settled if first_id in line)
    # The bar's cells (the last two of each line, never a row's: the columns leave them) are
    # drawn from the first frame on. (Its thumb can end a fraction of a cell away from where it
    # settles, if a later paint finds the table a line taller or shorter.)
    assert any(line[-2:].strip() for line in first), [line[-2:] for line in first]
    assert any(line[-2:].strip() for line in settled)
