"""The simulator's state machine and seeded fleet, driven by a fake clock (no sockets)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from miosa_tui.sim.catalog import STATUSES
from miosa_tui.sim.config import SimConfig
from miosa_tui.sim.errors import SimError
from miosa_tui.sim.fleet import Fleet
from miosa_tui.sim.lifecycle import CREATE_S, DESTROY_S, START_S, STOP_S
from miosa_tui.sim.validation import nearest_size

WALL = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def tick(self, seconds: float) -> None:
        self.now += seconds


def make(fleet: int = 12, speed: float = 1.0, seed: int = 7) -> tuple[Fleet, FakeClock]:
    clock = FakeClock()
    return Fleet(
        SimConfig(fleet=fleet, speed=speed, seed=seed), clock=clock, wall=lambda: WALL
    ), clock


def first(fleet: Fleet, status: str) -> str:
    return next(c.id for c in fleet.ordered() if c.status == status)


def test_seeded_fleet_is_deterministic_per_seed() -> None:
    a, _ = make()
    b, _ = make()
    c, _ = make(seed=8)
    assert [x.to_json() for x in a.ordered()] == [x.to_json() for x in b.ordered()]
    assert [x.name for x in a.ordered()] != [x.name for x in c.ordered()]


def test_default_fleet_is_varied_and_believable() -> None:
    fleet, _ = make()
    items = fleet.ordered()
    assert len(items) == 12
    statuses = [c.status for c in items]
    assert statuses.count("running") >= 6
    assert "stopped" in statuses and "error" in statuses
    assert any(s in ("creating", "starting") for s in statuses)
    assert all(s in STATUSES for s in statuses)
    assert len({c.name for c in items}) == 12
    assert len({c.slug for c in items}) == 12
    assert len({c.size for c in items}) >= 3
    assert len({c.region for c in items}) >= 3
    assert all(c.ip_address.startswith("10.") for c in items)
    assert len({c.created_at.date() for c in items}) >= 4
    one = items[0].to_json()
    assert one["sandbox_url"] == f"https://{one['slug']}.sandbox.{one['preview_domain']}"
    assert one["desktop_url"].endswith(".computer.miosa.ai/viewer")
    assert all("terminal" in c.apps for c in items)


def test_ordered_newest_first() -> None:
    fleet, _ = make(fleet=50)
    items = fleet.ordered()
    created = [c.created_at for c in items]
    assert created == sorted(created, reverse=True)


def test_big_fleet_builds_with_unique_names() -> None:
    fleet, _ = make(fleet=10_000)
    items = fleet.ordered()
    assert len(items) == 10_000
    assert len({c.name for c in items}) == 10_000
    assert len({c.id for c in items}) == 10_000
    assert {c.status for c in items} <= set(STATUSES)


def test_create_then_running_after_boot() -> None:
    fleet, clock = make()
    c = fleet.create({"name": "new-box", "size": "medium", "region": "eu-fra"})
    assert c.status == "creating"
    assert c.to_json()["ip_address"] is None
    clock.tick(CREATE_S - 0.01)
    assert fleet.get(c.id).status == "creating"
    clock.tick(0.02)
    assert fleet.get(c.id).status == "running"
    assert fleet.ordered()[0].id == c.id


def test_speed_factor_divides_durations() -> None:
    fleet, clock = make(speed=10.0)
    cid = first(fleet, "stopped")
    fleet.start(cid)
    clock.tick(START_S / 10 + 0.001)
    assert fleet.get(cid).status == "running"


def test_start_stop_restart_cycle() -> None:
    fleet, clock = make()
    cid = first(fleet, "stopped")
    assert fleet.start(cid).status == "starting"
    clock.tick(START_S)
    assert fleet.get(cid).status == "running"
    assert fleet.stop(cid).status == "stopping"
    clock.tick(STOP_S)
    assert fleet.get(cid).status == "stopped"
    fleet.start(cid)
    clock.tick(START_S)
    assert fleet.restart(cid).status == "stopping"
    clock.tick(STOP_S)
    assert fleet.get(cid).status == "starting"
    clock.tick(START_S)
    assert fleet.get(cid).status == "running"


def test_restart_applies_all_due_steps_at_once() -> None:
    fleet, clock = make()
    cid = first(fleet, "running")
    fleet.restart(cid)
    clock.tick(STOP_S + START_S + 1)
    assert fleet.get(cid).status == "running"


@pytest.mark.parametrize(
    ("status", "action", "fragment"),
    [
        ("running", "start", "is already running"),
        ("stopped", "stop", "is already stopped"),
        ("stopped", "restart", "start it instead"),
        ("error", "start", "destroy it"),
    ],
)
def test_invalid_transitions_are_409(status: str, action: str, fragment: str) -> None:
    fleet, _ = make()
    cid = first(fleet, status)
    with pytest.raises(SimError) as info:
        getattr(fleet, action)(cid)
    assert info.value.status == 409
    assert info.value.code == "INVALID_STATE"
    assert fragment in info.value.message
    assert fleet.get(cid).name in info.value.message


def test_a_refusal_names_the_action_in_plain_english() -> None:
    fleet, _ = make()
    cid = first(fleet, "running")
    fleet.force_status(cid, "paused")
    with pytest.raises(SimError) as info:
        fleet.restart(cid)
    assert info.value.status == 409
    assert "is paused; it can't be restarted now" in info.value.message


def test_transitional_refuses_actions() -> None:
    fleet, _ = make()
    cid = first(fleet, "stopped")
    fleet.start(cid)
    with pytest.raises(SimError, match="starting"):
        fleet.stop(cid)


def test_destroy_then_gone() -> None:
    fleet, clock = make()
    cid = first(fleet, "running")
    assert fleet.destroy(cid).status == "destroying"
    with pytest.raises(SimError, match="already being destroyed"):
        fleet.destroy(cid)
    clock.tick(DESTROY_S)
    with pytest.raises(SimError) as info:
        fleet.get(cid)
    assert info.value.status == 404
    assert cid not in {c.id for c in fleet.ordered()}
    assert len(fleet.ordered()) == 11


def test_clone_copies_shape_and_boots() -> None:
    fleet, clock = make()
    source = fleet.get(first(fleet, "running"))
    clone = fleet.clone(source.id, {})
    assert clone.id != source.id
    assert clone.name == f"{source.name}-clone"
    assert (clone.size, clone.region, clone.template_type) == (
        source.size,
        source.region,
        source.template_type,
    )
    assert clone.status == "creating"
    named = fleet.clone(source.id, {"name": "twin"})
    assert named.name == "twin"
    clock.tick(CREATE_S)
    assert fleet.get(clone.id).status == "running"


def test_resize_running_reboots_with_new_size() -> None:
    fleet, clock = make()
    c = fleet.get(first(fleet, "running"))
    target = "xl" if c.size != "xl" else "xs"
    resized = fleet.resize(c.id, {"size": target})
    assert resized.size == target
    assert resized.status == "stopping"
    clock.tick(STOP_S)
    assert fleet.get(c.id).status == "starting"
    clock.tick(START_S)
    assert fleet.get(c.id).status == "running"


def test_resize_stopped_stays_stopped_and_maps_cpu_memory() -> None:
    fleet, _ = make()
    c = fleet.get(first(fleet, "stopped"))
    target_cpu = 8 if c.size != "large" else 1
    resized = fleet.resize(c.id, {"cpu": target_cpu, "memory_mb": 15000})
    assert resized.status == "stopped"
    assert resized.size == nearest_size(target_cpu, 15000)
    with pytest.raises(SimError) as info:
        fleet.resize(c.id, {"size": resized.size})
    assert info.value.status == 409


def test_nearest_size() -> None:
    assert nearest_size(2, 4096) == "small"
    assert nearest_size(3, 6000) in ("small", "medium")
    assert nearest_size(16, None) == "xl"
    assert nearest_size(None, 2000) == "xs"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"size": "huge"}, "size"),
        ({"cpu": 0}, "cpu"),
        ({}, "size"),
    ],
)
def test_resize_validation(body: dict[str, object], field: str) -> None:
    fleet, _ = make()
    with pytest.raises(SimError) as info:
        fleet.resize(first(fleet, "stopped"), body)
    assert info.value.status == 422
    assert field in info.value.fields


def test_xlarge_alias() -> None:
    fleet, _ = make()
    assert fleet.create({"name": "big", "size": "xlarge"}).size == "xl"


def test_move_requires_stopped() -> None:
    fleet, _ = make()
    running = fleet.get(first(fleet, "running"))
    with pytest.raises(SimError, match="stop it before moving"):
        fleet.move(running.id, {"region": "ap-sin" if running.region != "ap-sin" else "us-la"})
    stopped = fleet.get(first(fleet, "stopped"))
    target = "ap-sin" if stopped.region != "ap-sin" else "us-la"
    moved = fleet.move(stopped.id, {"region": target})
    assert moved.region == target and moved.status == "stopped"
    with pytest.raises(SimError, match="already in"):
        fleet.move(stopped.id, {"region": target})
    with pytest.raises(SimError) as info:
        fleet.move(stopped.id, {"region": "mars-1"})
    assert info.value.status == 422


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 64}, "name"),
        ({"name": "ok", "size": "jumbo"}, "size"),
        ({"name": "ok", "region": "moon"}, "region"),
        ({"name": "ok", "template_type": "windows"}, "template_type"),
    ],
)
def test_create_validation(body: dict[str, object], field: str) -> None:
    fleet, _ = make()
    with pytest.raises(SimError) as info:
        fleet.create(body)
    assert info.value.status == 422
    assert info.value.code == "VALIDATION_FAILED"
    assert field in info.value.fields


def test_force_status_sticks() -> None:
    fleet, clock = make()
    cid = first(fleet, "stopped")
    fleet.start(cid)
    fleet.force_status(cid, "error")
    clock.tick(100)
    assert fleet.get(cid).status == "error"


def test_get_by_name() -> None:
    fleet, _ = make()
    c = fleet.ordered()[3]
    assert fleet.get(c.name).id == c.id


def test_churn_flips_a_share_of_settled_computers() -> None:
    fleet, _clock = make(fleet=1000)
    before = {c.id: c.status for c in fleet.ordered()}
    changed = fleet.churn(0.01)
    assert len(changed) == 10 and len(set(changed)) == 10
    after = {c.id: c.status for c in fleet.ordered()}
    for cid, status in before.items():
        if cid in changed:
            assert {status, after[cid]} == {"running", "stopped"}
        else:
            assert after[cid] == status
    assert fleet.churn(0.0) == []
    with pytest.raises(SimError):
        fleet.churn(1.5)
