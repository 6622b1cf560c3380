"""Which actions make sense for which computer, bulk plans, form validation and the action runner.

The rules live here, not in the UI, so a headless command and the dashboard refuse the same
things with the same sentence, and nothing is sent that the API would only answer with a 409.
The runner sends each request exactly once: a lost answer is reported as an unknown outcome and
left for the next poll to resolve, never replayed.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Protocol

from miosa_tui.api.errors import (
    ComputerFailedError,
    MiosaError,
    ResponseFormatError,
    UnknownOutcomeError,
    ValidationError,
    WaitTimeoutError,
)
from miosa_tui.api.models import (
    FAILED_STATUSES,
    GONE,
    KNOWN_STATUSES,
    REGIONS,
    SIZES,
    TEMPLATES,
    TRANSITIONAL,
    Computer,
    normalize_size,
)
from miosa_tui.api.wire import last_request_id
from miosa_tui.fleet.journal import Journal, Outcome
from miosa_tui.naming import NAME_MAX as NAME_MAX  # re-exported for the forms
from miosa_tui.naming import name_problem


def refused(err: MiosaError) -> bool:
    """Whether the API refused the request (409 invalid state, 422, another 4xx it uses to say
    no): nothing happened to the computer, so it is journalled as "refused", never as a
    failure that would flag the computer."""
    return isinstance(err, ValidationError) and err.status is not None


class ActionKind(Enum):
    """A user intent. The value is the verb the API route and the journal use."""

    START = "start"
    STOP = "stop"
    RESTART = "restart"
    DESTROY = "destroy"
    CLONE = "clone"
    MOVE = "move"
    RESIZE = "resize"
    CREATE = "create"

    @property
    def verb(self) -> str:
        return self.value

    @property
    def past(self) -> str:
        return _WORDS[self][0]

    @property
    def progress(self) -> str:
        return _WORDS[self][1]

    @property
    def bulk_phrase(self) -> str:
        """What follows the count in a bulk summary: "3 will stop"."""
        return _WORDS[self][2]

    @property
    def mutating(self) -> bool:
        """Changes server state (all of them today); read-only mode refuses these."""
        return True

    @property
    def destructive(self) -> bool:
        """Cannot be undone; the UI asks for typed confirmation."""
        return self is ActionKind.DESTROY

    @property
    def desired(self) -> str | None:
        """End state the action aims for: a status, GONE, or None for "the status it had"
        (move, resize). For clone and create it is the new computer's status."""
        return _DESIRED[self]

    def desired_for(self, computer: Computer | None) -> str | None:
        """`desired`, with None resolved to the computer's current steady status."""
        if self.desired is not None:
            return self.desired
        return computer.status if computer is not None else None


_WORDS: dict[ActionKind, tuple[str, str, str]] = {
    ActionKind.START: ("started", "starting", "will start"),
    ActionKind.STOP: ("stopped", "stopping", "will stop"),
    ActionKind.RESTART: ("restarted", "restarting", "will restart"),
    ActionKind.DESTROY: ("destroyed", "destroying", "will be destroyed"),
    ActionKind.CLONE: ("cloned", "cloning", "will be cloned"),
    ActionKind.MOVE: ("moved", "moving", "will move"),
    ActionKind.RESIZE: ("resized", "resizing", "will be resized"),
    ActionKind.CREATE: ("created", "creating", "will be created"),
}

_DESIRED: dict[ActionKind, str | None] = {
    ActionKind.START: "running",
    ActionKind.STOP: "stopped",
    ActionKind.RESTART: "running",
    ActionKind.DESTROY: GONE,
    ActionKind.CLONE: "running",
    ActionKind.MOVE: None,
    ActionKind.RESIZE: None,
    ActionKind.CREATE: "running",
}

