"""What "Copy as…" offers for a row: its value, the computer id, and the CLI and curl twins.

Kept out of the widget so the list can be checked without a running app; the curl line names the
API key's environment variable, never the key (see `fleet.equivalents`).
"""

from __future__ import annotations

from miosa_tui.api.models import Computer
from miosa_tui.fleet.equivalents import AccessKind, cli_line, curl_line
from miosa_tui.ui.copy_option import CopyOption
from miosa_tui.ui.widgets.access.entry import AccessEntry

VALUE_TITLES: dict[AccessKind, str] = {
    AccessKind.VNC_USERNAME: "Username",
    AccessKind.VNC_PASSWORD: "Password",
    AccessKind.STREAM_TOKEN: "Token",
    AccessKind.COMPUTER_ID: "Computer id",
}


def copy_options(
    computer: Computer,
    entry: AccessEntry | None,
    *,
    base_url: str | None,
    tenant: str | None,
) -> list[CopyOption]:
    """The menu for `entry` of `computer` (no entry: computer-level lines only, no value)."""
    kind = entry.kind if entry is not None else AccessKind.COMPUTER_ID
    options: list[CopyOption] = []
    if entry is not None and entry.value is not None:
        title = VALUE_TITLES.get(entry.kind, "URL")
        options.append(
            CopyOption("value", title, entry.value, entry.toast_label, secret=entry.secret)
        )
    options.append(CopyOption("id", "Computer id", computer.id, "computer id"))
    port = entry.port if entry is not None else None
    options.append(
        CopyOption("cli", "CLI line", cli_line(kind, computer.id, port=port), "CLI line")
    )
    options.append(
        CopyOption(
            "curl",
            "curl line",
            curl_line(kind, computer.id, base_url=base_url, tenant=tenant),
            "curl line",
        )
    )
    return options
