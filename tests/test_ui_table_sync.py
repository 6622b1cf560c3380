"""ComputerTable against a model: random fleets applied in turn must leave exactly the expected
rows, in order, with the expected cells, and the cursor on the same computer when it survives.

Both update paths are exercised: `sync` (rows added, removed, reordered, changed) and
`update_rows` (the poll fast path: same rows, same order, some data changed), and `unchanged`
(a poll that changed nothing). The table's own
row-order cache (`ordered_rows`, `_y_offsets`) is checked against the order too. Each call
numbers the fleet snapshot it comes from as the dashboard does, including snapshots the table
is never given (a poll whose rows are still being worked out in a thread): a sort of the rows
of the snapshot the table shows reads only their ids, and must never keep an old computer.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import replace
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.text import Text
from textual.app import App, ComposeResult
from textual.strip import Strip
from textual.widgets.data_table import ColumnKey

from miosa_tui.api.models import Computer
from miosa_tui.fleet.actions import ActionKind
from miosa_tui.ui.widgets.computer_table import ComputerTable, RowKey

IDS = [f"c{i:02d}" for i in range(14)]
STATUSES = ["running", "stopped", "starting", "error", "weird"]


@st.composite
def computer(draw: st.DrawFn, ident: str) -> Computer:
    return Computer(
        id=ident,
        name=draw(st.sampled_from(["web", "db", f"box-{ident}"])),
        status=draw(st.sampled_from(STATUSES)),
        size=draw(st.sampled_from([None, "small", "xl"])),
        region=draw(st.sampled_from([None, "us-mia", "eu-fra"])),
        ip_address=draw(st.sampled_from([None, "10.0.0.1", "10.0.0.2"])),
    )


@st.composite
def fleet(draw: st.DrawFn) -> list[Computer]:
    ids = draw(st.lists(st.sampled_from(IDS), unique=True, max_size=len(IDS)))
    return [draw(computer(ident)) for ident in ids]


@st.composite
def step(draw: st.DrawFn) -> tuple[str, object, int]:
    """("sync", fleet, cursor pick), ("update", indexes to change, cursor pick), ("poll",
    indexes to change, cursor pick: a snapshot the table is not given), ("quiet", None, cursor
    pick: a poll that changed nothing, of which the table is told) or ("filter", (indexes
    of the computers to show, in order, and indexes of those to change first), cursor pick): a
    filter or sort shows the same objects again, some changed while hidden."""
    kind = draw(st.sampled_from(["sync", "update", "poll", "quiet", "filter"]))
    pick = draw(st.integers(0, 20))
    if kind == "quiet":
        return kind, None, pick
    if kind == "sync":
        return "sync", draw(fleet()), pick
    if kind in ("update", "poll"):
        return kind, draw(st.lists(st.integers(0, 20), max_size=5)), pick
    shown = draw(st.lists(st.integers(0, 20), max_size=14))
    return "filter", (shown, draw(st.lists(st.integers(0, 20), max_size=3))), pick


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield ComputerTable(id="t")


def numbered(count: int) -> list[Computer]:
    """`count` running computers, ids c0.. padded to the width of the last, names n0.."""
    width = len(str(count - 1))
    return [Computer(id=f"c{i:0{width}d}", name=f"n{i}", status="running") for i in range(count)]


async def showing(pilot: Any, app: TableApp, fleet: list[Computer]) -> ComputerTable:
    """The app's table, given `fleet` and painted."""
    table = app.query_one(ComputerTable)
    table.sync(fleet)
    await pilot.pause()
    return table


def segments(strips: list[Strip]) -> list[list[tuple[str, object]]]:
    """What each line shows: every character with its style. DataTable puts the row and column
    in each cell's style meta for the mouse; ComputerTable's data rows carry the column only (a
    click is placed from where it lands, `tests/test_ui_table_mouse.py`), so meta is left out,
    and so are segment boundaries (within a cell, runs of one style are one segment)."""
    return [
        [
            (char, seg.style.clear_meta_and_links() if seg.style else None)
            for seg in strip
            for char in seg.text
        ]
        for strip in strips
    ]


