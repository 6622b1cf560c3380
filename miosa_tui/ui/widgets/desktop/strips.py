"""A halfcell picture whose lines are built in a thread, so drawing it costs the loop ~nothing.

textual-image's HalfcellImage builds its Rich segments when Textual first renders it, on the event
loop: about 300 ms for a 160x46 pane on a loaded 2-core machine (benchmarks/bench_screenshot.py,
profile in benchmarks/profiles/screenshot_before.txt), during which no key is handled.
`halfcell_strips` makes the same cells (`▀`, the upper pixel as foreground, the lower one as
background, runs of equal cells merged) as finished Textual Strips from an image already scaled to
one pixel per column and two per row; the pane calls it in the thread that decodes the PNG, and
`StripImage` only hands the strips to Textual.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.color import Color
from rich.color_triplet import ColorTriplet
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widget import Widget

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage
    from rich.console import Console

UPPER_HALF = "▀"


def halfcell_strips(image: PILImage, console: Console | None = None) -> list[Strip]:
    """One Strip per two pixel rows of `image` (one cell per pixel column). Thread-safe: it
    builds new objects only. With `console` (the app's), each strip's terminal escapes are made
    here too: Textual reuses them when it writes the picture (a strip that fills its widget's
    width reaches the driver as the same object), which is ~25 ms less on the event loop."""
    rgb = image.convert("RGB")
    width, height = rgb.size
    if height % 2:  # the last cell row shows its one pixel row over black
        from PIL import Image

        padded = Image.new("RGB", (width, height + 1))
        padded.paste(rgb, (0, 0))
        rgb, height = padded, height + 1
    data = rgb.tobytes()
    stride = width * 3
    styles: dict[bytes, Style] = {}
    strips: list[Strip] = []
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
        strip = Strip(segments, width)
        if console is not None:
            strip.render(console)  # cached on the strip (reads only console._color_system)
        strips.append(strip)
    return strips


class StripImage(Widget):
    """Shows strips made by `halfcell_strips`; sized to them (one cell per strip column)."""

    DEFAULT_CSS = "StripImage { width: auto; height: auto; }"

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.image: PILImage | None = None  # the picture the strips were made from
        self._strips: list[Strip] = []
        self._columns = 0

    def show(self, image: PILImage | None, strips: list[Strip] | None) -> None:
        """Show `strips` (made from `image`), or nothing when either is None."""
        before = (self._columns, len(self._strips))
        if image is None or strips is None:
            self.image, self._strips, self._columns = None, [], 0
        else:
            self.image = image
            self._strips = strips
            self._columns = max((s.cell_length for s in strips), default=0)
        # a picture of the same size repaints in place: no layout pass over the whole screen
        self.refresh(layout=(self._columns, len(self._strips)) != before)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return self._columns

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._strips)

    def render_line(self, y: int) -> Strip:
        if 0 <= y < len(self._strips):
            return self._strips[y]
        return Strip.blank(self.size.width)

    def render_lines(self, crop: Region) -> list[Strip]:
        """The strips as built, cropped: no per-line styling pass (the picture's own colours
        are the point; Textual's styles cache cost ~25 ms for a 160x46 pane here)."""
        blank = Strip.blank(crop.width)
        lines = []
        for y in range(crop.y, crop.bottom):
            if 0 <= y < len(self._strips):
                lines.append(self._strips[y].crop_extend(crop.x, crop.right, None))
            else:
                lines.append(blank)
        return lines
