"""Which computers need a human, why, and since when.

A computer is a problem when it is in `error` (or `failed`), when it has been in a transition
(creating, starting, stopping, destroying) longer than that transition should take, or when the
last action taken on it with miosa-tui failed, timed out or ended with an unknown outcome. Each
computer has at most one problem, the most serious: error, then stuck, then the action.

Nothing here reads a clock: `now` is passed in (timezone-aware UTC), so every rule is tested by
moving time instead of sleeping. The dashboard and `miosa-tui ls --problems` share these rules.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, Protocol

from miosa_tui.api.models import Computer
from miosa_tui.api.timestamps import parse_timestamp
from miosa_tui.fleet.actions import ActionKind
from miosa_tui.fleet.diff import FleetDiff

ProblemKind = Literal["error", "stuck", "action failed", "unknown outcome"]
SEVERITY: dict[ProblemKind, int] = {
    "error": 0,
    "stuck": 1,
    "action failed": 2,
    "unknown outcome": 3,
}
ERROR_STATUSES = frozenset({"error", "failed"})
# Journal outcomes that make the last action a problem, and the problem they make.
BAD_OUTCOMES: dict[str, ProblemKind] = {
    "failed": "action failed",
    "timed out": "action failed",
    "unknown outcome": "unknown outcome",
}
# Outcomes of actions that did nothing to the computer: they neither make nor clear a problem.
NOT_DONE = frozenset({"skipped", "refused"})
# Only actions that change a computer count (a saved screenshot does not clear a failed stop).
ACTION_VERBS = frozenset(kind.verb for kind in ActionKind if kind is not ActionKind.CREATE)
# Where a verb leaves the computer; reaching it after the action clears that action's problem.
_REACHES = {"start": "running", "stop": "stopped", "restart": "running"}
# Which limit applies to each transitional status.
_LIMIT_OF = {
    "creating": "creating",
    "provisioning": "creating",
    "pending": "creating",
    "starting": "starting",
    "stopping": "stopping",
    "destroying": "destroying",
}


def _default_limits() -> dict[str, float]:
    return {"creating": 300.0, "starting": 120.0, "stopping": 120.0, "destroying": 120.0}


@dataclass(frozen=True, slots=True)
class ProblemRules:
    """Seconds each transition may take before it counts as stuck, and how long a failed
    action keeps counting (after that, only the journal remembers it)."""

    stuck_after: Mapping[str, float] = field(default_factory=_default_limits)
    action_window: float = 24 * 3600.0

    def limit_for(self, status: str) -> float | None:
        """Seconds `status` may last, or None when it is not a timed transition."""
        key = _LIMIT_OF.get(status)
        return None if key is None else self.stuck_after.get(key)

    @classmethod
    def from_settings(cls, values: Mapping[str, Any]) -> ProblemRules:
        """From the resolved settings (config.Config.values): `stuck_creating` and friends."""
        limits = _default_limits()
        for key in limits:
            value = values.get(f"stuck_{key}")
            if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
                limits[key] = float(value)
        return cls(stuck_after=limits)


@dataclass(frozen=True, slots=True)
class LastAction:
    """The newest action taken on a computer (from the journal or the history)."""

    action: str
    outcome: str
    at: datetime
    message: str = ""
    request_id: str | None = None


@dataclass(frozen=True, slots=True)
class Problem:
    """One computer that needs attention. `reason` is a sentence: what the API said about it
    when it said something (`api_reason`), else our own explanation."""

    computer: Computer
    kind: ProblemKind
    since: datetime | None
    reason: str
    api_reason: str | None = None
    request_id: str | None = None

    def age(self, now: datetime) -> float | None:
        """Seconds since the problem began (None when that is not known)."""
        return None if self.since is None else max(0.0, (now - self.since).total_seconds())

    def summary(self, now: datetime) -> str:
        """'error for 12m: disk full' (plain text; the caller makes it drawable)."""
        age = self.age(now)
        span = "" if age is None else f" for {short_duration(age)}"
        return f"{self.kind}{span}: {self.reason}"

    def to_json(self, now: datetime) -> dict[str, Any]:
        return {
            "id": self.computer.id,
            "name": self.computer.name,
            "status": self.computer.status,
            "problem": self.kind,
            "since": iso(self.since) if self.since is not None else None,
            "for_seconds": None if self.since is None else round(self.age(now) or 0.0),
            "reason": self.reason,
            "api_reason": self.api_reason,
            "request_id": self.request_id,
        }


def iso(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def short_duration(seconds: float) -> str:
    """45s, 12m, 3h05m, 2d04h."""
    total = int(max(0.0, seconds))
    if total < 60:
        return f"{total}s"
    minutes, _ = divmod(total, 60)
    if minutes < 60:
        return f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours}h{minutes:02d}m"
    days, hours = divmod(hours, 24)
    return f"{days}d{hours:02d}h"


@functools.lru_cache(maxsize=8192)
def parse_time(text: str | None) -> datetime | None:
    """An API timestamp (ISO-8601, `Z` or offset; a naive one is taken as UTC), else None.

    Cached: after each poll the same computers' unchanged `updated_at` are read again (on a
    10,000-computer fleet with 5% moving, ~800 a poll, ~3 ms of the event loop's time)."""
    return parse_timestamp(text)


