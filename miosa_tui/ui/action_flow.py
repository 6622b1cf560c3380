"""From a key press to a journaled outcome: gate, plan, confirm, send once, then track.

The dashboard hands over a verb and the target computers; this decides whether the action is
offered at all (read-only, state), asks what the dialogs need, and runs the requests. Tracking
to the end state uses the poll (FleetState pending actions), so a bulk stop of 50 computers
costs 50 POSTs and no extra GETs.

It never calls the dashboard: what the screen shows of an action (the marks used up, a row's
pending label) is published on two signals, `marks_used` and `pending_shown`, that the dashboard
subscribes to.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.notifications import SeverityLevel
from textual.signal import Signal

from miosa_tui.api.models import FAILED_STATUSES, KNOWN_STATUSES, Computer
from miosa_tui.api.wire import last_request_id
from miosa_tui.fleet.actions import (
    ActionKind,
    ActionResult,
    ActionRunner,
    BulkPlan,
    allowed,
    plan_bulk,
)

if TYPE_CHECKING:
    from miosa_tui.ui.app import MiosaApp

CONFIRMED = frozenset({ActionKind.STOP, ActionKind.RESTART, ActionKind.DESTROY})
MAX_PARALLEL = 8


def refusal(kind: ActionKind, skipped: list[tuple[Computer, str]]) -> str:
    """Why nothing was sent, in one sentence: "ci-worker is in error: it can't be started
    (destroy it)." for one computer, the reasons with counts for several."""
    if len(skipped) == 1:
        computer, reason = skipped[0]
        unknown = computer.status not in KNOWN_STATUSES and computer.raw_status
        state = computer.raw_status if unknown else computer.status
        being = f"is in {state}" if computer.status in FAILED_STATUSES else f"is {state}"
        _, _, hint = reason.partition(": ")
        tail = f" ({hint})" if hint else ""
        return f"{computer.name} {being}: it can't be {kind.past}{tail}."
    plan = BulkPlan(kind, [], skipped)
    return f"None of the {len(skipped)} computers can be {kind.past}: {plan.summary()}."


def change_sentence(plan: BulkPlan, field: str, value: str) -> tuple[str, str]:
    """("Resize ci-worker from small to xs?", "It will reboot.") for a resize or a move."""
    verb = plan.kind.verb.capitalize()
    targets = plan.targets
    if len(targets) == 1:
        c = targets[0]
        current = (c.size if field == "size" else c.region) or "unknown"
        question = f"{verb} {c.name} from {current} to {value}?"
        running = c.is_running
        status = c.status
    else:
        question = f"{verb} {len(targets)} computers to {value}?"
        running = any(c.is_running for c in targets)
        status = "stopped"
    if field == "size":
        if len(targets) > 1:
            effect = "Running ones will reboot; the others get the new size when they start."
        elif running:
            effect = "It will reboot."
        else:
            effect = f"It stays {status}; the new size applies when it starts."
    else:
        effect = "It gets a new host and a new IP address in that region"
        effect += "; running ones may restart." if len(targets) > 1 and running else "."
        if len(targets) == 1 and not running:
            effect += f" It stays {status}."
    return question, effect


@dataclass(frozen=True, slots=True)
class PendingShown:
    """The API accepted a request for `computer_id`: its row shows the pending action (the fleet
    holds what it heads for)."""

    computer_id: str


