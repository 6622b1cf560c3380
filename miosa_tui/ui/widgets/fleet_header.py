"""The status line above the table: backend, counts by status, freshness, mode badges."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from rich.text import Text
from textual.widgets import Static

from miosa_tui.api.models import FAILED_STATUSES
from miosa_tui.safe_text import printable
from miosa_tui.ui.widgets.status_style import elapsed, status_colour

# How much each part of the line matters when the terminal is too narrow for all of it: the
# lowest go first (80x24 keeps the badges, the error count first, the freshness and the mode).
KEEP, HIGH, MIDDLE, LOW, LEAST = 5, 4, 3, 2, 1
ERROR_MIN = 24  # cells the last error keeps however narrow the terminal


@dataclass
class HeaderState:
    backend: str = ""
    simulated: bool = False
    counts: Mapping[str, int] = field(default_factory=dict)
    last_success: float | None = None
    interval: float = 5.0
    stale_after: int = 3
    read_only: bool = False
    paused: bool = False
    filter_text: str = ""
    shown: int = 0
    total: int = 0
    marked: int = 0
    error: str | None = None
    sort: str = ""
    next_poll: float | None = None  # when (header clock) the next poll is, while backing off


class FleetHeader(Static):
    """Re-rendered once a second so "updated 3s ago" stays true without a poll."""

    def __init__(
        self, clock: Callable[[], float] = time.monotonic, *, id: str | None = None
    ) -> None:
        super().__init__("", id=id)
        self.clock = clock
        self.state = HeaderState()
        self._shown: Text | None = None

    def on_mount(self) -> None:
        self.set_interval(1.0, self.redraw)

    def update_state(self, **changes: object) -> None:
        for name, value in changes.items():
            setattr(self.state, name, value)
        self.redraw()

    def is_stale(self) -> bool:
        s = self.state
        if s.last_success is None:
            return False
        return self.clock() - s.last_success > s.stale_after * s.interval

    def redraw(self) -> None:
        """Repaint when the text changed. With a fixed height (the app's one line) no layout
        pass is needed: `Static.update` would otherwise reflow the whole screen each time."""
        text = self.header_text()
        if text == self._shown:
            return
        self._shown = text
        height = self.styles.height
        self.update(text, layout=height is None or not height.is_cells)

    def header_text(self, width: int | None = None) -> Text:
        """The line; parts that do not fit in `width` cells (the widget's width by default)
        are left out, least important first, and never cut in the middle."""
        parts = self.header_parts()
        if width is None:
            width = self.content_size.width or self.size.width
        error = self.error_text()
        # the error message is cut to fit, not dropped: it keeps up to ERROR_MIN cells
        budget = width - min(error.cell_len, ERROR_MIN)
        if width > 0:
            while sum(p.cell_len for _, p in parts) > budget:
                lowest = min(rank for rank, _ in parts)
                if lowest >= KEEP:
                    break
                index = max(i for i, (rank, _) in enumerate(parts) if rank == lowest)
                del parts[index]
        line = Text()
        for _, part in parts:
            line.append_text(part)
        line.append_text(error)
        if width > 0 and line.cell_len > width:
            line.truncate(width, overflow="ellipsis")
        return line

    def header_parts(self) -> list[tuple[int, Text]]:
        """(importance, text) of each part of the header, in display order."""
        s = self.state
        parts: list[tuple[int, Text]] = [(KEEP, Text(" MIOSA ", style="bold reverse"))]
        if s.simulated:
            parts.append((HIGH, Text.assemble(" ", (" SIMULATED ", "bold black on yellow"))))
            parts.append((LEAST, Text.assemble(" ", ("fleet on the embedded simulator", "yellow"))))
        elif s.backend:
            parts.append((LOW, Text.assemble(" ", (printable(s.backend, limit=60), "bold"))))
        parts.append((LEAST, Text(" ")))
        failed_first = sorted(
            s.counts.items(), key=lambda kv: (kv[0] not in FAILED_STATUSES, -kv[1], kv[0])
        )
        for index, (status, count) in enumerate(failed_first):
            rank = HIGH if status in FAILED_STATUSES or index == 0 else MIDDLE - (index > 2)
            parts.append(
                (
                    rank,
                    Text.assemble(
                        " ",
                        (f"{count} ", "bold"),
                        (printable(status, limit=30), status_colour(status)),
                    ),
                )
            )
        if s.filter_text:
            parts.append(
                (
                    HIGH,
                    Text.assemble(
                        "  ", (f"filter '{printable(s.filter_text)}' {s.shown}/{s.total}", "cyan")
                    ),
                )
            )
        if s.marked:
            parts.append((HIGH, Text.assemble("  ", (f"{s.marked} marked", "bold magenta"))))
        if s.last_success is None:
            parts.append((HIGH, Text.assemble("  ", ("loading…", "dim"))))
        else:
            ago = elapsed(self.clock() - s.last_success)
            parts.append((HIGH, Text.assemble("  ", (f"updated {ago} ago", "dim"))))
        if s.next_poll is not None:
            wait = max(0.0, s.next_poll - self.clock())
            parts.append((MIDDLE, Text.assemble(" ", (f"· retry in {elapsed(wait)}", "yellow"))))
        else:
            parts.append((LOW, Text.assemble(" ", (f"· every {s.interval:g}s", "dim"))))
        if s.sort:
            parts.append((LEAST, Text.assemble(" ", (f"· sort {s.sort}", "dim"))))
        if s.paused:
            parts.append((KEEP, Text.assemble(" ", (" PAUSED ", "bold black on cyan"))))
        if self.is_stale():
            parts.append((KEEP, Text.assemble(" ", (" STALE ", "bold white on red"))))
        if s.read_only:
            parts.append((HIGH, Text.assemble(" ", (" READ-ONLY ", "bold white on blue"))))
        return parts

    def error_text(self) -> Text:
        error = self.state.error
        return Text.assemble("  ", (f"⚠ {printable(error)}", "red")) if error else Text()

    def on_resize(self) -> None:
        self._shown = None
        self.redraw()
