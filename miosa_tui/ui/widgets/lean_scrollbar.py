"""The fleet table's vertical scrollbar, its lines reused instead of drawn anew on each scroll.

Textual draws a scrollbar through the same pipeline as any widget: its bar's segments go
through Rich and the styles cache, line by line, on every position. For the table's bar that was
~1.3 ms of each page down's paint (the bar's segments themselves take ~0.02 ms:
benchmarks/profiles/pagedown_scrollbar.txt). A bar is made of a handful of distinct lines (the
track above the thumb, the thumb, its two ends, the track below), each drawn the same wherever
it is, so `LeanScrollBar` works out the bar's segments as Textual does and looks each line up in
the lines Textual drew for that segment before. A segment never drawn yet, or anything that
changes how a line looks (the crop, the size, the colours, the line filters), has Textual draw
the whole bar once more, and its lines are kept for what it was made of.
tests/test_ui_lean_scrollbar.py checks it draws what Textual's draws, line for line.
"""

from __future__ import annotations

from math import ceil

from rich.segment import Segment
from textual.geometry import Region
from textual.scrollbar import ScrollBar
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
        """One segment a line, as `ScrollBar.render` has `ScrollBarRender` make them; None for
        anything but a vertical bar with a thumb drawn."""
        if not self.vertical or self.parent is None or self.screen.styles.scrollbar_color.a == 0:
            return None
        styles = self.parent.styles
        if self.grabbed:
            background = styles.scrollbar_background_active
            color = styles.scrollbar_color_active
        elif self.mouse_over:
            background = styles.scrollbar_background_hover
            color = styles.scrollbar_color_hover
        else:
            background = styles.scrollbar_background
            color = styles.scrollbar_color
        if background.a < 1:
            base_background, _ = self.parent.background_colors
            background = base_background + background
        color = background + color
        window_size = self.window_size if self.window_size < self.window_virtual_size else 0
        width, height = self.size
        bar = self.renderer.render_bar(
            size=height,
            virtual_size=ceil(self.window_virtual_size),
            window_size=ceil(window_size),
            position=self.position,
            thickness=width,
            vertical=True,
            back_color=background.rich_color,
            bar_color=color.rich_color,
        )
        return list(bar.segments)
