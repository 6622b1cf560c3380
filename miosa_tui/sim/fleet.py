"""The simulated fleet: seeded computers and their lifecycle state machine.

Transitions are computed lazily from an injectable monotonic clock: an action stores a schedule
of `(due_time, status)` steps and every read first applies the steps that are due. There is no
background task, so tests can drive time with a fake clock and the server stays idle when idle.
Durations (divided by the speed factor F): creating -> running 8 s, starting -> running 4 s,
stopping -> stopped 3 s, restart = stopping 3 s -> starting 4 s -> running, destroying 2 s and
then the computer is gone (404, absent from the list).

Decisions where the SDKs are silent (reference §4.2-4.3):
- Same-state actions are refused with 409 INVALID_STATE ("computer X is already running").
- Actions on a computer that is mid-transition are refused with 409 (wait for it to settle),
  except destroy, which is allowed from any status but `destroying`. Destroy needs no `force`.
- `error` is terminal (T: "destroy and retry"): only destroy is allowed.
- Resize of a running computer reboots it: the new size shows at once and the status goes
  stopping -> starting -> running (like a restart). Resize of a stopped or paused computer just
  changes the size and stays put. Resizing to the current size is 409 ("already size small").
- Move is refused with 409 unless the computer is stopped ("stop it before moving it"): moving a
  disk between regions is a cold operation, and refusing is clearer than a silent reboot.
  A move changes the region (and host_id / IP) immediately; the computer stays stopped.
- Clone is allowed from running, stopped or paused; the clone starts in `creating`.
"""

from __future__ import annotations

import math
import random
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from miosa_tui.sim.config import SimConfig

# Durations in seconds at speed 1.0.
CREATE_S = 8.0
START_S = 4.0
STOP_S = 3.0
DESTROY_S = 2.0

# P's strict enum: the only statuses the simulator emits on its own.
STATUSES = (
    "creating", "provisioning", "starting", "running", "active", "paused",
    "stopping", "stopped", "error", "destroying", "destroyed",
)  # fmt: skip
TRANSITIONAL = frozenset({"creating", "provisioning", "starting", "stopping", "destroying"})
RUNNING = frozenset({"running", "active"})
_GONE = "__gone__"

SIZES: dict[str, tuple[int, int]] = {
    "xs": (1, 2048),
    "small": (2, 4096),
    "medium": (4, 8192),
    "large": (8, 16384),
    "xl": (16, 32768),
}
SIZE_ALIASES = {"xlarge": "xl"}
REGIONS: dict[str, str] = {
    "us-mia": "Miami",
    "us-nyc": "New York",
    "us-la": "Los Angeles",
    "eu-fra": "Frankfurt",
    "ap-sin": "Singapore",
}
TEMPLATES = ("miosa-desktop", "miosa-sandbox")
VISIBILITIES = ("public", "tenant", "key")
MAX_NAME = 63

APP_TITLES: dict[str, str] = {
    "terminal": "Terminal",
    "files": "Files",
    "firefox": "Firefox",
    "chromium": "Chromium",
    "code": "VS Code",
    "libreoffice": "LibreOffice",
    "gimp": "GIMP",
    "slack": "Slack",
    "postman": "Postman",
    "jupyter": "Jupyter",
    "thunderbird": "Thunderbird",
    "vlc": "VLC",
}
_OPTIONAL_APPS = [a for a in APP_TITLES if a not in ("terminal", "files", "jupyter")]

_FIRST = [
    "research", "qa", "browser", "build", "demo", "scraper", "eval", "data", "render",
    "support", "ops", "design", "ci", "sales", "labs", "crawler", "review", "docs",
    "finance", "onboarding",
]  # fmt: skip
_SECOND = [
    "desk", "runner", "agent", "box", "worker", "lab", "station", "node", "sandbox",
    "bench", "studio", "pilot",
]  # fmt: skip
_REGION_TAG = {"us-mia": "mia", "us-nyc": "nyc", "us-la": "la", "eu-fra": "eu", "ap-sin": "sg"}
_TEAMS = ("platform", "growth", "research", "qa", "support", "infra")
_OWNERS = ("ana", "bo", "chen", "dara", "eli", "fatima", "gus", "hana")
_PORTS = (3000, 5173, 8000, 8080, 8888)