def data_meta(strips: list[Strip]) -> list[dict[str, object]]:
    """The style meta of every segment of the data rows (every line but the header) that has
    any."""
    return [seg.style.meta for strip in strips[1:] for seg in strip if seg.style and seg.style.meta]


def plain(value: object) -> str:
    return value.plain if isinstance(value, Text) else str(value)


def check(table: ComputerTable, expected: list[Computer]) -> None:
    ids = [c.id for c in expected]
    assert table.visible_ids == ids
    assert [row.key.value for row in table.ordered_rows] == ids
    assert [key.value for key, _ in table._y_offsets] == ids
    assert table.row_count == len(ids)
    assert table.virtual_size.height == len(ids) + 1  # the rows and the header
    for index, c in enumerate(expected):
        assert table.get_row_index(c.id) == index
        columns = [col.key.value for col in table.ordered_columns]
        cells = dict(zip(columns, table.get_row(c.id), strict=True))
        assert plain(cells["name"]) == c.name
        assert plain(cells["status"]).startswith(c.status) or c.status in plain(cells["status"])
        assert plain(cells["size"]) == (c.size or "-")
        assert plain(cells["region"]) == (c.region or "-")
        assert plain(cells["ip"]) == (c.ip_address or "-")
        assert plain(cells["id"]) == c.id


def check_painted(app: App[None], expected: list[Computer]) -> None:
    """What the terminal shows: the table keeps only unchanged rows' rendering cached, so a
    stale cache would show here as an old name or status on a row's line."""
    lines = [strip.text for strip in app.screen._compositor.render_strips()]
    for index, c in enumerate(expected[: len(lines) - 1]):
        line = lines[index + 1]  # below the header
        assert c.id in line, (index, line)
        assert f" {c.name} " in line, (index, line)
        assert c.status in line or c.status[:4] in line, (index, line)


async def scenario(start: list[Computer], steps: list[tuple[str, object, int]]) -> None:
    app = TableApp()
    async with app.run_test(size=(120, 30)) as pilot:
        table = app.query_one(ComputerTable)
        current = list(start)  # what the table must show
        held = list(start)  # every computer of the last "sync": a filter shows some of them
        snapshot = 1  # the fleet's snapshot number (`FleetState.version`)
        table.sync(current, snapshot=snapshot, whole=True)
        await pilot.pause()
        check(table, current)
        check_painted(app, current)
        for kind, payload, pick in steps:
            if current:
                table.move_cursor(row=pick % len(current), animate=False)
            before = table.highlighted_id
            if kind == "sync":
                assert isinstance(payload, list)
                current = list(payload)
                held = list(current)
                snapshot += 1
                table.sync(current, snapshot=snapshot, whole=True)
            elif kind == "poll":  # a new snapshot the table is not told of: it shows the old
                assert isinstance(payload, list)
                snapshot += 1
                for index in payload if held else []:
                    i = index % len(held)
                    held[i] = replace(held[i], status="starting", name=f"p{index}")
            elif kind == "quiet":  # the same computers again (`unchanged`)
                snapshot += 1
                table.unchanged(snapshot)
            elif kind == "filter":
                assert isinstance(payload, tuple)
                picks, renew = payload
                if renew and held:
                    snapshot += 1
                for index in renew if held else []:
                    i = index % len(held)
                    flipped = "stopped" if held[i].status == "running" else "running"
                    held[i] = replace(held[i], status=flipped, name=f"f{index}")
                order = list(dict.fromkeys(i % len(held) for i in picks)) if held else []
                current = [held[i] for i in order]
                ids = [c.id for c in current] if pick % 2 else None
                whole = len(current) == len(held)  # every computer of the snapshot
                table.sync(current, dirty=(), ids=ids, snapshot=snapshot, whole=whole)
            else:
                changed: list[Computer] = []
                for index in payload:  # type: ignore[attr-defined]
                    if current:
                        i = index % len(current)
                        flipped = "stopped" if current[i].status == "running" else "running"
                        current[i] = replace(current[i], status=flipped, name=f"n{index}")
                        changed.append(current[i])
                        held = [current[i] if c.id == current[i].id else c for c in held]
                snapshot += 1
                table.update_rows(changed, snapshot=snapshot)
            await pilot.pause()
            check(table, current)
            check_painted(app, current)
            if before is not None and before in {c.id for c in current}:
                assert table.highlighted_id == before


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(fleet(), st.lists(step(), min_size=1, max_size=4))
def test_table_matches_the_model(
    start: list[Computer], steps: list[tuple[str, object, int]]
) -> None:
    asyncio.run(scenario(start, steps))


