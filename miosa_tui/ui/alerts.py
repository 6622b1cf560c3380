"""Telling the on-call a computer broke: a toast, and when the `alerts` setting allows, the
terminal bell and a desktop notification through the terminal itself (OSC 9, understood by
iTerm2, Windows Terminal, WezTerm, ConEmu; OSC 777, by foot, urxvt and VTE terminals). Terminals
that know neither ignore the sequence; nothing is sent in a web browser (textual-serve).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from textual.app import App

LEVELS = ("off", "toast", "bell", "desktop")  # config.ALERTS: each includes those before it
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069;]")
MAX_TEXT = 180


def osc_text(text: str) -> str:
    """`text` made safe inside an OSC string: no control characters (an ESC or BEL would end
    the sequence early and let API text drive the terminal), no `;` (the field separator)."""
    return _UNSAFE.sub(" ", text)[:MAX_TEXT]


def notification_sequences(title: str, body: str) -> str:
    """OSC 9 (body only) and OSC 777 (title and body), each ended with BEL."""
    osc9 = f"\x1b]9;{osc_text(f'{title}: {body}')}\x07"
    osc777 = f"\x1b]777;notify;{osc_text(title)};{osc_text(body)}\x07"
    return osc9 + osc777


def driver_writer(app: App[Any]) -> Callable[[str], None]:
    """A function writing to the app's terminal (looked up on each call: the driver changes
    across a suspend); it writes nothing in a web browser, where raw sequences mean nothing."""

    def write(data: str) -> None:
        driver = app._driver  # Textual has no public raw-write API; App.bell uses the same
        if driver is not None and not driver.is_web:
            driver.write(data)

    return write


class Alerts:
    """Sends alerts at the configured level; `write` is where escape sequences go (the
    terminal driver in the app, a list in tests)."""

    def __init__(self, level: str, write: Callable[[str], None] | None) -> None:
        self.level = level if level in LEVELS else "toast"
        self.write = write

    def allows(self, level: str) -> bool:
        return self.level != "off" and LEVELS.index(self.level) >= LEVELS.index(level)

    def announce(self, title: str, body: str) -> None:
        """Bell and desktop notification, as the level allows (the toast is the caller's)."""
        if self.write is None:
            return
        if self.allows("bell"):
            self.write("\x07")
        if self.allows("desktop"):
            self.write(notification_sequences(title, body))