# Statuses each action may start from (destroy: anything but destroying/destroyed).
# Start, stop and restart follow what the MIOSA docs state: start a stopped (or paused) computer,
# stop or restart a running one. The docs say nothing about moving or resizing a running
# computer, so both are offered and the server decides; its refusal (the simulator refuses a
# live move with 409) reaches the user as an error toast with its sentence and request id.
VALID_FROM: dict[ActionKind, frozenset[str]] = {
    ActionKind.START: frozenset({"stopped", "paused"}),
    ActionKind.STOP: frozenset({"running"}),
    ActionKind.RESTART: frozenset({"running"}),
    ActionKind.CLONE: frozenset({"running", "stopped"}),
    ActionKind.MOVE: frozenset({"running", "stopped"}),
    ActionKind.RESIZE: frozenset({"running", "stopped"}),
}


def allowed(kind: ActionKind, computer: Computer | None) -> str | None:
    """None when `kind` may be sent for `computer`, else a short reason ("already running")."""
    if kind is ActionKind.CREATE:
        return None
    if computer is None:
        return "no computer selected"
    status = computer.status
    if status == "destroyed":
        return "already destroyed"
    if status == "destroying":
        return "already being destroyed" if kind is ActionKind.DESTROY else "is being destroyed"
    if kind is ActionKind.DESTROY:
        return None
    if status in FAILED_STATUSES:
        return f"in {status} state: destroy it"
    if status not in KNOWN_STATUSES:
        return f"status '{status}' is unknown: only destroy is allowed"
    if status in VALID_FROM[kind]:
        return None
    if status in TRANSITIONAL:
        return f"is {status}"
    if kind is ActionKind.START and status == "running":
        return "already running"
    if kind is ActionKind.STOP and status == "stopped":
        return "already stopped"
    if kind is ActionKind.RESTART and status == "stopped":
        return "is stopped: start it instead"
    return f"is {status}"


@dataclass(frozen=True, slots=True)
class BulkPlan:
    """The computers a bulk action will be sent to, and the ones skipped with why."""

    kind: ActionKind
    targets: list[Computer]
    skipped: list[tuple[Computer, str]] = field(default_factory=list)

    def skip_groups(self) -> list[tuple[str, int]]:
        """Skip reasons with counts, most common first (ties in first-seen order)."""
        counts = Counter(reason for _c, reason in self.skipped)
        return sorted(counts.items(), key=lambda item: -item[1])

    def summary(self) -> str:
        """ "3 will stop, 1 skipped: already stopped" / "..., 2 skipped: 1 already stopped, 1 is
        starting" / "nothing will stop, ..." """
        head = f"{len(self.targets) or 'nothing'} {self.kind.bulk_phrase}"
        if not self.skipped:
            return head
        groups = self.skip_groups()
        if len(groups) == 1:
            reasons = groups[0][0]
        else:
            reasons = ", ".join(f"{count} {reason}" for reason, count in groups)
        return f"{head}, {len(self.skipped)} skipped: {reasons}"


def plan_bulk(kind: ActionKind, computers: Iterable[Computer]) -> BulkPlan:
    """Split marked computers into targets and skips; a repeated id is counted once."""
    targets: list[Computer] = []
    skipped: list[tuple[Computer, str]] = []
    seen: set[str] = set()
    for computer in computers:
        if computer.id in seen:
            continue
        seen.add(computer.id)
        reason = allowed(kind, computer)
        if reason is None:
            targets.append(computer)
        else:
            skipped.append((computer, reason))
    return BulkPlan(kind, targets, skipped)


# ---------------------------------------------------------------------------------------------
# Form validation: one sentence saying what to type instead.


def validate_name(text: str) -> str | None:
    """DNS-label rules, because the name becomes the slug in preview URLs (see miosa_tui.naming:
    the CLI and the simulator refuse with the same sentence)."""
    return name_problem(text)


def _choices(options: Iterable[str]) -> str:
    items = list(options)
    return ", ".join(items[:-1]) + f" or {items[-1]}" if len(items) > 1 else "".join(items)


def validate_size(text: str) -> str | None:
    size = normalize_size(text)
    if not size:
        return f"Size is required: choose {_choices(SIZES)}."
    if size not in SIZES:
        return f"Unknown size '{text.strip()}': choose {_choices(SIZES)}."
    return None


