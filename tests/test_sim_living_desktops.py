"""Living desktops: the simulator's pictures move like an agent at work, deterministically.

The terminal log advances, focus moves between windows (one now and then closed), the pointer
travels and the clock ticks; the same computer at the same instant is byte-for-byte the same,
and a frozen clock keeps the picture still (tests and README screenshots stay stable).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
from PIL import Image, ImageChops

from miosa_tui.sim.desktop import DesktopPainter, DesktopSpec
from miosa_tui.sim.desktop_motion import BEAT_SECONDS, FRAME_SECONDS, scene_at
from miosa_tui.sim.server import SimServer

T0 = datetime(2026, 12, 1, 12, 0, 0, tzinfo=UTC)
SPEC = DesktopSpec("comp_7f3a", "research-desk", ("terminal", "files", "firefox"), "us-mia")
SANDBOX = DesktopSpec("comp_9d2c", "ci-sandbox", ("terminal",), template_type="miosa-sandbox")


def painter_at(moments: list[datetime]) -> DesktopPainter:
    """A painter whose clock reads each of `moments` in turn (one per render)."""
    it = iter(moments)
    return DesktopPainter(640, 400, now=lambda: next(it))


def changed_box(a: Image.Image, b: Image.Image) -> tuple[int, int, int, int] | None:
    return ImageChops.difference(a.convert("RGB"), b.convert("RGB")).getbbox()


def test_same_instant_same_bytes_in_any_painter() -> None:
    one = painter_at([T0]).png(SPEC)
    two = painter_at([T0]).png(SPEC)
    assert one == two


def test_within_one_frame_the_picture_does_not_change() -> None:
    """Two requests in the same half second get identical bytes: a live view can skip them."""
    start = T0 + timedelta(seconds=3)  # a frame boundary
    within = start + timedelta(seconds=FRAME_SECONDS * 0.8)
    painter = painter_at([start, within])
    assert painter.png(SPEC) == painter.png(SPEC)


def test_the_terminal_log_advances_below_the_top_bar() -> None:
    """Ten seconds later the agent has written more lines: pixels change outside the top bar."""
    painter = painter_at([T0, T0 + timedelta(seconds=10)])
    before, after = painter.render(SANDBOX), painter.render(SANDBOX)
    box = changed_box(before, after)
    assert box is not None
    top_bar = 400 * 28 // 800 + 1
    assert box[3] > top_bar * 4, f"only the top bar changed: {box}"


def test_focus_moves_windows_close_and_reopen_and_the_pointer_travels() -> None:
    """Over ten minutes of one desktop: every window is focused at some point, a window is
    closed at some point (and open again later), and the pointer visits many places."""
    scenes = [
        scene_at(SPEC.id, SPEC.template_type, T0.timestamp() + n * BEAT_SECONDS) for n in range(75)
    ]
    assert {s.focused for s in scenes} == {"browser", "editor", "terminal"}
    assert any(len(s.order) == 2 for s in scenes), "no window was ever closed"
    assert all("terminal" in s.order for s in scenes), "the agent's terminal stays open"
    assert len({s.pointer for s in scenes}) > 50
    assert sum(len(s.order) == 3 for s in scenes) > len(scenes) // 2, "closed windows reopen"


def test_a_sandbox_keeps_its_one_terminal() -> None:
    scenes = [scene_at(SANDBOX.id, SANDBOX.template_type, T0.timestamp() + n) for n in range(60)]
    assert {s.order for s in scenes} == {("terminal",)}
    assert len({s.log_lines for s in scenes}) > 30


def test_each_computer_moves_on_its_own_schedule() -> None:
    when = T0.timestamp()
    a = [scene_at("comp_a", "miosa-desktop", when + n * BEAT_SECONDS) for n in range(20)]
    b = [scene_at("comp_b", "miosa-desktop", when + n * BEAT_SECONDS) for n in range(20)]
    assert [s.order for s in a] != [s.order for s in b]


def test_still_painter_only_ticks_its_clock() -> None:
    moments = [T0, T0 + timedelta(seconds=45)]
    it = iter(moments)
    painter = DesktopPainter(640, 400, now=lambda: next(it), animate=False)
    box = changed_box(painter.render(SPEC), painter.render(SPEC))
    assert box is not None and box[3] <= 400 * 28 // 800 + 2


def test_a_frozen_simulator_serves_the_same_picture_every_time(
    sim_factory: Callable[..., SimServer],
) -> None:
    server = sim_factory(frozen_time="2026-12-01T12:00:00Z")
    headers = {"Authorization": "Bearer msk_u_test_0000"}
    with httpx.Client(base_url=server.base_url, headers=headers) as client:
        items = client.get("/computers", params={"per_page": 500}).json()["data"]
        cid = next(c["id"] for c in items if c["status"] == "running")
        shots = [client.get(f"/computers/{cid}/desktop/screenshot").content for _ in range(3)]
    assert shots[0] == shots[1] == shots[2]
    with Image.open(io.BytesIO(shots[0])) as image:
        assert image.size == (1280, 800)


def test_a_live_simulator_moves_between_requests(sim_factory: Callable[..., SimServer]) -> None:
    """Against the wall clock: pictures taken a few frames apart differ (the log, the pointer,
    the cursor or the clock), which is what the dashboard's live mode shows."""
    server = sim_factory()
    headers = {"Authorization": "Bearer msk_u_test_0000"}
    with httpx.Client(base_url=server.base_url, headers=headers) as client:
        items = client.get("/computers", params={"per_page": 500}).json()["data"]
        cid = next(c["id"] for c in items if c["status"] == "running")
        first = client.get(f"/computers/{cid}/desktop/screenshot").content
        for _ in range(200):  # a limit for a hung test, not a timing assertion
            later = client.get(f"/computers/{cid}/desktop/screenshot").content
            if later != first:
                break
        assert later != first
