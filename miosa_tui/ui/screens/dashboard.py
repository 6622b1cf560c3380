"""The screen users live in: the live table, the header, details, desktop and access panes."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.dom import DOMNode
from textual.message import Message
from textual.screen import Screen
from textual.signal import Signal
from textual.timer import Timer
from textual.widgets import DataTable, Input, Static

from miosa_tui.api.errors import MiosaError
from miosa_tui.api.models import Computer
from miosa_tui.fleet.diff import FleetDiff
from miosa_tui.fleet.filter import Filter, parse_filter
from miosa_tui.fleet.journal import JournalEntry
from miosa_tui.fleet.poller import Poller, SettledAction
from miosa_tui.fleet.sorting import SORT_FIELDS, SORTABLE, Selection, select, select_rows
from miosa_tui.safe_text import safe
from miosa_tui.ui import triage
from miosa_tui.ui.action_flow import PendingShown
from miosa_tui.ui.keymap import with_keymap
from miosa_tui.ui.services import miosa_app
from miosa_tui.ui.widgets.computer_table import CURSOR_ACTIONS, ComputerTable
from miosa_tui.ui.widgets.desktop import keys as desktop_keys
from miosa_tui.ui.widgets.fleet_header import FleetHeader
from miosa_tui.ui.widgets.footer import Footer
from miosa_tui.ui.widgets.ordered_input import OrderedInput
from miosa_tui.ui.widgets.triage_bar import TriageBar
from miosa_tui.ui.worker_errors import ReportsWorkerErrors

if TYPE_CHECKING:
    from pathlib import Path

    from miosa_tui.ui.app import MiosaApp
    from miosa_tui.ui.widgets.computer_pane import ComputerPane
    from miosa_tui.ui.widgets.desktop.pane import ScreenshotPane
    from miosa_tui.ui.widgets.journal_pane import JournalPane
    from miosa_tui.ui.widgets.side_panes import SidePanes

# Seconds after the last key before a typed filter is worked out (one pass per pause in typing,
# not one per key: at 20 keys a second each key would otherwise filter the whole fleet).
FILTER_DEBOUNCE = 0.06
# From this many computers a poll that moves rows filters and sorts in a thread too.
THREAD_ROWS_AT = 5000
# Seconds after the dashboard opens when what waits for the first rows (the side panes, the
# history) comes even if the first listing has not been shown yet (it comes as soon as it is:
# see _after_first_rows).
FIRST_ROWS_AT_LATEST = 0.5
# A key that acts on the side panes (Access, Details, the desktop's keys), given them once built.
PaneKey = Callable[["SidePanes"], Awaitable[object]]


class ListingProgress(Message):
    """A page of the first listing arrived (`DashboardScreen._fetch`): its new computers, how
    many are listed so far, and the total the server announced."""

    def __init__(self, page: list[Computer], listed: int, total: int | None) -> None:
        super().__init__()
        self.page = page
        self.listed = listed
        self.total = total


class DashboardScreen(ReportsWorkerErrors, Screen[None]):
    """Owns polling, filtering and sorting; widgets only render what it hands them."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "act('start')", "Start", id="table.start"),
        Binding("S", "act('stop')", "Stop", id="table.stop"),
        Binding("r", "act('restart')", "Restart", id="table.restart"),
        Binding("d", "act('destroy')", "Destroy", id="table.destroy"),
        Binding("c", "act('clone')", "Clone", id="table.clone"),
        Binding("m", "act('move')", "Move", id="table.move"),
        Binding("z", "act('resize')", "Resize", id="table.resize"),
        Binding("n", "act('create')", "New", id="table.create"),
        # Priority: run by the App before it forwards the next key. As an ordinary binding it ran
        # only when the `/` had gone through the table and bubbled back, and keys typed right
        # after it had already been sent to the table (`s` started a computer, `st` was lost).
        Binding("slash", "filter", "Filter", priority=True, id="table.filter"),
        Binding("escape", "back_to_table", "Clear filter, to table", show=False, id="table.back"),
        Binding("greater_than_sign", "sort(1)", "Sort →", show=False, id="table.sort_next"),
        Binding("less_than_sign", "sort(-1)", "Sort ←", show=False, id="table.sort_prev"),
        Binding("equals_sign", "sort_reverse", "Reverse sort", show=False, id="table.sort_reverse"),
        Binding("p", "toggle_pause", "Pause", id="app.pause"),
        Binding("ctrl+r,f5", "refresh_now", "Refresh", show=False, id="app.refresh"),
        Binding("plus", "interval(1)", "Slower", show=False, id="app.interval_up"),
        Binding("minus", "interval(-1)", "Faster", show=False, id="app.interval_down"),
        Binding("j", "toggle_journal", "Journal", id="app.journal"),
        Binding("J", "export_journal", "Export journal", show=False, id="app.journal_export"),
        Binding("a", "focus_access", "Access", show=False, id="app.focus_access"),
        Binding("i", "focus_details", "Details", show=False, id="app.focus_details"),
        # The access panel's keys also work from the table, on the panel's selected entry
        # (the public URL unless another entry was picked); same ids, so one remap covers both.
        Binding("y", "access('copy_entry')", "Copy", id="access.copy"),
        Binding("Y", "access('copy_menu')", "Copy as…", show=False, id="access.copy_menu"),
        Binding("o", "access('open_entry')", "Open URL", show=False, id="access.open"),
        Binding("exclamation_mark", "triage('problems_only')", "Problems", id="table.problems"),
        Binding("W", "triage('watch')", "Watch", show=False, id="table.watch"),
        Binding("D", "triage('describe')", "Describe", show=False, id="table.describe"),
        *desktop_keys.SCREEN_BINDINGS,
    ]
    INTERVALS = (1.0, 2.0, 5.0, 10.0, 30.0, 60.0)
    # Highlight moves closer together than this (a held key) update the panes once, this long
    # after the last: a held page down spent ~10 ms a key redrawing panes no one could read
    # (45 page downs on 10,000 computers: loop CPU 1.46-1.73 s -> 1.27-1.32 s, see README).
    PANES_SETTLE = 0.08

    def __init__(self) -> None:
        super().__init__()
        self.filter: Filter = parse_filter("")
        self.sort_key: str | None = None
        self.sort_reverse = False
        self.paused = False
        self._resume = asyncio.Event()
        self._resume.set()
        self._highlighted: str | None = None  # the computer the panes show
        # What tells a held key: the clock of the table's highlight moves, and the last one.
        self.moves_clock: Callable[[], float] = time.monotonic
        self._moved_at = 0.0
        self._panes_due: Timer | None = None  # the panes' catch-up after a held key
        self.poller: Poller | None = None
        self._wanted_text = ""  # the filter typed, applied or about to be (see _recompute)
        self._paused_before_suspend = False
        self._panes: list[ComputerPane] = []  # told of every highlight (see add_pane)
        self.side_panes: SidePanes | None = None  # the right column, once built and mounted
        self._after_first_rows_due = False  # _after_first_rows is scheduled (it runs once)
        # Pane keys pressed while the side panes are still being built, run once they are.
        self._pane_keys_due: list[PaneKey] = []
        self._reveal_lock: str | None = None  # why secrets may not be shown (lock_reveals)
        # Published once rows a poll or a filter brought are on screen (the row count).
        self.rows_painted: Signal[int] = Signal(self, "rows-painted")
        self._dirty: set[str] = set()  # changed rows a pending _recompute must redraw
        self._journal: JournalPane | None = None  # made on first `J` (see action_toggle_journal)

    @property
    def miosa(self) -> MiosaApp:
        return miosa_app(self.app)

    # -- layout ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        app = self.miosa
        yield FleetHeader(app.fleet, app.clock, id="fleet-header")
        with Horizontal(id="main"):
            with Vertical(id="left"):
                # Composed, not mounted by triage.install: a bar mounted after the first layout
                # laid the whole screen out again just after the first rows were painted.
                yield TriageBar(id="triage-bar")
                yield ComputerTable(app.fleet, clock=app.clock, id="computers")
                yield OrderedInput(
                    placeholder="filter: name, id, status:running, region:us-mia, !status:stopped",
                    id="filter-input",
                    classes="hidden",
                )
                yield Static("", id="filter-error", classes="hidden")
            # The desktop, details and access panes: built after the first rows are painted.
            yield Vertical(id="right")
        yield Footer()

    def add_pane(self, pane: ComputerPane) -> None:
        """Tell `pane` of every highlight from now on, starting with the current one (the side
        panes come after the first rows: see _mount_side_panes)."""
        self._panes.append(pane)
        pane.show_computer(self.miosa.fleet.computers.get(self._highlighted or ""))

    def _after_first_rows_soon(self) -> None:
        """Once the screen has painted what it has now (the first rows): `_after_first_rows`."""
        if not self._after_first_rows_due:
            self._after_first_rows_due = True
            self.call_after_refresh(self._after_first_rows)

    def _after_first_rows(self) -> None:
        """What the first rows do not wait for: the history, opened on a thread, and the side
        panes."""
        if not self.is_attached:
            return
        self.miosa.triage.open_history()
        self._mount_side_panes()

    def _mount_side_panes(self) -> None:
        """Build the right column (desktop, Details with the timeline, Access); once it is
        mounted (`SidePanes.Built`) it shows the highlighted computer. Its modules and its first
        layout are not paid for before the table's first rows are on screen
        (`ui/widgets/side_panes.py`)."""
        if not self.is_attached:
            return
        from miosa_tui.ui.widgets.side_panes import SidePanes

        app = self.miosa
        side = SidePanes(
            renderer=app.config.image_renderer, fleet=app.fleet, timeline=triage.timeline(self)
        )
        side.access.reveal_lock = self._reveal_lock
        self.query_one("#right").mount(side)

    async def on_side_panes_built(self, event: SidePanes.Built) -> None:
        """The side panes are ready: from now on they follow the highlight, and their keys act,
        starting with any pressed while they were built."""
        side = self.side_panes = event.side_panes
        side.access.reveal_lock = self._reveal_lock  # in case it changed meanwhile
        for pane in side.panes:
            self.add_pane(pane)
        self.refresh_bindings()
        due, self._pane_keys_due = self._pane_keys_due, []
        for key in due:
            await key(side)

    async def _on_side_panes(self, key: PaneKey) -> None:
        """Run a pane's key on the side panes, or once they are built: they come just after the
        first rows, and a key pressed as soon as the rows show (`a` for Access) was lost. With
        no rows shown yet there is nothing for a pane to show: the key does nothing, rather
        than act seconds later, when the listing lands."""
        if self.side_panes is not None:
            await key(self.side_panes)
        elif self.query_one(ComputerTable).row_count:
            self._pane_keys_due.append(key)
            self._after_first_rows_soon()

    def on_mount(self) -> None:
        app = self.miosa
        if app.return_code is not None:
            return  # exiting already (a hang-up at start): the children may be gone
        header = self.query_one(FleetHeader)
        header.backend = app.backend.label
        header.simulated = app.backend.simulated
        header.read_only = app.read_only
        if app.backend.simulated:
            self.notify(simulated_greeting(app), title="Simulated fleet", timeout=8, markup=False)
        else:
            # Hidden by Textual's CSS, but when the screen resumes with no toasts Textual hides
            # the toast rack again by a rule of its own, which lays the whole screen out once
            # more just after the first rows are painted (~10 ms, and a frame's wait). Set now,
            # before the first layout, that rule changes nothing later.
            # (There is no rack when the app shows no notifications: run_test by default.)
            self.query("#textual-toastrack").set(display=False)
        self._reveal_lock = app.presentation.reveal_lock
        self.query_one(ComputerTable).focus()
        # What the app and its action flow tell the screen (they never call into it).
        app.actions.marks_used.subscribe(self, self._marks_used)
        app.actions.pending_shown.subscribe(self, self._pending_shown)
        app.app_suspend_signal.subscribe(self, self._suspended)
        app.app_resume_signal.subscribe(self, self._resumed)
        self.set_interval(0.25, self._tick)
        app.journal.subscribe(self._on_journal_entry)
        self.poller = Poller(
            app.fleet, self._fetch, self._on_poll, clock=app.clock, yield_to=app.foreground
        )
        triage.install(self)  # history, problems, alerts (ui/triage.py)
        self.run_worker(self.poller.run(), group="poll", exit_on_error=False, name="poller")
        self.set_timer(FIRST_ROWS_AT_LATEST, self._after_first_rows_soon)

    # -- polling ---------------------------------------------------------------------------
    async def _fetch(self) -> list[Computer]:
        await self._resume.wait()
        if self.paused:  # a single refresh asked for while paused (ctrl+r)
            self._resume.clear()
        # The first listing of a big fleet takes a while (100,000 computers: 200 pages): its
        # first page is shown as soon as it arrives (`_listing_progress`).
        fleet = self.miosa.fleet
        first = fleet.last_success is None and not fleet.computers
        # On the client's own loop thread: HTTP parsing, JSON and models for a big fleet never
        # hold this event loop (the diff runs in a worker thread too, see fleet.poller).
        return await self.miosa.client.list_computers(
            in_background=True,
            progress=self._post_listing_progress if first else None,
            yield_to=self.miosa.foreground,
        )

    def _post_listing_progress(self, page: list[Computer], listed: int, total: int | None) -> None:
        """On the listing's own thread: hand the news to this screen (post_message is
        thread-safe)."""
        self.post_message(ListingProgress(page, listed, total))

    @on(ListingProgress)
    def _listing_progress(self, event: ListingProgress) -> None:
        """The first listing is under way: show its first page at once (sorted and filtered as
        asked) and how far it has got in the header. The rows are only shown: until the listing
        is complete and applied the fleet is empty, so no action has a target yet (the keys
        are greyed) and nothing is judged or recorded from a part of the fleet."""
        fleet = self.miosa.fleet
        if fleet.last_success is not None:
            return  # the listing landed first
        self.query_one(FleetHeader).listing = (event.listed, event.total)
        table = self.query_one(ComputerTable)
        if table.row_count == 0 and event.page:
            first = {c.id: c for c in event.page}
            table.sync(select_rows(first, self.filter, {}, self.sort_key, self.sort_reverse))

    def _on_poll(self, diff: FleetDiff | None, settled: list[SettledAction]) -> None:
        app = self.miosa
        # Until this poll is painted, the history writer (making this poll's rows) waits: a
        # thread of Python beside the loop doubled the loop's wall time (api/foreground.py).
        self._end_after_paint(app.foreground.begin())
        header = self.query_one(FleetHeader)
        if diff is not None and diff.added:
            self.call_after_refresh(self._rows_on_screen)
        self._after_first_rows_soon()  # after this poll's rows (or its error) are painted
        if diff is None:
            header.error = _one_line(app.fleet.last_error)
            # backing off: when the next try really is, not "every 5s"
            header.next_poll = app.clock() + app.fleet.next_delay()
        else:
            header.listing = None
            if not diff.is_empty:
                self._apply_diff(diff)
            else:
                # An unchanged poll touches nothing: re-rendering the panes and the footer on
                # every poll cost ~25 ms of CPU each time for no visible change.
                self.query_one(ComputerTable).unchanged(app.fleet.version)
            header.error = None
            header.next_poll = None
        for done in settled:
            self._settle(done)
        self._update_header_counts()  # redraws the header: the fleet's counts and freshness
        triage.after_poll(self, diff)

    def _rows_on_screen(self) -> None:
        """New rows are painted: tell who listens (the heap settles, see ui/heap.py; the
        start-up benchmark's probe, ui/first_paint.py)."""
        self.rows_painted.publish(self.query_one(ComputerTable).row_count)

    def _apply_diff(self, diff: FleetDiff) -> None:
        """Show a poll's changes: only the changed rows when nothing moves, else a full sync."""
        table = self.query_one(ComputerTable)
        changed = [new for _old, new, _fields in diff.changed]
        if diff.removed:
            table.forget(diff.removed)
        if diff.added or diff.removed or diff.reordered or not self._in_place(diff, table):
            if len(self.miosa.fleet.computers) >= THREAD_ROWS_AT:
                # Filter and sort in a thread (100,000 computers: ~0.5 s on the loop per poll)
                self._dirty.update(c.id for c in changed)
                self._recompute(self._wanted_text)
            else:
                self._render_table(dirty={c.id for c in changed})
            return
        table.update_rows(changed, snapshot=self.miosa.fleet.version)
        current = table.highlighted_id
        touched = {c.id for c in changed}
        if current != self._highlighted or current in touched or touched & table.marked:
            self._after_table_change()

    def _in_place(self, diff: FleetDiff, table: ComputerTable) -> bool:
        """True when the changes move no row: the sort column and filter match are unchanged."""
        if self.sort_key is not None:
            field_name = SORT_FIELDS.get(self.sort_key)
            if field_name is None or any(field_name in names for _o, _n, names in diff.changed):
                return False
        if not self.filter.is_empty:
            shown = table.shown
            return all(
                self.filter.matches(new) == (new.id in shown) for _o, new, _f in diff.changed
            )
        return True

    def _settle(self, done: SettledAction) -> None:
        pending = done.pending
        self.query_one(ComputerTable).redraw([pending.computer_id])
        computer = self.miosa.fleet.computers.get(pending.computer_id)
        name = computer.name if computer else pending.computer_id
        outcome = "ok" if done.outcome == "ok" else done.outcome
        self.miosa.journal.record(
            pending.kind.verb, pending.computer_id, name, outcome, done.message, pending.request_id
        )
        if done.outcome != "ok":
            self.notify(
                f"{pending.kind.verb} {name}: {done.message}",
                severity="error",
                timeout=10,
                markup=False,
            )

    def _visible(self) -> Selection:
        fleet = self.miosa.fleet
        return select(fleet.computers, self.filter, fleet.pending, self.sort_key, self.sort_reverse)

    def _render_table(self, *, dirty: Iterable[str] | None) -> None:
        self._show(self._visible(), dirty, self.miosa.fleet.version)

    def _show(self, rows: Selection, dirty: Iterable[str] | None, snapshot: int) -> None:
        """Show rows selected from fleet snapshot number `snapshot` (`FleetState.version`), in
        the order of the current sort (the header's arrow says which)."""
        table = self.query_one(ComputerTable)
        table.sync(rows.rows, dirty, ids=rows.ids, snapshot=snapshot, whole=rows.whole)
        table.show_sort(self.sort_key, self.sort_reverse)
        self._after_table_change()

    def _after_table_change(self) -> None:
        table = self.query_one(ComputerTable)
        current = table.highlighted_id
        if current != self._highlighted:
            self._highlight(current)
        elif current is not None:
            computer = self.miosa.fleet.computers.get(current)
            if computer is not None:
                for pane in self._panes:
                    pane.computer_changed(computer)
        self.refresh_bindings()

    def _update_header_counts(self) -> None:
        table = self.query_one(ComputerTable)
        header = self.query_one(FleetHeader)
        header.shown = table.row_count
        header.filter_text = self.filter.text
        header.marked = len(table.marked)
        header.paused = self.paused
        header.redraw()  # counts and totals are the fleet's: read afresh

    def _tick(self) -> None:
        self.query_one(ComputerTable).tick()

    # -- highlight ---------------------------------------------------------------------------
    @on(ComputerTable.MarksChanged)
    def _marks_changed(self) -> None:
        # Without this the header's "N marked" and the greyed keys waited for the next poll.
        self._update_header_counts()
        self.refresh_bindings()

    @on(DataTable.RowHighlighted, "#computers")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        # Not the event's row key: the event may be stale (a filter or poll removed or moved
        # rows after it was posted), which left the panes on a computer no longer highlighted.
        current = self.query_one(ComputerTable).highlighted_id
        if current == self._highlighted:
            return
        now = self.moves_clock()
        held = now - self._moved_at < self.PANES_SETTLE
        self._moved_at = now
        if not held:
            # The panes follow in the frame after the table's: one frame with the table's new
            # rows and the panes' new content (a layout when a pane's height changes) was the
            # longest event-loop step of a page down (see "Stop 38" in the README).
            self._after_next_paint(self._settle_highlight)
            return
        # A key held down (or pressed again at once): the table moves with every key and the
        # keys it greys follow it; the panes show where it stops, PANES_SETTLE after the last.
        # (A new timer each time: Timer.reset only restarts the wait at the old deadline, which
        # made the catch-up come 80-160 ms after the last move.)
        self.refresh_bindings()
        if self._panes_due is not None:
            self._panes_due.stop()
        self._panes_due = self.set_timer(self.PANES_SETTLE, self._settle_highlight)

    def _after_next_paint(self, callback: Callable[[], None]) -> None:
        """Call `callback` after the frame being made now is painted. Not `call_after_refresh`
        alone: the table's request to be painted can reach the screen after the callback, which
        then ran before that paint and shared its frame."""
        self.call_after_refresh(self.call_after_refresh, callback)

    def _settle_highlight(self) -> None:
        """The panes catch up with the table's highlight (a held key was released, or a key
        that acts on what they show was pressed)."""
        if self._panes_due is not None:
            self._panes_due.stop()
            self._panes_due = None
        current = self.query_one(ComputerTable).highlighted_id
        if current != self._highlighted:
            self._highlight(current)

    def _highlight(self, computer_id: str | None) -> None:
        computer = self.miosa.fleet.computers.get(computer_id) if computer_id else None
        # A row of the first listing's first page has no computer in the fleet yet (see
        # `_listing_progress`): it counts as highlighted once the listing lands.
        self._highlighted = computer_id if computer is not None else None
        for pane in self._panes:
            pane.show_computer(computer)
        self.refresh_bindings()

    def visible_computers(self) -> list[Computer]:
        """The computers the table shows, in its order."""
        fleet = self.miosa.fleet.computers
        return [fleet[cid] for cid in self.query_one(ComputerTable).visible_ids if cid in fleet]

    @property
    def highlighted(self) -> Computer | None:
        cid = self.query_one(ComputerTable).highlighted_id
        return self.miosa.fleet.computers.get(cid) if cid else None

    def go_to(self, computer_id: str) -> bool:
        """Highlight a computer (palette jump, wall Enter); clears a filter that hides it."""
        table = self.query_one(ComputerTable)
        if not table.go_to(computer_id) and computer_id in self.miosa.fleet.computers:
            self._apply_filter("")
            table.go_to(computer_id)
        table.focus()
        return table.highlighted_id == computer_id

    # -- filter and sort ---------------------------------------------------------------------
    def action_filter(self) -> None:
        box = self.query_one("#filter-input", Input)
        box.remove_class("hidden")
        box.value = self.filter.text
        # Focus now, not on the next tick (`box.focus()` defers): keys typed right after `/`
        # arrive in the same burst and must land in the box, never on the table's action keys.
        self.set_focus(box)

    @on(Input.Changed, "#filter-input")
    def _filter_changed(self, event: Input.Changed) -> None:
        # Debounced and off the loop: each key only (re)starts the worker, whose wait a newer
        # key cancels; the filter over the whole fleet runs in a thread once typing pauses.
        self._wanted_text = event.value
        self._recompute(event.value, FILTER_DEBOUNCE)

    @work(exclusive=True, group="visible", exit_on_error=False)
    async def _recompute(self, text: str, debounce: float = 0.0) -> None:
        """Apply a filter (typed: `debounce` s after the last key) or a new sort, with the rows
        worked out in a thread; a newer call cancels this one."""
        if debounce:
            await asyncio.sleep(debounce)
        wanted = parse_filter(text, self.miosa.triage.kinds)
        # From here to the paint the listing, the poller and the history writer wait for us.
        table = self.query_one(ComputerTable)
        end = self.miosa.foreground.begin()
        try:
            while True:
                fleet = self.miosa.fleet
                snapshot, version = fleet.computers, fleet.version
                pending = frozenset(fleet.pending)
                sort_key, reverse = self.sort_key, self.sort_reverse
                held = table.holds_all_of(version, len(snapshot))
                shown = await asyncio.to_thread(
                    select, snapshot, wanted, pending, sort_key, reverse, held=held
                )
                if fleet.computers is snapshot and (sort_key, reverse) == (
                    self.sort_key,
                    self.sort_reverse,
                ):
                    break  # else a poll or a sort landed meanwhile: work it out again
            self.filter = wanted
            self._show_filter_error()
            dirty, self._dirty = self._dirty, set()
            self._show(shown, dirty, version)
            self.call_after_refresh(self._rows_on_screen)  # a big first load lands here
            self._update_header_counts()
        except BaseException:
            end()
            raise
        self._end_after_paint(end)

    def _end_after_paint(self, end: Callable[[], None]) -> None:
        """Call `end` once the screen has been painted (at once when it is closing)."""
        if not self.call_after_refresh(end):
            end()

    @on(Input.Submitted, "#filter-input")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        box = self.query_one("#filter-input", Input)
        if not event.value.strip():
            box.add_class("hidden")
        self.query_one(ComputerTable).focus()

    def action_back_to_table(self) -> None:
        """Escape clears the filter, from its box or from the table once nothing is marked
        (the table's escape clears the marks first), else brings focus back to the table. It
        cleared the filter from the box only: after `enter`, escape on the table kept it."""
        box = self.query_one("#filter-input", Input)
        table = self.query_one(ComputerTable)
        if box.has_focus or (table.has_focus and self.filter.text):
            box.value = ""
            box.add_class("hidden")
            self._apply_filter("")
            table.focus()
        elif not table.has_focus:
            table.focus()

    def _apply_filter(self, text: str) -> None:
        """Apply a filter now, on the loop (go_to needs the row at once; Escape)."""
        self.workers.cancel_group(self, "visible")
        self._wanted_text = text
        self.filter = parse_filter(text, self.miosa.triage.kinds)
        self._show_filter_error()
        self._render_table(dirty=())
        self._update_header_counts()

    def _show_filter_error(self) -> None:
        error = self.query_one("#filter-error", Static)
        if self.filter.error:
            error.update(safe(f"⚠ {self.filter.error}"))
            error.remove_class("hidden")
        else:
            error.add_class("hidden")

    def action_sort(self, step: int) -> None:
        keys = (None, *SORTABLE)
        index = keys.index(self.sort_key) if self.sort_key in keys else 0
        self.sort_key = keys[(index + step) % len(keys)]
        self._sorted()

    def action_sort_reverse(self) -> None:
        self.sort_reverse = not self.sort_reverse
        self._sorted()

    @on(DataTable.HeaderSelected, "#computers")
    def _header_clicked(self, event: DataTable.HeaderSelected) -> None:
        key = event.column_key.value
        if key not in SORTABLE:
            return
        if self.sort_key == key:
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_key, self.sort_reverse = key, False
        self._sorted()

    def _sorted(self) -> None:
        # Worked out in a thread (with the filter being typed, if any); a sort only moves rows.
        self._recompute(self._wanted_text)
        label = (
            "API order"
            if self.sort_key is None
            else f"{self.sort_key} {'↓' if self.sort_reverse else '↑'}"
        )
        self.query_one(FleetHeader).sort = label
        # No toast: the sorted column's label gets its arrow when the sorted rows are shown
        # (`_show`), as in k9s and htop; cycling through the columns with `>` stacked a toast a
        # key over the side panes.

    # -- polling controls --------------------------------------------------------------------
    def action_toggle_pause(self) -> None:
        self.set_paused(not self.paused)
        self.notify(
            "Refresh paused (p resumes)" if self.paused else "Refresh resumed",
            timeout=3,
            markup=False,
        )

    def set_paused(self, paused: bool) -> None:
        self.paused = paused
        if paused:
            self._resume.clear()
        else:
            self._resume.set()
            if self.poller is not None:
                self.poller.poke()
        self._update_header_counts()

    def action_refresh_now(self) -> None:
        """Poll now. While paused: one poll, and the pause stays (as k9s users expect a
        refresh not to undo a pause they chose); the toast says so."""
        if self.paused:
            self._resume.set()  # `_fetch` lets this one poll through, then waits again
            self.notify("Refreshed once; still paused (p resumes)", timeout=3, markup=False)
        if self.poller is not None:
            self.poller.poke()

    def action_interval(self, step: int) -> None:
        self.set_interval_seconds(self._next_interval(step))

    def _next_interval(self, step: int) -> float:
        current = self.miosa.fleet.policy.interval
        options = sorted({*self.INTERVALS, current})
        index = options.index(current) + step
        return options[max(0, min(len(options) - 1, index))]

    def set_interval_seconds(self, seconds: float) -> None:
        fleet = self.miosa.fleet
        fleet.policy = dataclasses.replace(
            fleet.policy, interval=seconds, fast_interval=min(fleet.policy.fast_interval, seconds)
        )
        self.query_one(FleetHeader).redraw()  # "every Ns" is the fleet's policy
        self.notify(f"Refreshing every {seconds:g} s", timeout=2, markup=False)
        if self.poller is not None:
            self.poller.poke()

    # -- panes -------------------------------------------------------------------------------
    def action_toggle_journal(self) -> None:
        """Show or hide the journal. The pane is made the first time it is asked for: it is a
        RichLog, whose import (rich.pretty, attrs) would add ~40 ms to every start-up."""
        pane = self._journal
        if pane is not None:
            pane.toggle_class("hidden")
        else:
            pane = self._journal = triage.journal(self)
            self.query_one("#left").mount(pane)
        if pane.display:
            self.call_after_refresh(pane.replay)

    def _on_journal_entry(self, entry: JournalEntry) -> None:
        pane = self._journal
        if pane is not None and pane.is_attached:
            pane.add_entry(entry)

    def action_export_journal(self) -> None:
        from miosa_tui.ui.screens.forms import export_to_chosen_path

        def write(path: str) -> Path:
            if path.endswith(".md"):  # the incident timeline of the target computers
                return self.miosa.triage.export_markdown(path, [c.id for c in self._targets()])
            return self.miosa.journal.export(path, "json" if path.endswith(".json") else "text")

        default = f"miosa-journal-{time.strftime('%Y%m%d-%H%M%S')}.txt"
        export_to_chosen_path(self, "Export the journal", default, write, "Journal exported to")

    async def action_focus_access(self) -> None:
        async def focus_access(side: SidePanes) -> None:
            side.show_tab("tab-access")
            side.access.focus()

        await self._on_side_panes(focus_access)

    async def action_focus_details(self) -> None:
        async def focus_details(side: SidePanes) -> None:
            side.show_tab("tab-details")
            # Focus left inside the Access panel would switch the tabs straight back.
            focused = self.focused
            if focused is not None and side.access in focused.ancestors_with_self:
                self.query_one(ComputerTable).focus()

        await self._on_side_panes(focus_details)

    def action_focus_table(self) -> None:
        self.query_one(ComputerTable).focus()

    async def action_desktop(self, name: str) -> None:
        """A desktop key pressed while the table has focus: the pane's action, as if it had
        focus (its check_action applies)."""
        await self._on_side_panes(lambda side: side.desktop.run_action(name))

    async def action_access(self, name: str) -> None:
        """An access key pressed while the table has focus, on the panel's selected entry."""
        await self._on_side_panes(lambda side: side.access.run_action(name))

    def on_screenshot_pane_wall_choice(self, event: ScreenshotPane.WallChoice) -> None:
        """The wall's Enter: the table's cursor goes to the computer picked there."""
        if not self.go_to(event.computer_id):
            self.notify("That computer is no longer in the list.", severity="warning", markup=False)

    # -- actions -------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "filter" and isinstance(self.focused, Input):
            return False  # a `/` typed into an input is text (the priority binding yields)
        if action == "act":
            try:
                targets = self._targets()
            except NoMatches:  # asked while the screen is being built or torn down
                return None
            return self.miosa.actions.check(str(parameters[0]), targets)
        return True

    def help_note(self, node: DOMNode | None, binding: Binding) -> str | None:
        """For `?`: the mutating keys are listed but dimmed in read-only mode."""
        if node is self and self.miosa.read_only and binding.action.startswith("act("):
            return "read-only"
        return None

    def on_key(self, event: events.Key) -> None:
        """A refused action key says why. Textual runs no action whose check_action is falsy
        and swallows its key, so the refusal is handled here, before the bindings.

        Any key but the table's own moves first brings the panes up to the highlighted row:
        `y`, `o`, `x`... act on what a pane shows, which must be the row the user sees."""
        if self._panes_due is not None and not self._moves_cursor(event.key):
            self._settle_highlight()
        verb = self._refused_verb(event.key)
        if verb is not None:
            event.stop()
            event.prevent_default()
            self.miosa.actions.request(verb, self._targets())

    def on_mouse_down(self, event: events.MouseDown) -> None:
        """A click anywhere brings the panes up to the highlighted row first, as a key does."""
        if self._panes_due is not None:
            self._settle_highlight()

    def _moves_cursor(self, key: str) -> bool:
        active = self.active_bindings.get(key)
        return (
            active is not None
            and isinstance(active.node, ComputerTable)
            and active.binding.action in CURSOR_ACTIONS
        )

    def _refused_verb(self, key: str) -> str | None:
        """The `act` verb bound to `key` on this screen when the binding would not run."""
        bindings = with_keymap(self.app, self._bindings)
        verb = None
        for binding in bindings.key_to_bindings.get(key, ()):
            name, _, arg = binding.action.partition("(")
            if name == "act" and arg:
                verb = arg.rstrip(")").strip("'\"")
                break
        if verb is None:
            return None  # arrows and every other key: nothing more to work out
        active = self.active_bindings.get(key)
        if active is not None and (active.node is not self or active.enabled):
            return None  # a focused widget owns the key, or the action may run
        return verb

    def _targets(self) -> list[Computer]:
        table = self.query_one(ComputerTable)
        fleet = self.miosa.fleet.computers
        if table.marked:
            return [fleet[cid] for cid in table.visible_ids if cid in table.marked and cid in fleet]
        current = self.highlighted
        return [current] if current else []

    def action_triage(self, name: str) -> None:
        triage.act(self, name)

    def action_act(self, verb: str) -> None:
        self.miosa.actions.request(verb, self._targets())

    def _pending_shown(self, shown: PendingShown) -> None:
        self.show_pending(shown.computer_id)

    def _marks_used(self, _: None) -> None:
        self.clear_marks()

    def _suspended(self, _app: object) -> None:
        """ctrl+z: no polling while stopped (a stale snapshot is flagged, not refreshed)."""
        self._paused_before_suspend = self.paused
        self.set_paused(True)

    def _resumed(self, _app: object) -> None:
        """fg: poll at once, unless the user had paused refresh before suspending."""
        self.set_paused(self._paused_before_suspend)

    def show_pending(self, computer_id: str) -> None:
        """The API accepted a request the fleet now tracks as pending: draw the row's
        "stopping → stopped" (from `fleet.pending`) and poll soon to see it move."""
        self.query_one(ComputerTable).redraw([computer_id])
        if self.poller is not None:
            self.poller.poke()

    def lock_reveals(self, reason: str | None) -> None:
        """Secrets may not be revealed while `reason` holds (presenter mode, recording)."""
        self._reveal_lock = reason
        if self.side_panes is not None:
            self.side_panes.access.reveal_lock = reason
            if reason is not None:
                self.side_panes.access.hide_reveals()

    def hide_reveals(self) -> None:
        """Mask every secret shown in clear (before a screenshot is taken)."""
        if self.side_panes is not None:
            self.side_panes.access.hide_reveals()

    def clear_marks(self) -> None:
        self.query_one(ComputerTable).clear_marks()
        self._update_header_counts()


def simulated_greeting(app: MiosaApp) -> str:
    """Why this fleet is simulated, and how to reach the real one."""
    fleet = "this is a SIMULATED fleet on the embedded simulator."
    if app.backend.simulated_because != "--demo":
        return f"No MIOSA_API_KEY: {fleet} Set MIOSA_API_KEY to manage real computers."
    if app.config.api_key:
        return f"--demo: {fleet} Your API key is not used; run without --demo to use it."
    return f"--demo: {fleet} Set MIOSA_API_KEY and run without --demo to manage real computers."


def _one_line(err: MiosaError | None) -> str | None:
    if err is None:
        return None
    return f"refresh failed: {err} — {err.hint}"