def validate_datacenter(text: str, *, required: bool = False) -> str | None:
    """A datacenter region name (us-mia, ...; not a screenshot region). Empty is fine for
    create (the API picks its default) but not for move (`required`)."""
    region = text.strip().lower()
    if not region:
        return f"Region is required: choose {_choices(REGIONS)}." if required else None
    if region not in REGIONS:
        return f"Unknown region '{text.strip()}': choose {_choices(REGIONS)}."
    return None


def validate_template(text: str) -> str | None:
    template = text.strip()
    if not template:
        return f"Template is required: choose {_choices(TEMPLATES)}."
    if template not in TEMPLATES:
        return f"Unknown template '{template}': choose {_choices(TEMPLATES)}."
    return None


# ---------------------------------------------------------------------------------------------
# Running one action.


class ActionClient(Protocol):
    """What the runner needs from `api.computers.MiosaClient` (checked by mypy in the tests)."""

    async def start(self, computer_id: str) -> Computer | None: ...
    async def stop(self, computer_id: str) -> Computer | None: ...
    async def restart(self, computer_id: str) -> Computer | None: ...
    async def delete(self, computer_id: str) -> None: ...
    async def clone(self, computer_id: str, name: str | None = None, **attrs: Any) -> Computer: ...
    async def move(
        self, computer_id: str, region: str | None = None, **attrs: Any
    ) -> Computer | None: ...
    async def resize(
        self, computer_id: str, size: str | None = None, **attrs: Any
    ) -> Computer | None: ...
    async def create(
        self,
        name: str,
        size: str = "small",
        region: str | None = None,
        template_type: str = "miosa-desktop",
        **extra: Any,
    ) -> Computer: ...
    async def wait_until_running(self, computer_id: str, timeout: float = 300) -> Computer: ...
    async def wait_until_stopped(self, computer_id: str, timeout: float = 300) -> Computer: ...


@dataclass(frozen=True, slots=True)
class ActionResult:
    """How one action ended. `computer` is the last known state of the target (for clone and
    create: the new computer); `error` the exception behind a non-ok outcome."""

    kind: ActionKind
    target_id: str | None
    target_name: str | None
    outcome: Outcome
    message: str
    request_id: str | None = None
    computer: Computer | None = None
    error: MiosaError | None = None
    sent: bool = False  # whether a request reached the wire (or may have)

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"


SentCallback = Callable[[ActionKind, Computer | None, Computer | None, float], None]


