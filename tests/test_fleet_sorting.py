"""Column sorting: stable, None last in both directions, natural names and numeric IPs."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from miosa_tui.api.models import Computer
from miosa_tui.fleet.filter import parse_filter
from miosa_tui.fleet.sorting import SORT_KEYS, natural_key, select, sort_computers


def c(ident: str, **kw: object) -> Computer:
    name = str(kw.pop("name", ident))
    status = str(kw.pop("status", "running"))
    return Computer(id=ident, name=name, status=status, **kw)  # type: ignore[arg-type]


def ids(items: list[Computer]) -> list[str]:
    return [x.id for x in items]


def test_name_is_natural() -> None:
    fleet = [c("a", name="web-10"), c("b", name="web-2"), c("d", name="Web-1")]
    assert ids(sort_computers(fleet, "name")) == ["d", "b", "a"]


def test_size_by_vcpu_unknown_after_known_none_last() -> None:
    fleet = [
        c("1", size="xl"),
        c("2"),
        c("3", size="xs"),
        c("4", size="giant"),
        c("5", size="medium"),
    ]
    assert ids(sort_computers(fleet, "size")) == ["3", "5", "1", "4", "2"]
    assert ids(sort_computers(fleet, "size", reverse=True)) == ["4", "1", "5", "3", "2"]


def test_ip_is_numeric() -> None:
    fleet = [
        c("a", ip_address="10.0.0.10"),
        c("b", ip_address="10.0.0.9"),
        c("n"),
        c("x", ip_address="not-an-ip"),
        c("v6", ip_address="::1"),
    ]
    assert ids(sort_computers(fleet, "ip")) == ["b", "a", "v6", "x", "n"]


def test_age_newest_first_and_unreadable_last() -> None:
    fleet = [
        c("old", created_at="2026-01-01T00:00:00Z"),
        c("bad", created_at="yesterday"),
        c("new", created_at="2026-05-01T09:00:00+00:00"),
    ]
    assert ids(sort_computers(fleet, "age")) == ["new", "old", "bad"]
    assert ids(sort_computers(fleet, "age", reverse=True)) == ["old", "new", "bad"]


def test_status_lifecycle_order_and_stability() -> None:
    fleet = [
        c("1", status="stopped"),
        c("2", status="running"),
        c("3", status="weird"),
        c("4", status="running"),
        c("5", status="error"),
    ]
    assert ids(sort_computers(fleet, "status")) == ["2", "4", "1", "5", "3"]
    assert ids(sort_computers(fleet, "unknown-column")) == ["1", "2", "3", "4", "5"]


computers = st.builds(
    lambda i, size, region, ip, status, template: c(
        str(i), size=size, region=region, ip_address=ip, status=status, template_type=template
    ),
    st.integers(0, 50),
    st.sampled_from([None, "xs", "small", "xl", "odd"]),
    st.sampled_from([None, "us-mia", "eu-fra", "EU-fra"]),
    st.sampled_from([None, "10.0.0.1", "10.0.0.12", "::1", "x"]),
    st.sampled_from(["running", "stopped", "weird", "", "error"]),
    st.sampled_from([None, "miosa-desktop", "sandbox"]),
)


@given(st.lists(computers, max_size=20), st.sampled_from(list(SORT_KEYS)), st.booleans())
def test_sort_is_a_stable_permutation_with_missing_last(
    fleet: list[Computer], key: str, reverse: bool
) -> None:
    out = sort_computers(fleet, key, reverse)
    assert sorted(map(id, out)) == sorted(map(id, fleet))
    get = SORT_KEYS[key]
    values = [get(x) for x in out]
    first_missing = next((i for i, v in enumerate(values) if v is None), len(values))
    assert all(v is None for v in values[first_missing:])
    present = values[:first_missing]
    assert all((b <= a) if reverse else (a <= b) for a, b in itertools.pairwise(present))
    # Stability: equal keys keep input order.
    pos = {id(x): i for i, x in enumerate(fleet)}
    for (ka, xa), (kb, xb) in itertools.pairwise(zip(values, out, strict=True)):
        if ka == kb:
            assert pos[id(xa)] < pos[id(xb)]


@given(
    st.lists(computers, max_size=20, unique_by=lambda x: x.id),
    st.sampled_from([None, "no-such-column", *SORT_KEYS]),
    st.booleans(),
    st.sampled_from(["", "status:running", "region:eu-fra !size:xl"]),
    st.sets(st.sampled_from([str(i) for i in range(10)])),
)
def test_select_gives_the_rows_ids_in_their_order(
    fleet: list[Computer], key: str | None, reverse: bool, text: str, pending: set[str]
) -> None:
    """The ids `select` puts in order without reading the computers are the rows' own."""
    flt = parse_filter(text)
    by_id = {x.id: x for x in fleet}
    chosen = select(by_id, flt, pending, key, reverse)
    expected = flt.select(fleet, keep=pending)
    if key:
        expected = sort_computers(expected, key, reverse)
    assert chosen.rows == expected
    assert chosen.ids == [x.id for x in expected]
    # `whole` (the table may then skip checking the ids) only when they are every computer.
    assert chosen.whole == flt.is_empty
    assert not chosen.whole or sorted(chosen.ids) == sorted(by_id)
    # For a table holding them all already, the same rows and ids, the rows looked up when read.
    held = select(by_id, flt, pending, key, reverse, held=True)
    assert held.ids == chosen.ids and held.whole == chosen.whole
    assert list(held.rows) == expected and len(held.rows) == len(expected)
    assert [held.rows[i] for i in range(len(expected))] == expected


