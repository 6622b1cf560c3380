"""Command palette: every dashboard action, plus jumping to a computer by name."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher

from miosa_tui.safe_text import printable
from miosa_tui.ui.services import miosa_app

GO_TO = "Go to "  # the entries that carry API text (a computer's name, status and id)

ACTIONS: tuple[tuple[str, str, str], ...] = (
    ("Start", "act('start')", "Start the marked or highlighted computers"),
    ("Stop", "act('stop')", "Stop the marked or highlighted computers"),
    ("Restart", "act('restart')", "Restart the marked or highlighted computers"),
    ("Destroy", "act('destroy')", "Destroy the marked or highlighted computers (confirmed)"),
    ("Clone", "act('clone')", "Clone the highlighted computer"),
    ("Move", "act('move')", "Move to another region"),
    ("Resize", "act('resize')", "Change the size"),
    ("New computer", "act('create')", "Create a computer"),
    ("Filter", "filter", "Filter the table (status:running name:web …)"),
    ("Pause or resume refresh", "toggle_pause", "Stop or restart polling"),
    ("Refresh now", "refresh_now", "Poll the API now"),
    ("Sort by next column", "sort(1)", "Cycle the sort column"),
    ("Reverse sort", "sort_reverse", "Flip the sort order"),
    ("Toggle journal", "toggle_journal", "Show the action journal"),
    ("Export journal", "export_journal", "Write the journal to a file"),
    ("Problems only", "triage('problems_only')", "Only computers that need attention (!)"),
    ("Watch computer", "triage('watch')", "Announce each status change of the highlighted (W)"),
    ("Describe computer", "triage('describe')", "Its JSON as the API sends it, secrets masked (D)"),
    ("Export incident timeline", "triage('export')", "Markdown history of the marked computers"),
    ("Access panel", "focus_access", "URLs, VNC credentials, stream tokens"),
    ("Save screenshot (SVG)", "app.save_svg", "This screen as an SVG file, secrets masked"),
    (
        "Presenter mode on/off",
        "app.toggle_present",
        "Hide ids, IPs and owners behind stand-ins, show keys pressed, never reveal secrets",
    ),
)


class ComputerCommands(Provider):
    """Dashboard actions (each as its key does, gated the same way) and `go to <name>`."""

    def _commands(self) -> list[tuple[str, Callable[[], Any], str]]:
        app = miosa_app(self.app)
        screen = app.dashboard
        found: list[tuple[str, Callable[[], Any], str]] = []
        for title, action, help_text in ACTIONS:
            name, _, arg = action.partition("(")
            params: tuple[object, ...] = (arg.rstrip(")").strip("'"),) if arg else ()
            if name == "act":
                if screen.check_action("act", params) is False:
                    continue  # read-only: mutating commands are not offered at all
                # Straight to the action, not through run_action: that skips an action its
                # check refuses without a word; this one says why (as the key does).
                found.append((title, partial(screen.action_act, str(params[0])), help_text))
                continue
            found.append((title, partial(app.run_action, action, screen), help_text))
        side = screen.side_panes  # None in the moment before the first rows are painted
        if side is not None:
            for pane, palette in (
                (side.desktop, side.desktop.PALETTE),
                (side.access, side.access.PALETTE),
            ):
                for title, action, help_text in palette:
                    found.append((title, partial(app.run_action, action, pane), help_text))
        for computer in list(app.fleet.computers.values())[:5000]:
            found.append(
                (
                    f"{GO_TO}{printable(computer.name, limit=120)}",
                    partial(screen.go_to, computer.id),
                    f"{printable(computer.status, limit=40)} · {printable(computer.id, limit=80)}",
                )
            )
        return found

    async def discover(self) -> Hits:
        for title, callback, help_text in self._commands():
            if not title.startswith(GO_TO):
                yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, callback, help_text in self._commands():
            score = matcher.match(title)
            if score > 0 and title.startswith(GO_TO):  # API text: shown literally
                yield Hit(score, literal_prompt(matcher, title, help_text), callback, text=title)
            elif score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)


def literal_prompt(matcher: Matcher, title: str, help_text: str) -> Content:
    """A hit's title (fuzzy matches highlighted) and help line, never read as markup: the
    palette would parse a `str` prompt or help as markup (Matcher.highlight does too)."""
    content = Content(title)
    _score, offsets = matcher.fuzzy_search.match(matcher.query, title)
    for offset in offsets:
        if not title[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return Content.assemble(content, "\n", (help_text, "dim"))
