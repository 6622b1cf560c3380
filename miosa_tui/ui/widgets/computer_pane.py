"""The contract between the dashboard and its side panes (Details, Desktop, Access, Timeline).

The dashboard owns the highlight: when the table's cursor lands on another computer it calls
`show_computer` on every pane it was given, and when a poll changes the computer already shown
it calls `computer_changed`. A call, not a message: it runs before the next key is read, so a key
pressed right after an arrow acts on what the panes show (the table's highlight), never on the
computer before it.
"""

from __future__ import annotations

from typing import Protocol

from miosa_tui.api.models import Computer


class ComputerPane(Protocol):
    """A pane that shows the computer the table highlights."""

    def show_computer(self, computer: Computer | None) -> None:
        """The highlight moved to `computer` (None: nothing is highlighted)."""

    def computer_changed(self, computer: Computer) -> None:
        """A poll changed the computer this pane shows (same id, new fields)."""


__all__ = ["ComputerPane"]
