"""The Textual application: wires the client, the fleet model and the journal to the screens."""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar
from urllib.parse import urlsplit

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen

from miosa_tui.api.computers import MiosaClient
from miosa_tui.api.foreground import Foreground
from miosa_tui.backend import Backend
from miosa_tui.config import Config
from miosa_tui.fleet.journal import Journal
from miosa_tui.fleet.poller import FleetState, PollPolicy
from miosa_tui.platforms import has_job_control, platform_name
from miosa_tui.safe_text import printable
from miosa_tui.ui import first_paint
from miosa_tui.ui.action_flow import ActionFlow
from miosa_tui.ui.heap import HeapSettler
from miosa_tui.ui.parsed_css import KeptStylesheet, cache_folder
from miosa_tui.ui.presentation import Presentation, key_label
from miosa_tui.ui.screens.dashboard import DashboardScreen
from miosa_tui.ui.terminal_watch import TerminalWatch
from miosa_tui.ui.triage import Triage
from miosa_tui.ui.worker_errors import ReportsWorkerErrors

if TYPE_CHECKING:
    from textual.command import Provider

    from miosa_tui.ui.present_filter import StandInFilter
    from miosa_tui.ui.recording import CastWriter
    from miosa_tui.ui.tour import Tour  # made by `miosa-tui tour` only (cli/__init__.py)

# Every screen's and pane's style (DESIGN.md: one stylesheet). Absolute, so a subclass or a test
# host in another module loads the same file (a relative CSS_PATH resolves next to the subclass).
STYLESHEET = Path(__file__).with_name("app.tcss")


# What the first screen does not draw is imported when first used: the palette's commands, a
# recording, presenter mode and the tour (`tests/test_imports.py` checks they are not loaded
# at the first painted table; see README, "Start-up").
def _computer_commands() -> type[Provider]:
    """The palette's computer commands, imported when the palette first opens."""
    from miosa_tui.ui.commands import ComputerCommands

    return ComputerCommands


