"""One screenshot as the pane keeps it.

The original PNG bytes travel with the decoded picture so saving writes exactly what the API
sent, at full resolution, not what was scaled to fit the terminal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

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


def default_save_name(shot: Shot) -> str:
    """'./research-desk-20260101-120431.png' (region shots get a '-region-x-y-w-h' suffix);
    '-2', '-3'… when that file exists, so saving the same picture again keeps the first file."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", shot.name).strip("-.") or re.sub(
        r"[^A-Za-z0-9._-]+", "-", shot.computer_id
    ).strip("-.")
    stamp = shot.captured_at.strftime("%Y%m%d-%H%M%S")
    if shot.region is not None:
        r = shot.region
        slug += f"-region-{r.x}-{r.y}-{r.width}-{r.height}"
    name = f"./{slug}-{stamp}.png"
    n = 2
    while Path(name).exists():
        name = f"./{slug}-{stamp}-{n}.png"
        n += 1
    return name


def png_target(text: str) -> Path:
    """The file `save_png` writes for `text` (".png" added when it has another suffix)."""
    target = Path(text.strip()).expanduser()
    if target.suffix.lower() == ".png":
        return target
    return target.with_suffix(f"{target.suffix}.png" if target.suffix else ".png")
