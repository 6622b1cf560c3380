"""MiosaClient end to end against the simulator over a real loopback socket."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from PIL import Image

from miosa_tui.api import (
    ApiSettings,
    AuthenticationError,
    Computer,
    ComputerFailedError,
    ConnectionError,
    MiosaClient,
    NotFoundError,
    RateLimitError,
    ResponseFormatError,
    ServerError,
    UnknownOutcomeError,
    ValidationError,
)
from miosa_tui.api.computers import PAGE_SIZE
from miosa_tui.sim.server import SimServer

WAIT = 0.02  # poll interval for waits; the sim runs 50x faster than the real service


def control(sim: SimServer, method: str, path: str, body: Any = None) -> Any:
    """Talk to the simulator's /_sim control API (no auth)."""
    response = httpx.request(method, sim.root_url + path, json=body, timeout=10)
    response.raise_for_status()
    return response.json()


def requests_log(sim: SimServer) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = control(sim, "GET", "/_sim/requests")
    return result


@pytest.fixture
async def client(sim: SimServer, api_key: str) -> AsyncIterator[MiosaClient]:
    settings = ApiSettings(api_key=api_key, base_url=sim.base_url)
    async with MiosaClient(settings, wait_interval=WAIT) as c:
        yield c


async def first(client: MiosaClient, status: str) -> Computer:
    computers = await client.list_computers(status=status)
    assert computers, f"the seeded fleet has no {status} computer"
    return computers[0]


async def test_list_all_and_filter(sim: SimServer, client: MiosaClient) -> None:
    computers = await client.list_computers()
    assert len(computers) == 12
    assert len({c.id for c in computers}) == 12
    assert client.last_list_skipped == 0
    truth = {c["id"]: c["status"] for c in control(sim, "GET", "/_sim/computers")["data"]}
    assert {c.id for c in computers} == set(truth)
    running = await client.list_computers(status="running")
    assert running and all(c.status == "running" for c in running)
    listed = [r for r in requests_log(sim) if r["route"] == "/computers"]
    assert [r["query"].get("per_page") for r in listed] == [str(PAGE_SIZE)] * 2
    assert listed[1]["query"]["status"] == "running"


async def test_pagination_over_real_pages(
    sim_factory: Callable[..., SimServer], api_key: str
) -> None:
    sim = sim_factory(fleet=25, max_page_size=10)
    async with MiosaClient(ApiSettings(api_key=api_key, base_url=sim.base_url)) as client:
        computers = await client.list_computers()
        page = await client.list_page(2, 10)
    assert len(computers) == 25
    assert len({c.id for c in computers}) == 25
    assert page.total == 25 and page.page == 2 and len(page.computers) == 10
    stats = control(sim, "GET", "/_sim/stats")
    assert stats["routes"]["GET /computers"] == 4  # pages 1-3, then the single list_page


async def test_get_and_not_found_with_request_id(client: MiosaClient) -> None:
    listed = (await client.list_computers())[0]
    got = await client.get(listed.id)
    assert got.id == listed.id and got.name == listed.name
    with pytest.raises(NotFoundError) as info:
        await client.get("comp_does_not_exist")
    err = info.value
    assert err.status == 404 and err.code == "NOT_FOUND"
    assert err.request_id
    assert "comp_does_not_exist" in err.message


async def test_bad_key_is_authentication_error(sim: SimServer) -> None:
    async with MiosaClient(ApiSettings(api_key="not_a_msk_key", base_url=sim.base_url)) as bad:
        with pytest.raises(AuthenticationError) as info:
            await bad.list_computers()
    assert info.value.status == 401
    assert info.value.request_id
    assert "not_a_msk_key" not in str(info.value)


async def test_create_update_wait_and_destroy(sim: SimServer, client: MiosaClient) -> None:
    created = await client.create("api-e2e", size="medium", region="us-nyc", metadata={"t": "1"})
    assert created.status in ("creating", "provisioning")
    assert created.size == "medium" and created.region == "us-nyc"
    running = await client.wait_until_running(created.id, timeout=30)
    assert running.status == "running"
    updated = await client.update(created.id, name="api-e2e-renamed")
    assert updated.name == "api-e2e-renamed"
    assert (await client.get(created.id)).name == "api-e2e-renamed"
    await client.delete(created.id)
    with pytest.raises(ComputerFailedError) as info:  # it vanishes while we wait for "stopped"
        await client.wait_until_stopped(created.id, timeout=30)
    assert info.value.status == 404
    with pytest.raises(NotFoundError):
        await client.get(created.id)
    assert created.id not in {c.id for c in await client.list_computers()}


