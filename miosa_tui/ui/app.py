"""The Textual application: wires the client, the fleet model and the journal to the screens."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App
from textual.binding import Binding

from miosa_tui.api.computers import MiosaClient
from miosa_tui.backend import Backend
from miosa_tui.config import Config
from miosa_tui.fleet.journal import Journal
from miosa_tui.fleet.poller import FleetState, PollPolicy
from miosa_tui.platforms import has_job_control, platform_name
from miosa_tui.ui.action_flow import ActionFlow
from miosa_tui.ui.commands import ComputerCommands
from miosa_tui.ui.heap import HeapSettler
from miosa_tui.ui.screens.dashboard import DashboardScreen
from miosa_tui.ui.terminal_watch import TerminalWatch


class MiosaApp(App[None]):
    """One dashboard over one backend (the real API or the embedded simulator)."""

    CSS_PATH = "app.tcss"
    TITLE = "miosa-tui"
    COMMANDS: ClassVar = App.COMMANDS | {ComputerCommands}
    COMMAND_PALETTE_BINDING = "ctrl+p"
    BINDINGS: ClassVar = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Help", id="app.help"),
        # ctrl+p must be listed here: any binding to command_palette stops Textual from adding
        # its own ctrl+p one (COMMAND_PALETTE_BINDING), which left ctrl+p doing nothing.
        Binding("ctrl+p,colon", "command_palette", "Commands", show=False, id="app.palette"),
        # Textual 8 binds no key to suspend; the terminal's ISIG is off, so ctrl+z arrives as a
        # key. The app_suspend/resume signals (subscribed in on_mount) pause and resume polling.
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
    ]

    def __init__(
        self, backend: Backend, config: Config, *, poll_interval: float | None = None
    ) -> None:
        super().__init__()
        self.backend = backend
        self.config = config
        self.read_only = bool(config.read_only)
        interval = float(poll_interval or config.poll_interval)
        self.fleet = FleetState(
            policy=PollPolicy(interval=interval, fast_interval=min(1.5, interval))
        )
        self.journal = Journal(secrets=[backend.settings.api_key or ""])
        self.client = MiosaClient(backend.settings)
        self.actions = ActionFlow(self)
        self.dashboard = DashboardScreen()
        self.terminal_watch = TerminalWatch(self)
        self.heap = HeapSettler()
        self._paused_before_suspend = False
        if config.keymap:
            self.set_keymap(config.keymap)

    def on_mount(self) -> None:
        theme = self.config.theme
        if theme in self.available_themes:
            self.theme = theme
        self.push_screen(self.dashboard)
        self.app_suspend_signal.subscribe(self, self._suspended)
        self.app_resume_signal.subscribe(self, self._resumed)
        # A dropped SSH session must end the app, not leave it spinning on a dead tty.
        self.terminal_watch.install()

    async def on_unmount(self) -> None:
        self.terminal_watch.uninstall()
        self.heap.release()
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

    def _suspended(self, _app: object = None) -> None:
        """ctrl+z: no polling while stopped (a stale snapshot is flagged, not refreshed)."""
        self._paused_before_suspend = self.dashboard.paused
        self.dashboard.set_paused(True)

    def _resumed(self, _app: object = None) -> None:
        """fg: poll at once, unless the user had paused refresh before suspending."""
        self.dashboard.set_paused(self._paused_before_suspend)

    def watch_theme(self, theme: str) -> None:
        if problem := self.config.remember_theme(theme):  # saved in the config file
            self.notify(problem, severity="warning")

    def action_help(self) -> None:
        from miosa_tui.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())
