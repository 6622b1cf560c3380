"""CLI names: the shared name rule before any request, and a name that matches two computers.

`cli.main([...])` against a real simulator over HTTP (the `run` fixture of test_cli.py); the
simulator's request counters say what was (or was not) sent.
"""

from __future__ import annotations

import json
import re

import pytest
from test_cli import Run, control, first, fleet, mutations, reset, run, stats

from miosa_tui.fleet.actions import validate_name
from miosa_tui.sim.server import SimServer

__all__ = ["run"]  # the fixture, imported for pytest


def total_requests(sim: SimServer) -> int:
    return sum(stats(sim).values())


@pytest.mark.parametrize(
    ("argv", "name"),
    [
        (("create", "--name", "Bad Name"), "Bad Name"),
        (("create", "--name", "web_1"), "web_1"),
        (("create", "--name", "x" * 64), "x" * 64),
        (("create", "--name", "web\x1b[2J"), "web\x1b[2J"),
        (("clone", "{id}", "--name", "Bad Name"), "Bad Name"),
        (("clone", "{id}", "--name", "web-"), "web-"),
        (("rename", "{id}", "--name", ""), ""),
        (("rename", "{id}", "--name", "Web-1"), "Web-1"),
    ],
)
def test_a_bad_name_is_refused_before_any_request(
    run: Run, sim: SimServer, argv: tuple[str, ...], name: str
) -> None:
    target = first(run, "running")
    reset(sim)
    code, out, err = run(*(a.format(id=target["id"]) for a in argv))
    sentence = validate_name(name)
    assert sentence is not None
    assert code == 2 and out == ""
    assert err == f"miosa-tui: {sentence}\n"
    assert total_requests(sim) == 0


def test_the_issues_example_says_what_the_dashboard_says(run: Run, sim: SimServer) -> None:
    target = first(run, "running")
    code, _, err = run("clone", target["id"], "--name", "Bad Name")
    assert (code, err) == (2, "miosa-tui: Name must start with a lowercase letter.\n")


def test_rename_and_a_named_clone(run: Run, sim: SimServer) -> None:
    target = first(run, "running")
    code, out, _ = run("rename", target["id"], "--name", " renamed-box ", "--json")
    assert code == 0 and json.loads(out)["name"] == "renamed-box"
    assert control(sim, "GET", f"/computers/{target['id']}")["name"] == "renamed-box"
    code, out, _ = run("clone", "renamed-box", "--name", "copy-1", "--json")
    assert code == 0 and json.loads(out)["name"] == "copy-1"


def test_the_default_clone_name_fits_the_rule(run: Run, sim: SimServer) -> None:
    target = first(run, "running")
    long_name = "a" * 60
    assert run("rename", target["id"], "--name", long_name)[0] == 0
    code, out, _ = run("clone", target["id"], "--json")
    name = json.loads(out)["name"]
    assert code == 0 and validate_name(name) is None
    assert name == "a" * 57 + "-clone"


def twins(run: Run) -> list[dict[str, str]]:
    """Two computers named `twin` (the simulator, like the real API may, allows it)."""
    made = []
    for _ in range(2):
        code, out, _ = run("create", "--name", "twin", "--json")
        assert code == 0
        made.append(json.loads(out))
    assert made[0]["id"] != made[1]["id"]
    return made


@pytest.mark.parametrize(
    "argv",
    [
        ("get", "twin"),
        ("stop", "twin"),
        ("start", "twin"),
        ("restart", "twin"),
        ("destroy", "twin", "--yes"),
        ("clone", "twin"),
        ("rename", "twin", "--name", "solo"),
        ("resize", "twin", "--size", "xl"),
        ("move", "twin", "--region", "eu-fra"),
        ("apps", "twin"),
        ("urls", "twin"),
        ("vnc", "twin"),
        ("token", "twin"),
        ("preview-url", "twin", "3000"),
        ("public-url", "twin"),
        ("wait", "twin", "running", "--timeout", "5"),
    ],
)
def test_a_name_shared_by_two_computers_is_refused_listing_both(
    run: Run, sim: SimServer, argv: tuple[str, ...]
) -> None:
    made = twins(run)
    reset(sim)
    code, out, err = run(*argv)
    assert code == 2 and out == ""
    lines = err.rstrip("\n").splitlines()
    assert lines[0] == "miosa-tui: 2 computers are named 'twin'; use an id:"
    header, rule, *rows = lines[1:]
    assert header.split() == ["ID", "NAME", "STATUS", "REGION"]
    assert set(rule) <= {"-", " "}
    assert sorted(row.split()[0] for row in rows) == sorted(c["id"] for c in made)
    for row in rows:
        cid, name, status, region = row.split()
        match = next(c for c in made if c["id"] == cid)
        assert (name, region) == ("twin", match["region"])
        assert status in ("creating", "running")
    starts = [m.start() for m in re.finditer(r"\S+", header)]
    for row in rows:  # aligned: every column starts where its header does
        assert [m.start() for m in re.finditer(r"\S+", row)] == starts
    assert mutations(sim) == {}


def test_ids_still_work_when_names_are_shared(run: Run, sim: SimServer) -> None:
    made = twins(run)
    for computer in made:
        code, out, _ = run("get", computer["id"], "--json")
        assert code == 0 and json.loads(out)["id"] == computer["id"]
    reset(sim)
    code, _, _ = run("destroy", made[0]["id"], "--yes")
    assert code == 0
    assert mutations(sim) == {"DELETE /computers/{id}": 1}
    assert stats(sim)["GET /computers/{id}"] == 1  # an id costs one lookup, no list


def test_an_id_wins_over_another_computers_name(run: Run, sim: SimServer) -> None:
    computers = fleet(run)
    owner, other = computers[0], computers[1]
    # The name rule keeps ids ('comp_…') out of names; the real API may not, so reach in.
    sim.app.sim.fleet.computers[other["id"]].name = owner["id"]
    code, out, _ = run("get", owner["id"], "--json")
    assert code == 0 and json.loads(out)["id"] == owner["id"]


def test_a_unique_name_resolves_and_an_unknown_one_is_not_found(run: Run) -> None:
    target = first(run, "stopped")
    code, out, _ = run("get", target["name"], "--json")
    assert code == 0 and json.loads(out)["id"] == target["id"]
    code, _, err = run("get", "no-such-box")
    assert code == 1 and "No computer has the id or name 'no-such-box'" in err


def test_rename_is_refused_in_read_only_mode(run: Run, sim: SimServer) -> None:
    target = first(run, "running")
    reset(sim)
    code, _, err = run("rename", target["id"], "--name", "fine-name", "--read-only")
    assert code == 2 and "read-only" in err
    assert total_requests(sim) == 0
