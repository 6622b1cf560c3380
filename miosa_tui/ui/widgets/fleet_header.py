"""The status line above the table: backend, counts by status, freshness, mode badges."""

from __future__ import annotations

import time
from collections.abc import Callable

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from miosa_tui.api.models import FAILED_STATUSES
from miosa_tui.fleet.poller import FleetState
from miosa_tui.safe_text import printable
from miosa_tui.ui.widgets.status_style import elapsed, status_colour

# How much each part of the line matters when the terminal is too narrow for all of it: the
# lowest go first (80x24 keeps the badges, the error count first, the freshness and the mode).
KEEP, HIGH, MIDDLE, LOW, LEAST = 5, 4, 3, 2, 1
ERROR_MIN = 24  # cells the last error keeps however narrow the terminal


class FleetHeader(Widget):
    """What the fleet is and how fresh it looks, on one line.

    The fleet's own facts (counts, the last good snapshot, the interval, whether it is stale)
    are read from `FleetState` whenever the line is drawn; what only the screen knows (filter,
    marks, pause, sort, the last error) is set through the typed reactives below, and each
    change repaints the line. Re-read once a second so "updated 3s ago" stays true without a
    poll; `clock` is the monotonic clock the fleet's times come from (injectable for tests).
    """

    backend: reactive[str] = reactive("")
    simulated: reactive[bool] = reactive(False)
    read_only: reactive[bool] = reactive(False)
    paused: reactive[bool] = reactive(False)
    filter_text: reactive[str] = reactive("")
    shown: reactive[int] = reactive(0)
    marked: reactive[int] = reactive(0)
    error: reactive[str | None] = reactive[str | None](None)
    sort: reactive[str] = reactive("")
    next_poll: reactive[float | None] = reactive[float | None](None)  # (clock) while backing off
    # (listed so far, total announced) while the first listing pages through a big fleet
    listing: reactive[tuple[int, int | None] | None] = reactive[tuple[int, int | None] | None](None)

    def __init__(
        self,
        fleet: FleetState,
        clock: Callable[[], float] = time.monotonic,
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.fleet = fleet
        self.clock = clock
        self._shown: Text | None = None

    def on_mount(self) -> None:
        self.set_interval(1.0, self.redraw)

    def render(self) -> Text:
        self._shown = self.header_text()
        return self._shown

    def redraw(self) -> None:
        """Re-read the fleet and the clock; repaint only when the line changed (the header is
        one fixed line, so no layout pass: the whole screen is not reflowed each second)."""
        if self.header_text() != self._shown:
            self.refresh()

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
        s, fleet = self, self.fleet
        now = self.clock()
        parts: list[tuple[int, Text]] = [(KEEP, Text(" MIOSA ", style="bold reverse"))]
        if s.simulated:
            parts.append((HIGH, Text.assemble(" ", (" SIMULATED ", "bold black on yellow"))))
            parts.append((LEAST, Text.assemble(" ", ("fleet on the embedded simulator", "yellow"))))
        elif s.backend:
            parts.append((LOW, Text.assemble(" ", (printable(s.backend, limit=60), "bold"))))
        parts.append((LEAST, Text(" ")))
        failed_first = sorted(
            fleet.counts_by_status().items(),
            key=lambda kv: (kv[0] not in FAILED_STATUSES, -kv[1], kv[0]),
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
                        "  ",
                        (
                            f"filter '{printable(s.filter_text)}' {s.shown}/{len(fleet.computers)}",
                            "cyan",
                        ),
                    ),
                )
            )
        if s.marked:
            parts.append((HIGH, Text.assemble("  ", (f"{s.marked} marked", "bold magenta"))))
        age = fleet.age(now)
        if age is None:
            parts.append((HIGH, Text.assemble("  ", ("loading…", "dim"))))
            if s.listing is not None:
                listed, total = s.listing
                of = f" of {total:,}" if total is not None else ""
                parts.append((MIDDLE, Text.assemble(" ", (f"{listed:,}{of} listed", "dim"))))
        else:
            ago = elapsed(age)
            parts.append((HIGH, Text.assemble("  ", (f"updated {ago} ago", "dim"))))
        if s.next_poll is not None:
            wait = max(0.0, s.next_poll - now)
            parts.append((MIDDLE, Text.assemble(" ", (f"· retry in {elapsed(wait)}", "yellow"))))
        else:
            parts.append((LOW, Text.assemble(" ", (f"· every {fleet.policy.interval:g}s", "dim"))))
        if s.sort:
            parts.append((LEAST, Text.assemble(" ", (f"· sort {s.sort}", "dim"))))
        if s.paused:
            parts.append((KEEP, Text.assemble(" ", (" PAUSED ", "bold black on cyan"))))
        if fleet.is_stale(now):
            parts.append((KEEP, Text.assemble(" ", (" STALE ", "bold white on red"))))
        if s.read_only:
            parts.append((HIGH, Text.assemble(" ", (" READ-ONLY ", "bold white on blue"))))
        return parts

    def error_text(self) -> Text:
        error = self.error
        return Text.assemble("  ", (f"⚠ {printable(error)}", "red")) if error else Text()

    def on_resize(self) -> None:
        self.refresh()
