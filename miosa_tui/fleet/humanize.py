"""Short human text for tables and captions (ages such as "3d", sizes such as "small · 2 vCPU ·
4 GB"), shared by the CLI and the dashboard."""

from __future__ import annotations

from datetime import UTC, datetime

from miosa_tui.api.models import SIZES
from miosa_tui.api.timestamps import parse_timestamp

# The one arrow between two statuses ("stopped → running"): rows, journal, timeline, watch
# toasts, alerts and exports all draw a change with it.
ARROW = "→"


def transition(old: str, new: str) -> str:
    """'stopped → running'."""
    return f"{old} {ARROW} {new}"


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


def size_label(
    size: str | None, spec: tuple[int, int] | None = None, *, aligned: bool = False
) -> str:
    """ "medium · 4 vCPU · 8 GB" for one computer, or aligned for a list of choices
    ("medium   4 vCPU · 8 GB"). `spec` (vCPU, memory MB) defaults to the catalog's; a size
    the catalog does not know is shown by name, no size as '-'."""
    if spec is None:
        spec = SIZES.get(size or "")
    if size is None or spec is None:
        return size or "-"
    vcpu, mem_mb = spec
    gb = mem_mb / 1024
    mem = f"{gb:g} GB" if gb >= 1 else f"{mem_mb} MB"
    if aligned:
        return f"{size:<6}  {vcpu:>2} vCPU · {mem}"
    return f"{size} · {vcpu} vCPU · {mem}"
