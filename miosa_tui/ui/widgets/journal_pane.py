"""The action journal pane: every action and its outcome, newest last."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.text import Text
from textual import on
from textual.message import Message
from textual.widgets import RichLog

from miosa_tui.fleet.history import HistoryEvent
from miosa_tui.fleet.journal import JournalEntry
from miosa_tui.ui.widgets.journal_lines import (
    OUTCOME_STYLES,
    entry_line,
    event_line,
    left_out_line,
)

__all__ = ["OUTCOME_STYLES", "HistoryRecorded", "JournalPane", "entry_line", "event_line"]

# Status changes drawn of one batch the history recorded; the newest are kept, every action is.
# A moving fleet of 10,000 (5% in transition) records ~970 a poll: drawn, ~165 ms of the event
# loop each poll while the pane was open. 40 lines take ~7 ms, more than the pane shows.
LIVE_STATUS_ROWS = 40

# What the pane shows when it is opened: its lines, and whether they are the history's rows
# (else this session's journal entries: the history is not open, or it is off).
Load = Callable[[], tuple[list[Text], bool]]


class HistoryRecorded(Message):
    """The history writer stored these rows (posted from its thread by ui/triage.py)."""

    bubble = False

    def __init__(self, events: Sequence[HistoryEvent]) -> None:
        super().__init__()
        self.events = events


class JournalPane(RichLog):
    """Toggled with `j`, exported with `J`. Shows the history (earlier sessions, scripts and
    the status changes this dashboard saw) when it is open, else this session's journal, and
    goes on as it grows: rows the history records, or entries the journal adds.

    Lines are written only while the pane is shown (a hidden RichLog wraps at its minimum
    width); showing it replays at the real width.
    """

    def __init__(self, load: Load, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(
            max_lines=1000, wrap=True, markup=False, highlight=False, id=id, classes=classes
        )
        self.border_title = "Journal"
        self.load = load
        self.from_history = False

    def replay(self) -> None:
        lines, self.from_history = self.load()
        self.clear()
        for line in lines:
            self.write(line)

    def add_entry(self, entry: JournalEntry) -> None:
        """An entry of this session's journal (when the history is on, it comes back as a row
        the history recorded: `HistoryRecorded`)."""
        if self.display and not self.from_history:
            self.write(entry_line(entry))

    @on(HistoryRecorded)
    def _recorded(self, message: HistoryRecorded) -> None:
        if not self.display:
            return
        if not self.from_history:
            self.replay()  # the history has opened since: its rows, older ones included
            return
        events = list(message.events)
        statuses = [event for event in events if event.kind == "status"]
        skipped = statuses[:-LIVE_STATUS_ROWS]
        if skipped:
            left_out = {id(event) for event in skipped}
            events = [event for event in events if id(event) not in left_out]
            self.write(left_out_line(skipped[0].at, len(skipped)))
        for event in events:
            self.write(event_line(event))
