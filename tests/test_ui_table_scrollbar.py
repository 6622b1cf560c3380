"""A fleet that grows past the screen or shrinks under it: the table's columns give the vertical
scrollbar its cells and take them back (the ID column keeps its last characters)."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.screen import Screen

from miosa_tui.api.models import Computer
from miosa_tui.ui.widgets.computer_table import ComputerTable


def fleet(n: int) -> list[Computer]:
    return [
        Computer(id=f"cmp_{i:08x}", name=f"worker-{i:03d}", status="running", size="medium")
        for i in range(n)
    ]


class TableApp(App[None]):
    CSS = "ComputerTable { height: 1fr; }"  # as on the dashboard (app.tcss #computers)

    def __init__(self, rows: int) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield ComputerTable(id="t")

    def on_mount(self) -> None:
        self.query_one(ComputerTable).sync(fleet(self.rows))


def widths(table: ComputerTable) -> list[int]:
    return [column.width for column in table.columns.values()]


async def test_the_columns_follow_the_scrollbar_as_the_fleet_grows_and_shrinks() -> None:
    app = TableApp(rows=5)
    async with app.run_test(size=(110, 30)) as pilot:
        await pilot.pause()
        table = app.query_one(ComputerTable)
        few = widths(table)
        assert not table.show_vertical_scrollbar
        table.sync(fleet(300))
        await pilot.pause()
        await pilot.pause()
        assert table.show_vertical_scrollbar
        many = widths(table)
        assert sum(many) < sum(few), "the scrollbar's cells come out of the columns"
        assert "cmp_0000012b" in screen_lines(app.screen, table)
        table.sync(fleet(5))
        await pilot.pause()
        await pilot.pause()
        assert not table.show_vertical_scrollbar
        assert widths(table) == few


def screen_lines(screen: Screen[Any], table: ComputerTable) -> str:
    table.move_cursor(row=table.row_count - 1)
    return "\n".join(strip.text for strip in screen._compositor.render_strips())
