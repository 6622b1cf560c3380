"""Masking secrets on screen, revealing one for a few seconds, and counting down expiries.

No Textual here: the widget asks these objects what to show *now*, and "now" comes from an
injected clock, so tests move time forward instead of sleeping. The mask has a fixed width so it
never gives away how long the secret is.
"""

from __future__ import annotations

import math
import time
from collections.abc import Hashable
from typing import Protocol

MASK = "\u2022" * 8  # "••••••••": same width for every secret, whatever its length
DEFAULT_REVEAL_SECONDS = 10.0


class Clock(Protocol):
    """Anything that returns the current time in epoch seconds (`time.time` in production)."""

    def __call__(self) -> float: ...


def system_clock() -> float:
    return time.time()


def mask(value: str | None) -> str:
    """The on-screen form of a secret: the fixed mask, or an empty string when there is none."""
    return MASK if value else ""


def shown(value: str | None, *, secret: bool, revealed: bool = False) -> str:
    """What to render for `value`: itself unless it is a secret that is not revealed."""
    if value is None:
        return ""
    return value if not secret or revealed else mask(value)


class Reveals:
    """Which secrets are showing in clear, each until its own deadline on `clock`.

    Keys are whatever identifies an entry (e.g. "vnc-password"); `reveal` restarts the deadline.
    """

    def __init__(
        self, clock: Clock = system_clock, duration: float = DEFAULT_REVEAL_SECONDS
    ) -> None:
        if duration <= 0:
            raise ValueError("The reveal duration must be positive.")
        self.clock = clock
        self.duration = duration
        self._until: dict[Hashable, float] = {}

    def reveal(self, key: Hashable) -> float:
        """Show `key` in clear from now on for `duration` seconds; returns the deadline."""
        deadline = self.clock() + self.duration
        self._until[key] = deadline
        return deadline

    def is_revealed(self, key: Hashable) -> bool:
        deadline = self._until.get(key)
        return deadline is not None and self.clock() < deadline

    def remaining(self, key: Hashable) -> float:
        """Seconds until `key` masks itself again (0 when it is masked)."""
        deadline = self._until.get(key)
        return max(0.0, deadline - self.clock()) if deadline is not None else 0.0

    def expire(self) -> list[Hashable]:
        """Forget every reveal whose time is up; returns their keys (the widget re-renders them)."""
        now = self.clock()
        gone = [key for key, deadline in self._until.items() if now >= deadline]
        for key in gone:
            del self._until[key]
        return gone

    def hide(self, key: Hashable) -> None:
        self._until.pop(key, None)

    def hide_all(self) -> None:
        self._until.clear()

    @property
    def active(self) -> bool:
        """True while at least one secret may be showing (the widget keeps ticking)."""
        return bool(self._until)


def format_duration(seconds: float) -> str:
    """4:32, 59:59, 1:02:03 (rounded up, so a token never reads 0:00 while still valid)."""
    total = max(0, math.ceil(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def expiry_text(expires_at: float | None, now: float) -> str:
    """'expires in 4:32', 'expired', or 'expiry unknown' when the API did not say."""
    if expires_at is None:
        return "expiry unknown"
    left = expires_at - now
    if left <= 0:
        return "expired"
    return f"expires in {format_duration(left)}"


def is_expired(expires_at: float | None, now: float) -> bool:
    return expires_at is not None and expires_at - now <= 0
