"""Runs lifecycle plans lazily: status steps are applied when the fleet is read, not by a timer.

An action stores a schedule of `(due_time, status)` steps on the computer, timed by an injectable
monotonic clock; every read first applies the steps that are due. There is no background task,
so tests can drive time with a fake clock and the server stays idle when idle.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from miosa_tui.sim.computer import GONE, SimComputer
from miosa_tui.sim.lifecycle import Plan


class Scheduler:
    """Queues each computer's steps and applies the due ones; `pending` keeps reads cheap."""

    def __init__(
        self, *, clock: Callable[[], float], wall: Callable[[], datetime], speed: float
    ) -> None:
        self.clock = clock
        self.wall = wall
        self.speed = speed
        self.pending: set[str] = set()  # ids of computers with steps left

    def schedule(self, computer: SimComputer, plan: Plan, now: float | None = None) -> None:
        """Replace the computer's steps with `plan`'s; durations are divided by the speed."""
        if now is None:
            now = self.clock()
        if plan.first is not None:
            computer.status = plan.first
            computer.updated_at = self.wall()
        at = now
        computer.steps = []
        for status, seconds in plan.steps:
            at += seconds / self.speed
            computer.steps.append((at, status))
        computer.forced = False
        if computer.steps:
            self.pending.add(computer.id)

    def cancel(self, computer: SimComputer) -> None:
        """Drop the computer's steps, so a status set by hand sticks."""
        computer.steps = []
        self.pending.discard(computer.id)

    def forget(self, cid: str) -> None:
        self.pending.discard(cid)

    def advance(self, computers: Mapping[str, SimComputer]) -> list[str]:
        """Apply every due step; return the ids whose schedule ended in GONE (to be removed).

        Cheap when nothing is in flight. `updated_at` is back-dated to when each step was due,
        so a late read still reports the true transition time.
        """
        if not self.pending:
            return []
        now = self.clock()
        gone: list[str] = []
        for cid in list(self.pending):
            computer = computers.get(cid)
            if computer is None:
                self.pending.discard(cid)
            elif self._advance_one(computer, now):
                gone.append(cid)
        return gone

    def _advance_one(self, computer: SimComputer, now: float) -> bool:
        """Apply the computer's due steps; True when it reached GONE."""
        wall_now = self.wall()
        while computer.steps and computer.steps[0][0] <= now:
            due, status = computer.steps.pop(0)
            if status == GONE:
                self.pending.discard(computer.id)
                return True
            computer.status = status
            computer.updated_at = wall_now - timedelta(seconds=max(0.0, now - due))
        if not computer.steps:
            self.pending.discard(computer.id)
        return False
