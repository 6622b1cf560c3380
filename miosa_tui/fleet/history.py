"""The history that outlives a shift: every action taken with miosa-tui and every status change
its polls saw, in one SQLite file under the user's state directory.

- Several processes at once (two dashboards, a dashboard and a script running `miosa-tui stop`):
  WAL mode, a busy timeout, and one short transaction per write.
- Bounded: rows older than `max_age_days` go, and the oldest go first once the live data passes
  `max_bytes` (freed pages are returned to the file system with incremental vacuum).
- Never a secret: every text is passed through `journal.redact` with the API key and every VNC
  password or stream token the app has seen.
- A broken file never stops the app. A corrupt database is moved aside (kept, never deleted)
  and a new one started; a locked or unwritable one turns history off for the session. Either
  way `problem` holds one sentence to show, and every call keeps working (doing nothing).

No Textual here; the dashboard writes through `BackgroundWriter` so its event loop never waits
on the disk.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from miosa_tui.api.foreground import Foreground
from miosa_tui.api.models import Computer
from miosa_tui.api.timestamps import parse_timestamp
from miosa_tui.fleet.diff import FleetDiff
from miosa_tui.fleet.humanize import transition
from miosa_tui.fleet.journal import MIN_SECRET_LENGTH, JournalEntry, redact

APP_NAME = "miosa-tui"  # as config.APP_NAME (fleet/ does not import config)
STATE_DIR_ENV = "MIOSA_TUI_STATE_DIR"
FILE_NAME = "history.sqlite3"
# The scope of the embedded simulator's rows, followed by "/" and the world (`scope_for`).
SIMULATOR_SCOPE = "simulator"
SCHEMA_VERSION = 1
BUSY_TIMEOUT_MS = 3000
PRUNE_EVERY = 200  # writes between two checks of the bounds
EventKind = Literal["action", "status"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL,
    kind TEXT NOT NULL,
    computer_id TEXT,
    computer_name TEXT,
    action TEXT NOT NULL,
    outcome TEXT,
    old_status TEXT,
    new_status TEXT,
    message TEXT NOT NULL DEFAULT '',
    request_id TEXT,
    source TEXT NOT NULL DEFAULT '',
    scope TEXT NOT NULL DEFAULT '',
    pid INTEGER
);
CREATE INDEX IF NOT EXISTS events_by_computer ON events (computer_id, at);
CREATE INDEX IF NOT EXISTS events_by_time ON events (at);
-- `events(targets)` matches an id or a name: without this the name made every read of one
-- computer's timeline scan the table (35 ms at 100,000 rows, after every poll of a moving
-- fleet). Added to files of schema 1 on open, as the others.
CREATE INDEX IF NOT EXISTS events_by_name ON events (computer_name, at);
"""
_INSERT = (
    "INSERT INTO events (at, kind, computer_id, computer_name, action, outcome, old_status, "
    "new_status, message, request_id, source, scope, pid)"
)
# Two dashboards open on the same fleet both see each status change: keep the first row only
# (the same change of the same computer in the same scope within DUPLICATE_WINDOW seconds).
DUPLICATE_WINDOW = 120.0
_UNLESS_SEEN = (
    " SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM events"
    " WHERE kind = 'status' AND computer_id IS ? AND old_status IS ? AND new_status IS ?"
    f" AND scope = ? AND abs(at - ?) < {DUPLICATE_WINDOW})"
)
_COLUMNS = (
    "id, at, kind, computer_id, computer_name, action, outcome, old_status, new_status, "
    "message, request_id, source, scope"
)


def state_dir(environ: Mapping[str, str] | None = None) -> Path:
    """`MIOSA_TUI_STATE_DIR`, else the platform's user state directory for miosa-tui."""
    env = os.environ if environ is None else environ
    if env.get(STATE_DIR_ENV):
        return Path(env[STATE_DIR_ENV]).expanduser()
    from platformdirs import user_state_dir

    return Path(user_state_dir(APP_NAME))


def default_path(environ: Mapping[str, str] | None = None) -> Path:
    return state_dir(environ) / FILE_NAME


