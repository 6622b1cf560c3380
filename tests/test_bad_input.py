"""Bad input everywhere a user types: a clear sentence, and no request leaves.

Pure parsers get hypothesis property tests (never an exception other than their typed one, and a
message); the dashboard's input boxes get garbage typed into them with the simulator's request
counter watched (polling is parked at a one-hour interval, so any request would be the input's).
The CLI and the environment get garbage too: never a traceback, never a request.
"""

from __future__ import annotations

import os
import string
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from ui_helpers import (
    SIZE,
    Sim,
    burst,
    first_with,
    highlight,
    highlight_first,
    loaded,
    make_app,
    pump,
    wait_for,
)

from miosa_tui import cli
from miosa_tui.api.errors import InvalidInputError, MiosaError
from miosa_tui.api.links import parse_port
from miosa_tui.api.settings import ApiSettings
from miosa_tui.config import ConfigError, load_config
from miosa_tui.fleet.actions import validate_datacenter, validate_name, validate_size
from miosa_tui.fleet.filter import parse_filter
from miosa_tui.fleet.region import RegionError
from miosa_tui.fleet.region import parse as parse_region
from miosa_tui.sim.server import SimServer
from miosa_tui.ui.screens.dashboard import DashboardScreen
from miosa_tui.ui.screens.forms import check_name, check_path

PROPS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
nasty = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60
) | st.sampled_from(
    [
        "",
        " ",
        "-1",
        "0",
        "65536",
        "1e3",
        "nan",
        "inf",
        "0x50",
        "８０",
        "80 ",
        "status:",
        "!!",
        "((",
        "'; DROP",
        "\x00",
        "\x1b[31m",
        "名前",
        "a" * 500,
        "0,0,0,0",
        "1000,1000,1,1",
        "-5,0,10,10",
        "1,2,3",
        "a,b,c,d",
    ]
)


# -- pure parsers -----------------------------------------------------------------------------


@PROPS
@given(nasty)
def test_filter_never_raises(text: str) -> None:
    parsed = parse_filter(text)
    assert parsed.error is None or (isinstance(parsed.error, str) and parsed.error)


@PROPS
@given(nasty)
def test_port_is_a_port_or_one_sentence(text: str) -> None:
    try:
        port = parse_port(text)
    except InvalidInputError as err:
        assert "1 to 65535" in str(err)
    else:
        assert 1 <= port <= 65535


@PROPS
@given(nasty)
def test_region_text_is_a_valid_region_or_a_reason(text: str) -> None:
    try:
        region = parse_region(text)
    except RegionError as err:
        assert err.reason
    else:
        assert region.validate() is None


@PROPS
@given(nasty)
def test_names_sizes_regions_and_paths_are_checked_without_exceptions(text: str) -> None:
    for check in (validate_name, check_name, validate_size, validate_datacenter, check_path):
        reason = check(text)
        assert reason is None or (isinstance(reason, str) and reason.strip())
    if validate_name(text) is None:  # what passes is a DNS label
        name = text.strip()
        assert name[0] in string.ascii_lowercase and set(name) <= set(
            string.ascii_lowercase + string.digits + "-"
        )


# -- the config file --------------------------------------------------------------------------


