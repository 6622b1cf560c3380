"""Hand a listing's progress to a listener that may only turn up after it began.

The dashboard's first listing is started before the UI is built (`MiosaClient.start_listing`):
its pages arrive on the listing's own thread while Textual is still being imported, before the
dashboard exists to show them. The relay keeps what the dashboard would have been told (the
first page, which it shows at once, and the latest counts) and tells it all in one call when it
subscribes; from then on it passes each call straight through. Calls and the subscription are
serialised by a lock, so the listener hears them in order.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from miosa_tui.api.models import Computer

# Told after each page of a listing that has more pages to come: (that page's new computers,
# how many are listed so far, the total the server announced if any). Called on the loop that
# lists (see `MiosaClient.list_computers`).
ListingProgress = Callable[["list[Computer]", int, "int | None"], None]


class ProgressRelay:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listener: ListingProgress | None = None
        self._first: list[Computer] | None = None  # the first page, until someone listens
        self._counts: tuple[int, int | None] | None = None

    def __call__(self, page: list[Computer], listed: int, total: int | None) -> None:
        with self._lock:
            if self._listener is not None:
                self._listener(page, listed, total)
                return
            if self._first is None:
                self._first = page
            self._counts = (listed, total)

    def listen(self, listener: ListingProgress | None) -> None:
        """From now on tell `listener` (None: nobody); first, what it missed, in one call."""
        with self._lock:
            self._listener = listener
            first, counts = self._first, self._counts
            self._first = self._counts = None
            if listener is not None and first is not None and counts is not None:
                listener(first, *counts)
