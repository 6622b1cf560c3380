"""What a user does on a big fleet that is never still: type a filter, sort, scroll, and leave
the app open.

Run: /work/venv/bin/python benchmarks/bench_interactive.py [--fleet 10000] [--share 0.05]
     [--code DIR: another checkout's miosa_tui, for a before/after comparison]

The real MiosaApp runs headless (160x48) against a simulator in another process started with
`--speed 1 --transition-share 0.05`: 5% of the fleet is starting or stopping at any time, and
the app polls at its own pace (5 s, 1.5 s while anything is in transition). Keys are sent the way
a terminal's input thread sends them: from another thread, whatever the event loop is doing.

Measured (medians over --runs):
  - typing `/status:stopped` at 20 keys a second: each key's echo (key sent -> the screen
    repainted with it in the box) and the last key -> the filtered table painted. Baseline: the
    same typing with polling paused (same app, same table, nothing arriving).
  - sorting (`>`): key -> the sorted table painted. Baseline: `select_rows` (the sort itself)
    timed alone in this process.
  - scrolling: `pagedown` held (30 keys a second for 1.5 s); the longest event-loop stall (a 5 ms
    sleeper's lateness). Baseline: an idle window of the same length.
  - CPU of the whole process (all threads) over --window seconds: the fleet with 5% in
    transition against a settled fleet of the same size (another simulator process, speed 1000,
    no transition share), so the ratio is what the spinners and faster polling cost.
  - launch -> first painted table, and the peak RSS of this process (the app; the simulators
    are other processes).
Prints figures, ratios and the issue's budgets; never passes or fails on absolute times.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import API_KEY, StallMonitor, emit, median, ms, sim_process

SIZE = (160, 48)
FILTER = "status:stopped"


def make_app(base_url: str, interval: float = 5.0) -> Any:
    from miosa_tui.api.settings import ApiSettings
    from miosa_tui.backend import Backend
    from miosa_tui.config import load_config
    from miosa_tui.ui.app import MiosaApp

    config = load_config(environ={}, path=Path("/nonexistent/miosa-bench.toml"))
    config.set("image_renderer", "halfcell", "bench")
    backend = Backend(settings=ApiSettings(api_key=API_KEY, base_url=base_url), simulated=True)
    return MiosaApp(backend=backend, config=config, poll_interval=interval)


async def wait_until(
    pilot: Any, predicate: Callable[[], Any], what: str, limit: float = 300, step: float = 0.02
) -> None:
    deadline = time.monotonic() + limit
    while not predicate():
        if time.monotonic() > deadline:
            raise RuntimeError(f"gave up waiting for {what}")
        await pilot.pause(step)


def send_keys(app: Any, keys: list[str], gap: float) -> tuple[threading.Thread, list[float]]:
    """Send `keys` one every `gap` s from another thread; the list fills with send times."""
    from textual import events

    loop = asyncio.get_running_loop()
    driver = app._driver
    sent: list[float] = []

    def typist() -> None:
        for key in keys:
            char = key if len(key) == 1 else None
            name = {"/": "slash", ":": "colon"}.get(key, key)
            event = events.Key(name, char)
            event.set_sender(app)
            sent.append(time.perf_counter())
            loop.call_soon_threadsafe(driver.send_message, event)
            time.sleep(gap)

    thread = threading.Thread(target=typist, daemon=True)
    thread.start()
    return thread, sent


async def fleet_listed(pilot: Any, app: Any, fleet: int) -> Any:
    """Wait for the dashboard's poller and its first whole listing of `fleet` computers; the
    ComputerTable."""
    from miosa_tui.ui.widgets.computer_table import ComputerTable

    screen = app.dashboard
    await wait_until(pilot, lambda: screen.poller is not None, "the poller")
    table = screen.query_one(ComputerTable)
    await wait_until(pilot, lambda: table.row_count >= fleet, "the first load")
    return table


class Painted:
    """Times at which the screen was repainted after a given moment (call_after_refresh)."""

    def __init__(self) -> None:
        self.times: list[float] = []

    def mark(self, widget: Any) -> None:
        widget.call_after_refresh(lambda: self.times.append(time.perf_counter()))


async def typing_trial(pilot: Any, app: Any, paused: bool) -> tuple[list[float], float]:
    """(echo per key, last key -> filtered table painted)."""
    from textual.widgets import Input

    from miosa_tui.ui.screens.dashboard import DashboardScreen
    from miosa_tui.ui.widgets.computer_table import ComputerTable

    screen = app.dashboard
    table = screen.query_one(ComputerTable)
    box = screen.query_one("#filter-input", Input)
    screen._apply_filter("")
    box.value = ""
    box.add_class("hidden")
    table.focus()
    screen.set_paused(paused)
    await pilot.pause(0.5)
    echoes: dict[int, float] = {}
    shown = Painted()
    box_class = type(box)
    original_key = box_class._on_key
    original_show = DashboardScreen._show

    async def on_key(self: Any, event: Any) -> None:
        await original_key(self, event)
        index = len(self.value)
        self.call_after_refresh(lambda: echoes.setdefault(index, time.perf_counter()))

    def show(self: Any, *args: Any, **kwargs: Any) -> None:  # (they differ by version)
        original_show(self, *args, **kwargs)
        if self.filter.text == FILTER:
            shown.mark(self)

    box_class._on_key = on_key
    DashboardScreen._show = show  # type: ignore[method-assign]
    try:
        thread, sent = send_keys(app, ["/", *FILTER], 0.05)
        await wait_until(pilot, lambda: not thread.is_alive(), "the typist")
        await wait_until(pilot, lambda: shown.times and box.value == FILTER, "the filtered table")
    finally:
        box_class._on_key = original_key
        DashboardScreen._show = original_show  # type: ignore[method-assign]
    if box.value != FILTER:
        raise RuntimeError(f"keys lost: the box shows {box.value!r}")
    delays = [echoes[i + 1] - sent[i + 1] for i in range(len(FILTER)) if i + 1 in echoes]
    if len(delays) != len(FILTER):
        raise RuntimeError(f"{len(FILTER) - len(delays)} keys never echoed")
    screen.set_paused(False)
    return delays, shown.times[0] - sent[-1]


async def sort_trial(pilot: Any, app: Any) -> tuple[float, float]:
    """(key -> sorted table painted, the sort alone)."""
    from miosa_tui.fleet.sorting import select_rows
    from miosa_tui.ui.screens.dashboard import DashboardScreen

    screen = app.dashboard
    painted = Painted()
    original = DashboardScreen._show
    before = screen.sort_key, screen.sort_reverse

    def show(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        if (self.sort_key, self.sort_reverse) != before:  # the sorted rows, not a poll's
            painted.mark(self)

    DashboardScreen._show = show  # type: ignore[method-assign]
    try:
        _thread, sent = send_keys(app, ["greater_than_sign"], 0)
        await wait_until(pilot, lambda: painted.times, "the sorted table")
    finally:
        DashboardScreen._show = original  # type: ignore[method-assign]
    fleet = app.fleet
    t0 = time.perf_counter()
    select_rows(fleet.computers, screen.filter, fleet.pending, screen.sort_key, screen.sort_reverse)
    alone = time.perf_counter() - t0
    return painted.times[0] - sent[0], alone


async def watched_from_top(pilot: Any, table: Any) -> StallMonitor:
    """The table's cursor on its first row, settled, and a stall monitor running from now
    (the start of a page-down trial; benchmarks/pagedown_steps.py's too)."""
    table.move_cursor(row=0, animate=False)
    await pilot.pause(0.3)
    monitor = StallMonitor()
    monitor.start()
    await asyncio.sleep(0.1)
    monitor.reset()
    return monitor


async def scroll_trial(pilot: Any, app: Any) -> tuple[float, float]:
    """(longest stall while pagedown is held, longest in an idle window as long)."""
    from miosa_tui.ui.widgets.computer_table import ComputerTable

    table = app.dashboard.query_one(ComputerTable)
    table.focus()
    monitor = await watched_from_top(pilot, table)
    t0 = time.perf_counter()
    thread, _sent = send_keys(app, ["pagedown"] * 45, 1 / 30)
    await wait_until(pilot, lambda: not thread.is_alive(), "the keys")
    last = -1
    while table.cursor_row != last:  # until every queued page down has been handled
        last = table.cursor_row
        await pilot.pause(0.3)
    held = monitor.max_late
    length = time.perf_counter() - t0
    if table.cursor_row < 1000:
        raise RuntimeError(f"page down moved only to row {table.cursor_row}")
    monitor.reset()
    await asyncio.sleep(length)
    idle = monitor.max_late
    monitor.stop()
    return held, idle


async def cpu_window(pilot: Any, seconds: float) -> float:
    await pilot.pause(0.5)
    c0, w0 = time.process_time(), time.perf_counter()
    await asyncio.sleep(seconds)
    return (time.process_time() - c0) / (time.perf_counter() - w0)


async def moving_fleet(args: argparse.Namespace, base_url: str) -> dict[str, Any]:
    from miosa_tui.api.models import TRANSITIONAL
    from miosa_tui.ui.widgets.computer_table import ComputerTable

    app = make_app(base_url)
    result: dict[str, Any] = {}
    launched = time.perf_counter()
    async with app.run_test(size=SIZE) as pilot:
        screen = app.dashboard
        await wait_until(pilot, lambda: screen.poller is not None, "the poller")
        table = screen.query_one(ComputerTable)
        # The first page of the first listing is shown while the rest is listed: first rows,
        # then the whole fleet.
        await wait_until(pilot, lambda: table.row_count > 0, "the first rows", step=0.005)
        rows = Painted()
        rows.mark(table)
        await wait_until(pilot, lambda: rows.times, "the first rows painted", step=0.005)
        result["first_rows_s"] = rows.times[0] - launched
        await wait_until(pilot, lambda: table.row_count >= args.fleet, "the first load")
        first = Painted()
        first.mark(table)
        await wait_until(pilot, lambda: first.times, "the first paint")
        result["first_paint_s"] = first.times[0] - launched
        await pilot.pause(2.0)
        counts = app.fleet.counts_by_status()
        result["in_transition"] = sum(n for s, n in counts.items() if s in TRANSITIONAL)
        result["cpu_moving"] = await cpu_window(pilot, args.window)
        # The same with polling paused: what the moving fleet costs besides its polls being
        # 3.3x as frequent (1.5 s while anything moves, 5 s when settled): the spinners.
        screen.set_paused(True)
        await pilot.pause(1.0)
        result["cpu_moving_paused"] = await cpu_window(pilot, args.window)
        screen.set_paused(False)
        result["polls_in_window"] = app.dashboard.poller.polls
        loop_cpu = time.thread_time()  # this thread runs the app's event loop
        echo_live: list[float] = []
        echo_paused: list[float] = []
        painted_live: list[float] = []
        painted_paused: list[float] = []
        for _ in range(args.runs):
            echoes, painted = await typing_trial(pilot, app, paused=False)
            echo_live.extend(echoes)
            painted_live.append(painted)
            echoes, painted = await typing_trial(pilot, app, paused=True)
            echo_paused.extend(echoes)
            painted_paused.append(painted)
        screen._apply_filter("")
        table.focus()
        await pilot.pause(0.5)
        sorts: list[float] = []
        alone: list[float] = []
        for _ in range(args.runs):
            key_to_paint, sort_alone = await sort_trial(pilot, app)
            sorts.append(key_to_paint)
            alone.append(sort_alone)
            await pilot.pause(0.5)
        while screen.sort_key is not None:  # back to API order for scrolling
            screen.action_sort(1)
        stalls: list[float] = []
        idle: list[float] = []
        for _ in range(args.runs):
            held, quiet = await scroll_trial(pilot, app)
            stalls.append(held)
            idle.append(quiet)
        result["loop_cpu_trials_s"] = time.thread_time() - loop_cpu
    result.update(
        echo_median_s=median(echo_live),
        echo_max_s=max(echo_live),
        echo_paused_median_s=median(echo_paused),
        echo_paused_max_s=max(echo_paused),
        filter_painted_s=median(painted_live),
        filter_painted_max_s=max(painted_live),
        filter_painted_paused_s=median(painted_paused),
        sort_painted_s=median(sorts),
        sort_painted_max_s=max(sorts),
        sort_alone_s=median(alone),
        scroll_stall_max_s=max(stalls),
        scroll_stall_median_s=median(stalls),
        scroll_idle_stall_s=max(idle),
    )
    return result


async def settled_fleet(args: argparse.Namespace, base_url: str) -> tuple[float, float]:
    """(process CPU with the fleet settled, the same with polling paused)."""
    app = make_app(base_url)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.dashboard
        await fleet_listed(pilot, app, args.fleet)
        await wait_until(pilot, lambda: not app.fleet.any_transitional, "a settled fleet")
        await pilot.pause(2.0)
        polling = await cpu_window(pilot, args.window)
        screen.set_paused(True)
        await pilot.pause(1.0)
        return polling, await cpu_window(pilot, args.window)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fleet", type=int, default=10_000)
    parser.add_argument("--share", type=float, default=0.05)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--window", type=float, default=15.0, help="CPU window (s)")
    parser.add_argument(
        "--no-settled",
        dest="settled",
        action="store_false",
        help="skip the settled-fleet CPU baseline (the 100,000 run)",
    )
    parser.add_argument(
        "--code", type=Path, help="run the miosa_tui in this checkout (a before/after comparison)"
    )
    args = parser.parse_args()
    if args.code:  # before anything imports miosa_tui (make_app and the trials import it late)
        sys.path.insert(0, str(args.code.resolve()))
    with sim_process(args.fleet, speed=1.0, transition_share=args.share) as sim:
        r = asyncio.run(moving_fleet(args, sim.base_url))
    r["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if args.settled:
        with sim_process(args.fleet, speed=1000.0) as sim:
            r["cpu_settled"], r["cpu_settled_paused"] = asyncio.run(
                settled_fleet(args, sim.base_url)
            )
    else:
        r["cpu_settled"] = r["cpu_settled_paused"] = float("nan")
    r.update(
        fleet=args.fleet,
        share=args.share,
        runs=args.runs,
        load_average=os.getloadavg()[0],
        echo_ratio=r["echo_median_s"] / r["echo_paused_median_s"],
        sort_ratio=r["sort_painted_s"] / r["sort_alone_s"],
        cpu_ratio=r["cpu_moving"] / r["cpu_settled"],
        cpu_paused_ratio=r["cpu_moving_paused"] / r["cpu_settled_paused"],
    )
    print(
        f"  first rows painted {ms(r['first_rows_s'])}; whole fleet painted "
        f"{ms(r['first_paint_s'])}; peak RSS {r['peak_rss_mb']:.0f} MB "
        "(this process: the app, no simulator)"
    )
    print(
        f"fleet {args.fleet}, {r['in_transition']} in transition ({args.share:.0%} asked), "
        f"{args.runs} runs, load {r['load_average']:.1f}"
    )
    print(
        f"  key echo (20 keys/s)        median {ms(r['echo_median_s'])}, max "
        f"{ms(r['echo_max_s'])}; polling paused: median {ms(r['echo_paused_median_s'])}, max "
        f"{ms(r['echo_paused_max_s'])}  (budget 50 ms)"
    )
    print(
        f"  last key -> filtered table  {ms(r['filter_painted_s'])} (max "
        f"{ms(r['filter_painted_max_s'])}); paused {ms(r['filter_painted_paused_s'])}  "
        "(budget 150 ms)"
    )
    print(
        f"  sort key -> sorted table    {ms(r['sort_painted_s'])} (max "
        f"{ms(r['sort_painted_max_s'])}); the sort alone {ms(r['sort_alone_s'])}, ratio "
        f"{r['sort_ratio']:.2f}x  (budget 200 ms)"
    )
    print(
        f"  page down held: worst stall {ms(r['scroll_stall_max_s'])} (median of runs "
        f"{ms(r['scroll_stall_median_s'])}); idle window {ms(r['scroll_idle_stall_s'])}  "
        "(budget 33 ms)"
    )
    print(
        f"  event-loop CPU over all the typing, sort and page-down trials "
        f"{r['loop_cpu_trials_s']:.2f} s (steadier than the timings on a loaded machine)"
    )
    print(
        f"  process CPU                 {r['cpu_moving']:.1%} of a core with "
        f"{args.share:.0%} in transition, {r['cpu_settled']:.1%} settled: "
        f"{r['cpu_ratio']:.2f}x  (budget 2x)"
    )
    print(
        f"  ... polling paused          {r['cpu_moving_paused']:.1%} moving, "
        f"{r['cpu_settled_paused']:.1%} settled: {r['cpu_paused_ratio']:.2f}x (the spinners)"
    )
    emit(r)


if __name__ == "__main__":
    main()
