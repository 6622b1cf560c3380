"""The fleet table's vertical scrollbar, its lines reused instead of drawn anew on each scroll.

Textual draws a scrollbar through the same pipeline as any widget: its bar's segments go
through Rich and the styles cache, line by line, on every position. For the table's bar that was
~1.3 ms of each page down's paint (the bar's segments themselves take ~0.02 ms:
benchmarks/profiles/pagedown_scrollbar.txt). A bar is made of a handful of distinct lines (the
track above the thumb, the thumb, its two ends, the track below), each drawn the same wherever
it is, so `LeanScrollBar` has Textual's own renderer make the bar's segments and looks each line
up in the lines Textual drew for that segment before. A segment never drawn yet, or anything that
changes how a line looks (the crop, the size, the colours, the line filters), has Textual draw
the whole bar once more, and its lines are kept for what it was made of.
tests/test_ui_lean_scrollbar.py checks it draws what Textual's draws, line for line.
"""

from __future__ import annotations

from rich.segment import Segment, Segments
from textual.geometry import Region
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.strip import Strip


class LeanScrollBar(ScrollBar):
    def __init__(self, vertical: bool = True, name: str | None = None, *, thickness: int = 1):
        super().__init__(vertical, name, thickness=thickness)
        self._lines: dict[Segment, Strip] = {}
        self._lines_under: tuple[object, ...] = ()

    def render_lines(self, crop: Region) -> list[Strip]:
        segments = self._bar_segments()
        if segments is None:
            return super().render_lines(crop)
        under = (
            crop.x,
            crop.right,
            self.size,
            self.rich_style,
            self.background_colors,
            tuple((id(each), each.enabled) for each in self.get_line_filters()),
        )
        if under != self._lines_under:
            self._lines.clear()
            self._lines_under = under
        shown = segments[crop.y : crop.bottom]
        lines = self._lines
        if all(segment in lines for segment in shown):
            return [lines[segment] for segment in shown]
        strips = super().render_lines(crop)
        if len(strips) == len(shown):
            lines.update(zip(shown, strips, strict=True))
        return strips

    def _bar_segments(self) -> list[Segment] | None:
        """One segment a line: the bar `ScrollBar.render` describes, made by its own
        `__rich_console__` as Rich would make it for this size. None for a horizontal bar or a
        renderer that draws something else."""
        renderable = self.render()
        if not (self.vertical and isinstance(renderable, ScrollBarRender)):
            return None
        width, height = self.size
        console = self.app.console
        options = console.options.update_dimensions(width, height)
        made = list(renderable.__rich_console__(console, options))
        if len(made) != 1 or not isinstance(made[0], Segments) or not made[0].new_lines:
            return None
        return made[0].segments
