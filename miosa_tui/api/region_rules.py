"""The API's rules for a screenshot region: x, y, width, height as whole numbers in the 0-1000
space, whatever the screen size; a zero-area or out-of-range region is refused with a 422. The
client checks them before any request, and the UI (fleet/region.py) before it draws a
selection, so both say the same sentence."""

from __future__ import annotations

SPACE = 1000


def check_region(
    x: object, y: object, width: object, height: object
) -> tuple[int, int, int, int] | str:
    """The four numbers when the API would accept this region, else the reason in one
    sentence."""
    values = {"x": x, "y": y, "width": width, "height": height}
    numbers: dict[str, int] = {}
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int):
            return f"{name} must be a whole number (got {repr(value)[:20]})."
        numbers[name] = value
    for name in ("x", "y"):
        if numbers[name] < 0:
            return f"{name} must not be negative (got {numbers[name]})."
        if numbers[name] >= SPACE:
            return f"{name} must be less than {SPACE} (got {numbers[name]})."
    for name in ("width", "height"):
        if numbers[name] < 0:
            return f"{name} must not be negative (got {numbers[name]})."
    if numbers["width"] == 0 or numbers["height"] == 0:
        return "The region has zero area: width and height must be at least 1."
    if numbers["x"] + numbers["width"] > SPACE:
        return (
            f"The region runs past the right edge: x + width must be at most {SPACE} "
            f"(it is {numbers['x'] + numbers['width']})."
        )
    if numbers["y"] + numbers["height"] > SPACE:
        return (
            f"The region runs past the bottom edge: y + height must be at most {SPACE} "
            f"(it is {numbers['y'] + numbers['height']})."
        )
    return numbers["x"], numbers["y"], numbers["width"], numbers["height"]


__all__ = ["SPACE", "check_region"]
