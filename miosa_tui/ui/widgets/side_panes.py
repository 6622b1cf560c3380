"""The dashboard's right column: the desktop pane, and the Details and Access tabs under it.

The dashboard mounts this after the table's first rows are painted (or a moment after it
opened, if the first listing is slow: `DashboardScreen._mount_side_panes`). Building, styling
and laying out these panes, and importing their modules, was ~85 ms of the ~640 ms from launch to
the first painted rows (`benchmarks/bench_startup.py`); the table is what a user looks at first.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import TabbedContent, TabPane

from miosa_tui.fleet.poller import FleetState
from miosa_tui.ui.widgets.access.panel import AccessPanel
from miosa_tui.ui.widgets.computer_pane import ComputerPane
from miosa_tui.ui.widgets.desktop.pane import ScreenshotPane
from miosa_tui.ui.widgets.details import DetailsPanel
from miosa_tui.ui.widgets.timeline import TimelinePane


class SidePanes(Vertical):
    """The desktop, details, timeline and access panes, made together; `panes` are told of
    highlights once `Built` says they are ready."""

    class Built(Message):
        """The panes are mounted, their own parts too: they can be told what to show."""

        def __init__(self, side_panes: SidePanes) -> None:
            super().__init__()
            self.side_panes = side_panes

    def __init__(self, *, renderer: str | None, fleet: FleetState, timeline: TimelinePane) -> None:
        super().__init__(id="side-panes")
        self.desktop = ScreenshotPane(renderer=renderer, fleet=fleet, id="desktop")
        self.details = DetailsPanel(id="details")
        self.timeline = timeline
        self.access = AccessPanel(id="access")

    @property
    def panes(self) -> list[ComputerPane]:
        """The panes that show the highlighted computer, in the order they are told."""
        return [self.details, self.desktop, self.access, self.timeline]

    def show_tab(self, tab_id: str) -> None:
        """Bring the tab `tab_id` ("tab-details" or "tab-access") to the front."""
        self.query_one("#tabs", TabbedContent).active = tab_id

    def compose(self) -> ComposeResult:
        yield self.desktop
        with TabbedContent(id="tabs"):
            with TabPane("Details", id="tab-details"):
                yield self.details
                yield self.timeline
            with TabPane("Access", id="tab-access"):
                yield self.access

    def on_mount(self) -> None:
        # Mount comes after the children are composed and mounted.
        self.post_message(self.Built(self))


__all__ = ["SidePanes"]
