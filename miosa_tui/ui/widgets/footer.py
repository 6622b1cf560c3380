"""Textual's Footer, recomposed only when what it shows changes, and without its memory leak.

Textual 8.2.8's Footer recomposes (unmounts and mounts some twenty FooterKey widgets, ~40 ms on
the event loop here) every time the bindings are refreshed, which this app does on every cursor
move so that keys invalid for the highlighted computer are greyed. Most moves change nothing it
shows, so it now recomposes only when the keys, their labels or their enabled states differ.

It also binds each FooterKey to `Footer.compact` (`data_bind`), which registers a watcher on the
Footer. Watchers of removed widgets are only pruned when `compact` changes, which never happens
here, so every recompose leaked ~20 dead FooterKey widgets, styles and message queues: a chaos
soak grew the Python heap by ~60% in four minutes. Dropping the dead watchers before each
compose keeps the Footer's memory flat.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.widgets import Footer as TextualFooter

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
        if self.is_attached and self._signature() != self._shown:
            await self.recompose()

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
        yield from super().compose()
