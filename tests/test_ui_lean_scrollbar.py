"""The table's scrollbar (ui/widgets/lean_scrollbar.py) draws what Textual's own scrollbar draws,
cell for cell and style for style, as the table scrolls, under the mouse and in another theme,
while drawing most positions from lines it kept."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rich.style import Style
from textual.scrollbar import ScrollBar
from textual.widget import Widget
from ui_helpers import loaded, make_app, table

from miosa_tui.sim.server import SimServer
from miosa_tui.ui.app import MiosaApp
from miosa_tui.ui.widgets.computer_table import ComputerTable
from miosa_tui.ui.widgets.lean_scrollbar import LeanScrollBar

FLEET = 60
SIM_OPTIONS = {"fleet": FLEET}

Frame = list[tuple[tuple[str, Style | None], ...]]


def bar_drawn(app: MiosaApp) -> Frame:
    """The cells of the table's scrollbar as the screen draws them: text and style."""
    region = table(app).vertical_scrollbar.region
    strips = app.screen._compositor.render_strips()[region.y : region.bottom]
    return [
        tuple((s.text, s.style) for s in strip.crop(region.x, region.right)) for strip in strips
    ]


async def scroll_about(sim: SimServer, tmp_path: Path) -> tuple[list[Frame], type[ScrollBar]]:
    """The bar drawn after each step: page downs, the end, the mouse over it, another text
    colour, another theme."""
    app = make_app(sim, tmp_path)
    frames: list[Frame] = []
    async with app.run_test(size=(160, 20)) as pilot:
        await loaded(pilot, app, rows=FLEET)
        await pilot.pause()
        frames.append(bar_drawn(app))
        for _ in range(5):
            await pilot.press("pagedown")
            await pilot.pause()
            frames.append(bar_drawn(app))
        await pilot.press("end")
        await pilot.pause()
        frames.append(bar_drawn(app))
        bar = table(app).vertical_scrollbar
        await pilot.hover(bar, offset=(0, 2))
        await pilot.pause()
        assert bar.mouse_over
        frames.append(bar_drawn(app))
        await pilot.hover("#fleet-header")
        table(app).styles.text_style = "underline"  # the same segments over another base style
        await pilot.pause()
        frames.append(bar_drawn(app))
        app.theme = "nord"
        await pilot.pause()
        await pilot.press("home")
        await pilot.pause()
        frames.append(bar_drawn(app))
        kind = type(bar)
    return frames, kind


async def test_the_lean_bar_draws_what_textuals_draws(
    sim: SimServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn_by_textual: list[int] = []
    textual_lines = ScrollBar.render_lines

    def counted(bar: ScrollBar, crop: Any) -> Any:
        drawn_by_textual.append(1)
        return textual_lines(bar, crop)

    monkeypatch.setattr(ScrollBar, "render_lines", counted)
    lean, kind = await scroll_about(sim, tmp_path / "lean")
    assert kind is LeanScrollBar
    learned = len(drawn_by_textual)
    monkeypatch.setattr(ComputerTable, "vertical_scrollbar", Widget.vertical_scrollbar)
    textual, kind = await scroll_about(sim, tmp_path / "textual")
    assert kind is ScrollBar
    assert lean == textual
    assert len({tuple(frame) for frame in lean}) >= 6  # the thumb did move
    assert learned < len(drawn_by_textual) - learned  # the lean bar drew fewer by Textual
