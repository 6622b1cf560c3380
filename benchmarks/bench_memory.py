"""Peak memory (RSS) of the dashboard with 10,000 computers, against 100 computers.

Run: /work/venv/bin/python benchmarks/bench_memory.py [--runs 2]

Each measurement is a fresh process running the real MiosaApp headless (160x48) against a
simulator in another process: first load, then 3 poll cycles with 1% of the fleet changing
status, then its peak RSS (`ru_maxrss`). Reported: peak MB for each fleet size and the ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import PYTHON, ROOT, emit, median, sim_process


async def child(base_url: str, root_url: str, fleet: int) -> None:
    import httpx
    from bench_poll import after_refresh, make_app, wait_until

    from miosa_tui.ui.widgets.computer_table import ComputerTable

    app = make_app(base_url)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = app.dashboard
        await wait_until(pilot, lambda: screen.poller is not None, "the poller")
        table = screen.query_one(ComputerTable)
        await wait_until(pilot, lambda: table.row_count >= fleet, "the first load", 300)
        for _ in range(3):
            version = app.fleet.version
            await asyncio.to_thread(httpx.post, root_url + "/_sim/churn", json={"share": 0.01})
            screen.poller.poke()
            await wait_until(pilot, lambda v=version: app.fleet.version > v, "a poll", 120)
            await after_refresh(table)
    print(f"PEAK_KB {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}")


def measure(fleet: int) -> float:
    with sim_process(fleet) as sim:
        out = subprocess.run(
            [PYTHON, __file__, "--child", sim.base_url, sim.root_url, str(fleet)],
            capture_output=True, text=True, cwd=ROOT, check=True, timeout=900,
        )  # fmt: skip
    line = next(x for x in out.stdout.splitlines() if x.startswith("PEAK_KB "))
    return int(line.split()[1]) / 1024


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        asyncio.run(child(sys.argv[2], sys.argv[3], int(sys.argv[4])))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--large", type=int, default=10_000)
    args = parser.parse_args()
    small = [measure(args.small) for _ in range(args.runs)]
    large = [measure(args.large) for _ in range(args.runs)]
    result = {
        "small_fleet": args.small,
        "large_fleet": args.large,
        "peak_rss_small_mb": median(small),
        "peak_rss_large_mb": median(large),
        "ratio_large_vs_small": median(large) / median(small),
        "per_computer_kb": (median(large) - median(small)) * 1024 / (args.large - args.small),
    }
    print(f"peak RSS  {args.small:>6} computers: {result['peak_rss_small_mb']:.0f} MB")
    print(
        f"peak RSS  {args.large:>6} computers: {result['peak_rss_large_mb']:.0f} MB  "
        f"(ratio {result['ratio_large_vs_small']:.2f}x, "
        f"~{result['per_computer_kb']:.1f} KB per extra computer)"
    )
    emit(result)


if __name__ == "__main__":
    main()
