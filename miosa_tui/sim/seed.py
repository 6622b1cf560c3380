"""The starting fleet: a seeded, lifelike mix of computers, the same for the same seed.

The first twelve follow a fixed status mix (7 running, 3 stopped, one booting, one in error), so
the default 12-computer demo always shows every kind of row; past that, statuses, regions and
sizes follow weights that look like a real tenant. Times are relative to the wall clock's hour,
so a frozen wall clock gives identical created/updated times on every run.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from miosa_tui.sim.catalog import REGION_TAGS, VISIBILITIES
from miosa_tui.sim.computer import SimComputer
from miosa_tui.sim.identity import (
    FIRST_WORDS,
    SECOND_WORDS,
    NameBook,
    new_host_id,
    new_id,
    new_ip,
    new_vnc_password,
    pick_apps,
)

REGION_WEIGHTS = {"us-mia": 35, "us-nyc": 20, "us-la": 15, "eu-fra": 18, "ap-sin": 12}
SIZE_WEIGHTS = {"xs": 10, "small": 40, "medium": 30, "large": 15, "xl": 5}
# Statuses of the computers past the fixed first twelve.
LATER_STATUS_WEIGHTS = {
    "running": 62,
    "stopped": 28,
    "paused": 3,
    "error": 3,
    "starting": 2,
    "creating": 2,
}
TEAMS = ("platform", "growth", "research", "qa", "support", "infra")
OWNERS = ("ana", "bo", "chen", "dara", "eli", "fatima", "gus", "hana")
PORTS = (3000, 5173, 8000, 8080, 8888)


def seed_computers(
    count: int, rng: random.Random, names: NameBook, wall: Callable[[], datetime]
) -> dict[str, SimComputer]:
    """`count` computers by id, in creation order; draws from `rng` in a fixed order."""
    computers: dict[str, SimComputer] = {}
    anchor = wall().replace(minute=0, second=0, microsecond=0)
    base_statuses = ["running"] * 7 + ["stopped"] * 3
    base_statuses += [rng.choice(("creating", "starting")), "error"]
    rng.shuffle(base_statuses)
    firsts = rng.sample(FIRST_WORDS, len(FIRST_WORDS))
    for i in range(count):
        status = (
            base_statuses[i] if i < len(base_statuses) else _weighted(rng, LATER_STATUS_WEIGHTS)
        )
        region = _weighted(rng, REGION_WEIGHTS)
        first = firsts[i] if i < len(firsts) else rng.choice(FIRST_WORDS)
        name = _seed_name(rng, names, first, region)
        template = "miosa-sandbox" if rng.random() < 0.2 else "miosa-desktop"
        age = timedelta(seconds=rng.randint(600, 21 * 86400))
        created = anchor - age
        if status == "creating":
            created = wall() - timedelta(seconds=rng.randint(1, 5))
        updated = min(anchor, created + timedelta(seconds=rng.randint(30, 86400)))
        if status in ("creating", "starting"):
            # It finishes within seconds, as if just asked (lifecycle.SEEDED_IN_FLIGHT): its
            # status changed now, not days ago (`ls --problems` called it stuck for 11 days).
            updated = wall()
        computer = SimComputer(
            id=new_id(rng, computers),
            name=name,
            slug=names.claim_slug(name),
            status=status,
            size=_weighted(rng, SIZE_WEIGHTS),
            region=region,
            template_type=template,
            ip_address=new_ip(rng),
            created_at=created,
            updated_at=updated,
            visibility=rng.choices(VISIBILITIES, weights=(6, 3, 1))[0],
            workspace_id=None if rng.random() < 0.5 else f"ws_{rng.choice(TEAMS)}",
            metadata=(
                {"team": rng.choice(TEAMS), "owner": rng.choice(OWNERS)}
                if rng.random() < 0.6
                else {}
            ),
            preview_domain="miosa.app" if rng.random() < 0.85 else "cliniciq.com",
            host_id=new_host_id(rng, region),
            apps=pick_apps(rng, template),
            ports=tuple(sorted(rng.sample(PORTS, rng.randint(0, 2)))),
            vnc_password=new_vnc_password(rng),
        )
        computers[computer.id] = computer
    return computers


def _seed_name(rng: random.Random, names: NameBook, first: str, region: str) -> str:
    """`first-second`, sometimes with a number or a region tag, as people name machines."""
    second = rng.choice(SECOND_WORDS)
    root = f"{first}-{second}"
    roll = rng.random()
    if roll < 0.4:
        base = root
    elif roll < 0.75:
        base = f"{root}-{rng.randint(1, 12):02d}"
    else:
        base = f"{root}-{REGION_TAGS[region]}"
    return names.unique_name(base, root)


def _weighted(rng: random.Random, table: Mapping[str, float]) -> str:
    return rng.choices(list(table), weights=list(table.values()))[0]
