"""The persistent history (fleet/history.py): shared by processes, surviving restarts, bounded,
never holding a secret, and degrading to one sentence when the file is damaged or locked."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from miosa_tui.api.models import Computer
from miosa_tui.fleet.diff import diff_fleet
from miosa_tui.fleet.history import (
    BackgroundWriter,
    History,
    HistoryEvent,
    WriteThrough,
    default_path,
    parse_since,
    scope_for,
    status_events,
)
from miosa_tui.fleet.journal import Journal

T0 = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


def action(n: int, *, at: datetime = T0, message: str = "", target: str = "comp_1") -> HistoryEvent:
    return HistoryEvent(
        at + timedelta(seconds=n), "action", target, "web", "stop", "ok", message=message
    )


def test_the_default_file_is_under_the_state_directory(tmp_path: Path) -> None:
    assert default_path({"MIOSA_TUI_STATE_DIR": str(tmp_path)}) == tmp_path / "history.sqlite3"
    # conftest points every test at a private directory
    assert "state" in str(default_path())


def test_rows_survive_a_restart_in_order(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    first = History.open(path)
    assert first.problem is None and first.available
    assert first.write([action(2), action(1, message="earlier")]) == 2
    first.close()
    second = History.open(path)
    rows = second.events()
    assert [r.message for r in rows] == ["earlier", ""]
    assert rows[0].at == T0 + timedelta(seconds=1)
    assert second.events(["web"]) == rows  # by name as well as by id
    assert second.events(["comp_9"]) == []
    assert [r.message for r in second.events(limit=1)] == [""]  # the newest
    assert second.events(since=T0 + timedelta(seconds=2)) == rows[1:]
    mode = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


WRITER = textwrap.dedent(
    """
    import sys
    from datetime import UTC, datetime
    from pathlib import Path
    from miosa_tui.fleet.history import History, HistoryEvent

    path, tag, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    history = History.open(path)
    assert history.problem is None, history.problem
    stored = 0
    for n in range(count):
        event = HistoryEvent(datetime.now(UTC), "action", f"{tag}-{n}", tag, "stop", "ok")
        stored += history.write([event])  # one transaction per row: the worst case
    print(stored, history.problem)
    """
)


def test_two_processes_write_at_the_same_time_and_nothing_is_lost(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    count = 300
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), tag, str(count)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("one", "two")
    ]
    results = [p.communicate(timeout=120) for p in procs]
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
        assert out.split() == [str(count), "None"]
    history = History.open(path)
    ids = {e.target_id for e in history.events(limit=10_000)}
    assert ids == {f"{tag}-{n}" for tag in ("one", "two") for n in range(count)}
    assert history.count() == 2 * count


def test_a_corrupt_file_is_kept_aside_and_a_new_history_started(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    garbage = b"this is not a database\x00" * 400
    path.write_bytes(garbage)
    history = History.open(path)
    assert history.available
    assert history.problem is not None
    assert history.problem.startswith(f"The history file {path} was damaged; it was kept as ")
    assert history.problem.count(".") >= 1 and "\n" not in history.problem
    assert history.moved_aside is not None and history.moved_aside.read_bytes() == garbage
    assert history.write([action(1)]) == 1
    history.close()
    again = History.open(path)  # the new file is fine: nothing to report next time
    assert again.problem is None and again.count() == 1


def test_a_damaged_page_turns_history_off_and_is_set_aside_next_start(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    history = History.open(path)
    history.write([action(n, message="x" * 200) for n in range(500)])
    history.close()
    sqlite3.connect(path).execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    data = bytearray(path.read_bytes())
    page = 4096
    data[3 * page : 6 * page] = b"\xff" * (3 * page)  # trash table pages, keep the header
    path.write_bytes(bytes(data))
    broken = History.open(path)
    sentences: list[str] = []
    broken.on_problem(sentences.append)
    broken.events(limit=10_000)  # reading the damaged pages fails (if open did not notice)...
    broken.write([action(1)])  # ...and nothing raises
    if broken.moved_aside is None:  # found while in use: off now, set aside at the next start
        assert not broken.available
        assert len(sentences) == 1 and "History is off for this session" in sentences[0]
        assert broken.events() == [] and broken.write([action(2)]) == 0
        broken = History.open(path)
    assert broken.problem is not None and "was damaged" in broken.problem
    assert broken.moved_aside is not None and broken.moved_aside.read_bytes() == bytes(data)
    assert broken.available and broken.write([action(3)]) == 1


def test_a_locked_file_turns_history_off_with_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    history = History.open(path, busy_ms=50)
    history.write([action(1)])
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        sentences: list[str] = []
        history.on_problem(sentences.append)
        assert history.write([action(2)]) == 0
        assert history.write([action(3)]) == 0  # off now: no second wait, no second sentence
        assert sentences == [history.problem]
        assert history.problem is not None
        assert "locked by another program" in history.problem
        assert not history.available
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert History.open(path).count() == 1  # what was written before is all there


def test_old_rows_go_after_max_age(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    now = [T0.timestamp()]
    history = History.open(path, max_age_days=1, clock=lambda: now[0])
    history.write([action(0, at=T0 - timedelta(days=2)), action(0, at=T0 - timedelta(hours=1))])
    assert history.prune() == 1
    assert [e.at for e in history.events()] == [T0 - timedelta(hours=1)]
    history.close()
    now[0] += 2 * 86400  # two days later, the next start removes the rest
    assert History.open(path, max_age_days=1, clock=lambda: now[0]).count() == 0


def test_the_file_stays_under_its_size_bound_keeping_the_newest(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    history = History.open(path, max_mb=0.1)  # 104,857 bytes
    for batch in range(40):
        history.write([action(batch * 100 + n, message="m" * 300) for n in range(100)])
    history.prune()
    history.close()
    wal = Path(str(path) + "-wal")
    size = path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
    assert size <= 0.1 * 1024 * 1024
    kept = History.open(path).events(limit=100_000)
    assert 0 < len(kept) < 4000
    assert kept[-1].at == T0 + timedelta(seconds=3999)  # the newest row is still there


def test_no_secret_reaches_the_file(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    key = "msk_live_9f8e7d6c5b4a"
    vnc = "vnc-pass-Zq81x"
    token = "tok_stream_77aa"
    history = History.open(path, secrets=[key])
    journal = Journal(secrets=[key])
    journal.attach(WriteThrough(history, source="dashboard", scope="api.example"))
    journal.add_secret(vnc)  # learnt later, as the Access panel does
    journal.add_secret(token)
    journal.record("stop", "comp_1", f"web {key}", "failed", f"key {key} password {vnc}", token)
    history.write([action(1, message=f"Authorization: Bearer {token} and msk_other_1234")])
    history.write(
        [
            HistoryEvent(
                T0, "status", "comp_1", "web", "status", None, "running", "error", f"vnc {vnc}"
            )
        ]
    )
    history.close()
    stored = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("h.sqlite3"))
    for secret in (key, vnc, token, "msk_other_1234"):
        assert secret.encode() not in stored
    rows = History.open(path).events()
    assert len(rows) == 3 and all("****" in (r.message + (r.request_id or "")) for r in rows)


def test_the_journal_writes_through_on_a_background_thread(tmp_path: Path) -> None:
    history = History.open(tmp_path / "h.sqlite3")
    writer = BackgroundWriter(history)
    journal = Journal()
    journal.attach(WriteThrough(history, source="dashboard", scope="simulator", writer=writer))
    for n in range(50):
        journal.record("start", f"comp_{n}", "web", "ok")
    writer.flush()
    writer.close()
    rows = history.events(limit=1000)
    assert len(rows) == 50
    assert {(r.source, r.scope, r.kind) for r in rows} == {("dashboard", "simulator", "action")}


def test_rows_made_later_are_made_on_the_writer_thread_in_turn(tmp_path: Path) -> None:
    """A poll's status rows are made on the writer's thread (`submit_later`), stored in turn
    with the rows submitted before and after them, and waited for by `flush`."""
    import threading

    history = History.open(tmp_path / "h.sqlite3")
    writer = BackgroundWriter(history)
    sink = WriteThrough(history, source="dashboard", scope="simulator", writer=writer)
    made_on: list[str] = []
    old = {"c1": Computer(id="c1", name="web", status="running")}
    diff = diff_fleet(old, [Computer(id="c1", name="web", status="stopping")])

    def make() -> list[HistoryEvent]:
        made_on.append(threading.current_thread().name)
        return status_events(diff, old, at=T0 + timedelta(seconds=2), scope="simulator")

    sink.events([action(1)])
    sink.events_later(make)
    sink.events([action(3)])
    assert writer.flush(10)
    writer.close()
    assert made_on == ["miosa-history"]
    rows = history.events(limit=10)
    assert [(r.kind, r.old_status, r.new_status) for r in rows] == [
        ("action", None, None),
        ("status", "running", "stopping"),
        ("action", None, None),
    ]
    # With no writer (the CLI) they are made and stored at once.
    stopping = {"c1": diff.changed[0][1]}
    stopped = diff_fleet(stopping, [replace(stopping["c1"], status="stopped")])
    WriteThrough(history, source="cli", scope="simulator").events_later(
        lambda: status_events(stopped, stopping, at=T0 + timedelta(seconds=4), scope="simulator")
    )
    assert [r.new_status for r in history.events(limit=10)][-1] == "stopped"


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_flush_never_waits_forever_for_a_writer_that_is_gone(tmp_path: Path) -> None:
    """A writer thread that died (here: its on_written raised) leaves rows nobody takes; the
    dashboard flushes on its event loop (journal pane, export, exit), which then waited forever
    in Queue.join(). flush() now says False instead, with or without a timeout."""
    history = History.open(tmp_path / "h.sqlite3")

    def broken(_rows: object) -> None:
        raise RuntimeError("a bug in the listener")

    writer = BackgroundWriter(history, on_written=broken)
    writer.submit([action(1)])
    writer._thread.join(10)  # it stored the row, then the listener's error ended the thread
    assert not writer._thread.is_alive()
    writer.submit([action(2)])  # never taken
    assert writer.flush() is False
    assert writer.flush(0.5) is False
    assert [r.message for r in history.events(limit=10)] == [""]  # the first row only


def test_flush_with_a_timeout_returns_while_the_writer_is_busy(tmp_path: Path) -> None:
    import threading

    history = History.open(tmp_path / "h.sqlite3")
    entered, release = threading.Event(), threading.Event()

    def held(_rows: object) -> None:
        entered.set()
        release.wait(10)

    writer = BackgroundWriter(history, on_written=held)
    writer.submit([action(1)])
    assert entered.wait(10)  # the writer thread is held in its listener
    writer.submit([action(2)])  # so this row waits in the queue
    assert writer.flush(0.3) is False  # returned without it
    release.set()
    assert writer.flush(10) is True  # once it goes on, everything is written
    writer.close()
    assert len(history.events(limit=10)) == 2


def test_status_changes_of_a_poll_become_rows() -> None:
    web = Computer(id="a", name="web", status="running")
    db = Computer(id="b", name="db", status="stopped")
    first = diff_fleet({}, [web, db])
    assert status_events(first, {}, at=T0, first=True) == []
    broken = Computer(id="a", name="web", status="error", status_reason="disk full")
    renamed = Computer(id="b", name="db2", status="stopped")
    new = Computer(id="c", name="fresh", status="creating")
    before = {"a": web, "b": db}
    rows = status_events(diff_fleet(before, [broken, renamed, new]), before, at=T0, scope="s")
    assert [(r.target_id, r.old_status, r.new_status, r.message) for r in rows] == [
        ("c", None, "creating", ""),
        ("a", "running", "error", "disk full"),
    ]
    gone = status_events(diff_fleet(before, [web]), before, at=T0)
    assert [(r.target_id, r.target_name, r.old_status, r.new_status) for r in gone] == [
        ("b", "db", "stopped", None)
    ]
    assert gone[0].what == "stopped → gone" and rows[1].what == "running → error"


def test_since_and_scope_parsing() -> None:
    assert parse_since("2h", T0) == T0 - timedelta(hours=2)
    assert parse_since("90s", T0) == T0 - timedelta(seconds=90)
    assert parse_since("2026-11-30T00:00:00Z", T0) == datetime(2026, 11, 30, tzinfo=UTC)
    for bad in ("soon", "2x", ""):
        try:
            parse_since(bad, T0)
        except ValueError as exc:
            assert "use a duration such as 30m" in str(exc)
        else:
            raise AssertionError(bad)
    assert scope_for("https://user:pw@api.miosa.ai/api/v1", "acme") == "api.miosa.ai/acme"
    assert scope_for("http://127.0.0.1:8123/api/v1") == "127.0.0.1:8123"
    assert scope_for("x", simulated=True) == "simulator"


def test_a_status_change_seen_by_two_dashboards_is_kept_once(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    one, two = History.open(path), History.open(path)

    def change(at: datetime, new: str = "error", scope: str = "api") -> HistoryEvent:
        return HistoryEvent(at, "status", "c1", "web", "status", None, "running", new, scope=scope)

    assert one.write([change(T0)]) == 1
    assert two.write([change(T0 + timedelta(seconds=4))]) == 0  # the other one's poll
    assert two.write([change(T0 + timedelta(seconds=4), scope="other-api")]) == 1
    assert two.write([change(T0 + timedelta(seconds=5), new="stopped")]) == 1
    assert two.write([change(T0 + timedelta(hours=1))]) == 1  # it broke again later
    assert two.write([action(1), action(1)]) == 2  # actions are never merged
    assert one.count() == 6


def test_one_computers_timeline_is_read_by_index_even_from_an_older_file(tmp_path: Path) -> None:
    """The timeline pane reads one computer's rows after every poll that touched it: by id or
    name, through indexes, never by scanning every row (a moving fleet writes ~500 a poll). A
    file written before the name index existed gets it when opened."""
    path = tmp_path / "h.sqlite3"
    history = History.open(path)
    history.write([action(n, target=f"comp_{n % 7}") for n in range(50)])
    history.close()
    old = sqlite3.connect(path)
    old.execute("DROP INDEX events_by_name")  # as a file of the first release
    old.commit()
    old.close()
    history = History.open(path)
    asked: list[tuple[str, list[object]]] = []
    read = history._read

    def spy(sql: str, params: list[object]) -> list[tuple[object, ...]]:
        asked.append((sql, list(params)))
        return read(sql, params)

    history._read = spy  # type: ignore[method-assign]
    assert [e.target_id for e in history.events(["comp_3"], scope="", limit=50)] == ["comp_3"] * 7
    ((sql, params),) = asked
    plan = sqlite3.connect(path).execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
    details = [row[-1] for row in plan]
    assert not any(d.startswith("SCAN events") for d in details), details
    assert any("events_by_name" in d for d in details), details
    history.close()
