"""The line above the table: how many computers need attention, and the fleet's trend.

Problems come first (the on-call reads left to right); the two trends show the running and
problem counts over the session's polls, each drawn from zero (`Trend`): running as a share of the
fleet, problems up to the most seen. When the line is too narrow for all of it the trends
go first (running, then problems) and the kinds after the count are cut with an ellipsis: the
problem count itself is never cut.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Static

from miosa_tui.ui.widgets.trend import Trend

# The trends in the order they are dropped when the line is too narrow: (label, trend id).
TRENDS = (("running", "trend-running"), ("problems", "trend-problems"))


class TriageBar(Horizontal):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._summary = Text("")
        # What a poll asked to show before this bar's Mount (its children are there from then).
        self._early: tuple[Text, list[float], list[float], float] | None = None
        self._ready = False

    def compose(self) -> ComposeResult:
        yield Static("", id="triage-summary")
        for label, spark in TRENDS:
            yield Static(label, id=f"{spark}-label", classes="trend-label")
            yield Trend(id=spark)

    def on_mount(self) -> None:
        self._ready = True
        if self._early is not None:
            self.show(*self._early)
            self._early = None

    def show(
        self,
        summary: Text,
        running: Sequence[float],
        problems: Sequence[float],
        fleet_size: float,
    ) -> None:
        """The summary, and the trends: running up to `fleet_size` (the most computers the
        fleet had over those polls), problems up to the most there were."""
        if not self._ready:  # a poll landed first: shown once the children are there
            self._early = (summary, list(running), list(problems), fleet_size)
            return
        shown = summary if summary.plain else Text(" no problems", style="green")
        shown = shown.copy()
        shown.no_wrap, shown.overflow = True, "ellipsis"  # the kinds go, never the count
        changed = shown != self._summary
        if changed:
            self._summary = shown
            # Its width is 1fr: new text never moves anything, so no layout pass (a layout
            # repainted the whole screen, scrollbars and all, after every poll).
            self.query_one("#triage-summary", Static).update(shown, layout=False)
        self.query_one("#trend-running", Trend).show(running, fleet_size)
        self.query_one("#trend-problems", Trend).show(problems, max(problems, default=0))
        if changed:
            self._fit()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        """Show the trends that fit beside the whole summary, the more important first."""
        width = self.size.width
        if not width:
            return
        room = width - self._summary.cell_len
        for label, spark in reversed(TRENDS):
            parts = [self.query_one(f"#{spark}-label"), self.query_one(f"#{spark}")]
            need = _cells(parts[0], len(label)) + _cells(parts[1], 0)
            fits = room >= need
            for part in parts:
                if part.display != fits:  # setting it at all asks for a layout of the screen
                    part.display = fits
            room = room - need if fits else -1  # a less important trend never skips ahead


def _cells(widget: Widget, content: int) -> int:
    """The cells `widget` takes: its CSS width when it is given in cells (else `content`) plus
    its padding and border."""
    width = widget.styles.width
    inner = int(width.value) if width is not None and width.is_cells else content
    return inner + widget.styles.gutter.width
