"""DataTable's row order for a table whose rows are all one line, read from its row locations.

DataTable keeps its rows in order as a list (`ordered_rows`) and each line's row as another
(`_y_offsets`), rebuilt whenever rows are added, removed or sorted: ~25 ms at 10,000 rows on
the event loop after each filter step, sort and poll that moved rows. When every row is one
line, both follow from `_row_locations` (row key <-> index): these views look each item up when
it is read, O(1) an item, and a page down reads one screen of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import overload

from textual._two_way_dict import TwoWayDict
from textual.widgets.data_table import Row, RowKey


class RowsInOrder(Sequence[Row]):
    """DataTable's `ordered_rows` for a table whose rows are all one line: each row looked up
    by index when read (a slice is another view), never a list of every row."""

    def __init__(self, rows: dict[RowKey, Row], locations: TwoWayDict[RowKey, int], at: range):
        self._rows, self._locations, self._at = rows, locations, at

    def __len__(self) -> int:
        return len(self._at)

    @overload
    def __getitem__(self, index: int) -> Row: ...
    @overload
    def __getitem__(self, index: slice) -> RowsInOrder: ...
    def __getitem__(self, index: int | slice) -> Row | RowsInOrder:
        if isinstance(index, slice):
            return RowsInOrder(self._rows, self._locations, self._at[index])
        key = self._locations.get_key(self._at[index])  # IndexError past the end
        if key is None:
            raise IndexError(index)
        return self._rows[key]


class LinesInOrder(Sequence[tuple[RowKey, int]]):
    """DataTable's `_y_offsets` (each line's row key and line within the row) for a table whose
    rows are all one line: line y is row y, line 0 of it."""

    def __init__(self, locations: TwoWayDict[RowKey, int], count: int):
        self._locations, self._count = locations, count

    def __len__(self) -> int:
        return self._count

    def clear(self) -> None:
        """`DataTable.clear` clears its list; there is nothing here to clear (the lines are
        read from the row locations, which it replaces)."""

    @overload
    def __getitem__(self, index: int) -> tuple[RowKey, int]: ...
    @overload
    def __getitem__(self, index: slice) -> list[tuple[RowKey, int]]: ...
    def __getitem__(self, index: int | slice) -> tuple[RowKey, int] | list[tuple[RowKey, int]]:
        if isinstance(index, slice):
            return [self[i] for i in range(self._count)[index]]
        if not -self._count <= index < self._count:
            raise IndexError(index)
        key = self._locations.get_key(index % self._count)
        if key is None:
            raise IndexError(index)
        return key, 0


class RowLocations(TwoWayDict[RowKey, int]):
    """DataTable's `_row_locations` (row key <-> index) for rows in a given order: the keys by
    index are the list itself, and the index by key one dict built in C. TwoWayDict's own
    constructor builds both as dicts, the reverse one in a Python loop (~20 ms at 100,000 rows,
    on every filter step and sort)."""

    def __init__(self, keys: list[RowKey]) -> None:
        # TwoWayDict's forward field, as its __init__ sets it (tests/test_textual_internals.py)
        self._forward = dict(zip(keys, range(len(keys)), strict=True))
        self._keys = keys

    def get_key(self, value: int) -> RowKey | None:
        return self._keys[value] if 0 <= value < len(self._keys) else None

    def contains_value(self, value: int) -> bool:
        return 0 <= value < len(self._keys)

    def __setitem__(self, key: RowKey, value: int) -> None:
        raise TypeError("RowLocations is laid out whole (ComputerTable._lay_out)")

    def __delitem__(self, key: RowKey) -> None:
        raise TypeError("RowLocations is laid out whole (ComputerTable._lay_out)")
