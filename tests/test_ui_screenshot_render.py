"""Renderer choice and the PIL helpers: names map to textual-image classes, auto falls back to
halfcell where detection is known to pick badly, bad bytes become a typed error, and the faster
halfcell (and the desktop pane's strips, made by the same encoder) draw exactly the cells the
stock one draws."""

from __future__ import annotations

import io
from typing import Any

import pytest
import textual_image.widget as tiw
from PIL import Image
from rich.console import Console
from rich.segment import Segment
from textual_image.renderable.halfcell import Image as StockHalfcell

from miosa_tui.api.errors import InvalidInputError, ResponseFormatError
from miosa_tui.ui.image_renderer import (
    decode_png,
    fit_box,
    fit_image,
    image_class,
    normalize_renderer,
    prepare_renderer,
    thumbnail_png,
)
from miosa_tui.ui.widgets.desktop.strips import halfcell_strips


def png_bytes(size: tuple[int, int] = (64, 40)) -> bytes:
    image = Image.new("RGB", size, (10, 20, 30))
    for x in range(size[0]):
        for y in range(size[1]):
            if (x // 8 + y // 5) % 2:
                image.putpixel((x, y), (x * 3 % 256, y * 6 % 256, 200))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def test_names_map_to_textual_image_classes() -> None:
    prepare_renderer("halfcell")
    assert issubclass(image_class("halfcell"), tiw.HalfcellImage)
    assert image_class("unicode") is tiw.UnicodeImage
    assert image_class("sixel") is tiw.SixelImage
    assert image_class("tgp") is tiw.TGPImage
    assert image_class(None) is image_class("halfcell")  # the default


def test_auto_and_unknown_names() -> None:
    assert normalize_renderer("auto", {}) == "auto"
    assert normalize_renderer("auto", {"TMUX": "/tmp/tmux-0/default,1,0"}) == "halfcell"
    assert normalize_renderer("auto", {"TERM_PROGRAM": "textual"}) == "halfcell"
    assert normalize_renderer(" HalfCell ", {}) == "halfcell"
    with pytest.raises(InvalidInputError, match="choose one of"):
        normalize_renderer("kitty", {})


@pytest.mark.parametrize(
    "data",
    [b"<html><body>502 Bad Gateway</body></html>", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, b""],
)
def test_bad_bytes_are_a_typed_error(data: bytes) -> None:
    with pytest.raises(ResponseFormatError):
        decode_png(data)


def test_fit_keeps_aspect_and_never_upscales() -> None:
    decoded = decode_png(png_bytes((1280, 800)))
    assert (decoded.width, decoded.height) == (1280, 800)
    assert fit_box((80, 20), "halfcell") == (80, 40)
    assert fit_image(decoded.image, (80, 40)).size == (64, 40)
    small = decode_png(png_bytes((32, 20)))
    assert fit_image(small.image, (80, 40)).size == (32, 20)
    thumb, w, h = thumbnail_png(png_bytes((1280, 800)), (30, 18))
    assert (w, h) == (1280, 800) and thumb.size == (29, 18)


def cells(segments: list[Any]) -> list[tuple[str, object, object]]:
    """One (char, fg, bg) per cell, whatever the segmentation."""
    out: list[tuple[str, object, object]] = []
    for segment in segments:
        assert isinstance(segment, Segment)
        style = segment.style
        for char in segment.text:
            out.append((char, style and style.color, style and style.bgcolor))
    return out


@pytest.mark.parametrize("size", [(64, 40), (33, 17)])
def test_fast_halfcell_draws_the_same_cells(size: tuple[int, int]) -> None:
    image = Image.open(io.BytesIO(png_bytes(size)))
    fast_renderable = image_class("halfcell")._Renderable  # type: ignore[attr-defined]
    console = Console(width=size[0], color_system="truecolor", file=io.StringIO())
    options = console.options.update(width=size[0], height=size[1])
    stock = list(StockHalfcell(image, "auto", "auto").__rich_console__(console, options))
    fast = list(fast_renderable(image, "auto", "auto").__rich_console__(console, options))
    assert cells(fast) == cells(stock)
    assert len(fast) < len(stock)  # runs of equal cells are merged


@pytest.mark.parametrize("size", [(64, 40), (33, 18)])
def test_pane_strips_draw_the_stock_cells(size: tuple[int, int]) -> None:
    """The desktop pane's strips (made in a thread) and textual-image's stock halfcell draw the
    same cells for an image already scaled to the pane."""
    image = Image.open(io.BytesIO(png_bytes(size)))
    console = Console(width=size[0], color_system="truecolor", file=io.StringIO())
    rows = size[1] // 2
    options = console.options.update(width=size[0], height=rows)
    stock = list(StockHalfcell(image, size[0], rows).__rich_console__(console, options))
    strips = halfcell_strips(image)
    assert len(strips) == rows
    drawn = [segment for strip in strips for segment in [*strip, Segment("\n")]]
    assert cells(drawn) == cells(stock)


def test_pane_strips_draw_an_odd_last_row_over_black() -> None:
    image = Image.new("RGB", (5, 3), (200, 10, 10))
    strips = halfcell_strips(image)
    assert len(strips) == 2
    last = cells(list(strips[1]))
    assert len(last) == 5
    assert {(fg.triplet, bg.triplet) for _, fg, bg in last} == {((200, 10, 10), (0, 0, 0))}