class SimError(Exception):
    """An API error the routes turn into a flat JSON body."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        fields: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = dict(fields or {})


def _invalid(field_name: str, message: str) -> SimError:
    return SimError(422, "VALIDATION_FAILED", f"{field_name} {message}", {field_name: message})


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _weighted(rng: random.Random, table: Mapping[str, float]) -> str:
    return rng.choices(list(table), weights=list(table.values()))[0]


@dataclass(slots=True)
class SimComputer:
    """One computer's full internal state (more than the wire shows)."""

    id: str
    name: str
    slug: str
    status: str
    size: str
    region: str
    template_type: str
    ip_address: str
    created_at: datetime
    updated_at: datetime
    visibility: str = "public"
    tenant_id: str = "ten_01"
    workspace_id: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    preview_domain: str = "miosa.app"
    host_id: str = "host-mia-01"
    apps: tuple[str, ...] = ("terminal", "files")
    ports: tuple[int, ...] = ()
    vnc_password: str = ""
    steps: list[tuple[float, str]] = field(default_factory=list)
    forced: bool = False

    @property
    def sandbox_url(self) -> str:
        return f"https://{self.slug}.sandbox.{self.preview_domain}"

    @property
    def desktop_url(self) -> str:
        return f"https://{self.slug}.computer.miosa.ai/viewer"

    def to_json(self, status: str | None = None) -> dict[str, Any]:
        shown = status or self.status
        return {
            "id": self.id,
            "name": self.name,
            "slug": self.slug,
            "status": shown,
            "template_type": self.template_type,
            "size": self.size,
            "region": self.region,
            "visibility": self.visibility,
            "tenant_id": self.tenant_id,
            "workspace_id": self.workspace_id,
            "ip_address": None if shown in ("creating", "provisioning") else self.ip_address,
            "host_id": self.host_id,
            "metadata": dict(self.metadata),
            "preview_domain": self.preview_domain,
            "sandbox_url": self.sandbox_url,
            "desktop_url": self.desktop_url,
            "created_at": _iso(self.created_at),
            "updated_at": _iso(self.updated_at),
        }

    def internal_json(self, now: float) -> dict[str, Any]:
        data = self.to_json()
        data["apps"] = list(self.apps)
        data["ports"] = list(self.ports)
        data["forced"] = self.forced
        data["schedule"] = [
            {"status": "gone" if s == _GONE else s, "in_s": round(max(0.0, t - now), 3)}
            for t, s in self.steps
        ]
        return data


def slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40].strip("-")
    return slug or "computer"