def test_a_quiet_poll_after_one_the_table_was_not_given_leaves_no_old_computer() -> None:
    """A poll whose rows were never given to the table (worked out in a thread meanwhile),
    then a poll that changed nothing: the table does not hold the second one's computers, so a
    sort of them must take the changed one (the model run above rarely draws this order)."""
    start = [Computer(id=f"c{i:02d}", name=f"n{i}", status="running") for i in range(5)]
    everyone = ([0, 1, 2, 3, 4], [])
    asyncio.run(scenario(start, [("poll", [1], 0), ("quiet", None, 0), ("filter", everyone, 0)]))
    asyncio.run(scenario(start, [("quiet", None, 0), ("filter", everyone, 3)]))


def test_a_spinner_frame_repaints_only_the_status_cells_of_rows_in_transition() -> None:
    """A spinner frame changes the STATUS cell of the rows in transition (or with an action
    pending) and nothing else: only those cells are repainted (what reaches the terminal), the
    row's other cells are not drawn again, and the line still paints as DataTable paints it.
    Every AGE_EVERY frames the whole visible lines are repainted (AGE moves on)."""
    from textual.coordinate import Coordinate
    from textual.geometry import Region
    from textual.widgets import DataTable

    from miosa_tui.ui.widgets.computer_table import AGE_EVERY, STATUS

    async def run() -> None:
        app = TableApp()
        async with app.run_test(size=(120, 30)) as pilot:
            table = app.query_one(ComputerTable)
            fleet = [Computer(id=f"c{i}", name=f"n{i}", status="running") for i in range(50)]
            fleet[7] = replace(fleet[7], status="starting")
            table.sync(fleet)
            await pilot.pause()
            asked: list[Region] = []
            drawn: list[object] = []
            refresh, cell_segments = table.refresh, table._cell_segments

            def spy_refresh(*regions: Region, **kw: Any) -> ComputerTable:
                asked.extend(regions)
                return refresh(*regions, **kw)

            def spy_cells(cell: object, *args: Any) -> Any:
                drawn.append(cell)
                return cell_segments(cell, *args)

            table.refresh = spy_refresh  # type: ignore[method-assign]
            table._cell_segments = spy_cells  # type: ignore[method-assign]
            # a stop the fleet tracks as pending: the running row spins towards "stopped"
            table.fleet.add_pending(fleet[3], ActionKind.STOP, now=table.clock())
            table.frame = AGE_EVERY  # the next tick is a spinner frame
            header = table.header_height

            def status_cell(row: int) -> Region:
                # DataTable's own region of the cell, on screen (the table is not scrolled)
                return DataTable._get_cell_region(table, Coordinate(row, STATUS))

            for frame in range(3):
                if frame == 2:  # a poll renames c7 (its line is drawn again, with the new name)
                    fleet[7] = replace(fleet[7], name="renamed")
                    table.update_rows([fleet[7]])
                    await pilot.pause()
                    assert "renamed" in painted_line(app, " renamed ")
                line_before = painted_line(app, " n7 " if frame < 2 else " renamed ")
                asked.clear()
                drawn.clear()
                table.tick()
                assert sorted(asked, key=lambda r: r.y) == [status_cell(3), status_cell(7)]
                await pilot.pause()
                assert [plain(cell) for cell in drawn] == [
                    plain(table.get_cell("c3", "status")),
                    plain(table.get_cell("c7", "status")),
                ]  # only the two status cells were drawn again
                line, cell = painted_line(app, line_before[:30].strip()), status_cell(7)
                assert line != line_before
                outside = slice(0, cell.x), slice(cell.right, None)
                assert [line[part] for part in outside] == [line_before[part] for part in outside]
                assert "running → stopped" in painted_line(app, " n3 ")
                assert table.get_row_index("c7") + header == status_cell(7).y
            region = Region(0, 0, table.size.width, table.size.height)
            ours = table.render_lines(region)
            table._clear_caches()
            original = ComputerTable._render_line
            try:
                ComputerTable._render_line = DataTable._render_line  # type: ignore[method-assign]
                theirs = table.render_lines(region)
            finally:
                ComputerTable._render_line = original  # type: ignore[method-assign]
            assert segments(ours) == segments(theirs)
            table.frame = AGE_EVERY - 1  # the next tick redraws every visible row whole
            asked.clear()
            table.tick()
            assert {(r.x, r.width) for r in asked} == {(0, table.size.width)}
            table.update_rows([replace(fleet[7], status="running")])
            assert table._transitional == set()

    asyncio.run(run())


