"""What the dashboard does once its first rows are painted: no layout of the whole screen that
changes nothing (each is ~10 ms of the loop and a frame's wait before the screen settles:
benchmarks/profiles/startup_parsed_css.txt), and the toasts and trends that rely on those widgets
still show."""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widget import Widget
from ui_helpers import API_KEY, drawn_toasts, loaded, wait_for

from miosa_tui.api.settings import ApiSettings
from miosa_tui.backend import Backend
from miosa_tui.config import load_config
from miosa_tui.sim.server import SimServer
from miosa_tui.ui.app import MiosaApp
from miosa_tui.ui.widgets.triage_bar import TriageBar


@pytest.fixture
def layouts_asked(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The class and id of each widget that asks for a layout (refresh(layout=True)) by setting
    its `display` (not by being sized, which every widget shown does once)."""
    asked: list[str] = []
    refresh = Widget.refresh

    def noting(self: Widget, *regions: Any, **kwargs: Any) -> Any:
        if kwargs.get("layout") and "display" in (f.name for f in traceback.extract_stack()):
            asked.append(f"{type(self).__name__}#{self.id}")
        return refresh(self, *regions, **kwargs)

    monkeypatch.setattr(Widget, "refresh", noting)
    yield asked


def real_api_app(sim: SimServer, tmp_path: Path) -> MiosaApp:
    """The app as on the real API (no simulator greeting: no toast at start). Polled every 5 s
    at most: `loaded` waits for the seeded starting computer to be seen running, and a moving
    fleet's next poll waits the last one's CPU over 2% of a core (`PollPolicy`), at most the
    interval; at 30 s, a first poll slowed by a busy machine (~0.5 s of the test process's CPU,
    the simulator's thread included) put the next one past `loaded`'s 20 s."""
    config = load_config(environ={}, path=tmp_path / "none.toml")
    settings = ApiSettings(api_key=API_KEY, base_url=sim.base_url)
    return MiosaApp(Backend(settings=settings, simulated=False), config, poll_interval=5)


async def test_no_toast_asks_for_a_layout_and_a_toast_still_shows(
    sim: SimServer, tmp_path: Path, layouts_asked: list[str]
) -> None:
    app = real_api_app(sim, tmp_path)
    screen = app.dashboard
    lay_out = screen._refresh_layout

    def noted(*args: Any, **kwargs: Any) -> None:
        layouts_asked.append("LAYOUT")
        lay_out(*args, **kwargs)

    screen._refresh_layout = noted  # type: ignore[method-assign]
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await loaded(pilot, app)
        await pilot.pause()
        # Textual hides the (empty) rack when the screen resumes: a layout of its own, unless
        # the rack was hidden before the first one.
        after_first_layout = layouts_asked[layouts_asked.index("LAYOUT") :]
        assert not [who for who in after_first_layout if who.startswith("ToastRack")]
        app.notify("the fleet is quiet", markup=False)
        await wait_for(
            pilot, lambda: "the fleet is quiet" in " ".join(drawn_toasts(app)), "the toast"
        )


async def test_the_trends_ask_for_a_layout_only_when_they_come_or_go(
    sim: SimServer, tmp_path: Path, layouts_asked: list[str]
) -> None:
    app = real_api_app(sim, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot, app)
        bar = app.dashboard.query_one(TriageBar)
        parts = ["Static#trend-running-label", "Trend#trend-running"]
        await pilot.pause()
        # 160 columns: both trends fit from the first poll on, nothing of theirs to lay out
        assert not [who for who in layouts_asked if who in parts]
        await pilot.resize_terminal(60, 48)  # too narrow for the running trend
        await wait_for(
            pilot, lambda: not bar.query_one("#trend-running").display, "running trend gone"
        )
        assert [who for who in layouts_asked if who in parts]
