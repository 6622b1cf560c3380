"""Mutating requests are sent once, never replayed, and always end in the journal.

A dropped connection, a 5xx, a 429 with Retry-After, a malformed 2xx: after each, the simulator's
own request log holds exactly one POST for the confirmed action; the journal says what came of it
(a lost answer is an "unknown outcome", a failure carries the request id), a toast says it too,
and the next poll shows the computer as it really is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from ui_helpers import (
    SIZE,
    Sim,
    burst,
    cell,
    drawn_toasts,
    first_with,
    highlight,
    highlight_first,
    loaded,
    make_app,
    open_screen,
    pump,
    wait_for,
)

from miosa_tui.api.computers import MiosaClient
from miosa_tui.api.errors import ServerError, UnknownOutcomeError
from miosa_tui.api.settings import ApiSettings
from miosa_tui.fleet.actions import ActionKind, ActionRunner
from miosa_tui.fleet.journal import Journal
from miosa_tui.sim.faults import FaultConfig
from miosa_tui.sim.server import SimServer
from miosa_tui.ui.screens.confirm import ConfirmActionDialog
from miosa_tui.ui.screens.forms import CloneDialog

FAULTS_OFF = FaultConfig().to_json()  # every fault off


def set_faults(ctl: Sim, **changes: Any) -> None:
    ctl.http.put("/_sim/faults", json={**FAULTS_OFF, **changes}).raise_for_status()


# -- the transport and the runner, no UI ----------------------------------------------------------


async def test_transport_retries_reads_but_never_a_post() -> None:
    attempts: dict[str, int] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        attempts[request.method] = attempts.get(request.method, 0) + 1
        return httpx.Response(
            503, json={"error": "busy", "code": "SERVICE_UNAVAILABLE"}, headers={"Retry-After": "0"}
        )

    settings = ApiSettings(api_key="msk_u_test_0000", base_url="http://127.0.0.1:9")
    async with MiosaClient(settings, transport=httpx.MockTransport(handler)) as client:
        client.transport._sleep = _no_sleep  # type: ignore[attr-defined]
        with pytest.raises(ServerError):  # retried (a read), then given up
            await client.get("comp_1")
        with pytest.raises(ServerError):  # a POST is sent once, never retried
            await client.stop("comp_1")
    assert attempts == {"GET": 4, "POST": 1}


async def _no_sleep(_: float) -> None:
    return None


@pytest.mark.parametrize("error", [httpx.ReadError, httpx.RemoteProtocolError, httpx.ReadTimeout])
async def test_a_lost_answer_is_an_unknown_outcome_sent_once(error: type[Exception]) -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(f"{request.method} {request.url.path}")
        raise error("boom", request=request)  # type: ignore[call-arg]

    settings = ApiSettings(api_key="msk_u_test_0000", base_url="http://127.0.0.1:9")
    journal = Journal()
    async with MiosaClient(settings, transport=httpx.MockTransport(handler)) as client:
        with pytest.raises(UnknownOutcomeError):
            await client.start("comp_1")
        from miosa_tui.api.models import Computer

        computer = Computer(id="comp_1", name="web", status="stopped")
        result = await ActionRunner(wait=False).run(ActionKind.START, computer, client, journal)
    assert calls == ["POST /api/v1/computers/comp_1/start"] * 2  # one per attempt, no replay
    assert result.outcome == "unknown outcome" and result.sent
    assert journal.entries[-1].outcome == "unknown outcome"


# -- the dashboard against the simulator ---------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "outcome", "needle"),
    [
        ({"drop_rate": 1.0}, "unknown outcome", "may or may not"),
        ({"error_rate": 1.0}, "failed", "request"),
        ({"rate_limit_rate": 1.0, "retry_after": 0.1}, "failed", "request"),
        ({"malformed_rate": 1.0}, "unknown outcome", "happen"),
    ],
    ids=["drop", "5xx", "429", "malformed"],
)
async def test_stop_under_a_fault_is_sent_once_journaled_and_settled(
    sim: SimServer, tmp_path: Path, fault: dict[str, Any], outcome: str, needle: str
) -> None:
    ctl = Sim(sim)
    app = make_app(sim, tmp_path, poll_interval=0.5)
    try:
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await loaded(pilot, app)
            target = await highlight_first(pilot, app, "running")
            await pump(pilot, 6)
            ctl.reset()
            set_faults(ctl, **fault)
            await pilot.press("S")
            await pilot.press("y")  # confirm
            await wait_for(
                pilot,
                lambda: any(
                    e.action == "stop" and e.target_id == target and e.outcome != "sent"
                    for e in app.journal.entries
                ),
                "the stop's outcome in the journal",
            )
            set_faults(ctl)  # faults off: the truth can come back
            entry = next(
                e
                for e in reversed(app.journal.entries)
                if e.action == "stop" and e.target_id == target
            )
            assert entry.outcome == outcome, entry.to_text()
            assert needle in entry.to_text(), entry.to_text()
            if outcome == "failed":
                assert entry.request_id and entry.request_id.startswith("req_")
            name = app.fleet.computers[target].name
            await wait_for(
                pilot,
                lambda: any(target in t or name in t for t in drawn_toasts(app)),
                "a toast naming the computer",
            )
            posts = ctl.sent("POST", "/stop", target)
            assert len(posts) == 1, posts  # never replayed
            # the next good poll shows the truth
            await pilot.press("ctrl+r")
            truth = ctl.status(target)
            await wait_for(
                pilot,
                lambda: (
                    app.fleet.computers[target].status == ctl.status(target)
                    and app.fleet.last_error is None
                ),
                "a poll showing the real status",
            )
            shown = cell(app, target, "status")
            assert truth in shown or ctl.status(target) in shown, shown
            assert "->" not in shown and "→" not in shown  # no stale pending overlay
            polls = ctl.list_count()
            await wait_for(pilot, lambda: ctl.list_count() >= polls + 2, "two more polls")
            assert len(ctl.sent("POST", "/stop", target)) == 1  # still one, after the polls
    finally:
        ctl.close()


async def test_every_confirmed_action_ends_in_the_journal(sim: SimServer, tmp_path: Path) -> None:
    """Start, stop, restart, clone: each confirmed target has exactly one final journal line."""
    ctl = Sim(sim)
    app = make_app(sim, tmp_path, poll_interval=0.3)
    try:
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await loaded(pilot, app)
            stopped = first_with(app, "stopped")
            running = first_with(app, "running")
            # a third computer for the clone: the restarting one may already read "restarting"
            # when `c` lands on a busy machine, and cloning is only offered running or stopped
            source = first_with(app, "running", skip=[running])
            await highlight(pilot, app, stopped)
            await pilot.press("s")
            await highlight(pilot, app, running)
            await open_screen(pilot, app, "r", ConfirmActionDialog, "confirm")
            await pilot.press("y")
            await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmActionDialog), "closed")
            await highlight(pilot, app, source)
            await open_screen(pilot, app, "c", CloneDialog, "the clone dialog")
            await pilot.press("enter")
            await wait_for(
                pilot,
                lambda: (
                    {e.action for e in app.journal.entries if e.outcome == "ok"}
                    >= {"start", "restart", "clone"}
                ),
                "all three to finish",
                tries=400,
            )
            finals = [e for e in app.journal.entries if e.outcome != "sent"]
            assert {(e.action, e.outcome) for e in finals} >= {
                ("start", "ok"),
                ("restart", "ok"),
                ("clone", "ok"),
            }
            assert len(ctl.sent("POST", "/start")) == 1
            assert len(ctl.sent("POST", "/restart")) == 1
            assert len(ctl.sent("POST", "/clone")) == 1
    finally:
        ctl.close()


async def test_confirming_again_while_in_flight_is_journaled_not_resent(
    sim: SimServer, tmp_path: Path
) -> None:
    ctl = Sim(sim)
    app = make_app(sim, tmp_path, poll_interval=3600)
    try:
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await loaded(pilot, app)
            target = await highlight_first(pilot, app, "stopped")
            ctl.reset()
            set_faults(ctl, latency_ms=[1500, 1500])  # the first start is still out...
            await burst(pilot, "s", "s")  # ...when the user presses start again
            await wait_for(
                pilot,
                lambda: sum(1 for e in app.journal.entries if e.action == "start") >= 2,
                "both presses journaled",
            )
            skipped = [e for e in app.journal.entries if e.outcome == "skipped"]
            assert skipped and "in flight" in skipped[0].message
            # The first start's answer is in: a second POST would have been sent by now.
            await wait_for(
                pilot,
                lambda: any(
                    e.action == "start" and e.outcome not in ("sent", "skipped")
                    for e in app.journal.entries
                ),
                "the first start's outcome",
            )
            assert len(ctl.sent("POST", "/start", target)) == 1
    finally:
        set_faults(ctl)
        ctl.close()