class ActionFlow:
    def __init__(self, app: MiosaApp) -> None:
        self.app = app
        self.runner = ActionRunner(wait=False, clock=app.clock, on_sent=self._on_sent)
        self.in_flight: set[tuple[str, str]] = set()
        # Published for the screen showing the fleet (the dashboard subscribes in on_mount):
        # the marked rows were acted on (clear the marks), and a request was accepted.
        self.marks_used: Signal[None] = Signal(app, "marks-used")
        self.pending_shown: Signal[PendingShown] = Signal(app, "pending-shown")

    # -- gating ------------------------------------------------------------------------------
    def check(self, verb: str, targets: list[Computer]) -> bool | None:
        """For `check_action`: False hides the key (read-only), None greys it (not valid now)."""
        kind = ActionKind(verb)
        if self.app.read_only:
            return False
        if kind is ActionKind.CREATE:
            return True
        if not targets:
            return None
        return True if any(allowed(kind, c) is None for c in targets) else None

    def request(self, verb: str, targets: list[Computer]) -> None:
        """Ask, confirm and send `verb` for `targets`, or say in a toast why not (read-only,
        nothing highlighted, no target in a state that allows it)."""
        kind = ActionKind(verb)
        if self.app.read_only:
            self.app.notify(
                f"Read-only mode: {verb} is disabled.", severity="warning", markup=False
            )
            return
        if kind is ActionKind.CREATE:
            self._ask_create()
            return
        if not targets:
            self.app.notify(
                f"Nothing to {verb}: nothing is highlighted.", severity="warning", markup=False
            )
            return
        plan = plan_bulk(kind, targets)
        if not plan.targets:
            self.app.notify(refusal(kind, plan.skipped), severity="warning", markup=False)
            return
        if kind is ActionKind.CLONE:
            self._ask_clone(plan)
        elif kind is ActionKind.MOVE:
            self._ask_move(plan)
        elif kind is ActionKind.RESIZE:
            self._ask_resize(plan)
        elif kind in CONFIRMED and self._needs_confirm(kind):
            self._confirm(plan)
        else:
            self.run(plan)

    def _needs_confirm(self, kind: ActionKind) -> bool:
        if kind is ActionKind.DESTROY:
            return True
        return self.app.config.confirm_stop

    # -- dialogs -----------------------------------------------------------------------------
    def _confirm(self, plan: BulkPlan, **params: Any) -> None:
        from miosa_tui.ui.screens.dialogs import ConfirmActionDialog

        kind = plan.kind
        typed: str | None = None
        if kind is ActionKind.DESTROY:
            if len(plan.targets) > 1:
                typed = f"destroy {len(plan.targets)}"
            elif plan.targets[0].status not in ("stopped", "error", "failed"):
                typed = plan.targets[0].name
        dialog = ConfirmActionDialog(plan, require_typed=typed)

        def done(ok: bool | None) -> None:
            if ok:
                self.run(plan, **params)
            else:
                self.app.notify(f"{kind.verb.capitalize()} cancelled.", timeout=3, markup=False)

        self.app.push_screen(dialog, done)

    def _ask_clone(self, plan: BulkPlan) -> None:
        from miosa_tui.ui.screens.dialogs import CloneDialog

        source = plan.targets[0]
        names = {c.name for c in self.app.fleet.computers.values()}

        def done(name: str | None) -> None:
            if name:
                self.run(BulkPlan(plan.kind, [source]), name=name)

        self.app.push_screen(CloneDialog(source, existing_names=names), done)

    def _ask_move(self, plan: BulkPlan) -> None:
        from miosa_tui.ui.screens.dialogs import MoveDialog

        def done(region: str | None) -> None:
            if region:
                self._confirm_change(plan, "region", region)

        self.app.push_screen(MoveDialog(plan.targets[0].region, count=len(plan.targets)), done)

    def _ask_resize(self, plan: BulkPlan) -> None:
        from miosa_tui.ui.screens.dialogs import ResizeDialog

        def done(size: str | None) -> None:
            if size:
                self._confirm_change(plan, "size", size)

        self.app.push_screen(ResizeDialog(plan.targets[0].size, count=len(plan.targets)), done)

    def _confirm_change(self, plan: BulkPlan, field: str, value: str) -> None:
        """Resize or move: asked as one sentence saying what happens, under the same
        `confirm_stop` setting as stop (off: sent at once)."""
        if not self._needs_confirm(plan.kind):
            self.run(plan, **{field: value})
            return
        from miosa_tui.ui.screens.dialogs import ConfirmActionDialog

        question, effect = change_sentence(plan, field, value)
        dialog = ConfirmActionDialog(plan, consequence=f"{question} {effect}")

        def answered(ok: bool | None) -> None:
            if ok:
                self.run(plan, **{field: value})
            else:
                self.app.notify(
                    f"{plan.kind.verb.capitalize()} cancelled.", timeout=3, markup=False
                )

        self.app.push_screen(dialog, answered)

    def _ask_create(self) -> None:
        from miosa_tui.ui.screens.dialogs import CreateDialog

        names = {c.name for c in self.app.fleet.computers.values()}

        def done(values: dict[str, str] | None) -> None:
            if values:
                self.run(BulkPlan(ActionKind.CREATE, []), **values)

        self.app.push_screen(CreateDialog(existing_names=names), done)

    # -- running -----------------------------------------------------------------------------
    def run(self, plan: BulkPlan, **params: Any) -> None:
        for computer, reason in plan.skipped:
            self.app.journal.record(
                plan.kind.verb, computer.id, computer.name, "skipped", f"Not sent: {reason}."
            )
        targets: list[Computer | None] = list(plan.targets) or [None]
        fresh = [t for t in targets if t is None or (plan.kind.verb, t.id) not in self.in_flight]
        for t in targets:
            if t is not None and t not in fresh:
                # Confirmed again while the first request is still out: not sent twice, and
                # said so, so every confirmed action has its line in the journal.
                self.app.journal.record(
                    plan.kind.verb,
                    t.id,
                    t.name,
                    "skipped",
                    f"Not sent: the previous {plan.kind.verb} is still in flight.",
                )
        for t in fresh:
            if t is not None:
                self.in_flight.add((plan.kind.verb, t.id))
        self.marks_used.publish(None)
        skipped = len(plan.skipped) + len(targets) - len(fresh)
        self.app.run_worker(
            self._run_all(plan.kind, fresh, params, skipped),
            group="actions",
            exit_on_error=False,
        )

    async def _run_all(
        self,
        kind: ActionKind,
        targets: list[Computer | None],
        params: dict[str, Any],
        skipped: int = 0,
    ) -> None:
        gate = asyncio.Semaphore(MAX_PARALLEL)

        async def one(target: Computer | None) -> ActionResult:
            async with gate:
                try:
                    result = await self.runner.run(
                        kind, target, self.app.client, self.app.journal, **params
                    )
                finally:
                    if target is not None:
                        self.in_flight.discard((kind.verb, target.id))
            if len(targets) == 1:
                self._notify_one(kind, result)
            return result

        results = await asyncio.gather(*(one(t) for t in targets))
        if len(results) > 1:
            self._summarise(kind, results, skipped)

    def _notify_one(self, kind: ActionKind, result: ActionResult) -> None:
        name = result.target_name or "computer"
        if result.outcome in ("ok", "sent"):
            self.app.notify(
                f"{kind.verb.capitalize()}: {name} — {result.message}", timeout=4, markup=False
            )
        elif result.outcome == "skipped":
            self.app.notify(
                f"{kind.verb.capitalize()} {name}: {result.message}",
                severity="warning",
                markup=False,
            )
        else:
            rid = f" [request {result.request_id}]" if result.request_id else ""
            self.app.notify(
                f"{kind.verb.capitalize()} {name} {result.outcome}: {result.message}{rid}",
                severity="error",
                timeout=10,
                markup=False,
            )

    def _summarise(self, kind: ActionKind, results: list[ActionResult], skipped: int) -> None:
        """One toast for a bulk action: "Started 6, 1 failed: see the journal (j)."."""
        done = sum(r.outcome in ("ok", "sent") for r in results)
        skipped += sum(r.outcome == "skipped" for r in results)
        refused = sum(r.outcome == "refused" for r in results)
        failed = len(results) - done - refused - sum(r.outcome == "skipped" for r in results)
        parts = [f"{kind.past.capitalize()} {done}"]
        if failed:
            parts.append(f"{failed} failed")
        if refused:
            parts.append(f"{refused} refused")
        if skipped:
            parts.append(f"{skipped} skipped")
        text = ", ".join(parts)
        if failed or refused or skipped:
            text += ": see the journal (j)"
        severity: SeverityLevel = (
            "error" if failed else "warning" if refused or skipped else "information"
        )
        self.app.notify(text + ".", severity=severity, timeout=8, markup=False)

    def _on_sent(
        self, kind: ActionKind, target: Computer | None, returned: Computer | None, sent_at: float
    ) -> None:
        fleet = self.app.fleet
        follow = returned if kind in (ActionKind.CLONE, ActionKind.CREATE) else target
        if follow is None:
            return
        desired = kind.desired_for(target) if target is not None else kind.desired
        pending = fleet.add_pending(
            follow,
            kind,
            now=sent_at or self.app.clock(),
            desired=desired,
            request_id=last_request_id(),  # this task just had the API accept the request
        )
        if pending is not None:
            self.pending_shown.publish(PendingShown(follow.id))