def painted_line(app: App[None], needle: str) -> str:
    """The screen's line that shows `needle`, as painted."""
    lines = [strip.text for strip in app.screen._compositor.render_strips()]
    return next(line for line in lines if needle in line)


def test_changes_repaint_the_right_lines_when_scrolled() -> None:
    """Only changed rows are repainted: on a scrolled table, the line for each row must still
    show that row's new data (and the rows around it their own)."""

    async def run() -> None:
        app = TableApp()
        async with app.run_test(size=(120, 20)) as pilot:
            fleet = numbered(300)
            table = await showing(pilot, app, fleet)
            table.move_cursor(row=150, animate=False)
            await pilot.pause()
            assert table.scroll_offset.y > 100
            top = table.scroll_offset.y
            for i in (top, top + 3, top + 9, 5, 299):  # visible and off-screen rows
                fleet[i] = replace(fleet[i], status="stopped", name=f"renamed{i}")
            table.update_rows([fleet[i] for i in (top, top + 3, top + 9, 5, 299)])
            # rows out of view are only marked: their cells are built when drawn or read
            assert {"c005", "c299"} <= table._stale
            assert not {fleet[i].id for i in (top, top + 3, top + 9)} & table._stale
            assert "renamed299" not in plain(table._data[RowKey("c299")][ColumnKey("name")])
            await pilot.pause()
            check(table, fleet)
            lines = [strip.text for strip in app.screen._compositor.render_strips()]
            for offset, line in enumerate(lines[1:]):
                c = fleet[top + offset]
                assert c.id in line and f" {c.name} " in line and c.status in line, line
            table.move_cursor(row=299, animate=False)  # the end of the table can be reached
            await pilot.pause()
            lines = [strip.text for strip in app.screen._compositor.render_strips()]
            assert "c299" in lines[-1] and "renamed299" in lines[-1], lines[-1]

    asyncio.run(run())


async def test_a_filter_hides_rows_without_rebuilding_them_and_forgets_gone_ones() -> None:
    """A filter step or a sort keeps what the table holds for each row it hides: shown again
    as the same object, a row is not built again, unless something drawn in it went out of
    date (its mark, which hiding clears). A computer gone from the fleet is forgotten, at once
    when hidden, once hidden when still shown."""
    app = TableApp()
    async with app.run_test(size=(120, 30)) as pilot:
        # fewer rows than the screen: every row is drawn (a row is built when first drawn)
        fleet = numbered(20)
        table = await showing(pilot, app, fleet)
        table.move_cursor(row=3, animate=False)
        table.action_toggle_mark()  # c03 marked, drawn with its mark; the cursor to c04
        table.action_toggle_mark()  # c04 marked
        await pilot.pause()
        assert _painted_line(app, "c03")[:3] == " ● "  # the mark column
        table.sync([c for c in fleet if c.id not in {"c03", "c05", "c07"}], dirty=())
        await pilot.pause()
        assert table.marked == {"c04"}  # marks of hidden rows go, the others stay
        assert _painted_line(app, "c04")[:3] == " ● "
        built: list[str] = []
        cells_for = table._cells_for

        def spy(c: Computer) -> tuple[object, ...]:
            built.append(c.id)
            return cells_for(c)

        table._cells_for = spy  # type: ignore[method-assign,assignment]
        table.sync(list(reversed(fleet)), dirty=())  # all back, sorted the other way
        await pilot.pause()
        assert _painted_line(app, "c03")[:3] == "   "
        assert built == ["c03"]  # the row that was drawn with a mark, nothing else
        check(table, list(reversed(fleet)))
        check_painted(app, list(reversed(fleet)))

        table.sync(fleet[10:], dirty=())  # c00-c09 hidden
        table.forget(["c01", "c12"])  # both left the fleet; c12 is still shown
        assert "c01" not in table._computers and "c01" not in table._cells
        assert "c12" in table._computers  # drawn until a sync hides it
        await pilot.pause()
        assert "n12" in _painted_line(app, "c12")
        table.sync(fleet[13:], dirty=())
        held = (table._computers, table._cells, table._row_data, table._keys, table._since)
        assert not any("c12" in d for d in held)
        assert "c11" in table._computers  # hidden, not gone: still held
        back = [replace(fleet[1], name="new1"), *fleet[13:]]  # c01 created again
        table.sync(back, dirty=())
        await pilot.pause()
        check(table, back)
        assert "new1" in _painted_line(app, "c01")


