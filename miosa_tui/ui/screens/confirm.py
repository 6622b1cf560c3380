"""Confirmation before an action touches computers: every target listed, Cancel focused.

Safety rules (reference §2.1): a stray Enter lands on Cancel (or, when a phrase must be typed,
in the empty field, where it confirms nothing); the confirm keys are printed in the dialog; when
`require_typed` is set the confirm button stays disabled and `y` does nothing until the exact
phrase is typed.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Input, Static

from miosa_tui.api.models import Computer
from miosa_tui.fleet.actions import ActionKind, BulkPlan
from miosa_tui.safe_text import printable
from miosa_tui.ui.safe_content import safe_content
from miosa_tui.ui.screens.dialog_base import DialogScreen, hint_line, key_text

CONSEQUENCES: dict[ActionKind, str] = {
    ActionKind.DESTROY: "This cannot be undone.",
    ActionKind.STOP: "Open sessions are disconnected; the disk is kept.",
    ActionKind.RESTART: "Open sessions are disconnected while it restarts.",
}


def typed_phrase_for(plan: BulkPlan) -> str | None:
    """What must be typed to confirm, or None: destroying a running computer or several needs
    typing (the name for one, "destroy 3" for three); everything else is confirmed with `y`."""
    if plan.kind is not ActionKind.DESTROY or not plan.targets:
        return None
    if len(plan.targets) > 1:
        return f"{plan.kind.verb} {len(plan.targets)}"
    only = plan.targets[0]
    return only.name if only.is_running else None


def _target_lines(targets: list[Computer], skipped: list[tuple[Computer, str]]) -> list[Content]:
    """One aligned line per computer: name, id, status (or why it is skipped)."""
    everyone = targets + [c for c, _reason in skipped]
    name_w = min(32, max((len(printable(c.name)) for c in everyone), default=0))
    id_w = min(40, max((len(printable(c.id)) for c in everyone), default=0))
    lines = [
        Content.assemble(
            (printable(c.name).ljust(name_w), "bold"),
            "  ",
            (printable(c.id).ljust(id_w), "dim"),
            "  ",
            printable(c.status),
        )
        for c in targets
    ]
    lines += [
        Content.assemble(
            (printable(c.name).ljust(name_w), "dim"),
            "  ",
            (printable(c.id).ljust(id_w), "dim"),
            "  ",
            (printable(f"skipped: {reason}"), "dim italic"),
        )
        for c, reason in skipped
    ]
    return lines


def accepted_phrases(phrase: str | None, targets: list[Computer]) -> frozenset[str]:
    """What passes a typed check: the phrase as sent and as shown (control characters escaped,
    since those cannot be typed), and for one computer's name, that computer's id too."""
    if phrase is None:
        return frozenset()
    accepted = {phrase, printable(phrase)}
    if len(targets) == 1 and phrase == targets[0].name:
        accepted |= {targets[0].id, printable(targets[0].id)}
    return frozenset(accepted)


class ConfirmActionDialog(DialogScreen[bool]):
    """Ask before an action. Dismisses True (confirmed) or False (cancelled)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "confirm", "Confirm", id="dialog.confirm"),
        Binding("n", "cancel", "Cancel", id="dialog.no"),
        # The list is not in the tab order (Tab goes field -> Cancel -> confirm), so it scrolls
        # from here whatever has focus.
        Binding(
            "down", "scroll_targets(1)", "Scroll the list", show=False, id="dialog.scroll_down"
        ),
        Binding("up", "scroll_targets(-1)", "Scroll the list", show=False, id="dialog.scroll_up"),
        Binding(
            "pagedown", "scroll_targets(10)", "Page the list", show=False, id="dialog.page_down"
        ),
        Binding("pageup", "scroll_targets(-10)", "Page the list", show=False, id="dialog.page_up"),
    ]

    def __init__(
        self,
        plan: BulkPlan,
        *,
        require_typed: str | None = None,
        consequence: str | None = None,
        title: str | None = None,
        action_label: str | None = None,
    ) -> None:
        """`plan` gives the targets, the skipped computers and the summary; the title defaults
        to "Stop research-desk?" / "Destroy 2 computers?", the consequence to `CONSEQUENCES`."""
        super().__init__()
        self.plan = plan
        verb = plan.kind.verb.capitalize()
        self.targets = list(plan.targets)
        self.skipped = list(plan.skipped)
        if title is None:
            if len(self.targets) == 1:
                title = f"{verb} {self.targets[0].name}?"
            else:
                title = f"{verb} {len(self.targets)} computers?"
        self.title_text = title
        self.action_label = action_label or verb
        self.consequence = consequence if consequence is not None else CONSEQUENCES.get(plan.kind)
        bulk = len(self.targets) > 1 or bool(self.skipped)
        self.summary = plan.summary() if bulk else None
        self.destructive = plan.kind.destructive
        self.require_typed = require_typed or None
        self.accepted = accepted_phrases(self.require_typed, self.targets)
        self._visible_rows = 1

    # -- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="-danger" if self.destructive else "") as box:
            box.border_title = safe_content(self.title_text)
            if self.summary:
                yield Static(safe_content(self.summary), id="summary", classes="message")
            lines = _target_lines(self.targets, self.skipped)
            if not self.targets:
                lines.insert(0, Content("Nothing to do: no computer fits this action."))
            with VerticalScroll(id="targets", can_focus=False):
                yield Static(Content("\n").join(lines), id="target-list")
            if self.consequence:
                yield Static(
                    safe_content(self.consequence, multiline=True), id="consequence", classes="note"
                )
            if self.require_typed is not None:
                yield Static(
                    Content.assemble(
                        "Type ", self._phrase_part(), " to confirm", *self._id_parts()
                    ),
                    id="typed-prompt",
                    classes="message",
                )
                yield Input(id="typed")
                yield Static("", id="typed-error", classes="error -empty")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button(
                    Content(self.action_label),
                    id="confirm",
                    variant="error" if self.destructive else "primary",
                    disabled=not self._can_confirm(""),
                )
            yield Static("", id="hints", classes="hints")

    def on_mount(self) -> None:
        # Typed confirmation: straight into the field (Enter there confirms only the exact
        # phrase). Otherwise Cancel, so a stray Enter cancels.
        if self.require_typed is not None:
            self.query_one("#typed", Input).focus()
        else:
            self.query_one("#cancel", Button).focus()
        self._fit_targets(self.app.size.height)

    def on_resize(self, event: events.Resize) -> None:
        self._fit_targets(event.size.height)

    def _fit_targets(self, screen_height: int) -> None:
        """At most about a third of the terminal for the list; the rest of it scrolls.

        Set as a number of rows because an auto-height dialog sizes itself to a scroll area's
        full content, ignoring the area's max-height.
        """
        rows = max(1, len(self.targets) + len(self.skipped))
        self._visible_rows = min(rows, max(3, screen_height // 3))
        self.query_one("#targets").styles.height = self._visible_rows
        self._update_hints()

    def _list_scrolls(self) -> bool:
        rows = max(1, len(self.targets) + len(self.skipped))
        return rows > self._visible_rows

    def _update_hints(self) -> None:
        cancel = "/".join(
            k
            for k in (
                key_text(self.app, self, "dialog.no"),
                key_text(self.app, self, "dialog.cancel"),
            )
            if k
        )
        scroll = ("↑↓", "Scroll list") if self._list_scrolls() else ("", "")
        if self.require_typed is None and self.targets:
            text = hint_line(
                (key_text(self.app, self, "dialog.confirm"), self.action_label),
                (cancel, "Cancel"),
                scroll,
            )
        elif self.require_typed is not None:
            # focus is in the field, where n is a letter: only escape cancels
            escape = key_text(self.app, self, "dialog.cancel")
            text = hint_line(("⏎", "Confirm once typed"), (escape, "Cancel"), scroll)
        else:
            text = hint_line((cancel, "Cancel"))
        self.query_one("#hints", Static).update(text)

    # -- behaviour ----------------------------------------------------------------------------

    def cancel_value(self) -> bool:
        return False

    def _can_confirm(self, typed: str | None = None) -> bool:
        if not self.targets:
            return False
        if self.require_typed is None:
            return True
        if typed is None:
            typed = self.query_one("#typed", Input).value
        return typed in self.accepted

    def _phrase_part(self) -> tuple[str, str]:
        """The phrase to type exactly as shown: control characters visibly escaped."""
        return (printable(self.require_typed), "bold")

    def _id_parts(self) -> list[str | tuple[str, str]]:
        """ " (or its id cmp_1)" when the computer's id is accepted too."""
        if len(self.targets) == 1 and self.targets[0].id in self.accepted:
            return [" (or its id ", (printable(self.targets[0].id), "bold"), ")"]
        return []

    def action_scroll_targets(self, rows: int) -> None:
        self.query_one("#targets", VerticalScroll).scroll_relative(y=rows, animate=False)

    def action_confirm(self) -> None:
        if self._can_confirm():
            self.finish(True)
        else:
            self.app.bell()

    @on(Input.Changed, "#typed")
    def _typed_changed(self, event: Input.Changed) -> None:
        ok = self._can_confirm(event.value)
        self.query_one("#confirm", Button).disabled = not ok
        self.show_error("typed-error", "")

    @on(Input.Submitted, "#typed")
    def _typed_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._can_confirm(event.value):
            self.finish(True)
            return
        assert self.require_typed is not None
        self.show_error(
            "typed-error",
            Content.assemble(
                "Type exactly ", self._phrase_part(), " to confirm", *self._id_parts(), "."
            ),
        )
        self.app.bell()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()

    @on(Button.Pressed, "#confirm")
    def _confirm_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_confirm()
