"""The desktop pane against the simulator: fetch, debounce, stopped computers, bad responses,
region selection by keys and mouse, numeric entry, stepping back, saving."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from PIL import Image
from test_ui_screenshot_host import (
    HostApp,
    reset_log,
    screenshot_requests,
    set_faults,
    settle,
)
from textual.widgets import Input, Static
from ui_helpers import drawn_toasts, wait_for

from miosa_tui.api.models import Computer
from miosa_tui.fleet.region import Region
from miosa_tui.sim.server import SimServer
from miosa_tui.ui.screens.forms import PathDialog
from miosa_tui.ui.screens.region_select import (
    RegionFormScreen,
    RegionSelectScreen,
    region_from_cells,
)
from miosa_tui.ui.widgets.desktop.pane import ScreenshotPane

SIZE = (160, 48)


def region_requests(root_url: str) -> list[dict[str, Any]]:
    return [
        r
        for r in screenshot_requests(root_url)
        if "region" in r["route"] or (r["route"].endswith("/screenshot") and r["query"])
    ]


def first(computers: list[Computer], status: str) -> Computer:
    return next(c for c in computers if c.status == status)


def image_of(pane: ScreenshotPane) -> Any:
    return pane.query_one("#desktop-image")


async def test_running_computer_shows_its_desktop(sim: SimServer) -> None:
    app = HostApp(sim.base_url)
    async with app.run_test(size=SIZE) as pilot:
        computers = await app.load_fleet()
        running = first(computers, "running")
        reset_log(sim.root_url)
        app.pane.show_computer(running)
        await settle(pilot)
        shot = app.pane.shot
        assert shot is not None and shot.computer_id == running.id
        assert shot.size == (1280, 800)
        assert image_of(app.pane).image is not None
        caption = str(app.pane.query_one("#desktop-caption", Static).render())
        assert running.name in caption and "1280x800" in caption and "captured" in caption
        routes = [r["route"] for r in screenshot_requests(sim.root_url)]
        assert routes == ["/computers/{id}/desktop/screenshot"]


async def test_highlight_burst_fetches_only_the_last(sim: SimServer) -> None:
    app = HostApp(sim.base_url, debounce=0.3)
    async with app.run_test(size=SIZE) as pilot:
        running = [c for c in await app.load_fleet() if c.is_running]
        reset_log(sim.root_url)
        for computer in running[:5]:  # the user holds the down arrow
            app.pane.show_computer(computer)
            await pilot.pause()
        # first the positive (the last one arrives), then the negative (no others were fetched)
        last = running[4].id
        await wait_for(
            pilot, lambda: app.pane.shot is not None and app.pane.shot.computer_id == last, "last"
        )
        await settle(pilot)
        paths = [r["path"] for r in screenshot_requests(sim.root_url)]
        assert paths == [f"/api/v1/computers/{running[4].id}/desktop/screenshot"]
        assert app.pane.shot is not None and app.pane.shot.computer_id == running[4].id


async def test_stopped_computer_says_why_and_sends_nothing(sim: SimServer) -> None:
    app = HostApp(sim.base_url)
    async with app.run_test(size=SIZE) as pilot:
        fleet = await app.load_fleet()
        stopped = first(fleet, "stopped")
        reset_log(sim.root_url)
        app.pane.show_computer(stopped)
        await settle(pilot)
        await pilot.press("g")  # refresh on a stopped computer: still nothing sent
        app.pane.action_refresh_shot()
        await settle(pilot)
        assert app.pane.message == f"{stopped.name} is stopped: start it (s) to see its desktop"
        assert screenshot_requests(sim.root_url) == []
        assert app.pane.shot is None
        # A computer in error, then failed: said in English ("is error" before).
        broken = first(fleet, "error")
        app.pane.show_computer(broken)
        await settle(pilot)
        assert app.pane.message == f"{broken.name} is in error: there is no desktop to show"
        app.pane.computer_changed(Computer(broken.id, broken.name, "failed"))
        await settle(pilot)
        assert app.pane.message == f"{broken.name} has failed: there is no desktop to show"
        assert screenshot_requests(sim.root_url) == []


async def test_computer_that_starts_gets_fetched(sim: SimServer) -> None:
    app = HostApp(sim.base_url)
    async with app.run_test(size=SIZE) as pilot:
        stopped = first(await app.load_fleet(), "stopped")
        app.pane.show_computer(stopped)
        await settle(pilot)
        httpx.post(
            f"{sim.root_url}/_sim/computers/{stopped.id}/status", json={"status": "running"}
        ).raise_for_status()
        reset_log(sim.root_url)
        app.pane.computer_changed(Computer(stopped.id, stopped.name, "running"))
        await settle(pilot)
        assert len(screenshot_requests(sim.root_url)) == 1
        assert app.pane.shot is not None and app.pane.message == ""
        # and stopping again clears the picture with the reason, without a request
        reset_log(sim.root_url)
        app.pane.computer_changed(Computer(stopped.id, stopped.name, "stopping"))
        await settle(pilot)
        assert "is stopping" in app.pane.message
        assert not app.pane.query_one("#desktop-frame").display
        assert screenshot_requests(sim.root_url) == []


async def test_malformed_response_is_one_line_and_app_survives(sim: SimServer) -> None:
    app = HostApp(sim.base_url)
    async with app.run_test(size=SIZE) as pilot:
        running = first(await app.load_fleet(), "running")
        set_faults(sim.root_url, malformed_rate=1.0)
        app.pane.show_computer(running)
        await settle(pilot)
        message = app.pane.message
        assert message.startswith(f"Could not load the desktop of {running.name}:")
        assert "\n" not in message
        assert app.pane.query_one("#desktop-message").has_class("-error")
        set_faults(sim.root_url, malformed_rate=0.0)
        await pilot.press("tab")  # focus the pane, then refresh with its key
        await pilot.press("g")
        await settle(pilot)
        assert app.pane.shot is not None and app.pane.message == ""


async def test_bytes_that_claim_png_but_are_not(tmp_path: Path) -> None:
    """An HTML page or garbage behind the PNG magic must not reach PIL's UnidentifiedImageError."""
    bodies = [b"<html>502 Bad Gateway</html>", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64]

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/screenshot"):
            return httpx.Response(
                200,
                content=bodies[0],
                headers={"content-type": "image/png", "x-request-id": "req_42"},
            )
        return httpx.Response(404, json={"error": "nope"})

    app = HostApp("http://127.0.0.1:9/api/v1", transport=httpx.MockTransport(handler))
    async with app.run_test(size=SIZE) as pilot:
        computer = Computer("comp_1", "mock-desk", "running")
        for body in list(bodies):
            bodies[0] = body
            app.pane.show_computer(None)
            app.pane.show_computer(computer)
            await settle(pilot)
            assert app.pane.message.startswith("Could not load the desktop of mock-desk:")
            assert "\n" not in app.pane.message
            assert app.pane.shot is None
        assert app.is_running


