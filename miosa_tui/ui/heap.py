"""Keep the garbage collector's full passes short once a big fleet is on screen.

A full (generation 2) collection walks every object the collector tracks, with the GIL held,
in whichever thread happens to trigger it. With 10,000 computers in the table that is 100-400 ms
(measured with `gc.callbacks` in benchmarks/bench_poll.py): the longest stalls of a poll cycle,
felt as a sticky key. Nearly everything alive once the first fleet is painted (Textual's widgets,
the table's rows, the modules) lives as long as the app, so it is collected once and moved to
the permanent generation (`gc.freeze`), out of every later pass. It is settled again when the
fleet has doubled since, and handed back to the collector (`gc.unfreeze`) when the app ends,
so an app that ends does not leave its cycles frozen in a process that goes on (tests, serve).

A young collection costs in proportion to the young objects, and runs in whichever thread
allocates: a poll of 10,000 computers makes ~40,000 (the decoded objects, the listing memo's
entries), so a young threshold grown with the fleet (3 per row, 30,000) made single young passes
of 35-87 ms, in the listing thread as often as on the loop: the longest event-loop stalls of a
moving fleet left alone (`benchmarks/profiles/gc_stalls_10k.txt`). The young threshold stays
CPython's (700: passes of 1-14 ms) and the full pass, the one that walks everything unfrozen, runs
after `FULL_EVERY` middle passes instead of 10: the objects a poll promotes are freed by reference
counting at the next poll, not by a full pass.

The program starts with the collector paused (`miosa_tui/startup_gc.py`): the first settle
resumes it, or the app's grace (`MiosaApp.START_UP_GRACE`) when no rows come (an empty fleet,
an API that does not answer).
"""

from __future__ import annotations

import gc

from miosa_tui.startup_gc import STARTUP

# Middle-generation passes between two full passes once settled (CPython's default is 10).
FULL_EVERY = 1000


class HeapSettler:
    """Collect-then-freeze when the number of rows shown has doubled since the last time."""

    def __init__(self) -> None:
        self.settled_at = 0  # rows shown at the last settle; 0: never settled
        self.frozen = False
        self._thresholds: tuple[int, int, int] | None = None  # as found, restored on release

    def fleet_painted(self, rows: int) -> bool:
        """Call after a poll's rows were painted; True when the heap was settled now."""
        if rows <= 0 or rows < 2 * self.settled_at:
            self.started()
            return False
        gc.collect()
        gc.freeze()
        if self._thresholds is None:
            self._thresholds = gc.get_threshold()
        young, middle, _full = self._thresholds
        gc.set_threshold(young, middle, FULL_EVERY)
        self.settled_at, self.frozen = rows, True
        self.started()
        return True

    def started(self) -> None:
        """The app is up (its first fleet painted, or it waited long enough for one): the
        collector paused for start-up runs again."""
        STARTUP.resume()

    def release(self) -> None:
        """The app is ending: give every frozen object back to the collector."""
        self.started()
        if self.frozen:
            gc.unfreeze()
            self.frozen = False
        if self._thresholds is not None:
            gc.set_threshold(*self._thresholds)
            self._thresholds = None
