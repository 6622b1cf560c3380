"""Simulator settings: fleet size, seed, speed factor, screen size and faults."""

from __future__ import annotations

from dataclasses import dataclass, field

from miosa_tui.sim.faults import FaultConfig


@dataclass(frozen=True, slots=True)
class SimConfig:
    """`speed` divides every transition duration (speed=50 turns an 8 s boot into 0.16 s)."""

    fleet: int = 12
    seed: int = 7
    speed: float = 1.0
    width: int = 1280
    height: int = 800
    faults: FaultConfig = field(default_factory=FaultConfig)
    max_page_size: int = 500

    def __post_init__(self) -> None:
        if self.fleet < 0:
            raise ValueError("fleet must be 0 or more computers")
        if self.speed <= 0:
            raise ValueError("speed must be greater than 0")
        if self.width < 16 or self.height < 16:
            raise ValueError("screen width and height must be at least 16 pixels")
        if self.max_page_size < 1:
            raise ValueError("max_page_size must be at least 1")
