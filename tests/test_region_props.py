"""Region arithmetic the UI adds on top of fleet/region.py (whose own properties are covered in
test_fleet_region.py): terminal cells to 0-1000 for mouse selection, the preset keys, the
'→ WxH px' promise matching what the simulator returns, and the selection overlay."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from miosa_tui.fleet.region import PRESETS, SPACE, Region
from miosa_tui.sim.routes import region_box
from miosa_tui.ui.screens.region_select import (
    PRESET_KEYS,
    cell_to_space,
    describe,
    draw_selection,
    region_from_cells,
)

cells = st.integers(1, 400)


@st.composite
def valid_regions(draw: st.DrawFn) -> Region:
    x = draw(st.integers(0, SPACE - 1))
    y = draw(st.integers(0, SPACE - 1))
    return Region(x, y, draw(st.integers(1, SPACE - x)), draw(st.integers(1, SPACE - y)))


@given(cells, st.data())
def test_cell_edges_are_monotonic_and_span_the_space(count: int, data: st.DataObject) -> None:
    a = data.draw(st.integers(-5, count + 5))
    b = data.draw(st.integers(-5, count + 5))
    assert cell_to_space(0, count) == 0
    assert cell_to_space(count, count) == SPACE
    if a <= b:
        assert cell_to_space(a, count) <= cell_to_space(b, count)
    assert 0 <= cell_to_space(a, count) <= SPACE


@given(cells, cells, st.data())
def test_dragged_cells_give_a_valid_region_covering_them(
    cols: int, rows: int, data: st.DataObject
) -> None:
    a = (data.draw(st.integers(0, cols - 1)), data.draw(st.integers(0, rows - 1)))
    b = (data.draw(st.integers(0, cols - 1)), data.draw(st.integers(0, rows - 1)))
    region = region_from_cells(a, b, (cols, rows))
    assert region.validate() is None
    assert region == region_from_cells(b, a, (cols, rows))  # direction does not matter
    # every dragged cell's left/top edge is inside the region
    left, right = sorted((a[0], b[0]))
    top, bottom = sorted((a[1], b[1]))
    assert region.x <= cell_to_space(left, cols)
    assert region.x + region.width >= min(SPACE, cell_to_space(right + 1, cols))
    assert region.y <= cell_to_space(top, rows)
    assert region.y + region.height >= min(SPACE, cell_to_space(bottom + 1, rows))


@given(cells, cells)
def test_dragging_corner_to_corner_selects_everything(cols: int, rows: int) -> None:
    assert region_from_cells((0, 0), (cols - 1, rows - 1), (cols, rows)) == Region.full()


def test_preset_keys_are_full_quadrants_centre_top_bar() -> None:
    assert PRESET_KEYS == (
        "full",
        "top-left",
        "top-right",
        "bottom-left",
        "bottom-right",
        "centre",
        "top-bar",
    )
    for key in PRESET_KEYS:
        assert PRESETS[key].validate() is None
    assert describe(PRESETS["top-left"], 1280, 800) == "x 0 y 0 w 500 h 500 → 640x400 px"
    assert describe(PRESETS["full"], 1280, 800) == "x 0 y 0 w 1000 h 1000 → 1280x800 px"


@given(valid_regions(), st.integers(16, 4000), st.integers(16, 4000))
def test_shown_pixel_size_is_what_the_simulator_returns(region: Region, w: int, h: int) -> None:
    """The '→ WxH px' promised before Enter equals the crop the simulator makes."""
    left, top, right, bottom = region_box((region.x, region.y, region.width, region.height), w, h)
    assert describe(region, w, h).endswith(f"→ {right - left}x{bottom - top} px")


@given(valid_regions(), st.integers(2, 120), st.integers(2, 80))
def test_overlay_keeps_inside_and_dims_outside(region: Region, w: int, h: int) -> None:
    base = Image.new("RGB", (w, h), (200, 180, 160))
    out = draw_selection(base, region)
    assert out.size == base.size
    left, top, right, bottom = region.to_pixels(w, h)
    if right - left > 2 and bottom - top > 2:  # strictly inside the outline: untouched
        assert out.getpixel((left + 1, top + 1)) == (200, 180, 160)
    if left > 0:  # outside: dimmed
        dimmed = out.getpixel((0, 0))
        assert isinstance(dimmed, tuple) and sum(dimmed) < sum((200, 180, 160))
