"""The guided tour's caption: what this step shows, over whatever screen is on top."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class TourCaption(Static):
    """Mounted on the screen on top; the tour moves it when another screen opens."""

    def __init__(self, caption: Text) -> None:
        super().__init__(caption, id="tour-caption")
