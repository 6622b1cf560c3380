"""One row of the Access list, as plain data.

Kept apart from the widget so that building, drawing and copying rows all agree on one shape, and
so the rules "what is secret" and "what a browser can open" live in exactly one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from miosa_tui.fleet.equivalents import SECRET_KINDS, AccessKind
from miosa_tui.safe_text import printable, url_problem


@dataclass(frozen=True, slots=True)
class AccessEntry:
    """One row: `value` is None when there is nothing to copy yet (`note` says why)."""

    key: str
    kind: AccessKind
    label: str
    value: str | None
    port: int | None = None
    note: str = ""
    expires_at: float | None = None

    @property
    def secret(self) -> bool:
        return self.kind in SECRET_KINDS

    @property
    def web_url(self) -> str | None:
        """The value when it is something a browser can open (a checked http(s) URL)."""
        if self.value is not None and url_problem(self.value) is None:
            return self.value
        return None

    @property
    def toast_label(self) -> str:
        """How the toast names it: 'public URL', 'URL desktop', 'VNC password', ..."""
        return {
            AccessKind.PUBLIC_URL: "public URL",
            AccessKind.NAMED_URL: f"URL {printable(self.label, limit=40)}",
            AccessKind.PREVIEW_URL: f"preview URL :{self.port}",
            AccessKind.VNC_USERNAME: "VNC username",
            AccessKind.VNC_PASSWORD: "VNC password",
            AccessKind.VNC_URL: "VNC URL",
            AccessKind.STREAM_TOKEN: "stream token",
            AccessKind.COMPUTER_ID: "computer id",
        }[self.kind]
