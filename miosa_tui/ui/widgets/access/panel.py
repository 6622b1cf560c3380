"""The Access tab: every way into the highlighted computer, in one list: URLs, VNC, stream tokens.

Secrets (VNC password, stream token) are rendered masked; the real value is on screen only while
revealed (`v`, a few seconds). Copy (`y`) puts the real value on the clipboard but the toast and
the "last copied" line show the mask. Time comes from an injected clock, and the one-second
timer only calls `tick()`, so tests drive reveals and token expiry by moving the clock.

This module is the widget the dashboard mounts and what the user can do here (keys, palette
entries, the preview-port field, a new stream token); what is shown and fetched is its base
class, `AccessPanelDisplay` in `display.py`.
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.binding import Binding, BindingType
from textual.widgets import Input, Static

from miosa_tui.fleet.equivalents import AccessKind
from miosa_tui.fleet.secrets import expiry_text, is_expired
from miosa_tui.safe_text import printable, url_problem
from miosa_tui.ui import clipboard
from miosa_tui.ui.copy_option import CopyOption
from miosa_tui.ui.services import services
from miosa_tui.ui.widgets.access.attempt import Failure, attempt
from miosa_tui.ui.widgets.access.copy_options import copy_options
from miosa_tui.ui.widgets.access.display import AccessPanelDisplay
from miosa_tui.ui.widgets.access.entry import AccessEntry
from miosa_tui.ui.widgets.access.preview_ports import read_port

URL_KINDS = frozenset(
    {AccessKind.PUBLIC_URL, AccessKind.NAMED_URL, AccessKind.PREVIEW_URL, AccessKind.VNC_URL}
)


class AccessPanel(AccessPanelDisplay):
    """The Access tab of the dashboard: `AccessPanelDisplay` plus the keys. A `ComputerPane`:
    the dashboard calls `show_computer` / `computer_changed`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "copy_entry", "Copy", id="access.copy"),
        Binding("Y", "copy_menu", "Copy as…", id="access.copy_menu"),
        Binding("o", "open_entry", "Open", id="access.open"),
        Binding("v", "reveal", "Reveal", id="access.reveal"),
        Binding("t", "new_token", "Token", id="access.token"),
    ]

    # For the command palette (ui/commands.py): (title, action, help).
    PALETTE: ClassVar[list[tuple[str, str, str]]] = [
        ("Access: copy selected entry", "copy_entry", "Copy the highlighted URL or credential"),
        ("Access: copy as…", "copy_menu", "Copy as URL, computer id, CLI line or curl line"),
        ("Access: open in browser", "open_entry", "Open the highlighted URL in a browser"),
        ("Access: reveal secret", "reveal", "Show the selected password or token for a moment"),
        ("Access: new stream token", "new_token", "Issue a short-lived stream token"),
    ]

    # ----- what the keys do to the highlighted row --------------------------------------------

    def copy_selected(self) -> bool:
        """Copy the highlighted entry (the public URL when nothing is highlighted)."""
        entry = self.selected_entry() or self._first_copyable()
        if entry is None:
            self.app.notify(
                "Nothing to copy: no computer is selected.", severity="warning", markup=False
            )
            return False
        if entry.value is None:
            self.app.notify(
                entry.note or f"No {entry.toast_label} yet.", severity="warning", markup=False
            )
            return False
        if entry.kind is AccessKind.STREAM_TOKEN and is_expired(entry.expires_at, self._clock()):
            self.app.notify(
                "The stream token has expired; press t for a new one.",
                severity="warning",
                markup=False,
            )
            return False
        return self._copy(
            entry.value, entry.toast_label, secret=entry.secret, url=entry.kind in URL_KINDS
        )

    def open_selected(self) -> bool:
        """Open the highlighted URL in a browser; says why when it cannot."""
        entry = self.selected_entry() or self._first_copyable()
        url = entry.web_url if entry is not None else None
        if entry is not None and entry.value is not None and entry.kind in URL_KINDS and not url:
            self.app.notify(
                f"Not opened: the {entry.toast_label} is refused because "
                f"{url_problem(entry.value)}.",
                severity="error",
                markup=False,
            )
            return False
        if entry is None or url is None:
            what = entry.toast_label if entry is not None else "this entry"
            self.app.notify(
                f"Nothing to open: {what} is not a web URL.", severity="warning", markup=False
            )
            return False
        problem = clipboard.open_in_browser(self.app, url)
        if problem is not None:
            self.app.notify(problem, severity="error", timeout=8, markup=False)
            self._show_last(url, entry.toast_label, secret=False, prefix="open manually")
            return False
        self.app.notify(
            f"Opening {entry.toast_label}: {clipboard.shorten(url)}", title="Browser", markup=False
        )
        return True

    def copy_options(self, entry: AccessEntry | None = None) -> list[CopyOption]:
        """What the copy menu offers for `entry` (default: the highlighted one)."""
        computer = self.computer
        if computer is None:
            return []
        entry = entry or self.selected_entry() or self._first_copyable()
        settings = services(self).client.settings
        return copy_options(computer, entry, base_url=settings.base_url, tenant=settings.tenant)

    def open_copy_menu(self) -> None:
        """Push the copy menu; the chosen option is copied when it closes."""
        computer = self.computer
        if computer is None:
            self.app.notify(
                "Nothing to copy: no computer is selected.", severity="warning", markup=False
            )
            return
        options = self.copy_options()
        entry = self.selected_entry()
        what = entry.toast_label if entry is not None else "computer"
        title = f"Copy {what} of {computer.name} ({computer.id})"

        target = entry or self._first_copyable()
        urls = target is not None and target.kind in URL_KINDS

        def chosen(option: CopyOption | None) -> None:
            if option is not None:
                url = urls and option.key == "value"
                self._copy(option.text, option.label, secret=option.secret, url=url)

        from miosa_tui.ui.screens.copy_menu import CopyMenu  # a dialog: loaded when opened

        self.app.push_screen(CopyMenu(title, options), chosen)

    def reveal_selected(self) -> bool:
        """Show the highlighted secret in clear for `reveal_seconds`; again hides it at once."""
        entry = self.selected_entry()
        if entry is None or not entry.secret:
            self.app.notify(
                "Nothing to reveal: select the VNC password or a stream token.", markup=False
            )
            return False
        if entry.value is None:
            self.app.notify(
                entry.note or f"No {entry.toast_label} yet.", severity="warning", markup=False
            )
            return False
        if self._reveals.is_revealed(entry.key):
            self._reveals.hide(entry.key)
        elif self.reveal_lock is not None:
            self.app.notify(
                f"Secrets stay masked: {self.reveal_lock}.", severity="warning", markup=False
            )
            return False
        else:
            self._reveals.reveal(entry.key)
        self._render_entries()
        return True

    def request_token(self) -> None:
        """Issue a new stream token for the shown computer (a worker; replaces the old one)."""
        if self.computer is None:
            self.app.notify("Select a computer first.", severity="warning", markup=False)
            return
        self._errors.pop("token", None)
        self._loading.add("token")
        self._render_status()
        self._issue_token(self.computer.id)

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
        port = read_port(text)
        if isinstance(port, str):
            error.update(port)
            return False
        error.update("")
        self._ports.add(computer.id, port)
        self.query_one("#access-port", Input).value = ""
        self._render_entries()
        self.select(f"preview:{port}")
        return True

    def recent_ports(self, computer_id: str) -> list[int]:
        return self._ports.get(computer_id)

    # ----- workers ----------------------------------------------------------------------------

    @work(exclusive=True, group="access-token", exit_on_error=False)
    async def _issue_token(self, computer_id: str) -> None:
        hosted = services(self)
        client, journal = hosted.client, hosted.journal
        result = await attempt(lambda: client.stream_token(computer_id))
        computer = self.computer
        name = computer.name if computer is not None else None
        if isinstance(result, Failure):
            journal.record("token", computer_id, name, "failed", result.message, result.request_id)
        else:
            journal.add_secret(result.token)  # masked in this entry and every export
            expiry = expiry_text(result.expires_at, self._clock())
            journal.record("token", computer_id, name, "ok", f"stream token issued, {expiry}")
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
        self.app.notify(
            f"New stream token for {computer.name}, {expiry}. y copies it.", markup=False
        )

    # ----- helpers ---------------------------------------------------------------------------

    def _copy(self, text: str, label: str, *, secret: bool, url: bool = False) -> bool:
        """Copy `text` if it passes `clipboard.copy_refusal` (a URL must be plain http(s), other
        text free of control characters); a secret holding such characters is copied only after
        the user agrees. False when nothing was copied (yet)."""
        if secret and clipboard.needs_copy_confirm(text):

            def answered(agreed: bool | None) -> None:
                if agreed:
                    self._copy_now(text, label, secret=secret)

            from miosa_tui.ui.widgets.access.confirm_copy import ConfirmCopyDialog

            self.app.push_screen(ConfirmCopyDialog(label, text), answered)
            return False
        refusal = clipboard.copy_refusal(text, label, url=url)
        if refusal is not None:
            self.app.notify(refusal, severity="error", timeout=8, markup=False)
            return False
        self._copy_now(text, label, secret=secret)
        return True

    def _copy_now(self, text: str, label: str, *, secret: bool) -> None:
        display = clipboard.copy(self.app, text, label, secret=secret)
        self._show_last(display, label, secret=secret)

    def _show_last(
        self, display: str, label: str, *, secret: bool, prefix: str = "last copied"
    ) -> None:
        """A selectable line with what was copied, for terminals that ignore OSC 52."""
        line = Text(f"{prefix} ({printable(label)}): ", style="dim")
        link = None if secret or url_problem(display) is not None else display
        line.append(printable(display), style=Style(link=link) if link else None)
        if self.is_mounted:
            self.query_one("#access-last", Static).update(line)
