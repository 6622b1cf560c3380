"""Shared fixtures: a real simulator on a loopback socket for every test that needs one."""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import webbrowser
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import settings as hypothesis_settings

# Set before any Textual/textual-image import so tests never probe the terminal for graphics.
os.environ["MIOSA_TUI_IMAGE_RENDERER"] = "halfcell"

from miosa_tui.sim.config import SimConfig
from miosa_tui.sim.server import SimServer

# Hypothesis fails an example that takes over 200 ms ("deadline"): a timing threshold, which a
# busy 2-core CI machine crossed (454 ms once, 1.7 ms on the retry). No test here times anything.
hypothesis_settings.register_profile("no-deadline", deadline=None)
hypothesis_settings.load_profile("no-deadline")

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


@pytest.fixture(scope="session")
def _session_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def _private_cache_dir(_session_cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Parsed stylesheet rules (ui/parsed_css.py) are kept in one folder for the whole run,
    never the user's: apps in this process read MIOSA_TUI_CACHE_DIR; an app launched with the
    MIOSA_ variables left out (a pty, a first-run check) finds its platform cache directory
    under XDG_CACHE_HOME. Shared by every test: the rules are kept by what they are made of."""
    monkeypatch.setenv("MIOSA_TUI_CACHE_DIR", str(_session_cache_dir))
    monkeypatch.setenv("XDG_CACHE_HOME", str(_session_cache_dir / "xdg"))


@pytest.fixture(autouse=True)
def _no_real_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test starts a real browser: whatever the machine running the suite has (a DISPLAY from
    a desktop session, BROWSER naming a console browser that would read our terminal), `o`
    finds no browser unless a test sets one up (and replaces `App.open_url`) itself."""
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER"):
        monkeypatch.delenv(name, raising=False)

    def refuse(url: str, *_args: object, **_kwargs: object) -> bool:
        raise AssertionError(f"a test tried to open a real browser on {url!r}")

    monkeypatch.setattr(webbrowser, "open", refuse)


# pytest-timeout fails a test after `timeout` seconds (pyproject.toml) and prints every thread's
# stack, but a hung Pilot test is usually an await that never returns, which a thread stack does
# not show (the main thread sits in the event loop's select). So shortly before that limit, every
# coroutine the test's event loop still runs is printed too (pytest shows it with the failure).
ASYNC_DUMP_BEFORE_TIMEOUT = 20.0


def _running_loops() -> list[asyncio.AbstractEventLoop]:
    loops: list[asyncio.AbstractEventLoop] = []
    for frame in sys._current_frames().values():
        while frame is not None:
            candidate = frame.f_locals.get("self")
            if isinstance(candidate, asyncio.AbstractEventLoop) and candidate not in loops:
                loops.append(candidate)
            frame = frame.f_back  # type: ignore[assignment]
    return loops


def _dump_async_tasks(test: str) -> None:
    print(f"\n=== {test} is about to time out; the coroutines still running:", file=sys.stderr)
    for loop in _running_loops():
        for task in asyncio.all_tasks(loop):
            print(f"--- {task.get_name()}", file=sys.stderr)
            for line in _await_chain(task.get_coro()):
                print(f"    {line}", file=sys.stderr)


def _await_chain(awaitable: object) -> list[str]:
    """Where a suspended coroutine waits, outermost first, down the chain of awaits (a task's
    own stack shows only its outermost frame)."""
    lines: list[str] = []
    while awaitable is not None and len(lines) < 60:
        frame = getattr(awaitable, "cr_frame", None) or getattr(awaitable, "gi_frame", None)
        if frame is None:
            lines.append(f"awaits {awaitable!r}"[:300])
            break
        lines.append(f"{frame.f_code.co_filename}:{frame.f_lineno} in {frame.f_code.co_name}")
        awaitable = getattr(awaitable, "cr_await", None) or getattr(awaitable, "gi_yieldfrom", None)
    return lines


@pytest.fixture(autouse=True)
def _async_dump_before_timeout(request: pytest.FixtureRequest) -> Iterator[None]:
    marker = request.node.get_closest_marker("timeout")
    limit = (
        float(marker.args[0])
        if marker and marker.args
        else float(request.config.getini("timeout") or 0)
    )
    if limit <= ASYNC_DUMP_BEFORE_TIMEOUT:
        yield
        return
    timer = threading.Timer(
        limit - ASYNC_DUMP_BEFORE_TIMEOUT, _dump_async_tasks, args=(request.node.nodeid,)
    )
    timer.daemon = True
    timer.start()
    yield
    timer.cancel()
