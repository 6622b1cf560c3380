"""Asked before a secret holding control or invisible characters goes to the clipboard.

Pasted into a terminal, such characters can run commands or hide what is pasted; the secret is
still the user's to copy, so they are told which characters it holds (visibly escaped, the secret
itself masked) and asked.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Static

from miosa_tui.safe_text import escape_char, is_hidden
from miosa_tui.ui.screens.dialog_base import DialogScreen


def hidden_characters(text: str) -> str:
    """The control and invisible characters in `text`, each once, visibly escaped."""
    return " ".join(dict.fromkeys(escape_char(c) for c in text if is_hidden(c)))


class ConfirmCopyDialog(DialogScreen[bool]):
    """ "The VNC password contains control characters: copy it anyway?" True copies it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "copy_anyway", "Copy anyway", id="copy_confirm.yes"),
        Binding("n", "cancel", "Cancel", id="copy_confirm.no"),
    ]

    def __init__(self, label: str, text: str) -> None:
        super().__init__()
        self.label = label
        self.message = (
            f"The {label} contains control or invisible characters "
            f"({hidden_characters(text)}). Pasted into a terminal they can run commands or "
            "hide what is pasted. Copy it anyway?"
        )

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="-danger") as box:
            box.border_title = Content(f"Copy the {self.label}?")
            yield Static(Content(self.message), id="copy-confirm-message", classes="message")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Copy anyway", id="copy-anyway", variant="error")
            yield Static(Content("y copy anyway · n/esc cancel"), classes="hints")

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    def cancel_value(self) -> bool:
        return False

    def action_copy_anyway(self) -> None:
        self.finish(True)

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()

    @on(Button.Pressed, "#copy-anyway")
    def _copy_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.finish(True)