def _painted_line(app: App[None], text: str) -> str:
    lines = [strip.text for strip in app.screen._compositor.render_strips()]
    return next(line for line in lines if text in line)


def test_row_and_cell_regions_match_datatables_own() -> None:
    """ComputerTable places rows by index (all one line high); DataTable sums the heights of
    the rows above. Both must give the same regions, scrolled or not."""
    from textual.coordinate import Coordinate
    from textual.widgets import DataTable

    async def run() -> None:
        app = TableApp()
        async with app.run_test(size=(120, 20)) as pilot:
            table = await showing(pilot, app, numbered(120))
            table.move_cursor(row=90, animate=False)
            await pilot.pause()
            for row in (0, 1, 17, 90, 119, 120, -1):
                assert table._get_row_region(row) == DataTable._get_row_region(table, row)
                for column in (0, 3, 8, 9):
                    at = Coordinate(row, column)
                    assert table._get_cell_region(at) == DataTable._get_cell_region(table, at)

    asyncio.run(run())


def test_cells_that_look_alike_paint_as_datatable_paints_them() -> None:
    """Rows are drawn by the table itself and cells reuse the rendering of cells that look
    alike (`ComputerTable._row_segments`, `_cell_segments`): every line must paint exactly what
    DataTable's own line, row and cell rendering paints, text, colours and the row/column meta
    that mouse clicks read: zebra stripes, the cursor row, marked and pending rows, scrolled."""
    from textual.geometry import Region
    from textual.widgets import DataTable

    async def run() -> None:
        app = TableApp()
        async with app.run_test(size=(150, 30)) as pilot:
            table = app.query_one(ComputerTable)
            fleet = [
                Computer(
                    id=f"c{i:03d}",
                    # every length from 1 to past the column's width; some alike, some not ASCII
                    name=("n" + "x y" * 15)[: 1 + i % 40] + ("é" if i % 11 == 0 else ""),
                    status=STATUSES[i % len(STATUSES)],
                    size=("small", "medium", None)[i % 3],  # shorter than the column, as wide
                    region="us-mia",
                    template_type=("miosa-desktop", "miosa-sandbox")[i % 2],  # all as wide
                    ip_address=("10.0.0.1", None, "10.113.148.230")[i % 3],  # short, -, cropped
                )
                for i in range(200)
            ]
            table.sync(fleet)
            table.marked.update({"c004", "c005"})
            table.fleet.add_pending(fleet[6], ActionKind.STOP, now=0.0)  # "→ stopped"
            table.redraw(["c004", "c005", "c006"])
            rich_cells: list[int] = []
            rich_cell = ComputerTable._rich_cell

            def counted(self: ComputerTable, *args: object) -> object:
                rich_cells.append(1)
                return rich_cell(self, *args)  # type: ignore[arg-type]

            for row in (3, 150):
                table.move_cursor(row=row, animate=False)
                await pilot.pause()
                table._clear_caches()
                region = Region(0, 0, table.size.width, table.size.height)
                rich_cells.clear()
                ComputerTable._rich_cell = counted  # type: ignore[method-assign,assignment]
                try:
                    ours = table.render_lines(region)
                finally:
                    ComputerTable._rich_cell = rich_cell  # type: ignore[method-assign]
                # cells were reused: far fewer Rich renderings than cells drawn (9 a row)
                assert 0 < len(rich_cells) < (region.height - 1) * 9 / 4
                table._clear_caches()
                original = ComputerTable._render_line
                try:
                    ComputerTable._render_line = DataTable._render_line  # type: ignore[method-assign]
                    theirs = table.render_lines(region)
                finally:
                    ComputerTable._render_line = original  # type: ignore[method-assign]
                table._clear_caches()
                assert [s.text for s in ours] == [s.text for s in theirs]
                assert segments(ours) == segments(theirs)
                # the row is not in the meta (clicks are placed by position), the column is
                assert all("row" in meta for meta in data_meta(theirs))
                assert not any("row" in meta for meta in data_meta(ours))
                # the same again once everything on screen is cached
                assert segments(table.render_lines(region)) == segments(theirs)

    asyncio.run(run())


