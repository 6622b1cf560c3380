"""The lines under the Access list saying which request is loading or failed, and why.

One line per request ("urls", "vnc", "token") in a fixed order, so a failure message does not
jump around while another request is still loading.
"""

from __future__ import annotations

from collections.abc import Container, Mapping

from rich.text import Text

from miosa_tui.safe_text import printable

REQUEST_NAMES = {"urls": "Named URLs", "vnc": "VNC credentials", "token": "Stream token"}


def status_text(errors: Mapping[str, str], loading: Container[str]) -> Text:
    """A failure wins over "loading…" for the same request; nothing to say gives empty text."""
    lines = Text()
    for key in ("urls", "vnc", "token"):
        if key in errors:
            if lines:
                lines.append("\n")
            lines.append(f"{REQUEST_NAMES[key]} failed: {printable(errors[key])}", style="red")
        elif key in loading:
            if lines:
                lines.append("\n")
            lines.append(f"{REQUEST_NAMES[key]}: loading…", style="dim")
    return lines
