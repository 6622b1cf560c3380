"""One target: what every pane, key and copy acts on is the highlighted row as the table shows it
now. Filter, sort, polls that change or remove the highlighted computer, and re-adds never leave
a pane or a key on another computer.

Each test asserts what the panes show (screen text) and which id the simulator received or the
clipboard got, against the real app and simulator.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from ui_helpers import (
    SMALL_DESKTOPS,
    Sim,
    burst,
    drawn_toasts,
    highlight_first,
    highlighted,
    loaded_app,
    open_screen,
    region_text,
    row_ids,
    screen_text,
    table,
    type_text,
    wait_for,
)

from miosa_tui.sim.server import SimServer
from miosa_tui.ui.app import MiosaApp
from miosa_tui.ui.screens.confirm import ConfirmActionDialog
from miosa_tui.ui.widgets.access.panel import AccessPanel
from miosa_tui.ui.widgets.desktop.pane import ScreenshotPane
from miosa_tui.ui.widgets.details import DetailsPanel

SIM_OPTIONS = SMALL_DESKTOPS


def right_text(app: MiosaApp) -> str:
    """What the right-hand column (desktop pane, Details/Access tabs) shows on screen."""
    return region_text(app, app.dashboard.query_one("#right").region)


def panes_show(app: MiosaApp, computer_id: str | None) -> bool:
    """Every pane holds `computer_id` (None: nothing) and Details prints its id on screen."""
    d = app.dashboard
    held = [
        d.query_one(DetailsPanel).computer,
        d.query_one(AccessPanel).computer,
        d.query_one(ScreenshotPane).computer,
    ]
    ids = {c.id if c is not None else None for c in held}
    if ids != {computer_id}:
        return False
    text = right_text(app)
    if computer_id is None:
        return "No computer selected." in text
    return computer_id in text and app.fleet.computers[computer_id].name in text


async def shown(pilot: object, app: MiosaApp, computer_id: str | None, what: str) -> None:
    await wait_for(pilot, lambda: panes_show(app, computer_id), what)  # type: ignore[arg-type]


async def on_first(pilot: Pilot[Any], app: MiosaApp, status: str) -> str:
    """Highlight the first row with `status` and wait for every pane to show it; its id."""
    target = await highlight_first(pilot, app, status)
    await shown(pilot, app, target, "the panes on the highlighted computer")
    return target


def other_region(app: MiosaApp, cid: str) -> str:
    region = app.fleet.computers[cid].region
    regions = sorted({c.region for c in app.fleet.computers.values() if c.region != region})
    assert regions, "the seeded fleet spans several regions"
    return str(regions[0])


async def filter_to(pilot: object, app: MiosaApp, text: str) -> None:
    await burst(pilot, "slash")  # type: ignore[arg-type]
    await type_text(pilot, text)  # type: ignore[arg-type]
    await burst(pilot, "enter")  # type: ignore[arg-type]


async def test_filter_that_hides_the_highlighted_one_moves_panes_copy_and_keys(
    sim: SimServer, ctl: Sim, tmp_path: Path
) -> None:
    async with loaded_app(sim, tmp_path) as (app, pilot):
        before = await on_first(pilot, app, "running")
        region = other_region(app, before)
        await filter_to(pilot, app, f"region:{region}")
        await wait_for(pilot, lambda: before not in row_ids(app), "the filter applied")
        now = highlighted(app)
        assert now is not None and now in row_ids(app)
        assert app.fleet.computers[now].region == region
        await shown(pilot, app, now, "the panes follow the new highlight")
        assert before not in right_text(app)
        # y copies the public URL of what is highlighted now, never the hidden one
        await pilot.press("y")
        await wait_for(pilot, lambda: app.clipboard != "", "a copy")
        assert app.clipboard == app.client.public_url(app.fleet.computers[now])
        # an action goes to the highlighted one too
        ctl.reset()
        await open_screen(pilot, app, "d", ConfirmActionDialog, "the dialog")
        dialog = app.screen
        assert isinstance(dialog, ConfirmActionDialog)
        assert [c.id for c in dialog.targets] == [now]
        await pilot.press("escape")
        assert ctl.mutating() == []


async def test_filter_that_empties_the_table_shows_nothing_selected(
    sim: SimServer, ctl: Sim, tmp_path: Path
) -> None:
    async with loaded_app(sim, tmp_path, notifications=True) as (app, pilot):
        await on_first(pilot, app, "running")
        await filter_to(pilot, app, "name:no-such-computer-anywhere")
        await wait_for(pilot, lambda: table(app).row_count == 0, "an empty table")
        assert highlighted(app) is None
        await shown(pilot, app, None, "the panes say nothing is selected")
        app.copy_to_clipboard("")
        ctl.reset()
        for key in ("y", "s", "S", "d"):
            await pilot.press(key)
        await wait_for(
            pilot,
            lambda: sum("nothing is highlighted" in t for t in drawn_toasts(app)) >= 3,
            "a toast for each action key",
        )
        assert app.clipboard == ""
        assert ctl.mutating() == []
        assert app.screen is app.dashboard


async def test_sort_keeps_panes_and_keys_on_the_same_computer(
    sim: SimServer, ctl: Sim, tmp_path: Path
) -> None:
    async with loaded_app(sim, tmp_path) as (app, pilot):
        target = await on_first(pilot, app, "stopped")
        order = row_ids(app)
        for _ in range(3):
            await pilot.press("greater_than_sign")
            if row_ids(app) != order:
                break
        assert row_ids(app) != order, "sorting moved the rows"
        assert highlighted(app) == target
        await shown(pilot, app, target, "the panes still on it")
        ctl.reset()
        await pilot.press("s")
        await wait_for(pilot, lambda: ctl.sent("POST", "/start"), "the start request")
        assert len(ctl.sent("POST", "/start")) == 1
        assert ctl.sent("POST", "/start", target)


async def test_poll_that_changes_the_highlighted_computer_updates_the_panes(
    sim: SimServer, ctl: Sim, tmp_path: Path
) -> None:
    async with loaded_app(sim, tmp_path) as (app, pilot):
        target = await on_first(pilot, app, "running")
        ctl.force_status(target, "error")
        details = app.dashboard.query_one(DetailsPanel)
        await wait_for(
            pilot,
            lambda: details.computer is not None and details.computer.status == "error",
            "the poll brought the new status to Details",
        )
        await wait_for(pilot, lambda: "error" in right_text(app), "Details shows error")
        assert highlighted(app) == target
        await shown(pilot, app, target, "still the same computer")


async def test_poll_that_removes_the_highlighted_computer_moves_everything(
    sim: SimServer, ctl: Sim, tmp_path: Path
) -> None:
    async with loaded_app(sim, tmp_path) as (app, pilot):
        target = await on_first(pilot, app, "stopped")
        # another client destroys it
        ctl.http.delete(f"{sim.base_url}/computers/{target}", headers=_auth()).raise_for_status()
        await wait_for(pilot, lambda: target not in row_ids(app), "the poll removed the row")
        now = highlighted(app)
        assert now is not None and now != target
        await shown(pilot, app, now, "the panes follow the new highlight")
        assert target not in right_text(app)
        app.copy_to_clipboard("")
        await pilot.press("y")
        await wait_for(pilot, lambda: app.clipboard != "", "a copy")
        assert app.clipboard == app.client.public_url(app.fleet.computers[now])


async def test_re_add_does_not_pull_the_panes_away(
    sim: SimServer, ctl: Sim, tmp_path: Path
) -> None:
    """A computer that leaves the filtered set and comes back (the filter widened again) is a
    new row: the highlight and the panes stay on what the user is looking at."""
    async with loaded_app(sim, tmp_path) as (app, pilot):
        first = await highlight_first(pilot, app, "running")
        await filter_to(pilot, app, "status:stopped")
        await wait_for(pilot, lambda: first not in row_ids(app), "the filter applied")
        now = highlighted(app)
        assert now is not None
        await shown(pilot, app, now, "the panes on the new highlight")
        await burst(pilot, "slash")
        box = app.dashboard.query_one("#filter-input")
        box.value = ""  # type: ignore[attr-defined]
        await burst(pilot, "enter")
        await wait_for(pilot, lambda: first in row_ids(app), "the row is back")
        assert highlighted(app) == now
        await shown(pilot, app, now, "the panes did not move")
        # a computer created by another client appears; the panes stay put
        created = ctl.http.post(
            f"{sim.base_url}/computers",
            json={"name": "late-arrival", "size": "small", "region": "us-mia"},
            headers=_auth(),
        )
        created.raise_for_status()
        await wait_for(pilot, lambda: "late-arrival" in screen_text(app), "the new row")
        assert highlighted(app) == now
        await shown(pilot, app, now, "the panes did not move")


def _auth() -> dict[str, str]:
    from ui_helpers import API_KEY

    return {"Authorization": f"Bearer {API_KEY}"}
