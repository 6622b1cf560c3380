"""Secrets stay secret: the API key, a VNC password and a stream token obtained from the simulator.

The key is never shown in full (prefix and last four at most), never logged, never in an error or
traceback, an SVG screenshot, an export, the journal or the CLI's output; it is sent only over
https or to a loopback host; a config file holding it must not be readable by others. Every
screen the app can show is exported as SVG and searched, and so is every file it writes.
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from textual.command import CommandPalette
from textual.widgets import Input, TabbedContent
from ui_helpers import (
    SIZE,
    burst,
    drawn_toasts,
    highlight_first,
    loaded,
    pump,
    screen_text,
    type_text,
    wait_for,
)

from miosa_tui import cli
from miosa_tui.api.computers import MiosaClient
from miosa_tui.api.errors import InsecureTransportError, MiosaError
from miosa_tui.api.settings import ApiSettings, mask_key
from miosa_tui.backend import Backend
from miosa_tui.config import load_config
from miosa_tui.sim.server import SimServer
from miosa_tui.ui.app import MiosaApp
from miosa_tui.ui.screens.confirm import ConfirmActionDialog
from miosa_tui.ui.screens.dashboard import DashboardScreen
from miosa_tui.ui.screens.forms import CloneDialog, CreateDialog, PathDialog, ResizeDialog
from miosa_tui.ui.screens.help import HelpScreen
from miosa_tui.ui.screens.region_select import RegionSelectScreen
from miosa_tui.ui.screens.wall import WallScreen
from miosa_tui.ui.widgets.access.panel import AccessPanel
from miosa_tui.ui.widgets.details import DetailsPanel
from miosa_tui.ui.widgets.journal_pane import JournalPane

KEY = "msk_u_S3cretKeyValue0123456789wxyz"


def leaks(text: str, secrets: list[str]) -> list[str]:
    return [s for s in secrets if s and s in text]


def make_app(sim: SimServer, tmp_path: Path) -> MiosaApp:
    config = load_config(environ={}, path=tmp_path / "none.toml")
    backend = Backend(settings=ApiSettings(api_key=KEY, base_url=sim.base_url), simulated=False)
    return MiosaApp(backend=backend, config=config, poll_interval=0.5)


def test_mask_shows_prefix_and_last_four_at_most() -> None:
    shown = mask_key(KEY)
    assert shown == "msk_u_…wxyz"
    assert KEY not in repr(ApiSettings(api_key=KEY)) and KEY not in str(ApiSettings(api_key=KEY))
    for key in ("msk_abc", "short", "msk_u_12345678901", "x" * 40):
        masked = mask_key(key)
        assert key not in masked or len(key) < 4
        assert len(masked.replace("…", "").replace("*", "")) <= len(key) - 4 or len(key) < 12


async def test_every_screen_and_file_is_free_of_secrets(
    sim: SimServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.chdir(tmp_path)
    caplog.set_level(logging.DEBUG)
    seen: dict[str, list[str]] = {"vnc": [], "token": []}
    app = make_app(sim, tmp_path)
    original_vnc, original_token = app.client.vnc_credentials, app.client.stream_token

    async def vnc(computer_id: str) -> Any:
        creds = await original_vnc(computer_id)
        seen["vnc"].append(creds.password)
        return creds

    async def token(computer_id: str) -> Any:
        issued = await original_token(computer_id)
        seen["token"].append(issued.token)
        return issued

    app.client.vnc_credentials = vnc  # type: ignore[method-assign]
    app.client.stream_token = token  # type: ignore[method-assign]
    svgs: dict[str, str] = {}

    async with app.run_test(size=SIZE, notifications=True) as pilot:

        def snap(name: str) -> None:
            svgs[name] = app.export_screenshot() + "\n" + screen_text(app)

        async def visit(
            name: str,
            *keys: str,
            opened: Callable[[], object],
            close: tuple[str, ...] = ("escape",),
        ) -> None:
            """Open a screen by its keys, check it opened (a sweep of the wrong screen would pass
            for any secret), snapshot it, close it."""
            await burst(pilot, *keys)
            await wait_for(pilot, opened, f"the {name} screen")
            await pump(pilot, 4)
            snap(name)
            await burst(pilot, *close)
            for _ in range(3):
                if not isinstance(app.screen, DashboardScreen):
                    await burst(pilot, "escape")

        await loaded(pilot, app)
        await highlight_first(pilot, app, "running")
        panel = app.dashboard.query_one(AccessPanel)
        await wait_for(pilot, lambda: bool(seen["vnc"]), "the VNC credentials")
        await pilot.press("a")  # the access panel
        await pilot.press("t")  # a new stream token
        await wait_for(pilot, lambda: bool(seen["token"]), "a stream token")
        labels = {"vnc-password": "VNC password", "token": "stream token"}
        await wait_for(
            pilot,
            lambda: {e.key for e in panel.entries if e.value} >= set(labels),
            "the panel holding the password and the token",
        )
        # copy the password and the token: the clipboard gets them, the screen must not
        # (the token's entry is "token": the sweep asked for "stream-token" and, finding no such
        # entry, skipped copying the token without a word)
        for key, label in labels.items():
            assert panel.select(key), [e.key for e in panel.entries]
            await pilot.press("y")
            # the copy's toast is on screen before the snapshot searches it
            await wait_for(
                pilot,
                lambda label=label: any(f"Copied {label}:" in t for t in drawn_toasts(app)),
                f"the {label} copy's toast",
            )
        copied = app.clipboard
        snap("access")
        await pilot.press("escape")
        app.dashboard.action_focus_table()
        snap("dashboard")

        def screen_is(kind: type[object]) -> Callable[[], bool]:
            return lambda: isinstance(app.screen, kind)

        def palette_searched(text: str) -> Callable[[], bool]:
            def searched() -> bool:
                screen = app.screen
                return isinstance(screen, CommandPalette) and screen.query_one(Input).value == text

            return searched

        def details_shown() -> bool:
            tabs = app.dashboard.query_one(TabbedContent)
            return tabs.active == "tab-details" and app.dashboard.query_one(DetailsPanel).display

        def journal_shown() -> bool:
            return any(pane.display for pane in app.dashboard.query(JournalPane))

        await visit("help", "question_mark", opened=screen_is(HelpScreen))
        await visit("palette", "ctrl+p", opened=screen_is(CommandPalette))
        # the palette searched for Access (typed once it is open: keys sent before it has
        # focus were lost, and the old sweep snapshotted the unsearched list)
        await pilot.press("ctrl+p")
        await wait_for(pilot, screen_is(CommandPalette), "the palette")
        await type_text(pilot, "Access")
        await visit("palette-access", opened=palette_searched("Access"))
        await visit("confirm-stop", "S", opened=screen_is(ConfirmActionDialog), close=("n",))
        await visit("clone", "c", opened=screen_is(CloneDialog))
        await visit("create", "n", opened=screen_is(CreateDialog))
        await visit("resize", "z", opened=screen_is(ResizeDialog))
        await visit("journal", "j", opened=journal_shown, close=("j",))
        await visit("region", "x", opened=screen_is(RegionSelectScreen))
        await visit("wall", "w", opened=screen_is(WallScreen))
        await visit("details", "i", opened=details_shown)
        # files: the journal export and a saved screenshot
        await pilot.press("J")
        await wait_for(pilot, screen_is(PathDialog), "the export dialog")
        await pump(pilot, 2)
        snap("export-dialog")
        await pilot.press("enter")
        await wait_for(pilot, screen_is(DashboardScreen), "the export written")
        await pump(pilot, 4)
        await pilot.press("e")
        await wait_for(pilot, screen_is(PathDialog), "the save dialog")
        await pump(pilot, 4)
        snap("save-dialog")
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: any("y copies the path" in t for t in drawn_toasts(app)), "saved"
        )
        # What the toasts draw, and (raw) every message handed to a toast: a secret must never
        # be given to one, even where it would be folded across lines or stacked off screen.
        toasts = "\n".join(drawn_toasts(app) + [str(n.message) for n in app._notifications])

    secrets = [KEY, *seen["vnc"], *seen["token"]]
    assert all(len(s) >= 8 for s in secrets), secrets
    for name, svg in svgs.items():
        assert not leaks(svg, secrets), f"{name} shows {leaks(svg, secrets)}"
    assert not leaks(toasts, secrets)
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p.suffix != ".toml"]
    assert any(p.name.startswith("miosa-journal") for p in written), written
    for path in written:
        assert not leaks(path.name, secrets)
        data = path.read_bytes()
        for secret in secrets:
            assert secret.encode() not in data, f"{secret[:6]}… in {path.name}"
    journal = app.journal.render("text") + app.journal.render("json")
    assert not leaks(journal, secrets)
    logged = "\n".join(r.getMessage() + repr(r.args) for r in caplog.records)
    assert not leaks(logged, secrets)
    assert copied in (*seen["vnc"], *seen["token"])  # copying did copy the real value


def test_cli_output_never_holds_the_key(
    sim: SimServer,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("MIOSA_API_KEY", KEY)
    monkeypatch.setenv("MIOSA_BASE_URL", sim.base_url)
    monkeypatch.setenv("MIOSA_TUI_CONFIG", str(tmp_path / "config.toml"))
    outputs = []
    for argv in (
        ["config", "show"],
        ["ls", "--json"],
        ["doctor"],
        ["doctor", "--json"],
        ["get", "nope"],
        ["vnc", "nope"],
    ):
        capsys.readouterr()
        cli.main(argv)
        out, err = capsys.readouterr()
        outputs.append(out + err)
        assert KEY not in out + err, argv
        assert "Traceback" not in err
    assert any(mask_key(KEY) in o for o in outputs[:1])  # config show names it, masked


def test_errors_and_tracebacks_never_hold_the_key() -> None:
    def echo(request: httpx.Request) -> httpx.Response:
        auth = request.headers["authorization"]
        return httpx.Response(401, json={"error": f"bad key {auth}", "code": "UNAUTHORIZED"})

    import asyncio

    async def go() -> MiosaError:
        client = MiosaClient(
            ApiSettings(api_key=KEY, base_url="https://api.test"),
            transport=httpx.MockTransport(echo),
        )
        async with client:
            try:
                await client.list_computers()
            except MiosaError as err:
                return err
        raise AssertionError("no error")

    err = asyncio.run(go())
    text = "".join(traceback.format_exception(err)) + str(err) + repr(err)
    assert KEY not in text


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://api.miosa.ai", True),
        ("http://127.0.0.1:8765", True),
        ("http://localhost:8765", True),
        ("http://[::1]:8765", True),
        ("http://api.miosa.ai", False),
        ("http://127.0.0.1.evil.example", False),
        ("http://10.0.0.5", False),
    ],
)
async def test_the_key_goes_only_over_https_or_to_loopback(url: str, allowed: bool) -> None:
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.headers.get("authorization", ""))
        return httpx.Response(200, json={"data": []})

    client = MiosaClient(
        ApiSettings(api_key=KEY, base_url=url), transport=httpx.MockTransport(handler)
    )
    async with client:
        if allowed:
            await client.list_computers()
            assert sent == [f"Bearer {KEY}"]
        else:
            with pytest.raises(InsecureTransportError):
                await client.list_computers()
            assert sent == []


def test_a_key_in_a_world_readable_config_is_ignored_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f'api_key = "{KEY}"\n')
    path.chmod(0o644)
    cfg = load_config(environ={}, path=path)
    assert cfg.api_key is None
    assert any("chmod 600" in w and str(path) in w for w in cfg.warnings)
    assert not any(KEY in w for w in cfg.warnings)
    path.chmod(0o600)
    assert load_config(environ={}, path=path).api_key == KEY


def test_journal_export_masks_registered_and_pattern_secrets(tmp_path: Path) -> None:
    from miosa_tui.fleet.journal import Journal

    journal = Journal(secrets=[KEY])
    journal.add_secret("vnc-pass-123456")
    journal.record("token", "c1", "web", "ok", f"key {KEY} pw vnc-pass-123456 Bearer abc.def")
    out = journal.export(tmp_path / "j.txt").read_text()
    out += json.dumps(json.loads(journal.export(tmp_path / "j.json", "json").read_text()))
    assert KEY not in out and "vnc-pass-123456" not in out and "abc.def" not in out
