"""The live fleet: the last good snapshot, how fresh it is, when to poll next, pending actions.

The dashboard must show the truth: a snapshot older than a few intervals is flagged stale rather
than silently shown as current, failures back off instead of hammering a struggling API, and an
action the user just sent shows as "stopping -> stopped" until a poll taken after it agrees.
All times are monotonic seconds passed in explicitly (`now=`), so every rule is testable without
sleeping.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from miosa_tui.api.errors import MiosaError
from miosa_tui.api.foreground import Foreground
from miosa_tui.api.models import FAILED_STATUSES, GONE, TRANSITIONAL, Computer
from miosa_tui.fleet.actions import ActionKind
from miosa_tui.fleet.diff import FleetDiff, dedupe, diff_snapshots, reuse_unchanged

Clock = Callable[[], float]
# Listings at least this long are diffed in a worker thread (poll_once): at 10,000 computers the
# diff and the counts take ~30 ms of Python that the event loop should not wait through.
THREAD_DIFF_AT = 1000


@dataclass(frozen=True, slots=True)
class PollPolicy:
    """How long to wait before the next list call."""

    interval: float = 5.0
    fast_interval: float = 1.5
    max_backoff: float = 60.0
    stale_after_intervals: int = 3
    # The share of one core that polling faster for the fleet's own transitions may take. A big
    # fleet is never still (10,000 computers with 5% starting or stopping): listing it every
    # 1.5 s instead of 5 s tripled the app's CPU (150-250 ms of CPU a poll with its history and
    # repaints; 13.7% of a core against 4.3% settled). After a poll that cost C seconds of CPU
    # the next fast one waits at least C / share, never longer than `interval`: a fleet of a few
    # hundred is still polled every 1.5 s, one of 10,000 at the normal interval. An action the
    # user is waiting for is always watched at `fast_interval`. It was 3%: on a faster machine a
    # 10,000 poll cost ~110 ms, so the moving fleet was polled every ~3.7 s, the budget's 3% on
    # top of the settled app's ~3.4% (2.05x settled, benchmarks/profiles/poll_budget_2pct.txt).
    fast_cpu_share: float = 0.02

    def next_delay(
        self,
        *,
        transitional: bool,
        failures: int,
        retry_after: float | None,
        awaited: bool = False,
        poll_cpu: float = 0.0,
    ) -> float:
        """Fast while anything is changing, normal when steady; after `failures` consecutive
        failures interval * 2**failures capped at max_backoff; never sooner than `retry_after`.

        `awaited`: an action the user sent is pending (fast, whatever it costs); `poll_cpu`: the
        CPU seconds the last poll took (fast polling for anything else stays within
        `fast_cpu_share` of a core)."""
        if failures > 0:
            delay = min(self.max_backoff, self.interval * 2.0 ** min(failures, 32))
        elif awaited:
            delay = self.fast_interval
        elif transitional:
            budgeted = poll_cpu / self.fast_cpu_share if self.fast_cpu_share > 0 else 0.0
            delay = min(self.interval, max(self.fast_interval, budgeted))
        else:
            delay = self.interval
        if retry_after is not None and math.isfinite(retry_after) and retry_after > delay:
            delay = retry_after
        return delay

    @property
    def stale_after(self) -> float:
        return self.interval * self.stale_after_intervals


SettleOutcome = Literal["ok", "failed", "timed out"]


@dataclass(frozen=True, slots=True)
class PendingAction:
    """An action sent but not yet confirmed by a poll. `desired` is a status or "gone"."""

    computer_id: str
    kind: ActionKind
    desired: str
    started_at: float
    deadline: float
    request_id: str | None = None  # the x-request-id of the accepted request (for the journal)

    def label(self, current: str | None = None, arrow: str = "->") -> str:
        """ "stopping -> stopped": where it is now (or the action's progress word) -> where to."""
        return f"{current or self.kind.progress} {arrow} {self.desired}"


@dataclass(frozen=True, slots=True)
class SettledAction:
    """A pending action that a poll resolved; `status` is what the API last said (None: gone)."""

    pending: PendingAction
    outcome: SettleOutcome
    status: str | None
    message: str


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A listing made ready to apply: its diff against `base` and the figures derived from it.

    Built by `FleetState.prepare`, which only reads, so it can run in a worker thread while the
    event loop keeps drawing; `FleetState.commit` then applies it in O(1) plus pending actions.
    """

    base: Mapping[str, Computer]  # the snapshot the diff was taken against
    computers: dict[str, Computer]
    diff: FleetDiff
    counts: dict[str, int]
    transitional: int


def _derive(computers: Mapping[str, Computer]) -> tuple[dict[str, int], int]:
    """(counts by status, most common first; how many are in a transitional status)."""
    counts = Counter(c.status for c in computers.values())
    moving = sum(n for status, n in counts.items() if status in TRANSITIONAL)
    return dict(counts.most_common()), moving


@dataclass
class FleetState:
    """The last good snapshot plus what is known about its freshness and pending actions."""

    policy: PollPolicy = field(default_factory=PollPolicy)
    computers: dict[str, Computer] = field(default_factory=dict)  # insertion order = API order
    last_success: float | None = None  # monotonic time of the last good snapshot
    snapshot_requested_at: float | None = None  # when the request behind it was sent
    last_error: MiosaError | None = None
    consecutive_failures: int = 0
    pending: dict[str, PendingAction] = field(default_factory=dict)
    version: int = 0  # grows with every applied snapshot
    last_poll_cpu: float = 0.0  # CPU seconds (all threads) the last poll took (`Poller.run`)
    # counts_by_status() and the transitional count, valid while `computers` is `_derived_for`.
    _derived_for: Mapping[str, Computer] | None = field(default=None, repr=False, compare=False)
    _counts: dict[str, int] = field(default_factory=dict, repr=False, compare=False)
    _transitional: int = field(default=0, repr=False, compare=False)

    # -- snapshots --------------------------------------------------------------------------

    def apply(
        self,
        computers: Sequence[Computer],
        *,
        now: float | None = None,
        requested_at: float | None = None,
    ) -> FleetDiff:
        """Take a fresh listing. `requested_at` (when the list call was sent) lets pending actions
        ignore snapshots that may predate them; it defaults to `now`."""
        return self.commit(self.prepare(computers), now=now, requested_at=requested_at)

    def prepare(self, computers: Sequence[Computer]) -> Snapshot:
        """Diff a fresh listing against the current snapshot without changing anything.

        Only reads `self.computers` (which is replaced, never mutated), so it is safe to call
        from a worker thread while the event loop runs.
        """
        base = self.computers
        new = reuse_unchanged(base, dedupe(computers))
        counts, moving = _derive(new)
        return Snapshot(base, new, diff_snapshots(base, new), counts, moving)

    def commit(
        self,
        snapshot: Snapshot,
        *,
        now: float | None = None,
        requested_at: float | None = None,
    ) -> FleetDiff:
        """Apply a prepared snapshot (re-diffed if another one was applied in between)."""
        if snapshot.base is not self.computers:
            snapshot = self.prepare(list(snapshot.computers.values()))
        now = time.monotonic() if now is None else now
        diff = snapshot.diff
        self.computers = snapshot.computers
        self._derived_for = snapshot.computers
        self._counts = snapshot.counts
        self._transitional = snapshot.transitional
        self.last_success = now
        self.snapshot_requested_at = now if requested_at is None else requested_at
        self.last_error = None
        self.consecutive_failures = 0
        self.version += 1
        return diff

    def record_failure(self, err: MiosaError) -> None:
        """A poll failed: keep the old snapshot (it will turn stale), count towards backoff."""
        self.last_error = err
        self.consecutive_failures += 1

    def age(self, now: float) -> float | None:
        return None if self.last_success is None else max(0.0, now - self.last_success)

    def is_stale(self, now: float, interval: float | None = None) -> bool:
        """True when the snapshot is older than `stale_after_intervals` intervals. Never stale
        before the first snapshot (there is nothing to distrust yet; see `last_error`)."""
        if self.last_success is None:
            return False
        base = self.policy.interval if interval is None else interval
        return now - self.last_success > base * self.policy.stale_after_intervals

    def _refresh_derived(self) -> None:
        if self._derived_for is not self.computers:
            self._counts, self._transitional = _derive(self.computers)
            self._derived_for = self.computers

    def counts_by_status(self) -> dict[str, int]:
        """Statuses as the fleet has them (unknown ones under their own name), most common first.

        Worked out once per snapshot (in the poll's worker thread), so asking is O(1)."""
        self._refresh_derived()
        return dict(self._counts)

    @property
    def any_transitional(self) -> bool:
        """Something is expected to change soon: a transitional status or a pending action."""
        if self.pending:
            return True
        self._refresh_derived()
        return self._transitional > 0

    def next_delay(self) -> float:
        retry_after = self.last_error.retry_after if self.last_error is not None else None
        return self.policy.next_delay(
            transitional=self.any_transitional,
            failures=self.consecutive_failures,
            retry_after=retry_after,
            awaited=bool(self.pending),
            poll_cpu=self.last_poll_cpu,
        )

    # -- pending actions --------------------------------------------------------------------

    def add_pending(
        self,
        computer: Computer,
        kind: ActionKind,
        *,
        now: float,
        timeout: float = 300.0,
        desired: str | None = None,
        request_id: str | None = None,
    ) -> PendingAction | None:
        """Track an action just accepted by the API. None when it has no end state to watch
        (clone/create track the new computer: pass that one with `desired`)."""
        goal = desired or kind.desired_for(computer)
        if goal is None:
            return None
        action = PendingAction(computer.id, kind, goal, now, now + timeout, request_id)
        self.pending[computer.id] = action
        return action

    def pending_for(self, computer: Computer) -> PendingAction | None:
        """The action pending on `computer` that it has not reached yet: what the status cell
        shows as "stopping → stopped" (None when nothing is pending or the status arrived)."""
        action = self.pending.get(computer.id)
        if action is None or computer.status == action.desired:
            return None
        return action

    def settle_pending(self, now: float) -> list[SettledAction]:
        """Resolve pending actions against the current snapshot; returns those that ended.

        ok: the API shows the desired status (or the computer is gone, for destroy);
        failed: it went to error/failed/destroyed or vanished instead;
        timed out: the deadline passed first. Snapshots requested before the action was sent
        are not evidence either way.
        """
        settled: list[SettledAction] = []
        for ident, action in list(self.pending.items()):
            result = self._judge(action, now)
            if result is not None:
                del self.pending[ident]
                settled.append(result)
        return settled

    def _judge(self, action: PendingAction, now: float) -> SettledAction | None:
        fresh = (
            self.snapshot_requested_at is not None
            and self.snapshot_requested_at >= action.started_at
        )
        if fresh:
            computer = self.computers.get(action.computer_id)
            status = computer.status if computer is not None else None
            if action.desired == GONE:
                if status is None or status == "destroyed":
                    return SettledAction(action, "ok", status, "Destroyed.")
            elif status == action.desired:
                return SettledAction(action, "ok", status, f"Now {status}.")
            elif status is None:
                return SettledAction(
                    action, "failed", None, "It disappeared from the list while waiting."
                )
            elif status in FAILED_STATUSES:
                return SettledAction(
                    action, "failed", status, f"It went to {status} instead of {action.desired}."
                )
        if now > action.deadline:
            current = self.computers.get(action.computer_id)
            last = current.status if current is not None else "gone"
            return SettledAction(
                action,
                "timed out",
                current.status if current is not None else None,
                f"Still not {action.desired} after {action.deadline - action.started_at:g} s; "
                f"last status was {last}.",
            )
        return None


Fetch = Callable[[], Awaitable[Sequence[Computer]]]


async def poll_once(
    state: FleetState,
    fetch: Fetch,
    *,
    clock: Clock = time.monotonic,
    yield_to: Foreground | None = None,
) -> tuple[FleetDiff | None, list[SettledAction]]:
    """One list call: apply it (or record the failure), then settle pending actions.

    `yield_to`: the listing is diffed and applied only once no sort or filter the user waits
    for is under way (at most its limit later): applied meanwhile, a poll of 100,000 computers
    held the loop ~195 ms before the sort's rows, and made them be worked out again.
    Only MiosaError is caught: anything else is a bug and should surface.
    """
    requested_at = clock()
    try:
        computers = await fetch()
    except MiosaError as err:
        now = clock()
        state.record_failure(err)
        return None, state.settle_pending(now)
    if yield_to is not None:
        await yield_to.wait()
    if len(computers) >= THREAD_DIFF_AT:
        snapshot = await asyncio.to_thread(state.prepare, computers)
    else:
        snapshot = state.prepare(computers)
    if yield_to is not None:
        await yield_to.wait()  # a sort begun while the diff was worked out
    now = clock()
    diff = state.commit(snapshot, now=now, requested_at=requested_at)
    return diff, state.settle_pending(now)


class Poller:
    """A poll loop that re-arms only after the previous fetch ends (never overlapping calls),
    sleeping `state.next_delay()` between polls; `poke()` polls now (the refresh key).

    Each poll's cost is the process's CPU (every thread: the listing's decoding runs in its own)
    from the request to the end of `on_poll`, which has shown it: what the fast interval is
    budgeted against (`PollPolicy.fast_cpu_share`). Whatever else ran meanwhile counts too, so
    a busy app polls a moving fleet a little less often, never more."""

    def __init__(
        self,
        state: FleetState,
        fetch: Fetch,
        on_poll: Callable[[FleetDiff | None, list[SettledAction]], None],
        *,
        clock: Clock = time.monotonic,
        cpu_clock: Clock = time.process_time,
        yield_to: Foreground | None = None,
    ) -> None:
        self.state = state
        self.yield_to = yield_to
        self.fetch = fetch
        self.on_poll = on_poll
        self.clock = clock
        self.cpu_clock = cpu_clock
        self._wake = asyncio.Event()
        self._stopped = False
        self.polls = 0

    def poke(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stopped = True
        self._wake.set()

    async def run(self) -> None:
        while not self._stopped:
            cpu_before = self.cpu_clock()
            diff, settled = await poll_once(
                self.state, self.fetch, clock=self.clock, yield_to=self.yield_to
            )
            self.polls += 1
            self.on_poll(diff, settled)
            self.state.last_poll_cpu = max(0.0, self.cpu_clock() - cpu_before)
            if self._stopped:
                break
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.state.next_delay())
