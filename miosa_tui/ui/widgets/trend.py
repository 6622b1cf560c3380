"""One of the triage bar's trends: a count over the session's polls, drawn from zero.

Textual's `Sparkline` draws its data between the data's own least and greatest values, so on a
fleet of 12 one computer stopping (8 → 7 running) drew a fall from the full bar to the lowest,
and a problem present at every poll drew as the lowest bar throughout: the same line as no
problem at all. Here the lowest bar is zero and the full bar is `top` (for the running count,
the fleet's size), so a line's height reads as the count it stands for.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby

from rich.text import Text
from textual.widget import Widget

BARS = "▁▂▃▄▅▆▇█"


def bars(points: Sequence[float], width: int, top: float) -> str:
    """`points` (oldest first) drawn in `width` cells, each as a bar of its share of `top`.

    With more points than cells each cell draws the largest point of its share of them (a spike
    is never averaged away); with fewer, each point spans several cells. Zero, or no points, is
    the lowest bar; a count above zero is never drawn as zero, however small its share."""
    if width <= 0:
        return ""
    count = len(points)
    if not count:
        return BARS[0] * width
    if count >= width:
        cells = [max(points[i * count // width : (i + 1) * count // width]) for i in range(width)]
    else:
        cells = [points[i * count // width] for i in range(width)]
    return "".join(_bar(value, top) for value in cells)


def _bar(value: float, top: float) -> str:
    if value <= 0 or top <= 0:
        return BARS[0]
    level = round(min(value, top) / top * (len(BARS) - 1))
    return BARS[max(1, level)]


class Trend(Widget):
    """A count over the polls, as one line of bars in the widget's colour (app.tcss); zero is
    the lowest bar, dimmed."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._points: tuple[float, ...] = ()
        self._top = 0.0

    @property
    def points(self) -> tuple[float, ...]:
        return self._points

    def show(self, points: Sequence[float], top: float) -> None:
        """Draw `points` on a scale from zero to `top` (repaints only when either changed)."""
        shown = tuple(points)
        if (shown, top) != (self._points, self._top):
            self._points, self._top = shown, top
            self.refresh()

    def render(self) -> Text:
        line = Text(no_wrap=True)
        drawn = bars(self._points, self.content_size.width, self._top)
        for zero, run in groupby(drawn, key=BARS[0].__eq__):  # runs of zero bars, and the rest
            line.append("".join(run), style="dim" if zero else "")
        return line
