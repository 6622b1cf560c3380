"""Everything one simulator instance holds: fleet, painter, faults, stats and request log."""

from __future__ import annotations

import time
from collections import Counter, deque
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from miosa_tui.sim.computer import SimComputer
from miosa_tui.sim.config import SimConfig
from miosa_tui.sim.desktop import DesktopPainter, DesktopSpec
from miosa_tui.sim.faults import FaultInjector
from miosa_tui.sim.fleet import Fleet

REQUEST_LOG_SIZE = 2000


class SimState:
    """Shared by the routes (via `request.app.sim`) and by tests that reach in directly."""

    def __init__(self, config: SimConfig, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.config = config
        frozen = config.frozen_wall()
        if frozen is None:
            self.fleet = Fleet(config, clock=clock)
            self.painter = DesktopPainter(
                config.width, config.height, animate=not config.still_desktops
            )
        else:
            self.fleet = Fleet(config, clock=clock, wall=lambda: frozen)
            self.painter = DesktopPainter(config.width, config.height, now=lambda: frozen)
        self.faults = FaultInjector(config.faults, seed=config.seed)
        self.stats: Counter[str] = Counter()
        self.requests: deque[dict[str, Any]] = deque(maxlen=REQUEST_LOG_SIZE)

    def computer_json(self, computer: SimComputer) -> dict[str, Any]:
        """The wire shape, with the unknown-status fault applied per computer."""
        return computer.to_json(status=self.faults.unknown_status())

    def desktop_spec(self, computer: SimComputer) -> DesktopSpec:
        return DesktopSpec(
            id=computer.id,
            name=computer.name,
            apps=computer.apps,
            region=computer.region,
            size=computer.size,
            template_type=computer.template_type,
        )

    def reset_stats(self) -> None:
        self.stats.clear()
        self.requests.clear()

    def stats_json(self) -> dict[str, Any]:
        return {
            "total": sum(self.stats.values()),
            "routes": dict(sorted(self.stats.items())),
            "computers": len(self.fleet.computers),
            "since": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
