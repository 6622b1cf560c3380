"""Shared fixtures: a real simulator on a loopback socket for every test that needs one."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

# Set before any Textual/textual-image import so tests never probe the terminal for graphics.
os.environ["MIOSA_TUI_IMAGE_RENDERER"] = "halfcell"

from miosa_tui.sim.config import SimConfig
from miosa_tui.sim.server import SimServer

if TYPE_CHECKING:
    from ui_helpers import Sim

API_KEY = "msk_u_test_0000"


@pytest.fixture
def api_key() -> str:
    return API_KEY


@pytest.fixture
def sim_factory() -> Iterator[Callable[..., SimServer]]:
    """sim_factory(fleet=3, faults=FaultConfig(...), clock=...) -> a started SimServer."""
    servers: list[SimServer] = []

    def make(**kwargs: Any) -> SimServer:
        clock = kwargs.pop("clock", None)
        options: dict[str, Any] = {"fleet": 12, "seed": 7, "speed": 50.0}
        options.update(kwargs)
        server = SimServer(SimConfig(**options), clock=clock)
        server.start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


@pytest.fixture
def sim(request: pytest.FixtureRequest, sim_factory: Callable[..., SimServer]) -> SimServer:
    """A started simulator: seed 7, 12 computers, speed 50 (an 8 s boot takes 0.16 s), with the
    test module's `SIM_OPTIONS` (e.g. ui_helpers.SMALL_DESKTOPS) if it has them."""
    return sim_factory(**getattr(request.module, "SIM_OPTIONS", {}))


@pytest.fixture
def ctl(sim: SimServer) -> Iterator[Sim]:
    """The simulator's control routes (ui_helpers.Sim), closed after the test."""
    from ui_helpers import Sim  # imported here: most tests never load the UI

    control = Sim(sim)
    yield control
    control.close()


@pytest.fixture(autouse=True)
def _private_state_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every test gets its own history (fleet/history.py), never the user's."""
    monkeypatch.setenv("MIOSA_TUI_STATE_DIR", str(tmp_path_factory.mktemp("state")))