def parse_size(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _invalid("size", f"must be one of {', '.join(SIZES)}")
    text = value.strip().lower()
    text = SIZE_ALIASES.get(text, text)
    if text not in SIZES:
        raise _invalid("size", f"'{value}' is unknown; use one of {', '.join(SIZES)}")
    return text


def parse_region(value: object) -> str:
    if not isinstance(value, str) or value.strip().lower() not in REGIONS:
        raise _invalid("region", f"'{value}' is unknown; use one of {', '.join(REGIONS)}")
    return value.strip().lower()


def parse_name(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _invalid("name", "can't be blank")
    text = value.strip()
    if len(text) > MAX_NAME:
        raise _invalid("name", f"must be at most {MAX_NAME} characters")
    return text


def _positive_number(body: Mapping[str, Any], *keys: str) -> float | None:
    for key in keys:
        if key in body and body[key] is not None:
            value = body[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise _invalid(key, "must be a positive number")
            return float(value)
    return None


def nearest_size(cpu: float | None, memory_mb: float | None) -> str:
    """Map {cpu, memory_mb} to the closest catalog size (log distance, ties go smaller)."""

    def distance(spec: tuple[int, int]) -> float:
        total = 0.0
        if cpu is not None:
            total += abs(math.log2(cpu / spec[0]))
        if memory_mb is not None:
            total += abs(math.log2(memory_mb / spec[1]))
        return total

    return min(SIZES, key=lambda s: distance(SIZES[s]))


def size_from_body(body: Mapping[str, Any]) -> str:
    if body.get("size") is not None:
        return parse_size(body["size"])
    cpu = _positive_number(body, "cpu", "cpu_count", "vcpus")
    memory = _positive_number(body, "memory_mb", "memory")
    if cpu is None and memory is None:
        raise _invalid("size", "is required (or give cpu and memory_mb)")
    return nearest_size(cpu, memory)


class Fleet:
    """All computers, keyed by id, with lazy transitions driven by `clock`."""

    def __init__(
        self,
        config: SimConfig,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], datetime] | None = None,
    ) -> None:
        self.config = config
        self.clock = clock
        self.wall: Callable[[], datetime] = wall or (lambda: datetime.now(UTC))
        self.computers: dict[str, SimComputer] = {}
        self._pending: set[str] = set()
        self._order: list[str] | None = None
        self._slugs: set[str] = set()
        self._names: dict[str, int] = {}
        self._rng = random.Random(config.seed)
        self._seed(config.fleet)

    # ---- seeding -------------------------------------------------------------------------

    def _seed(self, count: int) -> None:
        rng = self._rng
        anchor = self.wall().replace(minute=0, second=0, microsecond=0)
        base_statuses = ["running"] * 7 + ["stopped"] * 3
        base_statuses += [rng.choice(("creating", "starting")), "error"]
        rng.shuffle(base_statuses)
        firsts = rng.sample(_FIRST, len(_FIRST))
        regions = {"us-mia": 35, "us-nyc": 20, "us-la": 15, "eu-fra": 18, "ap-sin": 12}
        sizes = {"xs": 10, "small": 40, "medium": 30, "large": 15, "xl": 5}
        later = {
            "running": 62,
            "stopped": 28,
            "paused": 3,
            "error": 3,
            "starting": 2,
            "creating": 2,
        }
        now = self.clock()
        for i in range(count):
            status = base_statuses[i] if i < len(base_statuses) else _weighted(rng, later)
            region = _weighted(rng, regions)
            first = firsts[i] if i < len(firsts) else rng.choice(_FIRST)
            name = self._seed_name(rng, first, region)
            template = "miosa-sandbox" if rng.random() < 0.2 else "miosa-desktop"
            age = timedelta(seconds=rng.randint(600, 21 * 86400))
            created = anchor - age
            if status == "creating":
                created = self.wall() - timedelta(seconds=rng.randint(1, 5))
            updated = min(anchor, created + timedelta(seconds=rng.randint(30, 86400)))
            computer = SimComputer(
                id=self._new_id(rng),
                name=name,
                slug=self._unique_slug(name),
                status=status,
                size=_weighted(rng, sizes),
                region=region,
                template_type=template,
                ip_address=self._ip(rng),
                created_at=created,
                updated_at=updated,
                visibility=rng.choices(VISIBILITIES, weights=(6, 3, 1))[0],
                workspace_id=None if rng.random() < 0.5 else f"ws_{rng.choice(_TEAMS)}",
                metadata=(
                    {"team": rng.choice(_TEAMS), "owner": rng.choice(_OWNERS)}
                    if rng.random() < 0.6
                    else {}
                ),
                preview_domain="miosa.app" if rng.random() < 0.85 else "cliniciq.com",
                host_id=f"host-{_REGION_TAG[region]}-{rng.randint(1, 24):02d}",
                apps=self._apps(rng, template),
                ports=tuple(sorted(rng.sample(_PORTS, rng.randint(0, 2)))),
                vnc_password=self._password(rng),
            )
            if status == "creating":
                self._schedule(computer, now, [("running", CREATE_S)])
            elif status == "starting":
                self._schedule(computer, now, [("running", START_S)])
            self.computers[computer.id] = computer

    def _seed_name(self, rng: random.Random, first: str, region: str) -> str:
        second = rng.choice(_SECOND)
        root = f"{first}-{second}"
        roll = rng.random()
        if roll < 0.4:
            base = root
        elif roll < 0.75:
            base = f"{root}-{rng.randint(1, 12):02d}"
        else:
            base = f"{root}-{_REGION_TAG[region]}"
        return self._unique_name(base, root)

    def _unique_name(self, base: str, root: str | None = None) -> str:
        """`base` if free, else `root-NN` with the next free counter (O(1) amortised)."""
        if base not in self._names:
            self._names[base] = 2
            return base
        root = root or base
        n = self._names.get(root, 2)
        while f"{root}-{n:02d}" in self._names:
            n += 1
        self._names[root] = n + 1
        name = f"{root}-{n:02d}"
        self._names[name] = 2
        return name

    def _unique_slug(self, name: str) -> str:
        base = slugify(name)
        slug, n = base, 1
        while slug in self._slugs:
            n += 1
            slug = f"{base}-{n}"
        self._slugs.add(slug)
        return slug

    def _new_id(self, rng: random.Random) -> str:
        while True:
            cid = f"comp_{rng.getrandbits(32):08x}"
            if cid not in self.computers:
                return cid

    @staticmethod
    def _ip(rng: random.Random) -> str:
        return f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(2, 254)}"

    @staticmethod
    def _password(rng: random.Random) -> str:
        alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
        return "".join(rng.choice(alphabet) for _ in range(16))

    @staticmethod
    def _apps(rng: random.Random, template: str) -> tuple[str, ...]:
        if template == "miosa-sandbox":
            return ("terminal", "files", "jupyter")
        extra = rng.sample(_OPTIONAL_APPS, rng.randint(2, 5))
        return ("terminal", "files", *extra)

    # ---- time ----------------------------------------------------------------------------

    def _schedule(
        self,
        computer: SimComputer,
        now: float,
        steps: Iterable[tuple[str, float]],
        *,
        first: str | None = None,
    ) -> None:
        """Queue steps; durations are divided by the speed factor."""
        if first is not None:
            computer.status = first
            computer.updated_at = self.wall()
        at = now
        computer.steps = []
        for status, seconds in steps:
            at += seconds / self.config.speed
            computer.steps.append((at, status))
        computer.forced = False
        if computer.steps:
            self._pending.add(computer.id)

    def _advance_one(self, computer: SimComputer, now: float) -> None:
        wall_now = self.wall()
        while computer.steps and computer.steps[0][0] <= now:
            due, status = computer.steps.pop(0)
            if status == _GONE:
                self._remove(computer.id)
                return
            computer.status = status
            computer.updated_at = wall_now - timedelta(seconds=max(0.0, now - due))
        if not computer.steps:
            self._pending.discard(computer.id)

    def advance(self) -> None:
        """Apply every due step; cheap when nothing is in flight."""
        if not self._pending:
            return
        now = self.clock()
        for cid in list(self._pending):
            computer = self.computers.get(cid)
            if computer is None:
                self._pending.discard(cid)
            else:
                self._advance_one(computer, now)

    def _remove(self, cid: str) -> None:
        computer = self.computers.pop(cid, None)
        self._pending.discard(cid)
        self._order = None
        if computer is not None:
            self._slugs.discard(computer.slug)

    # ---- reads ---------------------------------------------------------------------------

    def get(self, key: str) -> SimComputer:
        """By id, else by name or slug (C `watch`/`open` try names first)."""
        self.advance()
        computer = self.computers.get(key)
        if computer is None:
            computer = next((c for c in self.computers.values() if key in (c.name, c.slug)), None)
        if computer is None:
            raise SimError(404, "NOT_FOUND", f"computer {key} not found")
        return computer

    def ordered(self) -> list[SimComputer]:
        """Newest first by created_at; ties broken by id so paging is stable."""
        self.advance()
        if self._order is None:
            items = sorted(self.computers.values(), key=lambda c: c.id)
            items.sort(key=lambda c: c.created_at, reverse=True)
            self._order = [c.id for c in items]
        return [self.computers[cid] for cid in self._order if cid in self.computers]

    def page(
        self, page: int, per_page: int, statuses: frozenset[str] | None = None
    ) -> tuple[list[SimComputer], int]:
        items = self.ordered()
        if statuses:
            items = [c for c in items if c.status in statuses]
        start = (page - 1) * per_page
        return items[start : start + per_page], len(items)

    # ---- writes --------------------------------------------------------------------------

    def create(self, body: Mapping[str, Any]) -> SimComputer:
        name_value = body.get("name")
        name = parse_name(name_value) if name_value is not None else None
        size = parse_size(body["size"]) if body.get("size") is not None else "small"
        region = parse_region(body["region"]) if body.get("region") is not None else "us-mia"
        template = body.get("template_type") or body.get("template") or "miosa-desktop"
        if template not in TEMPLATES:
            raise _invalid(
                "template_type", f"'{template}' is unknown; use one of {', '.join(TEMPLATES)}"
            )
        visibility = body.get("visibility") or "public"
        if visibility not in VISIBILITIES:
            raise _invalid("visibility", f"must be one of {', '.join(VISIBILITIES)}")
        metadata = body.get("metadata") or {}
        if not isinstance(metadata, dict):
            raise _invalid("metadata", "must be an object")
        rng = self._rng
        if name is None:
            name = self._unique_name(f"{rng.choice(_FIRST)}-{rng.choice(_SECOND)}")
        now_wall = self.wall()
        workspace = body.get("workspace_id")
        computer = SimComputer(
            id=self._new_id(rng),
            name=name,
            slug=self._unique_slug(name),
            status="creating",
            size=size,
            region=region,
            template_type=str(template),
            ip_address=self._ip(rng),
            created_at=now_wall,
            updated_at=now_wall,
            visibility=str(visibility),
            workspace_id=workspace if isinstance(workspace, str) else None,
            metadata=dict(metadata),
            host_id=f"host-{_REGION_TAG[region]}-{rng.randint(1, 24):02d}",
            apps=self._apps(rng, str(template)),
            ports=(3000,) if rng.random() < 0.5 else (),
            vnc_password=self._password(rng),
        )
        self.computers[computer.id] = computer
        self._order = None
        self._schedule(computer, self.clock(), [("running", CREATE_S)])
        return computer

    def update(self, key: str, body: Mapping[str, Any]) -> SimComputer:
        computer = self.get(key)
        if "name" in body:
            name = parse_name(body["name"])
            if name != computer.name:
                self._slugs.discard(computer.slug)
                computer.name = name
                computer.slug = self._unique_slug(name)
        if "visibility" in body:
            if body["visibility"] not in VISIBILITIES:
                raise _invalid("visibility", f"must be one of {', '.join(VISIBILITIES)}")
            computer.visibility = str(body["visibility"])
        if "metadata" in body:
            if not isinstance(body["metadata"], dict):
                raise _invalid("metadata", "must be an object")
            computer.metadata = dict(body["metadata"])
        computer.updated_at = self.wall()
        return computer

    def _refuse(self, computer: SimComputer, action: str) -> SimError:
        name, status = computer.name, computer.status
        if status == "error":
            text = f"computer {name} is in error; destroy it and create a new one"
        elif status == "destroying":
            text = f"computer {name} is being destroyed"
        elif status in TRANSITIONAL:
            text = f"computer {name} is {status}; wait until it settles, then {action} it"
        else:
            text = f"computer {name} is {status}; it can't be {action}ed now"
        return SimError(409, "INVALID_STATE", text)

    def start(self, key: str) -> SimComputer:
        c = self.get(key)
        if c.status in RUNNING:
            raise SimError(409, "INVALID_STATE", f"computer {c.name} is already running")
        if c.status not in ("stopped", "paused"):
            raise self._refuse(c, "start")
        self._schedule(c, self.clock(), [("running", START_S)], first="starting")
        return c

    def stop(self, key: str) -> SimComputer:
        c = self.get(key)
        if c.status == "stopped":
            raise SimError(409, "INVALID_STATE", f"computer {c.name} is already stopped")
        if c.status not in RUNNING and c.status != "paused":
            raise self._refuse(c, "stop")
        self._schedule(c, self.clock(), [("stopped", STOP_S)], first="stopping")
        return c

    def restart(self, key: str) -> SimComputer:
        c = self.get(key)
        if c.status == "stopped":
            raise SimError(409, "INVALID_STATE", f"computer {c.name} is stopped; start it instead")
        if c.status not in RUNNING:
            raise self._refuse(c, "restart")
        steps = [("starting", STOP_S), ("running", START_S)]
        self._schedule(c, self.clock(), steps, first="stopping")
        return c

    def destroy(self, key: str) -> SimComputer:
        c = self.get(key)
        if c.status == "destroying":
            raise SimError(409, "INVALID_STATE", f"computer {c.name} is already being destroyed")
        self._schedule(c, self.clock(), [(_GONE, DESTROY_S)], first="destroying")
        return c

    def clone(self, key: str, body: Mapping[str, Any]) -> SimComputer:
        source = self.get(key)
        if source.status not in RUNNING and source.status not in ("stopped", "paused"):
            raise self._refuse(source, "clone")
        name = body.get("name")
        if name is None:
            name = self._unique_name(f"{source.name[: MAX_NAME - 9]}-clone")
        fields: dict[str, Any] = {
            "name": name,
            "size": body.get("size") or source.size,
            "region": body.get("region") or source.region,
            "template_type": source.template_type,
            "visibility": source.visibility,
            "metadata": dict(source.metadata),
            "workspace_id": source.workspace_id,
        }
        clone = self.create(fields)
        clone.apps = source.apps
        clone.ports = source.ports
        clone.preview_domain = source.preview_domain
        return clone

    def resize(self, key: str, body: Mapping[str, Any]) -> SimComputer:
        c = self.get(key)
        size = size_from_body(body)
        if c.status not in RUNNING and c.status not in ("stopped", "paused"):
            raise self._refuse(c, "resize")
        if size == c.size:
            raise SimError(409, "INVALID_STATE", f"computer {c.name} is already size {size}")
        c.size = size
        c.updated_at = self.wall()
        if c.status in RUNNING:
            steps = [("starting", STOP_S), ("running", START_S)]
            self._schedule(c, self.clock(), steps, first="stopping")
        return c

    def move(self, key: str, body: Mapping[str, Any]) -> SimComputer:
        c = self.get(key)
        region_value = body.get("region")
        host_value = body.get("host_id")
        if region_value is None and host_value is None:
            raise _invalid("region", "is required (or give host_id)")
        region = parse_region(region_value) if region_value is not None else c.region
        if host_value is not None and (not isinstance(host_value, str) or not host_value):
            raise _invalid("host_id", "must be a non-empty string")
        if c.status != "stopped":
            if c.status in RUNNING:
                text = f"computer {c.name} is running; stop it before moving it"
            else:
                text = f"computer {c.name} is {c.status}; only a stopped computer can move"
            raise SimError(409, "INVALID_STATE", text)
        if region == c.region and (host_value is None or host_value == c.host_id):
            raise SimError(409, "INVALID_STATE", f"computer {c.name} is already in {region}")
        rng = self._rng
        c.region = region
        c.host_id = (
            str(host_value)
            if host_value is not None
            else f"host-{_REGION_TAG[region]}-{rng.randint(1, 24):02d}"
        )
        c.ip_address = self._ip(rng)
        c.updated_at = self.wall()
        return c

    def churn(self, share: float) -> list[str]:
        """Test hook: flip `share` of the whole fleet between running and stopped at once.

        Only settled running/stopped computers are picked (no schedule is disturbed), at random
        from the fleet's own seeded generator; returns the ids that changed. Benchmarks use it to
        make a fixed fraction of a big fleet change status between two polls.
        """
        if not 0.0 <= share <= 1.0:
            raise _invalid("share", "must be a number from 0 to 1")
        self.advance()
        wanted = round(share * len(self.computers))
        candidates = [
            c for c in self.computers.values() if c.status in ("running", "stopped") and not c.steps
        ]
        picked = self._rng.sample(candidates, min(wanted, len(candidates)))
        wall = self.wall()
        for c in picked:
            c.status = "stopped" if c.status == "running" else "running"
            c.updated_at = wall
        return [c.id for c in picked]

    def force_status(self, key: str, status: str) -> SimComputer:
        """Test hook: set any status verbatim and cancel the schedule, so it sticks."""
        c = self.get(key)
        c.status = status
        c.steps = []
        c.forced = True
        c.updated_at = self.wall()
        self._pending.discard(c.id)
        return c
