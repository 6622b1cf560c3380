"""The status line above the table: backend, counts by status, freshness, mode badges."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from rich.text import Text
from textual.widgets import Static

from miosa_tui.ui.widgets.status_style import elapsed, status_colour


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

    def header_text(self) -> Text:
        s = self.state
        line = Text()
        line.append(" MIOSA ", style="bold reverse")
        line.append(" ")
        if s.simulated:
            line.append(" SIMULATED ", style="bold black on yellow")
            line.append(" fleet on the embedded simulator ", style="yellow")
        else:
            line.append(s.backend, style="bold")
        line.append("  ")
        for status, count in sorted(s.counts.items(), key=lambda kv: (-kv[1], kv[0])):
            line.append(f"{count} ", style="bold")
            line.append(f"{status}  ", style=status_colour(status))
        if s.filter_text:
            line.append(f"filter '{s.filter_text}' {s.shown}/{s.total}  ", style="cyan")
        if s.marked:
            line.append(f"{s.marked} marked  ", style="bold magenta")
        if s.last_success is None:
            line.append("loading…", style="dim")
        else:
            line.append(f"updated {elapsed(self.clock() - s.last_success)} ago", style="dim")
        line.append(f" · every {s.interval:g}s", style="dim")
        if s.sort:
            line.append(f" · sort {s.sort}", style="dim")
        if s.paused:
            line.append("  PAUSED ", style="bold black on cyan")
        if self.is_stale():
            line.append("  STALE ", style="bold white on red")
        if s.read_only:
            line.append("  READ-ONLY ", style="bold white on blue")
        if s.error:
            line.append(f"  ⚠ {s.error}", style="red")
        return line
