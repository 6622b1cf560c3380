"""Textual's Footer without its memory leak.

Textual 8.2.8's Footer binds each FooterKey to `Footer.compact` (`data_bind`), which registers a
watcher on the Footer. Watchers of removed widgets are only pruned when `compact` changes, which
never happens here, yet the Footer recomposes every time the bindings change (each highlight,
dialog and focus change). So every recompose leaked ~20 dead FooterKey widgets, styles and
message queues: a chaos soak grew the Python heap by ~60% in four minutes. Dropping the dead
watchers before each compose keeps the Footer's memory flat.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    def compose(self) -> ComposeResult:
        watchers = getattr(self, "__watchers", None)
        if isinstance(watchers, dict):
            for name, registered in watchers.items():
                watchers[name] = [
                    (node, callback)
                    for node, callback in registered
                    if not (getattr(node, "_closing", False) or getattr(node, "_closed", False))
                ]
        yield from super().compose()
