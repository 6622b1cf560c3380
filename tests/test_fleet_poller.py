"""Poll policy, fleet state freshness and the pending-action overlay, with explicit times."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace

import pytest

from miosa_tui.api.errors import RateLimitError, ServerError
from miosa_tui.api.models import Computer
from miosa_tui.fleet.actions import ActionKind
from miosa_tui.fleet.poller import FleetState, Poller, PollPolicy, poll_once

POLICY = PollPolicy(interval=5.0, fast_interval=1.5, max_backoff=60.0)


def comp(ident: str, status: str = "running") -> Computer:
    return Computer(id=ident, name=ident, status=status)


def test_steady_and_transitional_delays() -> None:
    assert POLICY.next_delay(transitional=False, failures=0, retry_after=None) == 5.0
    assert POLICY.next_delay(transitional=True, failures=0, retry_after=None) == 1.5


def test_fast_polling_for_the_fleets_own_transitions_keeps_to_its_cpu_share() -> None:
    """A listing that cost C s of CPU is followed, while only the fleet itself moves, by a wait
    of at least C / 2% (a 10,000-computer fleet is never still), never over the normal
    interval; an action the user sent is watched at the fast interval whatever it costs."""

    def delay(*, poll_cpu: float, awaited: bool = False, transitional: bool = True) -> float:
        return POLICY.next_delay(
            transitional=transitional,
            failures=0,
            retry_after=None,
            awaited=awaited,
            poll_cpu=poll_cpu,
        )

    assert POLICY.fast_cpu_share == 0.02
    assert delay(poll_cpu=0.01) == 1.5  # 200 computers: 0.33 s would do, the fast interval holds
    assert delay(poll_cpu=0.04) == pytest.approx(2.0)
    assert delay(poll_cpu=0.08) == pytest.approx(4.0)
    assert delay(poll_cpu=0.11) == 5.0  # 10,000 computers: the normal interval
    assert delay(poll_cpu=2.0) == 5.0  # never slower than a settled fleet
    assert delay(poll_cpu=2.0, awaited=True) == 1.5
    assert delay(poll_cpu=2.0, transitional=False) == 5.0
    assert POLICY.next_delay(transitional=True, failures=2, retry_after=None, poll_cpu=0.2) == 20.0
    unbudgeted = replace(POLICY, fast_cpu_share=0.0)
    assert unbudgeted.next_delay(transitional=True, failures=0, retry_after=None, poll_cpu=9) == 1.5


def test_fleet_state_budgets_fast_polls_unless_an_action_is_awaited() -> None:
    state = FleetState(policy=POLICY)
    state.apply([comp("a", "starting"), comp("b", "running")], now=0.0)
    state.last_poll_cpu = 0.06
    assert state.next_delay() == pytest.approx(3.0)
    state.add_pending(state.computers["b"], ActionKind.STOP, now=1.0)
    assert state.next_delay() == 1.5


def test_backoff_grows_and_caps() -> None:
    delays = [
        POLICY.next_delay(transitional=True, failures=n, retry_after=None) for n in range(1, 8)
    ]
    assert delays == [10.0, 20.0, 40.0, 60.0, 60.0, 60.0, 60.0]
    assert POLICY.next_delay(transitional=False, failures=10_000, retry_after=None) == 60.0


def test_retry_after_is_a_floor() -> None:
    assert POLICY.next_delay(transitional=True, failures=0, retry_after=7.0) == 7.0
    assert POLICY.next_delay(transitional=False, failures=1, retry_after=3.0) == 10.0
    assert POLICY.next_delay(transitional=False, failures=5, retry_after=90.0) == 90.0
    assert POLICY.next_delay(transitional=False, failures=0, retry_after=float("nan")) == 5.0


def test_apply_failure_and_staleness() -> None:
    state = FleetState(policy=POLICY)
    assert not state.is_stale(1000.0)  # nothing shown yet
    diff = state.apply([comp("a"), comp("b", "weird"), comp("c", "stopped")], now=100.0)
    assert [c.id for c in diff.added] == ["a", "b", "c"]
    assert list(state.computers) == ["a", "b", "c"]
    assert state.counts_by_status() == {"running": 1, "weird": 1, "stopped": 1}
    assert not state.is_stale(115.0)
    assert state.is_stale(115.1)
    assert state.is_stale(103.5, interval=1.0)

    state.record_failure(RateLimitError("slow down", retry_after=30.0))
    state.record_failure(ServerError())
    assert state.consecutive_failures == 2
    assert state.next_delay() == 20.0
    state.record_failure(RateLimitError(retry_after=45.0))
    assert state.next_delay() == 45.0
    assert list(state.computers) == ["a", "b", "c"]  # old snapshot kept

    diff = state.apply([comp("a", "stopping")], now=120.0)
    assert diff.removed == ["b", "c"]
    assert state.consecutive_failures == 0 and state.last_error is None
    assert state.any_transitional
    assert state.next_delay() == 1.5


def test_pending_settles_when_api_agrees() -> None:
    state = FleetState(policy=POLICY)
    state.apply([comp("a", "running")], now=0.0)
    pending = state.add_pending(state.computers["a"], ActionKind.STOP, now=10.0, timeout=60.0)
    assert pending is not None and pending.desired == "stopped"
    assert state.any_transitional
    # A snapshot requested before the action is no evidence, even if it says "stopped".
    state.apply([comp("a", "stopped")], now=12.0, requested_at=9.0)
    assert state.settle_pending(12.0) == []
    state.apply([comp("a", "stopping")], now=13.0, requested_at=11.0)
    shown = state.pending_for(state.computers["a"])
    assert shown is not None and shown.label("stopping") == "stopping -> stopped"
    assert state.settle_pending(13.0) == []
    state.apply([comp("a", "stopped")], now=15.0, requested_at=14.0)
    assert state.pending_for(state.computers["a"]) is None  # arrived, not yet settled
    [settled] = state.settle_pending(15.0)
    assert settled.outcome == "ok" and settled.status == "stopped"
    assert state.pending == {}


def test_pending_fails_on_error_status() -> None:
    state = FleetState(policy=POLICY)
    state.apply([comp("a", "stopped")], now=0.0)
    state.add_pending(state.computers["a"], ActionKind.START, now=1.0)
    state.apply([comp("a", "error")], now=3.0, requested_at=2.0)
    [settled] = state.settle_pending(3.0)
    assert settled.outcome == "failed"
    assert "error" in settled.message


def test_pending_times_out_after_deadline() -> None:
    state = FleetState(policy=POLICY)
    state.apply([comp("a", "stopped")], now=0.0)
    state.add_pending(state.computers["a"], ActionKind.START, now=1.0, timeout=30.0)
    state.apply([comp("a", "starting")], now=31.0, requested_at=30.5)
    assert state.settle_pending(31.0) == []
    state.apply([comp("a", "starting")], now=32.0, requested_at=31.5)
    [settled] = state.settle_pending(32.0)
    assert settled.outcome == "timed out"
    assert "starting" in settled.message


def test_destroy_settles_when_gone_and_restart_needs_fresh_snapshot() -> None:
    state = FleetState(policy=POLICY)
    state.apply([comp("a"), comp("b")], now=0.0)
    state.add_pending(state.computers["a"], ActionKind.DESTROY, now=1.0)
    state.add_pending(state.computers["b"], ActionKind.RESTART, now=1.0)
    assert state.settle_pending(1.0) == []  # the snapshot predates both
    state.apply([comp("b", "running")], now=3.0, requested_at=2.0)
    settled = {s.pending.computer_id: s for s in state.settle_pending(3.0)}
    assert settled["a"].outcome == "ok" and settled["a"].status is None
    assert settled["b"].outcome == "ok"


def test_pending_fails_when_computer_vanishes() -> None:
    state = FleetState(policy=POLICY)
    state.apply([comp("a", "stopped")], now=0.0)
    state.add_pending(state.computers["a"], ActionKind.START, now=1.0)
    state.apply([], now=3.0, requested_at=2.0)
    [settled] = state.settle_pending(3.0)
    assert settled.outcome == "failed"


def test_move_pending_targets_previous_status() -> None:
    state = FleetState(policy=POLICY)
    state.apply([comp("a", "stopped")], now=0.0)
    pending = state.add_pending(state.computers["a"], ActionKind.MOVE, now=1.0)
    assert pending is not None and pending.desired == "stopped"
    assert pending.label() == "moving -> stopped"


async def test_poll_once_records_success_and_failure() -> None:
    times = iter([10.0, 11.0, 20.0, 21.0])
    state = FleetState(policy=POLICY)

    async def good() -> Sequence[Computer]:
        return [comp("a")]

    async def bad() -> Sequence[Computer]:
        raise ServerError("boom", status=500, request_id="req_1")

    diff, settled = await poll_once(state, good, clock=lambda: next(times))
    assert diff is not None and [c.id for c in diff.added] == ["a"]
    assert state.last_success == 11.0 and state.snapshot_requested_at == 10.0
    diff, settled = await poll_once(state, bad, clock=lambda: next(times))
    assert diff is None and settled == []
    assert state.consecutive_failures == 1 and state.last_error is not None
    assert state.last_error.request_id == "req_1"


async def test_poller_loop_runs_sequentially_and_stops() -> None:
    state = FleetState(policy=PollPolicy(interval=0.01, fast_interval=0.01))
    calls: list[int] = []
    poller: Poller

    async def fetch() -> Sequence[Computer]:
        calls.append(len(calls))
        return [replace(comp("a"), name=f"n{len(calls)}")]

    def on_poll(diff: object, settled: object) -> None:
        if len(calls) >= 3:
            poller.stop()

    poller = Poller(state, fetch, on_poll)
    await asyncio.wait_for(poller.run(), timeout=5)
    assert poller.polls == 3
    assert state.computers["a"].name == "n3"


async def test_poller_notes_each_polls_cpu_from_request_to_shown() -> None:
    """The CPU a poll took is read before the request and after `on_poll` (which shows it)."""
    state = FleetState(policy=PollPolicy(interval=0.01, fast_interval=0.01))
    cpu = [0.0]
    seen: list[float] = []
    poller: Poller

    async def fetch() -> Sequence[Computer]:
        cpu[0] += 0.25  # the listing's decoding
        return [comp("a", "starting")]

    def on_poll(diff: object, settled: object) -> None:
        cpu[0] += 0.05  # showing it
        seen.append(state.last_poll_cpu)
        if poller.polls >= 2:
            poller.stop()

    poller = Poller(state, fetch, on_poll, cpu_clock=lambda: cpu[0])
    await asyncio.wait_for(poller.run(), timeout=5)
    assert seen[0] == 0.0  # noted once the poll is shown
    assert state.last_poll_cpu == pytest.approx(0.3)


@pytest.mark.parametrize("status", ["running", "stopped"])
def test_nothing_pending_for_a_computer_without_an_action(status: str) -> None:
    state = FleetState()
    state.apply([comp("a", status)], now=0.0)
    assert state.pending_for(state.computers["a"]) is None
