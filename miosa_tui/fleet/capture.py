"""Screenshot fetch and save, shared by the dashboard and the headless `screenshot` command."""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path
from typing import Protocol

from miosa_tui.api.errors import InvalidInputError, ResponseFormatError
from miosa_tui.fleet.region import Region

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class ScreenshotClient(Protocol):
    async def screenshot(self, computer_id: str) -> bytes: ...

    async def screenshot_region(
        self, computer_id: str, x: int, y: int, width: int, height: int
    ) -> bytes: ...


async def capture(client: ScreenshotClient, computer_id: str, region: Region | None) -> bytes:
    """The full desktop, or `region` (0-1000 space) at full resolution; refused before sending
    when the region is invalid."""
    if region is None or region == Region.full():
        return await client.screenshot(computer_id)
    reason = region.validate()
    if reason:
        raise InvalidInputError(reason)
    return await client.screenshot_region(
        computer_id, region.x, region.y, region.width, region.height
    )


def png_size(data: bytes) -> tuple[int, int]:
    """Pixel size of PNG bytes, read from the header (cheap; no decode)."""
    if not data.startswith(PNG_MAGIC) or len(data) < 24:
        raise ResponseFormatError("The screenshot is not a PNG image.")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def save_png(data: bytes, path: str | os.PathLike[str]) -> Path:
    """Write PNG bytes atomically (temp file, then rename): a failure never leaves half a file."""
    png_size(data)
    target = Path(path).expanduser()
    if target.is_dir():
        raise InvalidInputError(f"{target} is a folder; give a file name ending in .png.")
    if target.suffix.lower() != ".png":
        target = (
            target.with_suffix(target.suffix + ".png")
            if target.suffix
            else target.with_suffix(".png")
        )
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.exists():
        raise InvalidInputError(f"The folder {folder} does not exist.")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".miosa-", suffix=".png")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except OSError as exc:
        raise InvalidInputError(f"Cannot write {target}: {exc.strerror or exc}.") from None
    return target.resolve()


def decode(data: bytes) -> object:
    """Decode PNG bytes to a loaded PIL image (call off the event loop)."""
    from PIL import Image, UnidentifiedImageError

    png_size(data)
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ResponseFormatError(f"The screenshot could not be decoded: {exc}.") from None
    return image
