"""The cyclic garbage collector, paused while the program starts.

Starting the dashboard allocates hundreds of thousands of objects that live as long as the
app: modules, classes, Textual's styles and widgets. Every 700 allocations a young collection
walks the new ones, and promotes them towards a full pass that walks them all again; none of
it frees anything. So the program (`miosa_tui/__main__.py`, the `miosa-tui` script) pauses the
collector on its first line. Every command but the dashboard resumes it once its arguments are
read; the dashboard resumes it when its first fleet is painted, when `ui/heap.py` collects once
and freezes what is alive, or a few seconds after it opens if no fleet comes. Launch to first
painted table, 200 computers: 337 -> 307 ms (`benchmarks/bench_startup.py`, 7 launches each).

Importing the package never pauses it: a program or test that imports miosa_tui keeps its own
collector as it was.
"""

from __future__ import annotations

import gc


class StartupPause:
    """The pause, once per process: `resume` only undoes what `pause` did."""

    def __init__(self) -> None:
        self._paused = False

    @property
    def paused(self) -> bool:
        return self._paused

    def pause(self) -> None:
        """Stop the collector, if it runs (a collector someone else disabled stays theirs)."""
        if gc.isenabled():
            gc.disable()
            self._paused = True

    def resume(self) -> None:
        """Let the collector run again if `pause` stopped it; otherwise nothing."""
        if self._paused:
            self._paused = False
            gc.enable()


STARTUP = StartupPause()
