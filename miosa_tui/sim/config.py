"""Simulator settings: fleet size, seed, speed factor, screen size and faults."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from miosa_tui.sim.faults import FaultConfig


@dataclass(frozen=True, slots=True)
class SimConfig:
    """`speed` divides every transition duration (speed=50 turns an 8 s boot into 0.16 s).

    `frozen_time` (ISO-8601, e.g. "2026-11-28T12:00:00Z") stops the simulator's wall clock at
    that instant: seeded created/updated times derive from it and every desktop shows it as its
    clock, so screenshots and snapshot tests are the same on every run. Transitions still run
    on the monotonic clock.

    Desktops live (the agent's terminal log advances, windows take focus, the pointer moves;
    `sim.desktop_motion`) unless `still_desktops` is set or the clock is frozen.
    """

    fleet: int = 12
    seed: int = 7
    speed: float = 1.0
    width: int = 1280
    height: int = 800
    faults: FaultConfig = field(default_factory=FaultConfig)
    max_page_size: int = 500
    frozen_time: str | None = None
    still_desktops: bool = False
    transition_share: float = 0.0  # keep this share of the fleet starting/stopping (churn.py)

    def __post_init__(self) -> None:
        if self.fleet < 0:
            raise ValueError("fleet must be 0 or more computers")
        if self.speed <= 0:
            raise ValueError("speed must be greater than 0")
        if self.width < 16 or self.height < 16:
            raise ValueError("screen width and height must be at least 16 pixels")
        if self.max_page_size < 1:
            raise ValueError("max_page_size must be at least 1")
        if self.frozen_time is not None:
            self.frozen_wall()  # fail early on a time that does not parse

    def frozen_wall(self) -> datetime | None:
        """`frozen_time` as an aware UTC datetime (a time without zone is taken as UTC)."""
        if self.frozen_time is None:
            return None
        try:
            when = datetime.fromisoformat(self.frozen_time.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(
                f"frozen_time must be an ISO-8601 time, got {self.frozen_time!r}"
            ) from None
        return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
