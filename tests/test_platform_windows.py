"""Windows (and the macOS/Windows branches of clipboard, browser and config), on Linux (issue 18).

The import test runs in a fresh interpreter whose POSIX-only parts are removed first (see
`WINDOWS_PRELUDE` in tests/platform_sim.py: no termios, fcntl, tty, pty, pwd, grp, resource; no
SIGHUP, SIGTSTP, SIGCONT, SIGWINCH...; no select.poll; no os.getuid...). Every miosa_tui module
must import there. Then, with `sys.platform` set to "win32" (after the standard library has
chosen its POSIX code, which a Linux kernel needs), the real dashboard runs headless on the
simulator: it must show its table, install no terminal watch, keep ctrl+z out of the footer and
the help, and answer ctrl+z with a sentence.

The in-process tests set `sys.platform` to "darwin" and "win32" for the paths that branch on it:
opening a browser, copying, the config file's permission check and its private writes, and what
`miosa-tui doctor` says about both.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from platform_sim import WINDOWS_PRELUDE
from ui_helpers import (
    drawn_toasts,
    make_app,
    open_screen,
    screen_text,
    side_panes,
    wait_for,
)

from miosa_tui.cli import doctor
from miosa_tui.config import load_config
from miosa_tui.sim.server import SimServer
from miosa_tui.ui import clipboard

ROOT = Path(__file__).resolve().parent.parent
NO_SUSPEND = "ctrl+z cannot suspend here: Windows has no job control. Press q to quit."


TESTS = Path(__file__).resolve().parent


def run_as_windows(body: str) -> dict[str, Any]:
    """`WINDOWS_PRELUDE` + `body` in a new interpreter; `body` prints one JSON line last.

    Textual chose its driver module by `sys.platform` when it was imported ("linux": the one
    that needs termios); on Windows it takes its WindowsDriver. `App.__init__` imports that
    module even for `run_test`, so TEXTUAL_DRIVER names the headless driver run_test uses."""
    code = WINDOWS_PRELUDE + "\n" + textwrap.dedent(body)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MIOSA_", "TEXTUAL"))}
    env["TEXTUAL_DRIVER"] = "textual.drivers.headless_driver:HeadlessDriver"
    env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT), str(TESTS), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-6000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_every_module_imports_without_posix() -> None:
    result = run_as_windows(
        """
        import importlib, json, pkgutil, sys, traceback
        import miosa_tui

        failed, names = {}, ["miosa_tui"]
        names += [m.name for m in pkgutil.walk_packages(miosa_tui.__path__, "miosa_tui.")]
        for name in names:
            try:
                importlib.import_module(name)
            except Exception:
                failed[name] = traceback.format_exc(limit=3)
        print(json.dumps({
            "modules": names,
            "failed": failed,
            "termios": "termios" in sys.modules and sys.modules["termios"] is not None,
        }))
        """
    )
    assert result["failed"] == {}
    assert "miosa_tui.ui.app" in result["modules"]
    assert "miosa_tui.ui.terminal_watch.detectors" in result["modules"]
    assert len(result["modules"]) > 60
    assert result["termios"] is False  # nothing got around the prelude


def test_headless_ls_runs_without_posix() -> None:
    result = run_as_windows(
        """
        import contextlib, io, json
        from miosa_tui.cli import main

        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = main(["ls", "--demo", "--json"])
        print(json.dumps({"code": code, "listing": json.loads(out.getvalue())}))
        """
    )
    assert result["code"] == 0
    computers = result["listing"]
    assert len(computers) >= 10
    assert any(c["status"] == "running" for c in computers)


def test_the_dashboard_starts_headless_without_posix() -> None:
    result = run_as_windows(
        """
        import asyncio, json, sys, tempfile
        from pathlib import Path

        from miosa_tui.sim.config import SimConfig
        from miosa_tui.sim.server import SimServer
        from miosa_tui.ui.screens.help import HelpScreen
        from ui_helpers import drawn_toasts, make_app, screen_text, wait_for

        sim = SimServer(SimConfig())
        sim.start()  # uvicorn picks its loop setup by sys.platform: start it as Linux
        sys.platform = "win32"  # from here on, miosa_tui's run-time checks see Windows

        async def main():
            out = {}
            app = make_app(sim, Path(tempfile.mkdtemp()))
            async with app.run_test(size=(160, 48), notifications=True) as pilot:
                await wait_for(pilot, lambda: "running" in screen_text(app), "the table")
                out["table"] = screen_text(app)
                out["watch_active"] = app.terminal_watch.active
                out["watch_unavailable"] = app.terminal_watch.unavailable
                app.clear_notifications()  # the greeting
                await wait_for(pilot, lambda: not drawn_toasts(app), "no toast")
                await pilot.press("ctrl+z")
                await wait_for(pilot, lambda: drawn_toasts(app), "the toast")
                out["after_ctrl_z"] = drawn_toasts(app)
                out["running_after_ctrl_z"] = app.is_running
                app.clear_notifications()  # its title says "Suspend": not on the help's screen
                await wait_for(pilot, lambda: not drawn_toasts(app), "the toast gone")
                await pilot.press("question_mark")
                await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), "help")
                await pilot.pause()
                out["help"] = screen_text(app)
            return out

        try:
            out = asyncio.run(main())
        finally:
            sys.platform = "linux"
            sim.stop()
        print(json.dumps(out))
        """
    )
    assert "support-sandbox-02" in result["table"] or "running" in result["table"]
    assert "SIMULATED" in result["table"]
    assert result["watch_active"] is False
    assert result["watch_unavailable"].startswith("none on Windows")
    assert result["after_ctrl_z"] == [f"Suspend {NO_SUSPEND}"]  # as drawn: title, then text
    assert result["running_after_ctrl_z"] is True
    assert "Filter syntax" in result["help"]  # the help screen is up...
    assert "Suspend" not in result["help"]  # ...and lists no suspend key
    assert "^z" not in result["help"].lower() and "ctrl+z" not in result["help"].lower()


async def test_linux_help_lists_suspend(sim: SimServer, tmp_path: Path) -> None:
    """The control for the test above: with job control, help does list ctrl+z."""
    from miosa_tui.ui.screens.help import HelpScreen

    app = make_app(sim, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: "running" in screen_text(app), "the table")
        await open_screen(pilot, app, "question_mark", HelpScreen, "help")
        await pilot.pause()
        assert "Suspend" in screen_text(app)


async def test_ctrl_z_on_windows_is_refused_with_a_toast(
    sim: SimServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await wait_for(pilot, lambda: "running" in screen_text(app), "the table")
        monkeypatch.setattr(sys, "platform", "win32")
        suspended: list[object] = []
        app.app_suspend_signal.subscribe(app, suspended.append)
        app.clear_notifications()  # the greeting
        await wait_for(pilot, lambda: not drawn_toasts(app), "no toast")
        await pilot.press("ctrl+z")
        await wait_for(pilot, lambda: drawn_toasts(app), "the toast")
        assert drawn_toasts(app) == [f"Suspend {NO_SUSPEND}"]
        assert suspended == [] and app.is_running


# -- browser and clipboard -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("platform", "env", "refused"),
    [
        ("darwin", {}, None),
        ("win32", {}, None),
        ("darwin", {"SSH_CONNECTION": "10.0.0.2 50000 10.0.0.1 22"}, "remote macOS screen"),
        ("win32", {"SSH_TTY": "/dev/pts/0"}, "remote Windows screen"),
        ("darwin", {"SSH_TTY": "/dev/pts/0", "BROWSER": "open"}, None),
        ("linux", {}, "no graphical browser here (no DISPLAY)"),
        ("linux", {"DISPLAY": ":0", "SSH_TTY": "/dev/pts/0"}, None),  # X forwarding
    ],
    ids=["mac", "windows", "mac-ssh", "windows-ssh", "mac-ssh-BROWSER", "linux", "linux-x11"],
)
async def test_opening_a_browser_per_platform(
    sim: SimServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    platform: str,
    env: dict[str, str],
    refused: str | None,
) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER", "SSH_CONNECTION", "SSH_TTY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    app = make_app(sim, tmp_path)
    opened: list[str] = []

    def fake_open(url: str, *, new_tab: bool = True) -> None:
        opened.append(url)

    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: "running" in screen_text(app), "the table")
        await side_panes(pilot, app)  # built, not half built, when the test ends
        monkeypatch.setattr(app, "open_url", fake_open)
        monkeypatch.setattr(sys, "platform", platform)
        problem = clipboard.open_in_browser(app, "https://example.miosa.app/")
    if refused is None:
        assert problem is None
        assert opened == ["https://example.miosa.app/"]
    else:
        assert problem is not None and refused in problem
        assert problem.endswith("Copy the URL with y instead.")
        assert opened == []


@pytest.mark.parametrize("platform", ["darwin", "win32"])
async def test_copy_per_platform(
    sim: SimServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, platform: str
) -> None:
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await wait_for(pilot, lambda: "running" in screen_text(app), "the table")
        monkeypatch.setattr(sys, "platform", platform)
        app.clear_notifications()  # the greeting
        await wait_for(pilot, lambda: not drawn_toasts(app), "no toast")
        shown = clipboard.copy(app, "hunter2-secret", "VNC password", secret=True, environ={})
        await wait_for(pilot, lambda: drawn_toasts(app), "the toast")
        assert app.clipboard == "hunter2-secret"  # the real value reaches the clipboard
        assert drawn_toasts(app) == [f"Clipboard Copied VNC password: {shown}"]
        assert "hunter2" not in shown and "hunter2" not in drawn_toasts(app)[0]


# -- the config file's permissions ---------------------------------------------------------------


def shared_config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text('api_key = "msk_u_from_file_0000"\n')
    path.chmod(0o644)  # readable by group and others
    return path


@pytest.mark.parametrize("platform", ["linux", "darwin"])
def test_a_shared_key_file_is_refused_where_modes_mean_something(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, platform: str
) -> None:
    path = shared_config(tmp_path)
    monkeypatch.setattr(sys, "platform", platform)
    cfg = load_config(environ={}, path=path)
    assert cfg.api_key in (None, "")
    assert any("readable by other users" in w and "chmod 600" in w for w in cfg.warnings)


def test_on_windows_the_mode_is_not_read_as_permission(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows reports 0o666 for every writable file: the key must not be refused for it."""
    path = shared_config(tmp_path)
    monkeypatch.setattr(sys, "platform", "win32")
    cfg = load_config(environ={}, path=path)
    assert cfg.api_key == "msk_u_from_file_0000"
    assert not any("chmod" in w for w in cfg.warnings)


