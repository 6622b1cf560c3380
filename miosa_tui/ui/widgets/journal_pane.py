"""The action journal pane: every action and its outcome, newest last."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.widgets import RichLog

from miosa_tui.fleet.journal import JournalEntry
from miosa_tui.ui.widgets.journal_lines import OUTCOME_STYLES, entry_line, event_line

__all__ = ["OUTCOME_STYLES", "JournalPane", "entry_line", "event_line"]


class JournalPane(RichLog):
    """Mirrors the app's Journal; toggled with `j`, exported with `J`.

    Lines are written only while the pane is shown (a hidden RichLog wraps at its minimum
    width); showing it replays the journal at the real width.
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(
            max_lines=1000, wrap=True, markup=False, highlight=False, id=id, classes=classes
        )
        self.border_title = "Journal"

    def add_entry(self, entry: JournalEntry) -> None:
        if self.display:
            self.write(entry_line(entry))

    def replay(self, entries: Iterable[JournalEntry]) -> None:
        self.clear()
        for entry in entries:
            self.write(entry_line(entry))

    def replay_lines(self, lines: Iterable[Text]) -> None:
        self.clear()
        for line in lines:
            self.write(line)
