"""Showing the dashboard to others: what the command line asked for, and how keys are named.

`Presentation` is what the command line asked for (`--record FILE.cast`, `--present`); the app
reads it once. While either is on, secrets stay masked even when asked for (`v` is refused with
a sentence), so neither the audience nor the recording ever sees one. No Textual here: the CLI
builds it before the dashboard is imported.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# How keys are written in the corner (Textual key names are for code, not for an audience).
_KEY_LABELS = {
    "space": "␣",
    "enter": "⏎",
    "escape": "esc",
    "tab": "⇥",
    "backspace": "⌫",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "slash": "/",
    "question_mark": "?",
    "colon": ":",
}


@dataclass(frozen=True, slots=True)
class Presentation:
    record: Path | None = None
    present: bool = False

    @property
    def reveal_lock(self) -> str | None:
        """Why secrets may not be revealed now, as the end of a sentence; None when they may."""
        if self.present:
            return "presenter mode is on"
        if self.record is not None:
            return "this session is being recorded"
        return None


def key_label(key: str, character: str | None) -> str:
    if key in _KEY_LABELS:
        return _KEY_LABELS[key]
    if character and character.isprintable() and len(character) == 1:
        return character
    return key.replace("ctrl+", "^").replace("shift+", "⇧")
