"""Showing the dashboard to others: ctrl+s screenshots, presenter mode's key corner and secrets,
and `--record FILE.cast` (a real asciicast v2 file of what the terminal received).

The recording test is real: the dashboard runs as a child process on a pseudo-terminal against a
simulator of our own, so the test knows every secret the app could have shown and checks that
none of them is in the file.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from platform_sim import PtySession
from ui_helpers import API_KEY, loaded, make_app, screen_text, wait_for

from miosa_tui.sim.server import SimServer
from miosa_tui.ui.app import MiosaApp
from miosa_tui.ui.presentation import Presentation
from miosa_tui.ui.recording import CastWriter
from miosa_tui.ui.widgets.access.panel import AccessPanel


def presenting(sim: SimServer, tmp_path: Path, presentation: Presentation) -> MiosaApp:
    app = make_app(sim, tmp_path)
    app.presentation = presentation
    return app


async def show_password(pilot: Any, app: MiosaApp) -> tuple[AccessPanel, str]:
    """Highlight a running computer, wait for its VNC password and select it in the panel."""
    target = next(c for c in app.fleet.computers.values() if c.is_running)
    app.dashboard.go_to(target.id)
    panel = app.dashboard.query_one(AccessPanel)
    await wait_for(
        pilot,
        lambda: (
            panel.computer is not None
            and panel.computer.id == target.id
            and any(e.key == "vnc-password" and e.value for e in panel.entries)
        ),
        "the VNC password of the highlighted computer",
    )
    password = next(e.value for e in panel.entries if e.key == "vnc-password")
    assert password
    assert panel.select("vnc-password")
    return panel, password


# ---- ctrl+s ---------------------------------------------------------------------------------


async def test_ctrl_s_saves_an_svg_with_secrets_masked(
    sim: SimServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await loaded(pilot, app)
        _panel, password = await show_password(pilot, app)
        await pilot.press("a", "v")  # revealed on screen right before the screenshot
        await wait_for(pilot, lambda: password in app.export_screenshot(), "the reveal")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: list(tmp_path.glob("miosa-tui-*.svg")), "the SVG file")
        await wait_for(pilot, lambda: "Screenshot saved to" in screen_text(app), "the toast")
        (svg,) = tmp_path.glob("miosa-tui-*.svg")
        text = svg.read_text(encoding="utf-8")
        assert password not in text
        assert next(iter(app.fleet.computers.values())).name in text
        assert svg.name in screen_text(app)
        # A second one never overwrites the first.
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: len(list(tmp_path.glob("miosa-tui-*.svg"))) == 2, "two")


# ---- presenter mode -------------------------------------------------------------------------


async def test_presenter_mode_shows_keys_and_never_reveals(sim: SimServer, tmp_path: Path) -> None:
    app = presenting(sim, tmp_path, Presentation(present=True))
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await loaded(pilot, app)
        await pilot.press("down", "down", "slash")
        await wait_for(pilot, lambda: "keys  ↓ ↓ /" in screen_text(app), "the keys corner")
        await pilot.press("escape")
        _panel, password = await show_password(pilot, app)
        await pilot.press("a", "v")
        await wait_for(
            pilot,
            lambda: "Secrets stay masked: presenter mode is on." in screen_text(app),
            "the refusal",
        )
        assert password not in app.export_screenshot()


async def test_presenter_mode_draws_stand_ins_for_ids_ips_tenants_and_workspaces(
    sim: SimServer, tmp_path: Path
) -> None:
    """--present: the table, Details and journal never draw a computer's id, IP, tenant or
    workspace; stable stand-ins (comp-0001, 10.0.x.y, tenant-1) take their place."""
    app = presenting(sim, tmp_path, Presentation(present=True))
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await loaded(pilot, app)
        target = next(c for c in app.fleet.computers.values() if c.tenant_id and c.ip_address)
        app.dashboard.go_to(target.id)
        await wait_for(pilot, lambda: target.name in screen_text(app), "the target's Details")
        await pilot.press("j")  # the journal pane too
        await wait_for(pilot, lambda: "comp-0" in screen_text(app), "an id stand-in")
        shown = screen_text(app) + app.export_screenshot()
        for computer in app.fleet.computers.values():
            for value in (computer.id, computer.ip_address, computer.tenant_id):
                assert not value or value not in shown, f"{value!r} is on screen"
            if computer.workspace_id:
                assert computer.workspace_id not in shown, computer.workspace_id
        assert target.name in shown, "names stay: the presenter points at them"


async def test_while_recording_secrets_are_never_revealed(sim: SimServer, tmp_path: Path) -> None:
    app = presenting(sim, tmp_path, Presentation(record=tmp_path / "x.cast"))
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await loaded(pilot, app)
        _panel, password = await show_password(pilot, app)
        await pilot.press("a", "v")
        await wait_for(
            pilot,
            lambda: "Secrets stay masked: this session is being recorded." in screen_text(app),
            "the refusal",
        )
        assert password not in app.export_screenshot()


async def test_the_palette_turns_presenter_mode_on_and_off(sim: SimServer, tmp_path: Path) -> None:
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await loaded(pilot, app)
        first = next(iter(app.fleet.computers.values()))
        await wait_for(pilot, lambda: first.id in screen_text(app), "the id column")
        await pilot.press("ctrl+p", *"Presenter mode", "enter")
        await wait_for(pilot, lambda: "Presenter mode on" in screen_text(app), "the toast")
        await wait_for(pilot, lambda: first.id not in screen_text(app), "ids hidden")
        assert "comp-0" in screen_text(app)
        await pilot.press("down")
        await wait_for(pilot, lambda: "keys  ↓" in screen_text(app), "the keys corner")
        await pilot.press("ctrl+p", *"Presenter mode", "enter")
        await wait_for(pilot, lambda: first.id in screen_text(app), "ids back")
        assert "keys  ↓" not in screen_text(app)


async def test_without_presenter_mode_no_key_corner(sim: SimServer, tmp_path: Path) -> None:
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot, app)
        await pilot.press("down", "down")
        await pilot.pause()
        assert "keys  " not in screen_text(app)


# ---- asciicast writer -----------------------------------------------------------------------


def read_cast(path: Path) -> tuple[dict[str, Any], list[list[Any]]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    events = [json.loads(line) for line in lines[1:]]
    return header, events


def assert_valid_cast(header: dict[str, Any], events: list[list[Any]]) -> None:
    """asciicast v2: a header object, then [time, code, data] arrays with times not decreasing."""
    assert header["version"] == 2
    assert isinstance(header["width"], int) and header["width"] > 0
    assert isinstance(header["height"], int) and header["height"] > 0
    assert isinstance(header["timestamp"], int)
    times = [e[0] for e in events]
    assert times == sorted(times)
    for event in events:
        assert len(event) == 3 and isinstance(event[0], float | int)
        assert event[1] in ("o", "r") and isinstance(event[2], str)
        if event[1] == "r":
            cols, rows = event[2].split("x")
            assert int(cols) > 0 and int(rows) > 0


def test_cast_writer_times_events_and_redacts(tmp_path: Path) -> None:
    now = [100.0]
    cast = CastWriter(tmp_path / "s.cast", secrets=lambda: ["hunter2-secret"], clock=lambda: now[0])
    cast.open((120, 40))
    cast.output("hello \x1b[1mworld\x1b[0m")
    now[0] = 101.5
    cast.output("password hunter2-secret and key msk_live_abcdef123456")
    cast.resize(100, 30)
    cast.resize(100, 30)  # no event for an unchanged size
    cast.close()
    header, events = read_cast(tmp_path / "s.cast")
    assert_valid_cast(header, events)
    assert (header["width"], header["height"]) == (120, 40)
    assert events[0] == [0.0, "o", "hello \x1b[1mworld\x1b[0m"]
    assert events[1][0] == 1.5
    assert "hunter2-secret" not in events[1][2] and "abcdef123456" not in events[1][2]
    assert events[2] == [1.5, "r", "100x30"]
    assert len(events) == 3


# ---- --record, for real ---------------------------------------------------------------------

linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="needs Linux ptys and /proc"
)


@pytest.fixture
def spawn_on(tmp_path: Path) -> Iterator[Callable[..., PtySession]]:
    started: list[PtySession] = []

    def make(sim: SimServer, *args: str) -> PtySession:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("MIOSA_", "TEXTUAL"))}
        env.update(
            TERM="xterm-256color",
            COLORTERM="truecolor",
            MIOSA_TUI_IMAGE_RENDERER="halfcell",
            MIOSA_TUI_CONFIG=str(tmp_path / "config.toml"),
            MIOSA_API_KEY=API_KEY,
            MIOSA_BASE_URL=sim.base_url,
        )
        app = PtySession([sys.executable, "-m", "miosa_tui", *args], env, block_sighup=False)
        started.append(app)
        return app

    yield make
    for app in started:
        app.close()


@linux_only
def test_record_writes_a_valid_cast_without_secrets(
    sim: SimServer, tmp_path: Path, spawn_on: Callable[..., PtySession]
) -> None:
    cast = tmp_path / "session.cast"
    headers = {"Authorization": f"Bearer {API_KEY}"}
    with httpx.Client(base_url=sim.base_url, headers=headers) as client:
        computers = client.get("/computers", params={"per_page": 500}).json()["data"]
        running = [c for c in computers if c["status"] == "running"]
        secrets = [
            client.get(f"/computers/{c['id']}/vnc-credentials").json()["password"] for c in running
        ]
    first = computers[0]["name"].encode()
    app = spawn_on(sim, "--record", str(cast))
    app.read_until(lambda out: first in out, "the first computer drawn")
    app.send(b"a")  # the access panel of the highlighted computer: its VNC password loads
    app.read_until(lambda out: b"preview:" in out, "the access panel")
    app.send(b"q")
    # Keep reading while it exits: a full pty buffer would block its last writes.
    deadline = time.monotonic() + 60.0  # a limit for a hung app, not a timing assertion
    while app.proc.poll() is None and time.monotonic() < deadline:
        app.drain()
        time.sleep(0.05)
    assert app.proc.poll() == 0
    header, events = read_cast(cast)
    assert_valid_cast(header, events)
    assert (header["width"], header["height"]) == (140, 40)
    text = "".join(e[2] for e in events if e[1] == "o")
    assert computers[0]["name"] in text
    assert text.startswith("\x1b[?1049h")  # the alternate screen, as the terminal saw it
    for secret in [*secrets, API_KEY]:
        assert secret not in text
