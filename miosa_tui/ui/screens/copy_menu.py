"""The copy menu (`Y`): the same entry as URL, computer id, CLI line or curl line.

The highlighted choice is also shown in a read-only TextArea, so a user whose terminal ignores
OSC 52 can select it with the mouse. Secrets are shown masked here too; choosing one still copies
the real value (the caller does the copy after the menu closes).
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from miosa_tui.safe_text import printable, safe
from miosa_tui.ui.copy_option import CopyOption

__all__ = ["CopyMenu", "CopyOption", "copy_hint"]


PICK_KEYS = 5  # the number keys bound below (copy_menu.pick1 .. pick5)


def copy_hint(count: int) -> str:
    """ "enter/1-4 copy · esc close · …": the number keys that have an entry, no more."""
    picks = min(count, PICK_KEYS)
    if picks == 0:
        return "esc close"
    numbers = "1" if picks == 1 else f"1-{picks}"
    return f"enter/{numbers} copy · esc close · or select the text above with the mouse"


class CopyMenu(ModalScreen[CopyOption | None]):
    """Pick what to copy; dismisses with the chosen option, or None on escape."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss_menu", "Close", id="copy_menu.close"),
        Binding("1", "pick(0)", "Copy 1", show=False, id="copy_menu.pick1"),
        Binding("2", "pick(1)", "Copy 2", show=False, id="copy_menu.pick2"),
        Binding("3", "pick(2)", "Copy 3", show=False, id="copy_menu.pick3"),
        Binding("4", "pick(3)", "Copy 4", show=False, id="copy_menu.pick4"),
        Binding("5", "pick(4)", "Copy 5", show=False, id="copy_menu.pick5"),
    ]

    def __init__(self, title: str, options: list[CopyOption]) -> None:
        super().__init__()
        self._title = title
        self._options = list(options)

    def compose(self) -> ComposeResult:
        with Vertical(id="copy-box"):
            yield Label(safe(self._title, limit=200), id="copy-title")
            yield OptionList(
                *[self._prompt(i, o) for i, o in enumerate(self._options)], id="copy-options"
            )
            yield TextArea(
                printable(self._options[0].shown) if self._options else "",
                read_only=True,
                soft_wrap=True,
                show_line_numbers=False,
                id="copy-text",
            )
            yield Static(Content(copy_hint(len(self._options))), id="copy-hint")

    @staticmethod
    def _prompt(index: int, option: CopyOption) -> Option:
        prompt = Text.assemble(
            (f"{index + 1}  ", "bold"),
            (f"{option.title:<12}", "bold"),
            " ",
            printable(option.shown),
        )
        prompt.truncate(200, overflow="ellipsis")
        return Option(prompt, id=option.key)

    def on_mount(self) -> None:
        options = self.query_one("#copy-options", OptionList)
        if self._options:
            options.highlighted = 0
        options.focus()

    @property
    def options(self) -> list[CopyOption]:
        return list(self._options)

    @on(OptionList.OptionHighlighted, "#copy-options")
    def _show_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        index = event.option_index
        if 0 <= index < len(self._options):
            self.query_one("#copy-text", TextArea).text = printable(self._options[index].shown)

    @on(OptionList.OptionSelected, "#copy-options")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_pick(event.option_index)

    def action_pick(self, index: int) -> None:
        if 0 <= index < len(self._options):
            self.dismiss(self._options[index])

    def action_dismiss_menu(self) -> None:
        self.dismiss(None)
