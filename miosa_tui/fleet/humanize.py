"""Short human times for tables and captions ("3d", "5h"), shared by the CLI and the dashboard."""

from __future__ import annotations

from datetime import UTC, datetime

from miosa_tui.api.timestamps import parse_timestamp


def age(created_at: str | None, now: datetime | None = None) -> str:
    """'3d', '5h', '12m', '40s' from an ISO-8601 time; '-' when unknown or unreadable."""
    when = parse_timestamp(created_at)
    if when is None:
        return "-"
    seconds = int(((now or datetime.now(UTC)) - when).total_seconds())
    if seconds < 0:
        return "0s"
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
