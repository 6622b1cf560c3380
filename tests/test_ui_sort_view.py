"""A sort that moves the highlighted computer's row paints the table once, already scrolled to
it: no frame shows the new order under the old scroll offset (the table used to size itself on
idle, so the scroll to the highlighted row waited for a paint of the wrong rows). A filter step
goes through the same code; its test held before that change too, and keeps the promise for
filters."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from ui_helpers import (
    frames_painted,
    highlighted,
    loaded,
    make_app,
    row_ids,
    table,
    table_text,
    type_text,
    wait_for,
)

from miosa_tui.fleet.sorting import natural_key
from miosa_tui.sim.server import SimServer
from miosa_tui.ui.app import MiosaApp

FLEET = 40  # more rows than the table shows
SIM_OPTIONS = {"fleet": FLEET}


def frames_drawn(app: MiosaApp) -> list[str]:
    """The table's text at the end of each paint of the dashboard from now on."""
    return frames_painted(app, partial(table_text, app))


async def test_a_sort_paints_the_highlighted_computer_in_view_from_its_first_frame(
    sim: SimServer, tmp_path: Path
) -> None:
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(160, 20)) as pilot:
        await loaded(pilot, app, rows=FLEET)
        shown = table(app).scrollable_content_region.height - 1  # rows under the header
        ids = row_ids(app)
        name = {cid: app.fleet.computers[cid].name for cid in ids}
        by_name = sorted(ids, key=lambda cid: natural_key(name[cid]))
        # the computer on screen whose row sorted by name is the furthest down
        target = max(ids[:shown], key=by_name.index)
        assert by_name.index(target) >= shown, "the fleet's names give no row to move off"
        for _ in range(ids.index(target)):
            await pilot.press("down")
        await wait_for(pilot, lambda: highlighted(app) == target, "the target highlighted")
        frames = frames_drawn(app)
        await pilot.press("greater_than_sign")
        await wait_for(pilot, lambda: "NAME↑" in table_text(app), "the sorted table")
        await pilot.pause()
        sorted_frames = [frame for frame in frames if "NAME↑" in frame]
        assert sorted_frames, frames
        assert all(target in frame for frame in sorted_frames), sorted_frames[0]  # its ID cell
        assert highlighted(app) == target


async def test_a_filter_step_paints_the_highlighted_computer_from_its_first_frame(
    sim: SimServer, tmp_path: Path
) -> None:
    """Far down the table, a filter that keeps only the highlighted computer: its first frame
    already shows it (the scroll offset fits the one row left, not the forty before)."""
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(160, 20)) as pilot:
        await loaded(pilot, app, rows=FLEET)
        ids = row_ids(app)
        target = ids[-3]
        await pilot.press("end", "up", "up")
        await wait_for(pilot, lambda: highlighted(app) == target, "the target highlighted")
        frames = frames_drawn(app)
        await pilot.press("slash")
        await type_text(pilot, target)
        await wait_for(pilot, lambda: row_ids(app) == [target], "the filtered table")
        await pilot.pause()
        # A frame with only a few ids in it is the narrowed table (every id has "comp_" in it,
        # so the steps before match them all and the table stays full).
        narrowed = [frame for frame in frames if frame.count("comp_") < 4]
        assert narrowed, frames
        # (its ID cell may lose its last character for a frame, as the scrollbar goes)
        assert all(target[:10] in frame for frame in narrowed), narrowed[0]
