"""Every picture view with every renderer that draws without a real terminal's help: the desktop
pane, region select (before and after Enter) and the wall each end up holding the picture.
(What a real terminal shows is tests/test_realterm_pictures.py, `pytest -m realterm`; tgp is
left out here because textual-image writes its pictures straight to the process's stdout.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ui_helpers import make_app, side_panes, wait_for

from miosa_tui.sim.server import SimServer
from miosa_tui.ui.screens.region_select import RegionSelectScreen
from miosa_tui.ui.screens.wall import WallScreen


@pytest.mark.parametrize("renderer", ["halfcell", "unicode", "sixel"])
async def test_every_view_holds_its_picture(sim: SimServer, tmp_path: Path, renderer: str) -> None:
    app = make_app(sim, tmp_path, image_renderer=renderer)
    async with app.run_test(size=(160, 48)) as pilot:
        pane = (await side_panes(pilot, app)).desktop
        await wait_for(pilot, lambda: pane.shot is not None, "the first desktop")
        image: Any = pane.query_one("#desktop-image")
        await wait_for(pilot, lambda: image.region.area > 0, "the picture laid out")
        assert image.image is not None

        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, RegionSelectScreen))
        region_image: Any = app.screen.query_one("#region-image")
        await wait_for(pilot, lambda: region_image.image is not None, "the region picture")
        if renderer == "sixel":  # within xterm's default maxGraphicSize (1000x1000 px)
            assert region_image.image.width <= 1000 and region_image.image.height <= 1000

        await pilot.press("enter")
        await wait_for(pilot, lambda: pane.shot is not None and pane.shot.region is not None)
        await wait_for(pilot, lambda: pane.query_one("#desktop-image").region.area > 0)

        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, WallScreen))
        wall = app.screen
        assert isinstance(wall, WallScreen)
        await wait_for(pilot, lambda: bool(wall.tiles) and wall.tiles[0].refreshed > 0)
        tile_image: Any = wall.tiles[0].query_one(".wall-image")
        assert tile_image.image is not None
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is app.dashboard)


async def test_region_select_ignores_repaints_of_the_screen_below(
    sim: SimServer, tmp_path: Path
) -> None:
    """The dashboard below keeps changing (its header every second); none of it may repaint the
    region selector's picture: a sixel picture is sent again on every repaint, which kept xterm
    black. The selector's own changes still repaint it."""
    from miosa_tui.ui.widgets.fleet_header import FleetHeader

    app = make_app(sim, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        pane = (await side_panes(pilot, app)).desktop
        await wait_for(pilot, lambda: pane.shot is not None, "the first desktop")
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, RegionSelectScreen))
        picture: Any = app.screen.query_one("#region-image")
        await wait_for(pilot, lambda: picture.image is not None, "the region picture")
        await pilot.pause(0.3)
        painted: list[object] = []
        original = picture.render_lines
        picture.render_lines = lambda crop: painted.append(crop) or original(crop)
        header = app.dashboard.query_one(FleetHeader)
        for n in range(5):  # the screen below changes where the picture is
            header.filter_text = f"changed {n}"
            pane.query_one("#desktop-caption").update(f"caption {n}")
            await pilot.pause(0.1)
        assert painted == []
        shown = picture.image
        await pilot.press("right")  # the selector's own change repaints it
        await wait_for(pilot, lambda: picture.image is not shown and painted, "a repaint")
