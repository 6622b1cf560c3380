"""Which rows the Access list shows for a computer, in order, from what has been fetched so far.

A pure function of its inputs, so the order (public URL, recent preview ports, named URLs, VNC,
stream token) and the row keys the tests and `select()` rely on are decided in one place.
"""

from __future__ import annotations

from miosa_tui.api.links import preview_url, public_url
from miosa_tui.api.models import Computer, NamedUrl, StreamToken, VncCredentials
from miosa_tui.fleet.equivalents import AccessKind
from miosa_tui.ui.widgets.access.entry import AccessEntry


def build_entries(
    computer: Computer,
    *,
    ports: list[int],
    named: list[NamedUrl] | None,
    vnc: VncCredentials | None,
    token: StreamToken | None,
) -> list[AccessEntry]:
    """The rows for `computer` (URLs from `api.links`, as `MiosaClient.public_url` and
    `preview_url` build them: the computer's own `sandbox_url` and `preview_domain` win)."""
    public = public_url(computer)
    entries = [AccessEntry("public", AccessKind.PUBLIC_URL, "desktop", public)]
    for port in ports:
        url = preview_url(computer, port)
        entries.append(
            AccessEntry(f"preview:{port}", AccessKind.PREVIEW_URL, f":{port}", url, port=port)
        )
    # Keys keep the API's index so they stay stable; a copy of the public URL is not repeated.
    for index, item in enumerate(named or []):
        if item.url.rstrip("/") == public.rstrip("/"):
            continue
        label = item.name + (f":{item.port}" if item.port else "")
        entries.append(
            AccessEntry(f"url:{index}", AccessKind.NAMED_URL, label, item.url, port=item.port)
        )
    if vnc is not None:
        entries.append(
            AccessEntry(
                "vnc-user",
                AccessKind.VNC_USERNAME,
                "username",
                vnc.username,
                note="The API sent no VNC username.",
            )
        )
        entries.append(
            AccessEntry(
                "vnc-password",
                AccessKind.VNC_PASSWORD,
                "password",
                vnc.password,
                note="The API sent no VNC password.",
            )
        )
        entries.append(
            AccessEntry(
                "vnc-url", AccessKind.VNC_URL, "url", vnc.url, note="The API sent no VNC URL."
            )
        )
    entries.append(
        AccessEntry(
            "token",
            AccessKind.STREAM_TOKEN,
            "stream",
            token.token if token is not None else None,
            note="No stream token yet: press t to issue one.",
            expires_at=token.expires_at if token is not None else None,
        )
    )
    return entries
