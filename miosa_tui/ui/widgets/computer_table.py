"""The live computers table: keyed by computer id, updated cell by cell.

A refresh never clears the table: the table holds every computer it has shown, and a filter
or a sort only lays out which of them are shown and in what order (rows that leave keep their
cells for when they come back). Only cells whose text changed are rewritten (never with
`update_width`, which is O(rows)). The highlighted computer stays highlighted when rows move
around it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Container, Iterable, Sequence
from itertools import compress
from operator import is_not
from typing import ClassVar, NamedTuple, Self

from rich.padding import Padding
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual._segment_tools import line_crop
from textual.actions import SkipAction
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.coordinate import Coordinate
from textual.geometry import Region, Size
from textual.message import Message
from textual.renderables.styled import Styled
from textual.scrollbar import ScrollBar
from textual.strip import Strip
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, Row, RowDoesNotExist, RowKey

from miosa_tui.api.models import Computer
from miosa_tui.fleet.humanize import age
from miosa_tui.fleet.poller import FleetState
from miosa_tui.safe_text import safe
from miosa_tui.ui.widgets.lean_scrollbar import LeanScrollBar
from miosa_tui.ui.widgets.row_order import LinesInOrder, RowLocations, RowsInOrder, ShownRows
from miosa_tui.ui.widgets.status_style import status_text

COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("mark", " ", 1),
    ("name", "NAME", 20),
    ("status", "STATUS", 23),
    ("size", "SIZE", 6),
    ("region", "REGION", 6),
    ("template", "TYPE", 7),
    ("ip", "IP", 13),
    ("age", "AGE", 4),
    ("id", "ID", 13),
)
# Widths the columns shrink to (name and status) and grow to when the table has room: at 160
# terminal columns the table gets ~102 cells, and the ID (13 characters) must still show whole.
NARROWEST = {"name": 16, "status": 16}
# Spare cells go to these, in this order, up to the width given: whole names first (most are
# under 20 characters), then pending labels ("⠙ running → stopped 4s"), then long names.
GROWTH = (("name", 20), ("status", 23), ("name", 28))


def sort_label(label: str, width: int, arrow: str | None) -> str:
    """A column's header label, with the sort's arrow after it when the table is sorted by
    that column; a label with no room for the arrow gives up its last letters (`REGIO↑`)."""
    if arrow is None:
        return label
    return label[: max(0, width - len(arrow))] + arrow


def fit_widths(available: int) -> dict[str, int]:
    """Column widths for a table `available` cells wide: the narrow ones at least, the spare
    cells to status then name, up to WIDEST. Each column also takes 2 cells of padding."""
    widths = {key: NARROWEST.get(key, width) for key, _, width in COLUMNS}
    spare = available - sum(w + 2 for w in widths.values())
    for key, most in GROWTH:
        grow = max(0, min(spare, most - widths[key]))
        widths[key] += grow
        spare -= grow
    return widths


MARK = Text("●", style="bold magenta")
# Every this many ticks (0.25 s each) the visible rows are redrawn whole, so AGE advances
# without waiting for the row to change for another reason.
AGE_EVERY = 4
NO_MARK = Text(" ")
CHANGED = Text("◆", style="bold yellow")  # status changed a moment ago (ui/triage.py)
# The cells of a row whose real ones are worked out when it is drawn or read (never drawn).
UNSEEN: tuple[Text | str, ...] = tuple(Text("") for _ in COLUMNS)


# The table's bindings that move its highlight (DataTable's, and home/end below).
CURSOR_ACTIONS = frozenset(
    {"cursor_up", "cursor_down", "page_up", "page_down", "scroll_top", "scroll_bottom"}
)


class CellSettings(NamedTuple):
    """The table's settings a cell's look depends on, read once per paint (`_cell_settings`)."""

    show_cursor: bool
    show_hover_cursor: bool
    foreground_priority: str
    background_priority: str
    pseudo_classes: object
    padding: int


class LineSettings(NamedTuple):
    """What a line's look depends on besides its row, read once per paint (`_line_settings`):
    the width, the cursor's and hover's rows, and the rest of a cached line's key."""

    width: int
    cursor_row: int
    hover_row: int
    drawn_under: tuple[object, ...]


# A plain cell's look (`_shape_of`): the styles of pad, text, fill, pad, and "all one style".
Shape = tuple[Style, Style, Style | None, Style, bool]


class RowParts(NamedTuple):
    """A row's line as last drawn (`_row_segments`): what it was drawn under (row style,
    cursor, hover, widths, settings), its cells by column and each cell's segments."""

    drawn_under: tuple[object, ...]
    cells: tuple[object, ...]
    segments: tuple[list[Segment], ...]


RowData = dict[ColumnKey, Text | str]  # DataTable's cells of one row (`_data[row_key]`)
# The meta of a data cell's styles (its column) and of the blank past the last column.
COLUMN_META = tuple(Style.from_meta({"column": index}) for index in range(len(COLUMNS)))
OUT_OF_BOUNDS = Style.from_meta({"out_of_bounds": True})
COLUMN_KEYS = tuple(ColumnKey(key) for key, _, _ in COLUMNS)  # in order (added so in on_mount)
STATUS = next(index for index, (key, _, _) in enumerate(COLUMNS) if key == "status")
# Columns whose cells hardly ever look like another row's: not worth keeping by look.
ONE_OF_A_KIND = frozenset({"name", "ip", "id"})


class IdKey(str, RowKey):
    """A RowKey that is its computer id as a str: hashed and compared by str's own C methods,
    where RowKey's `__hash__` and `__eq__` are Python methods. DataTable looks rows up by key in
    several dicts; rebuilding them for a sort of 10,000 rows called RowKey.__hash__ ~17,000
    times. Equal to a RowKey or a str of the same id (RowKey's own rule), and `value` is set."""