class MiosaApp(ReportsWorkerErrors, App[None]):
    """One dashboard over one backend (the real API or the embedded simulator)."""

    CSS_PATH = STYLESHEET
    TITLE = "miosa-tui"
    COMMANDS: ClassVar = App.COMMANDS | {_computer_commands}
    COMMAND_PALETTE_BINDING = "ctrl+p"
    # Screen classes for app.tcss: where the width goes on small and on wide terminals.
    # (noqa: Textual declares it an instance variable, so a ClassVar annotation fails mypy)
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-medium"), (200, "-wide")]  # noqa: RUF012
    # Seconds after mount when the collector paused for start-up runs again even with no rows
    # painted (ui/heap.py): an empty fleet, or an API that does not answer.
    START_UP_GRACE = 5.0
    BINDINGS: ClassVar = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Help", id="app.help"),
        # ctrl+p must be listed here: any binding to command_palette stops Textual from adding
        # its own ctrl+p one (COMMAND_PALETTE_BINDING), which left ctrl+p doing nothing.
        Binding("ctrl+p,colon", "command_palette", "Commands", show=False, id="app.palette"),
        # Textual 8 binds no key to suspend; the terminal's ISIG is off, so ctrl+z arrives as a
        # key. The dashboard subscribes to the app_suspend/resume signals to pause polling.
        # Without job control (Windows) it is a system binding: left out of the footer and help,
        # and action_suspend_process answers with a toast.
        Binding(
            "ctrl+z",
            "suspend_process",
            "Suspend",
            show=False,
            system=not has_job_control(),
            id="app.suspend",
        ),
        Binding("ctrl+s", "save_svg", "Screenshot", show=False, id="app.screenshot"),
    ]

    def __init__(
        self,
        backend: Backend,
        config: Config,
        *,
        poll_interval: float | None = None,
        presentation: Presentation | None = None,
        tour: Tour | None = None,
        clock: Callable[[], float] = time.monotonic,
        client: MiosaClient | None = None,
    ) -> None:
        """`client`: one for `backend.settings` made earlier, e.g. with its first listing
        already under way (`MiosaClient.start_listing`); else the app makes its own."""
        # The monotonic clock of the fleet's times (polls, pending actions, the header's
        # "updated 3s ago" and STALE, the table's elapsed labels): one, so tests can set it.
        self.clock = clock
        self.presentation = presentation or Presentation()
        self.tour = tour
        self._tour_keys_in_flight: list[events.Key] = []  # pressed by the tour, not yet seen
        self.cast: CastWriter | None = None
        if self.presentation.record is not None:
            from miosa_tui.ui.recording import CastWriter, recording_driver

            self.cast = CastWriter(
                self.presentation.record,
                title=f"miosa-tui on {backend.label}",
                secrets=lambda: [backend.settings.api_key or ""],
            )
            super().__init__(driver_class=recording_driver(self.cast))
        else:
            super().__init__()
        # The same rules Textual made, parsed once and kept between launches (ui/parsed_css.py).
        self.stylesheet = KeptStylesheet(variables=self.get_css_variables(), folder=cache_folder())
        self.backend = backend
        self.config = config
        self.read_only = bool(config.read_only)
        interval = float(poll_interval or config.poll_interval)
        self.fleet = FleetState(
            policy=PollPolicy(interval=interval, fast_interval=min(1.5, interval))
        )
        self.journal = Journal(secrets=[backend.settings.api_key or ""])
        # A sort, a filter or a poll being shown: the listing, the poller and the history
        # writer wait for it (api/foreground.py).
        self.foreground = Foreground()
        self.client = client if client is not None else MiosaClient(backend.settings)
        self.actions = ActionFlow(self)
        self.dashboard = DashboardScreen()
        self.terminal_watch = TerminalWatch(self)
        self.heap = HeapSettler()
        self.triage = Triage(self)  # history, problems, alerts: started by the dashboard
        if config.keymap:
            self.set_keymap(config.keymap)

    def get_default_screen(self) -> Screen[None]:
        """The dashboard is the bottom of the screen stack: no blank screen under it to style,
        lay out and paint first (and again on every resize)."""
        theme = self.config.theme
        if theme in self.available_themes:
            self.theme = theme
        # The dashboard's width class (-narrow, -medium, -wide) before it is first styled:
        # Textual adds it on the screen's first Resize, which styled the whole dashboard again.
        width = self.size.width
        for at, name in sorted(self.HORIZONTAL_BREAKPOINTS, reverse=True):
            if width >= at:
                self.dashboard.add_class(name)
                break
        return self.dashboard

    def on_mount(self) -> None:
        if first_paint.asked():  # the start-up benchmark (first, so nothing delays its note)
            first_paint.install(self)
        self.dashboard.rows_painted.subscribe(self, self.heap.fleet_painted, immediate=True)
        # Once rows are up, the panes' first requests come: their Transport made on a thread.
        self.dashboard.rows_painted.subscribe(self, lambda _rows: self.client.prepare())
        self.set_timer(self.START_UP_GRACE, self.heap.started)  # if no rows come by then
        # A dropped SSH session must end the app, not leave it spinning on a dead tty.
        self.terminal_watch.install()
        self._stand_in_filter: StandInFilter | None = None
        if self.presentation.present:
            self._present(True)
        if self.tour is not None:
            self.add_class("-touring")  # toasts stand above the caption (app.tcss)
            self.set_interval(0.2, self._keep_caption_on_top)
            self.set_timer(0.5, self._tour_begin)

    async def on_unmount(self) -> None:
        if self.cast is not None:
            self.cast.close()
        self.terminal_watch.uninstall()
        self.heap.release()
        self.triage.close()
        await self.client.aclose()

    def action_suspend_process(self) -> None:
        """ctrl+z: stop the process (POSIX job control); elsewhere say why nothing happens."""
        if not has_job_control():
            self.notify(
                f"ctrl+z cannot suspend here: {platform_name()} has no job control. "
                "Press q to quit.",
                title="Suspend",
                severity="warning",
                markup=False,
            )
            return
        super().action_suspend_process()

    def _api_host(self) -> str | None:
        return urlsplit(self.backend.settings.base_url).hostname

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Every toast is plain text: never read as markup (callers pass markup=False too), and
        control and invisible characters (newlines too) shown as visible escapes."""
        del markup  # a toast is never markup, whatever the caller asked
        super().notify(
            printable(message),  # one line: a newline from the API cannot fake a second one
            title=printable(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def watch_theme(self, theme: str) -> None:
        if problem := self.config.remember_theme(theme):  # saved in the config file
            self.notify(problem, severity="warning", markup=False)

    def action_help(self) -> None:
        from miosa_tui.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    # -- presenting -----------------------------------------------------------------------
    def on_resize(self, event: events.Resize) -> None:
        if self.cast is not None:
            self.cast.resize(event.size.width, event.size.height)

    async def on_event(self, event: events.Event) -> None:
        # Once per key: a key the screen did not handle bubbles back here, already forwarded.
        if isinstance(event, events.Key) and not event.is_forwarded:
            own = [mine for mine in self._tour_keys_in_flight if mine is event]
            if own:
                # A key the tour pressed itself: it does what it always does, never a tour key.
                self._tour_keys_in_flight.remove(own[0])
            else:
                if self.presentation.present:
                    self._echo_key(key_label(event.key, event.character))
                if self._tour_answers(event.key):
                    return  # the tour's own key: it goes no further (not into an open form)
        await super().on_event(event)

    def _echo_key(self, label: str) -> None:
        """Show the key in the presenter's corner of whatever screen is on top."""
        from miosa_tui.ui.widgets.key_echo import KeyEcho

        screen = self.screen
        found = screen.query(KeyEcho)
        echo = found.first() if found else None
        if echo is None:
            echo = KeyEcho()
            screen.mount(echo)
        echo.press(label)

    def _present(self, on: bool) -> None:
        """Presenter mode on or off: stand-ins for ids, IPs, tenants, workspaces and owners in
        every drawn line, the keys corner, and no reveal of secrets."""
        from miosa_tui.fleet.standins import StandIns
        from miosa_tui.ui.present_filter import StandInFilter
        from miosa_tui.ui.widgets.key_echo import KeyEcho

        self.presentation = dataclasses.replace(self.presentation, present=on)
        if on and self._stand_in_filter is None:
            # Textual keeps its line filters in App._filters (no public way to add one).
            self._stand_in_filter = StandInFilter(self.fleet, StandIns(api_host=self._api_host()))
            self._filters.append(self._stand_in_filter)
        elif not on and self._stand_in_filter is not None:
            self._filters.remove(self._stand_in_filter)
            self._stand_in_filter = None
            for screen in self.screen_stack:
                for echo in screen.query(KeyEcho):
                    echo.remove()
        self.dashboard.lock_reveals(self.presentation.reveal_lock)
        self.refresh(repaint=True)
        self.screen.refresh(repaint=True)

    def action_toggle_present(self) -> None:
        """The palette's "Presenter mode": the same as starting with --present, or back."""
        self._present(not self.presentation.present)
        state = "on: ids, IPs and owners hidden, keys shown" if self.presentation.present else "off"
        self.notify(f"Presenter mode {state}.", timeout=4, markup=False)

    def action_save_svg(self) -> None:
        """ctrl+s: the current screen as an SVG in the working directory, secrets masked."""
        self.dashboard.hide_reveals()
        folder = Path.cwd()  # where the user was when they asked
        self.call_after_refresh(self._write_svg, folder)

    def _write_svg(self, folder: Path) -> None:
        stem = f"miosa-tui-{time.strftime('%Y%m%d-%H%M%S')}"
        name, n = f"{stem}.svg", 1
        while (folder / name).exists():
            n += 1
            name = f"{stem}-{n}.svg"
        try:
            written = self.save_screenshot(filename=name, path=os.fspath(folder))
        except OSError as exc:
            self.notify(
                f"Could not save the screenshot in {folder}: {exc.strerror or exc}",
                severity="error",
                markup=False,
            )
            return
        self.notify(f"Screenshot saved to {written}", title="Screenshot", timeout=6, markup=False)

    # -- the guided tour ------------------------------------------------------------------
    def tour_key(self, key: str) -> None:
        """Press `key` for the tour, exactly as the user would."""
        event = events.Key(key, None)
        self._tour_keys_in_flight.append(event)
        self.post_message(event)

    def _tour_answers(self, key: str) -> bool:
        """True when `key` is the tour's: space/→ next, ← back, escape ends. While the tour
        drives, any other key hands control to the presenter; then only → is the tour's."""
        tour = self.tour
        if tour is None or tour.finished:
            return False
        if tour.handed_over:
            if key == "right":
                self.action_tour_next()
                return True
            return False
        actions = {
            "space": self.action_tour_next,
            "right": self.action_tour_next,
            "left": self.action_tour_back,
            "escape": self.action_tour_end,
        }
        action = actions.get(key)
        if action is None:
            tour.handed_over = True
            self._show_caption()
            return False
        action()
        return True

    def _tour_begin(self) -> None:
        if self.tour is not None and self.tour.index < 0:
            self._tour_go(0)

    def _tour_go(self, index: int) -> None:
        tour = self.tour
        if tour is None or tour.finished:
            return
        tour.target = index
        if self._tour_keys_in_flight or not self._tour_step_ready():
            # The last step's keys are still on their way (a dialog opening): go on after them,
            # so a presenter pressing space quickly never sends a step's keys to the wrong screen.
            self.set_timer(0.05, self._tour_catch_up)
            return
        step = tour.step
        leave = step.leaving(forward=index > tour.index) if step is not None else None
        if step is not None and leave is not None and not tour.left:
            leave(self)
            tour.left = True
            if step.opens_dialog and self._tour_keys_in_flight:
                # Its keys close a dialog: the next step's keys wait until it has closed (else
                # step 7's `j` landed in the clone form's name field before its Enter did).
                tour.ready_by = time.monotonic() + 3.0
                self.set_timer(0.05, self._tour_catch_up)
                return
        if index >= len(tour.steps):
            self.action_tour_end()
            return
        tour.index = max(0, index)
        tour.handed_over = False
        tour.left = False
        step = tour.step
        assert step is not None
        tour.ready_by = time.monotonic() + 3.0
        if step.enter is not None:
            step.enter(self)
        self.call_after_refresh(self._show_caption)
        if tour.auto_seconds is not None:
            self.set_timer(tour.auto_seconds, lambda i=tour.index: self._tour_auto(i))

    def _tour_step_ready(self) -> bool:
        """False while the current step's dialog has yet to show (for at most 3 s)."""
        tour = self.tour
        step = tour.step if tour is not None else None
        if tour is None or step is None or not step.opens_dialog:
            return True
        if tour.left:  # its dialog is closing
            return self.screen is self.dashboard or time.monotonic() > tour.ready_by
        if tour.handed_over:
            return True
        return self.screen is not self.dashboard or time.monotonic() > tour.ready_by

    def _tour_catch_up(self) -> None:
        tour = self.tour
        if tour is not None and tour.target != tour.index:
            self._tour_go(tour.target)

    def _tour_auto(self, index: int) -> None:
        tour = self.tour
        if tour is None or tour.finished or tour.index != index or tour.handed_over:
            return
        if not self._tour_step_ready():
            self.set_timer(0.1, lambda: self._tour_auto(index))
            return
        if tour.is_last:
            self.action_tour_end()
        else:
            self._tour_go(index + 1)

    def action_tour_next(self) -> None:
        if self.tour is not None:
            self._tour_go(self.tour.target + 1)

    def action_tour_back(self) -> None:
        if self.tour is not None and self.tour.target > 0:
            self._tour_go(self.tour.target - 1)

    def action_tour_end(self) -> None:
        tour = self.tour
        if tour is None or tour.finished:
            return
        step = tour.step
        leave = step.leaving(forward=False) if step is not None else None
        if step is not None and leave is not None and not tour.left:
            leave(self)  # close what the step opened
        tour.finished = True
        self._remove_captions()
        self.remove_class("-touring")
        if tour.auto_seconds is not None:
            self.exit(return_code=0)
        else:
            self.notify("Tour over: the fleet is yours.", timeout=4, markup=False)

    def _show_caption(self) -> None:
        from miosa_tui.ui.widgets.tour_caption import TourCaption

        tour = self.tour
        if tour is None or tour.finished:
            return
        found = self.screen.query(TourCaption)
        if found:
            found.first().update(tour.caption())
        else:
            self._remove_captions()
            self.screen.mount(TourCaption(tour.caption()))

    def _remove_captions(self) -> None:
        from miosa_tui.ui.widgets.tour_caption import TourCaption

        for screen in self.screen_stack:
            for caption in screen.query(TourCaption):
                caption.remove()

    def _keep_caption_on_top(self) -> None:
        """A dialog opened (by the tour or the presenter): the caption moves onto it."""
        from miosa_tui.ui.widgets.tour_caption import TourCaption

        tour = self.tour
        if tour is not None and not tour.finished and not self.screen.query(TourCaption):
            self._show_caption()