async def open_region_select(app: HostApp, pilot: Any, computer: Computer) -> RegionSelectScreen:
    app.pane.show_computer(computer)
    await settle(pilot)
    app.pane.focus()
    await pilot.press("x")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, RegionSelectScreen)
    return screen


async def test_region_by_preset_arrows_and_shift_arrows(sim: SimServer) -> None:
    app = HostApp(sim.base_url)
    async with app.run_test(size=SIZE) as pilot:
        running = first(await app.load_fleet(), "running")
        screen = await open_region_select(app, pilot, running)
        await pilot.press("6")  # centre
        assert screen.selection == Region(250, 250, 500, 500)
        coords = str(screen.query_one("#region-coords", Static).render())
        assert coords == "x 250 y 250 w 500 h 500 → 640x400 px"
        await pilot.press("right", "down", "shift+right", "shift+up", "ctrl+left")
        assert screen.selection == Region(210, 260, 510, 490)
        reset_log(sim.root_url)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is not screen
        (request,) = region_requests(sim.root_url)
        assert request["json"] == {"x": 210, "y": 260, "width": 510, "height": 490}
        left, top, right, bottom = Region(210, 260, 510, 490).to_pixels(1280, 800)
        assert app.pane.shot is not None
        assert app.pane.shot.size == (right - left, bottom - top)
        assert app.pane.view_region == Region(210, 260, 510, 490)


