"""Fetching one desktop picture: the request, then the PNG decoded and scaled in a thread.

Free of widget state, so the pane's worker only decides what to do with the result; decoding
off the event loop keeps the table cursor instant however large the screenshot.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

from miosa_tui.fleet.capture import ScreenshotClient, capture
from miosa_tui.fleet.region import Region
from miosa_tui.ui.image_renderer import Decoded, decode_png, fit_image

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage

SHOT_GROUP = "desktop-shot"  # one fetch at a time: a newer highlight cancels the older fetch
FIT_GROUP = "desktop-fit"  # one re-fit at a time after a resize


def decode_and_fit(data: bytes, box: tuple[int, int]) -> tuple[Decoded, PILImage]:
    decoded = decode_png(data)
    return decoded, fit_image(decoded.image, box)


async def fetch_picture(
    client: ScreenshotClient,
    computer_id: str,
    region: Region | None,
    box: Callable[[], tuple[int, int]],
    *,
    unless: bytes | None = None,
) -> tuple[bytes, Decoded, PILImage] | None:
    """The PNG as sent, decoded at full resolution, and scaled to `box()`. The box is measured
    when the PNG arrives, so a resize during the request is honoured. None when the PNG is
    byte for byte `unless` (live mode: an unchanged frame is not decoded or drawn again)."""
    data = await capture(client, computer_id, region)
    if unless is not None and data == unless:
        return None
    decoded, fitted = await asyncio.to_thread(decode_and_fit, data, box())
    return data, decoded, fitted
