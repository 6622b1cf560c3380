"""Every way into the highlighted computer, in one list: URLs, VNC, stream tokens.

Secrets (VNC password, stream token) are rendered masked; the real value is on screen only while
revealed (`v`, a few seconds). Copy (`y`) puts the real value on the clipboard but the toast and
the "last copied" line show the mask. Time comes from an injected clock, and the one-second
timer only calls `tick()`, so tests drive reveals and token expiry by moving the clock.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import ClassVar, Self, TypeVar

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from miosa_tui.api.errors import InvalidInputError, MiosaError
from miosa_tui.api.links import parse_port, preview_url, public_url
from miosa_tui.api.models import Computer, NamedUrl, StreamToken, VncCredentials
from miosa_tui.fleet.equivalents import SECRET_KINDS, AccessKind, cli_line, curl_line
from miosa_tui.fleet.secrets import (
    DEFAULT_REVEAL_SECONDS,
    Clock,
    Reveals,
    expiry_text,
    format_duration,
    is_expired,
    shown,
    system_clock,
)
from miosa_tui.ui import clipboard
from miosa_tui.ui.screens.copy_menu import CopyMenu, CopyOption

T = TypeVar("T")

RECENT_PORTS = 5
LABEL_WIDTH = 18  # "url preview:5173  ": kind and label, then the value
KIND_LABELS: dict[AccessKind, str] = {
    AccessKind.PUBLIC_URL: "public",
    AccessKind.NAMED_URL: "url",
    AccessKind.PREVIEW_URL: "preview",
    AccessKind.VNC_USERNAME: "vnc",
    AccessKind.VNC_PASSWORD: "vnc",
    AccessKind.VNC_URL: "vnc",
    AccessKind.STREAM_TOKEN: "token",
    AccessKind.COMPUTER_ID: "id",
}
VALUE_TITLES: dict[AccessKind, str] = {
    AccessKind.VNC_USERNAME: "Username",
    AccessKind.VNC_PASSWORD: "Password",
    AccessKind.STREAM_TOKEN: "Token",
    AccessKind.COMPUTER_ID: "Computer id",
}


@dataclass(frozen=True, slots=True)
class AccessEntry:
    """One row: `value` is None when there is nothing to copy yet (`note` says why)."""

    key: str
    kind: AccessKind
    label: str
    value: str | None
    port: int | None = None
    note: str = ""
    expires_at: float | None = None

    @property
    def secret(self) -> bool:
        return self.kind in SECRET_KINDS

    @property
    def web_url(self) -> str | None:
        """The value when it is something a browser can open."""
        if self.value and self.value.lower().startswith(("http://", "https://")):
            return self.value
        return None

    @property
    def toast_label(self) -> str:
        """How the toast names it: 'public URL', 'URL desktop', 'VNC password', ..."""
        return {
            AccessKind.PUBLIC_URL: "public URL",
            AccessKind.NAMED_URL: f"URL {self.label}",
            AccessKind.PREVIEW_URL: f"preview URL :{self.port}",
            AccessKind.VNC_USERNAME: "VNC username",
            AccessKind.VNC_PASSWORD: "VNC password",
            AccessKind.VNC_URL: "VNC URL",
            AccessKind.STREAM_TOKEN: "stream token",
            AccessKind.COMPUTER_ID: "computer id",
        }[self.kind]


class AccessPanel(Vertical):
    """The Access tab of the dashboard. The dashboard calls `show_computer` / `computer_changed`."""

    DEFAULT_CSS = """
    AccessPanel { height: 1fr; padding: 0 1; }
    AccessPanel #access-title { text-style: bold; }
    AccessPanel #access-entries { height: 1fr; min-height: 4; }
    AccessPanel #access-port { height: 1; border: none; padding: 0 1; background: $boost; }
    AccessPanel #access-port:focus { background: $primary 20%; }
    AccessPanel #access-port-error { color: $error; height: auto; }
    AccessPanel #access-status { height: auto; }
    AccessPanel #access-last { color: $text-muted; height: auto; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "copy_entry", "Copy", id="access.copy"),
        Binding("Y", "copy_menu", "Copy as…", id="access.copy_menu"),
        Binding("o", "open_entry", "Open", id="access.open"),
        Binding("v", "reveal", "Reveal", id="access.reveal"),
        Binding("t", "new_token", "Token", id="access.token"),
    ]

    # For the lead's command palette: (title, action, help).
    PALETTE: ClassVar[list[tuple[str, str, str]]] = [
        ("Access: copy selected entry", "copy_entry", "Copy the highlighted URL or credential"),
        ("Access: copy as…", "copy_menu", "Copy as URL, computer id, CLI line or curl line"),
        ("Access: open in browser", "open_entry", "Open the highlighted URL in a browser"),
        ("Access: reveal secret", "reveal", "Show the selected password or token for a moment"),
        ("Access: new stream token", "new_token", "Issue a short-lived stream token"),
    ]

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
        self._ports: dict[str, list[int]] = {}
        self._entries: list[AccessEntry] = []
        self._debounce_timer: Timer | None = None
        self.last_copied: str = ""

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

    def copy_selected(self) -> bool:
        """Copy the highlighted entry (the public URL when nothing is highlighted)."""
        entry = self.selected_entry() or self._first_copyable()
        if entry is None:
            self.app.notify("Nothing to copy: no computer is selected.", severity="warning")
            return False
        if entry.value is None:
            self.app.notify(entry.note or f"No {entry.toast_label} yet.", severity="warning")
            return False
        if entry.kind is AccessKind.STREAM_TOKEN and is_expired(entry.expires_at, self._clock()):
            self.app.notify(
                "The stream token has expired; press t for a new one.", severity="warning"
            )
            return False
        self._copy(entry.value, entry.toast_label, secret=entry.secret)
        return True

    def open_selected(self) -> bool:
        """Open the highlighted URL in a browser; says why when it cannot."""
        entry = self.selected_entry() or self._first_copyable()
        url = entry.web_url if entry is not None else None
        if entry is None or url is None:
            what = entry.toast_label if entry is not None else "this entry"
            self.app.notify(f"Nothing to open: {what} is not a web URL.", severity="warning")
            return False
        problem = clipboard.open_in_browser(self.app, url)
        if problem is not None:
            self.app.notify(problem, severity="error", timeout=8)
            self._show_last(url, entry.toast_label, secret=False, prefix="open manually")
            return False
        self.app.notify(f"Opening {entry.toast_label}: {clipboard.shorten(url)}", title="Browser")
        return True

    def copy_options(self, entry: AccessEntry | None = None) -> list[CopyOption]:
        """What the copy menu offers for `entry` (default: the highlighted one)."""
        computer = self.computer
        if computer is None:
            return []
        entry = entry or self.selected_entry() or self._first_copyable()
        kind = entry.kind if entry is not None else AccessKind.COMPUTER_ID
        options: list[CopyOption] = []
        if entry is not None and entry.value is not None:
            title = VALUE_TITLES.get(entry.kind, "URL")
            options.append(
                CopyOption("value", title, entry.value, entry.toast_label, secret=entry.secret)
            )
        options.append(CopyOption("id", "Computer id", computer.id, "computer id"))
        port = entry.port if entry is not None else None
        options.append(
            CopyOption("cli", "CLI line", cli_line(kind, computer.id, port=port), "CLI line")
        )
        base_url, tenant = self._api_location()
        options.append(
            CopyOption(
                "curl",
                "curl line",
                curl_line(kind, computer.id, base_url=base_url, tenant=tenant),
                "curl line",
            )
        )
        return options

    def open_copy_menu(self) -> None:
        """Push the copy menu; the chosen option is copied when it closes."""
        computer = self.computer
        if computer is None:
            self.app.notify("Nothing to copy: no computer is selected.", severity="warning")
            return
        options = self.copy_options()
        entry = self.selected_entry()
        what = entry.toast_label if entry is not None else "computer"
        title = f"Copy {what} of {computer.name} ({computer.id})"

        def chosen(option: CopyOption | None) -> None:
            if option is not None:
                self._copy(option.text, option.label, secret=option.secret)

        self.app.push_screen(CopyMenu(title, options), chosen)

    def reveal_selected(self) -> bool:
        """Show the highlighted secret in clear for `reveal_seconds`; again hides it at once."""
        entry = self.selected_entry()
        if entry is None or not entry.secret:
            self.app.notify("Nothing to reveal: select the VNC password or a stream token.")
            return False
        if entry.value is None:
            self.app.notify(entry.note or f"No {entry.toast_label} yet.", severity="warning")
            return False
        if self._reveals.is_revealed(entry.key):
            self._reveals.hide(entry.key)
        else:
            self._reveals.reveal(entry.key)
        self._render_entries()
        return True

    def request_token(self) -> None:
        """Issue a new stream token for the shown computer (a worker; replaces the old one)."""
        if self.computer is None:
            self.app.notify("Select a computer first.", severity="warning")
            return
        self._errors.pop("token", None)
        self._loading.add("token")
        self._render_status()
        self._issue_token(self.computer.id)

    def tick(self) -> None:
        """Once a second: mask expired reveals and update the token countdown (reads the clock)."""
        expired = self._reveals.expire()
        if expired or self._reveals.active or self._token is not None:
            self._render_entries()

    # ----- actions (bindings) ----------------------------------------------------------------

    def action_copy_entry(self) -> None:
        self.copy_selected()

    def action_copy_menu(self) -> None:
        self.open_copy_menu()

    def action_open_entry(self) -> None:
        self.open_selected()

    def action_reveal(self) -> None:
        self.reveal_selected()

    def action_new_token(self) -> None:
        self.request_token()

    # ----- port input -----------------------------------------------------------------------

    @on(Input.Submitted, "#access-port")
    def _port_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.add_preview_port(event.value)

    @on(Input.Changed, "#access-port")
    def _port_changed(self, event: Input.Changed) -> None:
        self.query_one("#access-port-error", Static).update("")

    def add_preview_port(self, text: str) -> bool:
        """Validate `text` as a port; on success list its preview URL first and highlight it."""
        error = self.query_one("#access-port-error", Static)
        computer = self.computer
        if computer is None:
            error.update("Select a computer first.")
            return False
        if not text.strip():
            error.update("Type a port number from 1 to 65535.")
            return False
        try:
            port = parse_port(text)
        except InvalidInputError as err:
            error.update(str(err))
            return False
        error.update("")
        recent = [port] + [p for p in self._ports.get(computer.id, []) if p != port]
        self._ports[computer.id] = recent[:RECENT_PORTS]
        self.query_one("#access-port", Input).value = ""
        self._render_entries()
        self.select(f"preview:{port}")
        return True

    def recent_ports(self, computer_id: str) -> list[int]:
        return list(self._ports.get(computer_id, []))

    # ----- workers ----------------------------------------------------------------------------

    @work(exclusive=True, group="access", exit_on_error=False)
    async def _load(self, computer_id: str) -> None:
        client = self.app.client  # type: ignore[attr-defined]
        urls, vnc = await asyncio.gather(
            _attempt(client.urls(computer_id)), _attempt(client.vnc_credentials(computer_id))
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
            self._register_secret(vnc.password)
        self._render_all()

    @work(exclusive=True, group="access-token", exit_on_error=False)
    async def _issue_token(self, computer_id: str) -> None:
        client = self.app.client  # type: ignore[attr-defined]
        result = await _attempt(client.stream_token(computer_id))
        computer = self.computer
        name = computer.name if computer is not None else None
        if isinstance(result, Failure):
            self._journal("token", computer_id, name, "failed", result.message, result.request_id)
        else:
            self._register_secret(result.token)
            expiry = expiry_text(result.expires_at, self._clock())
            self._journal("token", computer_id, name, "ok", f"stream token issued, {expiry}")
        if computer is None or computer.id != computer_id:
            return
        self._loading.discard("token")
        if isinstance(result, Failure):
            self._errors["token"] = result.text
            self._render_status()
            return
        self._errors.pop("token", None)
        self._token = result
        self._reveals.hide("token")
        self._render_all()
        self.select("token")
        expiry = expiry_text(result.expires_at, self._clock())
        self.app.notify(f"New stream token for {computer.name}, {expiry}. y copies it.")

    # ----- rendering --------------------------------------------------------------------------

    def _build_entries(self) -> list[AccessEntry]:
        computer = self.computer
        if computer is None:
            return []
        client = getattr(self.app, "client", None)
        public = str(getattr(client, "public_url", public_url)(computer))
        preview = getattr(client, "preview_url", preview_url)
        entries = [AccessEntry("public", AccessKind.PUBLIC_URL, "desktop", public)]
        for port in self._ports.get(computer.id, []):
            url = str(preview(computer, port))
            entries.append(
                AccessEntry(f"preview:{port}", AccessKind.PREVIEW_URL, f":{port}", url, port=port)
            )
        # Keys keep the API's index so they stay stable; a copy of the public URL is not repeated.
        for index, named in enumerate(self._named or []):
            if named.url.rstrip("/") == public.rstrip("/"):
                continue
            label = named.name + (f":{named.port}" if named.port else "")
            entries.append(
                AccessEntry(f"url:{index}", AccessKind.NAMED_URL, label, named.url, port=named.port)
            )
        vnc = self._vnc
        if vnc is not None:
            entries.append(
                AccessEntry(
                    "vnc-user",
                    AccessKind.VNC_USERNAME,
                    "username",
                    vnc.username,
                    note="The API sent no VNC username.",
                )
            )
            entries.append(
                AccessEntry(
                    "vnc-password",
                    AccessKind.VNC_PASSWORD,
                    "password",
                    vnc.password,
                    note="The API sent no VNC password.",
                )
            )
            entries.append(
                AccessEntry(
                    "vnc-url", AccessKind.VNC_URL, "url", vnc.url, note="The API sent no VNC URL."
                )
            )
        token = self._token
        entries.append(
            AccessEntry(
                "token",
                AccessKind.STREAM_TOKEN,
                "stream",
                token.token if token is not None else None,
                note="No stream token yet: press t to issue one.",
                expires_at=token.expires_at if token is not None else None,
            )
        )
        return entries

    def _prompt(self, entry: AccessEntry, now: float) -> Text:
        text = Text()
        kind = KIND_LABELS[entry.kind]
        text.append(kind + " ", style="dim")
        text.append(entry.label, style="bold")
        text.append(" " * max(1, LABEL_WIDTH - len(kind) - 1 - len(entry.label)))
        if entry.value is None:
            text.append(entry.note or "-", style="dim italic")
            return text
        revealed = self._reveals.is_revealed(entry.key)
        value = shown(entry.value, secret=entry.secret, revealed=revealed)
        url = entry.web_url
        text.append(value, style=Style(link=url, underline=True) if url else None)
        if entry.secret and revealed:
            left = format_duration(self._reveals.remaining(entry.key))
            text.append(f"  (hides in {left})", style="yellow")
        if entry.kind is AccessKind.STREAM_TOKEN:
            expiry = expiry_text(entry.expires_at, now)
            style = "red" if expiry == "expired" else "dim"
            text.append(f"  {expiry}", style=style)
        return text

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
            title.update(Text("No computer selected.", style="dim"))
            return
        text = Text.assemble(
            (computer.name, "bold"), f" ({computer.id})  ", (computer.status, "cyan")
        )
        title.update(text)

    def _render_entries(self, *, reset_highlight: bool = False) -> None:
        if not self.is_mounted:
            return
        options = self.query_one("#access-entries", OptionList)
        old_keys = [e.key for e in self._entries]
        previous = self.selected_entry()
        self._entries = self._build_entries()
        now = self._clock()
        prompts = [self._prompt(e, now) for e in self._entries]
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
        lines = Text()
        names = {"urls": "Named URLs", "vnc": "VNC credentials", "token": "Stream token"}
        for key in ("urls", "vnc", "token"):
            if key in self._errors:
                if lines:
                    lines.append("\n")
                lines.append(f"{names[key]} failed: {self._errors[key]}", style="red")
            elif key in self._loading:
                if lines:
                    lines.append("\n")
                lines.append(f"{names[key]}: loading…", style="dim")
        self.query_one("#access-status", Static).update(lines)

    # ----- helpers ---------------------------------------------------------------------------

    def _first_copyable(self) -> AccessEntry | None:
        return self._entries[0] if self._entries else None

    def _copy(self, text: str, label: str, *, secret: bool) -> None:
        display = clipboard.copy(self.app, text, label, secret=secret)
        self._show_last(display, label, secret=secret)

    def _show_last(
        self, display: str, label: str, *, secret: bool, prefix: str = "last copied"
    ) -> None:
        """A selectable line with what was copied, for terminals that ignore OSC 52."""
        self.last_copied = display
        line = Text(f"{prefix} ({label}): ", style="dim")
        link = None if secret or "://" not in display else display
        line.append(display, style=Style(link=link) if link else None)
        if self.is_mounted:
            self.query_one("#access-last", Static).update(line)

    def _api_location(self) -> tuple[str | None, str | None]:
        client = getattr(self.app, "client", None)
        settings = getattr(client, "settings", None)
        if settings is None:
            backend = getattr(self.app, "backend", None)
            settings = getattr(backend, "settings", None)
        return getattr(settings, "base_url", None), getattr(settings, "tenant", None)

    def _register_secret(self, value: str | None) -> None:
        """Tell the journal about a secret so it is masked in every entry and export."""
        journal = getattr(self.app, "journal", None)
        add_secret = getattr(journal, "add_secret", None)
        if value and callable(add_secret):
            add_secret(value)

    def _journal(
        self,
        action: str,
        target_id: str,
        name: str | None,
        outcome: str,
        message: str,
        request_id: str | None = None,
    ) -> None:
        journal = getattr(self.app, "journal", None)
        record = getattr(journal, "record", None)
        if callable(record):
            record(action, target_id, name, outcome, message, request_id)


@dataclass(frozen=True, slots=True)
class Failure:
    """Why a request failed: `text` (with the request id) for the panel, parts for the journal."""

    text: str
    message: str
    request_id: str | None = None


async def _attempt(call: Awaitable[T]) -> T | Failure:
    """The call's result, or what went wrong (never an exception)."""
    try:
        return await call
    except MiosaError as err:
        return Failure(str(err), err.message, err.request_id)
    except Exception as err:  # a bug or an odd response must not take the panel down
        text = f"Unexpected error: {err.__class__.__name__}: {err}"
        return Failure(text, text)