class ActionRunner:
    """Send one action, journal it, then wait for its end state.

    `on_sent(kind, target, returned, sent_at)` runs right after the API accepts the request, so
    the fleet model can show a pending "stopping -> stopped" overlay while the runner waits.
    """

    def __init__(
        self,
        *,
        timeout: float = 300.0,
        wait: bool = True,
        clock: Callable[[], float] = time.monotonic,
        on_sent: SentCallback | None = None,
    ) -> None:
        self.timeout = timeout
        self.wait = wait
        self.clock = clock
        self.on_sent = on_sent

    async def run(
        self,
        kind: ActionKind,
        computer: Computer | None,
        client: ActionClient,
        journal: Journal,
        *,
        wait: bool | None = None,
        timeout: float | None = None,
        **params: Any,
    ) -> ActionResult:
        """Run `kind` on `computer` (None for create). Extra params go to the client call
        (clone: name; move: region; resize: size; create: name, size, region, template_type)."""
        wait = self.wait if wait is None else wait
        timeout = self.timeout if timeout is None else timeout
        target_id = computer.id if computer is not None else None
        target_name = computer.name if computer is not None else params.get("name")

        def finish(
            outcome: Outcome,
            message: str,
            *,
            error: MiosaError | None = None,
            result: Computer | None = None,
            sent: bool = True,
        ) -> ActionResult:
            request_id = error.request_id if error is not None else accepted_id
            entry = journal.record(kind.verb, target_id, target_name, outcome, message, request_id)
            return ActionResult(
                kind,
                target_id,
                target_name,
                outcome,
                entry.message,
                request_id,
                result,
                error,
                sent,
            )

        accepted_id: str | None = None  # the x-request-id of the request the API accepted
        reason = allowed(kind, computer)
        if reason is not None:
            return finish("skipped", _sentence(reason), sent=False)

        try:
            returned = await self._send(kind, computer, client, params)
        except UnknownOutcomeError as err:
            return finish("unknown outcome", f"{err.message} {err.hint}", error=err)
        except ResponseFormatError as err:
            if err.status is not None and not 200 <= err.status < 300:
                return finish("failed", err.message, error=err)  # e.g. a redirect: not done
            # A 2xx whose body could not be read: the API took the request, so "failed" would
            # be a lie (a clone reported failed was in fact created). Let the next poll tell.
            return finish(
                "unknown outcome",
                f"The API accepted the {kind.verb} but its answer could not be read "
                f"({err.message}) The next refresh will show what happened.",
                error=err,
            )
        except MiosaError as err:
            if refused(err):
                return finish("refused", err.message, error=err)
            return finish("failed", err.message, error=err, sent=err.status is not None)
        accepted_id = last_request_id()

        if self.on_sent is not None:
            self.on_sent(kind, computer, returned, self.clock())
        # Clone and create act on a new computer: follow that one from here on.
        follow = returned if kind in (ActionKind.CLONE, ActionKind.CREATE) else computer
        if kind in (ActionKind.CLONE, ActionKind.CREATE) and returned is not None:
            target_id, target_name = returned.id, returned.name
        desired = kind.desired_for(computer)
        if not wait and follow is not None and desired in ("running", "stopped", GONE):
            # The caller tracks the end state itself (the dashboard does, through its poll) and
            # journals the final outcome then; until that, the action is only "sent".
            waiting = f"{kind.verb.capitalize()} accepted; waiting for {desired}."
            return finish("sent", waiting, result=returned)
        if desired not in ("running", "stopped") or follow is None:
            return finish("ok", f"{kind.verb.capitalize()} accepted by the API.", result=returned)

        journal.record(
            kind.verb,
            target_id,
            target_name,
            "sent",
            f"{kind.verb.capitalize()} accepted; waiting for {desired}.",
            accepted_id,
        )
        waiter = client.wait_until_running if desired == "running" else client.wait_until_stopped
        try:
            final = await waiter(follow.id, timeout=timeout)
        except WaitTimeoutError as err:
            return finish("timed out", f"{err.message} {err.hint}", error=err, result=returned)
        except ComputerFailedError as err:
            return finish("failed", f"{err.message} {err.hint}", error=err, result=returned)
        except MiosaError as err:
            return finish(
                "unknown outcome",
                f"Sent, but could not confirm it: {err.message} The next refresh will show it.",
                error=err,
                result=returned,
            )
        return finish("ok", f"Now {final.status}.", result=final)

    async def _send(
        self,
        kind: ActionKind,
        computer: Computer | None,
        client: ActionClient,
        params: dict[str, Any],
    ) -> Computer | None:
        """Exactly one request; never retried here (the transport only retries idempotent ones)."""
        if kind is ActionKind.CREATE:
            return await client.create(**params)
        assert computer is not None  # allowed() refused a missing target already
        ident = computer.id
        if kind is ActionKind.START:
            return await client.start(ident)
        if kind is ActionKind.STOP:
            return await client.stop(ident)
        if kind is ActionKind.RESTART:
            return await client.restart(ident)
        if kind is ActionKind.DESTROY:
            await client.delete(ident)
            return None
        if kind is ActionKind.CLONE:
            return await client.clone(ident, **params)
        if kind is ActionKind.MOVE:
            return await client.move(ident, **params)
        return await client.resize(ident, **params)


def _sentence(reason: str) -> str:
    return f"Not sent: {reason}."
