"""A small host app for the desktop pane, region select and wall tests (no tests in here).

It offers what the widgets need from the real MiosaApp: `client` and `journal` (the
`AppServices` of ui/services.py), and hands the pane the renderer from its `config` and its
`fleet` (the wall's computers), as the dashboard does; so these tests do not depend on the
dashboard's layout.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from textual.app import App, ComposeResult

from miosa_tui.api.computers import MiosaClient
from miosa_tui.api.models import Computer
from miosa_tui.api.settings import ApiSettings
from miosa_tui.config import load_config
from miosa_tui.fleet.journal import Journal
from miosa_tui.fleet.poller import FleetState
from miosa_tui.ui.app import STYLESHEET
from miosa_tui.ui.widgets.desktop.pane import ScreenshotPane

API_KEY = "msk_u_test_0000"


class HostApp(App[None]):
    """Just the desktop pane, over a real client."""

    CSS_PATH = STYLESHEET  # the pane's style lives in the app's stylesheet
    CSS = "ScreenshotPane { height: 1fr; }"

    def __init__(
        self,
        base_url: str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        debounce: float = 0.01,
        auto_interval: float = 3600.0,
        config_path: Path = Path("/nonexistent/miosa-tui-test.toml"),
    ) -> None:
        super().__init__()
        settings = ApiSettings(api_key=API_KEY, base_url=base_url, max_retries=0)
        self.client = MiosaClient(settings, transport=transport)
        self.config = load_config(
            environ={"MIOSA_TUI_IMAGE_RENDERER": "halfcell"}, path=config_path
        )
        self.fleet = FleetState()
        self.journal = Journal()
        self._debounce = debounce
        self._auto_interval = auto_interval

    def compose(self) -> ComposeResult:
        yield ScreenshotPane(
            id="desktop",
            debounce=self._debounce,
            auto_interval=self._auto_interval,
            renderer=self.config.image_renderer,
            fleet=self.fleet,
        )

    async def on_unmount(self) -> None:
        await self.client.aclose()

    @property
    def pane(self) -> ScreenshotPane:
        return self.query_one(ScreenshotPane)

    async def load_fleet(self) -> list[Computer]:
        computers = await self.client.list_computers()
        self.fleet.apply(computers)
        return computers


def sim_requests(root_url: str) -> list[dict[str, Any]]:
    """The simulator's request log, newest last."""
    return list(httpx.get(f"{root_url}/_sim/requests", params={"limit": 1000}).json())


def screenshot_requests(root_url: str) -> list[dict[str, Any]]:
    return [r for r in sim_requests(root_url) if "screenshot" in r["route"]]


def reset_log(root_url: str) -> None:
    httpx.post(f"{root_url}/_sim/stats/reset")


def set_faults(root_url: str, **faults: Any) -> None:
    httpx.put(f"{root_url}/_sim/faults", json=faults).raise_for_status()


async def settle(pilot: Any, rounds: int = 3) -> None:
    """Let timers, workers and the repaint they trigger finish."""
    for _ in range(rounds):
        await pilot.pause(0.05)  # lets the (short) debounce timer fire
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()
