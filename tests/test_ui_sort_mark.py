"""The sorted column is marked in the table's header (`NAME↑`, `NAME↓`), drawn with the sorted
rows, and a sort raises no toast (cycling through the columns stacked one a key)."""

from __future__ import annotations

from pathlib import Path

from ui_helpers import drawn_toasts, loaded_app, row_ids, table_text, wait_for

from miosa_tui.fleet.sorting import SORTABLE
from miosa_tui.sim.server import SimServer
from miosa_tui.ui.app import MiosaApp
from miosa_tui.ui.widgets.computer_table import sort_label

ARROWS = ("↑", "↓")


def header_line(app: MiosaApp) -> str:
    """The table's header as drawn (its first line on screen)."""
    return table_text(app).splitlines()[0]


def marked(app: MiosaApp) -> list[str]:
    """The header's labels that carry an arrow, as drawn."""
    return [word for word in header_line(app).split() if word.endswith(ARROWS)]


def test_a_label_with_no_room_gives_up_letters_not_the_arrow() -> None:
    assert sort_label("NAME", 20, "↑") == "NAME↑"
    assert sort_label("AGE", 4, "↓") == "AGE↓"
    assert sort_label("REGION", 6, "↑") == "REGIO↑"
    assert sort_label("REGION", 6, None) == "REGION"
    assert sort_label("IP", 1, "↑") == "↑"


async def test_the_sorted_column_is_marked_with_its_rows_and_no_toast(
    sim: SimServer, tmp_path: Path
) -> None:
    async with loaded_app(sim, tmp_path, notifications=True) as (app, pilot):

        def names() -> list[str]:
            return [app.fleet.computers[cid].name.casefold() for cid in row_ids(app)]

        assert marked(app) == []  # API order
        assert "NAME" in header_line(app).split()

        await pilot.press("greater_than_sign")
        await wait_for(pilot, lambda: marked(app) == ["NAME↑"], "NAME↑ in the header")
        assert names() == sorted(names())  # drawn with the sorted rows, not before them

        await pilot.press("equals_sign")
        await wait_for(pilot, lambda: marked(app) == ["NAME↓"], "NAME↓ in the header")
        assert names() == sorted(names(), reverse=True)

        for _ in SORTABLE:  # on through every other column, then back to API order
            await pilot.press("greater_than_sign")
            await pilot.pause()
        await wait_for(pilot, lambda: marked(app) == [], "no mark in API order")
        assert "NAME" in header_line(app).split()
        assert not [toast for toast in drawn_toasts(app) if "Sorted" in toast]
