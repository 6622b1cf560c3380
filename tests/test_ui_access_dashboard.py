"""The Access panel inside the real MiosaApp dashboard, against the simulator."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import OptionList
from ui_helpers import drawn_toasts, side_panes

from miosa_tui.api.settings import ApiSettings
from miosa_tui.backend import Backend
from miosa_tui.config import load_config
from miosa_tui.fleet.secrets import MASK
from miosa_tui.sim.server import SimServer
from miosa_tui.ui.app import MiosaApp
from miosa_tui.ui.screens.copy_menu import CopyMenu

API_KEY = "msk_u_test_0000"


def make_app(sim: SimServer, tmp_path: Path) -> MiosaApp:
    backend = Backend(settings=ApiSettings(api_key=API_KEY, base_url=sim.base_url), simulated=True)
    config = load_config(environ={}, path=tmp_path / "none.toml")
    return MiosaApp(backend=backend, config=config)


async def wait_for(pilot: Pilot[None], condition: Callable[[], bool], what: str) -> None:
    """Pause until `condition()` holds (bounded; a failure names what never happened)."""
    for _ in range(500):
        await pilot.pause(0.02)
        if condition():
            return
    raise AssertionError(f"never happened: {what}")


async def test_dashboard_access_panel_copy_reveal_token(sim: SimServer, tmp_path: Path) -> None:
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await wait_for(pilot, lambda: bool(app.fleet.computers), "first poll")
        target = next(c for c in app.fleet.computers.values() if c.is_running)
        app.dashboard.go_to(target.id)
        panel = (await side_panes(pilot, app)).access

        def loaded() -> bool:
            shown = panel.computer
            return shown is not None and shown.id == target.id and not panel.pending

        await wait_for(pilot, loaded, "the panel loaded the highlighted computer")
        await wait_for(
            pilot, lambda: any(e.key == "vnc-password" for e in panel.entries), "VNC entries"
        )
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.focused, OptionList) and app.focused.id == "access-entries"

        await pilot.press("y")
        assert app.clipboard == app.client.public_url(target)

        creds = await app.client.vnc_credentials(target.id)
        assert creds.password
        assert panel.select("vnc-password")
        await pilot.press("y")
        assert app.clipboard == creds.password
        assert creds.password not in app.export_screenshot()
        await wait_for(
            pilot,
            lambda: any(f"Copied VNC password: {MASK}" in t for t in drawn_toasts(app)),
            "the masked copy's toast",
        )
        assert all(creds.password not in t for t in drawn_toasts(app))

        app.clear_notifications()  # toasts may cover the row on a small screen
        await pilot.press("v")
        await pilot.pause()
        assert creds.password in app.export_screenshot()
        panel.clock = lambda: 10**12  # far in the future: the reveal is over
        panel.tick()
        await pilot.pause()
        assert creds.password not in app.export_screenshot()

        await pilot.press("t")
        await wait_for(pilot, lambda: not panel.pending, "token issued")
        token = panel.selected_entry()
        assert token is not None and token.key == "token" and token.value
        await pilot.press("Y")
        await pilot.pause()
        assert isinstance(app.screen, CopyMenu)
        await pilot.press("3")
        await pilot.pause()
        assert app.clipboard == f"miosa-tui token {target.id}"

        journal = app.journal.render()
        assert creds.password not in journal and token.value not in journal
        assert API_KEY not in journal