@pytest.mark.parametrize(("platform", "chmods"), [("darwin", 1), ("win32", 0)])
def test_remembering_the_theme_writes_a_private_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, platform: str, chmods: int
) -> None:
    path = tmp_path / "new" / "config.toml"
    cfg = load_config(environ={}, path=path)
    calls: list[int] = []
    real_chmod = os.chmod

    def spy(target: Any, mode: int, **kwargs: Any) -> None:
        calls.append(mode)
        real_chmod(target, mode, **kwargs)

    monkeypatch.setattr(os, "chmod", spy)
    monkeypatch.setattr(sys, "platform", platform)
    assert cfg.remember_theme("nord") is None
    monkeypatch.undo()
    assert 'theme = "nord"' in path.read_text()
    assert len(calls) == chmods
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # mkstemp's own mode when not chmod-ed


@pytest.mark.parametrize(
    ("platform", "mode_says", "watch_says"),
    [
        ("linux", "0644 (readable by other users)", "poll()"),
        ("darwin", "0644 (readable by other users)", "select()"),
        ("win32", "not checked on Windows", "none on Windows"),
    ],
)
def test_doctor_says_what_each_platform_checks(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    platform: str,
    mode_says: str,
    watch_says: str,
) -> None:
    env = {"MIOSA_TUI_CONFIG": str(shared_config(tmp_path)), "TERM": "xterm-256color"}
    monkeypatch.setattr(sys, "platform", platform)
    facts = doctor.config_section(load_config(environ=env), None, env)
    terminal = doctor.terminal_section(env, tty=False)
    monkeypatch.undo()
    assert facts["mode"].startswith(mode_says)
    assert terminal["closed terminal noticed by"].startswith(watch_says)


