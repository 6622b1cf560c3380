"""SVG snapshots of the dashboard: the main screen, the destroy dialog and the help screen.

Deterministic by construction: the simulator's wall clock is frozen (`SimConfig.frozen_time`),
so seeded creation times and the clock painted into desktops never move; the app's "age" column,
the desktop caption and the header's "updated Ns ago" read the same frozen instant; and
`run_before` waits until the poll, the screenshot and the details have all arrived. The halfcell
renderer is forced by conftest. Update with `pytest --snapshot-update tests/test_ui_snapshots.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static
from ui_helpers import SIZE, make_app, open_screen, static_text, table, wait_for

from miosa_tui.fleet.humanize import age
from miosa_tui.sim.server import SimServer
from miosa_tui.ui.app import MiosaApp
from miosa_tui.ui.screens.confirm import ConfirmActionDialog
from miosa_tui.ui.screens.help import HelpScreen
from miosa_tui.ui.widgets import computer_table, details
from miosa_tui.ui.widgets.desktop import display as desktop_display
from miosa_tui.ui.widgets.desktop.pane import ScreenshotPane
from miosa_tui.ui.widgets.details import DetailsPanel
from miosa_tui.ui.widgets.fleet_header import FleetHeader

FROZEN = datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC)


class _FrozenDatetime(datetime):
    """`datetime.now()` for the screenshot pane's caption ("captured 12:00:00 · 0s ago")."""

    @classmethod
    def now(cls, tz: Any = None) -> Any:
        return FROZEN.astimezone(tz) if tz is not None else FROZEN.replace(tzinfo=None)


def _frozen_age(created_at: str | None, now: datetime | None = None) -> str:
    return age(created_at, now or FROZEN)


@pytest.fixture
def frozen_sim(sim_factory: Callable[..., SimServer], monkeypatch: pytest.MonkeyPatch) -> SimServer:
    """A simulator whose wall clock stands still, and an app side that reads the same instant.
    Its transitions end at once (speed 100,000): at the usual 50, the computer booting when the
    simulator starts was still booting at the app's first poll in some runs and not in others,
    so the next poll marked it as just changed (◆) and moved the trend (1 run in 5, before and
    after the side panes waited for the first rows)."""
    monkeypatch.setattr(computer_table, "age", _frozen_age)
    monkeypatch.setattr(details, "age", _frozen_age)
    monkeypatch.setattr(desktop_display, "datetime", _FrozenDatetime)
    return sim_factory(frozen_time=FROZEN.isoformat(), speed=100_000.0)


def _settled(app: MiosaApp) -> bool:
    """The poll is in, nothing is moving, and the panes show the highlighted computer fully."""
    dash = app.dashboard
    if not dash.is_mounted:  # the default screen: composed once the app has started
        return False
    t = table(app)
    if app.fleet.last_success is None or t.row_count != 12 or app.fleet.any_transitional:
        return False
    current = app.fleet.computers.get(t.highlighted_id or "")
    if current is None or dash.side_panes is None:  # built after the first rows are painted
        return False
    pane = dash.query_one(ScreenshotPane)
    if pane.computer is None or pane.computer.id != current.id or pane.fetching:
        return False
    if current.is_running and (pane.shot is None or pane.shot.computer_id != current.id):
        return False
    extras = static_text(dash.query_one(DetailsPanel).query_one("#details-extras", Static))
    if "loading" in extras:
        return False
    busy = [w for w in app.workers if w.is_running and w.name != "poller"]
    return not busy


async def settle(pilot: Pilot[Any], app: MiosaApp) -> None:
    await wait_for(pilot, lambda: _settled(app), "the dashboard to settle")
    header = app.dashboard.query_one(FleetHeader)
    header.clock = lambda: app.fleet.last_success or 0.0  # "updated 0s ago", always
    header.redraw()
    app.clear_notifications()  # the "simulated fleet" toast times out on its own schedule
    await pilot.pause()
    assert _settled(app)


def test_main_screen(frozen_sim: SimServer, tmp_path: Any, snap_compare: Any) -> None:
    app = make_app(frozen_sim, tmp_path, poll_interval=5.0)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot, app)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_destroy_dialog_for_two_marked(
    frozen_sim: SimServer, tmp_path: Any, snap_compare: Any
) -> None:
    app = make_app(frozen_sim, tmp_path, poll_interval=5.0)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot, app)
        await pilot.press("space", "space")  # marks the first two rows, the cursor moves on
        await settle(pilot, app)
        await open_screen(pilot, app, "d", ConfirmActionDialog, "the dialog")
        await settle(pilot, app)
        assert len(table(app).marked) == 2

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_help_screen(frozen_sim: SimServer, tmp_path: Any, snap_compare: Any) -> None:
    app = make_app(frozen_sim, tmp_path, poll_interval=5.0)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot, app)
        await open_screen(pilot, app, "question_mark", HelpScreen, "the help screen")
        await settle(pilot, app)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


# -- sizes: what each terminal size keeps and where the extra width goes ---------------------

TERMINAL_SIZES = [(80, 24), (120, 40), (160, 48), (220, 60)]


@pytest.mark.parametrize("size", TERMINAL_SIZES, ids=[f"{w}x{h}" for w, h in TERMINAL_SIZES])
def test_main_screen_at_size(
    frozen_sim: SimServer, tmp_path: Any, snap_compare: Any, size: tuple[int, int]
) -> None:
    app = make_app(frozen_sim, tmp_path, poll_interval=5.0)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot, app)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", TERMINAL_SIZES, ids=[f"{w}x{h}" for w, h in TERMINAL_SIZES])
def test_access_panel_at_size(
    frozen_sim: SimServer, tmp_path: Any, snap_compare: Any, size: tuple[int, int]
) -> None:
    from miosa_tui.ui.widgets.access.panel import AccessPanel

    app = make_app(frozen_sim, tmp_path, poll_interval=5.0)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot, app)
        panel = app.dashboard.query_one(AccessPanel)
        await wait_for(
            pilot,
            lambda: panel.computer is not None and not panel.pending and bool(panel.entries),
            "the access panel loaded",
        )
        await pilot.press("a")
        await settle(pilot, app)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