class ComputerTable(DataTable[Text | str]):
    """DataTable of computers. The dashboard owns filtering and sorting and calls `sync`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_mark", "Mark", id="table.mark"),
        Binding("ctrl+a", "mark_all", "Mark all", show=False, id="table.mark_all"),
        Binding("escape", "clear_marks", "Clear marks", show=False, id="table.clear_marks"),
        # Rows, not columns: DataTable's home/end scroll sideways in a row-cursor table.
        Binding("home", "scroll_top", "First row", show=False, id="table.first_row"),
        Binding("end", "scroll_bottom", "Last row", show=False, id="table.last_row"),
    ]

    class MarksChanged(Message):
        """The marked set changed: the header count and the action keys depend on it."""

    def __init__(
        self,
        fleet: FleetState | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        id: str | None = None,
    ) -> None:
        # A cell's rendering by what it shows, not by where: see `_cell_segments`. Set first:
        # DataTable.__init__ already clears the caches.
        self._look_cache: LRUCache[tuple[object, ...], list[Segment]] = LRUCache(4096)
        self._shape_cache: LRUCache[tuple[object, ...], Shape] = LRUCache(4096)
        # Each row's lines by what they show (see `_render_line`); a row's version grows with
        # every change of its cells.
        self._lines: LRUCache[tuple[object, ...], Strip] = LRUCache(1000)
        # Each row's last drawn cells and their segments, with what they were drawn under
        # (see `_row_segments`): a cell that is still the same object is not drawn again.
        self._row_parts: LRUCache[RowKey, RowParts] = LRUCache(500)
        self._row_versions: dict[str, int] = {}
        super().__init__(cursor_type="row", zebra_stripes=True, id=id)
        # Pending actions are the fleet's (`FleetState.pending_for`): the STATUS cell draws
        # them; `clock` is the one their start times come from.
        self.fleet = fleet if fleet is not None else FleetState()
        self.clock = clock
        self.marked: set[str] = set()
        self.frame = 0
        self.attention: Callable[[str], bool] = lambda _cid: False  # set by ui/triage.py
        self._order: list[str] = []  # the shown ids, in order
        self._order_set: set[str] = set()  # the same, as a set: which ids are shown
        # The fleet snapshot (`FleetState.version`) whose computers the shown rows hold, when
        # known (see `sync`): unchanged computers are the same objects from one snapshot to
        # the next (`fleet.diff.reuse_unchanged`).
        self._taken_from: int | None = None
        # What the table holds for each computer it has shown, shown now or hidden by a filter
        # (kept until the computer leaves the fleet, `forget`): a filter or sort only changes
        # which of them are laid out and where (`_lay_out`), never what is held. Taking each
        # hidden row out of these dicts and putting it back, one row at a time, was most of a
        # filter step over 100,000 computers (~0.4 s on the event loop).
        self._computers: dict[str, Computer] = {}
        self._cells: dict[str, tuple[Text | str, ...]] = {}
        self._row_data: dict[str, RowData] = {}  # DataTable's cells by column (its `_data`)
        self._row_of: dict[str, Row] = {}  # DataTable's Row (its `rows`)
        self._keys: dict[str, RowKey] = {}  # one RowKey per id (see `_key`)
        self._since: dict[str, float] = {}  # when the status last changed
        self._transitional: set[str] = set()  # ids in a transitional status (tick redraws)
        # ids whose cells are out of date: worked out when drawn or read (see `_refresh_rows`)
        self._stale: set[str] = set()
        # ids whose first cell shows a mark or a recent change: out of date once hidden
        self._flagged: set[str] = set()
        self._gone: set[str] = set()  # left the fleet while shown: forgotten once hidden
        # DataTable's cells by column of every row not drawn yet (`UNSEEN`): one dict for all.
        # A row's dict is replaced when its cells change, never changed in place, so rows can
        # share one.
        self._unseen: RowData = {}
        # What cannot change while one paint runs (see `render_lines`, `_cell_settings`)
        self._paint_styles: dict[object, Style] | None = None
        self._paint_settings: CellSettings | None = None
        self._paint_widths: tuple[tuple[ColumnKey, int], ...] | None = None
        self._paint_lines: LineSettings | None = None
        self._sorted_by: tuple[str | None, bool] = (None, False)  # see `show_sort`

    def on_mount(self) -> None:
        for key, label, width in COLUMNS:
            # A Text, not a str: DataTable reads a str as markup, which imports Rich's table of
            # emoji codes (~2.5 ms of start-up) for labels that have none.
            self.add_column(Text(label), key=key, width=width)
        self._unseen = dict(zip(COLUMN_KEYS, UNSEEN, strict=True))

    def show_sort(self, key: str | None, reverse: bool) -> None:
        """Mark the column the rows are sorted by (`↑`, or `↓` reversed) in the header; None:
        API order, no mark. The caller puts the rows in that order (`sync`)."""
        self._sorted_by = (key, reverse)
        if self._label_columns():
            # The header's lines are DataTable's, cached without their labels in the key: clear
            # its caches, not this table's (which hold the rows' cells by what they show).
            super()._clear_caches()
            self.refresh()

    def _label_columns(self) -> bool:
        """Give each column its header label for its width and the sort; True if any changed."""
        key, reverse = self._sorted_by
        changed = False
        for column_key, label, _ in COLUMNS:
            column = self.columns.get(ColumnKey(column_key))
            if column is None:
                continue
            arrow = ("↓" if reverse else "↑") if column_key == key else None
            text = sort_label(label, column.width, arrow)
            if column.label.plain != text:
                column.label = Text(text)
                changed = True
        return changed

    def on_resize(self) -> None:
        self._fit_columns()

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        """Textual's `Widget.vertical_scrollbar`, made a `LeanScrollBar` (its lines reused as
        the table scrolls: ~1.3 ms of each page down's paint)."""
        bar = self._vertical_scrollbar
        if bar is None:
            thickness = self.scrollbar_size_vertical
            bar = LeanScrollBar(vertical=True, name="vertical", thickness=thickness)
            bar.display = False
            self._vertical_scrollbar = bar
            self.app._start_widget(self, bar)
        return bar

    def watch_show_vertical_scrollbar(self) -> None:
        # The scrollbar appears when the rows outgrow the table (any fleet over a screen) and
        # takes its cells from the columns: without a refit the ID lost its last character.
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Fit the column widths to the table's width (see `fit_widths`)."""
        widths = fit_widths(self.scrollable_content_region.width)
        changed = False
        for key, width in widths.items():
            column = self.columns.get(ColumnKey(key))
            if column is not None and column.width != width:
                column.width = width
                changed = True
        if changed:
            self._label_columns()  # a narrower column cuts its label to keep the arrow
            self._clear_caches()
            self._update_dimensions(())
            self.refresh()

    # -- reading ---------------------------------------------------------------------------
    @property
    def highlighted_id(self) -> str | None:
        if not self._order or self.cursor_row < 0:
            return None
        try:
            key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        except Exception:
            return None
        return key.value

    @property
    def visible_ids(self) -> list[str]:
        return list(self._order)

    @property
    def shown(self) -> Container[str]:
        """The ids with a row (membership test without copying)."""
        return self._order_set

    # -- DataTable's row order -------------------------------------------------------------
    # DataTable keeps its rows in order as a list (`ordered_rows`) and each line's row as
    # another (`_y_offsets`), rebuilt whenever rows are added, removed or sorted: ~25 ms at
    # 10,000 rows on the event loop, after each filter step, sort and poll that moved rows.
    # Every row here is one line high, so both are read from `_row_locations` as asked instead
    # (`RowsInOrder`, `LinesInOrder`), O(1) an item; a page down reads one screen of them.
    @property
    def ordered_rows(self) -> list[Row]:
        return RowsInOrder(self.rows, self._row_locations, range(self.row_count))  # type: ignore[return-value]

    @property
    def _y_offsets(self) -> list[tuple[RowKey, int]]:
        return LinesInOrder(self._row_locations, self.row_count)  # type: ignore[return-value]

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        """The virtual size, from the counts alone: every column here has a fixed width and
        every row is one line. DataTable's version also measures every cell of every new row for
        auto-width columns (there are none), which is ~90,000 Rich measurements on the event
        loop when the first 10,000-computer poll lands."""
        width = sum(column.get_render_width(self) for column in self.columns.values())
        lines = self.row_count + (self.header_height if self.show_header else 0)
        self.virtual_size = Size(width + self._row_label_column_width, lines)
        if lines > self.app.size.height and not self.show_vertical_scrollbar:
            # More lines than the terminal has: Textual will show the scrollbar whatever the
            # table's height. Shown now, before the layout, it is in the first one; left to
            # Textual, the first layout found it missing and asked for a second, with the
            # columns refitted around the bar (~10 ms before the app's first rows settle).
            self.show_vertical_scrollbar = True
            self.vertical_scrollbar.display = True

    # DataTable works out a row's y by summing the heights of every row above it: O(row index)
    # on every cursor move and row refresh (page down at row 50,000 of 100,000 stalled for
    # seconds). Every row here is one line, so y is the index below the header.
    def _get_row_region(self, row_index: int) -> Region:
        if not self.is_valid_row_index(row_index):
            return Region(0, 0, 0, 0)
        row_width = (
            sum(column.get_render_width(self) for column in self.columns.values())
            + self._row_label_column_width
        )
        header = self.header_height if self.show_header else 0
        return Region(0, header + row_index, max(self.size.width, row_width), 1)

    def _get_cell_region(self, coordinate: Coordinate) -> Region:
        if not self.is_valid_coordinate(coordinate):
            return Region(0, 0, 0, 0)
        row_index, column_index = coordinate
        x = (
            sum(column.get_render_width(self) for column in self.ordered_columns[:column_index])
            + self._row_label_column_width
        )
        width = self.ordered_columns[column_index].get_render_width(self)
        header = self.header_height if self.show_header else 0
        return Region(x, header + row_index, width, 1)

    # -- rendering lines -------------------------------------------------------------------
    # Data rows are drawn here, the header by DataTable. DataTable draws a line through
    # `_render_line_in_row` and `_render_cell`, keyed on the cursor's and hover's whole
    # coordinates and on `_update_count`: every cursor move missed its caches for every row on
    # screen, every change of one cell cleared them, and each cell on the way asked ~10 reactive
    # and style lookups. A page down draws ~45 rows never drawn before (~44 ms of the loop a key).
    # Here a row's line is kept by "the cursor (hover) is on this row or not" and a row version
    # bumped when its cells change (`_new_versions`), and drawn from its cells in one pass
    # (`_row_segments`) with what cannot change during a paint worked out once per paint
    # (`render_lines`). Every row of this table is one line, with a row cursor and no fixed
    # columns or row labels (set in `__init__`, never changed).
    # tests/test_ui_table_sync.py checks that every line paints as DataTable paints it.
    def _render_line(self, y: int, x1: int, x2: int, base_style: Style) -> Strip:
        settings = self._line_settings()
        width = settings.width
        try:
            row_key, _ = self._get_offsets(y)
        except LookupError:
            return Strip.blank(width, base_style)
        if row_key is self._header_row_key:
            return super()._render_line(y, x1, x2, base_style)
        row_index = y - (self.header_height if self.show_header else 0)  # rows are one line
        on_cursor = settings.cursor_row == row_index
        on_hover = settings.hover_row == row_index
        cache_key = (
            row_key,
            self._row_versions.get(row_key.value or "", 0),
            row_index,
            x1,
            x2,
            on_cursor,
            on_hover,
            base_style,
            settings.drawn_under,
        )
        strip = self._lines.get(cache_key)
        if strip is None:
            # Not simplified: neighbouring cells of one style stay apart, as DataTable's (which
            # differ in their meta) do. Merged, an SVG screenshot draws the run as one text and
            # glyphs wider than a cell ("●", "…") push the next columns off their places.
            line = self._row_segments(row_key, row_index, on_cursor, on_hover, base_style)
            strip = Strip(line_crop(line, x1, x2, width)).adjust_cell_length(width, base_style)
            self._lines[cache_key] = strip
        return strip

    def _row_segments(
        self, row_key: RowKey, row_index: int, cursor: bool, hover: bool, base_style: Style
    ) -> list[Segment]:
        """One data row's line, uncropped: each cell (`_cell_segments`) in column order, then the
        row's style out to the table's width, as DataTable's `_render_line_in_row` lays it out
        for a one-line row with a row cursor."""
        row_style = self._get_row_style(row_index, base_style)
        row = self._data[row_key]
        widths = self._column_widths()
        drawn_under = (row_style, cursor, hover, widths, self._cell_settings())
        cells = tuple(row[key] for key, _ in widths)
        # A spinner frame gives a row a new STATUS cell and nothing else (`_respin`), a poll
        # the cells that changed: the others are the objects drawn last time, their segments
        # are reused (a spinner frame drew all 9 cells of ~45 rows 4 times a second).
        last = self._row_parts.get(row_key)
        if last is None or last.drawn_under != drawn_under:
            last = RowParts((), (), ())
        parts: list[list[Segment]] = []
        line: list[Segment] = []
        table_width = 0
        for column_index, ((_, width), cell) in enumerate(zip(widths, cells, strict=True)):
            table_width += width
            if column_index < len(last.cells) and last.cells[column_index] is cell:
                segments = last.segments[column_index]
            else:
                segments = self._cell_segments(cell, column_index, row_style, width, cursor, hover)
            parts.append(segments)
            line += segments
        self._row_parts.discard(row_key)  # LRUCache.set keeps an existing value
        self._row_parts[row_key] = RowParts(drawn_under, cells, tuple(parts))
        remaining = max(0, self._line_settings().width - table_width)
        line.append(Segment(" " * remaining, self._extend_style(row_style, cursor, hover)))
        return line

    def _extend_style(self, row_style: Style, cursor: bool, hover: bool) -> Style:
        """The style of the blank past the last column (DataTable's "extend" for a row cursor)."""
        styles = self._paint_styles
        key = ("extend", row_style, cursor, hover)
        style = None if styles is None else styles.get(key)
        if style is None:
            component, _ = self._get_styles_to_render_cell(
                False, False, False, hover, cursor, self.show_cursor, self._show_hover_cursor,
                False, False,
            )  # fmt: skip
            style = row_style + component + OUT_OF_BOUNDS
            if styles is not None:
                styles[key] = style
        return style

    def _column_widths(self) -> tuple[tuple[ColumnKey, int], ...]:
        """Each column's key and drawn width, in order; worked out once per paint (DataTable's
        `ordered_columns` builds a list and each width reads two reactives: ~20 lookups a row)."""
        widths = self._paint_widths
        if widths is None:
            # The keys of `COLUMN_KEYS`, the very objects every row's cells are held under
            # (ColumnKey's `__eq__` is a Python method: an equal key is ~1 µs a lookup).
            widths = tuple(
                (COLUMN_KEYS[index], column.get_render_width(self))
                for index, column in enumerate(self.ordered_columns)
            )
            if self._paint_styles is not None:  # painting: the same for every row of it
                self._paint_widths = widths
        return widths

    def _line_settings(self) -> LineSettings:
        """What every line's look depends on besides its row, worked out once per paint."""
        settings = self._paint_lines
        if settings is None:
            width = self.size.width
            settings = LineSettings(
                width,
                self.cursor_coordinate.row,
                self.hover_coordinate.row,
                (
                    width,
                    self.show_cursor,
                    self._show_hover_cursor,
                    self._update_count,
                    self._pseudo_class_state,
                ),
            )
            if self._paint_styles is not None:  # painting: the same for every line of it
                self._paint_lines = settings
        return settings

    def _cell_settings(self) -> CellSettings:
        """What a cell's look depends on besides its text, row style, width, cursor and hover;
        worked out once per paint (see `render_lines`)."""
        settings = self._paint_settings
        if settings is None:
            settings = CellSettings(
                self.show_cursor,
                self._show_hover_cursor,
                self.cursor_foreground_priority,
                self.cursor_background_priority,
                self._pseudo_class_state,
                self.cell_padding,
            )
            if self._paint_styles is not None:  # painting: the same for every cell of it
                self._paint_settings = settings
        return settings

    def _new_versions(self, ids: Iterable[str]) -> None:
        """These rows' cells changed: their cached lines are no longer theirs."""
        versions = self._row_versions
        for cid in ids:
            versions[cid] = versions.get(cid, 0) + 1

    # -- rendering cells -------------------------------------------------------------------
    # Rich renders a cell (Padding, Styled, wrapping, cropping) in ~0.2 ms; a screen of this
    # table is ~400 cells, all new at the first paint and after each page down. Here a cell's
    # rendering is kept by how it looks:
    # - a plain one-line text (one style, printable ASCII, no spaces at its ends: names, ids,
    #   addresses, sizes) is laid out as Rich lays it out, pad, text (cropped to the column),
    #   fill, pad, with the styles Rich gave a like cell of the same style in the same row style;
    # - any other text cell (a status with its spinner, a mark) reuses the rendering of a cell
    #   that looks the same, if there was one.
    # Data cells carry their column in their meta, not their row: DataTable puts both in each
    # cell's styles for the mouse, a new Style for every segment drawn. With the column only, a
    # cell's styles are the same on every row and kept with its look; a click or hover finds
    # its row from where it lands (`_data_cell_at`). The column keeps two cells of one style
    # apart: merged into one run, an SVG screenshot (Rich's export) draws it as one text, where
    # a glyph wider than its cell in the fallback font pushes the next columns off their
    # places. Anything with a link is rendered by Rich every time.
    def _cell_segments(
        self,
        cell: object,
        column_index: int,
        row_style: Style,
        width: int,
        cursor: bool,
        hover: bool,
    ) -> list[Segment]:
        if not isinstance(cell, Text):  # never from `_cells_for`; never markup either
            cell = Text(str(cell))
        settings = self._cell_settings()
        setting = (
            str(cell.style), cell.justify, cell.overflow, cell.no_wrap, cell.end,
            cell.tab_size, column_index, row_style, width, cursor, hover, settings,
        )  # fmt: skip
        plain = cell.plain
        pad = settings.padding
        inner = width - 2 * pad
        simple = (
            not cell.spans
            and inner > 0
            and plain
            and plain.isascii()
            and plain.isprintable()
            and plain[0] != " "
            and plain[-1] != " "
        )
        if simple:
            shape = self._shape_cache.get(setting)
            if shape is not None and (shape[2] is not None or len(plain) >= inner):
                left, text, fill, right, uniform = shape
                shown = plain[:inner]
                if len(plain) > inner and cell.overflow == "ellipsis":
                    shown = plain[: inner - 1] + "…"  # as Rich's Text.truncate cuts it
                if uniform:  # one style throughout: one segment, as DataTable's simplify makes it
                    return [Segment(" " * pad + shown.ljust(inner) + " " * pad, text)]
                line = [Segment(" " * pad, left), Segment(shown, text)]
                if fill is not None and len(plain) < inner:
                    line.append(Segment(" " * (inner - len(plain)), fill))
                line.append(Segment(" " * pad, right))
                return line
        else:
            spans = tuple((x.start, x.end, str(x.style)) for x in cell.spans)
            look = (plain, spans, setting)
            template = self._look_cache.get(look)
            if template is not None:
                return template  # segments never change: the caller only copies them
        rendered = self._rich_cell(cell, column_index, row_style, width, cursor, hover)
        # One segment for each run of one style within the cell, never across cells (see
        # `_render_line`).
        line = list(Segment.simplify(rendered))
        if any(s.control or (s.style and s.style.link) for s in line):
            return line
        if simple:
            shape = _shape_of(rendered, plain, pad, inner)
            if shape is not None and (shape[2] is not None or setting not in self._shape_cache):
                self._shape_cache.discard(setting)  # LRUCache.set keeps an existing value
                self._shape_cache[setting] = shape
        elif COLUMNS[column_index][0] not in ONE_OF_A_KIND:
            self._look_cache[look] = line
        return line

    def _rich_cell(
        self,
        cell: Text,
        column_index: int,
        row_style: Style,
        width: int,
        cursor: bool,
        hover: bool,
    ) -> list[Segment]:
        """A data cell rendered by Rich, as DataTable's `_render_cell` renders a cell of a
        one-line row: padded, styled with the row, cursor and hover styles, never wrapped; its
        meta holds the column only (see `_cell_segments`)."""
        component, post = self._get_styles_to_render_cell(
            False, False, False, hover, cursor, self.show_cursor, self._show_hover_cursor,
            self.cursor_foreground_priority == "css", self.cursor_background_priority == "css",
        )  # fmt: skip
        options = self.app.console_options.update_dimensions(width, 1).update(no_wrap=True)
        lines = self.app.console.render_lines(
            Styled(
                Padding(cell, (0, self.cell_padding)),
                pre_style=row_style + COLUMN_META[column_index] + component,
                post_style=post,
            ),
            options,
        )
        return lines[0]

    # -- the mouse over data rows ----------------------------------------------------------
    # DataTable reads the row and column under the mouse from the meta of the segment there;
    # data rows carry their column only (see `_cell_segments`), so a click or a hover over one
    # is placed from its position. What follows is DataTable's handling for a row cursor; the header
    # keeps DataTable's own (its segments carry the meta).
    def _data_cell_at(self, event: events.MouseEvent) -> Coordinate | None:
        """The (row, column) of the data row under the mouse; None over the header, below the
        last row or outside the table. Past the last column is column 0, as DataTable's meta
        there says."""
        offset = event.get_content_offset(self)
        if offset is None:
            return None
        header = self.header_height if self.show_header else 0
        row = offset.y - header + int(self.scroll_offset.y)
        if offset.y < header or not 0 <= row < self.row_count:
            return None
        x = offset.x + int(self.scroll_offset.x)
        for index, column in enumerate(self.ordered_columns):
            x -= column.get_render_width(self)
            if x < 0:
                return Coordinate(row, index)
        return Coordinate(row, 0)

    async def _on_click(self, event: events.Click) -> None:
        at = self._data_cell_at(event)
        if at is None:
            return  # DataTable's handler runs next (the header, or nothing)
        event.prevent_default()  # no handler further up the classes: this is DataTable's
        self._set_hover_cursor(True)
        if self.show_cursor and self.cursor_type != "none":
            selected = at == self.cursor_coordinate
            self.cursor_coordinate = at
            if selected:
                self._post_selected_message()  # type: ignore[no-untyped-call]
            self._scroll_cursor_into_view(animate=True)
            event.stop()

    def _on_mouse_move(self, event: events.MouseMove) -> None:
        at = self._data_cell_at(event)
        if at is None:
            return  # DataTable's: the header's meta, or no hover
        event.prevent_default()
        self._set_hover_cursor(True)
        if self.show_cursor and self.cursor_type != "none":
            self.hover_coordinate = at

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines.clear()
        self._row_parts.clear()

    def _clear_caches(self) -> None:
        super()._clear_caches()
        self._lines.clear()
        self._row_parts.clear()
        self._look_cache.clear()
        self._shape_cache.clear()

    # -- writing ---------------------------------------------------------------------------
    def _cells_for(self, c: Computer) -> tuple[Text | str, ...]:
        return (
            MARK if c.id in self.marked else CHANGED if self.attention(c.id) else NO_MARK,
            safe(c.name, overflow="ellipsis"),
            self._status_cell(c),
            safe(c.size or "-"),
            safe(c.region or "-"),
            safe(_short_template(c.template_type)),
            safe(c.ip_address or "-"),
            safe(age(c.created_at)),
            safe(c.id),
        )

    def _status_cell(self, c: Computer) -> Text:
        # A pending action's label counts from the request, not from the last status change
        # ("stopped → running 52s" right after `s` was wrong).
        pending = self.fleet.pending_for(c)
        since = pending.started_at if pending is not None else self._since.get(c.id)
        return status_text(
            c.status,
            c.raw_status,
            desired=pending.desired if pending is not None else None,
            since=since,
            now=self.clock(),
            frame=self.frame,
        )

    def sync(
        self,
        computers: Sequence[Computer],
        dirty: Iterable[str] | None = None,
        *,
        ids: list[str] | None = None,
        snapshot: int | None = None,
        whole: bool = False,
    ) -> None:
        """Make the table show `computers` in this order, touching only what changed.

        `dirty` names the ids whose data may have changed; None means "check every row".
        `ids` are the computers' ids, in the same order, when the caller has them. `snapshot`
        numbers the fleet snapshot the computers were taken from (`FleetState.version`): when
        the rows shown now were taken from the same one (`_taken_from`), each computer of a row
        that stays is the one held, so a sort or a filter that narrows reads only the ids (at
        100,000 rows, checking each computer against the one held was ~13 ms of a sort).
        The rows that leave and come in are a diff of two sets of ids, and the new layout is
        the order itself (`_lay_out`). `whole`: the computers are every one of that snapshot
        (no filter). The rows shown were all taken from snapshot `_taken_from`, so when they
        are as many as the whole of that same snapshot they are all of it: a sort of an
        unfiltered table does not check its 100,000 ids against the rows shown (~5 ms).
        """
        keep = self.highlighted_id
        order = [c.id for c in computers] if ids is None else ids  # unique: the fleet's, by id
        before = self._order_set
        all_of_shown = whole and snapshot is not None and self.holds_all_of(snapshot, len(order))
        if all_of_shown or (len(order) == len(before) and before.issuperset(order)):
            # The same rows (a sort, a poll that hid and showed none): one pass over the ids,
            # where building their set and diffing it was three (~25 ms at 100,000 rows).
            after, removed, added = before, set[str](), set[str]()
        else:
            after = set(order)
            removed, added = before - after, after - before
        # Rows that stay are redrawn when their computer is a new object or `dirty` names them.
        held_already = snapshot is not None and snapshot == self._taken_from and not added
        renewed = [] if held_already else self._take(computers, order)
        changed = {c.id: c for c in renewed if c.id not in added}
        held = self._computers
        stay = order if dirty is None else (cid for cid in set(dirty) if cid in after)
        changed.update((cid, held[cid]) for cid in stay if cid not in added)
        if added:
            self._show_again(added)
        if added or removed or order != self._order:
            self._order, self._order_set = order, after
            self._lay_out()
        if removed:
            self._hide(removed)
        self._taken_from = snapshot
        self._refresh_rows(changed.values())
        self._restore_cursor(keep)

    def unchanged(self, snapshot: int) -> None:
        """Snapshot number `snapshot` changed nothing (an empty poll): the rows held from the
        one before are its rows too. Else a quiet fleet's first empty poll made every later sort
        check each computer against the one held, on the event loop (`sync`)."""
        if self._taken_from is not None and self._taken_from == snapshot - 1:
            self._taken_from = snapshot

    def holds_all_of(self, snapshot: int, size: int) -> bool:
        """The rows shown are every one of the `size` computers of snapshot number `snapshot`
        (`FleetState.version`): a sort of them needs only their ids (`select(held=True)`)."""
        return self._taken_from == snapshot and len(self._order) == size

    def _take(self, computers: Sequence[Computer], ids: list[str]) -> list[Computer]:
        """Hold each computer that is not the object held for its id (`ids`: theirs, in order;
        note when its status changed) and return those: a row coming back with new data is out
        of date."""
        held, now = self._computers, self.clock()
        # Compares the objects' addresses without reading them again, in C: a filter step or a
        # sort of 100,000 rows gives back the computers held (reading each one's id again and
        # comparing in a Python loop was ~40 ms of such a step).
        renewed = list(compress(computers, map(is_not, computers, map(held.get, ids))))
        for c in renewed:
            old = held.get(c.id)
            if old is None or old.status != c.status:
                self._since[c.id] = now
            held[c.id] = c
            self._track(c)
            self._stale.add(c.id)  # drawn again when in view (`_refresh_rows` for those shown)
        return renewed

    def _hide(self, removed: set[str]) -> None:
        """Rows a filter hides keep what they hold; their marks go (and with them the mark
        drawn in their cells), and a computer gone from the fleet is forgotten now."""
        if self.marked:
            self.marked &= self._order_set  # (not `-= removed`: that walks every hidden row)
        gone = removed & self._gone
        if gone:
            self._gone -= gone
            self._drop(gone)

    def _show_again(self, added: set[str]) -> None:
        """Rows coming (back) into view: one never held gets blank cells, worked out when drawn
        or read; one held keeps its cells unless something drawn in them changes with time
        (a spinner, a pending action, a mark or a recent change), whatever went on meanwhile.
        An AGE that moved on since is repainted by `tick` within a second, as on every visible
        row. (Clearing a filter over 10,000 computers built ~90,000 cells when each row was
        built again.)"""
        new = added - self._cells.keys()
        if new:
            keys = self._keys
            keys.update({cid: IdKey(cid) for cid in new - keys.keys()})
            self._row_of.update({cid: Row(keys[cid], 1) for cid in new})
            self._cells.update(dict.fromkeys(new, UNSEEN))
            self._row_data.update(dict.fromkeys(new, self._unseen))
        moving = self._flagged | self._transitional | self.fleet.pending.keys()
        self._stale |= new | (added & moving)

    def _lay_out(self) -> None:
        """Lay the held rows out in `_order` in DataTable's structures (what remove_row, add_row
        and sort do, batched): its row locations, rows and cells by key are views of the order
        and of what the table holds (`row_order.py`), so laying out builds nothing per row.
        Building them (two dicts, a list of keys and a dict of indices) was ~100 ms of a filter
        step that hid most of 100,000 rows and of clearing it."""
        was_empty = not self.rows
        locations = RowLocations(self._order, self._order_set, self._keys)
        self._row_locations = locations
        self.rows = ShownRows(locations, self._row_of)  # type: ignore[assignment]
        self._data = ShownRows(locations, self._row_data)  # type: ignore[assignment]
        # The new size now, not on idle as DataTable does (`_update_dimensions` here is two
        # counts): with it pending, moving the cursor to the highlighted computer's new row
        # scrolled there only after a paint, so a sort or a filter step painted its rows twice,
        # first under the old scroll offset (~10-25 ms each, and a frame of the wrong rows).
        self._update_dimensions(())
        # Row indices moved: drop what DataTable caches by index (the header's lines). Each
        # row's lines (`_lines`) have its index and version in their key. DataTable would bump
        # `_update_count`, which every render cache is keyed on: each filter step and each poll
        # that moved rows under a filter re-rendered every visible cell.
        self._row_renderable_cache.clear()
        self._line_cache.clear()
        self.cursor_coordinate = self.cursor_coordinate  # clamped to the new row count
        if was_empty and self.rows:
            self._highlight_cursor()  # as add_row does for the first row
        self.check_idle()
        self.refresh()

    def update_rows(self, computers: Iterable[Computer], *, snapshot: int | None = None) -> None:
        """Refresh rows already shown whose data changed, in place: O(len(computers)).

        For a poll that changed data but not which rows are shown or their order (the common
        case); ids not shown are ignored. The cursor stays where it is. `snapshot`: the number
        of the snapshot these are every change to, from the one before (see `sync`).
        """
        now = self.clock()
        shown: list[Computer] = []
        for c in computers:
            if c.id not in self._order_set:
                continue
            if self._computers[c.id].status != c.status:
                self._since[c.id] = now
                self._track(c)
            self._computers[c.id] = c
            shown.append(c)
        follows = snapshot is not None and self._taken_from == snapshot - 1
        self._taken_from = snapshot if follows else None
        self._refresh_rows(shown)

    def _track(self, c: Computer) -> None:
        if c.is_transitional:
            self._transitional.add(c.id)
        else:
            self._transitional.discard(c.id)

    def _refresh_rows(self, computers: Iterable[Computer]) -> None:
        """Rewrite the cells whose text or style changed, then forget only those rows' cached
        rendering (see `_forget_rendering`). Rows out of view are only marked stale: their
        cells are worked out when they are about to be drawn (`render_lines`) or read
        (`get_row`). A poll with 500 computers in transition changed ~500 rows, of which ~45
        are on screen; building the others' cells was most of the poll's time on the loop."""
        dirty: set[str] = set()  # ids of the rows with a cell that changed
        shown, on_screen = self._order_set, set(self._on_screen())
        for c in computers:
            if c.id not in shown:
                continue
            if c.id not in on_screen:
                self._stale.add(c.id)
                continue
            self._stale.discard(c.id)
            cells = self._cells_for(c)
            old = self._cells.get(c.id, ())
            changed = [
                (key, after)
                for key, before, after in zip(COLUMN_KEYS, old, cells, strict=False)
                if _plain(before) != _plain(after) or _style(before) != _style(after)
            ]
            if changed:  # a new dict: rows share theirs (see `_unseen`)
                self._put(c.id, cells, {**self._row_data[c.id], **dict(changed)})
                dirty.add(c.id)
            else:
                self._cells[c.id] = cells
        # A stale row's lines are not reused when it scrolls in: `_freshen` gives it a new
        # version first.
        if dirty:
            self._forget_rendering(dirty)

    def _freshen(self, ids: set[str]) -> None:
        """Work out the cells of these stale rows now (they are about to be drawn or read) and
        give them a new version (their cached lines are not theirs any more); no repaint asked
        for (this runs while painting)."""
        ids &= self._stale
        if not ids:
            return
        self._stale -= ids
        for cid in ids:
            cells = self._cells_for(self._computers[cid])
            self._put(cid, cells, dict(zip(COLUMN_KEYS, cells, strict=True)))
        self._new_versions(ids)

    def _put(self, cid: str, cells: tuple[Text | str, ...], row_data: RowData) -> None:
        """Hold a row's new cells, and DataTable's cells by column for it (which its `_data`
        reads when the row is shown)."""
        self._cells[cid] = cells
        self._row_data[cid] = row_data
        if cells[0] is NO_MARK:
            self._flagged.discard(cid)
        else:
            self._flagged.add(cid)

    def _key(self, cid: str) -> RowKey:
        """The RowKey of a computer id, always the same object: DataTable's dictionaries are
        keyed by RowKeys, whose equality is a Python method; a lookup with the very key the
        entry holds stops at identity (`is`) instead of calling it (a filter step over 10,000
        rows looked up each row's key 3-4 times with a new one)."""
        key = self._keys.get(cid)
        if key is None:
            key = self._keys[cid] = IdKey(cid)
        return key

    def render_lines(self, crop: Region) -> list[Strip]:
        if self._stale:
            self._freshen(set(self._on_screen()))
        # DataTable asks for its own rich_style and for its row style's (each walks the widget's
        # ancestors to blend backgrounds) on every line: 3 walks a line, ~10 ms a screen. They
        # cannot change while one paint runs, so each is worked out once per paint, as are the
        # reactives every cell's look depends on (`_cell_settings`).
        self._paint_styles = {}
        try:
            return super().render_lines(crop)
        finally:
            self._paint_styles = self._paint_settings = self._paint_widths = None
            self._paint_lines = None

    @property
    def rich_style(self) -> Style:
        styles = self._paint_styles
        if styles is None:
            return super().rich_style
        style = styles.get("self")
        if style is None:
            style = styles["self"] = super().rich_style
        return style

    def _get_row_style(self, row_index: int, base_style: Style) -> Style:
        styles = self._paint_styles
        if styles is None or row_index < 0 or row_index < self.fixed_rows:
            return super()._get_row_style(row_index, base_style)
        key = (row_index % 2 if self.zebra_stripes else -1, base_style)
        style = styles.get(key)
        if style is None:
            style = styles[key] = super()._get_row_style(row_index, base_style)
        return style

    def get_row(self, row_key: RowKey | str) -> list[Text | str]:
        key = row_key.value if isinstance(row_key, RowKey) else row_key
        if key is not None and key in self._stale:
            self._freshen({key})
        return super().get_row(row_key)

    def get_cell(self, row_key: RowKey | str, column_key: ColumnKey | str) -> Text | str:
        key = row_key.value if isinstance(row_key, RowKey) else row_key
        if key is not None and key in self._stale:
            self._freshen({key})
        return super().get_cell(row_key, column_key)

    # DataTable.update_cell bumps `_update_count`, which every render cache is keyed on, and
    # clears those caches: the next paint re-renders every visible cell (~400 Rich renders,
    # 20-40 ms on the event loop), after every poll and every spinner frame. Here only the
    # changed rows get a new version and only their lines are repainted; the rest stay cached.
    # Widths are never updated (as update_cell without `update_width`).
    def _forget_rendering(self, ids: set[str], column: int | None = None) -> None:
        """Forget the cached lines of these rows and repaint those on screen: the whole line,
        or only the cell of `column` when nothing else in those rows changed (what is written
        to the terminal is what was repainted: a spinner frame sends a status cell a row)."""
        self._new_versions(ids)
        # DataTable.refresh_row sums the heights of every row above (O(rows) per call); ours
        # are all one line high, so the n-th row on screen is the n-th line below the header.
        width = self.size.width
        x = 0
        if column is not None:
            widths = [w for _, w in self._column_widths()]
            x, width = sum(widths[:column]) - int(self.scroll_offset.x), widths[column]
        header = self.header_height if self.show_header else 0
        for line, cid in enumerate(self._on_screen(), start=header):
            if cid in ids:
                self.refresh(Region(x, line, width, 1))

    def clear(self, columns: bool = False) -> Self:
        """Show no rows. DataTable's `clear` empties its dicts in place, and here they are views
        of the order (`_lay_out`): they are DataTable's plain dicts again first, as it made them
        (what the table holds for each computer stays, as for a filter that hides every row)."""
        self.rows, self._data = {}, {}
        self._order, self._order_set = [], set()
        self._taken_from = None
        return super().clear(columns)

    def forget(self, ids: Iterable[str]) -> None:
        """These computers are gone from the fleet: drop what is held for them (a row still
        shown is dropped once a sync hides it)."""
        ids = set(ids)
        self._gone |= ids & self._order_set
        self._drop(ids - self._gone)

    def _drop(self, ids: Iterable[str]) -> None:
        """Drop what is held for these computers, hidden or never shown."""
        for cid in ids:
            for held in (self._computers, self._cells, self._row_data, self._row_of):
                held.pop(cid, None)
            self._keys.pop(cid, None)
            self._since.pop(cid, None)
            self._row_versions.pop(cid, None)
            self._transitional.discard(cid)
            self._stale.discard(cid)
            self._flagged.discard(cid)

    def _restore_cursor(self, keep: str | None) -> None:
        if keep is None or keep not in self._order_set:
            return
        row, order = self.cursor_row, self._order
        if not (0 <= row < len(order) and order[row] == keep):
            # Found by a scan in C (~1 ms at 100,000 rows), not by DataTable's index of every
            # key (`RowLocations.get`), which a layout would have to build first.
            self.move_cursor(row=order.index(keep), animate=False, scroll=False)

    def redraw(self, ids: Iterable[str]) -> None:
        """Recompute the cells of these rows (marks, pending actions, spinner frames)."""
        known = self._computers
        self._refresh_rows(known[cid] for cid in ids if cid in known)

    def tick(self) -> None:
        """Advance the spinners and elapsed times of the rows in transition that are on screen,
        and every AGE_EVERY ticks the AGE (and elapsed) of every row on screen.

        Rows scrolled out of view are not redrawn: one is brought up to date by the first tick
        after it scrolls in. With 500 computers in transition out of 10,000, redrawing all of
        them 4 times a second cost more than everything else the app did.
        """
        self.frame += 1
        on_screen = self._on_screen()
        if self.frame % AGE_EVERY == 0:
            self.redraw(on_screen)
            return
        moving = [cid for cid in on_screen if cid in self._transitional]
        pending, computers = self.fleet.pending, self._computers
        if pending:
            for cid in on_screen:
                c = computers.get(cid) if cid in pending else None
                if c is not None and cid not in self._transitional and self.fleet.pending_for(c):
                    moving.append(cid)
        self._respin(moving)

    def _respin(self, ids: Iterable[str]) -> None:
        """A spinner frame: only the STATUS cell of these rows changes (its spinner and elapsed
        time), so only it is worked out and repainted; a stale row is worked out whole."""
        known = self._computers
        ids = [cid for cid in ids if cid in known]
        whole = {cid for cid in ids if cid in self._stale}
        if whole:
            self._refresh_rows(known[cid] for cid in whole)
        dirty: set[str] = set()
        on_screen = set(self._on_screen())
        for cid in ids:
            if cid in whole or cid not in on_screen:
                continue
            c = known[cid]
            old = self._cells[cid]
            cell = self._status_cell(c)
            if _plain(old[STATUS]) == cell.plain and _style(old[STATUS]) == _style(cell):
                continue
            cells = (*old[:STATUS], cell, *old[STATUS + 1 :])
            self._put(cid, cells, {**self._row_data[cid], COLUMN_KEYS[STATUS]: cell})
            dirty.add(cid)
        if dirty:
            self._forget_rendering(dirty, column=STATUS)

    def _on_screen(self) -> list[str]:
        """The ids of the rows in the visible window (scroll offset and height), top first."""
        header = self.header_height if self.show_header else 0
        top = int(self.scroll_offset.y)
        return self._order[top : top + max(0, self.size.height - header)]

    def go_to(self, computer_id: str) -> bool:
        """Highlight a computer by id; False when it is not shown (filtered out or gone)."""
        try:
            row = self.get_row_index(computer_id)
        except RowDoesNotExist:
            return False
        self.move_cursor(row=row, animate=False)
        return True

    # -- marks -----------------------------------------------------------------------------
    def action_toggle_mark(self) -> None:
        cid = self.highlighted_id
        if cid is None:
            return
        self.marked.symmetric_difference_update({cid})
        self.redraw([cid])
        self.post_message(self.MarksChanged())
        if self.cursor_row < self.row_count - 1:
            self.move_cursor(row=self.cursor_row + 1)

    def action_mark_all(self) -> None:
        self.marked = set(self._order)
        self.redraw(self._order)
        self.post_message(self.MarksChanged())

    def clear_marks(self) -> bool:
        """Unmark every row; False when none was marked."""
        before, self.marked = self.marked, set()
        if not before:
            return False
        self.redraw(before)
        self.post_message(self.MarksChanged())
        return True

    def action_clear_marks(self) -> None:
        """Escape clears the marks; with none, it goes on to the screen's escape (which clears
        the filter: k9s and lazydocker's escape, one layer at a time)."""
        if not self.clear_marks():
            raise SkipAction


