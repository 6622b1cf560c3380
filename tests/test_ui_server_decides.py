"""Where the MIOSA docs are silent (moving or resizing a running computer) the dashboard offers the
action and lets the server decide; a refusal reaches the user as an error toast carrying the
server's sentence, and the journal keeps it as "refused" with the request id.

The action is started through the app's action flow (the step after the move dialog), so the
test does not depend on how the dialog asks.
"""

from __future__ import annotations

from pathlib import Path

from ui_helpers import (
    Sim,
    drawn_toasts,
    first_with,
    loaded_app,
    wait_for,
)

from miosa_tui.api.models import REGIONS
from miosa_tui.fleet.actions import ActionKind, BulkPlan, allowed
from miosa_tui.sim.server import SimServer


async def test_a_live_move_is_offered_and_the_servers_refusal_is_shown(
    sim: SimServer, ctl: Sim, tmp_path: Path
) -> None:
    async with loaded_app(sim, tmp_path, notifications=True) as (app, pilot):  # toasts drawn
        app.clear_notifications()
        target = first_with(app, "running")
        computer = app.fleet.computers[target]
        assert allowed(ActionKind.MOVE, computer) is None  # offered: the server decides
        region = next(r for r in REGIONS if r != computer.region)
        ctl.reset()
        app.actions.run(BulkPlan(ActionKind.MOVE, [computer]), region=region)
        sentence = f"computer {computer.name} is running; stop it before moving it"
        await wait_for(
            pilot, lambda: any(sentence in t for t in drawn_toasts(app)), "the server's sentence"
        )
        [request] = ctl.sent("POST", "/move", target)
        assert request["status"] == 409
        [toast] = [t for t in drawn_toasts(app) if sentence in t]
        assert toast.startswith(f"Move {computer.name} refused:")
        # The request id is drawn, not eaten as markup ("[request req_…]" looks like a tag).
        assert toast.endswith(f"[request {request['request_id']}]"), toast
        [entry] = [e for e in app.journal.entries if e.action == "move"]
        assert (entry.outcome, entry.request_id) == ("refused", request["request_id"])
        assert sentence in entry.message
        assert ctl.computer(target)["region"] == computer.region  # type: ignore[index]
        assert ctl.mutating() == ["POST /computers/{id}/move x1"]


async def test_a_live_resize_is_offered_and_accepted(
    sim: SimServer, ctl: Sim, tmp_path: Path
) -> None:
    async with loaded_app(sim, tmp_path) as (app, pilot):
        target = first_with(app, "running")
        computer = app.fleet.computers[target]
        assert allowed(ActionKind.RESIZE, computer) is None
        size = "xl" if computer.size != "xl" else "xs"
        ctl.reset()
        app.actions.run(BulkPlan(ActionKind.RESIZE, [computer]), size=size)
        await wait_for(pilot, lambda: (ctl.computer(target) or {}).get("size") == size, "resize")
        [request] = ctl.sent("POST", "/resize", target)
        assert request["status"] == 200
