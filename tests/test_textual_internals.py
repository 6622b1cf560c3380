"""The Textual internals that ComputerTable, the key bar, presenter mode and the kept stylesheet
rules use still exist, with the shapes we use.

ui/widgets/computer_table.py overrides DataTable's row-layout caches and drops entries of its
render caches by row; ui/widgets/footer.py reads `Screen.active_bindings` (four-part values)
and listens to `Screen.bindings_updated_signal`, as Textual's own Footer does; ui/app.py
(`_present`) appends its stand-in line filter to `App._filters`, the list
`App.get_line_filters` reads, and replaces the `App.stylesheet` made in `App.__init__` with a
ui/parsed_css.py `KeptStylesheet`, which overrides `Stylesheet._parse_rules` and `reparse`;
ComputerTable makes its vertical scrollbar a ui/widgets/lean_scrollbar.py `LeanScrollBar`.
These are private to Textual and checked against textual 8.2.8 (pinned in pyproject.toml). If
a test here fails after a Textual upgrade, re-read the comments in those files against the new
DataTable/Footer/Screen/App/Stylesheet source before changing the test: each patch may need to
change or may no longer be needed.
"""

from __future__ import annotations

import inspect
from importlib.metadata import version
from typing import Any, ClassVar

from rich.segment import Segment
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.color import Color
from textual.filter import LineFilter
from textual.widgets import DataTable, Footer, Static
from textual.widgets.data_table import RowKey
from ui_helpers import wait_for

RECHECK = (
    "Textual internals changed: re-check ui/widgets/computer_table.py (DataTable caches), "
    "ui/widgets/footer.py (the screen's bindings and their signal), ui/app.py `_present` "
    "(App._filters) and ui/parsed_css.py (Stylesheet) against textual {}: {}"
)


def _fail(what: str) -> str:
    return RECHECK.format(version("textual"), what)


def _params(function: Any) -> list[str]:
    return list(inspect.signature(function).parameters)


def test_textual_is_the_version_the_patches_were_written_for() -> None:
    assert version("textual") == "8.2.8", _fail("pyproject pins textual==8.2.8")


def test_datatable_members_the_table_overrides_or_reads() -> None:
    assert _params(DataTable._update_dimensions) == ["self", "new_rows"], _fail(
        "DataTable._update_dimensions(self, new_rows)"
    )
    for name in ("ordered_rows", "_y_offsets", "_row_label_column_width"):
        assert isinstance(inspect.getattr_static(DataTable, name), property), _fail(
            f"DataTable.{name} is a property"
        )
    # ComputerTable._render_line draws the data rows and hands the header to DataTable's; its
    # rows and cells take their cursor and hover styles from _get_styles_to_render_cell
    assert _params(DataTable._render_line) == ["self", "y", "x1", "x2", "base_style"], _fail(
        "DataTable._render_line(self, y, x1, x2, base_style)"
    )
    assert _params(DataTable._get_styles_to_render_cell) == [
        "self",
        "is_header_cell",
        "is_row_label_cell",
        "is_fixed_style_cell",
        "hover",
        "cursor",
        "show_cursor",
        "show_hover_cursor",
        "has_css_foreground_priority",
        "has_css_background_priority",
    ], _fail("DataTable._get_styles_to_render_cell(self, header, label, fixed, hover, cursor, ...)")
    assert _params(DataTable._get_row_style) == ["self", "row_index", "base_style"], _fail(
        "DataTable._get_row_style(self, row_index, base_style)"
    )
    for name in ("get_row_index", "update_cell", "refresh_row", "move_cursor"):
        assert callable(getattr(DataTable, name, None)), _fail(f"DataTable.{name}")


class _TableApp(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("x", "bell", "Ring", id="test.ring")]

    def compose(self) -> ComposeResult:
        yield DataTable[str](cursor_type="row")
        yield Footer()


