"""The simulator as a stand-in for the real API: unpaged lists and the documented action gates."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from miosa_tui.sim.server import SimServer

KEY = "msk_u_test_0000"


class FrozenClock:
    def __call__(self) -> float:
        return 1000.0


def connect(server: SimServer) -> httpx.Client:
    return httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {KEY}"})


@pytest.fixture
def frozen(sim_factory: Callable[..., SimServer]) -> Iterator[tuple[SimServer, httpx.Client]]:
    server = sim_factory(fleet=12, speed=1.0, clock=FrozenClock())
    with connect(server) as c:
        yield server, c


def test_a_list_without_paging_returns_every_computer(
    sim_factory: Callable[..., SimServer],
) -> None:
    server = sim_factory(fleet=2000)
    with connect(server) as c:
        body = c.get("/computers").json()
        ids = [x["id"] for x in body["computers"]]
        assert len(ids) == len(set(ids)) == 2000
        assert body["data"] == body["computers"]
        assert body["total"] == 2000
        assert body["meta"] == {"total": 2000, "page": 1, "per_page": 2000}
        running = c.get("/computers", params={"status": "running"}).json()
        assert running["total"] == len(running["computers"]) > 0
        assert {x["status"] for x in running["computers"]} == {"running"}
        # With paging parameters it pages as before, without the `computers` copy.
        paged = c.get("/computers", params={"page": 2, "per_page": 500}).json()
        assert "computers" not in paged
        assert [x["id"] for x in paged["data"]] == ids[500:1000]
        assert paged["meta"] == {"total": 2000, "page": 2, "per_page": 500}
        assert len(c.get("/computers", params={"page": 1}).json()["data"]) == 20


def one(client: httpx.Client, status: str) -> dict[str, Any]:
    body = client.get("/computers").json()
    found: dict[str, Any] = next(c for c in body["data"] if c["status"] == status)
    return found


def force(server: SimServer, cid: str, status: str) -> None:
    r = httpx.post(f"{server.root_url}/_sim/computers/{cid}/status", json={"status": status})
    assert r.status_code == 200


@pytest.mark.parametrize(
    ("status", "action", "sentence"),
    [
        ("running", "start", "is already running"),
        ("stopped", "stop", "is already stopped"),
        ("stopped", "restart", "is stopped; start it instead"),
        ("paused", "stop", "is paused; it can't be stopped now"),
        ("paused", "restart", "is paused; it can't be restarted now"),
        ("error", "start", "is in error; destroy it and create a new one"),
        ("starting", "stop", "is starting; wait until it settles, then stop it"),
    ],
)
def test_lifecycle_gates_follow_the_docs(
    frozen: tuple[SimServer, httpx.Client], status: str, action: str, sentence: str
) -> None:
    """Start a stopped (or paused) computer; stop or restart a running one; anything else 409."""
    server, c = frozen
    target = one(c, "running")
    force(server, target["id"], status)
    r = c.post(f"/computers/{target['id']}/{action}")
    assert r.status_code == 409
    assert r.json()["code"] == "INVALID_STATE"
    assert r.json()["message"] == f"computer {target['name']} {sentence}"


@pytest.mark.parametrize(
    ("status", "action", "shown"),
    [
        ("stopped", "start", "starting"),
        ("paused", "start", "starting"),
        ("running", "stop", "stopping"),
        ("running", "restart", "stopping"),
    ],
)
def test_documented_actions_are_accepted(
    frozen: tuple[SimServer, httpx.Client], status: str, action: str, shown: str
) -> None:
    server, c = frozen
    target = one(c, "running")
    force(server, target["id"], status)
    r = c.post(f"/computers/{target['id']}/{action}")
    assert r.status_code == 200
    assert r.json()["status"] == shown and r.json()["success"] is True


def test_moving_a_running_computer_is_refused_with_a_sentence(
    frozen: tuple[SimServer, httpx.Client],
) -> None:
    """Where the docs are silent the simulator decides: a move needs a stopped computer."""
    _, c = frozen
    target = one(c, "running")
    r = c.post(f"/computers/{target['id']}/move", json={"region": "eu-fra"})
    assert r.status_code == 409
    assert r.json()["message"] == f"computer {target['name']} is running; stop it before moving it"
    assert c.get(f"/computers/{target['id']}").json()["region"] == target["region"]


def test_resizing_a_running_computer_reboots_it(frozen: tuple[SimServer, httpx.Client]) -> None:
    """Where the docs are silent the simulator decides: a live resize is a reboot."""
    _, c = frozen
    target = one(c, "running")
    size = "xl" if target["size"] != "xl" else "xs"
    r = c.post(f"/computers/{target['id']}/resize", json={"size": size})
    assert r.status_code == 200
    assert r.json()["size"] == size and r.json()["status"] == "stopping"


async def test_our_client_still_pages_and_costs_the_same_requests(
    sim_factory: Callable[..., SimServer],
) -> None:
    """miosa-tui's client always sends page/per_page, so the unpaged answer never reaches it:
    2,000 computers are still 4 pages of 500, one request each."""
    from miosa_tui.api.computers import PAGE_SIZE, MiosaClient
    from miosa_tui.api.settings import ApiSettings

    server = sim_factory(fleet=2000)
    async with MiosaClient(ApiSettings(api_key=KEY, base_url=server.base_url)) as client:
        computers = await client.list_computers()
    assert len({c.id for c in computers}) == 2000
    log = httpx.get(server.root_url + "/_sim/requests").json()
    listed = [r["query"] for r in log if r["route"] == "/computers"]
    assert listed == [{"page": str(p), "per_page": str(PAGE_SIZE)} for p in (1, 2, 3, 4)]
