"""Under Details: why the highlighted computer is a problem, and its own history (status
changes with times, the actions taken on it with their outcome and request id), newest last.
Read from the persistent history, so it includes what earlier sessions and scripts did.

Read again when told so by a `TimelineChanged` message (the history opened, rows about the
computer were recorded, or its problem changed), never on a timer."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from rich.text import Text
from textual import on, work
from textual.message import Message
from textual.widgets import Static

from miosa_tui.api.models import Computer
from miosa_tui.fleet.history import HistoryEvent
from miosa_tui.fleet.humanize import transition
from miosa_tui.fleet.problems import Problem
from miosa_tui.safe_text import printable
from miosa_tui.ui.widgets.journal_lines import OUTCOME_STYLES, stamp
from miosa_tui.ui.widgets.static_text import set_content

Load = Callable[[str], list[HistoryEvent]]
Judge = Callable[[str], Problem | None]


def timeline_text(problem: Problem | None, events: Sequence[HistoryEvent], now: datetime) -> Text:
    """The pane's content (every piece of API text added as plain Text, never markup)."""
    text = Text()
    if problem is not None:
        text.append("Problem: ", style="bold red")
        text.append(printable(problem.summary(now), multiline=True))
        if problem.request_id:
            text.append(f" [request {printable(problem.request_id, limit=80)}]", style="dim")
        text.append("\n")
    text.append("Timeline", style="bold underline")
    text.append("\n")
    if not events:
        text.append("nothing recorded yet", style="dim")
        return text
    for event in events:
        text.append(stamp(event.at), style="dim")
        if event.kind == "status":
            old = printable(event.old_status or "new", limit=30)
            new = printable(event.new_status or "gone", limit=30)
            text.append(transition(old, new), style="bold")
        else:
            text.append(f"{printable(event.action, limit=12)} ", style="bold")
            outcome = event.outcome or ""
            text.append(printable(outcome, limit=20), style=OUTCOME_STYLES.get(outcome, ""))
        if event.message:
            text.append(f" · {printable(event.message)}")
        if event.request_id:
            text.append(f" [{printable(event.request_id, limit=80)}]", style="dim")
        if event.source:
            text.append(f" ({printable(event.source, limit=40)})", style="dim")
        text.append("\n")
    text.rstrip()
    return text


class TimelineChanged(Message):
    """What the timeline of these computers shows changed (None: of any computer): posted to
    the pane by ui/triage.py when the history opens, when rows are recorded and when problems
    change. May be posted from the history writer's thread (`post_message` is thread-safe)."""

    bubble = False

    def __init__(self, computer_ids: frozenset[str] | None = None) -> None:
        super().__init__()
        self.computer_ids = computer_ids


class TimelinePane(Static):
    """Shows the computer the table highlights; the history is read in a thread."""

    def __init__(
        self,
        load: Load,
        judge: Judge,
        now: Callable[[], datetime],
        *,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__("", id=id, classes=classes)
        self.load = load
        self.judge = judge
        self.now = now
        self.computer_id: str | None = None

    @on(TimelineChanged)
    def _changed(self, message: TimelineChanged) -> None:
        ident = self.computer_id
        if ident is not None and (message.computer_ids is None or ident in message.computer_ids):
            self._refresh_for(ident)

    def show_computer(self, computer: Computer | None) -> None:
        self.computer_id = computer.id if computer else None
        if computer is None:
            set_content(self, "")
            return
        self._refresh_for(computer.id)

    def computer_changed(self, computer: Computer) -> None:
        self.show_computer(computer)

    @work(exclusive=True, group="timeline", thread=True)
    def _refresh_for(self, ident: str) -> None:
        events = self.load(ident)
        self.app.call_from_thread(self._show, ident, events)

    def _show(self, ident: str, events: list[HistoryEvent]) -> None:
        if ident == self.computer_id:
            # A layout only when its height changes (a highlight move laid out the whole screen)
            set_content(self, timeline_text(self.judge(ident), events, self.now()))
