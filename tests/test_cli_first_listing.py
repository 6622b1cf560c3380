"""`miosa-tui` with no command: the first listing leaves before the dashboard is built.

Started after the dashboard's mount, the listing's thread waited for the GIL behind the first
paint (4 ms alone, ~200 ms there: bench_startup.py), so it starts before Textual is imported,
whatever the API's address: a simulator on this machine as much as the real API.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
import pytest

from miosa_tui import cli
from miosa_tui.api import MiosaClient
from miosa_tui.sim.server import SimServer
from miosa_tui.ui.app import MiosaApp

KEY = "msk_u_test_0000"


def test_the_first_listing_is_sent_before_the_dashboard_runs_and_is_the_one_it_takes(
    sim: SimServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    control = httpx.Client(base_url=sim.root_url, timeout=10)
    control.post("/_sim/stats/reset").raise_for_status()

    def listings() -> int:
        routes: dict[str, int] = control.get("/_sim/stats").json()["routes"]
        return routes.get("GET /computers", 0)

    seen: dict[str, int] = {}

    def run(app: MiosaApp) -> None:
        """Stands in for Textual's loop: the dashboard never starts, so any listing the
        simulator receives was sent by the CLI before it, on the client the app was given."""
        deadline = time.monotonic() + 30
        while listings() == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        seen["before"] = listings()

        async def take(client: MiosaClient) -> int:
            try:
                return len(await client.list_computers(in_background=True))
            finally:
                await client.aclose()

        seen["computers"] = asyncio.run(take(app.client))
        seen["after"] = listings()

    monkeypatch.setenv("MIOSA_BASE_URL", sim.base_url)
    monkeypatch.setenv("MIOSA_API_KEY", KEY)
    monkeypatch.setenv("MIOSA_TUI_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setattr(MiosaApp, "run", run)
    try:
        assert cli.main([]) == 0
    finally:
        control.close()
    assert seen["before"] == 1  # on loopback too: sent before the app ran
    # The first poll takes that answer: no second request for it.
    assert seen["computers"] == sim.config.fleet > 0
    assert seen["after"] == 1