def _shape_of(line: list[Segment], plain: str, pad: int, inner: int) -> Shape | None:
    """The styles of pad, text, fill and pad in a one-line cell Rich rendered as exactly
    those segments: pad, the text (cropped to the column), the fill (only for a text shorter
    than the column, else None), pad, and whether they are all one style. None for anything
    else."""
    short = len(plain) < inner
    if len(line) != (4 if short else 3) or any(s.control or not s.style for s in line):
        return None
    if (
        line[0].text != " " * pad
        or line[1].text != plain[:inner]
        or line[-1].text != " " * pad
        or (short and line[2].text != " " * (inner - len(plain)))
    ):
        return None
    styles = [s.style for s in line if s.style]
    uniform = all(style == styles[0] for style in styles)
    return styles[0], styles[1], styles[2] if short else None, styles[-1], uniform


def _short_template(template: str | None) -> str:
    """`miosa-desktop` -> `desktop`: the prefix is the same on every row."""
    if not template:
        return "-"
    return template.removeprefix("miosa-")


def _plain(value: object) -> str:
    return value.plain if isinstance(value, Text) else str(value)


def _style(value: object) -> str:
    if isinstance(value, Text):
        return str(value.style) + "|".join(str(span.style) for span in value.spans)
    return ""


__all__ = ["ComputerTable", "RowKey"]
