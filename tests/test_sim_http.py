"""The simulator over a real loopback socket, spoken to with plain httpx."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from miosa_tui.sim.lifecycle import CREATE_S, DESTROY_S, START_S, STOP_S
from miosa_tui.sim.server import SimServer

KEY = "msk_u_test_0000"
REQUEST_ID = re.compile(r"^req_[0-9a-f]{16}$")


class FakeClock:
    def __init__(self) -> None:
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now

    def tick(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def client(sim: SimServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sim.base_url, headers={"Authorization": f"Bearer {KEY}"}) as c:
        yield c


@pytest.fixture
def clocked(sim_factory: Callable[..., SimServer]) -> Iterator[tuple[httpx.Client, FakeClock]]:
    clock = FakeClock()
    server = sim_factory(speed=1.0, clock=clock)
    headers = {"Authorization": f"Bearer {KEY}"}
    with httpx.Client(base_url=server.base_url, headers=headers) as c:
        yield c, clock


def computers(client: httpx.Client, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = client.get(
        "/computers", params={"per_page": 500, **params}
    ).json()["data"]
    return items


def pick(client: httpx.Client, status: str) -> dict[str, Any]:
    return next(c for c in computers(client) if c["status"] == status)


# ---- auth and envelopes ------------------------------------------------------------------


@pytest.mark.parametrize(
    "header", [None, "Bearer nope_123", "Basic msk_u_x", "Bearer", "msk_u_test_0000"]
)
def test_auth_401_flat_error(sim: SimServer, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    r = httpx.get(sim.base_url + "/computers", headers=headers)
    assert r.status_code == 401
    assert r.json() == {
        "error": "Invalid API key",
        "code": "UNAUTHORIZED",
        "message": "Invalid API key",
    }
    assert REQUEST_ID.match(r.headers["x-request-id"])


def test_sim_control_needs_no_auth(sim: SimServer) -> None:
    r = httpx.get(sim.root_url + "/_sim/stats")
    assert r.status_code == 200
    assert REQUEST_ID.match(r.headers["x-request-id"])


def test_every_response_has_a_request_id(sim: SimServer, client: httpx.Client) -> None:
    cid = computers(client)[0]["id"]
    responses = [
        client.get("/computers"),
        client.get(f"/computers/{cid}"),
        client.get("/computers/nope"),
        client.get("/no/such/route"),
        client.post(f"/computers/{cid}/screenshot-region", json={"x": -1}),
        httpx.get(sim.root_url + "/elsewhere"),
        httpx.get(sim.root_url + "/_sim/faults"),
    ]
    ids = [r.headers.get("x-request-id", "") for r in responses]
    assert all(REQUEST_ID.match(i) for i in ids), ids
    assert len(set(ids)) == len(ids)


def test_list_shape_and_defaults(client: httpx.Client) -> None:
    body = client.get("/computers", params={"page": 1}).json()
    assert set(body) >= {"data", "meta", "total"}
    assert body["meta"] == {"total": 12, "page": 1, "per_page": 20}
    assert body["total"] == 12
    assert len(body["data"]) == 12
    created = [c["created_at"] for c in body["data"]]
    assert created == sorted(created, reverse=True)
    one = body["data"][0]
    for key in ("id", "name", "slug", "status", "size", "region", "template_type", "ip_address"):
        assert key in one
    assert one["created_at"].endswith("Z")


def test_pagination_is_stable_and_clamped(sim_factory: Callable[..., SimServer]) -> None:
    server = sim_factory(fleet=1200)
    with httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {KEY}"}) as c:
        first = c.get("/computers", params={"page": 1}).json()
        assert first["meta"] == {"total": 1200, "page": 1, "per_page": 20}
        assert len(c.get("/computers", params={"limit": 7}).json()["data"]) == 7
        big = c.get("/computers", params={"per_page": 5000}).json()
        assert big["meta"]["per_page"] == 500 and len(big["data"]) == 500
        pages = [
            c.get("/computers", params={"page": p, "per_page": 500}).json()["data"]
            for p in (1, 2, 3)
        ]
        ids = [x["id"] for page in pages for x in page]
        assert len(ids) == 1200 == len(set(ids))
        assert ids[:20] == [x["id"] for x in first["data"]]
        assert c.get("/computers", params={"page": 4, "per_page": 500}).json()["data"] == []
        assert c.get("/computers", params={"per_page": 0}).json()["meta"]["per_page"] == 1
        assert c.get("/computers", params={"page": "x"}).status_code == 422


def test_list_status_filter(client: httpx.Client) -> None:
    body = client.get("/computers", params={"status": "stopped"}).json()
    assert body["data"] and all(c["status"] == "stopped" for c in body["data"])
    assert body["meta"]["total"] == len(body["data"])


def test_get_is_bare_plus_data_copy(client: httpx.Client) -> None:
    cid = computers(client)[0]["id"]
    body = client.get(f"/computers/{cid}").json()
    assert body["id"] == cid
    assert body["data"]["id"] == cid
    assert {k: v for k, v in body.items() if k != "data"} == body["data"]


def test_unknown_computer_404(client: httpx.Client) -> None:
    r = client.get("/computers/comp_missing")
    assert r.status_code == 404
    assert r.json()["code"] == "NOT_FOUND"
    assert "comp_missing" in r.json()["message"]


def test_unknown_route_is_json_404(client: httpx.Client) -> None:
    r = client.get("/galaxies")
    assert r.status_code == 404
    assert r.json()["code"] == "NOT_FOUND"


# ---- create, update, actions -------------------------------------------------------------


def test_create_then_boot(clocked: tuple[httpx.Client, FakeClock]) -> None:
    client, clock = clocked
    r = client.post("/computers", json={"name": "fresh-box", "size": "medium", "region": "eu-fra"})
    assert r.status_code == 201
    body = r.json()
    assert body["status"] == "creating" and body["data"]["name"] == "fresh-box"
    assert body["size"] == "medium" and body["region"] == "eu-fra"
    assert body["template_type"] == "miosa-desktop"
    assert computers(client)[0]["id"] == body["id"]
    clock.tick(CREATE_S)
    assert client.get(f"/computers/{body['id']}").json()["status"] == "running"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "n" * 100}, "name"),
        ({"name": "a", "size": "jumbo"}, "size"),
        ({"name": "a", "region": "mars"}, "region"),
    ],
)
def test_create_validation_422(client: httpx.Client, body: dict[str, Any], field: str) -> None:
    r = client.post("/computers", json=body)
    assert r.status_code == 422
    data = r.json()
    assert data["code"] == "VALIDATION_FAILED"
    assert field in data["errors"]
    assert field in data["message"].lower()


def test_bad_json_body(client: httpx.Client) -> None:
    r = client.post("/computers", content=b"{nope", headers={"content-type": "application/json"})
    assert r.status_code == 400
    assert r.json()["code"] == "INVALID_JSON"


def test_patch_updates_name(client: httpx.Client) -> None:
    cid = computers(client)[0]["id"]
    r = client.patch(f"/computers/{cid}", json={"name": "renamed", "visibility": "tenant"})
    assert r.status_code == 200
    assert r.json()["name"] == "renamed" and r.json()["visibility"] == "tenant"
    assert r.json()["slug"] == "renamed"


def test_actions_and_transitions(clocked: tuple[httpx.Client, FakeClock]) -> None:
    client, clock = clocked
    cid = pick(client, "stopped")["id"]
    r = client.post(f"/computers/{cid}/start")
    assert r.status_code == 200
    assert r.json()["status"] == "starting" and r.json()["success"] is True
    assert r.json()["data"]["id"] == cid
    clock.tick(START_S)
    assert client.get(f"/computers/{cid}").json()["status"] == "running"
    assert client.post(f"/computers/{cid}/stop").json()["status"] == "stopping"
    clock.tick(STOP_S)
    assert client.get(f"/computers/{cid}").json()["status"] == "stopped"
    client.post(f"/computers/{cid}/start")
    clock.tick(START_S)
    assert client.post(f"/computers/{cid}/restart").json()["status"] == "stopping"
    clock.tick(STOP_S)
    assert client.get(f"/computers/{cid}").json()["status"] == "starting"
    clock.tick(START_S)
    assert client.get(f"/computers/{cid}").json()["status"] == "running"


def test_speed_factor_over_http(sim_factory: Callable[..., SimServer]) -> None:
    server = sim_factory(speed=1000.0)
    with httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {KEY}"}) as c:
        cid = pick(c, "stopped")["id"]
        assert c.post(f"/computers/{cid}/start").json()["status"] == "starting"
        deadline = time.monotonic() + 10
        status = "starting"
        while status != "running" and time.monotonic() < deadline:
            time.sleep(0.01)
            status = c.get(f"/computers/{cid}").json()["status"]
        assert status == "running"


def test_invalid_transitions_409(client: httpx.Client) -> None:
    running = pick(client, "running")
    r = client.post(f"/computers/{running['id']}/start")
    assert r.status_code == 409
    assert r.json()["code"] == "INVALID_STATE"
    assert r.json()["message"] == f"computer {running['name']} is already running"
    stopped = pick(client, "stopped")
    r = client.post(f"/computers/{stopped['id']}/stop")
    assert r.status_code == 409
    assert "already stopped" in r.json()["message"]


def test_destroy_then_404(clocked: tuple[httpx.Client, FakeClock]) -> None:
    client, clock = clocked
    cid = pick(client, "running")["id"]
    r = client.delete(f"/computers/{cid}")
    assert r.status_code == 200
    assert r.json() == {"success": True, "ok": True, "id": cid, "status": "destroying"}
    assert client.get(f"/computers/{cid}").json()["status"] == "destroying"
    clock.tick(DESTROY_S)
    assert client.get(f"/computers/{cid}").status_code == 404
    assert cid not in [c["id"] for c in computers(client)]
    assert client.get("/computers").json()["meta"]["total"] == 11


def test_clone(clocked: tuple[httpx.Client, FakeClock]) -> None:
    client, clock = clocked
    source = pick(client, "running")
    r = client.post(f"/computers/{source['id']}/clone", json={})
    assert r.status_code == 201
    body = r.json()
    assert body["data"]["id"] == body["id"] != source["id"]
    assert body["name"] == f"{source['name']}-clone"
    assert body["status"] == "creating"
    assert (body["size"], body["region"], body["template_type"]) == (
        source["size"],
        source["region"],
        source["template_type"],
    )
    named = client.post(f"/computers/{source['id']}/clone", json={"name": "twin"}).json()
    assert named["name"] == "twin"
    clock.tick(CREATE_S)
    assert client.get(f"/computers/{body['id']}").json()["status"] == "running"


@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_resize_both_methods(clocked: tuple[httpx.Client, FakeClock], method: str) -> None:
    client, clock = clocked
    c = pick(client, "running")
    target = "xl" if c["size"] != "xl" else "xs"
    r = client.request(method, f"/computers/{c['id']}/resize", json={"size": target})
    assert r.status_code == 200
    assert r.json()["data"]["size"] == target
    assert r.json()["status"] == "stopping"
    clock.tick(STOP_S + START_S)
    assert client.get(f"/computers/{c['id']}").json()["status"] == "running"


def test_resize_cpu_memory_body(client: httpx.Client) -> None:
    c = pick(client, "stopped")
    body = {"cpu": 16, "memory_mb": 32768} if c["size"] != "xl" else {"cpu": 1, "memory_mb": 2048}
    r = client.patch(f"/computers/{c['id']}/resize", json=body)
    assert r.status_code == 200
    assert r.json()["size"] == ("xl" if c["size"] != "xl" else "xs")
    assert r.json()["status"] == "stopped"
    bad = client.post(f"/computers/{c['id']}/resize", json={"size": "enormous"})
    assert bad.status_code == 422 and "size" in bad.json()["errors"]


def test_move(client: httpx.Client) -> None:
    running = pick(client, "running")
    r = client.post(f"/computers/{running['id']}/move", json={"region": "ap-sin"})
    assert r.status_code == 409 and "stop it" in r.json()["message"]
    stopped = pick(client, "stopped")
    target = "ap-sin" if stopped["region"] != "ap-sin" else "us-la"
    r = client.post(f"/computers/{stopped['id']}/move", json={"region": target})
    assert r.status_code == 200
    assert r.json()["region"] == target and r.json()["data"]["region"] == target
    bad = client.post(f"/computers/{stopped['id']}/move", json={"region": "moon-1"})
    assert bad.status_code == 422


# ---- access ------------------------------------------------------------------------------


def test_apps_urls_vnc_stream(client: httpx.Client) -> None:
    c = pick(client, "running")
    apps = client.get(f"/computers/{c['id']}/apps").json()["data"]
    assert {"name": "terminal", "title": "Terminal"} in apps
    urls = client.get(f"/computers/{c['id']}/urls").json()["data"]
    assert urls[0] == {"name": "desktop", "url": c["desktop_url"]}
    for u in urls:
        if u["name"] == "preview":
            assert u["url"].startswith(f"https://{u['port']}-{c['slug']}.sandbox.")
    vnc = client.get(f"/computers/{c['id']}/vnc-credentials").json()
    assert set(vnc) >= {"username", "password", "url", "host", "port"}
    assert len(vnc["password"]) >= 12
    token = client.post(f"/computers/{c['id']}/stream-token").json()
    assert token["expires_in"] == 300
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", token["expires_at"])
    again = client.post(f"/computers/{c['id']}/stream-token").json()
    assert again["token"] != token["token"]
    stopped = pick(client, "stopped")
    assert client.post(f"/computers/{stopped['id']}/stream-token").status_code == 409


def test_sim_force_status_and_internal_state(sim: SimServer, client: httpx.Client) -> None:
    cid = pick(client, "running")["id"]
    r = httpx.post(f"{sim.root_url}/_sim/computers/{cid}/status", json={"status": "error"})
    assert r.status_code == 200
    assert client.get(f"/computers/{cid}").json()["status"] == "error"
    internal = httpx.get(f"{sim.root_url}/_sim/computers/{cid}").json()
    assert internal["status"] == "error" and internal["forced"] is True
    assert "apps" in internal


def test_server_starts_on_free_port_and_stops_cleanly() -> None:
    import threading

    from miosa_tui.sim.config import SimConfig

    with SimServer(SimConfig(fleet=2)) as server:
        assert server.port > 0
        assert server.base_url == f"http://127.0.0.1:{server.port}/api/v1"
        assert httpx.get(server.root_url + "/_sim/stats").status_code == 200
        name = f"miosa-sim:{server.port}"
        assert any(t.name == name for t in threading.enumerate())
    assert not any(t.name == name for t in threading.enumerate())
    with pytest.raises(httpx.ConnectError):
        httpx.get(server.root_url + "/_sim/stats")


def test_sim_churn_and_request_log_times(sim: SimServer, client: httpx.Client) -> None:
    r = httpx.post(f"{sim.root_url}/_sim/churn", json={"share": 0.25})
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == len(body["changed"]) == 3  # 25% of 12
    statuses = {c["id"]: c["status"] for c in client.get("/computers").json()["data"]}
    assert all(statuses[cid] in ("running", "stopped") for cid in body["changed"])
    assert httpx.post(f"{sim.root_url}/_sim/churn", json={"share": "x"}).status_code == 422
    before = time.time()
    client.get("/computers")
    entry = httpx.get(f"{sim.root_url}/_sim/requests", params={"limit": 1}).json()[0]
    assert before - 1 <= entry["at"] <= time.time() + 1
