"""The presenter's corner: the last few keys pressed, so an audience can follow along."""

from __future__ import annotations

from collections import deque

from rich.text import Text
from textual.widgets import Static

KEY_ECHO_LENGTH = 6


class KeyEcho(Static):
    """The last keys pressed, newest on the right (presenter mode)."""

    def __init__(self) -> None:
        super().__init__("", id="key-echo")
        self.keys: deque[str] = deque(maxlen=KEY_ECHO_LENGTH)

    def press(self, label: str) -> None:
        self.keys.append(label)
        self.update(Text("keys  " + " ".join(self.keys)))
