"""Test hooks: flip a share of the whole fleet between running and stopped in one go, and keep
a share of it in transition all the time.

Benchmarks use the flip (POST /_sim/churn) to make a fixed fraction of a big fleet change status
between two polls, which is what the dashboard's diffing and table updates are measured on; and
`sim --transition-share 0.05` for a fleet where 5% are always starting or stopping (spinners).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Collection, Mapping
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


# How often (monotonic seconds) `Fleet.advance` tops the share of computers in transition up.
TOP_UP_EVERY = 0.25


def top_up_transitions(
    computers: Mapping[str, SimComputer],
    moving: int,
    share: float,
    rng: random.Random,
    begin: Callable[[SimComputer], None],
) -> list[str]:
    """Start transitions until `share` of the fleet is in one (`moving` are already): settled
    running computers are stopped and stopped ones started, picked at random from `rng`, and
    `begin` schedules each (`--transition-share`: a fleet that is never still). Returns the ids
    started."""
    wanted = round(share * len(computers)) - moving
    if wanted <= 0:
        return []
    candidates = [
        c for c in computers.values() if c.status in ("running", "stopped") and not c.steps
    ]
    picked = rng.sample(candidates, min(wanted, len(candidates)))
    for c in picked:
        begin(c)
    return [c.id for c in picked]
