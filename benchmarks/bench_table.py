"""The table's own work on the event loop, 10,000 computers: CPU per operation, painted.

Run: /work/venv/bin/python benchmarks/bench_table.py [--fleet 10000] [--repeat 5] [--code DIR]

No simulator and no poller: a ComputerTable alone in a 160x48 headless app, fed the same
seeded fleet every run, so the figures are CPU time of the thread that runs the event loop
(`time.thread_time`), which a loaded machine slows far less than wall-clock timings. Each
operation is followed by a paint of the screen (`pilot.pause()`), as the dashboard does:
  - first load: `sync` of the whole fleet into the empty table;
  - poll: `update_rows` with 5% of the fleet changed (status and time), the rest as before;
  - page down: the cursor moved one screen down, 20 times;
  - filter / clear: `sync` to every other computer, then back to all of them;
  - sort: `sync` to the fleet in reverse order;
  - tick: one second of spinner ticks (4), one of them redrawing AGE on every visible row.
`--code DIR` runs another checkout's miosa_tui (the commit before a change) for a before/after
comparison. Prints medians over --repeat runs; never passes or fails on a figure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

SIZE = (160, 48)
STATUSES = ("running", "running", "running", "stopped", "stopped", "error")


def fleet(n: int) -> list[Any]:
    import random

    from miosa_tui.api.models import Computer

    rng = random.Random(7)
    words = ("web", "db", "crawler", "qa", "sales", "onboarding", "render", "ci")
    roles = ("box", "worker", "agent", "runner", "desktop")
    return [
        Computer(
            id=f"cmp_{i:08x}",
            name=f"{rng.choice(words)}-{rng.choice(roles)}-{i % 100:02d}",
            status=rng.choice(STATUSES),
            size=rng.choice(("xs", "small", "medium", "large", "xl")),
            region=rng.choice(("us-mia", "eu-fra", "ap-sin")),
            template_type=rng.choice(("miosa-desktop", "miosa-sandbox")),
            ip_address=None if i % 5 == 0 else f"10.{i % 200}.{i % 250}.{i % 7}",
        )
        for i in range(n)
    ]


async def measure(n: int) -> dict[str, float]:
    from textual.app import App, ComposeResult

    from miosa_tui.ui.widgets.computer_table import ComputerTable

    class TableApp(App[None]):
        def compose(self) -> ComposeResult:
            yield ComputerTable(id="t")

    computers = fleet(n)
    app = TableApp()
    out: dict[str, float] = {}
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(ComputerTable)
        await pilot.pause()

        async def timed(name: str, action: Any) -> None:
            t0 = time.thread_time()
            action()
            await pilot.pause()
            out[name] = out.get(name, 0.0) + time.thread_time() - t0

        await timed("first load", lambda: table.sync(computers))
        changed = [
            replace(c, status="starting" if c.status != "running" else "stopping")
            for c in computers[:: max(1, n // (n // 20 or 1))]
        ]
        await timed("poll (5% changed)", lambda: table.update_rows(changed))
        page = table.size.height - 1
        for _ in range(20):
            await timed("20 page downs", lambda: table.move_cursor(row=table.cursor_row + page))
        half = computers[::2]
        await timed("filter to half", lambda: table.sync(half))
        await timed("clear the filter", lambda: table.sync(computers))
        await timed("sort (reverse)", lambda: table.sync(computers[::-1]))
        for _ in range(4):
            await timed("1 s of ticks", table.tick)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fleet", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--code", type=Path, help="run the miosa_tui in this checkout (a before/after comparison)"
    )
    args = parser.parse_args()
    sys.path.insert(0, str((args.code or Path(__file__).resolve().parents[1]).resolve()))
    import miosa_tui

    runs = [asyncio.run(measure(args.fleet)) for _ in range(args.repeat)]
    medians = {name: statistics.median(run[name] for run in runs) for name in runs[0]}
    print(f"table operations, {args.fleet} computers, {Path(miosa_tui.__file__).parent.parent}")
    print(f"event-loop CPU (thread time), median of {args.repeat}, each with its paint:")
    for name, seconds in medians.items():
        print(f"  {name:<20} {seconds * 1000:8.1f} ms")
    print("RESULT " + json.dumps({"fleet": args.fleet, "cpu_s": medians}))


if __name__ == "__main__":
    main()
