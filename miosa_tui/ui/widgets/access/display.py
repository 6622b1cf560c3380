"""The display half of the Access panel: what it knows about the shown computer, and how it draws
it. `AccessPanel` (panel.py) is the widget: this display plus the keys.

The base class of `AccessPanel`: it holds what has been fetched (named URLs, VNC credentials,
the stream token, errors, what is loading), fetches it after a short debounce in an exclusive
worker, and keeps the title, the rows and the status lines in step. What the keys *do* (copy,
open, reveal, new token, the port field) is the subclass in `panel.py`, so this half reads top
to bottom as "state in, screen out".
"""

from __future__ import annotations

import asyncio
from typing import Self

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from miosa_tui.api.models import Computer, NamedUrl, StreamToken, VncCredentials
from miosa_tui.fleet.secrets import DEFAULT_REVEAL_SECONDS, Clock, Reveals, system_clock
from miosa_tui.safe_text import safe_line
from miosa_tui.ui.services import services
from miosa_tui.ui.widgets.access.attempt import Failure, attempt
from miosa_tui.ui.widgets.access.entry import AccessEntry
from miosa_tui.ui.widgets.access.entry_list import build_entries
from miosa_tui.ui.widgets.access.preview_ports import RecentPorts
from miosa_tui.ui.widgets.access.row_text import row_text
from miosa_tui.ui.widgets.access.status_lines import status_text
from miosa_tui.ui.widgets.static_text import set_content
from miosa_tui.ui.worker_errors import ReportsWorkerErrors


