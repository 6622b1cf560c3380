"""DataTable's row order for a table whose rows are all one line, read from its row locations.

DataTable keeps its rows in order as a list (`ordered_rows`) and each line's row as another
(`_y_offsets`), rebuilt whenever rows are added, removed or sorted: ~25 ms at 10,000 rows on
the event loop after each filter step, sort and poll that moved rows. When every row is one
line, both follow from `_row_locations` (row key <-> index): these views look each item up when
it is read, O(1) an item, and a page down reads one screen of them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import TypeVar, overload

from textual._two_way_dict import TwoWayDict
from textual.widgets.data_table import Row, RowKey, StringKey

V = TypeVar("V")


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
    """DataTable's `_row_locations` (row key <-> index) for the rows laid out in `order` (their
    computer ids; `shown`, the same as a set; `keys`, the RowKey of each): the key at an index
    is read from the list and whether a key is laid out from the set, so laying rows out builds
    nothing. A key's index comes from a dict built the first time one is asked for, and only
    then: the table's own hot paths ask the rows on screen instead (`ComputerTable._on_screen`).
    Built whole on every filter step and sort, the key list and that dict were ~40 ms of each
    at 100,000 rows."""

    def __init__(
        self, order: Sequence[str], shown: AbstractSet[str], keys: Mapping[str, RowKey]
    ) -> None:
        self._order, self._shown, self._keys = order, shown, keys
        self._index: dict[str, int] | None = None

    def laid_out(self, key: object) -> str | None:
        """The computer id of `key` (a row key or an id) when its row is laid out, else None."""
        cid = key.value if isinstance(key, StringKey) else key
        return cid if isinstance(cid, str) and cid in self._shown else None

    def get(self, key: RowKey | str) -> int | None:
        cid = self.laid_out(key)
        if cid is None:
            return None
        if self._index is None:
            self._index = dict(zip(self._order, range(len(self._order)), strict=True))
        return self._index[cid]

    def get_key(self, value: int) -> RowKey | None:
        return self._keys[self._order[value]] if 0 <= value < len(self._order) else None

    def contains_value(self, value: int) -> bool:
        return 0 <= value < len(self._order)

    def __contains__(self, item: object) -> bool:
        return self.laid_out(item) is not None

    def __iter__(self) -> Iterator[RowKey]:
        return map(self._keys.__getitem__, self._order)

    def __len__(self) -> int:
        return len(self._order)

    def __setitem__(self, key: RowKey, value: int) -> None:
        raise TypeError("RowLocations is laid out whole (ComputerTable._lay_out)")

    def __delitem__(self, key: RowKey) -> None:
        raise TypeError("RowLocations is laid out whole (ComputerTable._lay_out)")


class ShownRows(Mapping[RowKey, V]):
    """DataTable's `rows` or `_data` (what it holds by row key) for the rows laid out: a view of
    what the table holds for every computer it has shown (`held`, by id, hidden rows too),
    limited to the rows in `locations`. Nothing is copied when rows are laid out; DataTable
    reads one row at a time, its count, or its keys in order."""

    def __init__(self, locations: RowLocations, held: Mapping[str, V]) -> None:
        self._locations, self._held = locations, held

    def __getitem__(self, key: RowKey | str) -> V:
        cid = self._locations.laid_out(key)
        if cid is None:
            raise KeyError(key)
        return self._held[cid]

    def __iter__(self) -> Iterator[RowKey]:
        return iter(self._locations)

    def __len__(self) -> int:
        return len(self._locations)
