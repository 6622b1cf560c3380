"""Paints believable, living desktops with Pillow, deterministic per computer and instant.

The still pieces (wallpaper, top bar, dock, each window in its focused and unfocused look) are
painted once per computer and kept in a small LRU cache (`desktop_art`). Each screenshot stacks
the windows as the agent has them at that moment (`desktop_motion.scene_at`: focus moves, a
window closes and reopens), writes the newest lines of the agent's terminal log, the pointer and
the clock, then encodes PNG with a low compression level (fast; screenshots are throwaway).
With a frozen clock the picture is still, so tests and screenshots stay stable.
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from PIL import Image, ImageDraw

from miosa_tui.sim.desktop_art import (
    DESKTOP_LAYOUT,
    SANDBOX_LAYOUT,
    Box,
    DesktopArt,
    log_line,
)
from miosa_tui.sim.desktop_motion import Scene, scene_at


@dataclass(frozen=True, slots=True)
class DesktopSpec:
    """What a desktop depends on; a change (rename, resize) repaints it."""

    id: str
    name: str
    apps: tuple[str, ...]
    region: str = ""
    size: str = ""
    template_type: str = "miosa-desktop"


@dataclass(slots=True)
class _Window:
    layers: dict[bool, Image.Image]  # focused? -> RGBA layer
    at: tuple[int, int]
    body: Box


@dataclass(slots=True)
class _Pieces:
    background: Image.Image
    windows: dict[str, _Window] = field(default_factory=dict)


class DesktopPainter:
    """Renders full screenshots and crops; thread-safe, bounded cache.

    `animate=False` keeps every desktop as it is at the epoch's first frame (a still fleet)."""

    def __init__(
        self,
        width: int = 1280,
        height: int = 800,
        *,
        cache_size: int = 12,
        now: Callable[[], datetime] = datetime.now,
        animate: bool = True,
    ) -> None:
        self.width = width
        self.height = height
        self.art = DesktopArt(width, height)
        self._cache: OrderedDict[DesktopSpec, _Pieces] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()
        self._now = now
        self.animate = animate

    # ---- public --------------------------------------------------------------------------

    def scene(self, spec: DesktopSpec, when: datetime | None = None) -> Scene:
        moment = when or self._now()
        return scene_at(spec.id, spec.template_type, moment.timestamp() if self.animate else 0.0)

    def render(self, spec: DesktopSpec) -> Image.Image:
        """The full desktop as it is now: windows, terminal log, pointer and clock."""
        now = self._now()
        scene = self.scene(spec, now)
        pieces = self._pieces(spec)
        image = pieces.background.copy()
        draw = ImageDraw.Draw(image)
        for kind in scene.order:
            window = pieces.windows[kind]
            layer = window.layers[kind == scene.focused]
            image.paste(layer, window.at, layer)
            if kind == "terminal":  # its log, before any window above it is stacked on top
                self.art.terminal_text(
                    draw,
                    window.body,
                    self._log(spec, scene, now),
                    f"agent@{spec.name}:~$ ",
                    scene.cursor_on,
                )
        self.art.pointer(draw, scene.pointer)
        self.art.clock(draw, now.strftime("%H:%M:%S"))
        return image

    def png(self, spec: DesktopSpec, box: Box | None = None) -> bytes:
        """PNG bytes of the desktop, or of the pixel box (left, top, right, bottom)."""
        image = self.render(spec)
        if box is not None:
            image = image.crop(box)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", compress_level=1)
        return buffer.getvalue()

    # ---- pieces --------------------------------------------------------------------------

    def _log(
        self, spec: DesktopSpec, scene: Scene, now: datetime
    ) -> list[tuple[str, tuple[int, int, int]]]:
        """The last 40 lines of the agent's log, each stamped with the time it was written."""
        lines = []
        newest = scene.log_lines
        for index in range(newest - 39, newest + 1):
            text, color = log_line(spec.id, index)
            written = scene.log_ends_at - (newest - index) * 1.5
            stamp = datetime.fromtimestamp(written, tz=now.tzinfo if self.animate else UTC)
            lines.append((f"[{stamp:%H:%M:%S}] {text}", color))
        return lines

    def _pieces(self, spec: DesktopSpec) -> _Pieces:
        with self._lock:
            cached = self._cache.get(spec)
            if cached is not None:
                self._cache.move_to_end(spec)
                return cached
        pieces = self._paint(spec)
        with self._lock:
            self._cache[spec] = pieces
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return pieces

    def _paint(self, spec: DesktopSpec) -> _Pieces:
        label = f"{spec.name}  ·  {spec.region}  ·  {spec.size}".strip(" ·")
        pieces = _Pieces(self.art.background(spec.id, label, spec.apps))
        layout = SANDBOX_LAYOUT if spec.template_type == "miosa-sandbox" else DESKTOP_LAYOUT
        for kind, frac in layout.items():
            layers: dict[bool, Image.Image] = {}
            at: tuple[int, int] = (0, 0)
            body: Box = (0, 0, 0, 0)
            for focused in (False, True):
                layers[focused], at, body = self.art.window_layer(
                    spec.id, kind, frac, spec.name, focused
                )
            pieces.windows[kind] = _Window(layers, at, body)
        return pieces