class AccessPanelDisplay(ReportsWorkerErrors, Vertical):
    """The display half: the fetched state and its rendering (no bindings, no actions).
    `AccessPanel` is the widget to mount: it adds the keys and what they do."""

    DEBOUNCE = 0.3

    def __init__(
        self,
        *,
        clock: Clock = system_clock,
        reveal_seconds: float = DEFAULT_REVEAL_SECONDS,
        debounce: float | None = None,
        name: str | None = None,
        id: str | None = "access",
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._clock: Clock = clock
        self._reveals = Reveals(clock, reveal_seconds)
        self.debounce = self.DEBOUNCE if debounce is None else debounce
        self.computer: Computer | None = None
        self._named: list[NamedUrl] | None = None
        self._vnc: VncCredentials | None = None
        self._token: StreamToken | None = None
        self._errors: dict[str, str] = {}
        self._loading: set[str] = set()
        self._ports = RecentPorts()
        self._entries: list[AccessEntry] = []
        self._debounce_timer: Timer | None = None
        # Why secrets may not be shown in clear now ("the session is being recorded"), if so.
        self.reveal_lock: str | None = None

    # ----- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(Text("No computer selected.", style="dim"), id="access-title")
        yield OptionList(id="access-entries")
        yield Input(
            placeholder="preview URL for port… (1-65535, enter)",
            max_length=16,
            id="access-port",
        )
        yield Static("", id="access-port-error")
        yield Static("", id="access-status")
        yield Static("", id="access-last")

    def on_mount(self) -> None:
        self.set_interval(1.0, self.tick)
        self._render_all()

    # ----- public API for the dashboard -----------------------------------------------------

    @property
    def clock(self) -> Clock:
        return self._clock

    @clock.setter
    def clock(self, clock: Clock) -> None:
        """Swap the time source (tests); reveal deadlines already set keep their values."""
        self._clock = clock
        self._reveals.clock = clock

    @property
    def reveal_seconds(self) -> float:
        return self._reveals.duration

    @reveal_seconds.setter
    def reveal_seconds(self, seconds: float) -> None:
        if seconds <= 0:
            raise ValueError("The reveal time must be positive.")
        self._reveals.duration = seconds

    def hide_reveals(self) -> None:
        """Mask every revealed secret at once (before a screenshot, when recording starts)."""
        self._reveals.hide_all()
        self._render_entries()

    @property
    def entries(self) -> list[AccessEntry]:
        return list(self._entries)

    @property
    def pending(self) -> frozenset[str]:
        """What is being fetched: a subset of {"urls", "vnc", "token"} (tests wait on this)."""
        return frozenset(self._loading)

    @property
    def errors(self) -> dict[str, str]:
        """The last failure per request ("urls", "vnc", "token"), as shown in the panel."""
        return dict(self._errors)

    def show_computer(self, computer: Computer | None) -> None:
        """The highlighted computer changed: show what is known now, fetch the rest soon."""
        if computer is not None and self.computer is not None and computer.id == self.computer.id:
            self.computer_changed(computer)
            return
        if self._debounce_timer is not None:
            self._debounce_timer.stop()
            self._debounce_timer = None
        self._reveals.hide_all()
        self.computer = computer
        self._named = self._vnc = self._token = None
        self._errors.clear()
        self._loading.clear()
        self.workers.cancel_group(self, "access")
        self.workers.cancel_group(self, "access-token")
        if computer is not None:
            self._loading.update({"urls", "vnc"})
            cid = computer.id

            def fetch() -> None:
                self._load(cid)

            if self.debounce > 0:
                self._debounce_timer = self.set_timer(self.debounce, fetch)
            else:
                fetch()
        self._render_all(reset_highlight=True)

    def computer_changed(self, computer: Computer | None) -> None:
        """A poll changed the computer (status, slug, ...): re-render; refetch when it started."""
        previous = self.computer
        if computer is None or previous is None or previous.id != computer.id:
            self.show_computer(computer)
            return
        if computer == previous:
            return
        self.computer = computer
        became_running = computer.is_running and not previous.is_running
        if became_running and (self._errors.get("urls") or self._errors.get("vnc")):
            self.reload()
        self._render_all()

    def reload(self) -> None:
        """Fetch the named URLs and VNC credentials again (now, no debounce)."""
        if self.computer is None:
            return
        self._errors.pop("urls", None)
        self._errors.pop("vnc", None)
        self._loading.update({"urls", "vnc"})
        self._render_status()
        self._load(self.computer.id)

    def focus_entries(self) -> None:
        """Give the entry list the focus (the dashboard binds a key to this)."""
        self.query_one("#access-entries", OptionList).focus()

    def focus(self, scroll_visible: bool = True) -> Self:
        """Focusing the panel focuses its entry list (the panel itself takes no keys)."""
        if self.is_mounted:
            self.query_one("#access-entries", OptionList).focus(scroll_visible)
        return self

    def selected_entry(self) -> AccessEntry | None:
        options = self.query_one("#access-entries", OptionList)
        index = options.highlighted
        if index is None or not 0 <= index < len(self._entries):
            return None
        return self._entries[index]

    def select(self, key: str) -> bool:
        """Highlight the entry with this key ('public', 'vnc-password', 'preview:3000', ...)."""
        for index, entry in enumerate(self._entries):
            if entry.key == key:
                self.query_one("#access-entries", OptionList).highlighted = index
                return True
        return False

    def tick(self) -> None:
        """Once a second: mask expired reveals and update the token countdown (reads the clock)."""
        expired = self._reveals.expire()
        if expired or self._reveals.active or self._token is not None:
            self._render_entries()

    # ----- workers ----------------------------------------------------------------------------

    @work(exclusive=True, group="access", exit_on_error=False)
    async def _load(self, computer_id: str) -> None:
        client = services(self).client
        urls, vnc = await asyncio.gather(
            attempt(lambda: client.urls(computer_id)),
            attempt(lambda: client.vnc_credentials(computer_id)),
        )
        if self.computer is None or self.computer.id != computer_id:
            return
        self._loading.difference_update({"urls", "vnc"})
        if isinstance(urls, Failure):
            self._errors["urls"] = urls.text
        else:
            self._named = list(urls)
            self._errors.pop("urls", None)
        if isinstance(vnc, Failure):
            self._errors["vnc"] = vnc.text
        else:
            self._vnc = vnc
            self._errors.pop("vnc", None)
            services(self).journal.add_secret(vnc.password)  # masked in entries and exports
        self._render_all()

    # ----- rendering --------------------------------------------------------------------------

    def _build_entries(self) -> list[AccessEntry]:
        computer = self.computer
        if computer is None:
            return []
        return build_entries(
            computer,
            ports=self._ports.get(computer.id),
            named=self._named,
            vnc=self._vnc,
            token=self._token,
        )

    def _render_all(self, *, reset_highlight: bool = False) -> None:
        if not self.is_mounted:
            return
        self._render_title()
        self._render_entries(reset_highlight=reset_highlight)
        self._render_status()

    def _render_title(self) -> None:
        computer = self.computer
        title = self.query_one("#access-title", Static)
        if computer is None:
            set_content(title, Text("No computer selected.", style="dim"))
            return
        text = safe_line(
            (computer.name, "bold"), " (", (computer.id, ""), ")  ", (computer.status, "cyan")
        )
        set_content(title, text)

    def _render_entries(self, *, reset_highlight: bool = False) -> None:
        if not self.is_mounted:
            return
        options = self.query_one("#access-entries", OptionList)
        old_keys = [e.key for e in self._entries]
        previous = self.selected_entry()
        self._entries = self._build_entries()
        now = self._clock()
        prompts = [row_text(e, now, self._reveals) for e in self._entries]
        if [e.key for e in self._entries] == old_keys and not reset_highlight:
            for entry, prompt in zip(self._entries, prompts, strict=True):
                options.replace_option_prompt(entry.key, prompt)
            return
        options.set_options(
            Option(p, id=e.key) for e, p in zip(self._entries, prompts, strict=True)
        )
        if not self._entries:
            return
        index = 0
        if previous is not None and not reset_highlight:
            keys = [e.key for e in self._entries]
            if previous.key in keys:
                index = keys.index(previous.key)
        options.highlighted = index

    def _render_status(self) -> None:
        if not self.is_mounted:
            return
        set_content(
            self.query_one("#access-status", Static), status_text(self._errors, self._loading)
        )

    # ----- helpers ---------------------------------------------------------------------------

    def _first_copyable(self) -> AccessEntry | None:
        return self._entries[0] if self._entries else None
