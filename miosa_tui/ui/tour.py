"""`miosa-tui tour`: a guided walk through the product on the simulated fleet.

Each step says what it shows in a caption over the screen, then does it the way a user would,
with the same keys (the tour presses them for you): the live table, starting a computer and
watching it come up, the desktop and a region zoom, the access panel and copying a URL, cloning,
a computer in error and the journal, and destroy's typed confirmation (cancelled).

Keys while the tour drives: space or → next step, ← previous step, escape ends the tour. Any
other key hands control to the presenter (the key does what it always does; → picks the tour up
again). `--auto` advances by itself every few seconds and exits 0 after the last step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text

from miosa_tui.api.models import Computer

if TYPE_CHECKING:
    from miosa_tui.ui.app import MiosaApp


@dataclass(frozen=True, slots=True)
class Step:
    title: str
    text: str
    enter: Callable[[MiosaApp], None] | None = None  # what the tour does when the step starts
    leave: Callable[[MiosaApp], None] | None = None  # how it tidies up before the next step
    opens_dialog: bool = False  # `enter` opens a dialog: the step is not ready until it shows
    # How it tidies up going back or ending the tour (default: `leave`); the clone step sends
    # its form only when the tour goes on.
    cancel: Callable[[MiosaApp], None] | None = None

    def leaving(self, *, forward: bool) -> Callable[[MiosaApp], None] | None:
        return self.leave if forward or self.cancel is None else self.cancel


def _first(app: MiosaApp, status: str) -> Computer | None:
    """The first computer in the table's order with `status`."""
    for computer in app.dashboard.visible_computers():
        if computer.status == status:
            return computer
    return None


def _go(app: MiosaApp, status: str) -> Computer | None:
    computer = _first(app, status)
    if computer is not None:
        app.dashboard.go_to(computer.id)
    return computer


def _press(*keys: str) -> Callable[[MiosaApp], None]:
    def press(app: MiosaApp) -> None:
        for key in keys:
            app.tour_key(key)

    return press


def _in_dialog(*keys: str) -> Callable[[MiosaApp], None]:
    """Press `keys` only if a dialog is open (the presenter may have closed it already)."""

    def press(app: MiosaApp) -> None:
        if app.screen is not app.dashboard:
            for key in keys:
                app.tour_key(key)

    return press


def _journal(*, shown: bool) -> Callable[[MiosaApp], None]:
    """Open or close the journal pane directly: a `j` pressed while the clone form before it
    was still closing could land in the form, leaving step 7 without its journal."""

    def set_journal(app: MiosaApp) -> None:
        from miosa_tui.ui.widgets.journal_pane import JournalPane

        panes = app.dashboard.query(JournalPane)
        if (bool(panes) and panes.first().display) != shown:
            app.dashboard.action_toggle_journal()

    return set_journal


def _then(*actions: Callable[[MiosaApp], None] | None) -> Callable[[MiosaApp], None]:
    def run(app: MiosaApp) -> None:
        for action in actions:
            if action is not None:
                action(app)

    return run


def _to(status: str) -> Callable[[MiosaApp], None]:
    def go(app: MiosaApp) -> None:
        _go(app, status)

    return go


def _focus_table(app: MiosaApp) -> None:
    app.dashboard.action_focus_table()


def _top(app: MiosaApp) -> None:
    _focus_table(app)
    app.tour_key("home")


TOP = "top"  # where: the first row of the table (any other `where` is a status)
JOURNAL = "journal"  # do: show the journal pane (the step hides it again when left)
# How a step is left when the tour goes on (going back or ending always escapes a dialog):
STAY = ""  # nothing to tidy
CLOSE = "close"  # the step's key opened a dialog: escape closes it
SEND = "send"  # the step's key opened a form: enter sends it
REFOCUS = "refocus"  # the step's key moved the focus: give it back to the table


@dataclass(frozen=True, slots=True)
class Plan:
    """One step as data: where the highlight goes, what is pressed there, how it is left."""

    title: str
    text: str
    where: str  # TOP or a status: the first computer in the table's order with it
    do: str = ""  # a key to press there, or JOURNAL
    then: str = STAY  # STAY, CLOSE, SEND or REFOCUS


