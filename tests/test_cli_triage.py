"""`miosa-tui journal` and `miosa-tui ls --problems` end to end against the simulator, and the
history rows of the CLI's own actions (cli/triage.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from miosa_tui import cli
from miosa_tui.fleet.history import History, HistoryEvent, default_path, scope_for
from miosa_tui.sim.server import SimServer

API_KEY = "msk_u_test_triage_0001"
Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> Callable[[SimServer], Run]:
    """run(sim)("ls", "--json") -> (exit code, stdout, stderr), the env aimed at `sim`."""
    for name in ("MIOSA_TENANT", "MIOSA_TUI_READ_ONLY", "MIOSA_TUI_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MIOSA_API_KEY", API_KEY)
    monkeypatch.setenv("MIOSA_TUI_CONFIG", str(tmp_path / "config.toml"))

    def aim(sim: SimServer) -> Run:
        monkeypatch.setenv("MIOSA_BASE_URL", sim.base_url)

        def invoke(*argv: str) -> tuple[int, str, str]:
            capsys.readouterr()
            code = cli.main(list(argv))
            out, err = capsys.readouterr()
            assert "Traceback" not in err, err
            return code, out, err

        return invoke

    return aim


def control(sim: SimServer, method: str, path: str, **kwargs: Any) -> Any:
    response = httpx.request(method, f"{sim.root_url}/_sim{path}", timeout=10, **kwargs)
    response.raise_for_status()
    return response.json()


def fleet(sim: SimServer) -> list[dict[str, str]]:
    data: list[dict[str, str]] = control(sim, "GET", "/computers")["data"]
    return data


def first(sim: SimServer, status: str) -> dict[str, str]:
    return next(c for c in fleet(sim) if c["status"] == status)


def test_ls_problems_lists_error_and_stuck_computers_and_exits_0(
    sim_factory: Callable[..., SimServer], run: Callable[[SimServer], Run]
) -> None:
    # The simulator's clock is frozen three days ago, so a status forced now "began" then.
    sim = sim_factory(frozen_time=(datetime.now(UTC) - timedelta(days=3)).isoformat())
    invoke = run(sim)
    running = [c for c in fleet(sim) if c["status"] == "running"]
    broken, stuck = running[0], running[1]
    control(sim, "POST", f"/computers/{broken['id']}/status", json={"status": "error"})
    control(sim, "POST", f"/computers/{stuck['id']}/status", json={"status": "stopping"})
    code, out, err = invoke("ls", "--problems", "--json")
    assert code == 0 and err == ""
    problems = {p["id"]: p for p in json.loads(out)}
    assert problems[broken["id"]]["problem"] == "error"
    assert problems[broken["id"]]["reason"] == "The API reports it as error and gives no reason."
    assert problems[stuck["id"]]["problem"] == "stuck"
    assert problems[stuck["id"]]["for_seconds"] >= 3 * 86400 - 60
    assert all(
        p["status"] in ("error", "stopping", "starting", "creating") for p in problems.values()
    )
    code, out, _ = invoke("ls", "--problems")
    assert code == 0
    assert out.splitlines()[0].split() == ["NAME", "ID", "STATUS", "PROBLEM", "FOR", "WHY"]
    assert broken["name"] in out and "Still stopping after 3d" in out


def test_ls_problems_with_none_says_so_and_exits_0(
    sim: SimServer, run: Callable[[SimServer], Run]
) -> None:
    invoke = run(sim)
    code, out, _ = invoke("ls", "--problems", "--status", "stopped")
    stopped = sum(1 for c in fleet(sim) if c["status"] == "stopped")
    assert (code, out) == (0, f"No problems among {stopped} computers.\n")
    code, out, _ = invoke("ls", "--problems", "--status", "stopped", "--json")
    assert (code, json.loads(out)) == (0, [])


def test_cli_actions_are_in_the_journal_with_outcome_and_request_id(
    sim: SimServer, run: Callable[[SimServer], Run]
) -> None:
    invoke = run(sim)
    target = first(sim, "running")
    stopped = first(sim, "stopped")
    assert invoke("stop", target["name"])[0] == 0  # by name: the row has the id as well
    code, _, err = invoke("restart", stopped["id"])  # refused by the API: 409
    assert code == 1
    request_id = err.split("[request ")[1].split("]")[0]
    assert invoke("destroy", stopped["id"])[0] == 2  # no --yes: nothing sent, nothing recorded
    assert invoke("get", "no-such-computer")[0] == 1
    code, out, _ = invoke("journal", "--json")
    rows = json.loads(out)
    assert [(r["id"], r["action"], r["outcome"], r["source"]) for r in rows] == [
        (target["id"], "stop", "sent", "cli"),
        (stopped["id"], "restart", "refused", "cli"),
    ]
    assert rows[1]["request_id"] == request_id
    assert rows[0]["scope"] == scope_for(sim.base_url)
    code, out, _ = invoke("journal", stopped["name"])
    assert code == 0 and len(out.splitlines()) == 1
    assert "restart refused" in out and request_id in out and "(cli)" in out
    # ... and a refusal is not a failure of the computer: it is no problem.
    code, out, _ = invoke("ls", "--problems", "--json")
    assert code == 0 and stopped["id"] not in {p["id"] for p in json.loads(out)}


def test_journal_since_markdown_and_offline(
    sim: SimServer, run: Callable[[SimServer], Run]
) -> None:
    invoke = run(sim)
    scope = scope_for(sim.base_url)
    history = History.open()
    now = datetime.now(UTC)
    history.write(
        [
            HistoryEvent(
                now - timedelta(hours=3), "action", "comp_old", "old-box", "stop", "ok", scope=scope
            ),
            HistoryEvent(
                now - timedelta(minutes=5),
                "status",
                "comp_x",
                "evil|name <img src=x>\x1b[31m",
                "status",
                None,
                "running",
                "error",
                "disk *full* [see](http://x)",
                scope=scope,
            ),
            HistoryEvent(now, "action", "comp_y", "other-api", "stop", "ok", scope="elsewhere"),
        ]
    )
    history.close()
    sim.stop()  # the API is gone: the journal still answers
    code, out, _ = invoke("journal", "--since", "2h", "--json")
    assert code == 0 and [r["id"] for r in json.loads(out)] == ["comp_x"]
    code, out, _ = invoke("journal")
    assert code == 0 and len(out.splitlines()) == 2  # the other API's row is not shown
    assert "\x1b" not in out and "\\u001b[31m" in out
    code, out, _ = invoke("journal", "--all-scopes")
    assert len(out.splitlines()) == 3 and "[elsewhere]" in out
    code, out, _ = invoke("journal", "comp_x", "--markdown")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "# Incident timeline: comp\\_x"
    assert "| Time (UTC) | Computer | Event | Details | Request id | By |" in lines
    row = next(line for line in lines if line.startswith("| 20"))
    # (the backslash of the visible escape is itself escaped, so Markdown shows \u001b)
    assert "evil\\|name &lt;img src=x>\\\\u001b\\[31m" in row
    assert "disk \\*full\\* \\[see\\](http://x)" in row and "running → error" in row
    assert row.count(" | ") == 5  # the name's | did not add a column
    # every computer asked about has a summary row, one without events too
    code, out, _ = invoke("journal", "comp_x", "comp_quiet", "--markdown")
    assert code == 0 and "| comp\\_quiet | no events recorded | 0 | 0 |" in out
    assert "evil\\|name" in out
    code, out, _ = invoke("journal", "comp_quiet", "--markdown")
    assert code == 0 and "| comp\\_quiet | no events recorded | 0 | 0 |" in out
    assert "No actions or status changes were recorded" in out
    code, out, err = invoke("journal", "--since", "soon")
    assert code == 2 and "use a duration such as 30m" in err
    code, out, _ = invoke("journal", "nobody", "--since", "1h")
    assert (code, out) == (0, "No history for nobody since 1h.\n")


def test_a_corrupt_history_is_one_sentence_and_the_cli_keeps_working(
    sim: SimServer, run: Callable[[SimServer], Run]
) -> None:
    invoke = run(sim)
    path = default_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    garbage = b"\x00garbage, not SQLite" * 100
    path.write_bytes(garbage)
    code, out, err = invoke("stop", first(sim, "running")["id"])
    assert code == 0 and out.startswith("stop: ")
    assert err.count("\n") == 1 and err.startswith(f"miosa-tui: The history file {path} was")
    kept = [p for p in path.parent.iterdir() if ".corrupt-" in p.name and p.suffix != ".lock"]
    assert [p.read_bytes() for p in kept if not p.name.endswith(("-wal", "-shm"))] == [garbage]
    code, out, err = invoke("journal", "--json")  # the new history holds the stop
    assert code == 0 and err == "" and [r["action"] for r in json.loads(out)] == ["stop"]


def test_a_fresh_demo_fleet_has_no_computer_stuck_for_days(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`ls --demo --problems` on a fresh simulated fleet: a computer the simulator seeded while
    starting (it finishes within seconds) is not "Still starting after 11d06h"."""
    monkeypatch.delenv("MIOSA_API_KEY", raising=False)
    monkeypatch.setenv("MIOSA_TUI_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("MIOSA_TUI_CONFIG", str(tmp_path / "config.toml"))
    code = cli.main(["--fleet", "300", "ls", "--demo", "--problems", "--json"])
    out = capsys.readouterr().out
    assert code == 0
    problems = json.loads(out)
    assert any(p["problem"] == "error" for p in problems), "the seeded error is listed"
    stuck = [p for p in problems if p["problem"] == "stuck"]
    assert stuck == [], stuck
