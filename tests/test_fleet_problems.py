"""The problem rules (fleet/problems.py) with time passed in: no test sleeps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from miosa_tui.api.models import Computer
from miosa_tui.config import ConfigError, load_config
from miosa_tui.fleet.diff import diff_fleet
from miosa_tui.fleet.journal import Journal
from miosa_tui.fleet.problems import (
    LastAction,
    ProblemRules,
    StatusWatch,
    Suspects,
    find_problems,
    judge,
    last_actions,
    short_duration,
    status_since,
)

T0 = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
RULES = ProblemRules()


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def box(status: str, ident: str = "comp_1", **kw: str) -> Computer:
    return Computer(id=ident, name=f"desk-{ident}", status=status, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("status", "limit"),
    [
        ("creating", 300),
        ("provisioning", 300),
        ("starting", 120),
        ("stopping", 120),
        ("destroying", 120),
    ],
)
def test_a_transition_is_stuck_only_after_its_limit(status: str, limit: float) -> None:
    computer = box(status)
    assert judge(computer, now=at(limit), rules=RULES, since=T0) is None
    problem = judge(computer, now=at(limit + 1), rules=RULES, since=T0)
    assert problem is not None and problem.kind == "stuck"
    assert problem.since == T0
    assert f"Still {status} after" in problem.reason


def test_steady_statuses_are_never_stuck() -> None:
    for status in ("running", "stopped", "paused", "hibernating"):
        assert judge(box(status), now=at(10**6), rules=RULES, since=T0) is None


def test_error_is_a_problem_from_the_start_with_the_api_reason() -> None:
    plain = judge(box("error"), now=T0, rules=RULES, since=T0)
    assert plain is not None and plain.kind == "error"
    assert plain.reason == "The API reports it as error and gives no reason."
    told = judge(box("error", status_reason="disk full"), now=at(720), rules=RULES, since=T0)
    assert told is not None and told.reason == "disk full" and told.api_reason == "disk full"
    assert told.summary(at(720)) == "error for 12m: disk full"


def test_the_reason_is_read_from_whichever_field_the_api_uses() -> None:
    for body in (
        {"status_reason": "quota exceeded"},
        {"error": "quota exceeded"},
        {"error": {"message": "quota exceeded", "code": "QUOTA"}},
        {"message": "quota exceeded"},
    ):
        computer = Computer.from_json({"id": "c", "status": "error", **body})
        assert computer is not None and computer.status_reason == "quota exceeded"
    bare = Computer.from_json({"id": "c", "status": "error", "error": None})
    assert bare is not None and bare.status_reason is None


def test_limits_come_from_the_settings(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    assert (
        ProblemRules.from_settings(load_config(environ={}, path=path).values).limit_for("creating")
        == 300
    )
    path.write_text("stuck_starting = 10\n", encoding="utf-8")
    rules = ProblemRules.from_settings(load_config(environ={}, path=path).values)
    assert judge(box("starting"), now=at(11), rules=rules, since=T0) is not None
    assert judge(box("starting"), now=at(9), rules=rules, since=T0) is None
    path.write_text('stuck_starting = "soon"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="stuck_starting must be a number of seconds"):
        load_config(environ={}, path=path)


def test_a_failed_or_unknown_last_action_is_a_problem_since_it_happened() -> None:
    failed = LastAction("stop", "failed", at(5), "The API refused it.", "req_9")
    problem = judge(box("running"), now=at(60), rules=RULES, last_action=failed)
    assert problem is not None and problem.kind == "action failed"
    assert problem.since == at(5) and problem.request_id == "req_9"
    assert problem.reason == "Stop failed: The API refused it."
    unknown = LastAction("resize", "unknown outcome", at(5))
    problem = judge(box("running"), now=at(60), rules=RULES, last_action=unknown)
    assert problem is not None and problem.kind == "unknown outcome"
    timed_out = LastAction("start", "timed out", at(5))
    problem = judge(box("starting"), now=at(60), rules=RULES, since=T0, last_action=timed_out)
    assert problem is not None and problem.kind == "action failed"


def test_an_action_problem_clears_when_the_computer_gets_there_or_it_is_old() -> None:
    unknown_stop = LastAction("stop", "unknown outcome", at(5))
    assert judge(box("stopped"), now=at(60), rules=RULES, last_action=unknown_stop) is None
    # A restart leaves it running as it was: only a status seen after the restart clears it.
    restart = LastAction("restart", "unknown outcome", at(5))
    assert judge(box("running"), now=at(60), rules=RULES, since=T0, last_action=restart)
    assert judge(box("running"), now=at(60), rules=RULES, since=at(30), last_action=restart) is None
    assert (
        judge(box("running"), now=at(RULES.action_window + 6), rules=RULES, last_action=restart)
        is None
    )
    ok = LastAction("stop", "ok", at(5))
    assert judge(box("running"), now=at(60), rules=RULES, last_action=ok) is None


def test_last_actions_skip_what_was_never_sent_or_done_and_what_is_not_an_action() -> None:
    journal = Journal()
    journal.record("stop", "comp_1", "web", "failed", "it broke", "req_1", at=at(1))
    journal.record("stop", "comp_1", "web", "skipped", "Not sent: already stopped.", at=at(2))
    journal.record("start", "comp_1", "web", "refused", "already starting", "req_2", at=at(3))
    journal.record("screenshot", "comp_1", "web", "ok", "saved x.png", at=at(4))
    journal.record("start", "comp_2", "db", "failed", at=at(1))
    journal.record("start", "comp_2", "db", "ok", at=at(2))
    journal.record("start", "comp_3", "ci", "refused", "already starting", at=at(1))
    found = last_actions(journal)
    assert found["comp_1"] == LastAction("stop", "failed", at(1), "it broke", "req_1")
    assert found["comp_2"].outcome == "ok"
    assert "comp_3" not in found  # a refusal alone makes no problem


def test_each_computer_has_its_most_serious_problem_and_the_list_is_ordered() -> None:
    computers = [
        box("running", "a"),  # its stop failed
        box("starting", "b"),  # stuck since T0
        box("error", "c", updated_at="2026-12-01T03:01:00Z"),  # error, and its start failed too
        box("stopped", "d"),  # fine
        box("stopping", "e"),  # stuck, longer than b
    ]
    actions = {
        "a": LastAction("stop", "failed", at(10)),
        "c": LastAction("start", "failed", at(100)),
    }
    observed = {"b": T0, "e": at(-600)}
    found = find_problems(
        computers, now=at(900), rules=RULES, observed=observed, last_actions=actions
    )
    assert [(p.computer.id, p.kind) for p in found] == [
        ("c", "error"),
        ("e", "stuck"),
        ("b", "stuck"),
        ("a", "action failed"),
    ]
    assert found[0].since == at(60)  # from updated_at: nothing was observed for it


def test_status_since_prefers_what_was_seen_and_never_lies_in_the_future() -> None:
    computer = box("starting", updated_at="2026-12-01T02:00:00Z")
    assert status_since(computer, None, T0) == datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    assert status_since(computer, at(30), at(60)) == at(30)
    future = box("starting", updated_at="2027-01-01T00:00:00Z")
    assert status_since(future, None, T0) == T0
    assert status_since(box("starting", updated_at="yesterday"), None, T0) is None


def test_status_watch_stamps_changes_with_the_injected_clock() -> None:
    now = [T0]
    watch = StatusWatch(clock=lambda: now[0])
    first = [box("running", "a"), box("stopped", "b")]
    watch.update(diff_fleet({}, first), first=True)
    assert watch.since("a") is None  # the first snapshot says nothing about when
    now[0] = at(30)
    second = [box("stopping", "a"), box("stopped", "b"), box("creating", "c")]
    watch.update(diff_fleet({c.id: c for c in first}, second))
    assert watch.since("a") == at(30) and watch.since("c") == at(30)
    assert watch.since("b") is None
    now[0] = at(60)
    watch.update(diff_fleet({c.id: c for c in second}, second[:2]))
    assert watch.since("c") is None


def test_short_duration() -> None:
    assert [short_duration(s) for s in (0, 59, 60, 3599, 3600, 3 * 3600 + 300, 50 * 3600)] == [
        "0s",
        "59s",
        "1m",
        "59m",
        "1h00m",
        "3h05m",
        "2d02h",
    ]


def test_the_filter_language_has_problem_terms() -> None:
    from miosa_tui.fleet.filter import parse_filter

    kinds = {"a": "stuck", "b": "error", "c": "action failed"}
    fleet = [box("starting", "a"), box("error", "b"), box("running", "c"), box("running", "d")]

    def shown(text: str) -> list[str]:
        found = parse_filter(text, kinds)
        assert found.error is None, found.error
        return [c.id for c in fleet if found.matches(c)]

    assert shown("problem:any") == ["a", "b", "c"]
    assert shown("problem:stuck,error") == ["a", "b"]
    assert shown("problem:failed") == ["c"]
    assert shown("!problem:any") == ["d"]
    assert shown("problem:any status:running") == ["c"]
    kinds["d"] = "unknown outcome"  # the mapping is read live, as the dashboard updates it
    assert shown("problem:unknown") == ["d"]
    bad = parse_filter("problem:soon", kinds)
    assert bad.error == "'problem:' takes any, error, stuck, failed, unknown."
    assert parse_filter("problem:any").matches(fleet[0]) is False  # no mapping: no problems


STATUSES = ["running", "stopped", "creating", "starting", "stopping", "error", "failed", "paused"]


@given(
    st.lists(
        st.dictionaries(st.sampled_from([f"c{i}" for i in range(12)]), st.sampled_from(STATUSES)),
        min_size=1,
        max_size=8,
    )
)
def test_suspects_kept_from_diffs_are_what_judging_every_computer_finds(
    snapshots: list[dict[str, str]],
) -> None:
    """After any series of polls (computers coming, going, changing status), the suspects kept
    from the diffs are exactly the computers whose status can make a problem, and judging only
    them (plus those with a last action) finds every problem judging the whole fleet finds."""
    suspects = Suspects()
    fleet: dict[str, Computer] = {}
    for snapshot in snapshots:
        # changed long ago: a transition is stuck, so there is something to find
        new = [box(s, i, updated_at="2026-11-30T00:00:00Z") for i, s in snapshot.items()]
        suspects.update(diff_fleet(fleet, new))
        fleet = {c.id: c for c in new}
        whole = find_problems(fleet.values(), now=T0, rules=RULES)
        only = find_problems((fleet[i] for i in suspects.ids), now=T0, rules=RULES)
        assert only == whole
        assert {p.kind for p in whole} <= {"error", "stuck"}
        assert suspects.ids == {
            c.id
            for c in fleet.values()
            if c.status in {"error", "failed"} or c.status in {"creating", "starting", "stopping"}
        }