def test_lines_cached_across_cursor_moves_paint_as_datatable_paints_them() -> None:
    """Lines are cached by "the cursor is on this row or not" and a row version
    (`ComputerTable._render_line`), not by the cursor's coordinate: after the cursor moves, a
    row changes and the table scrolls, every line still paints exactly what DataTable's own
    line, row and cell rendering paints, and a cursor move re-renders only the rows it left
    and reached."""
    from textual.geometry import Region
    from textual.widgets import DataTable

    ours_row = ComputerTable._row_segments

    async def run() -> None:
        app = TableApp()
        async with app.run_test(size=(150, 30)) as pilot:
            table = app.query_one(ComputerTable)
            fleet = [
                Computer(id=f"c{i:03d}", name=f"n{i}", status=STATUSES[i % len(STATUSES)])
                for i in range(200)
            ]
            table.sync(fleet)
            await pilot.pause()
            region = Region(0, 0, table.size.width, table.size.height)
            assert region.height > 20
            rows_rendered: list[object] = []

            def counted(
                self: ComputerTable, row_key: object, *args: object, **kw: object
            ) -> object:
                rows_rendered.append(row_key)
                return ours_row(self, row_key, *args, **kw)  # type: ignore[arg-type]

            ComputerTable._row_segments = counted  # type: ignore[method-assign,assignment]
            for step in ("move", "change", "scroll", "move back"):
                if step == "move":
                    table.render_lines(region)
                    table.move_cursor(row=5, animate=False)
                elif step == "change":
                    fleet[7] = Computer(id="c007", name="renamed", status="stopped")
                    table.update_rows([fleet[7]])
                elif step == "scroll":
                    table.move_cursor(row=120, animate=False)
                else:
                    table.move_cursor(row=118, animate=False)
                await pilot.pause()
                table.render_lines(region)  # fills the caches at this state
                rows_rendered.clear()
                ours = table.render_lines(region)
                assert rows_rendered == []  # all from the caches
                table._clear_caches()
                original = ComputerTable._render_line
                try:
                    ComputerTable._render_line = DataTable._render_line  # type: ignore[method-assign]
                    theirs = table.render_lines(region)
                finally:
                    ComputerTable._render_line = original  # type: ignore[method-assign]
                table._clear_caches()
                assert [s.text for s in ours] == [s.text for s in theirs], step
                assert segments(ours) == segments(theirs), step
                if step == "change":
                    assert any("renamed" in s.text for s in ours)
            # one row down re-renders the row left and the row reached, nothing else
            table.render_lines(region)
            rows_rendered.clear()
            table.move_cursor(row=119, animate=False)
            await pilot.pause()  # the app paints it
            table.render_lines(region)
            assert sorted(str(k.value) for k in rows_rendered) == ["c118", "c119"]  # type: ignore[attr-defined]

    try:
        asyncio.run(run())
    finally:
        ComputerTable._row_segments = ours_row  # type: ignore[method-assign]