def scope_for(
    base_url: str, tenant: str | None = None, *, simulated: bool = False, world: str | None = None
) -> str:
    """Which fleet a row belongs to: "simulator/<world>" for one start of the embedded simulator
    ("simulator" when it is not named), or the API host (and tenant). Never the URL's user or
    password: only the host and port are kept."""
    if simulated:
        return f"{SIMULATOR_SCOPE}/{world}" if world else SIMULATOR_SCOPE
    parts = urlsplit(base_url)
    host = parts.hostname or base_url
    if parts.port:
        host = f"{host}:{parts.port}"
    return f"{host}/{tenant}" if tenant else host


@dataclass(frozen=True, slots=True)
class HistoryEvent:
    """One row: an action (`outcome` set) or a status change (`old_status` -> `new_status`)."""

    at: datetime
    kind: EventKind
    target_id: str | None
    target_name: str | None
    action: str  # the verb for actions, "status" for status changes
    outcome: str | None = None
    old_status: str | None = None
    new_status: str | None = None
    message: str = ""
    request_id: str | None = None
    source: str = ""  # "dashboard" or "cli"
    scope: str = ""
    id: int | None = None

    @property
    def target(self) -> str:
        if self.target_name and self.target_id and self.target_name != self.target_id:
            return f"{self.target_name} ({self.target_id})"
        return self.target_name or self.target_id or "-"

    @property
    def what(self) -> str:
        """'stop failed' / 'running → error'."""
        if self.kind == "status":
            return transition(self.old_status or "new", self.new_status or "gone")
        return f"{self.action} {self.outcome or ''}".rstrip()

    def to_text(self) -> str:
        stamp = self.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SZ")
        line = f"{stamp}  {self.target}  {self.what}"
        if self.message:
            line += f": {self.message}"
        if self.request_id:
            line += f" [request {self.request_id}]"
        if self.source:
            line += f" ({self.source})"
        return line

    def to_json(self) -> dict[str, Any]:
        return {
            "at": self.at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "kind": self.kind,
            "id": self.target_id,
            "name": self.target_name,
            "action": self.action,
            "outcome": self.outcome,
            "old_status": self.old_status,
            "new_status": self.new_status,
            "message": self.message,
            "request_id": self.request_id,
            "source": self.source,
            "scope": self.scope,
        }

    @classmethod
    def from_entry(cls, entry: JournalEntry, *, source: str, scope: str) -> HistoryEvent:
        return cls(
            at=entry.at,
            kind="action",
            target_id=entry.target_id,
            target_name=entry.target_name,
            action=entry.action,
            outcome=entry.outcome,
            message=entry.message,
            request_id=entry.request_id,
            source=source,
            scope=scope,
        )


def status_events(
    diff: FleetDiff,
    before: Mapping[str, Computer],
    *,
    at: datetime,
    first: bool = False,
    source: str = "dashboard",
    scope: str = "",
) -> list[HistoryEvent]:
    """The status changes in one poll's diff, as history rows.

    `before` is the snapshot the diff was taken against (for the names of removed computers).
    The first snapshot (`first`) is not news: computers already there did not "appear".
    """

    def event(ident: str, name: str | None, old: str | None, new: str | None, why: str) -> None:
        rows.append(
            HistoryEvent(
                at, "status", ident, name, "status", None, old, new, why, None, source, scope
            )
        )

    rows: list[HistoryEvent] = []
    if not first:
        for computer in diff.added:
            event(computer.id, computer.name, None, computer.status, computer.status_reason or "")
    for old, new, names in diff.changed:
        if "status" in names and old.status != new.status:
            event(new.id, new.name, old.status, new.status, new.status_reason or "")
    for ident in diff.removed:
        gone = before.get(ident)
        event(ident, gone.name if gone else None, gone.status if gone else None, None, "")
    return rows