async def test_top_left_quadrant_is_640x400(sim: SimServer) -> None:
    app = HostApp(sim.base_url)
    async with app.run_test(size=SIZE) as pilot:
        running = first(await app.load_fleet(), "running")
        await open_region_select(app, pilot, running)
        reset_log(sim.root_url)
        await pilot.press("2", "enter")
        await settle(pilot)
        (request,) = region_requests(sim.root_url)
        assert request["json"] == {"x": 0, "y": 0, "width": 500, "height": 500}
        assert app.pane.shot is not None and app.pane.shot.size == (640, 400)
        caption = str(app.pane.query_one("#desktop-caption", Static).render())
        assert "region x 0 y 0 w 500 h 500" in caption and "640x400" in caption
        # escape steps back to the full desktop
        app.pane.focus()
        await pilot.press("escape")
        await settle(pilot)
        assert app.pane.view_region is None
        assert app.pane.shot is not None and app.pane.shot.size == (1280, 800)


async def test_typed_numbers_refuse_bad_regions_without_a_request(sim: SimServer) -> None:
    app = HostApp(sim.base_url)
    async with app.run_test(size=SIZE) as pilot:
        running = first(await app.load_fleet(), "running")
        screen = await open_region_select(app, pilot, running)
        reset_log(sim.root_url)
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, RegionFormScreen)
        error = form.query_one("#region-form-error", Static)
        for field, value, reason in [
            ("width", "0", "zero area"),
            ("width", "abc", "whole number"),
            ("width", "", "width is empty"),
            ("x", "900", "right edge"),
        ]:
            form.query_one("#region-x", Input).value = "250"
            form.query_one("#region-width", Input).value = "500"
            form.query_one(f"#region-{field}", Input).value = value
            form.query_one(f"#region-{field}", Input).focus()
            await pilot.press("enter")
            await pilot.pause()
            assert app.screen is form
            assert reason in str(error.render())
        await pilot.press("escape")  # leave the form, then the selector
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is not screen
        assert region_requests(sim.root_url) == []
        # a valid typed region is applied to the selection
        screen = await open_region_select(app, pilot, running)
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, RegionFormScreen)
        for field, value in zip(form.FIELDS, ("100", "200", "300", "400"), strict=True):
            form.query_one(f"#region-{field}", Input).value = value
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen and screen.selection == Region(100, 200, 300, 400)


async def test_pane_refuses_invalid_region_before_any_request(sim: SimServer) -> None:
    app = HostApp(sim.base_url)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        running = first(await app.load_fleet(), "running")
        app.pane.show_computer(running)
        await settle(pilot)
        reset_log(sim.root_url)
        for bad in (Region(0, 0, 0, 100), Region(900, 0, 200, 100), Region(-1, 0, 10, 10)):
            app.pane.capture_region(bad)
            await settle(pilot)
        assert screenshot_requests(sim.root_url) == []
        assert app.pane.view_region is None
        await wait_for(
            pilot, lambda: any("Region refused" in t for t in drawn_toasts(app)), "the refusal"
        )


