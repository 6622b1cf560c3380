"""The Textual application: wires the client, the fleet model and the journal to the screens."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App
from textual.binding import Binding

from miosa_tui.api.computers import MiosaClient
from miosa_tui.api.models import Computer
from miosa_tui.cli.backend import Backend
from miosa_tui.config import Config
from miosa_tui.fleet.journal import Journal
from miosa_tui.fleet.poller import FleetState, PollPolicy
from miosa_tui.ui.action_flow import ActionFlow
from miosa_tui.ui.commands import ComputerCommands
from miosa_tui.ui.screens.dashboard import DashboardScreen


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
        if config.keymap:
            self.set_keymap(config.keymap)

    def on_mount(self) -> None:
        theme = self.config.theme
        if theme in self.available_themes:
            self.theme = theme
        self.push_screen(self.dashboard)
        self.app_suspend_signal.subscribe(self, lambda _app: self.dashboard.set_paused(True))
        self.app_resume_signal.subscribe(self, lambda _app: self.dashboard.set_paused(False))

    async def on_unmount(self) -> None:
        await self.client.aclose()

    def watch_theme(self, theme: str) -> None:
        if problem := self.config.remember_theme(theme):  # saved in the config file
            self.notify(problem, severity="warning")

    def computer(self, computer_id: str) -> Computer | None:
        return self.fleet.computers.get(computer_id)

    def action_help(self) -> None:
        from miosa_tui.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())
