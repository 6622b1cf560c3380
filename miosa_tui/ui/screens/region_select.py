"""Full-screen region selection over the latest desktop screenshot.

The selection is drawn into the picture itself (outside dimmed, a bright outline), re-rendered in
a thread from a copy already scaled to the screen, so it shows in every renderer and in SVG
snapshots. The region lives in the API's 0-1000 space; the pixel size it will have on the real
desktop is always shown, so the user knows what Enter will fetch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static
from textual.worker import get_current_worker

from miosa_tui.fleet.region import PRESETS, SPACE, Region, RegionError, parse
from miosa_tui.safe_text import printable, safe
from miosa_tui.ui.image_renderer import Decoded, fit_box, fit_image, image_class, limit_size
from miosa_tui.ui.screens.opaque import OpaqueScreen
from miosa_tui.ui.widgets.footer import Footer
from miosa_tui.ui.worker_errors import ReportsWorkerErrors

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage
    from textual.widget import Widget

STEP = 10  # arrow keys move/resize by this much in 0-1000 space (ctrl+arrows: 5 steps)
PRESET_KEYS = tuple(PRESETS)  # 1..7: full, four quadrants, centre, top bar
PRESET_LABELS = {
    "full": "full",
    "top-left": "↖",
    "top-right": "↗",
    "bottom-left": "↙",
    "bottom-right": "↘",
    "centre": "centre",
    "top-bar": "top bar",
}
OUTLINE = (255, 196, 0)
HELP = (
    "←↑→↓ move 10 · ctrl+arrows move 50 · shift+arrows resize · drag with the mouse · "
    + " ".join(f"{i} {PRESET_LABELS.get(k, k)}" for i, k in enumerate(PRESET_KEYS, 1))
    + " · n numbers · enter fetch · esc back"
)


def describe(region: Region, width: int, height: int) -> str:
    """'x 250 y 250 w 500 h 500 → 640x400 px'."""
    left, top, right, bottom = region.to_pixels(width, height)
    return (
        f"x {region.x} y {region.y} w {region.width} h {region.height}"
        f" → {right - left}x{bottom - top} px"
    )


def draw_selection(base: PILImage, region: Region) -> PILImage:
    """`base` with everything outside `region` dimmed and the region outlined."""
    from PIL import Image, ImageDraw

    picture = base.convert("RGB")
    left, top, right, bottom = region.to_pixels(picture.width, picture.height)
    dimmed = Image.blend(picture, Image.new("RGB", picture.size, (0, 0, 0)), 0.6)
    dimmed.paste(picture.crop((left, top, right, bottom)), (left, top))
    ImageDraw.Draw(dimmed).rectangle((left, top, right - 1, bottom - 1), outline=OUTLINE)
    return dimmed


def cell_to_space(cell: int, cells: int) -> int:
    """The 0-1000 coordinate of the left/top edge of cell number `cell` out of `cells`."""
    if cells <= 0:
        return 0
    return max(0, min(SPACE, round(max(0, min(cell, cells)) * SPACE / cells)))


def region_from_cells(a: tuple[int, int], b: tuple[int, int], size: tuple[int, int]) -> Region:
    """The region covering cells `a` to `b` inclusive on a picture `size` cells big."""
    cols, rows = size
    c0, c1 = sorted((a[0], b[0]))
    r0, r1 = sorted((a[1], b[1]))
    x0, x1 = cell_to_space(c0, cols), cell_to_space(c1 + 1, cols)
    y0, y1 = cell_to_space(r0, rows), cell_to_space(r1 + 1, rows)
    return Region(x0, y0, max(1, x1 - x0), max(1, y1 - y0)).clamped()


class RegionFormScreen(ModalScreen[Region | None]):
    """Type x, y, width, height; a region the API would refuse is refused here, with why."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="region.form_cancel"),
    ]
    FIELDS = ("x", "y", "width", "height")

    def __init__(self, region: Region) -> None:
        super().__init__()
        self._region = region

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(
                "Region in 0-1000 space (x, y of the top-left corner, width, height)",
                id="region-form-intro",
            )
            with Horizontal():
                for name in self.FIELDS:
                    with Vertical():
                        yield Label(name)
                        yield Input(str(getattr(self._region, name)), id=f"region-{name}")
            yield Static("", id="region-form-error")
            yield Label("tab next field · enter apply · escape cancel", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#region-x", Input).focus()

    def read(self) -> Region:
        """The typed region; raises RegionError with the reason when it is not acceptable."""
        values = []
        for name in self.FIELDS:
            text = self.query_one(f"#region-{name}", Input).value.strip()
            if not text:
                raise RegionError(f"{name} is empty: give a whole number from 0 to {SPACE}.")
            values.append(text)
        return parse(",".join(values))

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            region = self.read()
        except RegionError as err:
            self.query_one("#region-form-error", Static).update(err.reason)
            return
        self.dismiss(region)

    def action_cancel(self) -> None:
        self.dismiss(None)


class RegionSelectScreen(ReportsWorkerErrors, OpaqueScreen[Region | None]):
    """Pick a region of `decoded` (the full desktop); dismisses with it, or None on escape."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "move(-1, 0)", "Move", id="region.left", show=False),
        Binding("right", "move(1, 0)", "Move", id="region.right", show=False),
        Binding("up", "move(0, -1)", "Move", id="region.up", show=False),
        Binding("down", "move(0, 1)", "Move", id="region.down", show=False),
        Binding("ctrl+left", "move(-5, 0)", "Move 50", id="region.left_big", show=False),
        Binding("ctrl+right", "move(5, 0)", "Move 50", id="region.right_big", show=False),
        Binding("ctrl+up", "move(0, -5)", "Move 50", id="region.up_big", show=False),
        Binding("ctrl+down", "move(0, 5)", "Move 50", id="region.down_big", show=False),
        Binding("shift+left", "resize(-1, 0)", "Narrower", id="region.narrower", show=False),
        Binding("shift+right", "resize(1, 0)", "Wider", id="region.wider", show=False),
        Binding("shift+up", "resize(0, -1)", "Shorter", id="region.shorter", show=False),
        Binding("shift+down", "resize(0, 1)", "Taller", id="region.taller", show=False),
        *[
            Binding(
                str(i), f"preset({i - 1})", f"Preset {key}", id=f"region.preset_{i}", show=False
            )
            for i, key in enumerate(PRESET_KEYS, 1)
        ],
        Binding("n", "numbers", "Type numbers", id="region.numbers"),
        Binding("enter", "choose", "Fetch region", id="region.fetch"),
        Binding("escape", "cancel", "Back", id="region.cancel"),
    ]

    def __init__(
        self,
        decoded: Decoded,
        name: str,
        initial: Region | None = None,
        *,
        renderer: str | None = None,
    ) -> None:
        super().__init__()
        self.decoded = decoded
        self.computer_name = name
        self.selection = (initial or PRESETS["centre"]).clamped()
        self.renderer = renderer
        self._base: PILImage | None = None
        self._base_box: tuple[int, int] | None = None
        # ("move", offset x, offset y) in 0-1000 space, or ("draw", anchor column, anchor row)
        self._drag: tuple[str, int, int] | None = None

    def compose(self) -> ComposeResult:
        image_widget: Widget = limit_size(
            image_class(self.renderer)(id="region-image"), self.renderer
        )
        yield Static(
            safe(
                f"Select a region of {printable(self.computer_name, limit=60)}"
                f" ({self.decoded.width}x{self.decoded.height})"
            ),
            id="region-title",
        )
        with Container(id="region-frame"):
            yield image_widget
        yield Static(self.coordinates, id="region-coords")
        yield Static("", id="region-error")
        yield Static(HELP, id="region-help")
        yield Footer()

    @property
    def coordinates(self) -> str:
        return describe(self.selection, self.decoded.width, self.decoded.height)

    def on_mount(self) -> None:
        self._render_selection()

    def on_resize(self) -> None:
        self._render_selection()

    # -- drawing --------------------------------------------------------------------------

    def _fit_box(self) -> tuple[int, int]:
        frame = self.query_one("#region-frame")
        cols, rows = frame.content_size.width, frame.content_size.height
        if cols <= 0 or rows <= 0:
            cols, rows = max(20, self.size.width), max(6, self.size.height - 6)
        return fit_box((cols, rows), self.renderer)

    def _render_selection(self) -> None:
        self.query_one("#region-coords", Static).update(self.coordinates)
        self._draw(self.selection, self._fit_box())

    @work(exclusive=True, group="region-draw", thread=True, exit_on_error=False)
    def _draw(self, region: Region, box: tuple[int, int]) -> None:
        try:
            if self._base is None or self._base_box != box:
                self._base = fit_image(self.decoded.image, box)
                self._base_box = box
            picture = draw_selection(self._base, region)
        except Exception as err:  # never let drawing take the app down
            self.app.call_from_thread(self._show_error, f"Could not draw the desktop: {err}")
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._apply, region, picture)

    def _apply(self, region: Region, picture: PILImage) -> None:
        if region != self.selection:
            return
        widget: Any = self.query_one("#region-image")
        try:
            widget.image = picture
        except Exception as err:  # PIL.UnidentifiedImageError (notes §1.4)
            self._show_error(f"Could not draw the desktop: {err}")

    def _show_error(self, text: str) -> None:
        self.query_one("#region-error", Static).update(safe(" ".join(text.split())))

    def select(self, region: Region) -> None:
        """Set the selection (clamped into the space) and redraw."""
        self.selection = region.clamped()
        self._show_error("")
        self._render_selection()

    # -- keys -----------------------------------------------------------------------------

    def action_move(self, dx: int, dy: int) -> None:
        self.select(self.selection.moved(dx * STEP, dy * STEP))

    def action_resize(self, dw: int, dh: int) -> None:
        self.select(self.selection.resized(dw * STEP, dh * STEP))

    def action_preset(self, index: int) -> None:
        if 0 <= index < len(PRESET_KEYS):
            self.select(PRESETS[PRESET_KEYS[index]])

    def action_numbers(self) -> None:
        self.app.push_screen(RegionFormScreen(self.selection), self._typed)

    def _typed(self, region: Region | None) -> None:
        if region is not None:
            self.select(region)

    def action_choose(self) -> None:
        """Fetch the selection: refused with the reason when the API would refuse it."""
        reason = self.selection.validate()
        if reason is not None:
            self._show_error(f"Region refused: {reason}")
            return
        self.dismiss(self.selection)

    def action_cancel(self) -> None:
        self.dismiss(None)

    # -- mouse ----------------------------------------------------------------------------

    def _cell(self, event: events.MouseEvent) -> tuple[int, int, int, int] | None:
        """(column, row, columns, rows) of the pointer on the picture, clamped to it."""
        widget = self.query_one("#region-image")
        area = widget.content_region
        if area.width <= 0 or area.height <= 0:
            return None
        col = min(max(event.screen_x - area.x, 0), area.width - 1)
        row = min(max(event.screen_y - area.y, 0), area.height - 1)
        return int(col), int(row), area.width, area.height

    def _inside_picture(self, event: events.MouseEvent) -> bool:
        area = self.query_one("#region-image").content_region
        return area.contains(int(event.screen_x), int(event.screen_y))

    def on_mouse_down(self, event: events.MouseDown) -> None:
        if not self._inside_picture(event):
            return
        cell = self._cell(event)
        if cell is None:
            return
        col, row, cols, rows = cell
        px, py = cell_to_space(col, cols), cell_to_space(row, rows)
        r = self.selection
        if r.x <= px < r.x + r.width and r.y <= py < r.y + r.height:
            self._drag = ("move", px - r.x, py - r.y)
        else:
            self._drag = ("draw", col, row)
            self.select(region_from_cells((col, row), (col, row), (cols, rows)))
        self.capture_mouse()
        event.stop()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._drag is not None:
            self._drag_to(event)
            event.stop()

    def _drag_to(self, event: events.MouseEvent) -> None:
        if self._drag is None:
            return
        cell = self._cell(event)
        if cell is None:
            return
        col, row, cols, rows = cell
        mode, a, b = self._drag
        if mode == "move":
            px, py = cell_to_space(col, cols), cell_to_space(row, rows)
            r = self.selection
            self.select(r.moved(px - a - r.x, py - b - r.y))
        else:
            self.select(region_from_cells((a, b), (col, row), (cols, rows)))

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._drag is None:
            return
        self._drag_to(event)
        self._drag = None
        self.release_mouse()
        event.stop()
