"""Whatever the API answers, the client and the fleet model end in a value or a typed error.

Property tests feed arbitrary JSON shapes, wrong types, missing fields, huge strings, non-UTF-8
and truncated bodies through the real client (httpx.MockTransport) and through the fleet model
(Computer.from_json, diff_fleet, FleetState.apply). The only acceptable failure is a MiosaError
subclass; anything else escaping is a bug. A Pilot test then gives the dashboard a 5 MB garbage
listing and 1 MB names and checks that it keeps answering keys.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ui_helpers import SIZE, make_app, wait_for

from miosa_tui.api.computers import MiosaClient
from miosa_tui.api.errors import MiosaError
from miosa_tui.api.models import Computer
from miosa_tui.api.settings import ApiSettings
from miosa_tui.fleet.diff import diff_fleet
from miosa_tui.fleet.poller import FleetState
from miosa_tui.sim.server import SimServer

API_KEY = "msk_u_test_0000"
# Loopback http: an https client builds an SSL context per client (~40 ms a fuzz example).
SETTINGS = ApiSettings(api_key=API_KEY, base_url="http://127.0.0.1:9", max_retries=0)
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12), inner, max_size=6)
    ),
    max_leaves=10,
)
FIELDS = (
    "id",
    "name",
    "status",
    "size",
    "region",
    "slug",
    "metadata",
    "created_at",
    "preview_domain",
    "public_url",
    "ip_address",
    "template_type",
    "state",
)
field_values = (
    scalars
    | st.lists(scalars, max_size=3)
    | st.dictionaries(st.text(max_size=5), scalars, max_size=3)
)
computer_like = st.fixed_dictionaries(
    {},
    optional={name: field_values for name in FIELDS},
)
envelopes = st.one_of(
    json_values,
    computer_like,
    st.lists(computer_like, max_size=6),
    st.builds(
        lambda items, meta: {"data": items, "meta": meta},
        st.lists(computer_like, max_size=6),
        json_values,
    ),
    st.builds(
        lambda items: {"computers": items, "total": len(items) + 3},
        st.lists(computer_like, max_size=6),
    ),
    st.builds(lambda c: {"data": c, "success": True}, computer_like),
)


def encode(value: Any) -> bytes:
    return json.dumps(value, allow_nan=True).encode()


bodies = st.one_of(
    envelopes.map(encode),
    envelopes.map(encode).flatmap(
        lambda raw: st.integers(0, max(0, len(raw) - 1)).map(lambda cut: raw[:cut])
    ),  # truncated
    st.binary(max_size=200),  # anything, non-UTF-8 included
    st.just(b"\xff\xfe\x00{"),
    st.just(b"<html><body>502 Bad Gateway</body></html>"),
)
statuses = st.sampled_from([200, 200, 200, 201, 204, 400, 401, 404, 409, 422, 429, 500, 502, 503])
content_types = st.sampled_from(
    ["application/json", "text/html", "application/json; charset=latin-1", "image/png", ""]
)

CALLS: dict[str, Callable[[MiosaClient], Awaitable[Any]]] = {
    "list": lambda c: c.list_computers(),
    "page": lambda c: c.list_page(1, 50),
    "get": lambda c: c.get("comp_1"),
    "start": lambda c: c.start("comp_1"),
    "stop": lambda c: c.stop("comp_1"),
    "destroy": lambda c: c.delete("comp_1"),
    "clone": lambda c: c.clone("comp_1", name="web-2"),
    "move": lambda c: c.move("comp_1", region="us-nyc"),
    "resize": lambda c: c.resize("comp_1", size="large"),
    "create": lambda c: c.create("new-box"),
    "apps": lambda c: c.apps("comp_1"),
    "urls": lambda c: c.urls("comp_1"),
    "vnc": lambda c: c.vnc_credentials("comp_1"),
    "token": lambda c: c.stream_token("comp_1"),
    "shot": lambda c: c.screenshot("comp_1"),
    "region": lambda c: c.screenshot_region("comp_1", 0, 0, 500, 500),
}


def client_for(status: int, body: bytes, content_type: str) -> MiosaClient:
    calls = {"n": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] > 3:  # a listing that pages forever must stop on its own
            return httpx.Response(200, json={"data": []})
        headers = {"content-type": content_type} if content_type else {}
        headers["x-request-id"] = "req_fuzz"
        return httpx.Response(status, content=body, headers=headers)

    return MiosaClient(SETTINGS, transport=httpx.MockTransport(handler))


@pytest.mark.parametrize("call", sorted(CALLS))
@FUZZ
@given(status=statuses, body=bodies, content_type=content_types)
async def test_any_answer_is_a_value_or_a_typed_error(
    call: str, status: int, body: bytes, content_type: str
) -> None:
    async with client_for(status, body, content_type) as client:
        try:
            await CALLS[call](client)
        except MiosaError as err:
            assert str(err)  # one readable sentence
            assert API_KEY not in str(err)


@FUZZ
@given(json_values)
def test_computer_from_json_takes_anything(obj: Any) -> None:
    computer = Computer.from_json(obj)
    assert computer is None or (isinstance(computer.id, str) and computer.id)
    if computer is not None:
        assert isinstance(computer.status, str) and isinstance(computer.name, str)


@FUZZ
@given(st.lists(computer_like, max_size=8), st.lists(computer_like, max_size=8))
def test_diff_and_apply_take_any_listing(first: list[Any], second: list[Any]) -> None:
    state = FleetState()
    for raw in (first, second):
        computers = [c for c in (Computer.from_json(item) for item in raw) if c is not None]
        old = dict(state.computers)
        diff = diff_fleet(old, computers)
        state.apply(computers, now=time.monotonic())
        ids = {c.id for c in computers}
        assert set(state.computers) == ids  # duplicates collapse to one row per id
        assert {c.id for c in diff.added} <= ids
        assert set(diff.removed) <= set(old)
        state.counts_by_status()
        state.settle_pending(time.monotonic())


async def test_huge_names_and_odd_types_parse_quickly() -> None:
    big = "n" * 1_000_000
    listing = {
        "data": [
            {"id": "c1", "name": big, "status": big[:100_000]},
            {"id": 5, "name": ["x"], "status": {"a": 1}},
            {"id": "c2", "name": None, "status": 7, "metadata": "nope"},
        ]
    }
    client = MiosaClient(
        SETTINGS, transport=httpx.MockTransport(lambda r: httpx.Response(200, json=listing))
    )
    async with client:
        computers = await client.list_computers()
    ids = [c.id for c in computers]
    assert "c1" in ids and "c2" in ids
    assert all(isinstance(c.status, str) for c in computers)


# -- the dashboard under a garbage API ------------------------------------------------------------


def garbage_listing() -> bytes:
    """~5-6 MB: 1500 half-valid computers with 1-2 KB names, wrong types, three 1 MB names."""
    items: list[Any] = []
    for i in range(1500):
        items.append(
            {
                "id": f"g{i}",
                "name": f"box-{i}-" * 200,
                "status": ["running", 3, None, "weird-status", {"x": 1}][i % 5],
                "region": i,
                "size": [i],
            }
        )
    for i in range(3):
        items.append({"id": f"huge{i}", "name": "H" * 1_000_000, "status": "running"})
    items += [None, 5, "x", [], {"no": "id"}]
    return json.dumps({"data": items, "meta": {"total": "lots"}}).encode()


@pytest.mark.parametrize("kind", ["garbage", "truncated", "not-json"])
async def test_dashboard_stays_responsive_on_garbage(
    sim: SimServer, tmp_path: Path, kind: str
) -> None:
    body = garbage_listing()
    if kind == "truncated":
        body = body[: len(body) // 2]
    elif kind == "not-json":
        body = b"\xff\xfe" + body[:100_000]
    served = {"n": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/computers") and request.method == "GET":
            served["n"] += 1
            if request.url.params.get("page", "1") != "1":
                return httpx.Response(200, json={"data": []})
            return httpx.Response(200, content=body, headers={"content-type": "application/json"})
        return httpx.Response(404, json={"error": "nope", "code": "NOT_FOUND"})

    app = make_app(sim, tmp_path, poll_interval=3600)
    await app.client.aclose()
    app.client = MiosaClient(app.backend.settings, transport=httpx.MockTransport(handler))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(
            pilot,
            lambda: app.fleet.version > 0 or app.fleet.last_error is not None,
            "the first (garbage) poll",
            tries=600,
        )
        # the app still handles keys: open and close the help screen, toggle pause
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "HelpScreen", "help opens")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is app.dashboard, "help closes")
        await pilot.press("p")
        assert app.dashboard.paused
        if kind == "garbage":
            assert len(app.fleet.computers) >= 1500
        else:
            assert app.fleet.last_error is not None  # shown as a refresh error, not a crash
        assert served["n"] >= 1
        assert app.is_running and app._exception is None