async def test_stop_start_restart_with_waits(sim: SimServer, client: MiosaClient) -> None:
    target = await first(client, "running")
    stopping = await client.stop(target.id)
    assert stopping is not None and stopping.status == "stopping"
    assert (await client.wait_until_stopped(target.id, timeout=30)).status == "stopped"
    with pytest.raises(ValidationError) as info:
        await client.stop(target.id)
    assert info.value.status == 409 and info.value.code == "INVALID_STATE"
    starting = await client.start(target.id)
    assert starting is not None and starting.status == "starting"
    assert (await client.wait_until_running(target.id, timeout=30)).status == "running"
    restarting = await client.restart(target.id)
    assert restarting is not None and restarting.status == "stopping"
    assert (await client.wait_until_running(target.id, timeout=30)).status == "running"
    routes = control(sim, "GET", "/_sim/stats")["routes"]
    assert routes["POST /computers/{id}/stop"] == 2
    assert routes["POST /computers/{id}/start"] == 1
    assert routes["POST /computers/{id}/restart"] == 1


async def test_wait_fails_fast_when_sim_forces_error(sim: SimServer, client: MiosaClient) -> None:
    target = await first(client, "stopped")
    await client.start(target.id)
    control(sim, "POST", f"/_sim/computers/{target.id}/status", {"status": "error"})
    with pytest.raises(ComputerFailedError) as info:
        await client.wait_until_running(target.id, timeout=30)
    assert "error" in info.value.message


async def test_unknown_status_is_kept(sim: SimServer, client: MiosaClient) -> None:
    target = (await client.list_computers())[0]
    control(sim, "POST", f"/_sim/computers/{target.id}/status", {"status": "hibernating"})
    assert (await client.get(target.id)).status == "hibernating"
    listed = {c.id: c for c in await client.list_computers()}
    assert listed[target.id].status == "hibernating"


async def test_clone_move_resize(sim: SimServer, client: MiosaClient) -> None:
    source = await first(client, "running")
    clone = await client.clone(source.id, name="api-clone")
    assert clone.id != source.id and clone.name == "api-clone"
    assert (await client.wait_until_running(clone.id, timeout=30)).status == "running"

    new_size = "large" if source.size != "large" else "medium"
    resized = await client.resize(source.id, size=new_size)
    assert resized is not None and resized.size == new_size
    assert (await client.wait_until_running(source.id, timeout=30)).size == new_size

    stopped = await first(client, "stopped")
    region = "eu-fra" if stopped.region != "eu-fra" else "us-la"
    moved = await client.move(stopped.id, region=region)
    assert moved is not None and moved.region == region
    assert (await client.get(stopped.id)).region == region


async def test_access_apps_urls_vnc_token(client: MiosaClient) -> None:
    target = await first(client, "running")
    apps = await client.apps(target.id)
    assert {"terminal", "files"} <= {a.name for a in apps}
    assert all(a.title for a in apps)
    urls = await client.urls(target.id)
    assert "desktop" in {u.name for u in urls}
    assert all(u.url.startswith("https://") for u in urls)
    for url in urls:
        if url.port is not None:
            assert client.preview_url(target, url.port) == url.url
    vnc = await client.vnc_credentials(target.id)
    assert vnc.username and vnc.password and vnc.url
    assert vnc.password not in repr(vnc)
    token = await client.stream_token(target.id)
    assert token.token.startswith("mst_")
    assert token.expires_at is not None
    assert client.public_url(target) == target.sandbox_url


