"""Pick what the app talks to: the real MIOSA API, or the embedded simulator on loopback."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from miosa_tui.api.settings import ApiSettings

if TYPE_CHECKING:
    from miosa_tui.config import Config
    from miosa_tui.sim.config import SimConfig
    from miosa_tui.sim.server import SimServer


@dataclass
class Backend:
    """Client settings plus, for the simulator, the server to stop when we are done."""

    settings: ApiSettings
    simulated: bool
    server: SimServer | None = None
    # Why the simulator: "--demo" (even with an API key configured) or "no API key".
    simulated_because: str = "no API key"
    # The embedded simulator's world, named when it starts (`new_world`): every start is a new
    # fleet with the same seeded ids, so its history is its own (`fleet.history.scope_for`).
    world: str | None = None

    @property
    def label(self) -> str:
        """What the header shows: the API host, or SIMULATED."""
        if self.simulated:
            return "SIMULATED"
        return urlsplit(self.settings.base_url).netloc or self.settings.base_url

    @property
    def history_scope(self) -> str:
        """The history's name for this fleet (`fleet.history.scope_for`)."""
        from miosa_tui.fleet.history import scope_for

        settings = self.settings
        return scope_for(
            settings.base_url, settings.tenant, simulated=self.simulated, world=self.world
        )

    def close(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None


def open_backend(cfg: Config, *, demo: bool, sim_config: SimConfig | None = None) -> Backend:
    """The real API when a key is configured and --demo is not given; else a fresh simulator."""
    if cfg.api_key and not demo:
        settings = ApiSettings(api_key=cfg.api_key, base_url=cfg.base_url, tenant=cfg.tenant)
        return Backend(settings=settings, simulated=False)
    from miosa_tui.sim.config import SimConfig
    from miosa_tui.sim.server import SimServer

    server = SimServer(sim_config or SimConfig())
    base_url = server.start()
    import secrets  # here: the real API's start-up never needs it

    # The simulator accepts any msk_ key; a random one keeps the "never a fixed secret" habit.
    key = f"msk_sim_{secrets.token_hex(8)}"
    return Backend(
        settings=ApiSettings(api_key=key, base_url=base_url),
        simulated=True,
        server=server,
        simulated_because="--demo" if demo else "no API key",
        world=new_world(),
    )


def new_world() -> str:
    """A name for a simulator that has just started: when (UTC, to the second) and 6 random
    hex digits (two started in the same second stay apart)."""
    import secrets
    import time

    return f"{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-{secrets.token_hex(3)}"
