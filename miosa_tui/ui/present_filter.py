"""Presenter mode on screen: every drawn line passes through the fleet's stand-ins.

A Textual line filter sees each widget's rendered line as segments, after layout, so one place
covers the table, Details, Access, the journal, toasts, dialogs, the SVG of ctrl+s and what a
recording receives. A stand-in takes exactly the cells of the value it replaces (padded with
spaces, or cut), so columns stay where they were.
"""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter

from miosa_tui.fleet.poller import FleetState
from miosa_tui.fleet.standins import StandIns


class StandInFilter(LineFilter):
    """Rewrites drawn text with `stand_ins`, learning the fleet's values after each poll."""

    def __init__(self, fleet: FleetState, stand_ins: StandIns) -> None:
        super().__init__()
        self._fleet = fleet
        self._stand_ins = stand_ins
        self._learned_version = -1

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        fleet = self._fleet
        if fleet.version != self._learned_version:
            self._learned_version = fleet.version
            self._stand_ins.learn(fleet.computers.values())
        out: list[Segment] = []
        for segment in segments:
            text = segment.text
            if text and not segment.control:
                shown = self._stand_ins.apply(text)
                if shown != text:
                    segment = Segment(set_cell_size(shown, cell_len(text)), segment.style)
            out.append(segment)
        return out
