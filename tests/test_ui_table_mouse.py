"""The mouse over the computers table: a click or hover finds its row from where it lands.

ComputerTable draws its data rows without DataTable's per-cell meta (see
`ComputerTable._cell_segments`), so DataTable's own mouse handling, which reads the meta, does
not see them; `ComputerTable._data_cell_at` places the mouse instead. Here a real pilot clicks
and hovers, and the test checks what the user gets: the highlighted computer, the messages the
dashboard acts on, and the drawn hover.
"""

from __future__ import annotations

from textual import on
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.widgets import DataTable

from miosa_tui.api.models import Computer
from miosa_tui.ui.widgets.computer_table import ComputerTable

SIZE = (150, 20)


class TableApp(App[None]):
    CSS = "ComputerTable { height: 1fr; }"  # the whole screen, rows or not

    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[str, object]] = []

    def compose(self) -> ComposeResult:
        yield ComputerTable(id="t")

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.events.append(("highlighted", event.row_key.value))

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.events.append(("selected", event.row_key.value))

    @on(DataTable.HeaderSelected)
    def _header(self, event: DataTable.HeaderSelected) -> None:
        self.events.append(("header", event.column_key.value))


def fleet(n: int) -> list[Computer]:
    return [Computer(id=f"c{i:03d}", name=f"box-{i}", status="running") for i in range(n)]


def name_x(table: ComputerTable) -> int:
    """An x inside the NAME column (after the mark column)."""
    return table.ordered_columns[0].get_render_width(table) + 2


async def test_a_click_highlights_the_row_under_it_and_a_second_click_selects_it() -> None:
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(ComputerTable)
        table.sync(fleet(60))
        await pilot.pause()
        assert table.highlighted_id == "c000"
        app.events.clear()
        assert await pilot.click(ComputerTable, offset=(name_x(table), 1 + 5))
        await pilot.pause()
        assert table.highlighted_id == "c005"
        assert ("highlighted", "c005") in app.events
        assert not any(kind == "selected" for kind, _ in app.events)
        assert await pilot.click(ComputerTable, offset=(name_x(table), 1 + 5))
        await pilot.pause()
        assert app.events.count(("selected", "c005")) == 1

        # scrolled: the row under the mouse is counted from the top of the view
        table.move_cursor(row=45, animate=False)
        await pilot.pause()
        top = round(table.scroll_offset.y)
        assert top > 0
        assert await pilot.click(ComputerTable, offset=(name_x(table), 1 + 2))
        await pilot.pause()
        assert table.highlighted_id == f"c{top + 2:03d}"

        # past the last column (DataTable's "out of bounds" blank) still picks the row
        assert await pilot.click(ComputerTable, offset=(table.size.width - 3, 1 + 4))
        await pilot.pause()
        assert table.highlighted_id == f"c{top + 4:03d}"


async def test_the_header_still_sorts_and_below_the_rows_nothing_happens() -> None:
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(ComputerTable)
        table.sync(fleet(3))
        await pilot.pause()
        table.move_cursor(row=1, animate=False)
        await pilot.pause()
        app.events.clear()
        assert await pilot.click(ComputerTable, offset=(name_x(table), 0))  # the header
        await pilot.pause()
        assert app.events == [("header", "name")]
        assert table.highlighted_id == "c001"
        assert await pilot.click(ComputerTable, offset=(name_x(table), 1 + 10))  # no row there
        await pilot.pause()
        assert table.highlighted_id == "c001"
        assert app.events == [("header", "name")]


async def test_hover_draws_the_row_under_the_mouse() -> None:
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(ComputerTable)
        table.sync(fleet(20))
        await pilot.pause()
        region = Region(0, 0, table.size.width, table.size.height)
        before = table.render_lines(region)
        assert await pilot.hover(ComputerTable, offset=(name_x(table), 1 + 3))
        await pilot.pause()
        assert table.hover_coordinate.row == 3
        after = table.render_lines(region)
        changed = [y for y, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
        assert changed == [1 + 3]  # that row's line, drawn with the hover style, and no other
        assert after[1 + 3].text == before[1 + 3].text
