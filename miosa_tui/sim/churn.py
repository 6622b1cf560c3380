"""Test hook: flip a share of the whole fleet between running and stopped in one go.

Benchmarks use it (POST /_sim/churn) to make a fixed fraction of a big fleet change status
between two polls, which is what the dashboard's diffing and table updates are measured on.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Collection
from datetime import datetime

from miosa_tui.sim.computer import SimComputer
from miosa_tui.sim.errors import invalid


def check_share(share: float) -> None:
    if not 0.0 <= share <= 1.0:
        raise invalid("share", "must be a number from 0 to 1")


def flip_share(
    computers: Collection[SimComputer],
    share: float,
    rng: random.Random,
    wall: Callable[[], datetime],
) -> list[str]:
    """Flip `share` of `computers`, counting the whole fleet; return the ids that changed.

    Only settled running/stopped computers are picked (no schedule is disturbed), at random from
    `rng` (the fleet's own seeded generator, so a run is repeatable).
    """
    wanted = round(share * len(computers))
    candidates = [c for c in computers if c.status in ("running", "stopped") and not c.steps]
    picked = rng.sample(candidates, min(wanted, len(candidates)))
    now = wall()
    for c in picked:
        c.status = "stopped" if c.status == "running" else "running"
        c.updated_at = now
    return [c.id for c in picked]
