"""Which textual-image widget draws screenshots, and the PIL work done before drawing.

textual-image probes the terminal (Sixel, TGP, cell size) when `textual_image.widget` is first
imported, and those probes can only be answered before Textual owns stdin. So the import is lazy
(importing this module costs nothing) and `prepare_renderer()` must run before `App.run()`.

Halfcell is the default: it works in every truecolor terminal, in tmux, in a browser
(textual-serve) and in SVG snapshots. Sixel and TGP are opt-in.

The PIL helpers here are meant to run in a thread: decoding a 1280x800 PNG and scaling it costs
tens of milliseconds, which would stall the event loop if done on it.
"""

from __future__ import annotations

import importlib
import io
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from miosa_tui.api.errors import InvalidInputError, ResponseFormatError

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage
    from rich.segment import Segment
    from textual.widget import Widget

RENDERERS = ("auto", "halfcell", "unicode", "sixel", "tgp")
DEFAULT_RENDERER = "halfcell"


def normalize_renderer(name: str | None, environ: Mapping[str, str] | None = None) -> str:
    """The renderer to use for a setting: `auto` becomes halfcell where auto-detection is known
    to pick badly (textual-serve reports no TTY and would get grey blocks; tmux 3.3 has no image
    passthrough in textual-image 0.12)."""
    env = os.environ if environ is None else environ
    value = (name or DEFAULT_RENDERER).strip().lower()
    if value not in RENDERERS:
        raise InvalidInputError(
            f"Unknown image renderer {name!r}: choose one of {', '.join(RENDERERS)}."
        )
    if value == "auto" and (env.get("TERM_PROGRAM") == "textual" or env.get("TMUX")):
        return "halfcell"
    return value


def resolve_renderer(name: str | None) -> str:
    """The renderer that draws: the setting, or for `auto` what `terminal_probe.choose` picked
    from the terminal's name and version (the terminal is asked once, see `prepare_renderer`)."""
    value = normalize_renderer(name)
    if value == "auto":
        from miosa_tui.ui.terminal_probe import auto_choice

        return auto_choice()[0]
    return value


def prepare_renderer(name: str | None = None) -> None:
    """Ask the terminal now what it needs asked, while we still own stdin.

    Call this in the CLI before `app.run()`. `auto` asks the terminal its name and version
    (`terminal_probe`, at most half a second for a terminal that answers nothing). Sixel and TGP
    import textual-image with its probes (the cell size in pixels). halfcell and unicode draw
    with plain characters and need no probe, so for them nothing is imported here: `image_class`
    loads textual-image when the first picture is drawn, after the dashboard's first paint.
    """
    if resolve_renderer(name) not in ("halfcell", "unicode"):
        _import_widgets(probe=True)


def _import_widgets(*, probe: bool) -> None:
    """Import `textual_image.widget`; with `probe=False`, without its terminal probes.

    textual-image probes (Sixel, TGP, cell size: up to 0.1 s each, and a risk of swallowing a
    key typed meanwhile) only when `sys.__stdout__` is a TTY, so it is shown a non-TTY stand-in
    for the import. Textual writes to stderr, so nothing else notices; the cell size falls back
    to textual-image's VT340 default, which halfcell and unicode do not depend on.
    """
    if "textual_image.widget" in sys.modules:
        return
    real = sys.__stdout__
    # typeshed makes sys.__stdout__ read-only (Final); replacing it for the import is the point.
    if not probe:
        sys.__stdout__ = io.StringIO()  # type: ignore[misc,assignment]
    try:
        importlib.import_module("textual_image.widget")  # imported for its side effect
    finally:
        sys.__stdout__ = real  # type: ignore[misc]


def image_class(name: str | None) -> type[Widget]:
    """The textual-image widget class for a renderer setting (auto|halfcell|unicode|sixel|tgp).

    halfcell is textual-image's HalfcellImage with a faster renderable (see `_fast_halfcell`).
    """
    value = resolve_renderer(name)
    _import_widgets(probe=value not in ("halfcell", "unicode"))
    import textual_image.widget as tiw

    classes: dict[str, type[Widget]] = {
        "halfcell": _fast_halfcell(),
        "unicode": tiw.UnicodeImage,
        "sixel": tiw.SixelImage,
        "tgp": tiw.TGPImage,
    }
    return classes[value]


UPPER_HALF = "▀"


