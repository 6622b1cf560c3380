"""Bindings as the user remapped them: the one place that applies the app's keymap (from the
config file's [keymap], `App.set_keymap`) to a node's bindings, for hints, help and refusals."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.binding import BindingsMap


def with_keymap(app: App[Any], bindings: BindingsMap) -> BindingsMap:
    """A copy of `bindings` with the app's keymap applied (the original is left alone)."""
    result = bindings.copy()
    keymap = app._keymap  # Textual keeps the keymap private; set_keymap has no getter
    if keymap:
        result.apply_keymap(keymap)
    return result


__all__ = ["with_keymap"]
