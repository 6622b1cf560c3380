"""A sort as a timeline: key, rows worked out in the thread, the table's sync, the paint.

Run: /work/venv/bin/python benchmarks/sort_timeline.py [--fleet 100000] [--sorts 6]
     [--code DIR: another checkout's miosa_tui, for a before/after comparison]

The real MiosaApp runs headless (160x48) against a simulator in another process with 5% of the
fleet in transition, as in bench_interactive.py. Once the fleet is listed, `>` is pressed
`--sorts` times (name, status, size, region, ...), 1.2 s apart. For each press, in milliseconds
from the key being sent: when the rows' selection starts and ends (in its worker thread, with
its own CPU and the event loop's meanwhile; the rest of its wall time it waited for the GIL,
held by the loop or another thread), when `ComputerTable.sync` starts and ends (on the event
loop), when the screen is next painted, and any poll applied meanwhile. A bench_interactive.py
sort figure says how long; this says where the time went (it found `sync` checking 100,000
computers it already held: ~37 ms of ~85). A diagnostic (kept in benchmarks/profiles/); it
never passes or fails.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import diagnose_moving_fleet
from bench_interactive import SIZE, fleet_listed, make_app, send_keys

# The event loop's thread CPU clock, readable from any thread (Linux, macOS).
LOOP_CPU = time.pthread_getcpuclockid(threading.main_thread().ident or 0)


class Timeline:
    def __init__(self) -> None:
        self.events: list[tuple[float, str, str]] = []

    def note(self, what: str) -> None:
        self.events.append((time.perf_counter(), threading.current_thread().name, what))

    def wrap(self, owner: Any, name: str, label: str) -> None:
        """Note when `owner.name` (a function or method) is entered and left."""
        original = getattr(owner, name)

        def wrapped(*args: Any, **kwargs: Any) -> Any:
            self.note(f"{label} start")
            cpu, loop_cpu = time.thread_time(), time.clock_gettime(LOOP_CPU)
            try:
                return original(*args, **kwargs)
            finally:
                # The thread's own CPU and the event loop's meanwhile, against the wall time
                # between start and end: one waits while the other holds the interpreter.
                mine = 1000 * (time.thread_time() - cpu)
                loops = 1000 * (time.clock_gettime(LOOP_CPU) - loop_cpu)
                self.note(f"{label} end (CPU: its thread {mine:.1f} ms, the loop {loops:.1f} ms)")

        setattr(owner, name, wrapped)


async def run(args: argparse.Namespace, base_url: str) -> None:
    import miosa_tui.ui.screens.dashboard as dashboard
    from miosa_tui.ui.widgets.computer_table import ComputerTable

    timeline = Timeline()
    # The rows' selection: `select` where it exists, `select_rows` in older checkouts.
    timeline.wrap(dashboard, "select" if hasattr(dashboard, "select") else "select_rows", "rows")
    timeline.wrap(dashboard.DashboardScreen, "_on_poll", "poll")
    sync = ComputerTable.sync

    def noted_sync(table: ComputerTable, *a: Any, **kw: Any) -> None:
        timeline.note("sync start")
        sync(table, *a, **kw)
        timeline.note("sync end")
        table.call_after_refresh(lambda: timeline.note("painted"))

    ComputerTable.sync = noted_sync  # type: ignore[method-assign]
    app = make_app(base_url)
    async with app.run_test(size=SIZE) as pilot:
        await fleet_listed(pilot, app, args.fleet)
        await pilot.pause(2.0)
        screen = app.dashboard
        for _ in range(args.sorts):
            timeline.events.clear()
            _thread, sent = send_keys(app, ["greater_than_sign"], 0)
            await pilot.pause(1.2)
            print(f"--- `>` -> sorted by {screen.sort_key}")
            for at, thread, what in timeline.events:
                print(f"  {1000 * (at - sent[0]):8.1f} ms  {thread[:12]:12} {what}")


if __name__ == "__main__":
    diagnose_moving_fleet(__doc__, run, ("--sorts", 6))
