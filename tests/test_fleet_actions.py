"""Action rules, bulk plans, form validation and the ActionRunner against an in-memory client."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

import pytest

from miosa_tui.api.errors import (
    ComputerFailedError,
    ConnectionError,
    UnknownOutcomeError,
    ValidationError,
    WaitTimeoutError,
)
from miosa_tui.api.models import Computer
from miosa_tui.fleet.actions import (
    GONE,
    ActionKind,
    ActionRunner,
    allowed,
    plan_bulk,
    validate_datacenter,
    validate_name,
    validate_size,
    validate_template,
)
from miosa_tui.fleet.journal import Journal

if TYPE_CHECKING:  # mypy: the real client must satisfy the runner's Protocol
    from miosa_tui.api.computers import MiosaClient
    from miosa_tui.fleet.actions import ActionClient

    def _client_fits(client: MiosaClient) -> ActionClient:
        return client


def comp(ident: str, status: str) -> Computer:
    return Computer(id=ident, name=f"vm-{ident}", status=status)


K = ActionKind
# (kind, status) -> allowed? The whole matrix for the known statuses plus an unknown one.
ALLOWED = {
    K.START: {"stopped", "paused"},
    K.STOP: {"running"},
    K.RESTART: {"running"},
    K.CLONE: {"running", "stopped"},
    K.MOVE: {"running", "stopped"},  # the docs are silent on a live move: the server decides
    K.RESIZE: {"running", "stopped"},
    K.DESTROY: {
        "running",
        "stopped",
        "paused",
        "error",
        "failed",
        "creating",
        "provisioning",
        "pending",
        "starting",
        "stopping",
        "hibernating",
    },
}
STATUSES = [
    "running",
    "stopped",
    "paused",
    "error",
    "failed",
    "destroyed",
    "creating",
    "provisioning",
    "pending",
    "starting",
    "stopping",
    "destroying",
    "hibernating",
]


@pytest.mark.parametrize("kind", list(ALLOWED))
@pytest.mark.parametrize("status", STATUSES)
def test_allowed_matrix(kind: ActionKind, status: str) -> None:
    reason = allowed(kind, comp("a", status))
    assert (reason is None) == (status in ALLOWED[kind]), reason
    if reason is not None:
        assert reason and len(reason) < 60


@pytest.mark.parametrize(
    ("kind", "status", "reason"),
    [
        (K.START, "running", "already running"),
        (K.STOP, "stopped", "already stopped"),
        (K.STOP, "stopping", "is stopping"),
        (K.START, "starting", "is starting"),
        (K.START, "error", "in error state: destroy it"),
        (K.RESTART, "stopped", "is stopped: start it instead"),
        (K.DESTROY, "destroying", "already being destroyed"),
        (K.STOP, "hibernating", "status 'hibernating' is unknown: only destroy is allowed"),
    ],
)
def test_reasons(kind: ActionKind, status: str, reason: str) -> None:
    assert allowed(kind, comp("a", status)) == reason


def test_kind_words_and_desired_states() -> None:
    assert K.STOP.verb == "stop" and K.STOP.progress == "stopping" and K.STOP.past == "stopped"
    assert K.START.desired == "running" and K.RESTART.desired == "running"
    assert K.STOP.desired == "stopped" and K.DESTROY.desired == GONE
    assert K.CLONE.desired == "running" and K.CREATE.desired == "running"
    assert K.MOVE.desired is None
    assert K.RESIZE.desired_for(comp("a", "stopped")) == "stopped"
    assert all(k.mutating for k in K)
    assert [k for k in K if k.destructive] == [K.DESTROY]
    assert allowed(K.CREATE, None) is None
    assert allowed(K.STOP, None) == "no computer selected"


def test_bulk_summaries() -> None:
    plan = plan_bulk(
        K.STOP,
        [comp("1", "running"), comp("2", "running"), comp("3", "running"), comp("4", "stopped")],
    )
    assert plan.summary() == "3 will stop, 1 skipped: already stopped"
    plan = plan_bulk(
        K.STOP,
        [
            comp("1", "running"),
            comp("2", "running"),
            comp("3", "running"),
            comp("4", "stopped"),
            comp("5", "starting"),
        ],
    )
    assert plan.summary() == "3 will stop, 2 skipped: 1 already stopped, 1 is starting"
    plan = plan_bulk(K.STOP, [comp("1", "stopped"), comp("2", "stopped")])
    assert plan.summary() == "nothing will stop, 2 skipped: already stopped"
    assert plan_bulk(K.DESTROY, [comp("1", "error")]).summary() == "1 will be destroyed"
    plan = plan_bulk(K.START, [comp("1", "stopped"), comp("1", "stopped")])
    assert len(plan.targets) == 1 and plan.summary() == "1 will start"


def test_bulk_groups_most_common_first() -> None:
    plan = plan_bulk(K.START, [comp("1", "stopping"), comp("2", "running"), comp("3", "running")])
    assert plan.summary() == "nothing will start, 3 skipped: 2 already running, 1 is stopping"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "required"),
        ("a" * 64, "at most 63"),
        ("Web-1", "lowercase: try 'web-1'"),
        ("1web", "start with a lowercase letter"),
        ("-web", "start with a lowercase letter"),
        ("web_1", "found '_'"),
        ("web 1", "found a space"),
        ("wéb", "found 'é'"),
        ("web-", "end with a hyphen"),
    ],
)
def test_validate_name_rejects(text: str, fragment: str) -> None:
    reason = validate_name(text)
    assert reason is not None and fragment in reason


@pytest.mark.parametrize("text", ["web", "a", "web-1", "a" * 63, "x9-y8"])
def test_validate_name_accepts(text: str) -> None:
    assert validate_name(text) is None


def test_validate_catalog_fields() -> None:
    assert validate_size("small") is None and validate_size("XLarge") is None
    assert "choose xs, small, medium, large or xl" in (validate_size("huge") or "")
    assert validate_datacenter("") is None and validate_datacenter("us-mia") is None
    assert "Region is required" in (validate_datacenter(" ", required=True) or "")
    assert "Unknown region 'mars'" in (validate_datacenter("mars") or "")
    assert validate_template("miosa-desktop") is None
    assert "Unknown template" in (validate_template("windows") or "")


# ---------------------------------------------------------------------------------------------
# ActionRunner with a tiny in-memory client.


class FakeClient:
    """Records every call; scripted errors for send and wait."""

    def __init__(self, computers: list[Computer]) -> None:
        self.computers = {c.id: c for c in computers}
        self.calls: list[tuple[str, str, dict[str, Any]]] = []
        self.send_error: Exception | None = None
        self.wait_error: Exception | None = None

    def _call(self, method: str, ident: str, /, **kw: Any) -> None:
        self.calls.append((method, ident, kw))
        if self.send_error is not None:
            raise self.send_error

    async def _set(self, name: str, ident: str, status: str) -> Computer:
        self._call(name, ident)
        self.computers[ident] = replace(self.computers[ident], status=status)
        return self.computers[ident]

    async def start(self, computer_id: str) -> Computer | None:
        return await self._set("start", computer_id, "starting")

    async def stop(self, computer_id: str) -> Computer | None:
        return await self._set("stop", computer_id, "stopping")

    async def restart(self, computer_id: str) -> Computer | None:
        return await self._set("restart", computer_id, "stopping")

    async def delete(self, computer_id: str) -> None:
        self._call("delete", computer_id)
        del self.computers[computer_id]

    async def clone(self, computer_id: str, name: str | None = None, **attrs: Any) -> Computer:
        self._call("clone", computer_id, name=name, **attrs)
        new = Computer(id="clone1", name=name or "copy", status="creating")
        self.computers[new.id] = new
        return new

    async def move(
        self, computer_id: str, region: str | None = None, **attrs: Any
    ) -> Computer | None:
        self._call("move", computer_id, region=region)
        return self.computers[computer_id]

    async def resize(
        self, computer_id: str, size: str | None = None, **attrs: Any
    ) -> Computer | None:
        self._call("resize", computer_id, size=size)
        return self.computers[computer_id]

    async def create(
        self,
        name: str,
        size: str = "small",
        region: str | None = None,
        template_type: str = "miosa-desktop",
        **extra: Any,
    ) -> Computer:
        self._call("create", "", name=name, size=size, region=region)
        new = Computer(id="new1", name=name, status="creating", size=size)
        self.computers[new.id] = new
        return new

    async def _wait(self, name: str, ident: str, status: str, timeout: float) -> Computer:
        self.calls.append((name, ident, {"timeout": timeout}))
        if self.wait_error is not None:
            raise self.wait_error
        self.computers[ident] = replace(self.computers[ident], status=status)
        return self.computers[ident]

    async def wait_until_running(self, computer_id: str, timeout: float = 300) -> Computer:
        return await self._wait("wait_running", computer_id, "running", timeout)

    async def wait_until_stopped(self, computer_id: str, timeout: float = 300) -> Computer:
        return await self._wait("wait_stopped", computer_id, "stopped", timeout)

    def sends(self) -> list[str]:
        return [name for name, _i, _k in self.calls if not name.startswith("wait")]


async def test_stop_sends_once_waits_and_journals() -> None:
    vm = comp("a", "running")
    client, journal = FakeClient([vm]), Journal()
    sent: list[tuple[ActionKind, float]] = []
    runner = ActionRunner(
        timeout=42.0, clock=lambda: 7.0, on_sent=lambda k, c, r, t: sent.append((k, t))
    )
    result = await runner.run(K.STOP, vm, client, journal)
    assert result.ok and result.message == "Now stopped."
    assert result.computer is not None and result.computer.status == "stopped"
    assert client.calls == [("stop", "a", {}), ("wait_stopped", "a", {"timeout": 42.0})]
    assert sent == [(K.STOP, 7.0)]
    assert [(e.action, e.target_name, e.outcome) for e in journal] == [
        ("stop", "vm-a", "sent"),
        ("stop", "vm-a", "ok"),
    ]


async def test_refused_action_is_skipped_without_a_request() -> None:
    vm = comp("a", "stopped")
    client, journal = FakeClient([vm]), Journal()
    result = await ActionRunner().run(K.STOP, vm, client, journal)
    assert result.outcome == "skipped" and not result.sent
    assert client.calls == []
    assert journal.entries[0].message == "Not sent: already stopped."


async def test_unknown_outcome_is_never_resent() -> None:
    vm = comp("a", "running")
    client, journal = FakeClient([vm]), Journal()
    client.send_error = UnknownOutcomeError(request_id="req_9")
    result = await ActionRunner().run(K.RESTART, vm, client, journal)
    assert result.outcome == "unknown outcome" and result.sent
    assert client.sends() == ["restart"]
    assert [e.outcome for e in journal] == ["unknown outcome"]
    assert journal.entries[0].request_id == "req_9"


async def test_api_refusal_is_refused_with_request_id() -> None:
    """A 409 is the API saying no, not the computer failing: journalled as refused."""
    vm = comp("a", "running")
    client, journal = FakeClient([vm]), Journal()
    client.send_error = ValidationError(
        "Computer is not stopped.", status=409, code="INVALID_STATE", request_id="req_1"
    )
    result = await ActionRunner().run(K.STOP, vm, client, journal)
    assert result.outcome == "refused" and result.request_id == "req_1" and result.sent
    assert client.sends() == ["stop"]
    entry = journal.entries[-1]
    assert entry.outcome == "refused" and entry.message == "Computer is not stopped."
    assert entry.request_id == "req_1"


async def test_connection_error_before_sending_is_failed_not_sent() -> None:
    vm = comp("a", "running")
    client = FakeClient([vm])
    client.send_error = ConnectionError()
    result = await ActionRunner().run(K.STOP, vm, client, Journal())
    assert result.outcome == "failed" and not result.sent


async def test_wait_timeout_is_timed_out() -> None:
    vm = comp("a", "stopped")
    client, journal = FakeClient([vm]), Journal()
    client.wait_error = WaitTimeoutError("running", "starting", 5.0)
    result = await ActionRunner(timeout=5.0).run(K.START, vm, client, journal)
    assert result.outcome == "timed out"
    assert "last status was starting" in result.message
    assert client.sends() == ["start"]
    assert [e.outcome for e in journal] == ["sent", "timed out"]


async def test_wait_failure_and_lost_wait() -> None:
    vm = comp("a", "stopped")
    client = FakeClient([vm])
    client.wait_error = ComputerFailedError()
    assert (await ActionRunner().run(K.START, vm, client, Journal())).outcome == "failed"
    client = FakeClient([vm])
    client.wait_error = ConnectionError()
    result = await ActionRunner().run(K.START, vm, client, Journal())
    assert result.outcome == "unknown outcome"
    assert client.sends() == ["start"]


async def test_destroy_does_not_wait() -> None:
    vm = comp("a", "error")
    client, journal = FakeClient([vm]), Journal()
    result = await ActionRunner().run(K.DESTROY, vm, client, journal)
    assert result.ok and client.calls == [("delete", "a", {})]
    assert [e.outcome for e in journal] == ["ok"]


async def test_clone_follows_the_new_computer() -> None:
    vm = comp("a", "stopped")
    client, journal = FakeClient([vm]), Journal()
    result = await ActionRunner().run(K.CLONE, vm, client, journal, name="copy-1")
    assert result.ok and result.target_id == "clone1" and result.target_name == "copy-1"
    assert client.calls[0] == ("clone", "a", {"name": "copy-1"})
    assert client.calls[1][:2] == ("wait_running", "clone1")


async def test_create_and_move_and_no_wait() -> None:
    client, journal = FakeClient([]), Journal()
    result = await ActionRunner().run(K.CREATE, None, client, journal, name="web-1", size="xs")
    assert result.ok and result.target_id == "new1"
    assert client.calls[0] == ("create", "", {"name": "web-1", "size": "xs", "region": None})
    vm = comp("b", "stopped")
    client = FakeClient([vm])
    result = await ActionRunner().run(K.MOVE, vm, client, Journal(), region="eu-fra")
    assert client.calls == [
        ("move", "b", {"region": "eu-fra"}),
        ("wait_stopped", "b", {"timeout": 300.0}),
    ]
    client = FakeClient([comp("c", "running")])
    result = await ActionRunner(wait=False).run(K.STOP, comp("c", "running"), client, Journal())
    assert result.outcome == "sent" and client.calls == [("stop", "c", {})]
