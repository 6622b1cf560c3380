"""`ComputerTable.sync` alone: a filter step, clearing it, a sort and back, on a mounted table.

Run: /work/venv/bin/python benchmarks/table_sync.py [--fleet 100000] [--rounds 3] [--profile]
     [--code DIR]

A ComputerTable alone in a 160x48 headless app is given the whole seeded simulator fleet, then
the heap is settled as the dashboard settles it once its first fleet is painted (`gc.collect`,
`gc.freeze`, a full pass every 1,000 middle ones: ui/heap.py). Each round then syncs the table
to `status:stopped`, back to all, sorted by name, back to API order, each `sync` timed alone
(wall clock) and followed by a paint. Prints the median and the least of each; `--profile`
adds a cProfile of the syncs (which inflates them). `--code DIR` runs another checkout's
miosa_tui (a before/after comparison). A diagnostic (kept in benchmarks/profiles/); it never
passes or fails.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any


async def run(args: argparse.Namespace) -> None:
    from textual.app import App, ComposeResult

    from miosa_tui.api.models import Computer
    from miosa_tui.fleet.filter import parse_filter
    from miosa_tui.fleet.sorting import select_rows
    from miosa_tui.sim.config import SimConfig
    from miosa_tui.sim.fleet import Fleet
    from miosa_tui.ui.heap import HeapSettler
    from miosa_tui.ui.widgets.computer_table import ComputerTable

    fleet = Fleet(SimConfig(fleet=args.fleet))
    computers = {c.id: Computer.from_json(c.to_json()) for c in fleet.computers.values()}

    def rows(text: str, sort: str | None = None) -> list[Any]:
        return select_rows(computers, parse_filter(text), frozenset(), sort)

    everything = rows("")
    steps = (
        ("filter", rows("status:stopped")),
        ("clear", everything),
        ("sort", rows("", "name")),
        ("back", everything),
    )

    class TableApp(App[None]):
        def compose(self) -> ComposeResult:
            yield ComputerTable(id="t")

    app = TableApp()
    settler = HeapSettler()
    async with app.run_test(size=(160, 48)) as pilot:
        table = app.query_one(ComputerTable)
        table.sync(everything)
        await pilot.pause()
        settler.fleet_painted(table.row_count)
        times: dict[str, list[float]] = {name: [] for name, _ in steps}
        profiler = cProfile.Profile() if args.profile else None
        for _ in range(args.rounds):
            for name, shown in steps:
                if profiler is not None:
                    profiler.enable()
                start = time.perf_counter()
                table.sync(shown, dirty=())
                times[name].append(time.perf_counter() - start)
                if profiler is not None:
                    profiler.disable()
                await pilot.pause()
    settler.release()
    print(f"fleet {args.fleet}, {args.rounds} rounds, sync alone (ms):")
    for name, values in times.items():
        median = statistics.median(values) * 1e3
        print(f"  {name:7} median {median:7.1f}  least {min(values) * 1e3:7.1f}")
    if profiler is not None:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fleet", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--code", type=Path, help="run the miosa_tui in this checkout (a before/after comparison)"
    )
    args = parser.parse_args()
    sys.path.insert(0, str((args.code or Path(__file__).resolve().parents[1]).resolve()))
    gc.collect()
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