async def test_mouse_drag_draws_and_moves_the_selection(sim: SimServer) -> None:
    app = HostApp(sim.base_url)
    async with app.run_test(size=SIZE) as pilot:
        running = first(await app.load_fleet(), "running")
        screen = await open_region_select(app, pilot, running)
        picture = screen.query_one("#region-image")
        cols, rows = picture.content_region.width, picture.content_region.height
        assert cols > 10 and rows > 10
        # draw: from the top-left cell to the middle
        await pilot.mouse_down(picture, offset=(0, 0))
        await pilot.hover(picture, offset=(cols // 2 - 1, rows // 2 - 1))
        await pilot.mouse_up(picture, offset=(cols // 2 - 1, rows // 2 - 1))
        drawn = region_from_cells((0, 0), (cols // 2 - 1, rows // 2 - 1), (cols, rows))
        assert screen.selection == drawn
        assert drawn.x == 0 and drawn.y == 0 and 450 <= drawn.width <= 550
        # move: grab inside and drag right by a quarter of the picture
        await pilot.mouse_down(picture, offset=(2, 2))
        await pilot.hover(picture, offset=(2 + cols // 4, 2))
        await pilot.mouse_up(picture, offset=(2 + cols // 4, 2))
        assert screen.selection.width == drawn.width
        assert screen.selection.height == drawn.height
        assert 200 <= screen.selection.x <= 300 and screen.selection.y == 0


async def test_save_writes_the_original_png(sim: SimServer, tmp_path: Path) -> None:
    app = HostApp(sim.base_url)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        running = first(await app.load_fleet(), "running")
        await open_region_select(app, pilot, running)
        await pilot.press("2", "enter")  # top-left quadrant: 640x400
        await settle(pilot)
        app.pane.focus()
        await pilot.press("e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, PathDialog)
        box = dialog.query_one("#path", Input)
        assert box.value.startswith(f"./{running.name}-region-0-0-500-500-")
        assert box.value.endswith(".png")
        box.value = str(tmp_path / "missing-folder" / "x.png")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog  # refused in the form, with the reason
        assert "No such folder" in str(dialog.query_one("#path-error", Static).render())
        target = tmp_path / "quadrant.png"
        box.value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is not dialog
        with Image.open(target) as saved:
            assert saved.format == "PNG" and saved.size == (640, 400)
        assert app.pane.saved_path == target.resolve()
        assert app.clipboard == ""  # saving leaves the clipboard alone (issue 12)
        await pilot.press("y")
        assert app.clipboard == str(target.resolve())
        saved_line = str(app.pane.query_one("#desktop-saved", Static).render())
        assert str(target.resolve()) in saved_line
        # The toast draws the path folded over lines where it is longer than one (drawn_toasts
        # joins them with a space): compare without the spaces.
        path = str(target.resolve()).replace(" ", "")
        await wait_for(
            pilot,
            lambda: any(f"Saved{path}" in t.replace(" ", "") for t in drawn_toasts(app)),
            "the saved toast",
        )


async def test_save_to_full_resolution_not_thumbnail(sim: SimServer, tmp_path: Path) -> None:
    app = HostApp(sim.base_url)
    async with app.run_test(size=(60, 20)) as pilot:  # a small pane: a tiny thumbnail
        running = first(await app.load_fleet(), "running")
        app.pane.show_computer(running)
        await settle(pilot)
        path = await app.pane.save_to(tmp_path / "full")
        assert path.name == "full.png"
        with Image.open(path) as saved:
            assert saved.size == (1280, 800)


async def test_auto_refresh_only_while_on_and_running(sim: SimServer) -> None:
    app = HostApp(sim.base_url)
    async with app.run_test(size=SIZE) as pilot:
        computers = await app.load_fleet()
        running, stopped = first(computers, "running"), first(computers, "stopped")
        app.pane.show_computer(running)
        await settle(pilot)
        reset_log(sim.root_url)
        app.pane._auto_tick()  # off: the tick does nothing
        await settle(pilot)
        assert screenshot_requests(sim.root_url) == []
        app.pane.focus()
        await pilot.press("G")
        assert app.pane.auto
        app.pane._auto_tick()
        await settle(pilot)
        assert len(screenshot_requests(sim.root_url)) == 1
        app.pane.show_computer(stopped)
        await settle(pilot)
        reset_log(sim.root_url)
        app.pane._auto_tick()  # on, but a stopped computer: nothing
        await settle(pilot)
        assert screenshot_requests(sim.root_url) == []
