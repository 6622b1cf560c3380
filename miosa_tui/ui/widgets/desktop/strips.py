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

from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widget import Widget

from miosa_tui.ui.image_renderer import halfcell_lines

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage
    from rich.console import Console


def halfcell_strips(image: PILImage, console: Console | None = None) -> list[Strip]:
    """One Strip per two pixel rows of `image` (one cell per pixel column; the cells come from
    `image_renderer.halfcell_lines`). Thread-safe: it builds new objects only. With `console`
    (the app's), each strip's terminal escapes are made here too: Textual reuses them when it
    writes the picture (a strip that fills its widget's width reaches the driver as the same
    object), which is ~25 ms less on the event loop."""
    width = image.width
    strips: list[Strip] = []
    for segments in halfcell_lines(image):
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