def status_since(computer: Computer, observed: datetime | None, now: datetime) -> datetime | None:
    """When the computer entered its current status: when we saw it change (`observed`), else
    the API's `updated_at` (any change moves it, so it is a lower bound), never in the future."""
    at = observed or parse_time(computer.updated_at)
    if at is None:
        return None
    return min(at, now)


def judge(
    computer: Computer,
    *,
    now: datetime,
    rules: ProblemRules,
    since: datetime | None = None,
    last_action: LastAction | None = None,
) -> Problem | None:
    """The one problem of `computer` (the most serious), or None.

    `since` is when it entered its current status (see `status_since`); `last_action` the
    newest action taken on it (skipped ones excluded by the caller: see `last_actions`).
    """
    status = computer.status
    api_reason = computer.status_reason
    if status in ERROR_STATUSES:
        reason = api_reason or f"The API reports it as {status} and gives no reason."
        return Problem(computer, "error", since, reason, api_reason)
    limit = rules.limit_for(status)
    if limit is not None and since is not None and (now - since).total_seconds() > limit:
        reason = api_reason or (
            f"Still {status} after {short_duration((now - since).total_seconds())} "
            f"(expected at most {short_duration(limit)})."
        )
        return Problem(computer, "stuck", since, reason, api_reason)
    if last_action is None or last_action.action not in ACTION_VERBS:
        return None
    kind = BAD_OUTCOMES.get(last_action.outcome)
    if kind is None or (now - last_action.at).total_seconds() > rules.action_window:
        return None
    reached = _REACHES.get(last_action.action)
    # It is where the action was taking it (a restart must have got there afterwards).
    arrived = last_action.action != "restart" or (since is not None and since > last_action.at)
    if reached is not None and status == reached and arrived:
        return None
    words = f"{last_action.action.capitalize()} {last_action.outcome}"
    reason = f"{words}: {last_action.message}" if last_action.message else f"{words}."
    return Problem(
        computer, kind, last_action.at, reason, api_reason, request_id=last_action.request_id
    )


def status_may_trouble(computer: Computer) -> bool:
    """Its status alone can make a problem: an error, or a transition with a time limit."""
    status = computer.status
    return status in ERROR_STATUSES or status in _LIMIT_OF


