"""Invented identities for simulated computers: ids, names, slugs, hosts, IPs, passwords, apps.

Everything is drawn from the fleet's seeded generator, so one seed always gives the same fleet.
`NameBook` keeps names and slugs unique, as the real service does: a slug is part of a URL.
"""

from __future__ import annotations

import random
import re
from collections.abc import Container

from miosa_tui.sim.catalog import APP_TITLES, REGION_TAGS

FIRST_WORDS = [
    "research", "qa", "browser", "build", "demo", "scraper", "eval", "data", "render",
    "support", "ops", "design", "ci", "sales", "labs", "crawler", "review", "docs",
    "finance", "onboarding",
]  # fmt: skip
SECOND_WORDS = [
    "desk", "runner", "agent", "box", "worker", "lab", "station", "node", "sandbox",
    "bench", "studio", "pilot",
]  # fmt: skip
# Every desktop has a terminal and a file manager; jupyter belongs to the sandbox template.
OPTIONAL_APPS = [a for a in APP_TITLES if a not in ("terminal", "files", "jupyter")]


def slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40].strip("-")
    return slug or "computer"


def random_name(rng: random.Random) -> str:
    """A name for a computer created without one (E auto-generates names too)."""
    return f"{rng.choice(FIRST_WORDS)}-{rng.choice(SECOND_WORDS)}"


class NameBook:
    """Names and slugs already handed out, so new ones never collide.

    Names are never given back (a destroyed computer's name stays taken); slugs are, so a
    destroyed or renamed computer frees its URL.
    """

    def __init__(self) -> None:
        self._counters: dict[str, int] = {}
        self._slugs: set[str] = set()

    def unique_name(self, base: str, root: str | None = None) -> str:
        """`base` if free, else `root-NN` with the next free counter (O(1) amortised)."""
        if base not in self._counters:
            self._counters[base] = 2
            return base
        root = root or base
        n = self._counters.get(root, 2)
        while f"{root}-{n:02d}" in self._counters:
            n += 1
        self._counters[root] = n + 1
        name = f"{root}-{n:02d}"
        self._counters[name] = 2
        return name

    def claim_slug(self, name: str) -> str:
        """The slug of `name`, suffixed `-2`, `-3`... when another computer holds it."""
        base = slugify(name)
        slug, n = base, 1
        while slug in self._slugs:
            n += 1
            slug = f"{base}-{n}"
        self._slugs.add(slug)
        return slug

    def release_slug(self, slug: str) -> None:
        self._slugs.discard(slug)


def new_id(rng: random.Random, taken: Container[str]) -> str:
    while True:
        cid = f"comp_{rng.getrandbits(32):08x}"
        if cid not in taken:
            return cid


def new_host_id(rng: random.Random, region: str) -> str:
    return f"host-{REGION_TAGS[region]}-{rng.randint(1, 24):02d}"


def new_ip(rng: random.Random) -> str:
    return f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(2, 254)}"


def new_vnc_password(rng: random.Random) -> str:
    """16 characters without the look-alikes (0/O, 1/l/I), since people read them off a screen."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(rng.choice(alphabet) for _ in range(16))


def pick_apps(rng: random.Random, template: str) -> tuple[str, ...]:
    """The sandbox template has a fixed set; a desktop gets the basics plus 2-5 extras."""
    if template == "miosa-sandbox":
        return ("terminal", "files", "jupyter")
    extra = rng.sample(OPTIONAL_APPS, rng.randint(2, 5))
    return ("terminal", "files", *extra)
