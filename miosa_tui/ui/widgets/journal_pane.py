"""The action journal pane: every action and its outcome, newest last."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import RichLog

OUTCOME_STYLES = {
    "ok": "green",
    "sent": "cyan",
    "failed": "bold red",
    "timed out": "red",
    "unknown outcome": "bold yellow",
    "skipped": "dim",
}


class JournalPane(RichLog):
    """Mirrors the app's Journal; toggled with `j`, exported with `J`."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(max_lines=1000, wrap=True, markup=False, highlight=False, **kwargs)  # type: ignore[arg-type]
        self.border_title = "Journal"

    def add_entry(
        self,
        when: str,
        action: str,
        target: str,
        outcome: str,
        message: str,
        request_id: str | None,
    ) -> None:
        line = Text()
        line.append(f"{when} ", style="dim")
        line.append(f"{action:<8} ", style="bold")
        line.append(f"{target} ")
        line.append(outcome, style=OUTCOME_STYLES.get(outcome, ""))
        if message:
            line.append(f" · {message}")
        if request_id:
            line.append(f" [{request_id}]", style="dim")
        self.write(line)
