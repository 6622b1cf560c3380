"""Fleet diffs: applying a diff to the old snapshot must give exactly the new one."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from miosa_tui.api.models import Computer
from miosa_tui.fleet.diff import apply_diff, dedupe, diff_fleet, diff_snapshots, reuse_unchanged

STATUSES = ["running", "stopped", "starting", "error", "weird"]


@st.composite
def computers(draw: st.DrawFn) -> Computer:
    ident = draw(st.sampled_from([f"c{i}" for i in range(12)]))
    return Computer(
        id=ident,
        name=draw(st.sampled_from(["a", "b", ident])),
        status=draw(st.sampled_from(STATUSES)),
        size=draw(st.sampled_from([None, "small", "xl"])),
        region=draw(st.sampled_from([None, "us-mia"])),
        ip_address=draw(st.sampled_from([None, "10.0.0.1", "10.0.0.2"])),
        metadata=draw(st.dictionaries(st.sampled_from(["k", "j"]), st.integers(0, 2), max_size=2)),
    )


fleets = st.lists(computers(), max_size=15)


@given(fleets, fleets)
def test_applying_the_diff_reproduces_the_new_fleet(
    before: list[Computer], after: list[Computer]
) -> None:
    old = dedupe(before)
    diff = diff_fleet(old, after)
    rebuilt = apply_diff(old, diff)
    expected = dedupe(after)
    assert list(rebuilt) == list(expected)
    for ident, computer in expected.items():
        assert rebuilt[ident] == computer
        assert rebuilt[ident].metadata == computer.metadata
    for before_c, after_c, names in diff.changed:
        assert before_c.id == after_c.id
        assert names
        for name in names:
            assert getattr(before_c, name) != getattr(after_c, name)


@given(fleets, fleets)
def test_reusing_unchanged_computers_keeps_the_diff_and_the_old_objects(
    before: list[Computer], after: list[Computer]
) -> None:
    old = dedupe(before)
    fresh = dedupe(after)
    plain = diff_snapshots(old, dict(fresh))
    kept = reuse_unchanged(old, dict(fresh))
    assert list(kept) == list(fresh)  # same ids, same order
    changed = {new.id for _, new, _ in plain.changed} | {c.id for c in plain.added}
    for ident, computer in kept.items():
        assert computer == fresh[ident] and computer.metadata == fresh[ident].metadata
        # an unchanged computer is the object already held; a changed or new one is the fresh one
        assert computer is (fresh[ident] if ident in changed else old[ident])
    reused = diff_snapshots(old, kept)
    assert [(a.id, b.id, n) for a, b, n in reused.changed] == [
        (a.id, b.id, n) for a, b, n in plain.changed
    ]
    assert (reused.added, reused.removed, reused.order, reused.reordered) == (
        plain.added,
        plain.removed,
        plain.order,
        plain.reordered,
    )


@given(fleets)
def test_unchanged_fleet_gives_empty_diff(fleet: list[Computer]) -> None:
    old = dedupe(fleet)
    # Equal but distinct objects, as a fresh poll would return.
    diff = diff_fleet(old, [replace(c) for c in old.values()])
    assert diff.is_empty
    assert not diff
    assert diff.order == list(old)


def test_changed_fields_are_named() -> None:
    a = Computer(id="c1", name="web", status="running", size="small")
    b = replace(a, status="stopping", size="large")
    diff = diff_fleet({"c1": a}, [b])
    assert diff.changed == [(a, b, frozenset({"status", "size"}))]
    assert not diff.added and not diff.removed and not diff.reordered


def test_metadata_only_change_is_reported() -> None:
    a = Computer(id="c1", name="web", status="running", metadata={"x": 1})
    b = replace(a, metadata={"x": 2})
    assert diff_fleet({"c1": a}, [b]).changed == [(a, b, frozenset({"metadata"}))]


def test_duplicate_ids_last_value_wins_first_position_kept() -> None:
    a1 = Computer(id="a", name="one", status="running")
    b = Computer(id="b", name="b", status="running")
    a2 = Computer(id="a", name="two", status="stopped")
    diff = diff_fleet({}, [a1, b, a2])
    assert diff.order == ["a", "b"]
    assert diff.added == [a2, b]


def test_added_removed_and_reorder() -> None:
    a, b, c = (Computer(id=i, name=i, status="running") for i in "abc")
    old = {"a": a, "b": b}
    diff = diff_fleet(old, [c, b, a])
    assert diff.added == [c] and diff.removed == [] and diff.reordered
    diff = diff_fleet(old, [a, c])
    assert diff.removed == ["b"] and diff.added == [c] and not diff.reordered


def test_large_fleet_diff_counts() -> None:
    old = [Computer(id=f"c{i}", name=f"n{i}", status="running") for i in range(10_000)]
    new = list(old)
    for i in range(0, 10_000, 100):
        new[i] = replace(old[i], status="stopping")
    diff = diff_fleet(dedupe(old), new)
    assert len(diff.changed) == 100
    assert all(names == frozenset({"status"}) for _a, _b, names in diff.changed)
