"""The official MIOSA Python SDK (PyPI `miosa`) against `miosa-tui`'s simulator, over HTTP.

The SDK is a real client: where it and the simulator disagreed, the simulator was fixed (an
unpaged `GET /computers` used to answer 20 computers, so `computers.list()` saw 20 of 2,000).
Where the SDK itself cannot use what the server sends, a test below shows it, with a comment.

Its calls are synchronous; the simulator runs in its own thread, so they are made directly.
Waits poll the simulator until a condition holds (the limit only stops a hung test).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import pytest
from miosa import Miosa  # the official SDK: in the test extra (pyproject.toml)
from miosa.errors import AuthenticationError, MiosaError, NotFoundError, ValidationError
from miosa.resources.computer import Computer as SdkComputer

from miosa_tui.sim.server import SimServer

KEY = "msk_u_test_0000"


def sdk(sim: SimServer, key: str = KEY) -> Miosa:
    return Miosa(api_key=key, base_url=sim.base_url, max_retries=0, timeout=30)


def settle(computer: SdkComputer, status: str, tries: int = 600) -> None:
    """Refresh through the SDK until the computer reports `status`."""
    for _ in range(tries):
        computer.refresh()
        if computer.status == status:
            return
        time.sleep(0.02)
    raise AssertionError(f"{computer.id} stayed {computer.status}, wanted {status}")


def sim_requests(sim: SimServer) -> list[dict[str, object]]:
    items: list[dict[str, object]] = httpx.get(sim.root_url + "/_sim/requests").json()
    return items


def test_list_returns_the_whole_fleet_in_one_request(
    sim_factory: Callable[..., SimServer],
) -> None:
    server = sim_factory(fleet=2000)
    httpx.post(server.root_url + "/_sim/stats/reset")
    computers = sdk(server).computers.list()
    assert len(computers) == 2000
    assert len({c.id for c in computers}) == 2000
    listed = [r for r in sim_requests(server) if r["route"] == "/computers"]
    assert len(listed) == 1 and listed[0]["query"] == {}  # the SDK sends no paging at all
    truth = httpx.get(server.root_url + "/_sim/computers").json()["data"]
    assert {c.id for c in computers} == {c["id"] for c in truth}


def test_the_whole_lifecycle(sim: SimServer) -> None:
    client = sdk(sim)
    listed = client.computers.list()
    assert len(listed) == 12
    running = next(c for c in listed if c.status == "running")

    # get
    computer = client.computers.get(running.id)
    assert (computer.id, computer.name, computer.status) == (running.id, running.name, "running")

    # access: apps, urls, VNC credentials, stream token, preview URL
    apps = computer.apps()
    assert apps and all(isinstance(a["name"], str) for a in apps)
    urls = computer.urls()
    assert {"desktop", "public"} <= {u["name"] for u in urls}
    assert all(u["url"].startswith("https://") for u in urls)
    vnc = computer.vnc_credentials()
    assert vnc["username"] and vnc["password"] and vnc["url"].startswith("https://")
    token = computer.stream_token()
    assert token["token"].startswith("mst_") and token["expires_in"] > 0
    assert computer.preview_url(3000) == f"https://3000-{computer.slug}.sandbox.miosa.ai/"

    # region screenshot (0-1000 space) and the full desktop
    region = computer.screenshot_region(0, 0, 500, 500)
    assert region.startswith(b"\x89PNG\r\n\x1a\n")
    full = computer.screenshot()
    assert full.startswith(b"\x89PNG\r\n\x1a\n") and len(full) > len(region) // 2

    # stop, start, restart (each answers success and the transitional status)
    stopped = computer.stop()
    assert (stopped.success, stopped.status) == (True, "stopping")
    settle(computer, "stopped")
    started = computer.start()
    assert (started.success, started.status) == (True, "starting")
    computer.wait_until_ready(timeout=30, poll_interval=0.02)  # the SDK's own waiter
    assert computer.status == "running"
    restarted = computer.restart()
    assert (restarted.success, restarted.status) == (True, "stopping")
    settle(computer, "running")

    # clone: a new computer with the name asked for
    clone = computer.clone(name="sdk-clone")
    assert clone.id != computer.id and clone.name == "sdk-clone"
    assert clone.status == "creating"

    # resize a running computer: accepted, it reboots with the new size
    new_size = "xl" if computer.data.size != "xl" else "xs"
    computer.resize(new_size)
    assert computer.data.size == new_size and computer.status == "stopping"
    settle(computer, "running")

    # move: refused while running (409), done once stopped
    here = httpx.get(f"{sim.root_url}/_sim/computers/{computer.id}").json()["region"]
    there = "eu-fra" if here != "eu-fra" else "us-la"
    with pytest.raises(MiosaError) as refused:
        computer.move(region=there)
    assert refused.value.status_code == 409 and refused.value.code == "INVALID_STATE"
    assert "stop it before moving it" in refused.value.message
    assert refused.value.request_id and refused.value.request_id.startswith("req_")
    computer.stop()
    settle(computer, "stopped")
    computer.move(region=there)
    assert httpx.get(f"{sim.root_url}/_sim/computers/{computer.id}").json()["region"] == there

    # update: name and metadata
    updated = client.computers.update(computer.id, name="sdk-renamed", metadata={"team": "qa"})
    assert updated.name == "sdk-renamed" and updated.data.metadata == {"team": "qa"}
    assert client.computers.get(computer.id).name == "sdk-renamed"

    # create, destroy, then 404
    created = client.computers.create(name="sdk-new", size="xs", metadata={"by": "sdk"})
    assert created.status == "creating" and created.data.size == "xs"
    created.wait_until_ready(timeout=30, poll_interval=0.02)
    gone = created.destroy()
    assert gone.success is True
    for _ in range(600):
        try:
            client.computers.get(created.id)
        except NotFoundError as exc:
            assert exc.status_code == 404
            break
        time.sleep(0.02)
    else:
        raise AssertionError("the destroyed computer never went away")
    assert created.id not in {c.id for c in client.computers.list()}


def test_a_bad_key_is_an_authentication_error(sim: SimServer) -> None:
    with pytest.raises(AuthenticationError) as refused:
        sdk(sim, key="not-a-key").computers.list()
    assert refused.value.status_code == 401
    assert refused.value.message == "Invalid API key"


def test_a_bad_name_is_a_validation_error_with_the_dashboards_sentence(sim: SimServer) -> None:
    client = sdk(sim)
    with pytest.raises(ValidationError) as refused:
        client.computers.create(name="Bad Name")
    assert refused.value.status_code == 422
    assert refused.value.message == "Name must start with a lowercase letter."
    target = client.computers.list()[0]
    with pytest.raises(ValidationError) as renamed:
        client.computers.update(target.id, name="web_1")
    assert renamed.value.message == (
        "Name may contain only lowercase letters, digits and hyphens (found '_')."
    )


def test_the_sdk_ignores_the_servers_preview_domain(sim: SimServer) -> None:
    """An SDK limitation, not a simulator one: the server sends `preview_domain` (here
    miosa.app, as a white-label tenant's own domain would be), but the SDK's pydantic model does
    not declare the field, drops it, and builds every preview URL on miosa.ai. The simulator's
    own `urls` answer (and miosa-tui's client) use the server's domain."""
    client = sdk(sim)
    computer = client.computers.list()[0]
    raw = httpx.get(
        f"{sim.base_url}/computers/{computer.id}", headers={"Authorization": f"Bearer {KEY}"}
    ).json()
    assert raw["preview_domain"] == "miosa.app"
    assert "preview_domain" not in computer.data.model_dump()
    assert computer.preview_url(3000) == f"https://3000-{computer.slug}.sandbox.miosa.ai/"
    public = next(u["url"] for u in computer.urls() if u["name"] == "public")
    assert public == f"https://{computer.slug}.sandbox.miosa.app"
