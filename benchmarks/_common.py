"""Shared pieces of the benchmarks: a simulator in its own process, stall monitor, medians.

The simulator always runs as a separate process (`python -m miosa_tui sim ...`), so its CPU never
counts as the UI's. Nothing here asserts on absolute times: every benchmark reports figures and
ratios against a baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
PROFILES = ROOT / "benchmarks" / "profiles"
API_KEY = "msk_bench_0000"
PYTHON = sys.executable


def private_history() -> Path:
    """Point this process, and the launches it makes, at a history of their own
    (`MIOSA_TUI_STATE_DIR`), removed when it ends: the apps a benchmark runs record every status
    change they see, and a run_all.py left ~87,000 rows in the user's own history, shown by
    the next demo as the same seeded computers' past."""
    state = Path(tempfile.mkdtemp(prefix="miosa-bench-state-"))
    os.environ["MIOSA_TUI_STATE_DIR"] = str(state)
    atexit.register(shutil.rmtree, state, ignore_errors=True)
    return state


private_history()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class SimProcess:
    """`python -m miosa_tui sim --fleet N --port P --speed F` in a child process."""

    def __init__(
        self, fleet: int, *, speed: float = 1000.0, seed: int = 7, transition_share: float = 0.0
    ) -> None:
        self.fleet = fleet
        self.port = free_port()
        self.root_url = f"http://127.0.0.1:{self.port}"
        self.base_url = self.root_url + "/api/v1"
        env = {k: v for k, v in os.environ.items() if not k.startswith("MIOSA_")}
        cmd = [
            PYTHON, "-m", "miosa_tui", "sim", "--fleet", str(fleet), "--port", str(self.port),
            "--speed", f"{speed:g}", "--seed", str(seed),
            "--transition-share", f"{transition_share:g}",
        ]  # fmt: skip
        self.proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 60
        while True:
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode() if self.proc.stderr else ""
                raise RuntimeError(f"simulator exited: {err}")
            try:
                if httpx.get(self.root_url + "/_sim/stats", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("simulator did not start within 60 s")
            time.sleep(0.05)

    def get(self, path: str, **params: Any) -> Any:
        return httpx.get(self.root_url + path, params=params, timeout=30).json()

    def post(self, path: str, body: Any = None) -> Any:
        return httpx.post(self.root_url + path, json=body, timeout=30).json()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self) -> SimProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextmanager
def sim_process(fleet: int, **kwargs: Any) -> Iterator[SimProcess]:
    sim = SimProcess(fleet, **kwargs)
    try:
        yield sim
    finally:
        sim.stop()


class StallMonitor:
    """A task that sleeps `tick` seconds in a loop and records how late it wakes up.

    The lateness is how long the event loop was busy with something else: the longest one in a
    window is the worst input delay a key press could have seen there.
    """

    def __init__(self, tick: float = 0.005) -> None:
        self.tick = tick
        self.max_late = 0.0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    def reset(self) -> None:
        self.max_late = 0.0

    async def _run(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(self.tick)
            late = time.perf_counter() - before - self.tick
            if late > self.max_late:
                self.max_late = late

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def emit(result: dict[str, Any]) -> None:
    """The last stdout line of every benchmark script: one JSON object for run_all.py."""
    print("RESULT " + json.dumps(result), flush=True)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def save_profile(profiler: Any, path: Path, title: str) -> Path:
    """Write a pyinstrument profile as text: the call tree (library frames shown, nodes under
    1% hidden), then the functions with the most self time."""
    from pyinstrument import processors
    from pyinstrument.renderers import ConsoleRenderer

    tree = ConsoleRenderer(unicode=False, color=False, processor_options={"filter_threshold": 0.01})
    tree.processors.remove(processors.group_library_frames_processor)
    flat = ConsoleRenderer(unicode=False, color=False, flat=True)
    session = profiler.last_session
    text = (
        f"# {title}\n\n## call tree\n"
        + tree.render(session)
        + "\n## self time by function\n"
        + "\n".join(flat.render(session).splitlines()[:60])
        + "\n"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def diagnose_moving_fleet(
    doc: str,
    run: Callable[[argparse.Namespace, str], Coroutine[Any, Any, None]],
    count: tuple[str, int],
) -> None:
    """The command line of a diagnostic that runs the real app against a simulator in another
    process with 5% of the fleet in transition: --fleet, --code and one count (`count`: its
    option and default, e.g. ("--polls", 4)); `run(args, base_url)` does the rest."""
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    parser.add_argument("--fleet", type=int, default=100_000)
    parser.add_argument(count[0], type=int, default=count[1])
    parser.add_argument("--code", type=Path, help="run the miosa_tui in this checkout")
    args = parser.parse_args()
    if args.code:  # before anything imports miosa_tui
        sys.path.insert(0, str(args.code.resolve()))
    with sim_process(args.fleet, speed=1.0, transition_share=0.05) as sim:
        asyncio.run(run(args, sim.base_url))
