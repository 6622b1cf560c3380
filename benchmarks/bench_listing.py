"""A whole listing of a big fleet: pages asked one at a time against several at once.

Run: /work/venv/bin/python benchmarks/bench_listing.py [--fleet 100000] [--rounds 3]

`MiosaClient.list_computers(in_background=True)` (what the dashboard's poll does: HTTP, JSON and
`Computer`s on the client's own loop thread) against a simulator in another process with 5% of
the fleet in transition. Alternating, a fresh client each round, each listed three times (the
first decodes every computer; the next two reuse what did not change, as polls do):
  - the baseline: one page at a time (`PAGES_IN_FLIGHT = 1`, the code before);
  - the shipped `PAGES_IN_FLIGHT`.
Reported: medians of the wall time of a listing, first and later, with the ratio, and the
process CPU of the same listings (all threads).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import API_KEY, emit, median, ms, sim_process

import miosa_tui.api.computers as computers
from miosa_tui.api.settings import ApiSettings

SHIPPED = computers.PAGES_IN_FLIGHT


async def one_round(base_url: str, in_flight: int, fleet: int) -> list[tuple[float, float]]:
    """(wall, CPU) of three listings by a fresh client, `in_flight` pages at a time."""
    computers.PAGES_IN_FLIGHT = in_flight
    client = computers.MiosaClient(ApiSettings(api_key=API_KEY, base_url=base_url))
    out: list[tuple[float, float]] = []
    try:
        for _ in range(3):
            wall, cpu = time.perf_counter(), time.process_time()
            listed = await client.list_computers(in_background=True)
            out.append((time.perf_counter() - wall, time.process_time() - cpu))
            if len(listed) != fleet:
                raise RuntimeError(f"listed {len(listed)} of {fleet}")
    finally:
        await client.aclose()
        computers.PAGES_IN_FLIGHT = SHIPPED
    return out


async def measure(args: argparse.Namespace, base_url: str) -> dict[str, object]:
    runs: dict[int, list[list[tuple[float, float]]]] = {1: [], SHIPPED: []}
    for _ in range(args.rounds):
        for in_flight in runs:
            runs[in_flight].append(await one_round(base_url, in_flight, args.fleet))
    result: dict[str, object] = {"fleet": args.fleet, "rounds": args.rounds, "shipped": SHIPPED}
    for in_flight, rounds in runs.items():
        name = "one" if in_flight == 1 else "shipped"
        result[f"{name}_first_s"] = median([r[0][0] for r in rounds])
        result[f"{name}_later_s"] = median([w for r in rounds for w, _cpu in r[1:]])
        result[f"{name}_cpu_s"] = median([cpu for r in rounds for _w, cpu in r])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fleet", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with sim_process(args.fleet, transition_share=0.05) as sim:
        result = asyncio.run(measure(args, sim.base_url))
    for when in ("first", "later"):
        one, shipped = result[f"one_{when}_s"], result[f"shipped_{when}_s"]
        assert isinstance(one, float) and isinstance(shipped, float)
        result[f"{when}_ratio"] = shipped / one
        print(
            f"  {args.fleet:,} computers, {when} listing: {ms(shipped)} with {SHIPPED} pages in "
            f"flight, {ms(one)} one at a time: {shipped / one:.2f}x"
        )
    one_cpu, shipped_cpu = result["one_cpu_s"], result["shipped_cpu_s"]
    assert isinstance(one_cpu, float) and isinstance(shipped_cpu, float)
    print(f"  process CPU a listing: {ms(shipped_cpu)} against {ms(one_cpu)}")
    emit(result)


if __name__ == "__main__":
    main()