# -- `miosa-tui config edit`: the default editor ---------------------------------------------


@pytest.mark.parametrize(
    ("platform", "editor", "expected"),
    [
        ("linux", None, ["vi"]),
        ("darwin", None, ["vi"]),
        ("win32", None, ["notepad"]),
        ("win32", r'"C:\Program Files\Notepad++\notepad++.exe" -multiInst', None),
    ],
    ids=["linux", "mac", "windows", "windows-path"],
)
def test_config_edit_opens_an_editor_the_platform_has(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    platform: str,
    editor: str | None,
    expected: list[str] | None,
) -> None:
    from miosa_tui import cli

    path = tmp_path / "config.toml"
    monkeypatch.setenv("MIOSA_TUI_CONFIG", str(path))
    for name in ("VISUAL", "EDITOR"):
        monkeypatch.delenv(name, raising=False)
    if editor is not None:
        monkeypatch.setenv("EDITOR", editor)
    calls: list[list[str]] = []
    monkeypatch.setattr(cli.subprocess, "call", lambda command: calls.append(command) or 0)
    monkeypatch.setattr(sys, "platform", platform)
    assert cli.main(["config", "edit"]) == 0
    monkeypatch.undo()
    if expected is None:  # shlex in Windows mode keeps the backslashes (POSIX mode ate them)
        expected = [r"C:\Program Files\Notepad++\notepad++.exe", "-multiInst"]
    assert calls == [[*expected, str(path)]]
    assert path.exists()


def test_config_edit_without_the_editor_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from miosa_tui import cli

    path = tmp_path / "config.toml"
    monkeypatch.setenv("MIOSA_TUI_CONFIG", str(path))
    monkeypatch.setenv("EDITOR", "no-such-editor-here")
    monkeypatch.delenv("VISUAL", raising=False)
    assert cli.main(["config", "edit"]) == 1
    err = capsys.readouterr().err
    assert "Could not start the editor 'no-such-editor-here'" in err
    assert "Set VISUAL or EDITOR" in err and str(path) in err
