"""FleetState.prepare/commit (the poll's diff off the event loop) and the cached counts."""

from __future__ import annotations

import threading
from dataclasses import replace

from miosa_tui.api.models import Computer
from miosa_tui.fleet import poller
from miosa_tui.fleet.poller import FleetState, poll_once


def comp(i: int, status: str = "running") -> Computer:
    return Computer(id=f"c{i}", name=f"n{i}", status=status)


def test_prepare_reads_only_and_commit_applies() -> None:
    state = FleetState()
    state.apply([comp(1), comp(2, "stopped")], now=1.0)
    snapshot = state.prepare([comp(1, "stopping"), comp(3)])
    assert list(state.computers) == ["c1", "c2"]  # nothing applied yet
    diff = state.commit(snapshot, now=2.0)
    assert [c.id for c in diff.added] == ["c3"] and diff.removed == ["c2"]
    assert state.counts_by_status() == {"stopping": 1, "running": 1}
    assert state.any_transitional


def test_commit_rediffs_when_another_snapshot_came_first() -> None:
    state = FleetState()
    state.apply([comp(1)], now=1.0)
    stale = state.prepare([comp(1, "stopped")])
    state.apply([comp(1, "error")], now=2.0)  # applied in between
    diff = state.commit(stale, now=3.0)
    assert [(old.status, new.status) for old, new, _ in diff.changed] == [("error", "stopped")]
    assert state.counts_by_status() == {"stopped": 1}


def test_counts_follow_a_snapshot_set_directly() -> None:
    state = FleetState()
    state.apply([comp(1)], now=1.0)
    state.computers = {"c9": comp(9, "starting")}
    assert state.counts_by_status() == {"starting": 1}
    assert state.any_transitional


async def test_big_listings_are_diffed_in_a_worker_thread() -> None:
    fleet = [comp(i) for i in range(poller.THREAD_DIFF_AT)]
    threads: list[str] = []
    original = FleetState.prepare

    def spy(self: FleetState, computers: list[Computer]) -> poller.Snapshot:
        threads.append(threading.current_thread().name)
        return original(self, computers)

    FleetState.prepare = spy  # type: ignore[method-assign]
    try:
        state = FleetState()

        async def fetch() -> list[Computer]:
            return fleet

        diff, _ = await poll_once(state, fetch)
        assert diff is not None and len(diff.added) == len(fleet)
        fleet[5] = replace(fleet[5], status="stopped")
        diff, _ = await poll_once(state, fetch)
        assert diff is not None and [new.id for _o, new, _f in diff.changed] == ["c5"]
        assert state.counts_by_status() == {"running": len(fleet) - 1, "stopped": 1}
    finally:
        FleetState.prepare = original  # type: ignore[method-assign]
    assert threads and all(name != threading.main_thread().name for name in threads)
