"""On-call triage in the dashboard: the persistent history, problems, attention and alerts.

The dashboard calls `start` once, `on_poll` after every poll, and the `action_*` methods from
its keys; everything else lives here so the screen itself changes by a few lines:

- every journal entry and every status change a poll sees goes to the history (on a thread);
- problems (fleet/problems.py) are judged after each poll, counted in the triage bar, offered to
  the filter (`problem:`, `!`), and a computer that newly enters `error` or gets stuck raises a
  toast, plus a bell and a desktop notification when the `alerts` setting allows;
- `W` watches the highlighted computer: each of its status changes is announced;
- rows whose status changed are remembered for `ATTENTION_SECONDS` (`recently_changed`);
- a trend of running and problem counts feeds the bar's sparklines.
"""

from __future__ import annotations

import contextlib
import heapq
import time
from collections import deque
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual.notifications import SeverityLevel

from miosa_tui.api.models import Computer
from miosa_tui.fleet.diff import FleetDiff
from miosa_tui.fleet.history import (
    BackgroundWriter,
    History,
    HistoryEvent,
    WriteThrough,
    status_events,
)
from miosa_tui.fleet.humanize import transition
from miosa_tui.fleet.problems import (
    LastAction,
    Problem,
    ProblemRules,
    StatusWatch,
    Suspects,
    find_problems,
    last_actions,
)
from miosa_tui.ui.alerts import Alerts, driver_writer

if TYPE_CHECKING:
    from textual.message import Message
    from textual.message_pump import MessagePump

    from miosa_tui.ui.app import MiosaApp
    from miosa_tui.ui.screens.dashboard import DashboardScreen
    from miosa_tui.ui.widgets.journal_pane import JournalPane, JournalView
    from miosa_tui.ui.widgets.timeline import TimelinePane
    from miosa_tui.ui.widgets.triage_bar import TriageBar

ATTENTION_SECONDS = 30.0
ALERT_TOAST_SECONDS = 60.0  # a breakage stays on screen long enough to be seen
TREND_POINTS = 120
ALERT_KINDS = frozenset({"error", "stuck"})
# The filter term `!` toggles.
PROBLEMS_ONLY = "problem:any"
# How long the event loop waits for the history writer before reading the history (journal
# pane, incident export) or closing it: never without end (a writer stuck on a locked file or
# gone would otherwise freeze the app); past it the newest rows are simply not in that read.
FLUSH_SECONDS = 5.0


