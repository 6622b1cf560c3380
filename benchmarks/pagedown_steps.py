"""Page down held on a moving 10,000 fleet: what the event loop's longest steps were made of.

Run: /work/venv/bin/python benchmarks/pagedown_steps.py [--trials 5] [--top 5]
     [--sort] [--code DIR: another checkout's miosa_tui, for a before/after comparison]

The real MiosaApp runs headless (160x48) against a simulator process with 5% of the fleet in
transition, as bench_interactive.py's page-down trial: 45 page downs at 30 keys a second from
another thread, from the top. Every step the loop runs (`asyncio.Handle._run`) is timed, wall and
thread CPU; inside it are noted each layout (`Screen._refresh_layout`) and paint
(`Screen._compositor_refresh`) with their times, each widget whose `render_lines` took over
0.8 ms, each garbage collection with its generation and thread, a poll applied
(`DashboardScreen._on_poll`) and a move of the side panes (`_highlight`). Printed per trial: the
longest stall (a 5 ms sleeper's lateness, as bench_interactive.py), the loop's CPU, the young
and middle collections with their time, then the `--top` longest steps with what was in them.
`--sort` times a sort instead (`>` once a trial): every step over 1 ms after the key, with the
table's `sync` among the notes (it found each sort painting the table twice, stop 37).
A diagnostic (kept in benchmarks/profiles/); it never passes or fails.
"""

from __future__ import annotations

import argparse
import asyncio
import asyncio.events
import contextlib
import gc
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import sim_process
from bench_interactive import (
    SIZE,
    fleet_listed,
    make_app,
    send_keys,
    wait_until,
    watched_from_top,
)


