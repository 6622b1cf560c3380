"""Work the screen is waiting for, and background work that steps aside for it.

A poll that landed while a sort's rows were being worked out in their thread was applied
first: at 100,000 computers it held the event loop ~100-200 ms before the sorted rows could be
shown, and made them be worked out again (the fleet had changed meanwhile). The listing's pages
and the history writer's rows are Python on other threads, sharing one interpreter with the
sort's thread and the loop.

The dashboard marks a sort or a filter as under way from the moment its rows are worked out
until they are painted, and a poll from the moment it is applied until it is painted
(`begin()` ... `end()`); the listing waits before its next page, the poller before applying a
poll and the history writer before its next batch (`wait`, `wait_blocking`). The writer making
a poll's ~5,000 history rows beside the loop had doubled the wall time of that poll's problem
judging at 100,000 computers (`benchmarks/poll_parts.py`: `_on_poll` 124 -> 79 ms, median of
6 polls). They wait at most `limit` seconds, so nothing on screen can starve them, and not at
all when nothing is under way (one attribute read). Thread-safe: the waiters run on other
threads and other event loops than the one that begins and ends.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

# Longer than any sort or filter takes at 100,000 computers (~100-300 ms), short enough that a
# poll is never more than this late.
WAIT_LIMIT = 1.0


class Foreground:
    def __init__(self, limit: float = WAIT_LIMIT) -> None:
        self.limit = limit
        self._lock = threading.Lock()
        self._under_way = 0
        self._waiting = 0
        self._quiet = threading.Event()
        self._quiet.set()

    @property
    def quiet(self) -> bool:
        """Nothing the user waits for is under way."""
        return self._quiet.is_set()

    @property
    def waiting(self) -> int:
        """How many are waiting for it now (tests and diagnostics)."""
        return self._waiting

    def begin(self) -> Callable[[], None]:
        """Mark work as under way; the function returned ends it (calling it again does
        nothing, so an `except` path and a later callback may both call it)."""
        with self._lock:
            self._under_way += 1
            self._quiet.clear()
        ended = False

        def end() -> None:
            nonlocal ended
            with self._lock:
                if ended:
                    return
                ended = True
                self._under_way -= 1
                if self._under_way == 0:
                    self._quiet.set()

        return end

    def wait_blocking(self) -> bool:
        """On a thread of its own: wait until nothing is under way, at most `limit` seconds.
        False when the limit passed first."""
        with self._lock:
            self._waiting += 1
        try:
            return self._quiet.wait(self.limit)
        finally:
            with self._lock:
                self._waiting -= 1

    async def wait(self) -> bool:
        """On any event loop: the same, without holding that loop (the wait runs in a thread
        only when there is something to wait for)."""
        if self._quiet.is_set():
            return True
        return await asyncio.to_thread(self.wait_blocking)
