"""The line above the table: how many computers need attention, and the fleet's trend.

Problems come first (the on-call reads left to right); the two sparklines show the running and
problem counts over the session's polls.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Sparkline, Static


class TriageBar(Horizontal):
    def compose(self) -> ComposeResult:
        yield Static("", id="triage-summary")
        yield Static("running", classes="trend-label")
        yield Sparkline([], id="trend-running")
        yield Static("problems", classes="trend-label")
        yield Sparkline([], id="trend-problems")

    def show(self, summary: Text, running: Sequence[float], problems: Sequence[float]) -> None:
        shown = summary if summary.plain else Text(" no problems", style="green")
        self.query_one("#triage-summary", Static).update(shown)
        # One point is no trend (a sparkline draws it as a full bar): wait for the second poll.
        self.query_one("#trend-running", Sparkline).data = list(running) if len(running) > 1 else []
        self.query_one("#trend-problems", Sparkline).data = (
            list(problems) if len(problems) > 1 else []
        )
