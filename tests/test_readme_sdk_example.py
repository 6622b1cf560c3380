"""README's "Testing your own automation against `miosa-tui sim`" example, run as written.

The Python block is taken from README.md and executed with the official SDK against a started
simulator, configured the way the README says (MIOSA_BASE_URL and MIOSA_API_KEY), so the example
cannot drift from what works.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from miosa_tui.cli.parser import build_parser
from miosa_tui.sim.server import SimServer

README = Path(__file__).resolve().parent.parent / "README.md"
HEADING = "## Testing your own automation against `miosa-tui sim`"


def section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(HEADING)
    end = text.find("\n## ", start + len(HEADING))
    return text[start : end if end != -1 else len(text)]


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", section(), flags=re.S)


def test_the_section_follows_the_simulator_section() -> None:
    text = README.read_text(encoding="utf-8")
    headings = re.findall(r"^## .*$", text, flags=re.M)
    assert headings[headings.index("## The simulator and the real API") + 1] == HEADING


def test_the_shell_lines_match_what_miosa_tui_sim_prints() -> None:
    [shell] = blocks("sh")
    args = build_parser().parse_args(["sim"])
    root = f"http://{args.host}:{args.port}"
    # cli._run_sim prints exactly this export line for the default host and port
    assert f"export MIOSA_BASE_URL={root}/api/v1 MIOSA_API_KEY=msk_sim_local" in shell
    assert "miosa-tui sim --fleet 50 --speed 10" in shell
    parsed = build_parser().parse_args(["sim", "--fleet", "50", "--speed", "10"])
    assert (parsed.fleet, parsed.speed) == (50, 10.0)


def test_the_python_example_runs_against_the_simulator(
    sim: SimServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    [code] = blocks("python")
    monkeypatch.delenv("MIOSA_ACCESS_TOKEN", raising=False)
    monkeypatch.delenv("MIOSA_TENANT", raising=False)
    monkeypatch.setenv("MIOSA_BASE_URL", sim.base_url)
    monkeypatch.setenv("MIOSA_API_KEY", "msk_sim_local")
    monkeypatch.chdir(tmp_path)
    httpx.post(sim.root_url + "/_sim/stats/reset")

    exec(compile(code, str(README), "exec"), {"__name__": "__main__"})

    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "12 computers"
    name = re.fullmatch(r"(\S+) is running; saved (\d+) bytes of PNG", lines[1])
    assert name is not None, lines
    assert lines[2] == (
        f"refused: 409 INVALID_STATE: computer {name[1]} is running; stop it before moving it"
    )
    assert re.fullmatch(rf"cloned as {re.escape(name[1])}-copy \(comp_[0-9a-f]+\)", lines[3])
    png = (tmp_path / "corner.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) == int(name[2])
    routes = httpx.get(sim.root_url + "/_sim/stats").json()["routes"]
    for route in (
        "GET /computers",
        "POST /computers/{id}/start",
        "POST /computers/{id}/desktop/screenshot/region",
        "POST /computers/{id}/move",
        "POST /computers/{id}/clone",
        "DELETE /computers/{id}",
        "POST /computers/{id}/stop",
    ):
        assert routes.get(route) == 1, (route, routes)
