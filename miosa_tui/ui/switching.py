"""A short interpreter switch interval while the event loop waits on threads making a picture.

CPython runs one thread's Python at a time. A thread that wants the interpreter waits up to the
switch interval (5 ms by default) before the running thread is asked to let go. While the
desktop pane's picture is fetched, decoded and cut into strips in threads, the event loop asks
for the interpreter at every key, timer and paint, and each ask could wait out 5 ms of the
strips' building: the longest event-loop stall while a picture loads was 7.4 and 9.9 ms
(median of 10 rounds), 14.9 and 15.1 ms at worst, in two runs of `bench_screenshot.py`. With
1 ms from the request to the strips: 4.4 and 4.5 ms, 8.7 and 8.8 ms at worst. With 1 ms only
while the strips are built (`ScreenshotPaneDisplay._strips_for`, the Python that holds the
interpreter; the request waits and PIL lets go of it), over 12 runs: medians 3.4-4.8 ms,
worst 4.7-8.0 ms in 11 of them and 21.1 ms in one (README, "Stop 31").

Only while strips are built: the interval is the whole process's, and 1 ms for the whole app
was not better where the user waits on the loop's own work. Three alternating pairs of
`bench_interactive.py` at 10,000 computers: page down held, worst stall 26.7, 26.9, 28.3 ms at
5 ms against 45.1, 34.8, 24.6 ms at 1 ms (the goal is 33); the worst key echo 25.4-33.8
against 27.8-31.6 ms (benchmarks/profiles/switch_interval.txt). Builds may overlap (a picture
and a re-fit): the first `short()` to begin sets the interval, the last to end puts back the
value it found.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

SHORT_INTERVAL = 0.001  # seconds


class SwitchInterval:
    """Counted holds on a short switch interval (thread-safe)."""

    def __init__(self, interval: float = SHORT_INTERVAL) -> None:
        self.interval = interval
        self._lock = threading.Lock()
        self._holds = 0
        self._found = 0.0  # the interval before the first hold, put back after the last

    @contextmanager
    def short(self) -> Iterator[None]:
        with self._lock:
            if self._holds == 0:
                self._found = sys.getswitchinterval()
                sys.setswitchinterval(min(self.interval, self._found))
            self._holds += 1
        try:
            yield
        finally:
            with self._lock:
                self._holds -= 1
                if self._holds == 0:
                    sys.setswitchinterval(self._found)

    @property
    def held(self) -> bool:
        return self._holds > 0


# The process has one interval, so one set of holds.
switch_interval = SwitchInterval()