_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_since(text: str, now: datetime) -> datetime:
    """`90s`, `15m`, `2h`, `3d`, `1w` before `now`, or an ISO-8601 time; ValueError otherwise."""
    found = _DURATION_RE.match(text)
    if found:
        seconds = float(found.group(1)) * _UNIT_SECONDS[found.group(2).lower()]
        return now - timedelta(seconds=seconds)
    at = parse_timestamp(text)
    if at is None:
        raise ValueError(
            f"--since {text!r}: use a duration such as 30m, 2h or 3d, or a time such as "
            "2026-12-01T03:00:00Z."
        )
    return at


class History:
    """The history file. Construct with `History.open(path)`; every method is safe to call when
    the history is off (`available` False), which is how failures degrade."""

    def __init__(
        self,
        path: Path,
        *,
        max_age_days: float = 30.0,
        max_bytes: int = 20 * 1024 * 1024,
        secrets: Iterable[str | None] = (),
        clock: Callable[[], float] = time.time,
        busy_ms: int = BUSY_TIMEOUT_MS,
    ) -> None:
        self.path = path
        self.busy_ms = busy_ms
        self.max_age_days = max_age_days
        self.max_bytes = max_bytes
        self.clock = clock
        self.problem: str | None = None
        self.moved_aside: Path | None = None
        self._secrets: set[str] = set()
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self._writes = 0
        self._listeners: list[Callable[[str], None]] = []
        for secret in secrets:
            self.add_secret(secret)

    @classmethod
    def open(
        cls,
        path: Path | None = None,
        *,
        max_age_days: float = 30.0,
        max_mb: float = 20.0,
        secrets: Iterable[str | None] = (),
        clock: Callable[[], float] = time.time,
        busy_ms: int = BUSY_TIMEOUT_MS,
    ) -> History:
        """Open (creating when needed) the history; never raises: see `problem`."""
        history = cls(
            path or default_path(),
            max_age_days=max_age_days,
            max_bytes=int(max_mb * 1024 * 1024),
            secrets=secrets,
            clock=clock,
            busy_ms=busy_ms,
        )
        history._connect()
        return history

    # -- state ------------------------------------------------------------------------------

    @property
    def available(self) -> bool:
        return self._conn is not None

    def on_problem(self, listener: Callable[[str], None]) -> None:
        """Call `listener` with the sentence when the history turns itself off later on."""
        self._listeners.append(listener)

    def add_secret(self, value: str | None) -> None:
        if value and len(value) >= MIN_SECRET_LENGTH:
            self._secrets.add(value)

    def set_busy_timeout(self, ms: int) -> None:
        """How long a write waits for another process's lock before the history turns off."""
        self.busy_ms = ms
        with self._lock:
            if self._conn is not None:
                self._conn.execute(f"PRAGMA busy_timeout = {int(ms)}")

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                with contextlib.suppress(sqlite3.Error):
                    self._conn.close()
                self._conn = None

    # -- opening ----------------------------------------------------------------------------

    def _connect(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self._off(f"cannot create {self.path.parent}: {exc.strerror or exc}")
            return
        try:
            self._conn = self._setup()
            self.prune()
        except sqlite3.OperationalError as exc:
            self._off(f"cannot open {self.path}: {exc}")
        except sqlite3.DatabaseError:
            self.close()
            self._recover()

    def _setup(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path, timeout=self.busy_ms / 1000, isolation_level=None, check_same_thread=False
        )
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_ms)}")
            # Must come before the first table exists; a no-op on an existing file.
            conn.execute("PRAGMA auto_vacuum = INCREMENTAL")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()
            if not mode or str(mode[0]).lower() != "wal":
                raise sqlite3.OperationalError("the file system does not support WAL mode")
            conn.execute("PRAGMA synchronous = NORMAL")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise sqlite3.OperationalError(
                    f"it was written by a newer miosa-tui (schema {version})"
                )
            conn.executescript(_SCHEMA)
            if version < SCHEMA_VERSION:
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("SELECT max(id) FROM events").fetchone()
            marker = Path(str(self.path) + ".damaged")
            if marker.exists():  # a write failed on a damaged page last time: check it all
                check = conn.execute("PRAGMA quick_check").fetchone()
                if not check or check[0] != "ok":
                    raise sqlite3.DatabaseError(f"quick_check: {check[0] if check else '?'}")
                marker.unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                os.chmod(self.path, 0o600)
        except BaseException:
            conn.close()
            raise
        return conn

    def _recover(self) -> None:
        """The file is not a usable database: move it (and its WAL) aside, then start anew.

        Done under an exclusive lock, and only when the file is still broken once the lock is
        held: another process may have done it already, and its new file must not be moved.
        """
        lock_path = self.path.with_name(self.path.name + ".lock")
        try:
            with _exclusive(lock_path):
                try:
                    self._conn = self._setup()
                    return  # another process replaced it meanwhile
                except sqlite3.DatabaseError:
                    pass
                stamp = time.strftime("%Y%m%d-%H%M%S")
                aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{os.getpid()}")
                for suffix in ("", "-wal", "-shm", ".damaged"):
                    source = Path(str(self.path) + suffix)
                    if source.exists():
                        os.replace(source, Path(str(aside) + suffix))
                self.moved_aside = aside
                self._conn = self._setup()
        except (OSError, sqlite3.Error) as exc:
            self._off(f"{self.path} is damaged and could not be replaced: {exc}")
            return
        self.problem = (
            f"The history file {self.path} was damaged; it was kept as {aside} and a new "
            "history was started."
        )

    def _off(self, why: str) -> None:
        """Turn the history off for this process, with one sentence saying so."""
        self.close()
        sentence = f"History is off for this session: {why}."
        if self.problem is None or not self.problem.startswith("History is off"):
            self.problem = sentence
            for listener in list(self._listeners):
                listener(sentence)

    # -- writing ----------------------------------------------------------------------------

    def _clean(self, text: str | None) -> str | None:
        return None if text is None else redact(text, self._secrets)

    def write(self, events: Sequence[HistoryEvent]) -> int:
        """Store `events` (redacted) in one transaction; returns how many were stored (0 when
        the history is off or just failed, which turns it off with a sentence)."""
        if not events:
            return 0
        rows = [
            (
                e.at.timestamp(),
                e.kind,
                self._clean(e.target_id),
                self._clean(e.target_name),
                self._clean(e.action),
                e.outcome,
                self._clean(e.old_status),
                self._clean(e.new_status),
                self._clean(e.message) or "",
                self._clean(e.request_id),
                e.source,
                self._clean(e.scope) or "",
                os.getpid(),
            )
            for e in events
        ]
        failure: sqlite3.Error | None = None
        stored = 0
        with self._lock:
            conn = self._conn
            if conn is None:
                return 0
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    before = conn.total_changes
                    actions = [row for row in rows if row[1] != "status"]
                    # status rows: + (computer id, old, new, scope, at) for the duplicate check
                    statuses = [
                        (*row, row[2], row[6], row[7], row[11], row[0])
                        for row in rows
                        if row[1] == "status"
                    ]
                    conn.executemany(_INSERT + " VALUES (" + ", ".join("?" * 13) + ")", actions)
                    conn.executemany(_INSERT + _UNLESS_SEEN, statuses)
                    stored = conn.total_changes - before
                    conn.execute("COMMIT")
                except BaseException:
                    with contextlib.suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                    raise
            except sqlite3.Error as exc:
                failure = exc
            else:
                self._writes += stored
        if failure is not None:
            self._fail(failure)
            return 0
        if self._writes >= PRUNE_EVERY:
            self._prune_quietly()
        return stored

    def record_entry(self, entry: JournalEntry, *, source: str, scope: str) -> int:
        return self.write([HistoryEvent.from_entry(entry, source=source, scope=scope)])

    def _fail(self, exc: sqlite3.Error) -> None:
        if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc).lower():
            self._off(f"{self.path} stayed locked by another program for {self.busy_ms} ms")
        elif isinstance(exc, sqlite3.OperationalError):
            self._off(f"cannot write {self.path}: {exc}")
        else:
            self._off(f"{self.path} is damaged ({exc}); it will be set aside at the next start")
            with contextlib.suppress(OSError):
                Path(str(self.path) + ".damaged").touch()

    # -- bounds -----------------------------------------------------------------------------

    def prune(self) -> int:
        """Apply the bounds now; returns how many rows were removed."""
        with self._lock:
            conn = self._conn
            if conn is None:
                return 0
            self._writes = 0
            removed = 0
            cutoff = self.clock() - self.max_age_days * 86400
            removed += conn.execute("DELETE FROM events WHERE at < ?", (cutoff,)).rowcount
            for _ in range(20):
                if self._live_bytes(conn) <= self.max_bytes:
                    break
                count = conn.execute("SELECT count(*) FROM events").fetchone()[0]
                if not count:
                    break
                chunk = max(50, count // 5)
                removed += conn.execute(
                    "DELETE FROM events WHERE id IN (SELECT id FROM events ORDER BY at, id "
                    "LIMIT ?)",
                    (chunk,),
                ).rowcount
            if removed:
                conn.executescript("PRAGMA incremental_vacuum;")  # execute() frees one page
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            return removed

    def _prune_quietly(self) -> None:
        try:
            self.prune()
        except sqlite3.Error as exc:
            self._fail(exc)

    @staticmethod
    def _live_bytes(conn: sqlite3.Connection) -> int:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        free = conn.execute("PRAGMA freelist_count").fetchone()[0]
        size = conn.execute("PRAGMA page_size").fetchone()[0]
        return int((pages - free) * size)

    # -- reading ----------------------------------------------------------------------------

    def events(
        self,
        targets: Sequence[str] = (),
        *,
        since: datetime | None = None,
        scope: str | None = None,
        kind: EventKind | None = None,
        limit: int | None = None,
    ) -> list[HistoryEvent]:
        """Rows oldest first. `targets` match an id or a name exactly; `limit` keeps the newest."""
        where: list[str] = []
        params: list[Any] = []
        if targets:
            marks = ", ".join("?" for _ in targets)
            where.append(f"(computer_id IN ({marks}) OR computer_name IN ({marks}))")
            params += [*targets, *targets]
        if since is not None:
            where.append("at >= ?")
            params.append(since.timestamp())
        if scope is not None:
            where.append("scope = ?")
            params.append(scope)
        if kind is not None:
            where.append("kind = ?")
            params.append(kind)
        sql = f"SELECT {_COLUMNS} FROM events"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY at DESC, id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(max(0, limit))
        rows = self._read(sql, params)
        return [_event(row) for row in reversed(rows)]

    def last_action_events(
        self, *, scope: str | None = None, since: datetime | None = None
    ) -> list[HistoryEvent]:
        """Every action row (oldest first), for `problems.last_actions`."""
        return self.events(scope=scope, since=since, kind="action")

    def latest_world(self) -> str | None:
        """The scope of the embedded simulator's newest row (its last world), or None."""
        rows = self._read(
            "SELECT scope FROM events WHERE scope = ? OR substr(scope, 1, ?) = ?"
            " ORDER BY at DESC, id DESC LIMIT 1",
            [SIMULATOR_SCOPE, len(SIMULATOR_SCOPE) + 1, f"{SIMULATOR_SCOPE}/"],
        )
        return str(rows[0][0]) if rows else None

    def _read(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        with self._lock:
            conn = self._conn
            if conn is None:
                return []
            try:
                return conn.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                failure = exc
        self._fail(failure)
        return []

    def count(self) -> int:
        rows = self._read("SELECT count(*) FROM events", ())
        return int(rows[0][0]) if rows else 0


def _event(row: tuple[Any, ...]) -> HistoryEvent:
    (ident, at, kind, cid, name, action, outcome, old, new, message, request_id, source, scope) = (
        row
    )
    return HistoryEvent(
        at=datetime.fromtimestamp(at, UTC),
        kind="status" if kind == "status" else "action",
        target_id=cid,
        target_name=name,
        action=action,
        outcome=outcome,
        old_status=old,
        new_status=new,
        message=message or "",
        request_id=request_id,
        source=source or "",
        scope=scope or "",
        id=ident,
    )


@contextlib.contextmanager
def _exclusive(path: Path) -> Iterator[None]:
    """An exclusive advisory lock on `path` between processes (no lock where fcntl is missing)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    with open(path, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def events_json(events: Iterable[HistoryEvent]) -> str:
    return json.dumps([e.to_json() for e in events], indent=2, ensure_ascii=False) + "\n"


MakeEvents = Callable[[], Sequence[HistoryEvent]]


class BackgroundWriter:
    """Writes history rows on a thread of its own, so the UI's event loop never waits on the
    disk (a locked file may take the whole busy timeout). `flush` waits for what was queued.
    `on_written(events)` is called on the writer's thread after each batch that was stored."""

    def __init__(
        self,
        history: History,
        on_written: Callable[[Sequence[HistoryEvent]], None] | None = None,
        yield_to: Foreground | None = None,
    ) -> None:
        self.history = history
        self.on_written = on_written
        # A batch waits for a sort or a filter under way (a poll's rows at 100,000 computers
        # are ~90 ms of Python, shared with the sort's thread).
        self.yield_to = yield_to
        # One item per submit (a poll's status changes come together: ~900 rows a poll on a
        # moving 10,000-computer fleet, where a put per row cost ~4 ms of the event loop), or
        # the function that makes them (`submit_later`).
        self._queue: queue.Queue[list[HistoryEvent] | MakeEvents | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="miosa-history", daemon=True)
        self._thread.start()

    def submit(self, events: Iterable[HistoryEvent]) -> None:
        if not self.history.available:
            return
        batch = list(events)
        if batch:
            self._queue.put(batch)

    def submit_later(self, make: MakeEvents) -> None:
        """Queue the rows `make()` returns, made on the writer's thread, in turn with what
        was submitted before and after: `make` must only read what no one changes (a poll's
        diff and the snapshot before it). A poll of 100,000 computers with ~5,000 status
        changes spent ~35 ms of the event loop making their rows."""
        if self.history.available:
            self._queue.put(make)

    def _run(self) -> None:
        while True:
            batch = [self._queue.get()]
            if self.yield_to is not None:
                self.yield_to.wait_blocking()
            while True:  # write whatever else is waiting in the same transaction
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            rows: list[HistoryEvent] = []
            try:
                for item in batch:
                    if item is not None:
                        rows.extend(item() if callable(item) else item)
                stored = self.history.write(rows)
            finally:
                for _ in batch:
                    self._queue.task_done()
            if stored and self.on_written is not None:
                self.on_written(rows)
            if None in batch:
                return

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every queued row is written; False when `timeout` seconds passed first or
        the writer thread is gone (rows it never took would otherwise be waited for forever).
        The UI passes a timeout: its event loop must never wait without end on this thread."""
        deadline = None if timeout is None else time.monotonic() + timeout
        done = self._queue.all_tasks_done
        with done:
            while self._queue.unfinished_tasks:
                if not self._thread.is_alive():
                    return False
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                done.wait(0.1 if left is None else min(left, 0.1))
        return True

    def close(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join(timeout=5)


class WriteThrough:
    """A `journal.JournalSink`: every journal entry becomes a history row, written on the
    background writer when one is given (the dashboard), else at once (the CLI)."""

    def __init__(
        self,
        history: History,
        *,
        source: str,
        scope: str,
        writer: BackgroundWriter | None = None,
    ) -> None:
        self.history = history
        self.source = source
        self.scope = scope
        self.writer = writer

    def add_secret(self, value: str | None) -> None:
        self.history.add_secret(value)

    def journal_entry(self, entry: JournalEntry) -> None:
        self.events([HistoryEvent.from_entry(entry, source=self.source, scope=self.scope)])

    def events(self, events: Sequence[HistoryEvent]) -> None:
        """Store other rows (status changes) the same way."""
        if self.writer is not None:
            self.writer.submit(events)
        else:
            self.history.write(events)

    def events_later(self, make: MakeEvents) -> None:
        """Store the rows `make()` returns, made on the writer's thread when there is one
        (see `BackgroundWriter.submit_later`)."""
        if self.writer is not None:
            self.writer.submit_later(make)
        else:
            self.history.write(make())