def test_every_sortable_column_names_its_key_and_the_field_it_reads() -> None:
    """One table of sortable columns (fleet/sorting.py): the cycle order, the sort key and the
    Computer field a poll must change to move a row, for the same columns."""
    from miosa_tui.api.models import Computer
    from miosa_tui.fleet.sorting import SORT_FIELDS, SORT_KEYS, SORTABLE

    assert SORTABLE == tuple(SORT_KEYS) == tuple(SORT_FIELDS)
    fields = set(Computer.__dataclass_fields__)
    assert set(SORT_FIELDS.values()) <= fields


def _tuple_key(text: str) -> tuple[tuple[int, int, str], ...]:
    """The natural order read plainly: runs of digits as numbers, other runs as case-folded
    text, compared run by run, numbers before text."""
    parts = re.split(r"(\d+)", text.casefold())
    return tuple((0, int(p), "") if p.isdecimal() else (1, 0, p) for p in parts if p)


_NAME_CHARS = st.sampled_from(
    ["a", "b", "B", "-", "0", "1", "2", "9", "٣", "²", "\x00", "\x01", "ß", "z", " "]
)  # ASCII and Arabic-Indic digits, a superscript (not a digit run), NUL, a letter that folds
_NAMES = st.lists(_NAME_CHARS, max_size=8).map("".join)


@given(_NAMES, _NAMES)
def test_natural_key_orders_as_runs_read_one_by_one(a: str, b: str) -> None:
    """`natural_key` is one string per name (compared in C); it must order any two names
    exactly as comparing their runs one by one does."""
    ka, kb = natural_key(a), natural_key(b)
    ta, tb = _tuple_key(a), _tuple_key(b)
    assert (ka < kb, ka == kb) == (ta < tb, ta == tb), (a, b)


def test_natural_key_reads_digits_as_numbers_and_never_raises() -> None:
    assert natural_key("web-2") < natural_key("web-10") < natural_key("web-10a")
    assert natural_key("web-007") == natural_key("web-7")
    assert natural_key("web") < natural_key("web-1") < natural_key("webs")
    assert natural_key("1²") > natural_key("1")  # "²" is text, not a digit run (int() refuses it)
    assert natural_key("box-٣") == natural_key("box-3")
    assert natural_key("a1") < natural_key("a\x00")  # the text "a" ends before "a\x00" does


def test_sorted_asks_each_entrys_key_once_in_order() -> None:
    """`sorting._by_keys` hands out the next key at each call: it relies on `sorted` calling
    its key once for each entry, first to last, before comparing any."""
    entries = ["c", "a", "b", "a"]
    asked: list[str] = []

    def key(entry: str) -> str:
        asked.append(entry)
        return entry

    assert sorted(entries, key=key) == ["a", "a", "b", "c"]
    assert asked == entries


def test_by_keys_refuses_keys_that_do_not_match_the_entries() -> None:
    from miosa_tui.fleet.sorting import _by_keys

    assert _by_keys(["x", "y", "z"], [2, 0, 1], reverse=False) == ["y", "z", "x"]
    assert _by_keys(["x", "y", "z"], [1, 1, 0], reverse=True) == ["x", "y", "z"]
    with pytest.raises(ValueError, match="2 entries for 3 keys"):
        _by_keys(["x", "y"], [0, 1, 2], reverse=False)
