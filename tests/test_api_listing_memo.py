"""A listing reuses the Computer decoded last time for an object the API sent unchanged, and
decodes anything that changed; what it returns equals a fresh decode either way."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from miosa_tui.api import ApiSettings, MiosaClient
from miosa_tui.api.listing_memo import ListingMemo
from miosa_tui.api.models import Computer
from miosa_tui.sim.server import SimServer

KEY = "msk_u_test_0000"


def obj(ident: str, **fields: object) -> dict[str, object]:
    return {"id": ident, "name": f"n-{ident}", "status": "running", "metadata": {}, **fields}


def test_an_equal_object_gives_last_times_computer_a_changed_one_a_new_one() -> None:
    memo = ListingMemo()
    first = [memo.decode(obj("a")), memo.decode(obj("b", metadata={"team": "x"}))]
    memo.finish()
    same = memo.decode(obj("a"))
    changed_meta = memo.decode(obj("b", metadata={"team": "y"}))  # nested change
    memo.finish()
    assert same is first[0]
    assert changed_meta is not first[1] and changed_meta == Computer.from_json(
        obj("b", metadata={"team": "y"})
    )
    # gone from a listing: not reused by the next
    memo.decode(obj("b", metadata={"team": "y"}))
    memo.finish()
    assert memo.decode(obj("a")) is not same


def test_a_failed_listing_keeps_the_last_complete_one() -> None:
    memo = ListingMemo()
    kept = memo.decode(obj("a"))
    memo.finish()
    memo.decode(obj("a", status="stopped"))
    memo.abandon()  # the listing failed part way
    assert memo.decode(obj("a")) is kept


def test_objects_without_a_plain_id_are_decoded_as_before() -> None:
    memo = ListingMemo()
    wrapped = {"computer": obj("a")}  # from_json unwraps it; no "id" at the top
    assert memo.decode(wrapped) == Computer.from_json(wrapped)
    assert memo.decode({"name": "no id"}) is None
    assert memo.decode(["not", "an", "object"]) is None


async def test_the_background_listing_reuses_unchanged_computers(
    sim_factory: Callable[..., SimServer],
) -> None:
    sim = sim_factory(fleet=1200, speed=1e-6)  # three pages; nothing moves by itself
    async with MiosaClient(ApiSettings(api_key=KEY, base_url=sim.base_url)) as client:
        before = {c.id: c for c in await client.list_computers(in_background=True)}
        target = next(iter(before))
        async with httpx.AsyncClient(
            base_url=sim.base_url, headers={"Authorization": f"Bearer {KEY}"}
        ) as raw:
            renamed = await raw.patch(f"/computers/{target}", json={"name": "renamed-one"})
            assert renamed.status_code == 200, renamed.text
        after = {c.id: c for c in await client.list_computers(in_background=True)}
        plain = {c.id: c for c in await client.list_computers()}  # decoded afresh
        assert after == plain
        assert after[target].name == "renamed-one" and after[target] is not before[target]
        unchanged = [i for i in after if i != target and after[i] is before[i]]
        # everything else came back as the very same objects (the renamed one's updated_at
        # moved; no other computer changed)
        assert len(unchanged) == len(after) - 1


def test_fields_of_a_few_values_are_one_object_across_the_fleet() -> None:
    """Status, size, region... decoded from separate JSON texts are one str object each (a
    100,000-computer filter reads each value's hash: scattered copies were most of its time)."""
    import json

    texts = [json.dumps(obj(f"c{i}", size="small", region="us-mia", state="x")) for i in range(3)]
    a, b, c = (Computer.from_json(json.loads(text)) for text in texts)
    assert a is not None and b is not None and c is not None
    for field in ("status", "raw_status", "size", "region"):
        assert getattr(a, field) is getattr(b, field) is getattr(c, field), field
    assert a.status == "running" and a.size == "small"