async def test_laying_out_paging_and_polls_never_index_every_row() -> None:
    """DataTable's rows, cells and row locations are views of the table's order (`row_order.py`):
    a filter step, a sort, a paint, page down, a poll's changes on and off screen, spinner
    frames and a cursor that follows its computer through a sort never build an index of every
    row's key (`RowLocations.get` builds one when asked: ~10 ms at 100,000 rows, once per
    layout). Only something that asks a key's index by key, as `go_to` does, builds it."""
    app = TableApp()
    async with app.run_test(size=(120, 30)) as pilot:
        fleet = numbered(300)
        table = await showing(pilot, app, fleet)

        def indexed() -> bool:
            return table._row_locations._index is not None  # type: ignore[attr-defined]

        assert not indexed()
        table.sync(fleet[::3], dirty=())  # a filter step
        await pilot.pause()
        table.move_cursor(row=40, animate=False)
        await pilot.pause()
        keep = table.highlighted_id
        assert keep == "c120"
        table.sync(list(reversed(fleet[::3])), dirty=())  # a sort: the cursor follows c120
        await pilot.pause()
        assert table.highlighted_id == keep and table.cursor_row == 99 - 40
        await pilot.press("pagedown", "pagedown", "pageup")
        # a poll: one row on screen, one off screen, one hidden by the filter
        top = table.visible_ids[int(table.scroll_offset.y)]
        moved = [replace(table._computers[cid], status="starting") for cid in (top, "c000")]
        table.update_rows([*moved, replace(fleet[1], status="stopped")])
        table.tick()
        table.tick()
        await pilot.pause()
        assert not indexed()
        shown = {c.id: c for c in [*reversed(fleet[::3]), moved[0]]}  # the top row: starting
        check_painted(app, list(shown.values())[int(table.scroll_offset.y) :])
        assert "starting" in _painted_line(app, top)
        assert table.go_to("c150")
        assert indexed()  # asked for by key: built once, for this layout
        assert table.highlighted_id == "c150"
        table.sync(fleet, dirty=())
        assert not indexed()  # a new layout starts without one


async def test_a_filter_step_to_as_many_other_rows_shows_those_rows() -> None:
    """A sync to as many rows as are shown is taken as a sort only when they are the same rows
    (`status:running` to `status:stopped` with as many of each is not)."""
    app = TableApp()
    async with app.run_test(size=(120, 30)) as pilot:
        fleet = numbered(40)
        table = await showing(pilot, app, fleet[:20])
        for shown in (fleet[20:], list(reversed(fleet[20:])), fleet[10:30]):
            table.sync(shown, dirty=())
            await pilot.pause()
            check(table, shown)
            check_painted(app, shown)


async def test_clear_shows_no_rows_and_a_sync_shows_them_again() -> None:
    """DataTable's `clear` on a table whose rows are views of its order (the clear + re-add
    baseline of benchmarks/bench_poll.py calls it): no rows, then a sync lays them out again."""
    app = TableApp()
    async with app.run_test(size=(120, 30)) as pilot:
        fleet = numbered(30)
        table = await showing(pilot, app, fleet)
        table.clear()
        await pilot.pause()
        assert table.row_count == 0 and table.visible_ids == [] and table.highlighted_id is None
        lines = [strip.text for strip in app.screen._compositor.render_strips()]
        assert not any("c0" in line for line in lines)
        table.sync(fleet[5:])
        await pilot.pause()
        check(table, fleet[5:])
        check_painted(app, fleet[5:])


class Unread(list[Computer]):
    """Computers that must not be read: iterating them fails the test."""

    def __iter__(self) -> Any:
        raise AssertionError("the computers were read")


async def shown_from(
    pilot: Any,
    app: TableApp,
    shown: list[Computer],
    snapshot: int,
    *,
    unread: bool = False,
    whole: bool = False,
) -> None:
    """Give the table `shown` with their ids, from snapshot number `snapshot` (`unread`: as
    computers that must not be read; `whole`: said to be all of that snapshot), then check
    what it holds and paints."""
    table = app.query_one(ComputerTable)
    given = Unread(shown) if unread else shown
    table.sync(given, dirty=(), ids=[c.id for c in shown], snapshot=snapshot, whole=whole)
    await pilot.pause()
    check(table, shown)
    check_painted(app, shown)


async def test_a_sort_of_the_snapshot_shown_reads_only_the_ids() -> None:
    """The same rows from the snapshot the table shows, in another order (a sort), or fewer of
    them (a filter that narrows): only their ids are read."""
    app = TableApp()
    async with app.run_test(size=(120, 30)) as pilot:
        fleet = numbered(20)  # all on screen (120x30)
        await shown_from(pilot, app, fleet, 7)
        for shown in (list(reversed(fleet)), fleet[3:12], list(reversed(fleet[3:12]))):
            await shown_from(pilot, app, shown, 7, unread=True)


