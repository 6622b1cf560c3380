"""Every action the journal records quotes the request that did it: the `x-request-id` of the
POST the API accepted, on the "sent" line and on the final "ok" line, in the dashboard (drawn in
the journal pane and the computer's timeline) and in the CLI's history."""

from __future__ import annotations

from pathlib import Path

from ui_helpers import (
    Sim,
    highlight_first,
    loaded,
    make_app,
    screen_text,
    wait_for,
)

from miosa_tui.sim.server import SimServer


async def test_a_started_computer_journals_the_start_requests_id(
    sim: SimServer, ctl: Sim, tmp_path: Path
) -> None:
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot, app)
        target = await highlight_first(pilot, app, "stopped")
        await pilot.press("s")
        await wait_for(
            pilot,
            lambda: any(e.outcome == "ok" and e.target_id == target for e in app.journal.entries),
            "the start confirmed",
        )
        (post,) = ctl.sent("POST", "/start", target)
        rid = post["request_id"]
        assert rid
        lines = [e for e in app.journal.entries if e.target_id == target]
        assert {e.outcome for e in lines} >= {"sent", "ok"}
        assert all(e.request_id == rid for e in lines), [(e.outcome, e.request_id) for e in lines]
        await pilot.press("j")
        await wait_for(pilot, lambda: rid in screen_text(app), "the id in the journal pane")