async def test_datatable_structures_the_table_reads_and_clears() -> None:
    app = _TableApp()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(DataTable)
        table.add_column("name", key="name", width=10)
        for n in range(5):
            table.add_row(f"c{n}", key=f"id{n}")
        await pilot.pause()
        table.refresh()
        await pilot.pause()
        assert isinstance(table._update_count, int), _fail("DataTable._update_count")
        assert callable(table._row_locations.get_key), _fail("_row_locations.get_key(index)")
        row = table._data[RowKey("id0")]
        assert isinstance(row, dict) and set(row) == {"name"}, _fail(
            "_data[RowKey][ColumnKey] holds a cell"
        )
        # cached by row index: ComputerTable._replace_rows clears them when indices move
        assert len(table._row_renderable_cache) > 0, _fail("_row_renderable_cache, by index")
        for key in table._row_renderable_cache.keys():  # noqa: SIM118 (LRUCache has no __iter__)
            assert isinstance(key[1], int) and -1 <= key[1] < 5, _fail(
                "_row_renderable_cache key[1] is the row index"
            )
        assert len(table._line_cache) > 0, _fail("DataTable._line_cache filled by a paint")
        assert table._get_offsets(0) == (table._header_row_key, 0), _fail(
            "DataTable._get_offsets(y) -> (row key, line in row), the header first"
        )


def test_row_locations_answer_as_textuals_two_way_dict() -> None:
    """RowLocations (ui/widgets/row_order.py) answers from the order of ids, the set of them
    and a RowKey per id, without TwoWayDict's dicts: every reader of TwoWayDict must give what
    TwoWayDict gives, for a key of the table's own (a str), a RowKey or an id."""
    from textual._two_way_dict import TwoWayDict

    from miosa_tui.ui.widgets.computer_table import IdKey
    from miosa_tui.ui.widgets.row_order import RowLocations, ShownRows

    order = [f"id{n}" for n in (3, 0, 5, 1, 4, 2)]
    keys: dict[str, RowKey] = {cid: IdKey(cid) for cid in [*order, "hidden"]}
    theirs = TwoWayDict({keys[cid]: index for index, cid in enumerate(order)})
    ours = RowLocations(order, set(order), keys)
    methods = {"get", "get_key", "contains_value", "__contains__", "__iter__", "__len__"}
    methods |= {"__setitem__", "__delitem__"}  # RowLocations refuses these: laid out whole
    members = {name for name in vars(TwoWayDict) if name in methods or not name.startswith("_")}
    assert members == methods, _fail(f"TwoWayDict's methods: {sorted(members)}")
    assert list(ours) == list(theirs) and len(ours) == len(theirs)
    assert all(a is b for a, b in zip(ours, theirs, strict=True))  # the very keys
    for index in (-1, 0, 3, 5, 6):
        assert ours.get_key(index) == theirs.get_key(index), _fail("TwoWayDict.get_key")
        assert ours.contains_value(index) == theirs.contains_value(index)
    probes = [*keys.values(), *(RowKey(cid) for cid in keys), "id2", "hidden", RowKey(), 7]
    for key in probes:
        assert ours.get(key) == theirs.get(key), _fail("TwoWayDict.get reads _forward")  # type: ignore[arg-type]
        assert (key in ours) == (key in theirs), _fail("TwoWayDict.__contains__")
    # DataTable's `rows` and `_data`: what the table holds for every id, hidden ones too,
    # read as a dict of the rows laid out only.
    held = {cid: f"row of {cid}" for cid in keys}
    dict_of_them = {keys[cid]: held[cid] for cid in order}
    view = ShownRows(ours, held)
    assert len(view) == len(dict_of_them) and list(view) == list(dict_of_them)
    assert dict(view) == dict_of_them and list(view.values()) == list(dict_of_them.values())
    for key in probes:
        assert view.get(key) == dict_of_them.get(key)  # type: ignore[call-overload]
        assert (key in view) == (key in dict_of_them)


async def test_screen_members_the_key_bar_reads() -> None:
    app = _TableApp()
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert hasattr(screen, "bindings_updated_signal"), _fail("Screen.bindings_updated_signal")
        heard: list[object] = []
        screen.bindings_updated_signal.subscribe(screen, heard.append)
        screen.refresh_bindings()
        await wait_for(pilot, lambda: heard == [screen], "the signal, with the screen")
        for active in screen.active_bindings.values():
            assert len(active) == 4, _fail("active_bindings values: node, binding, enabled, tip")
        assert isinstance(App.COMMAND_PALETTE_BINDING, str), _fail("App.COMMAND_PALETTE_BINDING")


