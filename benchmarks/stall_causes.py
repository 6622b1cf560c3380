"""What the event loop was doing when it stalled: a moving 10,000 fleet, left alone or paged.

Run: /work/venv/bin/python benchmarks/stall_causes.py [--mode idle|pagedown] [--seconds 20]
     [--thresholds 700,10,1000: set the collector's thresholds after the first load]

The real MiosaApp runs headless against a simulator process with 5% of the fleet in transition
(as bench_interactive.py). Recorded after the first load:
  - every garbage collection (`gc.callbacks`): generation, wall and thread-CPU milliseconds,
    young objects at its start, the thread it ran in, objects collected; those over 5 ms are
    printed;
  - a watchdog thread samples the loop thread's stack whenever the loop has not run its 2 ms
    heartbeat for 30 ms: the most frequent stacks are printed;
  - the longest stall (a 5 ms sleeper's lateness, the StallMonitor of the other benchmarks).
A diagnostic for finding causes (kept in benchmarks/profiles/); it never passes or fails.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import gc
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import StallMonitor, sim_process
from bench_interactive import SIZE, fleet_listed, make_app, send_keys, wait_until


class Recorder:
    def __init__(self) -> None:
        self.beat = time.perf_counter()
        self.stacks: collections.Counter[str] = collections.Counter()
        self.collections: list[tuple[int, float, float, int, str, int]] = []
        self._start = (0.0, 0.0, 0, "")

    def on_gc(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            young = len(gc.get_objects(0))
            name = threading.current_thread().name
            self._start = (time.perf_counter(), time.thread_time(), young, name)
            return
        wall0, cpu0, young, name = self._start
        wall = (time.perf_counter() - wall0) * 1000
        cpu = (time.thread_time() - cpu0) * 1000
        self.collections.append((info["generation"], wall, cpu, young, name, info["collected"]))

    async def heartbeat(self) -> None:
        while True:
            self.beat = time.perf_counter()
            await asyncio.sleep(0.002)

    def watchdog(self, loop_thread: int) -> None:
        while True:
            time.sleep(0.004)
            if time.perf_counter() - self.beat > 0.03:
                frame = sys._current_frames().get(loop_thread)
                stack = traceback.extract_stack(frame)[-9:]
                self.stacks[
                    " <- ".join(f"{Path(f.filename).name}:{f.name}" for f in reversed(stack))
                ] += 1


def thread_done(thread: threading.Thread) -> Callable[[], bool]:
    return lambda: not thread.is_alive()


async def run(args: argparse.Namespace, base_url: str) -> None:
    app = make_app(base_url)
    async with app.run_test(size=SIZE) as pilot:
        table = await fleet_listed(pilot, app, args.fleet)
        await pilot.pause(3.0)
        if args.thresholds:
            gc.set_threshold(*(int(n) for n in args.thresholds.split(",")))
        recorder = Recorder()
        gc.callbacks.append(recorder.on_gc)
        asyncio.get_running_loop().create_task(recorder.heartbeat())
        loop_thread = threading.main_thread().ident or 0
        threading.Thread(target=recorder.watchdog, args=(loop_thread,), daemon=True).start()
        monitor = StallMonitor()
        monitor.start()
        if args.mode == "pagedown":
            table.focus()
            for _ in range(3):
                table.move_cursor(row=0, animate=False)
                await pilot.pause(0.3)
                thread, _ = send_keys(app, ["pagedown"] * 45, 1 / 30)
                await wait_until(pilot, thread_done(thread), "the keys")
                await pilot.pause(1.0)
        else:
            await asyncio.sleep(args.seconds)
        monitor.stop()
        gc.callbacks.remove(recorder.on_gc)
        thresholds = gc.get_threshold()  # the app restores CPython's when it ends
    found = recorder.collections
    print(f"mode {args.mode}, fleet {args.fleet}, thresholds {thresholds}")
    print(f"longest stall {monitor.max_late * 1000:.1f} ms")
    print(
        f"{len(found)} collections, {sum(c[2] for c in found):.0f} ms of CPU in all, longest "
        f"{max((c[1] for c in found), default=0):.1f} ms"
    )
    print("collections over 5 ms: generation, wall ms, cpu ms, young objects, thread, collected")
    for gen, wall, cpu, young, name, collected in found:
        if wall > 5:
            print(f"  {gen} {wall:6.1f} {cpu:6.1f} {young:7d} {name:12s} {collected}")
    print("loop stacks while stalled over 30 ms (samples every 4 ms):")
    for stack, count in recorder.stacks.most_common(15):
        print(f"  {count:3d} {stack}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mode", choices=("idle", "pagedown"), default="idle")
    parser.add_argument("--fleet", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--thresholds", help="e.g. 30000,10,10 (the collector's, after load)")
    args = parser.parse_args()
    with sim_process(args.fleet, speed=1.0, transition_share=0.05) as sim:
        asyncio.run(run(args, sim.base_url))


if __name__ == "__main__":
    main()