class Triage:
    """Owned by the app (it outlives a screen); the dashboard hands itself over in `start`."""

    def __init__(
        self,
        app: MiosaApp,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.clock = clock
        self.monotonic = monotonic
        self.scope = app.backend.history_scope
        self.rules = ProblemRules.from_settings(app.config.values)
        self.history: History | None = None
        self.writer: BackgroundWriter | None = None
        self.sink: WriteThrough | None = None
        self.status_watch = StatusWatch(clock)
        self.problems: dict[str, Problem] = {}
        # Problem kind by computer id, read by the filter (`problem:`); updated in place.
        self.kinds: dict[str, str] = {}
        self.watched: set[str] = set()
        self.changed_at: dict[str, float] = {}
        self.running_trend: deque[float] = deque(maxlen=TREND_POINTS)
        self.problem_trend: deque[float] = deque(maxlen=TREND_POINTS)
        self.fleet_trend: deque[float] = deque(maxlen=TREND_POINTS)  # computers listed
        self._history_actions: dict[str, LastAction] = {}
        self._last: dict[str, Computer] = {}
        self._polls = 0
        # The computers worth judging after a poll, as of fleet snapshot `_suspects_at`.
        self.suspects = Suspects()
        self._suspects_at = -1
        self.alerts = Alerts(app.config.alerts, None)
        self.screen: DashboardScreen | None = None
        # Told by a TimelineChanged message when what they show changed (see `timeline_changed`)
        self.timelines: list[MessagePump] = []
        # The journal pane, told by a HistoryRecorded message of the rows the writer stores.
        self.journals: list[MessagePump] = []
        self.batches_recorded = 0  # by the history writer (its thread alone adds to it)
        self.bar: TriageBar | None = None  # found by `install`; a DOM query per poll cost ~4 ms
        self._history_asked = False  # `open_history` was called (it opens the history once)

    # -- life cycle ---------------------------------------------------------------------------

    def start(self, screen: DashboardScreen) -> None:
        """The dashboard hands itself over at its mount (the history opens later:
        `open_history`)."""
        self.screen = screen
        self.alerts.write = driver_writer(self.app)

    def open_history(self) -> None:
        """Open the history on a thread, once, then write the journal through to it. Called
        once the first rows are painted (the first poll records no row: its snapshot is not
        news): the disk, SQLite and the earlier sessions' actions are not paid for before them.
        A history problem (damaged or locked file) is one warning toast; the dashboard works on
        without history."""
        if self.screen is None or self._history_asked:
            return
        self._history_asked = True
        self.screen.run_worker(
            self._open_history, thread=True, group="history", exit_on_error=False
        )

    def _open_history(self) -> None:
        cfg = self.app.config
        history = History.open(
            max_age_days=cfg.history_days,
            max_mb=cfg.history_max_mb,
            secrets=[self.app.backend.settings.api_key],
        )
        # What earlier sessions (and scripts) did: their failed actions are problems too.
        earlier = last_actions(history.last_action_events(scope=self.scope))
        self.app.call_from_thread(self._opened, history, earlier)

    def _opened(self, history: History, earlier: dict[str, LastAction]) -> None:
        self.history = history
        if history.problem:
            self.app.notify(history.problem, severity="warning", timeout=12, markup=False)
        history.on_problem(self._history_failed)
        if not history.available:
            return
        self.writer = BackgroundWriter(
            history, on_written=self._recorded, yield_to=self.app.foreground
        )
        self.sink = WriteThrough(history, source="dashboard", scope=self.scope, writer=self.writer)
        self.app.journal.attach(self.sink)
        self._history_actions = earlier
        if self._polls:
            self.refresh_problems(alert=False)
        self.timeline_changed(None)  # a timeline read before the history opened was empty

    def _recorded(self, events: Sequence[HistoryEvent]) -> None:
        """On the history writer's thread: these rows are stored, read them again (the
        timelines) or add them (the journal pane)."""
        self.timeline_changed(frozenset(e.target_id for e in events if e.target_id))
        # Counted once stored, before it is told: a pane that reads the history after reading
        # this count finds those batches in what it read (`JournalPane.read_after`).
        self.batches_recorded += 1
        if self.journals:  # (made on the first `j`: its module is loaded by then)
            from miosa_tui.ui.widgets.journal_pane import HistoryRecorded

            batch = self.batches_recorded
            _tell(self.journals, lambda: HistoryRecorded(events, batch))

    def timeline_changed(self, computer_ids: frozenset[str] | None) -> None:
        """Tell the timelines (thread-safe: only posts messages)."""
        if not self.timelines:
            return  # none yet: the side panes are built after the first rows are painted
        from miosa_tui.ui.widgets.timeline import TimelineChanged

        _tell(self.timelines, lambda: TimelineChanged(computer_ids))

    def _history_failed(self, sentence: str) -> None:
        """The history turned itself off (locked, damaged, disk full): one warning toast.
        Called from the writer or a reader thread, or from the event loop itself. Never waits
        for the event loop: that loop may itself be waiting for the writer (`flush`), and
        `call_from_thread` there would hold both forever."""
        # App.notify is thread-safe: it only posts a message to the app.
        with contextlib.suppress(RuntimeError):  # the app's loop is closed: no one to tell
            self.app.notify(sentence, severity="warning", timeout=12, markup=False)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.flush(FLUSH_SECONDS)
            self.writer.close()
        if self.history is not None:
            self.history.close()

    # -- polls --------------------------------------------------------------------------------

    def on_poll(self, diff: FleetDiff | None) -> set[str]:
        """After a poll: history rows, problems, alerts, attention, trend. Returns the ids that
        newly need attention (their rows show the ◆ from now on)."""
        fresh: set[str] = set()
        if diff is None:
            return fresh
        fleet = self.app.fleet.computers
        first = self._polls == 0
        self._polls += 1
        now = self.clock()
        self.status_watch.update(diff, first=first)
        if self._suspects_at == self.app.fleet.version - 1:
            self.suspects.update(diff)  # else rebuilt from the whole fleet (refresh_problems)
            self._suspects_at = self.app.fleet.version
        if self.sink is not None and not diff.is_empty:
            before, scope = self._last, self.scope  # neither changes: the rows are made later
            self.sink.events_later(
                lambda: status_events(
                    diff, before, at=now, first=first, source="dashboard", scope=scope
                )
            )
        if not first:
            stamp = self.monotonic()
            changed_at = self.changed_at  # kept in the order of the stamps: see expire_attention
            for old, new, names in diff.changed:
                if "status" in names:
                    if changed_at.pop(new.id, None) is None:
                        fresh.add(new.id)
                    changed_at[new.id] = stamp
                    if new.id in self.watched:
                        self._announce_watch(new, old.status)
            for computer in diff.added:
                if changed_at.pop(computer.id, None) is None:
                    fresh.add(computer.id)
                changed_at[computer.id] = stamp
        for ident in diff.removed:
            if ident in self.watched:
                gone = self._last.get(ident)
                name = gone.name if gone else ident
                self._toast(f"Watched computer {name} is gone from the list.", "warning")
                self.watched.discard(ident)
        self._last = fleet
        self.refresh_problems(alert=not first)
        counts = self.app.fleet.counts_by_status()
        self.running_trend.append(float(counts.get("running", 0)))
        self.problem_trend.append(float(len(self.problems)))
        self.fleet_trend.append(float(len(fleet)))
        return fresh

    def refresh_problems(self, *, alert: bool = True) -> bool:
        """Judge the fleet again; returns whether the set of problem computers changed."""
        now = self.clock()
        actions = dict(self._history_actions)
        actions.update(last_actions(self.app.journal))
        fleet = self.app.fleet
        if self._suspects_at != fleet.version:
            self.suspects.rebuild(fleet.computers.values())
            self._suspects_at = fleet.version
        computers = fleet.computers
        judged = self.suspects.ids.union(actions)
        found = find_problems(
            (computers[ident] for ident in judged if ident in computers),
            now=now,
            rules=self.rules,
            observed=self.status_watch.observed,
            last_actions=actions,
        )
        before = self.problems
        self.problems = {p.computer.id: p for p in found}
        self.kinds.clear()
        self.kinds.update({ident: p.kind for ident, p in self.problems.items()})
        if alert:
            for problem in found:
                old = before.get(problem.computer.id)
                if problem.kind in ALERT_KINDS and (old is None or old.kind != problem.kind):
                    self._alert(problem, now)
        return set(before) != set(self.problems)

    def _alert(self, problem: Problem, now: datetime) -> None:
        name = problem.computer.name
        title = f"{name} is {'in error' if problem.kind == 'error' else 'stuck'}"
        self._toast(f"{title}: {problem.reason}", "error", timeout=ALERT_TOAST_SECONDS)
        self.alerts.announce(f"miosa-tui: {title}", problem.reason)

    def _announce_watch(self, computer: Computer, old_status: str) -> None:
        change = transition(old_status, computer.status)
        self._toast(f"Watched {computer.name}: {change}", "information")
        self.alerts.announce(f"miosa-tui: {computer.name}", change)

    def _toast(self, message: str, severity: SeverityLevel, timeout: float = 10.0) -> None:
        if self.alerts.level == "off" and severity != "warning":
            return
        self.app.notify(message, severity=severity, timeout=timeout, markup=False)

    # -- what the screen asks -----------------------------------------------------------------

    def expire_attention(self) -> set[str]:
        """Forget the changes older than ATTENTION_SECONDS; returns their ids (to redraw).
        `changed_at` is in the order of its stamps (a change stamped again moves to the end),
        so only the ones that expire are read (at 100,000 computers reading all of them, ~20,000
        in 30 s, took ~11 ms of each poll)."""
        now = self.monotonic()
        gone: set[str] = set()
        for ident, stamp in self.changed_at.items():
            if now - stamp <= ATTENTION_SECONDS:
                break
            gone.add(ident)
        for ident in gone:
            del self.changed_at[ident]
        return gone

    def recently_changed(self, ident: str) -> bool:
        stamp = self.changed_at.get(ident)
        return stamp is not None and self.monotonic() - stamp <= ATTENTION_SECONDS

    def toggle_watch(self, computer: Computer | None) -> str:
        if computer is None:
            return "No computer is highlighted."
        if computer.id in self.watched:
            self.watched.discard(computer.id)
            return f"No longer watching {computer.name}."
        self.watched.add(computer.id)
        return f"Watching {computer.name}: every status change will be announced."

    def timeline(self, ident: str, limit: int = 50) -> list[HistoryEvent]:
        if self.history is None:
            return []
        return self.history.events([ident], scope=self.scope, limit=limit)

    def recent(self, actions: int = 300, statuses: int = 200) -> tuple[list[HistoryEvent], bool]:
        """The newest `actions` actions and `statuses` status changes, oldest first, and whether
        older status changes were left out. Two windows: a moving fleet of 10,000 records ~970
        status changes a poll, which pushed every action out of one window of 500 rows."""
        if self.history is None:
            return [], False
        done = self.history.events(scope=self.scope, kind="action", limit=actions)
        seen = self.history.events(scope=self.scope, kind="status", limit=statuses)
        return list(heapq.merge(done, seen, key=lambda event: event.at)), len(seen) >= statuses

    def export_markdown(self, path: str, targets: list[str]) -> Path:
        """The incident timeline of `targets` (all computers when empty) written to `path`."""
        from miosa_tui.fleet.incident import incident_markdown

        if self.writer is not None:
            self.writer.flush(FLUSH_SECONDS)
        events = (
            self.history.events(targets, scope=self.scope, limit=100_000)
            if self.history is not None
            else []
        )
        known = self.app.fleet.computers
        names = {ident: known[ident].name for ident in targets if ident in known}
        text = incident_markdown(
            events, now=self.clock(), targets=targets, scope=self.scope, names=names
        )
        target = Path(path).expanduser()
        target.write_text(text, encoding="utf-8")
        return target

    def summary(self) -> Text:
        """'⚠ 3 problems: 1 error, 2 stuck' (empty when there are none)."""
        if not self.problems:
            return Text("")
        by_kind: dict[str, int] = {}
        for problem in self.problems.values():
            by_kind[problem.kind] = by_kind.get(problem.kind, 0) + 1
        count = len(self.problems)
        line = Text()
        line.append(f" ⚠ {count} problem{'s' if count != 1 else ''} ", style="bold white on red")
        line.append(" " + ", ".join(f"{n} {kind}" for kind, n in by_kind.items()), style="red")
        return line


# -- the dashboard's side: a few calls, so dashboard.py changes by a few lines -----------------


def install(screen: DashboardScreen) -> None:
    """Start triage, counted in the triage bar the dashboard composes above the table. (The
    timeline comes with the side panes: `timeline`.)"""
    from miosa_tui.ui.widgets.computer_table import ComputerTable
    from miosa_tui.ui.widgets.triage_bar import TriageBar

    triage = screen.miosa.triage
    triage.start(screen)
    table = screen.query_one("#computers", ComputerTable)
    table.attention = triage.recently_changed
    triage.bar = screen.query_one("#triage-bar", TriageBar)


def _tell(panes: list[MessagePump], message: Callable[[], Message]) -> None:
    """Post a new `message()` to each of `panes` (thread-safe: post_message only queues)."""
    for pane in list(panes):
        with contextlib.suppress(RuntimeError):  # the pane or the loop is gone (shutdown)
            pane.post_message(message())


def journal(screen: DashboardScreen) -> JournalPane:
    """The journal pane (made on the first `j`), told of the rows the history records."""
    from miosa_tui.ui.widgets.journal_pane import JournalPane

    pane = JournalPane(partial(journal_lines, screen), id="journal")
    screen.miosa.triage.journals.append(pane)
    return pane


def timeline(screen: DashboardScreen) -> TimelinePane:
    """The highlighted computer's timeline, for the side panes to show under Details."""
    from miosa_tui.ui.widgets.timeline import TimelinePane

    triage = screen.miosa.triage
    pane = TimelinePane(
        triage.timeline, lambda ident: triage.problems.get(ident), triage.clock, id="timeline"
    )
    triage.timelines.append(pane)
    return pane


def after_poll(screen: DashboardScreen, diff: FleetDiff | None) -> None:
    """The dashboard's poll hook: judge, record, alert, then redraw what depends on problems."""
    from miosa_tui.ui.widgets.computer_table import ComputerTable

    triage = screen.miosa.triage
    problems_before = dict(triage.problems)
    before = set(problems_before)
    fresh = triage.on_poll(diff)
    after = triage.problems
    moved = {i for i in before | set(after) if problems_before.get(i) != after.get(i)}
    if moved:
        triage.timeline_changed(frozenset(moved))  # their "Problem:" line
    # The ◆ of rows whose status just changed, and of those whose moment has passed.
    expired = triage.expire_attention()
    if fresh or expired:
        screen.query_one(ComputerTable).redraw(fresh | expired)
    if set(triage.problems) != before and any(t.key == "problem" for t in screen.filter.terms):
        screen._render_table(dirty=None)
        screen._update_header_counts()
    if triage.bar is not None:
        triage.bar.show(
            triage.summary(),
            triage.running_trend,
            triage.problem_trend,
            max(triage.fleet_trend, default=0),
        )


def act(screen: DashboardScreen, name: str) -> None:
    """`!` problems only, `W` watch, `D` describe, and the palette's incident export."""
    triage = screen.miosa.triage
    if name == "problems_only":
        text = screen.filter.text
        if PROBLEMS_ONLY in text.split():
            text = " ".join(t for t in text.split() if t != PROBLEMS_ONLY)
        else:
            text = f"{text} {PROBLEMS_ONLY}".strip()
        screen._apply_filter(text)
        shown = "Showing only computers with a problem (! shows all)."
        screen.notify(
            shown if PROBLEMS_ONLY in text else "Showing every computer.", timeout=3, markup=False
        )
    elif name == "watch":
        screen.notify(triage.toggle_watch(screen.highlighted), timeout=4, markup=False)
    elif name == "export":
        from miosa_tui.ui.screens.forms import export_to_chosen_path

        ids = [c.id for c in screen._targets()]  # the targets when the key was pressed
        default = f"miosa-incident-{time.strftime('%Y%m%d-%H%M%S')}.md"
        export_to_chosen_path(
            screen,
            "Export the incident timeline",
            default,
            lambda path: triage.export_markdown(path, ids),
            "Incident timeline written to",
        )
    elif name == "describe":
        from miosa_tui.ui.screens.describe import DescribeScreen

        computer = screen.highlighted
        if computer is None:
            screen.notify("No computer is highlighted.", severity="warning", markup=False)
            return
        app = screen.miosa
        app.push_screen(
            DescribeScreen(computer.id, computer.name, app.client.get_json, app.journal.redact)
        )


def journal_lines(screen: DashboardScreen) -> JournalView:
    """What the journal pane shows: the history (earlier sessions and scripts included) when
    it is available, else this session's journal."""
    from miosa_tui.ui.widgets.journal_lines import entry_line, event_line, left_out_line
    from miosa_tui.ui.widgets.journal_pane import JournalView

    triage = screen.miosa.triage
    if triage.history is not None and triage.history.available:
        # Not after a flush of the writer: rows still queued reach the pane once stored
        # (`HistoryRecorded`); flushed here, they were read and then drawn again as they came,
        # and the loop could wait for a writer that waits for the loop's paint (up to 1 s).
        batches = triage.batches_recorded  # before the read: every batch it counts is in it
        events, more = triage.recent()
        lines = [event_line(event) for event in events]
        if more:  # before the oldest status change drawn
            first = next(i for i, event in enumerate(events) if event.kind == "status")
            lines.insert(first, left_out_line(events[first].at))
        return JournalView(lines, True, batches)
    return JournalView([entry_line(e) for e in screen.miosa.journal.entries], False, 0)
