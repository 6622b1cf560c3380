"""Textual's Footer, recomposed only when what it shows changes, and without its memory leak.

Textual 8.2.8's Footer recomposes (unmounts and mounts some twenty FooterKey widgets, ~40 ms on
the event loop here) every time the bindings are refreshed, which this app does on every cursor
move so that keys invalid for the highlighted computer are greyed. Most moves change nothing it
shows, so it now recomposes only when the keys or their labels differ; when only which keys are
enabled changed, the keys are greyed or ungreyed in place.

It also binds each FooterKey to `Footer.compact` (`data_bind`), which registers a watcher on the
Footer. Watchers of removed widgets are only pruned when `compact` changes, which never happens
here, so every recompose leaked ~20 dead FooterKey widgets, styles and message queues: a chaos
soak grew the Python heap by ~60% in four minutes. Dropping the dead watchers before each
compose keeps the Footer's memory flat.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.geometry import Size
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey

if TYPE_CHECKING:
    from textual.screen import Screen

Signature = tuple[tuple[str, str, str, bool, str], ...]


class Footer(TextualFooter):
    _shown: Signature | None = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        if not self.is_attached:
            return
        shown = self._signature()
        if shown == self._shown:
            return
        if self._shown is not None and _only_enabled_differs(self._shown, shown):
            self._set_enabled(shown)
            return
        await self.recompose()
        self.fit_keys()

    def _set_enabled(self, shown: Signature) -> None:
        """Grey or ungrey the keys in place: moving between a running and a stopped computer
        only flips start/stop and the like, and a recompose cost ~10 ms on every such move
        (most of a held page down's time after the table's)."""
        enabled = {(key, action): on for key, action, _label, on, _tip in shown}
        for footer_key in self.query(FooterKey):
            on = enabled.get((footer_key.key, footer_key.action))
            if on is not None and footer_key._disabled == on:
                footer_key._disabled = not on  # FooterKey reads it on click
                footer_key.set_class(not on, "-disabled")
        self._shown = shown

    def on_resize(self) -> None:
        self.fit_keys()

    def fit_keys(self) -> None:
        """Hide the keys that would not fit whole, from the right (the footer lists the most
        used keys first); the command palette key always stays. Textual's Footer cuts the
        last visible key in half instead ("x Re" at 160 columns)."""
        width = self.size.width
        if width <= 0 or not self.is_attached:
            return
        keys = list(self.query(FooterKey))
        used = sum(_key_width(k, width) for k in keys if k.has_class("-command-palette"))
        full = False
        for key in keys:
            if key.has_class("-command-palette"):
                continue
            need = _key_width(key, width)
            full = full or used + need > width
            key.display = not full
            if not full:
                used += need

    def _signature(self) -> Signature:
        """Everything `compose` reads from the bindings, in order."""
        return tuple(
            (binding.key, binding.action, binding.description, enabled, tooltip)
            for _node, binding, enabled, tooltip in self.screen.active_bindings.values()
            if binding.show or binding.key == self.app.COMMAND_PALETTE_BINDING
        )

    def compose(self) -> ComposeResult:
        watchers = getattr(self, "__watchers", None)
        if isinstance(watchers, dict):
            for name, registered in watchers.items():
                watchers[name] = [
                    (node, callback)
                    for node, callback in registered
                    if not (getattr(node, "_closing", False) or getattr(node, "_closed", False))
                ]
        if self._bindings_ready:
            self._shown = self._signature()
        for widget in super().compose():
            bound = getattr(widget, "_reactive_connect", None) or {}
            if isinstance(widget, FooterKey) and "compact" in bound:  # not the palette key
                # A FooterKey starts compact and is then bound to the Footer's (not compact):
                # each flip restyled it, twice per key, ~40 restyles per compose (start-up
                # profile). Start it as it will be: its watcher then has nothing to change.
                widget.set_reactive(FooterKey.compact, self.compact)
                widget.set_class(self.compact, "-compact", update=False)
            yield widget


def _key_width(key: FooterKey, width: int) -> int:
    """Cells `key` takes: its text and its padding and border."""
    size = Size(width, 1)
    return key.get_content_width(size, size) + key.styles.gutter.width


def _only_enabled_differs(before: Signature, after: Signature) -> bool:
    """The same keys with the same labels and tooltips, in the same order."""
    return len(before) == len(after) and all(
        (a[0], a[1], a[2], a[4]) == (b[0], b[1], b[2], b[4])
        for a, b in zip(before, after, strict=True)
    )