class _Shout(LineFilter):
    """Upper-cases every drawn line, as presenter mode's StandInFilter rewrites them."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        return [Segment(s.text.upper(), s.style, s.control) for s in segments]


class _TextApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("quiet words", id="words")


async def test_app_filters_is_the_list_of_line_filters_the_screen_applies() -> None:
    """ui/app.py `_present` appends to and removes from `App._filters`: it must stay a list of
    LineFilter that `get_line_filters` reads and every drawn line passes through."""
    app = _TextApp()
    async with app.run_test(size=(40, 4)) as pilot:
        filters = app._filters
        assert isinstance(filters, list), _fail("App._filters is a list")
        assert all(isinstance(f, LineFilter) for f in filters), _fail(
            "App._filters holds LineFilter instances"
        )
        assert list(app.get_line_filters()) == [f for f in filters if f.enabled], _fail(
            "App.get_line_filters() returns the enabled members of App._filters"
        )

        def drawn() -> str:
            return "\n".join(s.text for s in app.screen._compositor.render_strips())

        assert "quiet words" in drawn()
        shout = _Shout()
        filters.append(shout)
        assert shout in app.get_line_filters(), _fail("an appended filter is in use")
        app.screen.refresh(repaint=True)
        app.query_one("#words").refresh()
        await pilot.pause()
        assert "QUIET WORDS" in drawn(), _fail("a filter appended to App._filters is applied")
        filters.remove(shout)
        app.query_one("#words").refresh()
        await pilot.pause()
        assert "quiet words" in drawn(), _fail("a filter removed from App._filters stops applying")


def test_stylesheet_members_the_kept_rules_override_or_read() -> None:
    """ui/parsed_css.py: `_parse_rules` (one source's rules, kept in `_parse_cache` under its
    arguments and made by the module's `parse`) and the state `reparse` replaces."""
    import textual.css.stylesheet as module
    from textual.css.stylesheet import Stylesheet

    assert _params(Stylesheet._parse_rules) == [
        "self",
        "css",
        "read_from",
        "is_default_rules",
        "tie_breaker",
        "scope",
    ], _fail("Stylesheet._parse_rules(self, css, read_from, is_default_rules, tie_breaker, scope)")
    assert "parse(" in inspect.getsource(Stylesheet._parse_rules), _fail("_parse_rules calls parse")
    assert callable(module.parse), _fail("textual.css.stylesheet.parse")
    sheet = Stylesheet(variables={"x": "red"})
    for name in ("_parse_cache", "_variables", "_invalid_css", "_rules", "_rules_map"):
        assert hasattr(sheet, name), _fail(f"Stylesheet.{name}")
    sheet.add_source("Static { color: $x; }", read_from=("probe", ""))
    assert sheet._require_parse, _fail("add_source sets Stylesheet._require_parse")
    rules = sheet.rules
    key = ("Static { color: $x; }", ("probe", ""), False, 0, "")
    assert sheet._parse_cache.get(key) == rules, _fail(
        "_parse_cache is keyed by (css, read_from, is_default_rules, tie_breaker, scope)"
    )
    assert isinstance(App().stylesheet, Stylesheet), _fail("App.__init__ makes App.stylesheet")


def test_scrollbar_members_the_lean_bar_relies_on() -> None:
    """ui/widgets/lean_scrollbar.py has `ScrollBar.render`'s `ScrollBarRender` make the bar as
    Rich would (one `Segments`, a segment a line), and ComputerTable.vertical_scrollbar makes
    one as Textual's `Widget.vertical_scrollbar` does (`_vertical_scrollbar`, `_start_widget`)."""
    from rich.console import Console
    from rich.segment import Segments
    from rich.style import Style
    from textual.scrollbar import ScrollBarRender
    from textual.widget import Widget

    render = ScrollBarRender(virtual_size=100, window_size=10, position=30, vertical=True)
    render.style = Style(color="red", bgcolor="blue")
    console = Console()
    made = list(render.__rich_console__(console, console.options.update_dimensions(2, 12)))
    assert len(made) == 1 and isinstance(made[0], Segments), _fail("ScrollBarRender's bar")
    assert made[0].new_lines and len(made[0].segments) == 12, _fail("a segment a line")
    made_by = inspect.getsource(Widget.vertical_scrollbar.fget)  # type: ignore[attr-defined]
    for part in ("self._vertical_scrollbar", "display = False", "self.app._start_widget(self,"):
        assert part in made_by, _fail(f"Widget.vertical_scrollbar: {part}")
    assert _params(App._start_widget) == ["self", "parent", "widget"], _fail("App._start_widget")
