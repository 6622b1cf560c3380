"""A move of the table's highlight is painted first; the side panes follow in a later frame.

One frame holding a page down's new rows and the panes' new content (a layout, when a pane's
height changes) was the longest event-loop step of a page down held on 10,000 computers (27-34
ms of its ~20 ms steps, `benchmarks/pagedown_steps.py`, stop 38). Here every move counts as a
single key (the moves' clock jumps an hour a move), and each update sent to the terminal is applied
to a grid of cells as a terminal would: no update changes both the table's cells and the
details pane's, and the details come to show each row the table moved to.
"""

from __future__ import annotations

import itertools
from functools import partial
from pathlib import Path
from typing import Any

from rich.console import RenderableType
from rich.style import Style
from textual._compositor import ChopsUpdate, LayoutUpdate
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget
from ui_helpers import (
    SMALL_DESKTOPS,
    details_drawn,
    highlighted,
    loaded_app,
    row_ids,
    table,
    wait_for,
)

from miosa_tui.sim.server import SimServer
from miosa_tui.ui.app import MiosaApp
from miosa_tui.ui.widgets.details import DetailsPanel

FLEET = 120
SIM_OPTIONS = {**SMALL_DESKTOPS, "fleet": FLEET}


class Frames:
    """What each frame sent to the terminal changed: every update the app displays is applied
    to a grid of cells, as a terminal would, and after each one the text of each watched
    widget's region is compared with what the frame before left there."""

    def __init__(self, app: MiosaApp, watched: dict[str, Widget]) -> None:
        self.app, self.watched = app, watched
        width, height = app.size
        self.cells: list[list[tuple[str, Style | None]]] = [
            [(" ", None)] * width for _ in range(height)
        ]
        for y, strip in enumerate(app.screen._compositor.render_strips()):
            self.put(0, y, strip)
        self.last = self.drawn()
        self.changed: list[set[str]] = []
        display = app._display

        def noted(screen: Screen[Any], update: RenderableType | None) -> None:
            display(screen, update)
            self.apply(update)
            now = self.drawn()
            self.changed.append({name for name in now if now[name] != self.last[name]})
            self.last = now

        app._display = noted  # type: ignore[method-assign]

    def put(self, x: int, y: int, strip: Strip) -> None:
        row = self.cells[y]
        cells = [(char, segment.style) for segment in strip for char in segment.text]
        for offset, cell in enumerate(cells):
            if 0 <= x + offset < len(row):
                row[x + offset] = cell

    def apply(self, update: RenderableType | None) -> None:
        if isinstance(update, LayoutUpdate):
            for y, line in enumerate(update.strips, update.region.y):
                x = update.region.x
                for strip in line:
                    self.put(x, y, strip)
                    x += strip.cell_length
        elif isinstance(update, ChopsUpdate):
            for y, x1, x2 in update.spans:
                for end, (x, strip) in zip(
                    update.chop_ends[y], update.chops[y].items(), strict=True
                ):
                    if strip is None or x > x2 or end <= x1:
                        continue
                    start, stop = max(x, x1), min(end, x2)
                    self.put(start, y, strip.crop(start - x, stop - x))

    def drawn(self) -> dict[str, list[list[tuple[str, Style | None]]]]:
        """Each watched widget's cells: character and style."""
        return {
            name: [
                self.cells[y][widget.region.x : widget.region.right]
                for y in range(widget.region.y, widget.region.bottom)
            ]
            for name, widget in self.watched.items()
        }

    def text(self, name: str) -> str:
        return "\n".join("".join(char for char, _ in line) for line in self.last[name])


def shows(frames: Frames, computer_id: str) -> bool:
    """The details pane's cells, as the terminal has them, show `computer_id`."""
    return computer_id in frames.text("details")


async def test_the_table_is_painted_before_the_panes_follow_it(
    sim: SimServer, tmp_path: Path
) -> None:
    async with loaded_app(sim, tmp_path, rows=FLEET) as (app, pilot):
        await pilot.press("p")  # only keys may move the panes
        await wait_for(pilot, lambda: app.dashboard.paused, "polling paused")
        table(app).focus()
        ids = row_ids(app)
        await wait_for(pilot, lambda: ids[0] in details_drawn(app), "the details on row 1")
        hours = itertools.count(step=3600.0)
        app.dashboard.moves_clock = lambda: next(hours)  # no two moves count as a held key
        details = app.dashboard.query_one(DetailsPanel)
        frames = Frames(app, {"table": table(app), "details": details})
        seen: list[str] = []
        for key in ("pagedown", "pagedown", "down", "pageup"):
            before = highlighted(app)
            await pilot.press(key)
            now = highlighted(app)
            assert now is not None and now != before
            await wait_for(pilot, partial(shows, frames, now), f"the details on {now}")
            seen.append(now)
        changed = [frame for frame in frames.changed if frame]
        assert sum("table" in frame for frame in changed) >= 4, changed
        assert sum("details" in frame for frame in changed) >= 4, changed
        assert {"table", "details"} not in changed, changed
        assert len(set(seen)) == 4
