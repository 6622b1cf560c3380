"""The action journal pane: every action and its outcome, newest last."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.widgets import RichLog

from miosa_tui.fleet.history import HistoryEvent
from miosa_tui.fleet.journal import JournalEntry

OUTCOME_STYLES = {
    "ok": "green",
    "sent": "cyan",
    "failed": "bold red",
    "timed out": "red",
    "unknown outcome": "bold yellow",
    "skipped": "dim",
}


def entry_line(entry: JournalEntry) -> Text:
    line = Text()
    line.append(entry.at.astimezone().strftime("%H:%M:%S "), style="dim")
    line.append(f"{entry.action:<8} ", style="bold")
    line.append(f"{entry.target} ")
    line.append(entry.outcome, style=OUTCOME_STYLES.get(entry.outcome, ""))
    if entry.message:
        line.append(f" · {entry.message}")
    if entry.request_id:
        line.append(f" [{entry.request_id}]", style="dim")
    return line


def event_line(event: HistoryEvent) -> Text:
    """A history row (this or an earlier session, or a script) as a journal line."""
    if event.kind == "action":
        line = Text()
        line.append(event.at.astimezone().strftime("%m-%d %H:%M:%S "), style="dim")
        line.append(f"{event.action:<8} ", style="bold")
        line.append(f"{event.target} ")
        outcome = event.outcome or ""
        line.append(outcome, style=OUTCOME_STYLES.get(outcome, ""))
    else:
        line = Text()
        line.append(event.at.astimezone().strftime("%m-%d %H:%M:%S "), style="dim")
        line.append(f"{'status':<8} ", style="dim bold")
        line.append(f"{event.target} ")
        line.append(f"{event.old_status or 'new'} → {event.new_status or 'gone'}")
    if event.message:
        line.append(f" · {event.message}")
    if event.request_id:
        line.append(f" [{event.request_id}]", style="dim")
    if event.source and event.source != "dashboard":
        line.append(f" ({event.source})", style="dim")
    return line


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
