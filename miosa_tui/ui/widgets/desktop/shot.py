"""One screenshot as the pane keeps it.

The original PNG bytes travel with the decoded picture so saving writes exactly what the API
sent, at full resolution, not what was scaled to fit the terminal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from miosa_tui.fleet.region import Region
from miosa_tui.ui.image_renderer import Decoded


@dataclass(frozen=True, slots=True)
class Shot:
    """One screenshot as fetched: the original PNG bytes plus what it shows and when."""

    computer_id: str
    name: str
    region: Region | None  # None: the full desktop
    data: bytes  # the original PNG, saved as-is
    decoded: Decoded  # full resolution, for re-fitting and region selection
    captured_at: datetime

    @property
    def size(self) -> tuple[int, int]:
        return self.decoded.width, self.decoded.height
