"""The action journal pane: every action and its outcome, newest last."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from typing import NamedTuple

from rich.text import Text
from textual import on
from textual.events import Resize
from textual.message import Message
from textual.timer import Timer
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
# Rows are wrapped to the pane's width when written. RichLog's default (78) wrapped them at 78
# cells even in a narrower pane, which then cut them: on an 80-column terminal the pane is ~48
# wide and showed neither an action's outcome nor a status change's "stopped → running".
MIN_WIDTH = 20
# After the pane's width changes, seconds before its rows are wrapped again (a terminal dragged
# wider sends many sizes; writing ~500 rows again takes tens of milliseconds).
MAX_LINES = 1000
REWRAP_AFTER = 0.2


class JournalView(NamedTuple):
    """What the pane shows when it is opened."""

    lines: list[Text]
    from_history: bool  # the history's rows (else this session's journal: no history yet, or off)
    batches: int  # how many batches the writer had reported before the history was read


Load = Callable[[], JournalView]


class HistoryRecorded(Message):
    """The history writer stored these rows, its batch number `batch` (counted from 1; posted
    from its thread by ui/triage.py)."""

    bubble = False

    def __init__(self, events: Sequence[HistoryEvent], batch: int) -> None:
        super().__init__()
        self.events = events
        self.batch = batch


class JournalPane(RichLog):
    """Toggled with `j`, exported with `J`. Shows the history (earlier sessions, scripts and
    the status changes this dashboard saw) when it is open, else this session's journal, and
    goes on as it grows: rows the history records, or entries the journal adds.

    Lines are written only while the pane is shown (a hidden RichLog wraps at its minimum
    width); showing it replays at the real width, and so does a new width.
    """

    def __init__(self, load: Load, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(
            max_lines=MAX_LINES,
            min_width=MIN_WIDTH,
            wrap=True,
            markup=False,
            highlight=False,
            id=id,
            classes=classes,
        )
        self.border_title = "Journal"
        self.load = load
        self.from_history = False
        self.read_after = 0  # the batches reported before the last read: they are in it
        # The width the rows were last written at: None before the first replay, 0 when it came
        # before the pane had a size (RichLog then writes them at its first width).
        self._wrapped_at: int | None = None
        self._rewrap: Timer | None = None
        self._shown: deque[Text] = deque(maxlen=MAX_LINES)  # the rows as written, to re-wrap

    def replay(self) -> None:
        view = self.load()
        self.from_history, self.read_after = view.from_history, view.batches
        self._shown.clear()
        self._write_all(view.lines)

    def _write_all(self, lines: Sequence[Text]) -> None:
        self.clear()
        self._wrapped_at = self.scrollable_content_region.width
        for line in lines:
            self._show(line)

    def _show(self, line: Text) -> None:
        self._shown.append(line)
        self.write(line)

    def _rewrap_now(self) -> None:
        """The rows shown, written again at the pane's width (no new read of the history)."""
        lines = list(self._shown)
        self._shown.clear()
        self._write_all(lines)

    def on_resize(self, event: Resize) -> None:
        """A new width: the rows are written again at it, once the size settles."""
        width = self.scrollable_content_region.width
        if not self.display or self._wrapped_at is None or width in (0, self._wrapped_at):
            return  # hidden, never replayed yet (the dashboard replays on showing), or the same
        if not self._wrapped_at:
            self._wrapped_at = width  # its first size: the rows are written at it
            return
        if self._rewrap is not None:
            self._rewrap.stop()
        self._rewrap = self.set_timer(REWRAP_AFTER, self._rewrap_now)

    def add_entry(self, entry: JournalEntry) -> None:
        """An entry of this session's journal (when the history is on, it comes back as a row
        the history recorded: `HistoryRecorded`)."""
        if self.display and not self.from_history:
            self._show(entry_line(entry))

    @on(HistoryRecorded)
    def _recorded(self, message: HistoryRecorded) -> None:
        if not self.display:
            return
        if message.batch <= self.read_after:
            return  # stored and reported before the pane read the history: drawn by that read
        if not self.from_history:
            self.replay()  # the history has opened since: its rows, older ones included
            return
        events = list(message.events)
        statuses = [event for event in events if event.kind == "status"]
        skipped = statuses[:-LIVE_STATUS_ROWS]
        if skipped:
            left_out = {id(event) for event in skipped}
            events = [event for event in events if id(event) not in left_out]
            self._show(left_out_line(skipped[0].at, len(skipped)))
        for event in events:
            self._show(event_line(event))