async def test_screenshots_are_real_pngs(sim: SimServer, client: MiosaClient) -> None:
    target = await first(client, "running")
    full = Image.open(io.BytesIO(await client.screenshot(target.id)))
    assert full.format == "PNG"
    assert full.size == (1280, 800)
    region = Image.open(io.BytesIO(await client.screenshot_region(target.id, 0, 0, 500, 250)))
    assert region.size == (640, 200)
    corner = Image.open(io.BytesIO(await client.screenshot_region(target.id, 900, 950, 100, 50)))
    assert corner.size == (128, 40)
    region_calls = [r for r in requests_log(sim) if "region" in r["path"]]
    assert [r["method"] for r in region_calls] == ["POST", "POST"]
    assert region_calls[0]["json"] == {"x": 0, "y": 0, "width": 500, "height": 250}


async def test_screenshot_of_stopped_computer_is_409(client: MiosaClient) -> None:
    target = await first(client, "stopped")
    with pytest.raises(ValidationError) as info:
        await client.screenshot(target.id)
    assert info.value.code == "INVALID_STATE"
    assert info.value.request_id


async def test_server_errors_retried_for_get_never_for_post(sim: SimServer, api_key: str) -> None:
    sleeps: list[float] = []

    async def fake_sleep(delay: float) -> None:
        sleeps.append(delay)

    settings = ApiSettings(api_key=api_key, base_url=sim.base_url)
    async with MiosaClient(settings, sleep=fake_sleep, rand=lambda: 0.0) as client:
        target = (await client.list_computers())[0]
        control(sim, "PUT", "/_sim/faults", {"error_rate": 1.0})
        control(sim, "POST", "/_sim/stats/reset")
        with pytest.raises(ServerError) as info:
            await client.get(target.id)
        assert info.value.request_id
        with pytest.raises(ServerError):
            await client.start(target.id)
        routes = control(sim, "GET", "/_sim/stats")["routes"]
        assert routes["GET /computers/{id}"] == 4
        assert routes["POST /computers/{id}/start"] == 1
        assert sleeps == [0.5, 1.0, 2.0]

        control(
            sim,
            "PUT",
            "/_sim/faults",
            {"error_rate": 0.0, "rate_limit_rate": 1.0, "retry_after": 3},
        )
        sleeps.clear()
        with pytest.raises(RateLimitError) as limited:
            await client.get(target.id)
        assert limited.value.status == 429
        assert limited.value.retry_after == 3.0
        assert sleeps == [3.0, 3.0, 3.0]


async def test_dropped_connections(sim: SimServer, api_key: str) -> None:
    async def no_sleep(delay: float) -> None:
        return None

    settings = ApiSettings(api_key=api_key, base_url=sim.base_url)
    async with MiosaClient(settings, sleep=no_sleep) as client:
        target = (await client.list_computers())[0]
        control(sim, "PUT", "/_sim/faults", {"drop_rate": 1.0})
        control(sim, "POST", "/_sim/stats/reset")
        with pytest.raises(ConnectionError) as info:
            await client.get(target.id)
        assert not isinstance(info.value, UnknownOutcomeError)
        with pytest.raises(UnknownOutcomeError):
            await client.stop(target.id)
        routes = control(sim, "GET", "/_sim/stats")["routes"]
        assert routes["GET /computers/{id}"] == 4
        assert routes["POST /computers/{id}/stop"] == 1


async def test_malformed_answers_are_format_errors(sim: SimServer, client: MiosaClient) -> None:
    target = (await client.list_computers())[0]
    control(sim, "PUT", "/_sim/faults", {"malformed_rate": 1.0})
    with pytest.raises(ResponseFormatError):
        await client.get(target.id)
    with pytest.raises(ResponseFormatError):
        await client.list_computers()
    running = await _running_id(sim)
    with pytest.raises(ResponseFormatError):  # half a PNG: magic number fine, IEND missing
        await client.screenshot(running)


async def _running_id(sim: SimServer) -> str:
    states = control(sim, "GET", "/_sim/computers")["data"]
    return str(next(c["id"] for c in states if c["status"] == "running"))


async def test_concurrent_reads_share_one_client(client: MiosaClient) -> None:
    computers = await client.list_computers()
    got = await asyncio.gather(*(client.get(c.id) for c in computers))
    assert [g.id for g in got] == [c.id for c in computers]
