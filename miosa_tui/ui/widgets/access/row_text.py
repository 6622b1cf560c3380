"""How one Access row is drawn: kind, label, the value (masked unless revealed) and countdowns.

Separate from the widget so the masking rule is easy to audit: the real value of a secret reaches
the screen only through `shown(..., revealed=True)` here. Both countdowns live here too: the
"hides in" of a revealed secret and the expiry of the stream token, each read from `now`.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

from miosa_tui.fleet.equivalents import AccessKind
from miosa_tui.fleet.secrets import Reveals, expiry_text, format_duration, shown
from miosa_tui.safe_text import printable
from miosa_tui.ui.widgets.access.entry import AccessEntry

LABEL_WIDTH = 18  # "url preview:5173  ": kind and label, then the value
KIND_LABELS: dict[AccessKind, str] = {
    AccessKind.PUBLIC_URL: "public",
    AccessKind.NAMED_URL: "url",
    AccessKind.PREVIEW_URL: "preview",
    AccessKind.VNC_USERNAME: "vnc",
    AccessKind.VNC_PASSWORD: "vnc",
    AccessKind.VNC_URL: "vnc",
    AccessKind.STREAM_TOKEN: "token",
    AccessKind.COMPUTER_ID: "id",
}


def row_text(entry: AccessEntry, now: float, reveals: Reveals) -> Text:
    """The option-list prompt for `entry` at time `now`; URLs are clickable links."""
    text = Text()
    kind = KIND_LABELS[entry.kind]
    text.append(kind + " ", style="dim")
    label = printable(entry.label, limit=40)
    text.append(label, style="bold")
    text.append(" " * max(1, LABEL_WIDTH - len(kind) - 1 - len(label)))
    if entry.value is None:
        text.append(printable(entry.note or "-"), style="dim italic")
        return text
    revealed = reveals.is_revealed(entry.key)
    value = printable(shown(entry.value, secret=entry.secret, revealed=revealed))
    url = entry.web_url
    text.append(value, style=Style(link=url, underline=True) if url else None)
    if entry.secret and revealed:
        left = format_duration(reveals.remaining(entry.key))
        text.append(f"  (hides in {left})", style="yellow")
    if entry.kind is AccessKind.STREAM_TOKEN:
        expiry = expiry_text(entry.expires_at, now)
        style = "red" if expiry == "expired" else "dim"
        text.append(f"  {expiry}", style=style)
    return text
