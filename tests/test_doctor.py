"""`miosa-tui doctor`: every section present, the key never printed, problems found and said."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from miosa_tui import cli
from miosa_tui.cli.doctor import collect, osc52_note, render_text, terminal_section
from miosa_tui.sim.server import SimServer

SECRET = "msk_u_doctorsecret_7Q4z"
SECTIONS = ("## Versions", "## Config", "## Backend", "## API check", "## Terminal", "## Problems")


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A clean environment with the config file in tmp_path (returned, not created)."""
    for name in (
        "MIOSA_API_KEY",
        "MIOSA_BASE_URL",
        "MIOSA_TENANT",
        "MIOSA_TUI_PROFILE",
        "TMUX",
        "VTE_VERSION",
    ):
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / "config.toml"
    monkeypatch.setenv("MIOSA_TUI_CONFIG", str(path))
    return path


def doctor(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main(["doctor", *argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def test_report_with_a_key_has_every_section_and_no_secret(
    env: Path, sim: SimServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MIOSA_API_KEY", SECRET)
    monkeypatch.setenv("MIOSA_BASE_URL", sim.base_url)
    code, out, err = doctor(capsys)
    assert code == 0, out
    for heading in SECTIONS:
        assert heading in out
    assert SECRET not in out + err
    assert "msk_u_…7Q4z" in out
    assert "- result: ok" in out and "- status: 200" in out
    assert "- request id: req_" in out
    assert "- textual: 8." in out and "- python: 3." in out
    assert f"- file: {env}" in out and "- exists: no" in out
    assert "- none found" in out


def test_json_report(
    env: Path, sim: SimServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MIOSA_API_KEY", SECRET)
    monkeypatch.setenv("MIOSA_BASE_URL", sim.base_url)
    code, out, _ = doctor(capsys, "--json")
    assert SECRET not in out
    report = json.loads(out)
    assert code == 0
    assert set(report) == {
        "versions",
        "config",
        "backend",
        "api",
        "terminal",
        "problems",
        "warnings",
    }
    assert report["api"]["status"] == 200 and report["api"]["request id"].startswith("req_")
    assert report["api"]["computers visible"] == 12
    assert report["backend"]["api key"] == "msk_u_…7Q4z"
    assert report["problems"] == []
    assert "miosa-tui" in report["versions"] and "textual-image" in report["versions"]


def test_without_a_key_it_checks_the_simulator(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = doctor(capsys, "--json")
    report = json.loads(out)
    assert code == 0
    assert "simulator" in report["backend"]["uses"]
    assert report["api"]["simulator"].startswith("started")
    assert report["api"]["status"] == 200


def test_bad_key_is_a_problem_with_status_and_request_id(
    env: Path, sim: SimServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MIOSA_API_KEY", "wrong_secret_value_123")
    monkeypatch.setenv("MIOSA_BASE_URL", sim.base_url)
    code, out, _ = doctor(capsys)
    assert code == 1
    assert "wrong_secret_value_123" not in out
    assert "- result: FAILED" in out and "- status: 401" in out
    assert "## Problems\n- api: " in out and "req_" in out


def test_unreachable_api_is_reported_not_raised(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MIOSA_API_KEY", SECRET)
    monkeypatch.setenv("MIOSA_BASE_URL", "http://127.0.0.1:9")
    code, out, _ = doctor(capsys, "--timeout", "2")
    assert code == 1 and "no response" in out and SECRET not in out


def test_corrupt_config_is_reported_and_the_rest_still_runs(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env.write_text('theme = "nord"\nread_only = = true\n')
    code, out, _ = doctor(capsys)
    assert code == 1
    assert "- error: The config file" in out and "line 2" in out
    for heading in SECTIONS:
        assert heading in out


def test_key_file_readable_by_others_is_flagged_without_the_key(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env.write_text(f'api_key = "{SECRET}"\n')
    env.chmod(0o644)
    code, out, _ = doctor(capsys)
    assert code == 1
    assert SECRET not in out
    assert "- mode: 0644 (readable by other users)" in out
    assert "chmod 600" in out


def test_terminal_facts_without_a_tty() -> None:
    info = terminal_section({"TERM": "xterm-256color", "COLORTERM": "truecolor"}, tty=False)
    assert info["truecolor"] == "yes"
    assert info["image protocol (auto)"].startswith("not a TTY")
    assert info["tmux"] == "no"


def test_tmux_set_clipboard_is_read_and_advised() -> None:
    calls: list[list[str]] = []

    def fake(values: dict[str, str]):  # type: ignore[no-untyped-def]
        def run(argv: list[str]) -> str | None:
            calls.append(argv)
            if argv[1] == "-V":
                return "tmux 3.3a"
            return values.get(f"{argv[2]} {argv[3]}")

        return run

    env = {"TMUX": "/tmp/tmux-0/default,1,0", "TERM": "tmux-256color"}
    info = terminal_section(env, tty=False, run=fake({"-sv set-clipboard": "external"}))
    assert info["tmux"] == "tmux 3.3a"
    assert info["tmux set-clipboard"].startswith("external")
    assert "set-clipboard on" in info["OSC 52 clipboard"]
    assert ["tmux", "show", "-sv", "set-clipboard"] in calls
    info = terminal_section(env, tty=False, run=fake({"-gv set-clipboard": "on"}))
    assert info["tmux set-clipboard"] == "on (tmux show -gv set-clipboard)"
    assert "forwards" in info["OSC 52 clipboard"]


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"TERM_PROGRAM": "textual"}, "browser"),
        ({"VTE_VERSION": "7200", "TERM": "xterm-256color"}, "unlikely"),
        ({"TERM": "xterm-kitty"}, "likely: kitty"),
        ({"TERM_PROGRAM": "WezTerm"}, "likely: WezTerm"),
        ({"WT_SESSION": "x"}, "Windows Terminal"),
        ({"TERM": "dumb"}, "unknown"),
    ],
)
def test_osc52_notes(env: dict[str, str], expected: str) -> None:
    assert expected in osc52_note(env, None)


def test_tmux_dropping_copies_is_not_reported_as_no_problem(env: Path) -> None:
    """Issue 12: "Problems: none found" right after "tmux ignores OSC 52" was a contradiction."""
    import argparse

    def tmux(argv: list[str]) -> str | None:
        return "tmux 3.3a" if argv[1] == "-V" else "external"

    args = argparse.Namespace(profile=None, demo=True, timeout=5.0)
    environ = {"TMUX": "/tmp/tmux-0/default,1,0", "TERM": "tmux-256color"}
    report = collect(args, {}, environ=environ, tty=False, run=tmux)
    text = render_text(report)
    assert "tmux ignores OSC 52" in text
    problems = text.split("## Problems", 1)[1]
    assert "none found" not in problems
    assert "- warning: copies with y will not reach the clipboard: tmux ignores" in problems
    assert report.problems == []  # a warning: the exit status stays 0
    assert report.as_json()["warnings"] == report.warnings
    quiet = collect(args, {}, environ={"TERM": "xterm-kitty"}, tty=False, run=tmux)
    assert "- none found" in render_text(quiet)
