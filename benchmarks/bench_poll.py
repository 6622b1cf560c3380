"""A poll cycle at 10,000 computers, 1% of them changing status per cycle.

Run: /work/venv/bin/python benchmarks/bench_poll.py [--fleet 10000] [--cycles 9] [--profile]

The real MiosaApp runs headless against a simulator in another process (`miosa-tui sim`). Each
cycle: the simulator flips 1% of the fleet between running and stopped (POST /_sim/churn), then
the poller is poked and the cycle runs end to end (fetch all pages, decode, diff, update the
table, repaint). Per cycle it records:
  - event-loop (main thread) CPU time, `time.thread_time()` from the poke to the repaint after
    the table update: work done in worker threads (decode, diff) is not on it, by design;
  - the longest event-loop stall in the cycle (a task sleeping 5 ms and measuring how late it
    wakes up);
  - requests the simulator received (GET /computers pages, anything per computer).
Baselines from the same run:
  - `json.loads` of the same payload (all pages' bytes), in this process;
  - clearing the table and re-adding every row (what a naive refresh does), on the loop.
Prints medians and the ratios; no pass/fail on absolute times.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx

from _common import (  # noqa: E402
    API_KEY,
    PROFILES,
    StallMonitor,
    emit,
    median,
    ms,
    save_profile,
    sim_process,
)

SIZE = (160, 48)


def make_app(base_url: str) -> Any:
    from miosa_tui.api.settings import ApiSettings
    from miosa_tui.cli.backend import Backend
    from miosa_tui.config import load_config
    from miosa_tui.ui.app import MiosaApp

    config = load_config(environ={}, path=Path("/nonexistent/miosa-bench.toml"))
    config.set("image_renderer", "halfcell", "bench")
    backend = Backend(settings=ApiSettings(api_key=API_KEY, base_url=base_url), simulated=True)
    # A long interval: the benchmark pokes the poller itself, one cycle at a time.
    return MiosaApp(backend=backend, config=config, poll_interval=60.0)


def fetch_payload(base_url: str, page_size: int) -> list[bytes]:
    pages: list[bytes] = []
    headers = {"Authorization": f"Bearer {API_KEY}"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=60) as client:
        page = 1
        while True:
            r = client.get("/computers", params={"page": page, "per_page": page_size})
            pages.append(r.content)
            body = json.loads(r.content)
            if len(body["data"]) < page_size:
                break
            page += 1
    return pages


def time_json_loads(pages: list[bytes], runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        for raw in pages:
            json.loads(raw)
        times.append(time.perf_counter() - t0)
    return median(times)


async def wait_until(pilot: Any, predicate: Any, what: str, limit: float = 120.0) -> None:
    deadline = time.monotonic() + limit
    while not predicate():
        if time.monotonic() > deadline:
            raise RuntimeError(f"gave up waiting for {what}")
        await pilot.pause(0.02)


async def after_refresh(widget: Any) -> None:
    """Wait until the screen has been repainted once after now."""
    done = asyncio.get_running_loop().create_future()
    widget.call_after_refresh(lambda: done.done() or done.set_result(None))
    await done


async def run(args: argparse.Namespace, sim: Any) -> dict[str, Any]:
    from miosa_tui.api.computers import PAGE_SIZE
    from miosa_tui.ui.widgets.computer_table import ComputerTable

    app = make_app(sim.base_url)
    profiler = None
    result: dict[str, Any] = {}
    async with app.run_test(size=SIZE) as pilot:
        screen = app.dashboard
        await wait_until(pilot, lambda: screen.poller is not None, "the poller")
        table = screen.query_one(ComputerTable)
        await wait_until(pilot, lambda: table.row_count >= args.fleet, "the first load", 300)
        await after_refresh(table)
        poller = screen.poller
        assert poller is not None
        cycle_done: asyncio.Event = asyncio.Event()
        original = poller.on_poll

        def on_poll(diff: Any, settled: Any) -> None:
            original(diff, settled)
            cycle_done.set()

        poller.on_poll = on_poll
        monitor = StallMonitor()
        monitor.start()
        await pilot.pause(0.2)
        cpu: list[float] = []
        wall: list[float] = []
        stalls: list[float] = []
        changed_counts: list[int] = []
        sim.post("/_sim/stats/reset")
        if args.profile:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005, async_mode="disabled")
        for cycle in range(args.cycles):
            churn = sim.post("/_sim/churn", {"share": args.share})
            await pilot.pause(0.05)
            cycle_done.clear()
            monitor.reset()
            if profiler is not None:
                profiler.start()
            c0, w0 = time.thread_time(), time.perf_counter()
            poller.poke()
            await cycle_done.wait()
            await after_refresh(table)
            c1, w1 = time.thread_time(), time.perf_counter()
            if profiler is not None:
                profiler.stop()
            if cycle > 0:  # the first cycle warms caches; it is reported separately
                cpu.append(c1 - c0)
                wall.append(w1 - w0)
                stalls.append(monitor.max_late)
            else:
                result["first_cycle_loop_cpu_s"] = c1 - c0
                result["first_cycle_stall_s"] = monitor.max_late
            changed_counts.append(churn["count"])
            for cid in churn["changed"][:5]:  # the table shows the new status
                want = app.fleet.computers[cid].status
                cell = table.get_cell(cid, "status")
                text = getattr(cell, "plain", str(cell))
                if want not in text:
                    raise RuntimeError(f"row {cid} shows {text!r}, expected {want}")
        stats = sim.get("/_sim/stats")
        routes: dict[str, int] = stats["routes"]
        lists = routes.get("GET /computers", 0)
        per_computer = {k: v for k, v in routes.items() if "{id}" in k}

        # Baseline: clear the table and add every row again (the naive refresh), on the loop.
        computers = list(app.fleet.computers.values())
        naive: list[float] = []
        for _ in range(3):
            monitor.reset()
            c0 = time.thread_time()
            keep = table.highlighted_id
            table.clear()
            for c in computers:
                table.add_row(*table._cells_for(c), key=c.id)
            if keep is not None:
                table.move_cursor(row=table.get_row_index(keep), animate=False)
            await after_refresh(table)
            naive.append(time.thread_time() - c0)
        naive_stall = monitor.max_late
        monitor.stop()

    if profiler is not None:
        path = save_profile(
            profiler,
            PROFILES / f"poll_cycle_{args.profile_name}.txt",
            f"{args.cycles} poll cycles, fleet {args.fleet}, {args.share:.0%} churn "
            f"({args.profile_name}); event-loop thread only",
        )
        result["profile"] = str(path)

    pages = fetch_payload(sim.base_url, PAGE_SIZE)
    loads = time_json_loads(pages)
    loop_cpu = median(cpu)
    result.update(
        fleet=args.fleet,
        cycles=len(cpu),
        changed_per_cycle=median(changed_counts),
        payload_bytes=sum(len(p) for p in pages),
        loop_cpu_s=loop_cpu,
        loop_cpu_runs=cpu,
        cycle_wall_s=median(wall),
        json_loads_s=loads,
        ratio_vs_json_loads=loop_cpu / loads,
        naive_clear_readd_s=median(naive),
        speedup_vs_clear_readd=median(naive) / loop_cpu,
        max_stall_s=max(stalls),
        median_stall_s=median(stalls),
        naive_stall_s=naive_stall,
        list_requests_per_cycle=lists / args.cycles,
        expected_pages=math.ceil(args.fleet / PAGE_SIZE),
        page_size=PAGE_SIZE,
        per_computer_requests=per_computer,
        other_routes={k: v for k, v in routes.items() if k != "GET /computers"},
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fleet", type=int, default=10_000)
    parser.add_argument("--cycles", type=int, default=9)
    parser.add_argument("--share", type=float, default=0.01)
    parser.add_argument("--profile", action="store_true", help="save a pyinstrument profile")
    parser.add_argument("--profile-name", default="after")
    args = parser.parse_args()
    with sim_process(args.fleet) as sim:
        result = asyncio.run(run(args, sim))
    r = result
    print(f"fleet {r['fleet']}, {r['changed_per_cycle']:.0f} changed per cycle, "
          f"{r['cycles']} cycles, payload {r['payload_bytes'] / 1e6:.1f} MB")
    print(f"  event-loop CPU per cycle   {ms(r['loop_cpu_s'])} (median; runs "
          + ", ".join(f"{x * 1000:.0f}" for x in r["loop_cpu_runs"]) + " ms)")
    print(f"  json.loads of the payload  {ms(r['json_loads_s'])}  ratio "
          f"{r['ratio_vs_json_loads']:.2f}x")
    print(f"  clear + re-add all rows    {ms(r['naive_clear_readd_s'])}  speed-up "
          f"{r['speedup_vs_clear_readd']:.1f}x")
    print(f"  longest stall in a cycle   {ms(r['max_stall_s'])} (median of cycles "
          f"{ms(r['median_stall_s'])}; clear+re-add stalls {ms(r['naive_stall_s'])})")
    print(f"  cycle wall time            {ms(r['cycle_wall_s'])}")
    print(f"  requests per cycle         {r['list_requests_per_cycle']:g} list pages "
          f"(expected {r['expected_pages']} of {r['page_size']}); per-computer "
          f"{r['per_computer_requests'] or 'none'}")
    emit(result)


if __name__ == "__main__":
    main()
