"""The headless commands end to end: `cli.main([...])` against a real simulator over HTTP.

The environment points the CLI at the `sim` fixture (MIOSA_BASE_URL + a test key), exactly as a
user's shell would; stdout/stderr are captured. Every test also checks that nothing on stderr is
a traceback, and the simulator's own request log says what was (or was not) sent.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

from miosa_tui import __version__, cli
from miosa_tui.cli.output import COMPUTER_KEYS
from miosa_tui.sim.server import SimServer

API_KEY = "msk_u_test_0000"
Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(
    sim: SimServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> Run:
    """run("ls", "--json") -> (exit code, stdout, stderr), with the env aimed at `sim`."""
    for name in ("MIOSA_TENANT", "MIOSA_TUI_READ_ONLY", "MIOSA_TUI_PROFILE", "MIOSA_TUI_THEME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MIOSA_BASE_URL", sim.base_url)
    monkeypatch.setenv("MIOSA_API_KEY", API_KEY)
    monkeypatch.setenv("MIOSA_TUI_CONFIG", str(tmp_path / "config.toml"))

    def invoke(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = cli.main(list(argv))
        out, err = capsys.readouterr()
        assert "Traceback" not in err, err
        return code, out, err

    return invoke


def control(sim: SimServer, method: str, path: str, **kwargs: Any) -> Any:
    response = httpx.request(method, f"{sim.root_url}/_sim{path}", timeout=10, **kwargs)
    response.raise_for_status()
    return response.json()


def stats(sim: SimServer) -> dict[str, int]:
    routes: dict[str, int] = control(sim, "GET", "/stats")["routes"]
    return routes


def reset(sim: SimServer) -> None:
    control(sim, "POST", "/stats/reset")


def mutations(sim: SimServer) -> dict[str, int]:
    return {
        route: n
        for route, n in stats(sim).items()
        if route.split(" ", 1)[0] in ("POST", "PATCH", "PUT", "DELETE")
    }


def fleet(run: Run) -> list[dict[str, Any]]:
    code, out, _ = run("ls", "--json")
    assert code == 0
    computers: list[dict[str, Any]] = json.loads(out)
    return computers


def first(run: Run, status: str) -> dict[str, Any]:
    return next(c for c in fleet(run) if c["status"] == status)


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("miosa-tui: "), err
    return lines[0]


# -- reading ------------------------------------------------------------------------------------


def test_ls_json_has_the_stable_keys(run: Run) -> None:
    computers = fleet(run)
    assert len(computers) == 12
    for computer in computers:
        assert tuple(computer) == COMPUTER_KEYS
    assert len({c["id"] for c in computers}) == 12


def test_ls_text_is_a_table_and_status_filters(run: Run) -> None:
    code, out, err = run("ls")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["ID", "NAME", "STATUS"]
    assert len(lines) == 2 + 12
    code, out, _ = run("ls", "--status", "running", "--json")
    running = json.loads(out)
    assert code == 0 and running
    assert {c["status"] for c in running} == {"running"}


def test_get_by_id_and_by_name(run: Run) -> None:
    target = fleet(run)[3]
    code, out, _ = run("get", target["id"], "--json")
    assert code == 0 and json.loads(out)["id"] == target["id"]
    code, out, _ = run("get", target["name"], "--json")
    assert code == 0 and json.loads(out)["id"] == target["id"]
    code, out, _ = run("get", target["name"])
    assert code == 0 and target["id"] in out and target["name"] in out


def test_get_unknown_is_one_line_and_exit_1(run: Run) -> None:
    code, out, err = run("get", "no-such-computer")
    assert code == 1 and out == ""
    assert "no-such-computer" in one_line(err)


# -- lifecycle ----------------------------------------------------------------------------------


def test_start_wait_stop_wait_restart_wait(run: Run, sim: SimServer) -> None:
    target = first(run, "stopped")
    reset(sim)
    code, out, _ = run("start", target["id"], "--wait", "--json")
    assert code == 0 and json.loads(out)["status"] == "running"
    code, out, _ = run("stop", target["id"], "--wait", "--json")
    assert code == 0 and json.loads(out)["status"] == "stopped"
    code, out, _ = run("start", target["id"], "--wait")
    assert code == 0 and "running" in out
    code, out, _ = run("restart", target["id"], "--wait", "--json")
    assert code == 0 and json.loads(out)["status"] == "running"
    assert mutations(sim) == {
        "POST /computers/{id}/start": 2,
        "POST /computers/{id}/stop": 1,
        "POST /computers/{id}/restart": 1,
    }


def test_start_without_wait_reports_the_transitional_status(run: Run) -> None:
    target = first(run, "stopped")
    code, out, _ = run("start", target["id"], "--json")
    assert code == 0 and json.loads(out)["status"] in ("starting", "running")


def test_wait_running_and_stopped(run: Run, sim: SimServer) -> None:
    target = first(run, "stopped")
    code, out, _ = run("wait", target["id"], "stopped", "--json")
    assert code == 0 and json.loads(out)["status"] == "stopped"
    run("start", target["id"])
    code, out, _ = run("wait", target["id"], "running", "--timeout", "30")
    assert code == 0 and "running" in out


def test_invalid_transition_is_one_line(run: Run) -> None:
    target = first(run, "running")
    code, _, err = run("start", target["id"])
    assert code == 1
    assert "409" in one_line(err) or "INVALID_STATE" in err


def test_destroy_needs_yes_and_sends_nothing_without_it(run: Run, sim: SimServer) -> None:
    target = first(run, "stopped")
    reset(sim)
    code, out, err = run("destroy", target["id"])
    assert code == 2 and out == ""
    assert "--yes" in one_line(err)
    assert mutations(sim) == {}
    code, out, _ = run("destroy", target["id"], "--yes", "--json")
    assert code == 0 and json.loads(out) == {"id": target["id"], "destroyed": True}
    assert mutations(sim) == {"DELETE /computers/{id}": 1}


def test_clone_resize_move(run: Run, sim: SimServer) -> None:
    target = first(run, "stopped")
    code, out, _ = run("clone", target["id"], "--name", "cli-clone", "--json")
    clone = json.loads(out)
    assert code == 0 and clone["name"] == "cli-clone" and clone["id"] != target["id"]
    assert any(c["id"] == clone["id"] for c in fleet(run))

    size = "xl" if target["size"] != "xl" else "small"
    code, out, _ = run("resize", target["id"], "--size", size, "--json")
    assert code == 0 and json.loads(out)["size"] == size

    run("wait", target["id"], "stopped", "--timeout", "30")
    region = "eu-fra" if target["region"] != "eu-fra" else "us-mia"
    code, out, _ = run("move", target["id"], "--region", region, "--json")
    assert code == 0 and json.loads(out)["region"] == region
    assert json.loads(run("get", target["id"], "--json")[1])["region"] == region


def test_create(run: Run) -> None:
    code, out, _ = run("create", "--name", "made-by-cli", "--size", "small", "--json")
    assert code == 0 and json.loads(out)["name"] == "made-by-cli"
    assert any(c["name"] == "made-by-cli" for c in fleet(run))


# -- access ---------------------------------------------------------------------------------------


def test_apps_and_urls(run: Run) -> None:
    target = first(run, "running")
    code, out, _ = run("apps", target["id"], "--json")
    apps = json.loads(out)
    assert code == 0 and apps and all(set(a) == {"name", "title"} for a in apps)
    code, out, _ = run("urls", target["id"], "--json")
    urls = json.loads(out)
    assert code == 0 and urls and all(set(u) == {"name", "url", "port"} for u in urls)
    assert all(u["url"].startswith("http") for u in urls)
    code, out, _ = run("urls", target["id"])
    assert code == 0 and out.splitlines()[0].split() == ["NAME", "URL"]


def test_vnc_is_masked_unless_revealed(run: Run, sim: SimServer) -> None:
    target = first(run, "running")
    real = httpx.get(
        f"{sim.base_url}/computers/{target['id']}/vnc-credentials",
        headers={"Authorization": f"Bearer {API_KEY}"},
    ).json()["password"]
    assert real
    code, out, _ = run("vnc", target["id"], "--json")
    masked = json.loads(out)
    assert code == 0 and masked["password"] != real and set(masked["password"]) == {"•"}
    code, out, _ = run("vnc", target["id"])
    assert code == 0 and real not in out
    code, out, _ = run("vnc", target["id"], "--reveal", "--json")
    assert code == 0 and json.loads(out)["password"] == real


def test_token(run: Run) -> None:
    target = first(run, "running")
    code, out, _ = run("token", target["id"], "--json")
    token = json.loads(out)
    assert code == 0 and token["token"] and isinstance(token["expires_at"], (int, float))
    code, out, _ = run("token", target["id"])
    assert code == 0 and "expires in" in out


def test_preview_and_public_url(run: Run, sim: SimServer) -> None:
    target = first(run, "running")
    code, out, _ = run("preview-url", target["id"], "3000", "--json")
    data = json.loads(out)
    assert code == 0 and data["port"] == 3000 and data["url"].startswith("https://3000-")
    code, out, _ = run("public-url", target["id"])
    assert code == 0 and out.strip().startswith("https://")
    reset(sim)
    for bad in ("0", "65536", "http", "-1"):
        code, out, err = run("preview-url", target["id"], bad)
        assert code == 2 and out == ""
        assert "Port" in one_line(err)
    assert stats(sim) == {}  # refused before any request


def test_screenshot_full_and_region(run: Run, tmp_path: Path) -> None:
    target = first(run, "running")
    full = tmp_path / "full.png"
    code, out, _ = run("screenshot", target["id"], "-o", str(full), "--json")
    assert code == 0 and json.loads(out) == {"path": str(full), "width": 1280, "height": 800}
    with Image.open(full) as image:
        assert image.size == (1280, 800)
    part = tmp_path / "part.png"
    code, out, _ = run("screenshot", target["id"], "--region", "0,0,500,250", "-o", str(part))
    assert code == 0 and "640x200" in out
    with Image.open(part) as image:
        assert image.size == (640, 200)


def test_bad_region_is_refused_before_any_request(run: Run, sim: SimServer, tmp_path: Path) -> None:
    target = first(run, "running")
    reset(sim)
    for bad in ("0,0,0,10", "1,2,3", "900,900,200,200", "a,b,c,d"):
        out_file = tmp_path / "never.png"
        code, out, err = run("screenshot", target["id"], "--region", bad, "-o", str(out_file))
        assert code == 2 and out == ""
        assert "--region" in one_line(err)
        assert not out_file.exists()
    assert stats(sim) == {}


# -- errors and modes ---------------------------------------------------------------------------


def test_bad_key_is_one_line_non_zero(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIOSA_API_KEY", "not-a-key")
    code, out, err = run("ls")
    assert code == 1 and out == ""
    line = one_line(err)
    assert "401" in line and "not-a-key" not in line


def test_unreachable_api_is_one_line(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIOSA_BASE_URL", "http://127.0.0.1:9")
    code, _, err = run("get", "x")
    assert code == 1 and "connect" in one_line(err).lower()


@pytest.mark.parametrize(
    "argv",
    [
        ("--read-only", "stop", "ID"),
        ("stop", "ID", "--read-only"),
        ("--read-only", "destroy", "ID", "--yes"),
        ("restart", "ID", "--read-only"),
        ("clone", "ID", "--read-only"),
        ("resize", "ID", "--size", "xl", "--read-only"),
        ("move", "ID", "--region", "us-mia", "--read-only"),
        ("create", "--name", "x", "--read-only"),
    ],
)
def test_read_only_refuses_mutating_commands(
    run: Run, sim: SimServer, argv: tuple[str, ...]
) -> None:
    target = first(run, "running")
    reset(sim)
    code, out, err = run(*(target["id"] if a == "ID" else a for a in argv))
    assert code == 2 and out == ""
    assert "read-only" in one_line(err)
    assert stats(sim) == {}


def test_read_only_still_reads_and_issues_stream_tokens(run: Run, sim: SimServer) -> None:
    target = first(run, "running")
    for argv in (("get", target["id"]), ("vnc", target["id"]), ("token", target["id"])):
        code, out, _ = run(*argv, "--read-only", "--json")
        assert code == 0 and json.loads(out)
    assert mutations(sim) == {"POST /computers/{id}/stream-token": 1}


def test_read_only_from_the_environment(
    run: Run, sim: SimServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MIOSA_TUI_READ_ONLY", "1")
    target = first(run, "running")
    code, _, err = run("stop", target["id"])
    assert code == 2 and "read-only" in err
    code, out, _ = run("get", target["id"], "--json")  # reading still works
    assert code == 0 and json.loads(out)["id"] == target["id"]


def test_demo_flag_before_or_after_the_command(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MIOSA_API_KEY")
    monkeypatch.delenv("MIOSA_BASE_URL")
    code, _, err = run("ls")
    assert code == 2 and "no API key" in one_line(err)
    for argv in (("--demo", "ls", "--json"), ("ls", "--demo", "--json")):
        code, out, _ = run(*argv)
        assert code == 0 and len(json.loads(out)) == 12


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"miosa-tui {__version__}"


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["resize", "ID"])  # --size is required
    assert exit_info.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_a_reader_that_stops_early_gets_no_broken_pipe_error(
    sim_factory: Callable[..., SimServer], tmp_path: Path
) -> None:
    """`miosa-tui ls | head -1` printed "miosa-tui: Broken pipe" and exited 1; a reader that has
    read enough is not an error. (2,000 computers: more output than a pipe holds.)"""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("MIOSA")}
    env |= {
        "MIOSA_BASE_URL": sim_factory(fleet=2000).base_url,
        "MIOSA_API_KEY": API_KEY,
        "MIOSA_TUI_CONFIG": str(tmp_path / "config.toml"),
        "MIOSA_TUI_STATE_DIR": str(tmp_path / "state"),
    }
    child = subprocess.Popen(
        [sys.executable, "-m", "miosa_tui", "ls"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert child.stdout is not None and child.stderr is not None
    assert child.stdout.readline().startswith(b"ID ")
    child.stdout.close()  # like `head -1`: the pipe is gone while the output is still coming
    err = child.stderr.read().decode()
    code = child.wait(timeout=60)
    assert "Broken pipe" not in err, err
    assert "Traceback" not in err, err
    assert code == 0, (code, err)
