"""The shared shape of every modal dialog: centred, bordered, escape cancels, keys as remapped.

Dialog text that comes from the API or the user (names, paths) is always passed as `Content`,
never as markup, so a name like "[red]x" is shown literally instead of breaking the render.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Static

from miosa_tui.ui.keymap import with_keymap
from miosa_tui.ui.safe_content import safe_content

ResultT = TypeVar("ResultT")


def keys_for(app: App[Any], node: DOMNode, binding_id: str) -> list[str]:
    """The keys in effect for `binding_id` on `node` after the app's keymap, as displayed.

    Reads the node's own bindings (not the focus chain) so the answer does not depend on focus.
    """
    bindings = with_keymap(app, node._bindings)
    return [
        app.get_key_display(binding)
        for bound in bindings.key_to_bindings.values()
        for binding in bound
        if binding.id == binding_id
    ]


def key_text(app: App[Any], node: DOMNode, binding_id: str, fallback: str = "") -> str:
    """`"y"` or `"n/esc"` for a hint line; `fallback` when every key was remapped away."""
    keys = keys_for(app, node, binding_id)
    return "/".join(dict.fromkeys(keys)) if keys else fallback


def hint_line(*parts: tuple[str, str]) -> Content:
    """`(keys, what)` pairs -> "y Destroy · n/esc Cancel" with the keys in bold."""
    pieces: list[Content | str | tuple[str, str]] = []
    for keys, what in parts:
        if not keys:
            continue
        if pieces:
            pieces.append(" · ")
        pieces.append((keys, "bold"))
        pieces.append(f" {what}")
    return Content.assemble(*pieces)


class DialogScreen(ModalScreen[ResultT]):
    """Base for the dialogs: escape cancels, a result is delivered once even on a double press."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._done = False

    def cancel_value(self) -> ResultT | None:
        """What a cancelled dialog returns (None; the confirmation overrides it with False)."""
        return None

    def finish(self, result: ResultT | None) -> None:
        """Dismiss once: a second Enter/y arriving before the screen is gone is ignored."""
        if self._done:
            return
        self._done = True
        self.dismiss(result)

    def show_error(self, widget_id: str, text: str | Content) -> None:
        """Put a reason under a field (plain text, never markup); an empty one takes no line."""
        widget = self.query_one(f"#{widget_id}", Static)
        content = safe_content(text) if isinstance(text, str) else text
        widget.update(content)
        widget.set_class(not content.plain, "-empty")

    def action_cancel(self) -> None:
        self.finish(self.cancel_value())
