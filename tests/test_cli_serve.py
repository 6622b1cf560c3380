"""`miosa-tui serve` without a browser: the command each tab runs, the missing-extra message,
and what is handed to textual-serve. The browser itself is driven in test_serve_e2e.py."""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import pytest

from miosa_tui import cli
from miosa_tui.cli.parser import build_parser
from miosa_tui.cli.serve import app_command

if TYPE_CHECKING:
    from aiohttp import web

    from miosa_tui.cli.serve_guard import AccessGuard

TOKEN_ENV = "MIOSA_TUI_SERVE_TOKEN"


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

    def __init__(self, command: str, host: str, port: int, title: str, guard: AccessGuard) -> None:
        self.command, self.host, self.port, self.title = command, host, port, title
        self.guard = guard
        self.served = False
        self.environ = dict(os.environ)  # what the tabs would inherit
        FakeServer.made.append(self)

    def serve(self) -> None:
        self.served = True


@pytest.fixture
def fake_server(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[FakeServer]:
    pytest.importorskip("textual_serve.server", reason="textual-serve is not installed")
    from miosa_tui.cli import serve_guard

    FakeServer.made = []
    monkeypatch.setattr(serve_guard, "GuardedServer", FakeServer)
    monkeypatch.setenv("MIOSA_TUI_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    return FakeServer.made


def probe(token: str | None, host: str = "127.0.0.1:8000") -> web.Request:
    """A GET of the page carrying `token` in its query (the guard's own tests are live)."""
    from aiohttp.test_utils import make_mocked_request  # aiohttp comes with textual-serve

    return make_mocked_request("GET", f"/?token={token}" if token else "/", headers={"Host": host})


def printed_token(out: str) -> str:
    (line,) = [line for line in out.splitlines() if "token=" in line]
    return line.split("token=", 1)[1].split()[0]


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
    assert "http://127.0.0.1:8123/?token=" in captured.out and captured.err == ""
    assert server.guard.loopback_only


def test_each_run_makes_its_own_token_and_prints_the_one_url_with_it(
    fake_server: list[FakeServer], capsys: pytest.CaptureFixture[str]
) -> None:
    tokens = []
    for _ in range(2):
        assert cli.main(["serve", "--demo"]) == 0
        out = capsys.readouterr().out
        token = printed_token(out)
        assert out.count(token) == 1 and len(token) == 43  # token_urlsafe(32)
        tokens.append(token)
    assert tokens[0] != tokens[1]
    for server, token in zip(fake_server, tokens, strict=True):
        assert token not in server.command and token not in repr(server.guard)
        assert server.guard.refusal(probe(token)) is None
        assert server.guard.refusal(probe(token[:-1] + "x"))


def test_a_token_set_by_option_or_environment_is_used_but_not_printed(
    fake_server: list[FakeServer],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    by_option, by_env = "option-token-0123456789", "env-token-0123456789abc"
    monkeypatch.setenv(TOKEN_ENV, by_env)
    assert cli.main(["serve", "--token", by_option]) == 0
    monkeypatch.setenv(TOKEN_ENV, by_env)
    assert cli.main(["serve"]) == 0
    out = capsys.readouterr().out
    assert by_option not in out and by_env not in out and "<the token you set>" in out
    first, second = fake_server
    assert first.guard.refusal(probe(by_option)) is None
    assert second.guard.refusal(probe(by_env)) is None
    assert second.guard.refusal(probe(by_option))
    # The tabs inherit serve's environment: the variable is gone from it before they start.
    assert TOKEN_ENV not in second.environ and by_env not in second.command


@pytest.mark.parametrize("token", ["short-token", "has space in it 0123456789", "é" * 20])
def test_a_weak_or_unquotable_token_is_refused(
    fake_server: list[FakeServer], capsys: pytest.CaptureFixture[str], token: str
) -> None:
    assert cli.main(["serve", "--token", token]) == 2
    err = capsys.readouterr().err
    assert fake_server == [] and err.count("\n") == 1 and "at least 16" in err
    assert token not in err


def test_a_public_host_is_refused_without_allow_remote(
    fake_server: list[FakeServer], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["serve", "--host", "0.0.0.0", "--demo"]) == 2
    captured = capsys.readouterr()
    assert fake_server == [] and captured.out == ""
    assert captured.err.count("\n") == 1 and captured.err.count(". ") == 0  # one sentence
    assert "--allow-remote" in captured.err and "API key" in captured.err


@pytest.mark.parametrize("flag", ["--allow-remote", "--read-only"])
def test_a_public_host_serves_with_allow_remote_or_read_only_and_still_needs_the_token(
    fake_server: list[FakeServer], capsys: pytest.CaptureFixture[str], flag: str
) -> None:
    assert cli.main(["serve", "--host", "0.0.0.0", flag]) == 0
    (server,) = fake_server
    captured = capsys.readouterr()
    assert "in clear" in captured.err
    assert not server.guard.loopback_only
    assert server.guard.refusal(probe(None, "203.0.113.9:8000"))
    token = printed_token(captured.out)
    allowed = probe(token, "203.0.113.9:8000")
    assert server.guard.refusal(allowed) is None


def test_loopback_with_allow_remote_answers_a_proxy_host_name(
    fake_server: list[FakeServer], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["serve", "--allow-remote"]) == 0
    (server,) = fake_server
    assert capsys.readouterr().err == ""
    assert not server.guard.loopback_only


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