PLANS: tuple[Plan, ...] = (
    Plan(
        "The live fleet",
        "Every computer, polled live: status, size, region, IP and age. ↑ ↓ move the "
        "highlight, and the panes on the right always show the highlighted computer.",
        TOP,
    ),
    Plan(
        "Start a computer",
        "s starts the highlighted computer. Its row spins until it is running, counting the "
        "seconds since the request, and the journal records the request and how it ended.",
        "stopped",
        "s",
    ),
    Plan(
        "Its desktop, in the terminal",
        "The desktop of the highlighted computer, drawn right here (sixel, kitty graphics or "
        "half-blocks). g refreshes it; the agent is at work.",
        "running",
    ),
    Plan(
        "Zoom into a region",
        "x picks part of the desktop in MIOSA's 0-1000 space; Enter fetches that region at "
        "full resolution. Arrows move the rectangle, shift+arrows resize it.",
        "running",
        "x",
        CLOSE,
    ),
    Plan(
        "Every way in",
        "The Access tab: public, preview and named URLs, VNC credentials and stream tokens. "
        "y copies the selected one; secrets stay masked on screen.",
        "running",
        "a",
        REFOCUS,
    ),
    Plan(
        "Clone",
        "c clones the highlighted computer. The form proposes a name; Enter sends it, and the "
        "clone appears in the table as it is created.",
        "running",
        "c",
        SEND,
    ),
    Plan(
        "Something is wrong",
        "A computer in error stands out in red. The journal (j) lists what was done, by whom "
        "and how it ended, with the request id to quote to support.",
        "error",
        JOURNAL,
    ),
    Plan(
        "Destroy, carefully",
        "d destroys, after a confirmation: for a running computer you type its name. The tour "
        "cancels here: nothing is destroyed.",
        "running",
        "d",
        CLOSE,
    ),
    Plan(
        "Over to you",
        "That was miosa-tui. ? lists every key, : or ctrl+p opens the command palette. "
        "Escape ends the tour.",
        TOP,
    ),
)


_LEAVING: dict[str, Callable[[MiosaApp], None]] = {
    CLOSE: _in_dialog("escape"),
    SEND: _in_dialog("enter"),
    REFOCUS: _focus_table,
}


def step_of(plan: Plan) -> Step:
    """The Step that does what `plan` says (the one place a plan becomes actions)."""
    if plan.where == TOP:
        return Step(plan.title, plan.text, enter=_top)
    if plan.do == JOURNAL:
        enter_do: Callable[[MiosaApp], None] | None = _journal(shown=True)
        leave: Callable[[MiosaApp], None] | None = _journal(shown=False)
    else:
        enter_do = _press(plan.do) if plan.do else None
        leave = _LEAVING.get(plan.then)
    return Step(
        plan.title,
        plan.text,
        enter=_then(_to(plan.where), enter_do),
        leave=leave,
        opens_dialog=plan.then in (CLOSE, SEND),
        cancel=_in_dialog("escape") if plan.then == SEND else None,
    )


STEPS: tuple[Step, ...] = tuple(step_of(plan) for plan in PLANS)


class Tour:
    """Which step is showing, and whether the presenter has taken the keys."""

    def __init__(self, *, auto_seconds: float | None = None) -> None:
        self.steps = STEPS
        self.index = -1
        self.target = -1  # where the presenter asked to be (ahead of `index` while keys land)
        self.auto_seconds = auto_seconds
        self.handed_over = False  # the presenter pressed a key of their own
        self.finished = False
        self.ready_by = 0.0  # monotonic deadline for the current step's dialog to show
        self.left = False  # the current step's `leave` ran (its keys may still be closing a dialog)

    @property
    def step(self) -> Step | None:
        return self.steps[self.index] if 0 <= self.index < len(self.steps) else None

    @property
    def is_last(self) -> bool:
        return self.index == len(self.steps) - 1

    def caption(self) -> Text:
        step = self.step
        text = Text()
        if step is None:
            return text
        text.append(f" Tour {self.index + 1}/{len(self.steps)} · {step.title} ", "bold reverse")
        text.append("\n")
        text.append(step.text)
        text.append("\n")
        if self.handed_over:
            text.append("You have the keys. → goes on with the tour.", "italic")
        elif self.auto_seconds is not None:
            text.append("Playing by itself. space/→ next · ← back · esc ends", "dim")
        else:
            text.append("space/→ next · ← back · any other key: you drive · esc ends", "dim")
        return text
