"""How fast a highlighted computer's desktop appears, and whether loading it stalls the UI.

Run: /work/venv/bin/python benchmarks/bench_screenshot.py [--rounds 10] [--size 160x48]

In one headless run against the embedded simulator (loopback HTTP, 1280x800 PNGs) it measures:
  (a) highlight -> picture painted in the pane (the pane's debounce is set to 0 here to time the
      machinery; the real debounce adds 0.3 s on purpose, so a held arrow key sends nothing),
  (b) the longest event-loop stall while a screenshot loads: a monitor task sleeps 5 ms in a
      loop and records how late it wakes up,
  (c) decoding the same PNG with PIL (open + load), the unavoidable work,
and prints medians and maxima with the ratios (a)/(c) and (b)/(c). No pass/fail.

It measures twice in the same run, so the figures share the machine's load: first the baseline,
the pane drawing with textual-image's HalfcellImage (its lines built on the event loop at first
paint, as before the change), then the pane as shipped (halfcell lines built in a thread, see
ui/widgets/desktop/strips.py), and prints the stall (b) of each and their ratio. The goal (issue
13) is a longest stall of at most 16 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("MIOSA_TUI_IMAGE_RENDERER", "halfcell")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import Image
from textual.app import App, ComposeResult

from miosa_tui.api.computers import MiosaClient
from miosa_tui.api.models import Computer
from miosa_tui.api.settings import ApiSettings
from miosa_tui.config import load_config
from miosa_tui.fleet.journal import Journal
from miosa_tui.sim.config import SimConfig
from miosa_tui.sim.server import serve
from miosa_tui.ui.app import STYLESHEET
from miosa_tui.ui.heap import HeapSettler
from miosa_tui.ui.image_renderer import prepare_renderer
from miosa_tui.ui.widgets.desktop.display import ScreenshotPaneDisplay
from miosa_tui.ui.widgets.desktop.pane import ScreenshotPane

TICK = 0.005


class BenchApp(App[None]):
    CSS_PATH = STYLESHEET  # the pane's style lives in the app's stylesheet
    CSS = "ScreenshotPane { height: 1fr; }"

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.client = MiosaClient(ApiSettings(api_key="msk_u_test_0000", base_url=base_url))
        self.config = load_config(
            environ={"MIOSA_TUI_IMAGE_RENDERER": "halfcell"}, path=Path("/nonexistent.toml")
        )
        self.journal = Journal()  # with `client`: the AppServices the pane asks for

    def compose(self) -> ComposeResult:
        yield ScreenshotPane(id="desktop", debounce=0.0, renderer=self.config.image_renderer)

    async def on_unmount(self) -> None:
        await self.client.aclose()


class Monitor:
    """Max lateness of 5 ms sleeps on the event loop, over a window."""

    def __init__(self) -> None:
        self.worst = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            start = time.perf_counter()
            await asyncio.sleep(TICK)
            self.worst = max(self.worst, time.perf_counter() - start - TICK)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    def reset(self) -> None:
        self.worst = 0.0

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()


async def measure(
    base_url: str, rounds: int, size: tuple[int, int], *, baseline: bool = False
) -> dict[str, Any]:
    """One app run; with `baseline`, the pane draws with textual-image's widget (lines built
    on the event loop at first paint) instead of strips built in a thread."""
    shipped = ScreenshotPaneDisplay._draws_strips
    if baseline:
        ScreenshotPaneDisplay._draws_strips = lambda self: False  # type: ignore[method-assign]
    try:
        return await _measure(base_url, rounds, size)
    finally:
        ScreenshotPaneDisplay._draws_strips = shipped  # type: ignore[method-assign]


async def _measure(base_url: str, rounds: int, size: tuple[int, int]) -> dict[str, Any]:
    app = BenchApp(base_url)
    results: dict[str, Any] = {"to_screen": [], "stall": [], "idle_stall": [], "paint": []}
    async with app.run_test(size=size) as pilot:
        computers = [c for c in await app.client.list_computers() if c.is_running]
        pane = app.query_one(ScreenshotPane)
        # One unmeasured picture first: the pane makes its image widget (and imports
        # textual-image) when its first desktop arrives, once per run of the app.
        pane.show_computer(computers[-1])
        while not pane.query("#desktop-image") or pane.shot is None:
            await pilot.pause(0.05)
        image_widget: Any = pane.query_one("#desktop-image")
        # The dashboard settles the collector once its first fleet is painted (ui/heap.py), before
        # anyone opens a desktop: without that, full collections of this app's heap (32-63 ms,
        # in whichever thread allocates) were the longest stalls measured here.
        heap = HeapSettler()
        heap.fleet_painted(1)
        painted = asyncio.Event()
        original = image_widget.render_lines

        def render_lines(crop: Any) -> Any:
            start = time.perf_counter()
            lines = original(crop)
            if image_widget.image is not None and not painted.is_set():
                results["paint"].append(time.perf_counter() - start)
                painted.set()
            return lines

        image_widget.render_lines = render_lines
        monitor = Monitor()
        monitor.start()
        await pilot.pause(0.2)
        for i in range(rounds):
            # idle baseline: same window length, nothing loading
            monitor.reset()
            await asyncio.sleep(0.2)
            results["idle_stall"].append(monitor.worst)
            computer: Computer = computers[i % len(computers)]
            pane.show_computer(None)
            await pilot.pause()
            painted.clear()
            monitor.reset()
            start = time.perf_counter()
            pane.show_computer(computer)
            await asyncio.wait_for(painted.wait(), timeout=30)
            results["to_screen"].append(time.perf_counter() - start)
            results["stall"].append(monitor.worst)
            await pilot.pause()
        monitor.stop()
        heap.release()
        assert pane.shot is not None
        results["png"] = pane.shot.data
        results["pane_cells"] = pane.query_one("#desktop-frame").content_size
    return results


def _serve(ready: multiprocessing.Queue[str]) -> None:
    serve(SimConfig(fleet=12, seed=7, speed=50.0), port=0, on_ready=ready.put)


def decode_times(data: bytes, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--size", default="160x48", help="terminal size, COLSxROWS")
    args = parser.parse_args()
    cols, rows = (int(v) for v in args.size.lower().split("x"))
    prepare_renderer("halfcell")
    # The simulator runs in its own process: in a thread it would compete for the GIL while it
    # paints and encodes each PNG, and that would show up as event-loop stalls of ours.
    ready: multiprocessing.Queue[str] = multiprocessing.Queue()
    server = multiprocessing.Process(target=_serve, args=(ready,), daemon=True)
    server.start()
    try:
        base_url = ready.get(timeout=30)
        before = asyncio.run(measure(base_url, args.rounds, (cols, rows), baseline=True))
        results = asyncio.run(measure(base_url, args.rounds, (cols, rows)))
    finally:
        server.terminate()
        server.join(5)
    decode = decode_times(results["png"], max(20, args.rounds))

    def ms(values: list[float]) -> tuple[float, float]:
        return statistics.median(values) * 1000, max(values) * 1000

    a_med, a_max = ms(results["to_screen"])
    b_med, b_max = ms(results["stall"])
    p_med, p_max = ms(results["paint"])
    i_med, i_max = ms(results["idle_stall"])
    c_med, c_max = ms(decode)
    png = results["png"]
    with Image.open(io.BytesIO(png)) as image:
        width, height = image.size
    pane = results["pane_cells"]
    print(
        f"screenshot {width}x{height} PNG, {len(png) / 1024:.0f} KiB; pane {pane.width}x"
        f"{pane.height} cells (halfcell); terminal {cols}x{rows}; {args.rounds} rounds"
    )
    print()
    print(f"{'measure':<52} {'median ms':>10} {'max ms':>9} {'median / (c)':>13}")
    print("-" * 87)
    rows_out = [
        ("(a) highlight -> picture painted (debounce 0)", a_med, a_max),
        ("(b) longest event-loop stall while loading", b_med, b_max),
        ("    of which: first paint of the image widget", p_med, p_max),
        ("    longest stall, idle (baseline, same window)", i_med, i_max),
        ("(c) PIL decode of the same PNG (open + load)", c_med, c_max),
    ]
    for label, med, worst in rows_out:
        print(f"{label:<52} {med:>10.1f} {worst:>9.1f} {med / c_med:>13.2f}")
    print()
    print(
        f"(a)/(c) = {a_med / c_med:.2f}   (b)/(c) = {b_med / c_med:.2f}   "
        f"(the pane's real debounce adds 300 ms to (a) by design)"
    )
    base_med, base_max = ms(before["stall"])
    base_paint, _ = ms(before["paint"])
    print()
    print("longest event-loop stall while a picture loads (goal: at most 16 ms), same run:")
    print(
        f"  baseline, textual-image draws on the loop: median {base_med:.1f} ms, max "
        f"{base_max:.1f} ms (first paint {base_paint:.1f} ms)"
    )
    print(
        f"  shipped, strips built in a thread:          median {b_med:.1f} ms, max "
        f"{b_max:.1f} ms (first paint {p_med:.1f} ms)"
    )
    print(
        f"  shipped / baseline = {b_med / base_med:.2f} (median)   idle loop on this machine: "
        f"median {i_med:.1f} ms, max {i_max:.1f} ms"
    )


if __name__ == "__main__":
    main()