class Suspects:
    """The ids of the computers whose status alone can make a problem (`status_may_trouble`),
    kept from each poll's diff: O(changes) a poll. Judging only these (and the computers with a
    last action) is what `find_problems` over the whole fleet would find, without walking
    10,000 steady computers after every poll."""

    def __init__(self) -> None:
        self.ids: set[str] = set()

    def rebuild(self, computers: Iterable[Computer]) -> None:
        self.ids = {c.id for c in computers if status_may_trouble(c)}

    def update(self, diff: FleetDiff) -> None:
        ids = self.ids
        for ident in diff.removed:
            ids.discard(ident)
        for computer in diff.added:
            if status_may_trouble(computer):
                ids.add(computer.id)
        for _old, computer, names in diff.changed:
            if "status" not in names:
                continue
            if status_may_trouble(computer):
                ids.add(computer.id)
            else:
                ids.discard(computer.id)


def find_problems(
    computers: Iterable[Computer],
    *,
    now: datetime,
    rules: ProblemRules,
    observed: Mapping[str, datetime] | None = None,
    last_actions: Mapping[str, LastAction] | None = None,
) -> list[Problem]:
    """Every problem in the fleet, most serious first, then the oldest first."""
    observed = observed or {}
    last_actions = last_actions or {}
    found = []
    for computer in computers:
        # Most of a fleet is steady with nothing done to it: skip those before any date parsing
        # (10,000 computers are judged after every poll, on the event loop).
        if not status_may_trouble(computer) and computer.id not in last_actions:
            continue
        since = status_since(computer, observed.get(computer.id), now)
        problem = judge(
            computer,
            now=now,
            rules=rules,
            since=since,
            last_action=last_actions.get(computer.id),
        )
        if problem is not None:
            found.append(problem)
    oldest = datetime.max.replace(tzinfo=UTC)
    found.sort(key=lambda p: (SEVERITY[p.kind], p.since or oldest, p.computer.name, p.computer.id))
    return found


def last_actions(entries: Iterable[LastActionSource]) -> dict[str, LastAction]:
    """The newest counting action per computer id, from journal entries or history events in
    time order (older first). Skipped actions were never sent and refused ones were not done
    (the API said no: the computer is as it was), so neither counts."""
    newest: dict[str, LastAction] = {}
    for entry in entries:
        ident = entry.target_id
        outcome = entry.outcome
        if ident is None or outcome is None or outcome in NOT_DONE:
            continue
        if entry.action not in ACTION_VERBS:
            continue
        newest[ident] = LastAction(entry.action, outcome, entry.at, entry.message, entry.request_id)
    return newest


class LastActionSource(Protocol):
    """What `last_actions` reads: fleet.journal.JournalEntry and fleet.history.HistoryEvent."""

    @property
    def target_id(self) -> str | None: ...
    @property
    def action(self) -> str: ...
    @property
    def outcome(self) -> str | None: ...
    @property
    def at(self) -> datetime: ...
    @property
    def message(self) -> str: ...
    @property
    def request_id(self) -> str | None: ...


class StatusWatch:
    """When each computer entered its current status, as the polls saw it.

    The first snapshot says nothing about when statuses began (the API's `updated_at` is used
    then); from the second on, a status change is stamped with the time it was seen.
    """

    def __init__(self, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.clock = clock
        self._since: dict[str, datetime] = {}

    def update(self, diff: FleetDiff, *, first: bool = False) -> None:
        now = self.clock()
        for ident in diff.removed:
            self._since.pop(ident, None)
        if not first:
            for computer in diff.added:
                self._since[computer.id] = now
        for before, after, names in diff.changed:
            if "status" in names and before.status != after.status:
                self._since[after.id] = now

    def since(self, ident: str) -> datetime | None:
        return self._since.get(ident)

    @property
    def observed(self) -> Mapping[str, datetime]:
        return self._since


def entered_within(seconds: float, since: datetime | None, now: datetime) -> bool:
    """Whether `since` lies in the last `seconds` before `now` (rows marked as just changed)."""
    return since is not None and now - since <= timedelta(seconds=seconds)
