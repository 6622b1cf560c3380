"""A full screen that ignores repaints meant for the screen under it.

Textual counts the screen directly below the top one as a "background screen" even when the top
screen is opaque, and every change there (the header's clock each second, a poll) repaints the
same cells of the top screen. For text that is harmless. For a sixel picture it is not: each
repaint writes blank cells over the picture and sends the whole picture again (about a megabyte
for a full-screen desktop), twice a second, which xterm cannot decode as fast as it arrives, so
the region selector showed black. An opaque screen hides everything below it, so those repaints
are dropped here; the screen's own changes repaint as before.
"""

from __future__ import annotations

from typing import Generic, Self, TypeVar

from textual.geometry import Region
from textual.screen import Screen

ResultType = TypeVar("ResultType")


class OpaqueScreen(Screen[ResultType], Generic[ResultType]):
    """A Screen whose cells never show what is below it (the default for a Screen)."""

    def refresh(
        self,
        *regions: Region,
        repaint: bool = True,
        layout: bool = False,
        recompose: bool = False,
    ) -> Self:
        if regions and self.styles.background.a == 1 and self.is_current:
            # Only the screen below passes regions to a Screen (Screen._compositor_refresh):
            # nothing of it shows through an opaque screen.
            if not (layout or recompose):
                return self
            regions = ()
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)
