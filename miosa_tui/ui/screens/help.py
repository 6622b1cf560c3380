"""`?`: every key of the screen underneath, grouped by area, read from the live bindings.

Collected, not hand-written, so a new binding or a user's keymap override shows up here
without anyone remembering to update a help text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingsMap, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from miosa_tui.ui.keymap import with_keymap
from miosa_tui.ui.screens.confirm import ConfirmActionDialog
from miosa_tui.ui.screens.dialog_base import hint_line, key_text

AREA_TITLES = {
    "table": "Table",
    "desktop": "Desktop",
    "access": "Access",
    "details": "Details",
    "journal": "Journal",
    "dash": "Dashboard",
    "app": "App",
    "dialog": "Dialogs",
}
# Areas in this order first; unknown areas follow in the order they were found; dialogs last.
AREA_ORDER = ("table", "desktop", "access", "details", "journal", "dash", "app")
LAST_AREAS = ("other", "dialog")
WIDE = 140  # terminal columns from which the areas are laid out in two columns


@dataclass
class HelpRow:
    keys: list[str]
    description: str
    note: str | None = None  # why the key does nothing now ("read-only")


# Why a binding is disabled in the current mode, or None: see `DashboardScreen.help_note`.
HelpNote = Callable[[DOMNode | None, Binding], str | None]


@dataclass
class HelpArea:
    name: str
    title: str
    rows: list[HelpRow] = field(default_factory=list)


def _describe(binding: Binding) -> str:
    if binding.action == "command_palette":
        return "Command palette"
    if binding.description:
        return binding.description
    if binding.tooltip:
        return binding.tooltip
    return binding.action.split("(")[0].replace("_", " ").strip().capitalize()


def collect_help(
    app: App[Any],
    screen: Screen[Any] | None,
    *,
    extra: Iterable[BindingsMap] = (),
    note: HelpNote | None = None,
) -> list[HelpArea]:
    """Group the keys in effect by the area prefix of each Binding id ("table.mark" -> Table).

    Walks `screen`, every widget in its DOM, then the app. Bindings without an id are widget
    internals (cursor moves, text editing) and are left out, except the app's own. Keys are shown
    after the app's keymap, with `app.get_key_display`.
    """
    nodes: list[DOMNode] = []
    if screen is not None:
        nodes.append(screen)
        nodes.extend(screen.walk_children(with_self=False))
    sources: list[tuple[DOMNode | None, BindingsMap]] = [(n, n._bindings) for n in nodes]
    sources.append((app, app._bindings))
    sources.extend((None, bindings) for bindings in extra)

    areas: dict[str, HelpArea] = {}
    # One row per (area, description): "esc, n  Cancel", and one per binding id: an id
    # repeated on a widget and its screen ("Open URL" / "Open") shows once, with the longer
    # description.
    rows: dict[tuple[str, str], HelpRow] = {}
    by_id: dict[str, HelpRow] = {}
    for node, raw in sources:
        for key_bindings in with_keymap(app, raw).key_to_bindings.values():
            for binding in key_bindings:
                if binding.system:
                    continue
                if binding.id:
                    area = binding.id.split(".", 1)[0] if "." in binding.id else "other"
                elif node is app and binding.description:
                    area = "app"
                else:
                    continue
                description = _describe(binding)
                row_key = (area, description.lower())
                shown = app.get_key_display(binding)
                row = by_id.get(binding.id) if binding.id else None
                if row is None:
                    row = rows.get(row_key)
                elif len(description) > len(row.description):
                    row.description = description
                if row is None:
                    row = rows[row_key] = HelpRow([], description)
                    if area not in areas:
                        areas[area] = HelpArea(area, AREA_TITLES.get(area, area.capitalize()))
                    areas[area].rows.append(row)
                if binding.id:
                    by_id.setdefault(binding.id, row)
                if note is not None and row.note is None:
                    row.note = note(node, binding)
                if shown not in row.keys:
                    row.keys.append(shown)

    def order(area: HelpArea) -> tuple[int, int]:
        if area.name in AREA_ORDER:
            return (0, AREA_ORDER.index(area.name))
        if area.name in LAST_AREAS:
            return (2, LAST_AREAS.index(area.name))
        return (1, 0)

    return sorted(areas.values(), key=order)  # stable: unknown areas keep discovery order


def _key_width(areas: list[HelpArea]) -> int:
    """One key column width for every area, so the descriptions line up across the screen."""
    return min(10, max((len(", ".join(r.keys)) for a in areas for r in a.rows), default=4))


def _area_content(area: HelpArea, width: int) -> Content:
    lines = [
        Content.assemble((", ".join(row.keys).ljust(width), "bold $accent"), "  ", row.description)
        if row.note is None
        else Content.assemble(
            (", ".join(row.keys).ljust(width), "dim"),
            "  ",
            (f"{row.description} ({row.note})", "dim"),
        )
        for row in area.rows
    ]
    return Content("\n").join(lines)


def _columns(areas: list[HelpArea], count: int) -> list[list[HelpArea]]:
    """Split areas, in order, into `count` columns of about equal height."""
    if count <= 1:
        return [areas]
    heights = [len(a.rows) + 2 for a in areas]
    half = sum(heights) / 2
    first: list[HelpArea] = []
    used = 0
    for area, height in zip(areas, heights, strict=True):
        if first and used + height / 2 > half:
            break
        first.append(area)
        used += height
    return [first, areas[len(first) :]]


def _find_key(areas: list[HelpArea], description: str, fallback: str) -> str:
    for area in areas:
        for row in area.rows:
            if row.description.lower() == description.lower() and row.keys:
                return row.keys[0]
    return fallback


class HelpScreen(ModalScreen[None]):
    """Keys by area, filter syntax and marks. Dismisses None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close help", id="help.close"),
    ]

    def __init__(self, source: Screen[Any] | None = None) -> None:
        """`source`: the screen whose keys to list; by default the one under this help screen."""
        super().__init__()
        self.source = source
        self.wide = False
        self._dismissed = False

    def _source_screen(self) -> Screen[Any] | None:
        if self.source is not None:
            return self.source
        below = [s for s in self.app.screen_stack if s is not self]
        return below[-1] if below else None

    def compose(self) -> ComposeResult:
        self.wide = self.app.size.width >= WIDE
        self.set_class(self.wide, "-wide")
        dialog_bindings = ConfirmActionDialog._merge_bindings()
        source = self._source_screen()
        self.areas = collect_help(
            self.app, source, extra=[dialog_bindings], note=self._note_for(source)
        )
        filter_key = _find_key(self.areas, "Filter", "/")
        mark_key = _find_key(self.areas, "Mark", "space")
        width = _key_width(self.areas)
        with Vertical(id="dialog") as box:
            box.border_title = "Keys"
            with VerticalScroll(id="help-body"):
                with Horizontal(id="areas"):
                    for index, column in enumerate(_columns(self.areas, 2 if self.wide else 1)):
                        with Vertical(classes="column -second" if index else "column"):
                            for area in column:
                                with Vertical(classes="area"):
                                    yield Static(Content(area.title), classes="area-title")
                                    yield Static(_area_content(area, width), classes="area-keys")
                yield Static("Filter syntax", classes="section-title")
                yield Static(
                    Content.assemble(
                        (filter_key, "bold $accent"),
                        " opens the filter. Words narrow the table, all must match: ",
                        ("status:running", "bold"),
                        "  ",
                        ("name:web", "bold"),
                        "  ",
                        ("region:us-mia", "bold"),
                        "  ",
                        ("size:small", "bold"),
                        ". A bare word (",
                        ("web", "bold"),
                        ") matches name, id, status, region, size or IP. ",
                        ("!status:stopped", "bold"),
                        " excludes; ",
                        ("status:running,stopped", "bold"),
                        " matches either. ",
                        ("problem:any", "bold"),
                        " (or error, stuck, failed, unknown) keeps the problems; ",
                        ("!", "bold $accent"),
                        " toggles that view.",
                    ),
                    classes="section-text",
                )
                yield Static("Marks", classes="section-title")
                yield Static(
                    Content.assemble(
                        (mark_key, "bold $accent"),
                        " marks the highlighted row. Actions apply to the marked rows"
                        " (or to the highlighted row when none is marked); the confirmation"
                        " lists every target and the ones skipped, with why.",
                    ),
                    classes="section-text",
                )
            yield Static("", id="hints", classes="hints")

    @staticmethod
    def _note_for(source: Screen[Any] | None) -> HelpNote | None:
        from miosa_tui.ui.screens.dashboard import DashboardScreen

        if isinstance(source, DashboardScreen):
            return source.help_note
        return None

    def on_mount(self) -> None:
        self._show_hints()
        self._fit(self.app.size.height)

    def _fit(self, screen_height: int) -> None:
        """Cap the scroll area so the hint line stays on screen (an auto-height dialog would
        otherwise grow to the scroll area's full content)."""
        spare = 3 if screen_height < 30 else 6  # border + hints (+ breathing room when tall)
        body = self.query_one("#help-body", VerticalScroll)
        body.styles.max_height = max(3, screen_height - spare)

    def _show_hints(self) -> None:
        close = key_text(self.app, self, "help.close", "esc")
        self.query_one("#hints", Static).update(
            hint_line((close, "Close"), ("↑↓ PgUp PgDn", "Scroll"))
        )
        self.query_one("#help-body", VerticalScroll).focus()

    async def on_resize(self, event: events.Resize) -> None:
        wide = event.size.width >= WIDE
        if wide != self.wide:
            self.wide = wide
            self.set_class(wide, "-wide")
            await self.recompose()
            self._show_hints()
            self.query_one("#help-body", VerticalScroll).focus()
        self._fit(event.size.height)

    def action_close(self) -> None:
        if not self._dismissed:
            self._dismissed = True
            self.dismiss(None)
