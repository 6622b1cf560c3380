"""Each injected fault has its visible effect; /_sim stays clean and counts requests."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from miosa_tui.sim.faults import FaultConfig
from miosa_tui.sim.server import SimServer

KEY = "msk_u_test_0000"


@pytest.fixture
def client(sim: SimServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sim.base_url, headers={"Authorization": f"Bearer {KEY}"}) as c:
        yield c


def set_faults(sim: SimServer, **faults: Any) -> dict[str, Any]:
    r = httpx.put(sim.root_url + "/_sim/faults", json=faults)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def test_faults_roundtrip(sim: SimServer) -> None:
    assert httpx.get(sim.root_url + "/_sim/faults").json() == FaultConfig().to_json()
    body = set_faults(sim, error_rate=0.5, latency_ms=[1, 2])
    assert body["error_rate"] == 0.5 and body["latency_ms"] == [1, 2]
    bad = httpx.put(sim.root_url + "/_sim/faults", json={"error_rate": 3})
    assert bad.status_code == 422
    bad = httpx.put(sim.root_url + "/_sim/faults", json={"typo_rate": 0.1})
    assert bad.status_code == 422


def test_error_rate_gives_5xx(sim: SimServer, client: httpx.Client) -> None:
    set_faults(sim, error_rate=1.0)
    statuses = set()
    for _ in range(30):
        r = client.get("/computers")
        assert r.status_code in (500, 502, 503)
        assert r.headers["x-request-id"].startswith("req_")
        statuses.add(r.status_code)
        if r.status_code == 502:
            assert r.headers["content-type"].startswith("text/html")
            assert "Bad Gateway" in r.text
        else:
            assert r.json()["code"] in ("INTERNAL_ERROR", "SERVICE_UNAVAILABLE")
    assert len(statuses) >= 2


def test_rate_limit_gives_429_with_retry_after(sim: SimServer, client: httpx.Client) -> None:
    set_faults(sim, rate_limit_rate=1.0, retry_after=3)
    r = client.get("/computers")
    assert r.status_code == 429
    assert r.headers["retry-after"] == "3"
    assert r.json()["retry_after"] == 3.0
    assert r.json()["code"] == "RATE_LIMITED"


def test_malformed_gives_invalid_json(sim: SimServer, client: httpx.Client) -> None:
    set_faults(sim, malformed_rate=1.0)
    r = client.get("/computers")
    assert r.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(r.content)


def test_drop_is_a_transport_error(sim: SimServer, client: httpx.Client) -> None:
    set_faults(sim, drop_rate=1.0)
    with pytest.raises(httpx.TransportError):
        client.get("/computers")
    with pytest.raises(httpx.TransportError):
        client.post("/computers", json={"name": "never-made"})
    set_faults(sim, drop_rate=0.0)
    assert client.get("/computers").status_code == 200
    log = httpx.get(sim.root_url + "/_sim/requests").json()
    assert [e["fault"] for e in log[:2]] == ["drop", "drop"]


def test_unknown_status(sim: SimServer, client: httpx.Client) -> None:
    set_faults(sim, unknown_status_rate=1.0)
    statuses = {c["status"] for c in client.get("/computers").json()["data"]}
    assert statuses <= {"hibernating", "migrating", "suspended"}
    set_faults(sim, unknown_status_rate=0.0)
    statuses = {c["status"] for c in client.get("/computers").json()["data"]}
    assert not statuses & {"hibernating", "migrating", "suspended"}


def test_latency_is_applied(sim: SimServer, client: httpx.Client) -> None:
    set_faults(sim, latency_ms=[30, 30])
    r = client.get("/computers")
    assert r.status_code == 200
    assert r.elapsed.total_seconds() >= 0.03


def test_faults_never_touch_sim_control(sim: SimServer) -> None:
    set_faults(sim, error_rate=1.0, drop_rate=1.0, malformed_rate=1.0)
    for _ in range(5):
        r = httpx.get(sim.root_url + "/_sim/stats")
        assert r.status_code == 200
        r.json()


def test_faults_from_config(sim_factory: Callable[..., SimServer]) -> None:
    server = sim_factory(faults=FaultConfig(rate_limit_rate=1.0))
    r = httpx.get(server.base_url + "/computers", headers={"Authorization": f"Bearer {KEY}"})
    assert r.status_code == 429


def test_chaos_preset() -> None:
    chaos = FaultConfig.chaos()
    assert chaos.error_rate == 0.20 and chaos.rate_limit_rate == 0.05
    assert chaos.latency_ms == (200, 2000)
    assert chaos.drop_rate == 0.02 and chaos.malformed_rate == 0.01
    assert chaos.unknown_status_rate == 0.01
    assert chaos.active and not FaultConfig().active


def test_stats_count_route_templates(sim: SimServer, client: httpx.Client) -> None:
    items = client.get("/computers").json()["data"]
    stopped = [c for c in items if c["status"] == "stopped"]
    for c in stopped[:2]:
        client.post(f"/computers/{c['id']}/start")
    client.get(f"/computers/{items[0]['id']}")
    stats = httpx.get(sim.root_url + "/_sim/stats").json()
    assert stats["routes"]["GET /computers"] == 1
    assert stats["routes"]["POST /computers/{id}/start"] == 2
    assert stats["routes"]["GET /computers/{id}"] == 1
    assert stats["total"] == 4
    log = httpx.get(sim.root_url + "/_sim/requests", params={"limit": 2}).json()
    assert len(log) == 2
    assert log[-1]["method"] == "GET" and log[-1]["route"] == "/computers/{id}"
    assert log[0]["route"] == "/computers/{id}/start" and log[0]["status"] == 200
    reset = httpx.post(sim.root_url + "/_sim/stats/reset").json()
    assert reset["total"] == 0
    assert httpx.get(sim.root_url + "/_sim/requests").json() == []


def test_request_log_records_json_and_query(sim: SimServer, client: httpx.Client) -> None:
    client.post("/computers", json={"name": "logged", "size": "xs"})
    client.get("/computers", params={"page": 2, "per_page": 5})
    log = httpx.get(sim.root_url + "/_sim/requests").json()
    assert log[0]["json"] == {"name": "logged", "size": "xs"} and log[0]["status"] == 201
    assert log[1]["query"] == {"page": "2", "per_page": "5"}
