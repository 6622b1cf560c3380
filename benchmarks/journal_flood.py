"""The journal pane open on a moving fleet: what drawing the rows the history records costs.

Run: /work/venv/bin/python benchmarks/journal_flood.py [--fleet 10000] [--seconds 20]
     [--status-rows N: draw the newest N status changes of a batch (the shipped LIVE_STATUS_ROWS
     by default; 100000 draws them all)]

The real MiosaApp runs headless against a simulator process with 5% of the fleet in transition
(as bench_interactive.py). After the first load the journal pane is opened (`j`), then for
--seconds: each batch of rows the history writer reports (`HistoryRecorded`) with its size and
the time the pane's handler held the event loop, the time opening the pane took (its replay),
and the longest stall (a 5 ms sleeper's lateness). A diagnostic (kept in benchmarks/profiles/);
it never passes or fails.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import StallMonitor, ms, sim_process
from bench_interactive import SIZE, fleet_listed, make_app, wait_until


async def run(args: argparse.Namespace, base_url: str) -> None:
    from miosa_tui.ui.widgets import journal_pane
    from miosa_tui.ui.widgets.journal_pane import HistoryRecorded, JournalPane

    journal_pane.LIVE_STATUS_ROWS = args.status_rows
    batches: list[tuple[int, float]] = []
    handle = JournalPane._on_message

    async def timed(self: JournalPane, message: Any) -> None:
        began = time.perf_counter()
        await handle(self, message)
        if isinstance(message, HistoryRecorded):
            batches.append((len(message.events), time.perf_counter() - began))

    JournalPane._on_message = timed  # type: ignore[method-assign]
    replay = JournalPane.replay
    replays: list[float] = []

    def timed_replay(self: JournalPane) -> None:
        began = time.perf_counter()
        replay(self)
        replays.append(time.perf_counter() - began)

    JournalPane.replay = timed_replay  # type: ignore[method-assign]
    app = make_app(base_url)
    async with app.run_test(size=SIZE) as pilot:
        await fleet_listed(pilot, app, args.fleet)
        await pilot.pause(2.0)
        monitor = StallMonitor()
        monitor.start()
        await pilot.press("j")
        await wait_until(pilot, lambda: replays, "the pane's replay")
        await asyncio.sleep(args.seconds)
    print(
        f"fleet {args.fleet}, 5% in transition, status rows drawn a batch: {args.status_rows}; "
        f"opening the pane (its replay) {ms(replays[0])}"
    )
    for rows, held in batches:
        print(f"  batch of {rows:5d} rows: the pane's handler {ms(held)}")
    print(f"longest stall with the pane open {ms(monitor.max_late)} ({args.seconds:g} s)")


def main() -> None:
    from miosa_tui.ui.widgets.journal_pane import LIVE_STATUS_ROWS

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fleet", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--status-rows", type=int, default=LIVE_STATUS_ROWS)
    args = parser.parse_args()
    with sim_process(args.fleet, speed=1.0, transition_share=0.05) as sim:
        asyncio.run(run(args, sim.base_url))


if __name__ == "__main__":
    main()
