"""The wall: live thumbnails of every running computer, refreshed one at a time.

A wall of 24 desktops refreshed together would hit the API with 24 screenshot requests at once
(and again on every refresh). Instead one loop walks the tiles in turn, one request in flight at
any moment with a pause between, so the API sees a steady trickle. Tiles are capped so a fleet of
10,000 computers costs no more than a fleet of 24.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Grid, Vertical, VerticalScroll
from textual.widgets import Static

from miosa_tui.api.errors import MiosaError
from miosa_tui.api.models import Computer
from miosa_tui.fleet.capture import capture
from miosa_tui.fleet.poller import FleetState
from miosa_tui.safe_text import safe
from miosa_tui.ui.image_renderer import fit_box, image_class, limit_size, thumbnail_png
from miosa_tui.ui.screens.opaque import OpaqueScreen
from miosa_tui.ui.services import services
from miosa_tui.ui.widgets.footer import Footer
from miosa_tui.ui.worker_errors import ReportsWorkerErrors

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage
    from textual.widget import Widget

INTERVAL = 0.75  # seconds between two tile fetches
LIVE_INTERVAL = 0.5  # live mode (L): the focused tile, at most two pictures a second
LIMIT = 24  # tiles drawn at most
TILE_WIDTH = 32  # cells, border included
TILE_IMAGE_ROWS = 9


def running_by_name(computers: list[Computer], limit: int) -> tuple[list[Computer], int]:
    """The first `limit` running computers by name, and how many more are running."""
    running = sorted(
        (c for c in computers if c.is_running), key=lambda c: (c.name.casefold(), c.id)
    )
    return running[:limit], max(0, len(running) - limit)


class WallTile(Vertical, can_focus=True):
    """One computer on the wall: its latest thumbnail, then 'name · status'."""

    def __init__(self, computer: Computer, renderer: str | None) -> None:
        super().__init__(classes="wall-tile")  # no id: API ids need not be identifiers
        # Sizes from the constants the wall computes with (the rest of its style is in app.tcss).
        self.styles.width = TILE_WIDTH
        self.styles.height = TILE_IMAGE_ROWS + 3
        self.computer = computer
        self.renderer = renderer
        self.original_size: tuple[int, int] | None = None
        self.refreshed = 0  # how many pictures this tile has shown

    def compose(self) -> ComposeResult:
        image_widget: Widget = limit_size(
            image_class(self.renderer)(classes="wall-image"), self.renderer
        )
        frame = Container(classes="wall-frame")
        frame.styles.height = TILE_IMAGE_ROWS
        with frame:
            yield image_widget
            yield Static("waiting for its turn…", classes="wall-note")
        yield Static(safe(self.label), classes="wall-label")

    @property
    def label(self) -> str:
        return f"{self.computer.name} · {self.computer.status}"

    def update_computer(self, computer: Computer) -> None:
        self.computer = computer
        self.query_one(".wall-label", Static).update(safe(self.label))

    def show_picture(self, picture: PILImage, size: tuple[int, int]) -> None:
        widget: Any = self.query_one(".wall-image")
        note = self.query_one(".wall-note", Static)
        try:
            widget.image = picture
        except Exception as err:  # PIL.UnidentifiedImageError (notes §1.4)
            self.show_note(f"no picture: {err}")
            return
        self.original_size = size
        self.refreshed += 1
        note.display = False
        widget.display = True

    def show_note(self, text: str) -> None:
        note = self.query_one(".wall-note", Static)
        note.update(safe(" ".join(text.split())))
        note.display = True
        if self.original_size is None:
            self.query_one(".wall-image").display = False


class WallScreen(ReportsWorkerErrors, OpaqueScreen[str | None]):
    """Thumbnails of running computers; Enter dismisses with the chosen id, escape with None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "step(-1, 0)", "Left", id="wall.left", show=False, priority=True),
        Binding("right", "step(1, 0)", "Right", id="wall.right", show=False, priority=True),
        Binding("up", "step(0, -1)", "Up", id="wall.up", show=False, priority=True),
        Binding("down", "step(0, 1)", "Down", id="wall.down", show=False, priority=True),
        Binding("enter", "choose", "Go to computer", id="wall.choose", priority=True),
        Binding("escape", "close", "Close", id="wall.close"),
        Binding("L", "toggle_live", "Live tile", id="wall.live"),
    ]

    def __init__(
        self,
        *,
        interval: float = INTERVAL,
        limit: int = LIMIT,
        renderer: str | None = None,
        fleet: FleetState | None = None,
    ) -> None:
        super().__init__()
        self.interval = interval
        self.limit = limit
        self.renderer = renderer  # the `image_renderer` setting (None: halfcell)
        self.fleet = fleet  # the computers the app already knows (None or empty: list them)
        self.tiles: list[WallTile] = []
        self.hidden = 0
        # (computer id, start, end) monotonic times of each fetch, newest last (for tests)
        self.fetches: list[tuple[str, float, float]] = []
        self._in_flight = 0
        self.max_in_flight = 0
        self.live = False  # L: the focused tile refreshes up to twice a second, the rest waits
        self.live_skipped = 0  # live pictures that came back unchanged (not decoded again)
        self._last: dict[str, bytes] = {}  # the PNG each tile shows, by computer id

    def compose(self) -> ComposeResult:
        yield Static("Wall · loading the fleet…", id="wall-title")
        with VerticalScroll(id="wall-scroll", can_focus=False):
            grid = Grid(id="wall-grid")
            grid.styles.grid_columns = str(TILE_WIDTH)
            grid.styles.grid_rows = str(TILE_IMAGE_ROWS + 3)
            yield grid
            yield Static("", id="wall-more")
        yield Footer()

    def on_mount(self) -> None:
        self._rotate()

    def on_resize(self) -> None:
        self._set_columns()

    @property
    def columns(self) -> int:
        return max(1, (self.size.width - 1) // (TILE_WIDTH + 1))  # a gutter between, a scrollbar

    def _set_columns(self) -> None:
        self.query_one("#wall-grid", Grid).styles.grid_size_columns = self.columns

    # -- the fleet ------------------------------------------------------------------------

    async def _computers(self) -> list[Computer]:
        if self.fleet is not None and self.fleet.computers:
            return list(self.fleet.computers.values())
        client = services(self).client
        result: list[Computer] = await client.list_computers()
        return result

    async def _sync_tiles(self) -> None:
        """Match the tiles to the running computers now (rebuilt only when the set changes)."""
        try:
            computers = await self._computers()
        except MiosaError as err:
            self.query_one("#wall-title", Static).update(
                safe(f"Wall · could not list computers: {' '.join(str(err).split())}")
            )
            return
        shown, self.hidden = running_by_name(computers, self.limit)
        grid = self.query_one("#wall-grid", Grid)
        if [t.computer.id for t in self.tiles] != [c.id for c in shown]:
            focused_id = self.focused_id
            await grid.remove_children()
            self.tiles = [WallTile(c, self.renderer) for c in shown]
            await grid.mount_all(self.tiles)
            self._set_columns()
            target = next((t for t in self.tiles if t.computer.id == focused_id), None)
            if target is None and self.tiles:
                target = self.tiles[0]
            if target is not None:
                target.focus()
        else:
            for tile, computer in zip(self.tiles, shown, strict=True):
                if tile.computer != computer:
                    tile.update_computer(computer)
        total = len(shown) + self.hidden
        self.query_one("#wall-title", Static).update(
            safe(
                f"Wall · {total} running · one refresh every {self.interval:g} s"
                if total
                else "Wall · no running computers"
            )
        )
        self.query_one("#wall-more", Static).update(
            safe(
                f"+{self.hidden} more running (the wall shows the first {self.limit} by name)"
                if self.hidden
                else ""
            )
        )

    # -- the rotation ---------------------------------------------------------------------

    @work(exclusive=True, group="wall-rotation", exit_on_error=False)
    async def _rotate(self) -> None:
        """Forever: refresh the tiles one by one, a pause between fetches, one in flight."""
        while True:
            await self._sync_tiles()
            if not self.tiles:
                await asyncio.sleep(max(self.interval, 1.0))
                continue
            for tile in list(self.tiles):
                while self.live:
                    focused = self.focused
                    if isinstance(focused, WallTile) and focused.is_attached:
                        await self._refresh_tile(focused)
                    await asyncio.sleep(LIVE_INTERVAL)
                if tile.is_attached:
                    await self._refresh_tile(tile)
                await asyncio.sleep(self.interval)

    async def _refresh_tile(self, tile: WallTile) -> None:
        box = fit_box((TILE_WIDTH - 2, TILE_IMAGE_ROWS), self.renderer)
        start = time.monotonic()
        self._in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self._in_flight)
        try:
            data = await capture(services(self).client, tile.computer.id, None)
            if self.live and self._last.get(tile.computer.id) == data:
                self.live_skipped += 1  # the same picture: nothing to decode or draw
                return
            self._last[tile.computer.id] = data
            picture, width, height = await asyncio.to_thread(thumbnail_png, data, box)
        except MiosaError as err:
            tile.show_note(f"no picture: {' '.join(str(err).split())}")
            return
        except Exception as err:  # a broken picture must not stop the wall
            tile.show_note(f"no picture: {err}")
            return
        finally:
            self._in_flight -= 1
            self.fetches.append((tile.computer.id, start, time.monotonic()))
        if tile.is_attached:
            tile.show_picture(picture, (width, height))

    def action_toggle_live(self) -> None:
        """Live: the focused tile refreshes up to twice a second (one request at a time)."""
        self.live = not self.live
        state = "on: the focused tile, up to 2 pictures a second" if self.live else "off"
        self.notify(f"Live wall {state}.", timeout=3, markup=False)

    def stop_rotation(self) -> None:
        """Stop refreshing (the pictures stay); used for still snapshots and benchmarks."""
        self.workers.cancel_group(self, "wall-rotation")

    # -- keys -----------------------------------------------------------------------------

    @property
    def focused_id(self) -> str | None:
        focused = self.focused
        return focused.computer.id if isinstance(focused, WallTile) else None

    def action_step(self, dx: int, dy: int) -> None:
        if not self.tiles:
            return
        focused = self.focused
        index = self.tiles.index(focused) if isinstance(focused, WallTile) else 0
        target = index + dx + dy * self.columns
        if 0 <= target < len(self.tiles):
            self.tiles[target].focus()
            self.tiles[target].scroll_visible()

    def action_choose(self) -> None:
        """Jump to the focused computer in the table."""
        chosen = self.focused_id
        if chosen is None and self.tiles:
            chosen = self.tiles[0].computer.id
        if chosen is not None:
            self.dismiss(chosen)

    def action_close(self) -> None:
        self.dismiss(None)
