"""What the desktop pane says in words: the caption, why there is no picture, one-line errors.

Pure functions of their arguments, so the wording can be read and checked without an app.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from miosa_tui.api.models import FAILED_STATUSES, TRANSITIONAL, Computer
from miosa_tui.ui.widgets.desktop.shot import Shot


def ago(seconds: float) -> str:
    """'3s ago', '4m ago', '2h ago'."""
    s = max(0, int(seconds))
    if s < 60:
        return f"{s}s ago"
    if s < 3600:
        return f"{s // 60}m ago"
    return f"{s // 3600}h ago"


def why_no_picture(computer: Computer) -> str:
    """Why a non-running computer has no desktop to show, with what to do about it."""
    name, status = computer.name, computer.status
    if status in TRANSITIONAL:
        return f"{name} is {status}: its desktop appears once it is running"
    if status in FAILED_STATUSES:  # "is error" is not English; "in error", "has failed"
        state = {"error": "is in error", "failed": "has failed"}.get(status, f"is {status}")
        return f"{name} {state}: there is no desktop to show"
    if status in ("stopped", "paused"):
        return f"{name} is {status}: start it (s) to see its desktop"
    return f"{name} is {status}: only a running computer has a desktop to show"


def one_line(text: str) -> str:
    return " ".join(text.split())


def caption_text(
    computer: Computer,
    shot: Shot | None,
    clock: Callable[[], datetime],
    auto_interval: float | None,
) -> str:
    """'desk · 1280x800 · captured 12:04:31 · 3s ago · auto 10s', or the status until this
    computer's picture arrives. `clock` is read only when there is an age to show;
    `auto_interval` is None while auto refresh is off."""
    parts = [computer.name]
    if shot is not None and shot.computer_id == computer.id:
        width, height = shot.size
        if shot.region is not None:
            parts.append(
                f"region x {shot.region.x} y {shot.region.y}"
                f" w {shot.region.width} h {shot.region.height}"
            )
        parts.append(f"{width}x{height}")
        now = clock()
        parts.append(
            f"captured {shot.captured_at:%H:%M:%S} · "
            f"{ago((now - shot.captured_at).total_seconds())}"
        )
    else:
        parts.append(computer.status)
    if auto_interval is not None:
        parts.append(f"auto {auto_interval:g}s")
    return " · ".join(parts)