async def test_a_new_snapshot_in_another_order_shows_its_changes() -> None:
    app = TableApp()
    async with app.run_test(size=(120, 30)) as pilot:
        fleet = numbered(20)
        await shown_from(pilot, app, fleet, 1)
        renamed = [replace(c, name="renamed") if c.id == "c05" else c for c in fleet]
        await shown_from(pilot, app, list(reversed(renamed)), 2)


async def test_a_snapshot_the_table_missed_is_taken_by_the_next_sort() -> None:
    """Snapshot 2 (c05 renamed) is never given to the table (its rows were still being worked
    out when snapshot 3 came); snapshot 3 changes c07 in place. A sort of snapshot 3 must show
    c05's new name: the table's rows are not snapshot 3's."""
    app = TableApp()
    async with app.run_test(size=(120, 30)) as pilot:
        fleet = numbered(20)
        await shown_from(pilot, app, fleet, 1)
        two = [replace(c, name="renamed") if c.id == "c05" else c for c in fleet]
        three = [replace(c, status="stopped") if c.id == "c07" else c for c in two]
        app.query_one(ComputerTable).update_rows([three[7]], snapshot=3)
        await pilot.pause()
        await shown_from(pilot, app, list(reversed(three)), 3)


async def test_a_whole_snapshot_of_other_computers_is_shown_as_such() -> None:
    """The table shows all of snapshot 1 (c00-c19). Snapshot 2, which it never got, has c05
    destroyed and c99 created: as many computers, other ids. Given the whole of snapshot 2,
    it must show c99 and not c05 (the count alone says nothing across snapshots). A sort of
    the whole snapshot it shows reads only the ids."""
    app = TableApp()
    async with app.run_test(size=(120, 30)) as pilot:
        fleet = numbered(20)
        await shown_from(pilot, app, fleet, 1, whole=True)
        await shown_from(pilot, app, list(reversed(fleet)), 1, unread=True, whole=True)
        two = [c for c in fleet if c.id != "c05"] + [replace(fleet[0], id="c99", name="new")]
        await shown_from(pilot, app, two, 2, whole=True)
        await shown_from(pilot, app, list(reversed(two)), 2, unread=True, whole=True)


def test_pending_labels_in_a_narrow_column_keep_their_time_or_end_in_an_ellipsis() -> None:
    """At 160 terminal columns beside the side panes STATUS is 16 cells wide: a stop showed
    "⠸ stopping → sto", the time cut off and a cut word that reads as another status. The
    goal is drawn only where the status does not go there anyway (a restart's "stopping →
    running"), and a label longer than the column ends in "…"."""
    from textual.coordinate import Coordinate
    from textual.widgets import DataTable

    from miosa_tui.ui.widgets.computer_table import STATUS

    async def run() -> None:
        app = TableApp()
        async with app.run_test(size=(90, 8)) as pilot:
            table = app.query_one(ComputerTable)
            fleet = numbered(4)
            fleet[2] = replace(fleet[2], status="stopping")
            fleet[3] = replace(fleet[3], status="stopping")
            table.sync(fleet)
            now = table.clock()
            table.fleet.add_pending(fleet[1], ActionKind.STOP, now=now)  # not shown by the API
            table.fleet.add_pending(fleet[2], ActionKind.STOP, now=now)  # stopping, as asked
            table.fleet.add_pending(fleet[3], ActionKind.RESTART, now=now)  # then running
            table.tick()
            await pilot.pause()

            def status_of(row: int) -> str:
                cell = DataTable._get_cell_region(table, Coordinate(row, STATUS))
                return painted_line(app, f" n{row} ")[cell.x : cell.right].strip()

            assert status_of(0) == "● running"
            assert re.fullmatch(r"\S running → sto\w*…", status_of(1)), status_of(1)
            assert re.fullmatch(r"\S stopping \d+s", status_of(2)), status_of(2)
            assert re.fullmatch(r"\S stopping → ru\w*…", status_of(3)), status_of(3)

    asyncio.run(run())
