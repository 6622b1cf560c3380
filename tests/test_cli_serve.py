"""`miosa-tui serve` without a browser: the command each tab runs, the missing-extra message,
and what is handed to textual-serve. The browser itself is driven in test_serve_e2e.py."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import ClassVar

import pytest

from miosa_tui import cli
from miosa_tui.cli.parser import build_parser
from miosa_tui.cli.serve import app_command


def command_for(*argv: str) -> list[str]:
    return app_command(build_parser().parse_args(["serve", *argv]), python="PY")


def test_the_app_command_carries_the_options_and_forces_halfcell() -> None:
    argv = command_for(
        "--demo",
        "--read-only",
        "--profile",
        "prod",
        "--tenant",
        "acme",
        "--base-url",
        "https://api.example.com",
        "--poll-interval",
        "2",
        "--theme",
        "nord",
        "--fleet",
        "40",
        "--seed",
        "3",
        "--speed",
        "2.5",
    )
    assert argv[:3] == ["PY", "-m", "miosa_tui"]
    assert argv[-2:] == ["--image-renderer", "halfcell"]
    parsed = build_parser().parse_args(argv[3:])
    assert parsed.command is None  # the dashboard
    assert parsed.demo and parsed.read_only
    assert (parsed.profile, parsed.tenant, parsed.base_url) == (
        "prod",
        "acme",
        "https://api.example.com",
    )
    assert (parsed.poll_interval, parsed.theme) == (2.0, "nord")
    assert (parsed.fleet, parsed.seed, parsed.speed) == (40, 3, 2.5)
    assert parsed.image_renderer == "halfcell"


def test_options_before_serve_count_too_and_defaults_stay_out() -> None:
    args = build_parser().parse_args(["--demo", "--read-only", "serve"])
    assert app_command(args, python="PY") == [
        "PY",
        "-m",
        "miosa_tui",
        "--demo",
        "--read-only",
        "--image-renderer",
        "halfcell",
    ]
    assert command_for() == ["PY", "-m", "miosa_tui", "--image-renderer", "halfcell"]


def test_the_key_never_goes_on_the_command_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIOSA_API_KEY", "msk_u_serve_secret_1")
    assert "msk_u_serve_secret_1" not in " ".join(command_for("--profile", "x"))


def test_missing_textual_serve_is_one_sentence_with_the_pip_command(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("MIOSA_TUI_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setitem(sys.modules, "textual_serve", None)
    monkeypatch.setitem(sys.modules, "textual_serve.server", None)
    assert cli.main(["serve", "--demo"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "pip install 'miosa-tui[web]'" in err and "textual-serve" in err


class FakeServer:
    made: ClassVar[list[FakeServer]] = []

    def __init__(self, command: str, host: str, port: int, title: str) -> None:
        self.command, self.host, self.port, self.title = command, host, port, title
        self.served = False
        FakeServer.made.append(self)

    def serve(self) -> None:
        self.served = True


@pytest.fixture
def fake_server(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[FakeServer]:
    pytest.importorskip("textual_serve.server", reason="textual-serve is not installed")
    import textual_serve.server

    FakeServer.made = []
    monkeypatch.setattr(textual_serve.server, "Server", FakeServer)
    monkeypatch.setenv("MIOSA_TUI_CONFIG", str(tmp_path / "none.toml"))
    return FakeServer.made


def test_serve_hands_the_command_to_textual_serve(
    fake_server: list[FakeServer], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["serve", "--demo", "--port", "8123"]) == 0
    (server,) = fake_server
    assert server.served and (server.host, server.port) == ("127.0.0.1", 8123)
    assert shlex.split(server.command)[1:] == [
        "-m",
        "miosa_tui",
        "--demo",
        "--image-renderer",
        "halfcell",
    ]
    captured = capsys.readouterr()
    assert "http://127.0.0.1:8123" in captured.out and captured.err == ""


def test_a_public_host_gets_a_warning(
    fake_server: list[FakeServer], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["serve", "--host", "0.0.0.0", "--demo"]) == 0
    assert "no login" in capsys.readouterr().err


def test_a_bad_port_is_refused(
    fake_server: list[FakeServer], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["serve", "--port", "70000"]) == 2
    assert fake_server == [] and "--port" in capsys.readouterr().err


def test_a_broken_config_stops_serve_before_it_starts(
    fake_server: list[FakeServer],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("theme = \n")
    monkeypatch.setenv("MIOSA_TUI_CONFIG", str(path))
    assert cli.main(["serve"]) == 2
    assert fake_server == [] and "line 1" in capsys.readouterr().err