def halfcell_lines(image: PILImage) -> list[list[Segment]]:
    """The halfcell cells of `image`, one list of Rich segments per two pixel rows (one cell per
    pixel column): `▀` with the upper pixel as foreground and the lower one as background, runs
    of equal cells merged into one segment, one Style per colour pair. An odd last pixel row is
    drawn over black. Thread-safe: it builds new objects only.

    The one halfcell encoder: `_fast_halfcell` (textual-image's widget) and
    `widgets.desktop.strips.halfcell_strips` (the desktop pane) both draw with it."""
    from rich.color import Color
    from rich.color_triplet import ColorTriplet
    from rich.segment import Segment
    from rich.style import Style

    rgb = image.convert("RGB")
    width, height = rgb.size
    if height % 2:
        from PIL import Image

        padded = Image.new("RGB", (width, height + 1))
        padded.paste(rgb, (0, 0))
        rgb, height = padded, height + 1
    data = rgb.tobytes()
    stride = width * 3
    styles: dict[bytes, Style] = {}
    lines: list[list[Segment]] = []
    for row in range(height // 2):
        upper = data[2 * row * stride : (2 * row + 1) * stride]
        lower = data[(2 * row + 1) * stride : (2 * row + 2) * stride]
        segments: list[Segment] = []
        run_key = b""
        run = 0
        for x in range(0, stride, 3):
            key = upper[x : x + 3] + lower[x : x + 3]
            if key == run_key:
                run += 1
                continue
            if run:
                segments.append(Segment(UPPER_HALF * run, styles[run_key]))
            style = styles.get(key)
            if style is None:
                style = styles[key] = Style(
                    color=Color.from_triplet(ColorTriplet(key[0], key[1], key[2])),
                    bgcolor=Color.from_triplet(ColorTriplet(key[3], key[4], key[5])),
                )
            run_key, run = key, 1
        if run:
            segments.append(Segment(UPPER_HALF * run, styles[run_key]))
        lines.append(segments)
    return lines


_FAST_HALFCELL: type[Widget] | None = None


def _fast_halfcell() -> type[Widget]:
    """textual-image's HalfcellImage, drawing the same cells with far fewer Rich objects.

    The stock renderable makes one Color, one Style and one Segment per cell, which cost about
    17 µs a cell on the event loop (125 ms for a 160x46 pane). This one reuses one Style per
    (upper, lower) colour pair and merges runs of equal cells into one Segment; desktops are
    mostly flat colour, so that cuts the work several times over. Same pixels, same output.
    """
    global _FAST_HALFCELL
    if _FAST_HALFCELL is not None:
        return _FAST_HALFCELL
    from typing import Any as _Any

    from rich.segment import Segment
    from textual_image._terminal import get_cell_size
    from textual_image.renderable.halfcell import Image as HalfcellRenderable
    from textual_image.widget import HalfcellImage

    class RunLengthHalfcell(HalfcellRenderable):
        def __rich_console__(self, console: _Any, options: _Any) -> _Any:
            width, rows = self._render_size.get_cell_size(
                options.max_width, options.max_height, get_cell_size()
            )
            image = self._image_data._image.convert("RGB").resize((width, rows * 2))
            newline = Segment("\n")
            for line in halfcell_lines(image):
                yield from line
                yield newline

    class FastHalfcellImage(HalfcellImage, Renderable=RunLengthHalfcell):
        """HalfcellImage with the run-length renderable."""

    _FAST_HALFCELL = FastHalfcellImage
    return FastHalfcellImage


def pixels_per_cell(name: str | None) -> tuple[int, int]:
    """How many image pixels one terminal cell can show: 1x2 for halfcell (one `▀` shows two
    pixels), the terminal's cell size in pixels for Sixel/TGP (auto may be either)."""
    value = resolve_renderer(name)
    if value in ("halfcell", "unicode"):
        return 1, 2
    from textual_image._terminal import get_cell_size

    size = get_cell_size()
    return max(1, int(size.width)), max(1, int(size.height))


@dataclass(frozen=True, slots=True)
class Decoded:
    """A decoded screenshot: the full-resolution image and its size in pixels."""

    image: PILImage
    width: int
    height: int


def decode_png(data: bytes) -> Decoded:
    """PNG bytes -> RGB PIL image; anything else (an HTML error page, truncated bytes) raises
    ResponseFormatError with a sentence instead of PIL's UnidentifiedImageError."""
    from PIL import Image, UnidentifiedImageError

    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise ResponseFormatError("The screenshot is not a PNG image.")
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
        rgb = image.convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise ResponseFormatError(f"The screenshot could not be decoded: {exc}.") from None
    return Decoded(rgb, rgb.width, rgb.height)


def fit_box(cells: tuple[int, int], renderer: str | None) -> tuple[int, int]:
    """The largest pixel box worth drawing in `cells` (columns, rows) with this renderer."""
    px_w, px_h = pixels_per_cell(renderer)
    cols, rows = cells
    box = max(1, cols * px_w), max(1, rows * px_h)
    if resolve_renderer(renderer) == "sixel":
        most = sixel_max_pixels()
        box = min(box[0], most[0]), min(box[1], most[1])
    return box


def sixel_max_pixels() -> tuple[int, int]:
    """The largest sixel picture the terminal draws: what it said (XTSMGRAPHICS), else xterm's
    default 1000x1000. xterm drops a bigger picture whole, so nothing would show."""
    from miosa_tui.ui.terminal_probe import DEFAULT_SIXEL_MAX, probed

    info = probed()
    if info is not None and info.sixel_max is not None:
        return info.sixel_max
    return DEFAULT_SIXEL_MAX


def max_cells(renderer: str | None) -> tuple[int, int] | None:
    """(columns, rows) a picture widget may take at most with this renderer: for sixel, what
    fits in `sixel_max_pixels`; None where there is no limit."""
    if resolve_renderer(renderer) != "sixel":
        return None
    px_w, px_h = pixels_per_cell(renderer)
    most_w, most_h = sixel_max_pixels()
    return max(1, most_w // px_w), max(1, most_h // px_h)


def limit_size(widget: Widget, renderer: str | None) -> Widget:
    """`widget` with a max width and height that keep a sixel picture drawable (see
    `max_cells`); unchanged for other renderers."""
    limit = max_cells(renderer)
    if limit is not None:
        widget.styles.max_width = limit[0]
        widget.styles.max_height = limit[1]
    return widget


def fit_image(image: PILImage, box: tuple[int, int]) -> PILImage:
    """A copy scaled down to fit `box` (keeping the aspect ratio; never scaled up, the renderer
    does that). Drawing a small image is much cheaper than letting the renderer scale 1280x800."""
    copy = image.copy()
    copy.thumbnail((max(1, box[0]), max(1, box[1])))
    return copy


def thumbnail_png(data: bytes, box: tuple[int, int]) -> tuple[PILImage, int, int]:
    """Decode and shrink in one go (for the wall): (thumbnail, original width, original height)."""
    decoded = decode_png(data)
    return fit_image(decoded.image, box), decoded.width, decoded.height
