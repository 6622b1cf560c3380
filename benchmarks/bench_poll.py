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
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from _common import (
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
    from miosa_tui.backend import Backend
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


class Breakdown:
    """Main-thread CPU spent inside a few synchronous functions (patched on their classes)."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self.active = False
        self._depth = 0

    def wrap(self, owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name)
        tracker = self

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not tracker.active:
                return original(*args, **kwargs)
            t0 = time.thread_time()
            try:
                return original(*args, **kwargs)
            finally:
                tracker.totals[label] = tracker.totals.get(label, 0.0) + time.thread_time() - t0
                tracker.calls[label] = tracker.calls.get(label, 0) + 1

        setattr(owner, name, wrapper)

    def install(self) -> None:
        from textual._compositor import Compositor
        from textual.widgets import Footer

        from miosa_tui.api import computers
        from miosa_tui.ui.screens.dashboard import DashboardScreen
        from miosa_tui.ui.widgets.computer_table import ComputerTable
        from miosa_tui.ui.widgets.fleet_header import FleetHeader

        self.wrap(Compositor, "render_update", "paint (compositor render_update)")
        self.wrap(Compositor, "reflow", "layout (compositor reflow)")
        self.wrap(DashboardScreen, "_on_poll", "dashboard _on_poll (table + header)")
        self.wrap(ComputerTable, "update_rows", "  of which table.update_rows")
        self.wrap(ComputerTable, "tick", "table.tick (spinners)")
        self.wrap(FleetHeader, "redraw", "header redraw")
        self.wrap(Footer, "recompose", "footer recompose")
        self.wrap(computers, "_read_page", "decode page (background thread CPU)")

    def per_cycle(self, cycles: int) -> dict[str, tuple[float, float]]:
        """label -> (seconds per cycle, calls per cycle)."""
        ranked = sorted(self.totals.items(), key=lambda kv: -kv[1])
        return {k: (v / cycles, self.calls[k] / cycles) for k, v in ranked}


async def start_request_at(sim: Any, cid: str, limit: float = 20.0) -> float:
    """When the simulator received POST /computers/{cid}/start (its request log's `at`)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        log = await asyncio.to_thread(sim.get, "/_sim/requests", limit=200)
        for entry in reversed(log):
            if entry["method"] == "POST" and entry["path"].endswith(f"/{cid}/start"):
                return float(entry["at"])
        await asyncio.sleep(0.02)
    raise RuntimeError(f"the start request for {cid} never arrived")


async def keystrokes(
    args: argparse.Namespace, app: Any, pilot: Any, sim: Any, poller: Any, table: Any
) -> dict[str, Any]:
    """Press `s` on a stopped computer, with a 10,000-computer poll in flight and with none.

    Two times per press: until the request leaves the client (an httpx request hook: the UI's
    share) and until the simulator logs it (its request log's `at`: adds the socket and the
    simulator's own queue, which is busy serving list pages while a poll is in flight).
    """
    fetching = {"now": False, "done": 0}
    original_fetch = poller.fetch

    async def fetch() -> Any:
        fetching["now"] = True
        try:
            return await original_fetch()
        finally:
            fetching["now"] = False
            fetching["done"] += 1

    poller.fetch = fetch
    sent: dict[str, float] = {}

    async def on_request(request: httpx.Request) -> None:
        if request.method == "POST" and request.url.path.endswith("/start"):
            sent[request.url.path.split("/")[-2]] = time.time()

    app.client.transport.on_request(on_request)
    stopped = [c.id for c in app.fleet.computers.values() if c.status == "stopped"]
    rows: dict[str, list[float]] = {
        "busy_sent": [],
        "busy_arrived": [],
        "idle_sent": [],
        "idle_arrived": [],
    }
    overlapped = 0
    for trial in range(args.keys * 2):
        in_flight = trial % 2 == 0
        cid = stopped[trial]
        table.focus()
        table.go_to(cid)
        # Let the previous trial settle: its start pokes a poll, and the computer it started
        # turns running, which makes the desktop pane load a screenshot (bench_screenshot.py).
        await wait_until(pilot, lambda: not fetching["now"], "the previous poll to end")
        await pilot.pause(args.settle)
        await wait_until(pilot, lambda: not fetching["now"], "the previous poll to end")
        if in_flight:
            poller.poke()
            await wait_until(pilot, lambda: fetching["now"], "the poll to start")
            await asyncio.sleep(args.key_delay)  # inside the fetch of 20 pages (~100-150 ms)
            if not fetching["now"]:
                continue
        t0 = time.time()
        await pilot.press("s")
        arrived = await start_request_at(sim, cid)
        kind = "busy" if in_flight else "idle"
        overlapped += in_flight
        rows[f"{kind}_sent"].append(sent[cid] - t0)
        rows[f"{kind}_arrived"].append(arrived - t0)
        if args.verbose:
            print(f"  trial {trial} {kind}: sent {ms(sent[cid] - t0)}, arrived {ms(arrived - t0)}")
    poller.fetch = original_fetch
    busy, idle = rows["busy_arrived"], rows["idle_arrived"]
    return {
        "key_to_sent_busy_s": median(rows["busy_sent"]),
        "key_to_sent_idle_s": median(rows["idle_sent"]),
        "key_to_request_busy_s": median(busy),
        "key_to_request_busy_max_s": max(busy) if busy else float("nan"),
        "key_to_request_idle_s": median(idle),
        "key_trials_overlapping_poll": f"{overlapped}/{args.keys}",
        "key_ratio_busy_vs_idle": median(busy) / median(idle) if busy and idle else float("nan"),
    }


async def run(args: argparse.Namespace, sim: Any) -> dict[str, Any]:
    from miosa_tui.api.computers import PAGE_SIZE
    from miosa_tui.ui.widgets.computer_table import ComputerTable

    app = make_app(sim.base_url)
    breakdown = Breakdown()
    if args.breakdown:
        breakdown.install()
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
        await pilot.pause(0.2)
        cpu: list[float] = []
        wall: list[float] = []
        stalls: list[float] = []
        changed_counts: list[int] = []
        pages = await asyncio.to_thread(fetch_payload, sim.base_url, PAGE_SIZE)
        loads: list[float] = []
        sim.post("/_sim/stats/reset")
        if args.profile:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005, async_mode="disabled")
        # Pass 1: event-loop CPU per cycle, with nothing of the benchmark's own running on the
        # loop meanwhile (the stall monitor's 5 ms wake-ups would add ~10% of a core).
        for cycle in range(args.cycles):
            churn = sim.post("/_sim/churn", {"share": args.share})
            await pilot.pause(0.05)
            cycle_done.clear()
            if profiler is not None:
                profiler.start()
            breakdown.active = cycle > 0
            c0, w0 = time.thread_time(), time.perf_counter()
            poller.poke()
            await cycle_done.wait()
            await after_refresh(table)
            c1, w1 = time.thread_time(), time.perf_counter()
            breakdown.active = False
            if profiler is not None:
                profiler.stop()
            if cycle > 0:  # the first cycle warms caches; it is reported separately
                loads.append(time_json_loads(pages, runs=1))  # same moment, same machine load
                cpu.append(c1 - c0)
                wall.append(w1 - w0)
            else:
                result["first_cycle_loop_cpu_s"] = c1 - c0
            changed_counts.append(churn["count"])
            for cid in churn["changed"][:5]:  # the table shows the new status
                want = app.fleet.computers[cid].status
                cell = table.get_cell(cid, "status")
                text = getattr(cell, "plain", str(cell))
                if want not in text:
                    raise RuntimeError(f"row {cid} shows {text!r}, expected {want}")
        # Pass 2: the longest stall in each cycle, and in an idle window of the same length
        # right after it (the baseline: what this machine's load alone does to a 5 ms sleep).
        monitor = StallMonitor()
        monitor.start()
        idle_stalls: list[float] = []
        for _cycle in range(args.stall_cycles):
            sim.post("/_sim/churn", {"share": args.share})
            await pilot.pause(0.05)
            cycle_done.clear()
            monitor.reset()
            w0 = time.perf_counter()
            poller.poke()
            await cycle_done.wait()
            await after_refresh(table)
            stalls.append(monitor.max_late)
            length = time.perf_counter() - w0
            await pilot.pause(0.1)
            monitor.reset()
            await asyncio.sleep(length)
            idle_stalls.append(monitor.max_late)
        result["idle_stall_median_s"] = median(idle_stalls)
        result["idle_stall_max_s"] = max(idle_stalls)
        stats = sim.get("/_sim/stats")
        routes: dict[str, int] = stats["routes"]
        lists = routes.get("GET /computers", 0)
        per_computer = {k: v for k, v in routes.items() if "{id}" in k}

        keys = await keystrokes(args, app, pilot, sim, poller, table)
        result.update(keys)

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

    loop_cpu = median(cpu)
    ratios = [c / j for c, j in zip(cpu, loads, strict=True)]
    result.update(
        fleet=args.fleet,
        cycles=len(cpu),
        changed_per_cycle=median(changed_counts),
        payload_bytes=sum(len(p) for p in pages),
        loop_cpu_s=loop_cpu,
        loop_cpu_runs=cpu,
        cycle_wall_s=median(wall),
        json_loads_s=median(loads),
        ratio_vs_json_loads=median(ratios),
        naive_clear_readd_s=median(naive),
        speedup_vs_clear_readd=median(naive) / loop_cpu,
        max_stall_s=max(stalls),
        median_stall_s=median(stalls),
        naive_stall_s=naive_stall,
        list_requests_per_cycle=lists / (args.cycles + args.stall_cycles),
        expected_pages=math.ceil(args.fleet / PAGE_SIZE),
        page_size=PAGE_SIZE,
        per_computer_requests=per_computer,
        other_routes={k: v for k, v in routes.items() if k != "GET /computers"},
        load_average=os.getloadavg()[0],
        breakdown_per_cycle_s=breakdown.per_cycle(len(cpu)) if args.breakdown else {},
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fleet", type=int, default=10_000)
    parser.add_argument("--cycles", type=int, default=9)
    parser.add_argument("--stall-cycles", type=int, default=7)
    parser.add_argument("--share", type=float, default=0.01)
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--settle", type=float, default=1.5, help="pause between key trials")
    parser.add_argument("--keys", type=int, default=7, help="keystroke trials per condition")
    parser.add_argument("--key-delay", type=float, default=0.04, help="poke -> key press (s)")
    parser.add_argument("--profile", action="store_true", help="save a pyinstrument profile")
    parser.add_argument("--profile-name", default="after")
    parser.add_argument(
        "--breakdown", action="store_true", help="main-thread CPU inside a few functions"
    )
    args = parser.parse_args()
    with sim_process(args.fleet) as sim:
        result = asyncio.run(run(args, sim))
    r = result
    print(
        f"fleet {r['fleet']}, {r['changed_per_cycle']:.0f} changed per cycle, "
        f"{r['cycles']} cycles, payload {r['payload_bytes'] / 1e6:.1f} MB"
    )
    print(
        f"  event-loop CPU per cycle   {ms(r['loop_cpu_s'])} (median; runs "
        + ", ".join(f"{x * 1000:.0f}" for x in r["loop_cpu_runs"])
        + " ms)"
    )
    print(
        f"  json.loads of the payload  {ms(r['json_loads_s'])}  ratio "
        f"{r['ratio_vs_json_loads']:.2f}x"
    )
    print(
        f"  clear + re-add all rows    {ms(r['naive_clear_readd_s'])}  speed-up "
        f"{r['speedup_vs_clear_readd']:.1f}x"
    )
    print(
        f"  longest stall in a cycle   {ms(r['max_stall_s'])} (median of cycles "
        f"{ms(r['median_stall_s'])}; clear+re-add stalls {ms(r['naive_stall_s'])})"
    )
    print(
        f"  ... idle window baseline   {ms(r['idle_stall_max_s'])} (median "
        f"{ms(r['idle_stall_median_s'])}); load average {r['load_average']:.1f}"
    )
    print(f"  cycle wall time            {ms(r['cycle_wall_s'])}")
    print(
        f"  requests per cycle         {r['list_requests_per_cycle']:g} list pages "
        f"(expected {r['expected_pages']} of {r['page_size']}); per-computer "
        f"{r['per_computer_requests'] or 'none'}"
    )
    print(
        f"  key s -> start at the sim  {ms(r['key_to_request_busy_s'])} with a poll in flight "
        f"(max {ms(r['key_to_request_busy_max_s'])}, {r['key_trials_overlapping_poll']} "
        f"trials); idle {ms(r['key_to_request_idle_s'])}"
    )
    print(
        f"  key s -> request sent      {ms(r['key_to_sent_busy_s'])} with a poll in flight; "
        f"idle {ms(r['key_to_sent_idle_s'])}"
    )
    for label, (seconds, calls) in r["breakdown_per_cycle_s"].items():
        print(f"    {label:<40} {ms(seconds)} per cycle ({calls:g} calls)")
    emit(result)


if __name__ == "__main__":
    main()
