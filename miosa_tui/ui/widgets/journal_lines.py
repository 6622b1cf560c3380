"""One journal or history entry as a line of text (the journal pane and the timeline draw these).

Apart from the pane so that the timeline, drawn at start-up, does not import RichLog (and with it
rich.pretty and attrs, ~30 ms) before the first paint.
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from miosa_tui.fleet.history import HistoryEvent
from miosa_tui.fleet.humanize import transition
from miosa_tui.fleet.journal import JournalEntry
from miosa_tui.safe_text import printable

OUTCOME_STYLES = {
    "ok": "green",
    "sent": "cyan",
    "failed": "bold red",
    "timed out": "red",
    "unknown outcome": "bold yellow",
    "skipped": "dim",
    "refused": "yellow",
}


def stamp(at: datetime) -> str:
    """Local time, with the day: a pane replays rows from earlier days as well."""
    return at.astimezone().strftime("%m-%d %H:%M:%S ")


def entry_line(entry: JournalEntry) -> Text:
    line = Text()
    line.append(stamp(entry.at), style="dim")
    line.append(f"{entry.action:<8} ", style="bold")
    line.append(f"{printable(entry.target, limit=80)} ")
    line.append(entry.outcome, style=OUTCOME_STYLES.get(entry.outcome, ""))
    if entry.message:
        line.append(f" · {printable(entry.message)}")
    if entry.request_id:
        line.append(f" [{printable(entry.request_id, limit=80)}]", style="dim")
    return line


def event_line(event: HistoryEvent) -> Text:
    """A history row (this or an earlier session, or a script) as a journal line. Every value
    in it came from the API or from another process: each is drawn through `printable`."""
    line = Text()
    line.append(stamp(event.at), style="dim")
    if event.kind == "action":
        line.append(f"{printable(event.action, limit=12):<8} ", style="bold")
        line.append(f"{printable(event.target, limit=80)} ")
        outcome = event.outcome or ""
        line.append(printable(outcome, limit=20), style=OUTCOME_STYLES.get(outcome, ""))
    else:
        line.append(f"{'status':<8} ", style="dim bold")
        line.append(f"{printable(event.target, limit=80)} ")
        old = printable(event.old_status or "new", limit=30)
        new = printable(event.new_status or "gone", limit=30)
        line.append(transition(old, new))
    if event.message:
        line.append(f" · {printable(event.message)}")
    if event.request_id:
        line.append(f" [{printable(event.request_id, limit=80)}]", style="dim")
    if event.source and event.source != "dashboard":
        line.append(f" ({printable(event.source, limit=40)})", style="dim")
    return line


def left_out_line(at: datetime, count: int | None = None) -> Text:
    """In place of status changes the pane does not draw (`count` of them, when known), from
    `at` back."""
    line = Text(stamp(at), style="dim")
    many = "" if count is None else f"{count} "
    line.append(f"… {many}earlier status changes (see `miosa-tui journal`)")
    return line
