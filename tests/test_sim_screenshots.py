"""Every screenshot route returns a PNG of the right pixel size; the painter is deterministic."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from PIL import Image

from miosa_tui.sim.desktop import DesktopPainter, DesktopSpec
from miosa_tui.sim.routes import region_box
from miosa_tui.sim.server import SimServer

KEY = "msk_u_test_0000"
REGION = {"x": 0, "y": 0, "width": 500, "height": 500}


@pytest.fixture
def client(sim: SimServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sim.base_url, headers={"Authorization": f"Bearer {KEY}"}) as c:
        yield c


def pick(client: httpx.Client, status: str) -> dict[str, Any]:
    items = client.get("/computers", params={"per_page": 500}).json()["data"]
    return next(c for c in items if c["status"] == status)


def png_size(response: httpx.Response) -> tuple[int, int]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/png"
    assert response.content[:8] == b"\x89PNG\r\n\x1a\n"
    with Image.open(io.BytesIO(response.content)) as image:
        return image.size


def test_full_screenshot(client: httpx.Client) -> None:
    cid = pick(client, "running")["id"]
    assert png_size(client.get(f"/computers/{cid}/desktop/screenshot")) == (1280, 800)
    assert client.get(f"/computers/{cid}/desktop/screen-size").json() == {
        "width": 1280,
        "height": 800,
    }


@pytest.mark.parametrize(
    "variant",
    ["get-screenshot", "get-desktop-region", "post-desktop-region", "post-screenshot-region"],
)
def test_every_region_variant(client: httpx.Client, variant: str) -> None:
    cid = pick(client, "running")["id"]
    base = f"/computers/{cid}"
    requests: dict[str, Callable[[], httpx.Response]] = {
        "get-screenshot": lambda: client.get(base + "/screenshot", params=REGION),
        "get-desktop-region": lambda: client.get(
            base + "/desktop/screenshot/region", params=REGION
        ),
        "post-desktop-region": lambda: client.post(
            base + "/desktop/screenshot/region", json=REGION
        ),
        "post-screenshot-region": lambda: client.post(base + "/screenshot-region", json=REGION),
    }
    assert png_size(requests[variant]()) == (640, 400)


def test_region_matches_crop_of_full(client: httpx.Client) -> None:
    cid = pick(client, "running")["id"]
    region = {"x": 250, "y": 500, "width": 250, "height": 250}
    got = client.post(f"/computers/{cid}/screenshot-region", json=region)
    assert png_size(got) == (320, 200)


def test_tiny_region_is_at_least_one_pixel(client: httpx.Client) -> None:
    cid = pick(client, "running")["id"]
    body = {"x": 999.9, "y": 999.9, "width": 0.1, "height": 0.1}
    assert png_size(client.post(f"/computers/{cid}/screenshot-region", json=body)) == (1, 1)


@pytest.mark.parametrize(
    ("region", "field"),
    [
        ({"x": 0, "y": 0, "width": 0, "height": 10}, "width"),
        ({"x": 0, "y": 0, "width": 10, "height": 0}, "height"),
        ({"x": -1, "y": 0, "width": 10, "height": 10}, "x"),
        ({"x": 0, "y": 1001, "width": 10, "height": 10}, "y"),
        ({"x": 900, "y": 0, "width": 200, "height": 10}, "width"),
        ({"x": "left", "y": 0, "width": 10, "height": 10}, "x"),
        ({"y": 0, "width": 10, "height": 10}, "x"),
    ],
)
def test_bad_region_422(client: httpx.Client, region: dict[str, Any], field: str) -> None:
    cid = pick(client, "running")["id"]
    r = client.post(f"/computers/{cid}/desktop/screenshot/region", json=region)
    assert r.status_code == 422
    assert r.json()["code"] == "VALIDATION_FAILED"
    assert field in r.json()["errors"]


def test_screenshot_of_stopped_is_409(client: httpx.Client) -> None:
    stopped = pick(client, "stopped")
    r = client.get(f"/computers/{stopped['id']}/desktop/screenshot")
    assert r.status_code == 409
    assert r.json()["code"] == "INVALID_STATE"
    assert "stopped" in r.json()["message"] and stopped["name"] in r.json()["message"]
    r = client.post(f"/computers/{stopped['id']}/screenshot-region", json=REGION)
    assert r.status_code == 409


def test_region_box_rounds_and_clamps() -> None:
    assert region_box((0, 0, 500, 500), 1280, 800) == (0, 0, 640, 400)
    assert region_box((0, 0, 1000, 1000), 1280, 800) == (0, 0, 1280, 800)
    assert region_box((1000, 1000, 0.0001, 0.0001), 1280, 800) == (1279, 799, 1280, 800)


def test_painter_is_deterministic_per_computer_and_draws_a_clock() -> None:
    from datetime import datetime

    times = iter([datetime(2026, 1, 1, 9, 0, 0), datetime(2026, 1, 1, 9, 0, 0)])
    painter = DesktopPainter(640, 400, now=lambda: next(times))
    spec = DesktopSpec("comp_a", "research-desk", ("terminal", "files", "firefox"))
    first = painter.render(spec)
    again = DesktopPainter(640, 400, now=lambda: datetime(2026, 1, 1, 9, 0, 0)).render(spec)
    assert first.tobytes() == again.tobytes()
    other = painter.render(DesktopSpec("comp_b", "qa-runner-03", ("terminal",)))
    assert other.tobytes() != first.tobytes()
    # A still painter (the `--still-desktops` simulator) changes only its clock between seconds.
    still = [
        DesktopPainter(640, 400, now=lambda s=s: datetime(2026, 1, 1, 9, 0, s), animate=False)
        .render(spec)
        .tobytes()
        for s in (0, 1)
    ]
    diff = [i for i, (a, b) in enumerate(zip(*still, strict=True)) if a != b]
    assert diff, "the clock should change the pixels"
    top_bar_bytes = 640 * 3 * 40
    assert max(diff) < top_bar_bytes, "a still desktop changes only the clock in its top bar"
