"""The simulated fleet: every computer by id, and the actions the API routes call.

This is the store and its operations; the rules live next door. `lifecycle` decides whether an
action is allowed and what follows, `schedule` plays that out lazily on the clock, `validation`
checks request bodies, `identity` invents names/ids/hosts, `seed` builds the starting fleet and
`churn` is the benchmarks' bulk flip. Every read applies due transitions first, so callers always
see the current truth without a background task.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from miosa_tui.naming import name_problem
from miosa_tui.sim import lifecycle
from miosa_tui.sim.catalog import MAX_NAME
from miosa_tui.sim.churn import TOP_UP_EVERY, check_share, flip_share, top_up_transitions
from miosa_tui.sim.computer import SimComputer
from miosa_tui.sim.config import SimConfig
from miosa_tui.sim.errors import SimError, invalid
from miosa_tui.sim.identity import (
    NameBook,
    new_host_id,
    new_id,
    new_ip,
    new_vnc_password,
    pick_apps,
    random_name,
)
from miosa_tui.sim.schedule import Scheduler
from miosa_tui.sim.seed import seed_computers
from miosa_tui.sim.validation import (
    parse_metadata,
    parse_name,
    parse_optional_text,
    parse_region,
    parse_size,
    parse_template,
    parse_visibility,
    size_from_body,
)


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
        self._order: list[str] | None = None
        self._names = NameBook()
        self._rng = random.Random(config.seed)
        self._scheduler = Scheduler(clock=clock, wall=self.wall, speed=config.speed)
        self._topped_up = float("-inf")  # when transitions were last topped up (see advance)
        now = self.clock()
        self.computers: dict[str, SimComputer] = seed_computers(
            config.fleet, self._rng, self._names, self.wall
        )
        for computer in self.computers.values():
            plan = lifecycle.SEEDED_IN_FLIGHT.get(computer.status)
            if plan is not None:
                self._scheduler.schedule(computer, plan, now)

    # ---- time ----------------------------------------------------------------------------

    def advance(self) -> None:
        """Apply every due step; cheap when nothing is in flight."""
        for cid in self._scheduler.advance(self.computers):
            self._remove(cid)
        if self.config.transition_share:
            now = self.clock()
            if now - self._topped_up >= TOP_UP_EVERY:
                self._topped_up = now
                top_up_transitions(
                    self.computers,
                    len(self._scheduler.pending),
                    self.config.transition_share,
                    self._rng,
                    self._begin_transition,
                )

    def _begin_transition(self, c: SimComputer) -> None:
        plan = lifecycle.plan_stop(c) if c.status == "running" else lifecycle.plan_start(c)
        self._scheduler.schedule(c, plan)

    def _remove(self, cid: str) -> None:
        computer = self.computers.pop(cid, None)
        self._scheduler.forget(cid)
        self._order = None
        if computer is not None:
            self._names.release_slug(computer.slug)

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
        return [self.computers[cid] for cid in self._ordered_ids() if cid in self.computers]

    def _ordered_ids(self) -> list[str]:
        self.advance()
        if self._order is None:
            items = sorted(self.computers.values(), key=lambda c: c.id)
            items.sort(key=lambda c: c.created_at, reverse=True)
            self._order = [c.id for c in items]
        return self._order

    def matching(self, statuses: frozenset[str] | None = None) -> list[SimComputer]:
        """Every computer in list order, only those in `statuses` when given."""
        items = self.ordered()
        if statuses:
            items = [c for c in items if c.status in statuses]
        return items

    def page(
        self, page: int, per_page: int, statuses: frozenset[str] | None = None
    ) -> tuple[list[SimComputer], int]:
        start = (page - 1) * per_page
        if statuses:
            items = self.matching(statuses)
            return items[start : start + per_page], len(items)
        # One page of the cached order: building the whole list for each page made paging
        # through 100,000 computers (200 pages) quadratic.
        ids = self._ordered_ids()  # dropped on every add and remove: every id is there
        return [self.computers[cid] for cid in ids[start : start + per_page]], len(ids)

    # ---- writes --------------------------------------------------------------------------

    def create(self, body: Mapping[str, Any]) -> SimComputer:
        """Every field is checked before anything is stored: a refused create changes nothing."""
        name_value = body.get("name")
        name = parse_name(name_value) if name_value is not None else None
        size = parse_size(body["size"]) if body.get("size") is not None else "small"
        region = parse_region(body["region"]) if body.get("region") is not None else "us-mia"
        template = parse_template(
            body.get("template_type") or body.get("template") or "miosa-desktop"
        )
        visibility = parse_visibility(body.get("visibility") or "public")
        metadata = parse_metadata(body.get("metadata") or {})
        workspace = parse_optional_text("workspace_id", body.get("workspace_id"))
        rng = self._rng
        if name is None:
            name = self._names.unique_name(random_name(rng))
        now_wall = self.wall()
        computer = SimComputer(
            id=new_id(rng, self.computers),
            name=name,
            slug=self._names.claim_slug(name),
            status="creating",
            size=size,
            region=region,
            template_type=template,
            ip_address=new_ip(rng),
            created_at=now_wall,
            updated_at=now_wall,
            visibility=visibility,
            workspace_id=workspace,
            metadata=metadata,
            host_id=new_host_id(rng, region),
            apps=pick_apps(rng, template),
            ports=(3000,) if rng.random() < 0.5 else (),
            vnc_password=new_vnc_password(rng),
        )
        self.computers[computer.id] = computer
        self._order = None
        self._scheduler.schedule(computer, lifecycle.BOOT)
        return computer

    def update(self, key: str, body: Mapping[str, Any]) -> SimComputer:
        """Rename (a new slug too), change visibility or replace metadata. Every field is checked
        first, so a refused update changes nothing."""
        computer = self.get(key)
        name = parse_name(body["name"]) if "name" in body else None
        visibility = parse_visibility(body["visibility"]) if "visibility" in body else None
        metadata = parse_metadata(body["metadata"]) if "metadata" in body else None
        if name is not None and name != computer.name:
            self._names.release_slug(computer.slug)
            computer.name = name
            computer.slug = self._names.claim_slug(name)
        if visibility is not None:
            computer.visibility = visibility
        if metadata is not None:
            computer.metadata = metadata
        computer.updated_at = self.wall()
        return computer

    def start(self, key: str) -> SimComputer:
        c = self.get(key)
        self._scheduler.schedule(c, lifecycle.plan_start(c))
        return c

    def stop(self, key: str) -> SimComputer:
        c = self.get(key)
        self._scheduler.schedule(c, lifecycle.plan_stop(c))
        return c

    def restart(self, key: str) -> SimComputer:
        c = self.get(key)
        self._scheduler.schedule(c, lifecycle.plan_restart(c))
        return c

    def destroy(self, key: str) -> SimComputer:
        c = self.get(key)
        self._scheduler.schedule(c, lifecycle.plan_destroy(c))
        return c

    def clone(self, key: str, body: Mapping[str, Any]) -> SimComputer:
        """A new computer (in `creating`) with the source's settings, apps and ports."""
        source = self.get(key)
        lifecycle.check_clone(source)
        # The body is checked before the default name is drawn: a refused clone changes nothing.
        size = parse_size(body["size"]) if body.get("size") is not None else source.size
        region = parse_region(body["region"]) if body.get("region") is not None else source.region
        if body.get("name") is not None:
            name = parse_name(body["name"])
        else:
            name = self._names.unique_name(f"{source.name[: MAX_NAME - 9].rstrip('-')}-clone")
            if name_problem(name) is not None:  # a source name the rule refuses (a forced one)
                name = self._names.unique_name(random_name(self._rng))
        fields: dict[str, Any] = {
            "name": name,
            "size": size,
            "region": region,
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
        plan = lifecycle.plan_resize(c, size)
        c.size = size
        c.updated_at = self.wall()
        if plan is not None:
            self._scheduler.schedule(c, plan)
        return c

    def move(self, key: str, body: Mapping[str, Any]) -> SimComputer:
        """To another region (a new host and IP) or another host; only when stopped."""
        c = self.get(key)
        region_value = body.get("region")
        host_value = body.get("host_id")
        if region_value is None and host_value is None:
            raise invalid("region", "is required (or give host_id)")
        region = parse_region(region_value) if region_value is not None else c.region
        host = parse_optional_text("host_id", host_value)
        lifecycle.check_move(c, region, host)
        rng = self._rng
        c.region = region
        c.host_id = host if host is not None else new_host_id(rng, region)
        c.ip_address = new_ip(rng)
        c.updated_at = self.wall()
        return c

    # ---- test hooks ----------------------------------------------------------------------

    def churn(self, share: float) -> list[str]:
        """Flip `share` of the whole fleet between running and stopped at once (see churn.py)."""
        check_share(share)
        self.advance()
        return flip_share(self.computers.values(), share, self._rng, self.wall)

    def force_status(self, key: str, status: str) -> SimComputer:
        """Set any status verbatim and cancel the schedule, so it sticks."""
        c = self.get(key)
        c.status = status
        self._scheduler.cancel(c)
        c.forced = True
        c.updated_at = self.wall()
        return c