@PROPS
@given(st.binary(max_size=300) | nasty.map(lambda t: t.encode("utf-8", "replace")))
def test_any_config_file_loads_or_names_the_file(tmp_path_factory: Any, raw: bytes) -> None:
    path = tmp_path_factory.mktemp("cfg") / "config.toml"
    path.write_bytes(raw)
    path.chmod(0o600)
    try:
        load_config(environ={}, path=path)
    except ConfigError as err:
        assert str(path) in str(err)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('theme = "nord"\npoll_interval = = 5\n', "line 2"),
        ('[profiles.prod]\nbase_url = "https://x"\nread_only = maybe\n', "line 3"),
        ('theme = "nord"\n\n\n[keymap\n', "line 4"),
    ],
)
def test_corrupt_config_names_file_and_line(tmp_path: Path, text: str, line: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_config(environ={}, path=path)
    assert str(path) in str(info.value) and line in str(info.value)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_config_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('theme = "nord"\n')
    path.chmod(0)
    with pytest.raises(ConfigError) as info:
        load_config(environ={}, path=path)
    assert str(path) in str(info.value)


def test_a_config_we_may_not_read_names_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same as above for a run as root (CI), where chmod 0 does not stop a read."""
    path = tmp_path / "config.toml"
    path.write_text('theme = "nord"\n')
    real_read = Path.read_text

    def refuse(self: Path, *args: object, **kwargs: object) -> str:
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real_read(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "read_text", refuse)
    with pytest.raises(ConfigError) as info:
        load_config(environ={}, path=path)
    assert str(path) in str(info.value)
    assert "Traceback" not in str(info.value)


def test_config_that_is_a_directory_names_it(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.mkdir()
    with pytest.raises(ConfigError) as info:
        load_config(environ={}, path=path)
    assert str(path) in str(info.value)


# -- the command line and the environment -----------------------------------------------------


@pytest.fixture
def quiet_cli(sim: SimServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Sim]:
    """cli.main aimed at `sim`, with the parts that would take over the test stubbed out:
    the dashboard, `sim` and `serve` (they run until stopped) and `config edit` (an editor)."""
    for name in list(os.environ):
        if name.startswith("MIOSA_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("MIOSA_BASE_URL", sim.base_url)
    monkeypatch.setenv("MIOSA_API_KEY", "msk_u_test_0000")
    monkeypatch.setenv("MIOSA_TUI_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setattr(cli, "_run_dashboard", lambda args, cfg: 0)
    monkeypatch.setattr(cli, "_run_sim", lambda args: 0)
    monkeypatch.setattr("subprocess.call", lambda *a, **k: 0)
    import miosa_tui.cli.serve as serve

    monkeypatch.setattr(serve, "run_serve", lambda args: 0)
    ctl = Sim(sim)
    yield ctl
    ctl.close()


WORDS = [
    "ls",
    "get",
    "start",
    "stop",
    "destroy",
    "clone",
    "resize",
    "move",
    "create",
    "vnc",
    "token",
    "preview-url",
    "screenshot",
    "wait",
    "config",
    "show",
    "path",
    "doctor",
    "--json",
    "--yes",
    "--region",
    "--size",
    "--name",
    "--port",
    "--timeout",
    "--profile",
    "--base-url",
    "--poll-interval",
    "--image-renderer",
    "--theme",
    "--fleet",
    "--speed",
    "--read-only",
    "--demo",
    "-o",
    "running",
    "comp_nope",
    "us-mia",
    "huge",
    "-1",
    "nan",
    "1e999",
    "abc",
    "0,0,0,0",
    "1001,0,1,1",
    "http://evil.example",
    "",
    "\x00",
    "--",
    "--help-me",
    "名前",
]
argvs = st.lists(st.sampled_from(WORDS) | nasty, max_size=6)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(argv=argvs)
def test_cli_garbage_never_raises_or_prints_a_traceback(
    quiet_cli: Sim, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    assume("--help" not in argv and "-h" not in argv)
    try:
        code = cli.main(argv)
    except SystemExit as done:  # argparse's usage error (exit 2) or --version (exit 0)
        assert done.code in (0, 2), done.code
    else:
        assert isinstance(code, int)
    err = capsys.readouterr().err
    assert "Traceback" not in err, err


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["screenshot", "ID", "--region", "1,2,3", "-o", "x.png"], "--region"),
        (["screenshot", "ID", "--region", "0,0,0,0", "-o", "x.png"], "--region"),
        (["screenshot", "ID", "--region", "999,999,500,500", "-o", "x.png"], "--region"),
        (["preview-url", "ID", "99999"], "65535"),
        (["preview-url", "ID", "http"], "65535"),
        (["start", "ID", "--wait", "--timeout", "-3"], "--timeout"),
        (["ls", "--base-url", "ftp://x"], "http"),
        (["ls", "--base-url", "http://[::1"], "URL"),
        (["--poll-interval", "0"], "poll_interval"),
        (["--poll-interval", "nan"], "poll_interval"),
    ],
)
def test_cli_bad_values_are_one_sentence_and_send_nothing(
    quiet_cli: Sim, capsys: pytest.CaptureFixture[str], argv: list[str], needle: str
) -> None:
    quiet_cli.reset()
    code = cli.main(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    assert needle in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert quiet_cli.routes() == {}


@pytest.mark.parametrize(
    ("var", "value", "needle"),
    [
        ("MIOSA_BASE_URL", "not a url at all", "MIOSA_BASE_URL"),
        ("MIOSA_BASE_URL", "ftp://example.com", "MIOSA_BASE_URL"),
        ("MIOSA_BASE_URL", "https://host:notaport", "MIOSA_BASE_URL"),
        ("MIOSA_BASE_URL", "http://api.example.com", "https"),  # the key would travel in clear
        ("MIOSA_TUI_POLL_INTERVAL", "abc", "MIOSA_TUI_POLL_INTERVAL"),
        ("MIOSA_TUI_POLL_INTERVAL", "-5", "MIOSA_TUI_POLL_INTERVAL"),
        ("MIOSA_TUI_IMAGE_RENDERER", "x", "MIOSA_TUI_IMAGE_RENDERER"),
        ("MIOSA_TUI_READ_ONLY", "perhaps", "MIOSA_TUI_READ_ONLY"),
    ],
)
@pytest.mark.parametrize("command", [["ls"], []])
def test_bad_environment_is_one_sentence_and_sends_nothing(
    quiet_cli: Sim,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    var: str,
    value: str,
    needle: str,
    command: list[str],
) -> None:
    quiet_cli.reset()
    monkeypatch.setenv(var, value)
    if not command:  # the dashboard: check the configuration the way it would, without a TUI
        monkeypatch.setattr(cli, "_run_dashboard", _open_backend_only)
    code = cli.main(command)
    err = capsys.readouterr().err
    assert code in (1, 2), err
    assert needle in err, err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert quiet_cli.routes() == {}


def _open_backend_only(args: Any, cfg: Any) -> int:
    from miosa_tui.backend import open_backend

    backend = open_backend(cfg, demo=False)
    try:
        backend.settings.check_secure()
    finally:
        backend.close()
    return 0


def test_settings_from_garbage_env_raise_typed_errors() -> None:
    for value in ("::::", "https://", "http://[bad", "javascript:alert(1)", " \t"):
        try:
            ApiSettings.from_env({"MIOSA_BASE_URL": value, "MIOSA_API_KEY": "msk_u_x"})
        except MiosaError as err:
            assert "MIOSA_BASE_URL" in str(err)


# -- the dashboard's input boxes -----------------------------------------------------------------


GARBAGE = ["((", "status:", "名前 ~!@#$%^&*()", "\\'\"", "region:mars", "x" * 120]


async def refreshed(pilot: Any, app: Any) -> int:
    """Press ctrl+r and wait for that poll to finish: the app has handled every key sent before
    it (keys are handled in order), so a "nothing was sent" check after this is not a guess
    about time. Returns how many polls finished meanwhile (one GET /computers each)."""
    before = app.dashboard.poller.polls
    await pilot.press("ctrl+r")
    await wait_for(pilot, lambda: app.dashboard.poller.polls > before, "the ctrl+r poll")
    return int(app.dashboard.poller.polls - before)


async def test_filter_box_takes_garbage_and_sends_nothing(sim: SimServer, tmp_path: Path) -> None:
    ctl = Sim(sim)
    app = make_app(sim, tmp_path, poll_interval=3600)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await loaded(pilot, app)
            await refreshed(pilot, app)  # no poll in flight from here on (interval 3600 s)
            lists = ctl.list_count()
            for text in GARBAGE:
                await burst(pilot, "slash", *text, "enter")
                await burst(pilot, "slash", "escape")
            polls = await refreshed(pilot, app)
            # Filtering is local: no list call, nothing mutating. (Hiding and showing rows may
            # move the highlight, and the panes then read the newly highlighted computer.)
            assert ctl.list_count() == lists + polls  # only the polls' own listings
            assert ctl.mutating() == []
            assert app.is_running and isinstance(app.screen, DashboardScreen)
    finally:
        ctl.close()


async def test_forms_refuse_garbage_and_send_nothing(sim: SimServer, tmp_path: Path) -> None:
    ctl = Sim(sim)
    app = make_app(sim, tmp_path, poll_interval=3600)
    try:
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await loaded(pilot, app)
            await highlight_first(pilot, app, "running")
            await pump(pilot, 6)  # the panes' first fetches
            before = ctl.mutating()
            for text in ["Bad Name", "9lives", "a_b", "x-", "名前", "a" * 64]:
                # clone: replace the proposed name with garbage, press enter
                await burst(pilot, "c")
                await burst(pilot, "end", *(["backspace"] * 80), *text, "enter")
                assert not isinstance(app.screen, DashboardScreen), f"{text!r} was accepted"
                assert "Name" in _screen(app)
                await burst(pilot, "escape")
                # create: same
                await burst(pilot, "n")
                await burst(pilot, *text, "enter")
                assert not isinstance(app.screen, DashboardScreen), f"{text!r} was accepted"
                await burst(pilot, "escape")
            # move and resize choices: random keys, then escape
            await highlight_first(pilot, app, "stopped")
            for key in ("m", "z"):
                await burst(pilot, key)
                await burst(pilot, *"qwerty!@#", "up", "up", "up")
                await burst(pilot, "escape")
            await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen), "the dashboard")
            await refreshed(pilot, app)
            assert ctl.mutating() == before
    finally:
        ctl.close()


def _screen(app: Any) -> str:
    from ui_helpers import screen_text

    return screen_text(app)


async def test_port_box_and_region_numbers_refuse_garbage(sim: SimServer, tmp_path: Path) -> None:
    from textual.widgets import Input

    from miosa_tui.ui.screens.region_select import RegionFormScreen, RegionSelectScreen
    from miosa_tui.ui.widgets.access.panel import AccessPanel

    ctl = Sim(sim)
    app = make_app(sim, tmp_path, poll_interval=3600)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await loaded(pilot, app)
            await highlight(pilot, app, first_with(app, "running"))
            await pump(pilot, 10)
            panel = app.dashboard.query_one(AccessPanel)
            before = ctl.routes()
            for text in ["0", "65536", "-1", "http", "80 80", "1e3", "９０", "", "x" * 100]:
                assert panel.add_preview_port(text) is False, text
                error = str(panel.query_one("#access-port-error").render())
                assert "65535" in error or "port" in error.lower(), error
            polls = await refreshed(pilot, app)
            lists = before.get("GET /computers", 0) + polls
            assert ctl.routes() == {**before, "GET /computers": lists}  # only the polls
            # the region form (x then n): each garbage field refused with a reason
            await pilot.press("x")
            await wait_for(
                pilot, lambda: isinstance(app.screen, RegionSelectScreen), "the region screen"
            )
            await pilot.press("n")
            await wait_for(
                pilot, lambda: isinstance(app.screen, RegionFormScreen), "the region form"
            )
            before = ctl.routes()
            for values in (
                ["a", "0", "10", "10"],
                ["0", "0", "0", "0"],
                ["990", "990", "500", "500"],
                ["-1", "0", "5", "5"],
                ["", "", "", ""],
                ["1.5", "2", "3", "4"],
            ):
                for name, value in zip(RegionFormScreen.FIELDS, values, strict=True):
                    app.screen.query_one(f"#region-{name}", Input).value = value
                app.screen.query_one("#region-x", Input).focus()
                await pilot.press("enter")
                assert isinstance(app.screen, RegionFormScreen), values
                assert str(app.screen.query_one("#region-form-error").render()).strip()
            # each enter was handled (its error line is drawn); give a request it started time
            await pump(pilot, 4)
            assert ctl.routes() == before
    finally:
        ctl.close()
