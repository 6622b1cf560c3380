"""What a poll of a moving fleet holds the event loop for, part by part.

Run: /work/venv/bin/python benchmarks/poll_parts.py [--fleet 100000] [--polls 4]
     [--code DIR: another checkout's miosa_tui, for a before/after comparison]

The real MiosaApp runs headless (160x48) against a simulator in another process with 5% of the
fleet in transition, as in bench_interactive.py. After the first listing, the next `--polls`
polls are timed (wall clock, each call alone) in the parts the dashboard runs on its event
loop when a poll lands: `_on_poll` in all, the table's `_apply_diff`, the header, and triage's
`after_poll`, `Triage.on_poll`, `refresh_problems`, `find_problems`, `expire_attention`; and
`status_events`, on whichever thread makes the history's rows (its line says which).
Prints the median and the longest of each. A diagnostic (kept in benchmarks/profiles/); it
never passes or fails.
"""

from __future__ import annotations

import argparse
import collections
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import diagnose_moving_fleet
from bench_interactive import SIZE, fleet_listed, make_app, wait_until

Times = collections.defaultdict[str, list[float]]


def timed(times: Times, threads: dict[str, str], owner: Any, name: str, label: str) -> None:
    """Time every call of `owner.name` under `label` (and note the thread it ran on)."""
    original = getattr(owner, name)

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            times[label].append(1000 * (time.perf_counter() - start))
            threads[label] = threading.current_thread().name

    setattr(owner, name, wrapped)


async def run(args: argparse.Namespace, base_url: str) -> None:
    import miosa_tui.ui.screens.dashboard as dashboard
    import miosa_tui.ui.triage as triage

    times: Times = collections.defaultdict(list)
    threads: dict[str, str] = {}
    screen = dashboard.DashboardScreen
    for owner, name, label in (
        (screen, "_on_poll", "_on_poll"),
        (screen, "_apply_diff", "_apply_diff"),
        (screen, "_update_header_counts", "_update_header_counts"),
        (triage, "after_poll", "after_poll"),
        (triage.Triage, "on_poll", "Triage.on_poll"),
        (triage.Triage, "refresh_problems", "refresh_problems"),
        (triage, "find_problems", "find_problems"),
        (triage.Triage, "expire_attention", "expire_attention"),
        (triage, "status_events", "status_events"),
    ):
        timed(times, threads, owner, name, label)
    app = make_app(base_url)
    async with app.run_test(size=SIZE) as pilot:
        await fleet_listed(pilot, app, args.fleet)
        await pilot.pause(2.0)
        times.clear()
        await wait_until(pilot, lambda: len(times["_on_poll"]) >= args.polls, "polls", step=0.1)
    print(f"fleet {args.fleet}, 5% in transition, {len(times['_on_poll'])} polls (ms):")
    for label, values in times.items():
        print(
            f"  {label:22} n={len(values):3}  median {statistics.median(values):7.1f}  "
            f"longest {max(values):7.1f}  ({threads[label]})"
        )


if __name__ == "__main__":
    diagnose_moving_fleet(__doc__, run, ("--polls", 4))
