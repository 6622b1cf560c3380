"""The 0-1000 region: validation sentences, clamping, moves, pixel round trips, parsing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from miosa_tui.fleet.region import PRESETS, Region, RegionError, parse

coords = st.integers(min_value=-3000, max_value=3000)


@st.composite
def valid_regions(draw: st.DrawFn) -> Region:
    x = draw(st.integers(0, 999))
    y = draw(st.integers(0, 999))
    return Region(x, y, draw(st.integers(1, 1000 - x)), draw(st.integers(1, 1000 - y)))


image_sizes = st.integers(min_value=1, max_value=4000)


@given(coords, coords, coords, coords)
def test_clamped_is_always_valid(x: int, y: int, w: int, h: int) -> None:
    assert Region(x, y, w, h).clamped().validate() is None


@given(valid_regions(), coords, coords)
def test_moved_stays_inside_and_keeps_size(region: Region, dx: int, dy: int) -> None:
    moved = region.moved(dx, dy)
    assert moved.validate() is None
    assert (moved.width, moved.height) == (region.width, region.height)


@given(valid_regions(), coords, coords)
def test_resized_stays_inside(region: Region, dw: int, dh: int) -> None:
    resized = region.resized(dw, dh)
    assert resized.validate() is None
    assert (resized.x, resized.y) == (region.x, region.y)


@given(valid_regions(), image_sizes, image_sizes)
def test_to_pixels_is_a_non_empty_box_inside_the_image(region: Region, w: int, h: int) -> None:
    left, top, right, bottom = region.to_pixels(w, h)
    assert 0 <= left < right <= w and 0 <= top < bottom <= h


@given(valid_regions(), st.integers(100, 4000), st.integers(100, 4000))
def test_region_pixel_round_trip_within_rounding(region: Region, w: int, h: int) -> None:
    back = Region.from_pixels(region.to_pixels(w, h), w, h)
    # One pixel is 1000/w units; two roundings (plus the 1-px minimum) stay within that.
    tol_x, tol_y = 1000 / w + 1, 1000 / h + 1
    assert abs(back.x - region.x) <= tol_x and abs(back.y - region.y) <= tol_y
    assert abs(back.width - region.width) <= 2 * tol_x
    assert abs(back.height - region.height) <= 2 * tol_y


@given(st.data(), st.integers(2, 2000), st.integers(2, 2000))
def test_pixel_box_round_trip_within_one_pixel(data: st.DataObject, w: int, h: int) -> None:
    left = data.draw(st.integers(0, w - 1))
    top = data.draw(st.integers(0, h - 1))
    right = data.draw(st.integers(left + 1, w))
    bottom = data.draw(st.integers(top + 1, h))
    box = Region.from_pixels((left, top, right, bottom), w, h).to_pixels(w, h)
    # A unit is w/1000 px; with w <= 2000 two roundings lose at most one pixel per edge,
    # except that a box thinner than one unit becomes one unit wide.
    unit_x, unit_y = w / 1000, h / 1000
    assert abs(box[0] - left) <= 1 and abs(box[1] - top) <= 1
    assert abs(box[2] - right) <= 1 + unit_x and abs(box[3] - bottom) <= 1 + unit_y


def test_known_conversions() -> None:
    assert Region(0, 0, 1000, 1000).to_pixels(1280, 800) == (0, 0, 1280, 800)
    assert PRESETS["centre"].to_pixels(1280, 800) == (320, 200, 960, 600)
    assert Region.from_pixels((320, 200, 960, 600), 1280, 800) == PRESETS["centre"]
    assert Region.from_pixels((960, 600, 320, 200), 1280, 800) == PRESETS["centre"]


@pytest.mark.parametrize(
    ("region", "fragment"),
    [
        (Region(0, 0, 0, 10), "zero area"),
        (Region(-1, 0, 10, 10), "x must not be negative"),
        (Region(0, 1000, 10, 10), "y must be less than 1000"),
        (Region(900, 0, 200, 10), "past the right edge"),
        (Region(0, 900, 10, 200), "past the bottom edge"),
        (Region(1.5, 0, 10, 10), "x must be a whole number"),  # type: ignore[arg-type]
        (Region(0, 0, True, 10), "width must be a whole number"),
    ],
)
def test_validate_sentences(region: Region, fragment: str) -> None:
    reason = region.validate()
    assert reason is not None and fragment in reason


def test_presets_are_valid() -> None:
    assert all(r.validate() is None for r in PRESETS.values())
    assert PRESETS["top-bar"] == Region(0, 0, 1000, 60)
    assert PRESETS["bottom-right"] == Region(500, 500, 500, 500)
    assert Region.full() == PRESETS["full"]


def test_parse() -> None:
    assert parse("10,20,300,400") == Region(10, 20, 300, 400)
    assert parse(" 10 20, 300 ,400 ") == Region(10, 20, 300, 400)
    assert parse("10.0,20,300,400") == Region(10, 20, 300, 400)
    assert parse("Center") == PRESETS["centre"]
    assert parse("top bar") == PRESETS["top-bar"]
    for text, fragment in [
        ("1,2,3", "four numbers"),
        ("a,2,3,4", "x must be a whole number"),
        ("1,2,3.5,4", "width must be a whole number"),
        ("0,0,0,0", "zero area"),
        ("900,0,200,10", "right edge"),
    ]:
        with pytest.raises(RegionError) as info:
            parse(text)
        assert fragment in info.value.reason
        assert isinstance(info.value, ValueError)


@given(st.text())
def test_parse_raises_only_region_error(text: str) -> None:
    try:
        assert parse(text).validate() is None
    except RegionError as err:
        assert err.reason