class Steps:
    """The loop's steps while `on`, each with the notes made during it."""

    def __init__(self) -> None:
        self.on = False
        self.notes: list[str] = []
        self.steps: list[tuple[float, float, float, list[str]]] = []
        self.collections: list[tuple[int, float]] = []
        self._gc_start = 0.0

    def install(self) -> None:
        original = asyncio.events.Handle._run
        steps = self

        def run(handle: asyncio.events.Handle) -> None:
            if not steps.on:
                original(handle)
                return
            steps.notes = []
            wall, cpu = time.perf_counter(), time.thread_time()
            original(handle)
            steps.steps.append(
                (wall, time.perf_counter() - wall, time.thread_time() - cpu, steps.notes)
            )

        asyncio.events.Handle._run = run  # type: ignore[method-assign]
        gc.callbacks.append(self._on_gc)

    def timed(self, owner: type, name: str, label: str) -> None:
        """Note each call of `owner.name` made during a step, with its time."""
        original: Callable[..., Any] = getattr(owner, name)
        steps = self

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                if steps.on:
                    steps.notes.append(f"{label} {(time.perf_counter() - start) * 1000:.1f}")

        setattr(owner, name, wrapper)

    def render_lines(self, widget_class: type) -> None:
        """Note each widget's render_lines over 0.8 ms, by its class name."""
        original = widget_class.render_lines
        steps = self

        def render_lines(widget: Any, crop: Any) -> Any:
            start = time.perf_counter()
            lines = original(widget, crop)
            took = time.perf_counter() - start
            if steps.on and took > 0.0008:
                steps.notes.append(f"{type(widget).__name__} {took * 1000:.1f}")
            return lines

        widget_class.render_lines = render_lines

    def _on_gc(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._gc_start = time.perf_counter()
            return
        took = time.perf_counter() - self._gc_start
        if not self.on:
            return
        self.collections.append((info["generation"], took))
        if took > 0.002:
            thread = threading.current_thread().name[:10]
            self.notes.append(f"gc{info['generation']} {took * 1000:.1f}@{thread}")


def keys_sent(thread: threading.Thread) -> Callable[[], bool]:
    return lambda: not thread.is_alive()


@contextlib.asynccontextmanager
async def listed(args: argparse.Namespace, base_url: str) -> AsyncIterator[tuple[Any, Any, Any]]:
    """The app running headless, its fleet listed and settled, the table focused."""
    app = make_app(base_url)
    async with app.run_test(size=SIZE) as pilot:
        table = await fleet_listed(pilot, app, args.fleet)
        await pilot.pause(3.0)
        table.focus()
        yield app, pilot, table


def print_step(since: float, step: tuple[float, float, float, list[str]]) -> None:
    at, wall, step_cpu, notes = step
    print(
        f"  at {(at - since) * 1000:7.1f}  wall {wall * 1000:5.1f}  cpu "
        f"{step_cpu * 1000:5.1f}  {' | '.join(notes)}"
    )


async def sort_trials(args: argparse.Namespace, base_url: str, steps: Steps) -> None:
    """`--sort`: `>` pressed once a trial (name, status, size...); every step over 1 ms from
    the key to 0.3 s after it, with what was in it."""
    async with listed(args, base_url) as (app, pilot, _table):
        for _trial in range(args.trials):
            steps.steps, steps.collections = [], []
            steps.on = True
            _thread, sent = send_keys(app, ["greater_than_sign"], 0)
            await pilot.pause(0.3)
            steps.on = False
            print(f"--- `>` -> sorted by {app.dashboard.sort_key}")
            for step in steps.steps:
                if step[1] > 0.001:
                    print_step(sent[0], step)
            await pilot.pause(1.0)


async def trials(args: argparse.Namespace, base_url: str, steps: Steps) -> None:
    if args.sort:
        await sort_trials(args, base_url, steps)
        return
    async with listed(args, base_url) as (app, pilot, table):
        for trial in range(args.trials):
            monitor = await watched_from_top(pilot, table)
            steps.steps, steps.collections = [], []
            steps.on = True
            began, cpu = time.perf_counter(), time.thread_time()
            thread, _sent = send_keys(app, ["pagedown"] * 45, 1 / 30)
            await wait_until(pilot, keys_sent(thread), "the keys")
            await pilot.pause(0.4)
            steps.on = False
            monitor.stop()
            loop_cpu = time.thread_time() - cpu
            young = [took for generation, took in steps.collections if generation == 0]
            middle = [took for generation, took in steps.collections if generation == 1]
            print(
                f"trial {trial}: longest stall {monitor.max_late * 1000:.1f} ms, loop CPU "
                f"{loop_cpu * 1000:.0f} ms; young collections {len(young)} "
                f"({sum(young) * 1000:.0f} ms), middle {len(middle)} ({sum(middle) * 1000:.0f} ms,"
                f" longest {max(middle, default=0) * 1000:.1f})"
            )
            for step in sorted(steps.steps, key=lambda step: -step[1])[: args.top]:
                print_step(began, step)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fleet", type=int, default=10_000)
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--top", type=int, default=5)
    parser.add_argument("--code", type=Path, help="run the miosa_tui in this checkout")
    parser.add_argument("--sort", action="store_true", help="time sorts (`>`), not page downs")
    args = parser.parse_args()
    if args.code:  # before anything imports miosa_tui
        sys.path.insert(0, str(args.code.resolve()))
    from textual.screen import Screen
    from textual.widget import Widget

    from miosa_tui.ui.screens.dashboard import DashboardScreen
    from miosa_tui.ui.widgets.computer_table import ComputerTable

    steps = Steps()
    steps.install()
    steps.timed(Screen, "_refresh_layout", "LAYOUT")
    steps.timed(Screen, "_compositor_refresh", "paint")
    steps.timed(DashboardScreen, "_on_poll", "POLL")
    steps.timed(DashboardScreen, "_highlight", "PANES")
    steps.timed(ComputerTable, "sync", "SYNC")
    steps.render_lines(Widget)
    with sim_process(args.fleet, speed=1.0, transition_share=0.05) as sim:
        asyncio.run(trials(args, sim.base_url, steps))


if __name__ == "__main__":
    main()
