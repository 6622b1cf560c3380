"""Screenshot regions in MIOSA's canonical 0-1000 coordinate space.

The API takes x, y, width, height as integers in 0-1000 whatever the screen size, and refuses a
zero-area or out-of-range region with a 422. Checking here first gives the user a sentence about
their input instead of a round trip, and the pixel conversions let the UI draw a selection on a
preview of any size.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from miosa_tui.api.region_rules import SPACE as SPACE  # re-exported: the space regions live in
from miosa_tui.api.region_rules import check_region


class RegionError(ValueError):
    """A region the API would refuse; `reason` is the sentence to show."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def _as_int(value: object) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value == value and abs(value) != float("inf"):
        return round(value)
    return 0


@dataclass(frozen=True, slots=True)
class Region:
    """A rectangle in 0-1000 space: x, y of the top-left corner, then width and height."""

    x: int
    y: int
    width: int
    height: int

    def validate(self) -> str | None:
        """None when the API would accept this region, else the reason in one sentence."""
        checked = check_region(self.x, self.y, self.width, self.height)
        return checked if isinstance(checked, str) else None

    @classmethod
    def full(cls) -> Region:
        """The whole screen."""
        return cls(0, 0, SPACE, SPACE)

    def clamped(self) -> Region:
        """The nearest valid region: integers, inside 0-1000, at least 1x1."""
        x = _clamp(_as_int(self.x), 0, SPACE - 1)
        y = _clamp(_as_int(self.y), 0, SPACE - 1)
        width = _clamp(_as_int(self.width), 1, SPACE - x)
        height = _clamp(_as_int(self.height), 1, SPACE - y)
        return Region(x, y, width, height)

    def moved(self, dx: int, dy: int) -> Region:
        """Shifted by (dx, dy), stopping at the edges and keeping its size."""
        r = self.clamped()
        return Region(
            _clamp(r.x + dx, 0, SPACE - r.width),
            _clamp(r.y + dy, 0, SPACE - r.height),
            r.width,
            r.height,
        )

    def resized(self, dw: int, dh: int) -> Region:
        """Grown or shrunk from the top-left corner, at least 1x1 and inside the space."""
        r = self.clamped()
        return Region(
            r.x, r.y, _clamp(r.width + dw, 1, SPACE - r.x), _clamp(r.height + dh, 1, SPACE - r.y)
        )

    def to_pixels(self, img_w: int, img_h: int) -> tuple[int, int, int, int]:
        """(left, top, right, bottom) box on an img_w x img_h image (right/bottom exclusive,
        at least one pixel), e.g. for `PIL.Image.crop`."""
        r = self.clamped()
        left, right = _span(r.x, r.width, img_w)
        top, bottom = _span(r.y, r.height, img_h)
        return left, top, right, bottom

    @classmethod
    def from_pixels(cls, box: tuple[int, int, int, int], img_w: int, img_h: int) -> Region:
        """The 0-1000 region for a pixel box on an img_w x img_h image (clamped, never empty)."""
        left, top, right, bottom = box
        if right < left:
            left, right = right, left
        if bottom < top:
            top, bottom = bottom, top
        x0, x1 = round(left * SPACE / max(1, img_w)), round(right * SPACE / max(1, img_w))
        y0, y1 = round(top * SPACE / max(1, img_h)), round(bottom * SPACE / max(1, img_h))
        return cls(x0, y0, max(1, x1 - x0), max(1, y1 - y0)).clamped()

    def __str__(self) -> str:
        return f"{self.x},{self.y},{self.width},{self.height}"


def _span(start: int, length: int, size: int) -> tuple[int, int]:
    if size <= 0:
        return 0, 0
    low = _clamp(round(start * size / SPACE), 0, size - 1)
    high = _clamp(round((start + length) * size / SPACE), low + 1, size)
    return low, high


PRESETS: dict[str, Region] = {
    "full": Region(0, 0, 1000, 1000),
    "top-left": Region(0, 0, 500, 500),
    "top-right": Region(500, 0, 500, 500),
    "bottom-left": Region(0, 500, 500, 500),
    "bottom-right": Region(500, 500, 500, 500),
    "centre": Region(250, 250, 500, 500),
    "top-bar": Region(0, 0, 1000, 60),
}
_PRESET_ALIASES = {"center": "centre", "topbar": "top-bar", "all": "full"}

_NUMBER_RE = re.compile(r"[+-]?\d+(?:\.\d*)?|[+-]?\.\d+")


def preset(name: str) -> Region | None:
    key = re.sub(r"[\s_]+", "-", name.strip().lower())
    return PRESETS.get(_PRESET_ALIASES.get(key, key))


def parse(text: str) -> Region:
    """ "x,y,w,h" (commas and/or spaces) or a preset name -> Region; raises RegionError."""
    found = preset(text)
    if found is not None:
        return found
    parts = [p for p in re.split(r"[\s,]+", text.strip()) if p]
    if len(parts) != 4:
        names = ", ".join(PRESETS)
        return _fail(
            f"Give four numbers x,y,width,height in 0-1000 (got {len(parts)}), "
            f"or a preset: {names}."
        )
    values: list[int] = []
    for name, part in zip(("x", "y", "width", "height"), parts, strict=True):
        if not _NUMBER_RE.fullmatch(part):
            return _fail(f"{name} must be a whole number (got '{part}').")
        number = float(part)
        if not number.is_integer():
            return _fail(f"{name} must be a whole number (got '{part}').")
        values.append(int(number))
    region = Region(*values)
    reason = region.validate()
    if reason is not None:
        return _fail(reason)
    return region


def _fail(reason: str) -> Region:
    raise RegionError(reason)
