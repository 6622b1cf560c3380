#!/usr/bin/env python3
"""Chaos soak: the real dashboard, headless, against a simulator having a bad day.

    python scripts/chaos_soak.py --minutes 3            # the README figures
    python scripts/chaos_soak.py --seconds 20 --json    # what the default test suite runs

The simulator runs as `miosa-tui sim --chaos` in a child process (so the memory figure is the
dashboard's alone): 20% 5xx, 5% 429 with Retry-After, 200-2000 ms latency, 2% dropped
connections, 1% malformed JSON, 1% unknown statuses. A seeded script presses what a user
presses: navigate, filter, start, stop (+confirm), clone (+enter), screenshot (g; x + enter),
copy (y). Then faults are switched off and the time to the next good refresh is measured.

Figures (goal in brackets):
  crashes [0]            the app stopped or recorded an exception (App._exception)
  worker errors [0]      a worker ended in ERROR (seen via a message hook), or an asyncio task
                         died with an exception nobody retrieved
  lost [0]               a user action that reached the runner and was sent (its journal
                         entry says so) but no matching POST is in the simulator's log, or a
                         confirmed action with no journal entry at all
  doubled [0]            more POSTs for (verb, computer) in the simulator's log than sends
  recovery               faults off -> header shows a refresh that completed afterwards
                         [within 2 poll intervals]
  memory growth [<10%]   live Python memory after warm-up (a quarter of the run, at most 60 s)
                         vs at the end: pymalloc blocks, or tracemalloc with --tracemalloc;
                         RSS shown too
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import random
import socket
import subprocess
import sys
import time
import tracemalloc
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

from miosa_tui.sim.faults import FaultConfig

API_KEY = "msk_u_soak_0000"
CHAOS_EXPECTED = {
    "latency_ms": [200, 2000],
    "error_rate": 0.20,
    "rate_limit_rate": 0.05,
    "drop_rate": 0.02,
    "malformed_rate": 0.01,
    "unknown_status_rate": 0.01,
}
FAULTS_OFF = FaultConfig().to_json()  # every fault off
MAX_FLEET = 24  # clones stop here, so memory is not measured against a growing fleet
POST_VERBS = ("start", "stop", "restart", "clone", "move", "resize")


@dataclass
class SoakReport:
    seconds: float = 0.0
    poll_interval: float = 0.0
    key_presses: int = 0
    user_actions: int = 0  # confirmed action targets handed to the runner
    sent: int = 0  # of which a request reached (or may have reached) the API
    unknown_outcomes: int = 0
    failed: int = 0
    crashes: int = 0
    worker_errors: int = 0
    lost: int = 0
    doubled: int = 0
    unjournaled: int = 0
    recovery_s: float | None = None
    memory_start_kb: float = 0.0
    memory_end_kb: float = 0.0
    memory_growth_pct: float = 0.0
    rss_start_kb: float = 0.0
    rss_end_kb: float = 0.0
    memory_timeline_kb: list[tuple[int, int]] = field(default_factory=list)  # (s, KiB) samples
    requests_seen: int = 0
    faults_seen: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        recovered = self.recovery_s is not None and self.recovery_s <= 2 * self.poll_interval + 0.5
        return (
            not self.crashes
            and not self.worker_errors
            and not self.lost
            and not self.doubled
            and not self.unjournaled
            and recovered
            and self.memory_growth_pct < 10.0
        )

    def table(self) -> str:
        recovery = "never" if self.recovery_s is None else f"{self.recovery_s:.2f} s"
        rows = [
            ("run", f"{self.seconds:.0f} s, poll every {self.poll_interval:g} s", ""),
            ("key presses / actions", f"{self.key_presses} / {self.user_actions}", ""),
            (
                "sent / failed / unknown",
                f"{self.sent} / {self.failed} / {self.unknown_outcomes}",
                "",
            ),
            (
                "API requests (faults)",
                f"{self.requests_seen} " + json.dumps(self.faults_seen, sort_keys=True),
                "",
            ),
            ("crashes", str(self.crashes), "0"),
            ("worker exceptions", str(self.worker_errors), "0"),
            ("actions lost", str(self.lost + self.unjournaled), "0"),
            ("actions doubled", str(self.doubled), "0"),
            ("recovery after faults stop", recovery, f"<= {2 * self.poll_interval:g} s"),
            (
                "memory growth (Python heap)",
                f"{self.memory_growth_pct:+.1f}% ({self.memory_start_kb:.0f} -> "
                f"{self.memory_end_kb:.0f} KiB)",
                "< 10%",
            ),
            ("RSS", f"{self.rss_start_kb:.0f} -> {self.rss_end_kb:.0f} KiB", ""),
            (
                "heap timeline (s: KiB)",
                " ".join(f"{t}:{kb}" for t, kb in self.memory_timeline_kb[-8:]),
                "",
            ),
        ]
        width = max(len(r[0]) for r in rows)
        lines = [f"{'figure'.ljust(width)}  {'value':<44} goal", "-" * (width + 52)]
        lines += [f"{name.ljust(width)}  {value:<44} {goal}" for name, value, goal in rows]
        lines.append(f"verdict: {'PASS' if self.ok else 'FAIL'}")
        lines += [f"problem: {p}" for p in self.problems[:20]]
        return "\n".join(lines)


def _heap_kb(traced: bool) -> float:
    """Live Python memory: tracemalloc's figure when it runs, else pymalloc's block count
    (cheap enough to leave the app at full speed; a block is at most 512 bytes, count x 64 B
    is a rough but leak-sensitive size)."""
    gc.collect()
    if traced:
        return tracemalloc.get_traced_memory()[0] / 1024
    return sys.getallocatedblocks() * 64 / 1024


def _rss_kb() -> float:
    try:
        with open("/proc/self/statm") as handle:
            pages = int(handle.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 1024
    except OSError:
        return 0.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class ChaosSim:
    """`miosa-tui sim --chaos` in a child process, controlled over /_sim."""

    def __init__(self, *, seed: int, speed: float, fleet: int = 12) -> None:
        self.port = _free_port()
        self.root = f"http://127.0.0.1:{self.port}"
        self.base_url = f"{self.root}/api/v1"
        cmd = [
            sys.executable,
            "-m",
            "miosa_tui",
            "sim",
            "--chaos",
            "--port",
            str(self.port),
            "--seed",
            str(seed),
            "--speed",
            str(speed),
            "--fleet",
            str(fleet),
        ]
        self.proc = subprocess.Popen(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL
        )
        self.http = httpx.AsyncClient(base_url=self.root, timeout=30.0)
        self.log: dict[str, dict[str, Any]] = {}  # request_id -> entry (the sim keeps 2000)

    async def wait_ready(self, limit: float = 30.0) -> None:
        end = time.monotonic() + limit
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode() if self.proc.stderr else ""
                raise RuntimeError(f"the simulator exited: {err[-500:]}")
            with contextlib.suppress(httpx.HTTPError):
                if (await self.http.get("/_sim/stats")).status_code == 200:
                    return
            await asyncio.sleep(0.1)
        raise RuntimeError("the simulator did not start")

    async def faults(self, changes: dict[str, Any] | None = None) -> dict[str, Any]:
        if changes is None:
            response = await self.http.get("/_sim/faults")
        else:
            response = await self.http.put("/_sim/faults", json=changes)
        response.raise_for_status()
        data: dict[str, Any] = response.json()
        return data

    async def collect(self) -> None:
        response = await self.http.get("/_sim/requests")
        response.raise_for_status()
        for entry in response.json():
            self.log[entry["request_id"]] = entry

    async def close(self) -> None:
        await self.http.aclose()
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)


def _verify_preset(faults: dict[str, Any]) -> list[str]:
    problems = []
    for key, want in CHAOS_EXPECTED.items():
        if faults.get(key) != want:
            problems.append(f"--chaos preset {key} is {faults.get(key)!r}, expected {want!r}")
    if not faults.get("retry_after"):
        problems.append("--chaos preset sends no Retry-After on 429")
    return problems


def _post_key(entry: dict[str, Any]) -> tuple[str, str] | None:
    """("stop", "comp_x") for a logged POST /computers/comp_x/stop."""
    if entry["method"] != "POST":
        return None
    parts = entry["path"].strip("/").split("/")  # api v1 computers ID VERB
    if len(parts) == 5 and parts[2] == "computers" and parts[4] in POST_VERBS:
        return parts[4], parts[3]
    return None


async def run_soak(
    seconds: float,
    *,
    seed: int = 7,
    poll_interval: float = 2.0,
    speed: float = 10.0,
    workdir: Path | None = None,
    verbose: bool = False,
    trace_memory: bool = False,
    max_fleet: int = MAX_FLEET,
) -> SoakReport:
    """Run the soak for `seconds` (plus warm-up and recovery) and return the figures."""
    os.environ.setdefault("MIOSA_TUI_IMAGE_RENDERER", "halfcell")
    from textual.worker import Worker, WorkerState

    from miosa_tui.api.settings import ApiSettings
    from miosa_tui.backend import Backend
    from miosa_tui.config import load_config
    from miosa_tui.fleet.actions import ActionResult
    from miosa_tui.ui.app import MiosaApp
    from miosa_tui.ui.screens.dashboard import DashboardScreen
    from miosa_tui.ui.widgets.fleet_header import FleetHeader

    report = SoakReport(poll_interval=poll_interval)
    rng = random.Random(seed)
    workdir = workdir or Path.cwd()
    sim = ChaosSim(seed=seed, speed=speed)
    try:
        await sim.wait_ready()
        report.problems += _verify_preset(await sim.faults())

        config = load_config(environ={}, path=workdir / "soak-none.toml")
        backend = Backend(
            settings=ApiSettings(api_key=API_KEY, base_url=sim.base_url), simulated=True
        )
        app = MiosaApp(backend=backend, config=config, poll_interval=poll_interval)

        # -- instruments: confirmed actions, runner results, journal, worker errors ----------
        confirmed: list[tuple[str, str | None]] = []
        results: list[ActionResult] = []
        journal_entries: list[Any] = []
        worker_errors: list[str] = []
        loop_errors: list[str] = []

        flow = app.actions
        original_run = flow.run

        def counting_run(plan: Any, **params: Any) -> None:
            for target in plan.targets or [None]:
                confirmed.append((plan.kind.verb, target.id if target is not None else None))
            original_run(plan, **params)

        flow.run = counting_run  # type: ignore[method-assign]
        runner = flow.runner
        original_runner_run = runner.run

        async def recording_runner_run(*args: Any, **kwargs: Any) -> ActionResult:
            result = await original_runner_run(*args, **kwargs)
            results.append(result)
            return result

        runner.run = recording_runner_run  # type: ignore[method-assign]
        app.journal.subscribe(journal_entries.append)

        def hook(message: Any) -> None:
            if isinstance(message, Worker.StateChanged) and message.state == WorkerState.ERROR:
                worker = message.worker
                worker_errors.append(f"worker {worker.name or worker.group}: {worker.error!r}")

        def loop_handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
            loop_errors.append(str(context.get("exception") or context.get("message")))

        asyncio.get_running_loop().set_exception_handler(loop_handler)

        if trace_memory:
            tracemalloc.start()
        start = time.monotonic()
        async with app.run_test(size=(160, 48), message_hook=hook) as pilot:
            driver = app._driver
            assert driver is not None

            async def press(key: str) -> None:
                """One key as a terminal delivers it. Pilot.press waits for CPU idle after each
                key (up to a second while the dashboard redraws), which no user does."""
                from textual import events

                event = events.Key(key, key if len(key) == 1 else None)
                event.set_sender(app)
                driver.send_message(event)
                await pilot.pause(0.03)

            def header() -> str:
                return str(app.dashboard.query_one(FleetHeader).header_text().plain)

            async def back_to_dashboard() -> None:
                for _ in range(4):
                    if isinstance(app.screen, DashboardScreen):
                        return
                    await press("escape")

            # first data, under chaos
            for _ in range(600):
                if app.fleet.last_success is not None:
                    break
                await pilot.pause(0.1)

            if verbose:
                print(f"first data after {time.monotonic() - start:.1f} s", file=sys.stderr)
            warm_at = start + min(60.0, max(5.0, seconds * 0.25))
            measured = False
            first_snapshot: tracemalloc.Snapshot | None = None
            next_collect = time.monotonic() + 3.0
            next_sample = time.monotonic()
            while time.monotonic() - start < seconds:
                if not app.is_running or app._exception is not None:
                    report.crashes += 1
                    report.problems.append(f"app stopped: {app._exception!r}")
                    break
                if not measured and time.monotonic() >= warm_at:
                    report.memory_start_kb = _heap_kb(trace_memory)
                    first_snapshot = tracemalloc.take_snapshot() if trace_memory else None
                    report.rss_start_kb = _rss_kb()
                    measured = True
                if time.monotonic() >= next_sample:
                    report.memory_timeline_kb.append(
                        (round(time.monotonic() - start), round(_heap_kb(trace_memory)))
                    )
                    next_sample = time.monotonic() + max(5.0, seconds / 12)
                if time.monotonic() >= next_collect:
                    await sim.collect()
                    next_collect = time.monotonic() + 3.0
                step = rng.choices(
                    ["nav", "filter", "start", "stop", "clone", "shot", "region", "copy"],
                    weights=[30, 8, 12, 12, 6, 10, 6, 8],
                )[0]
                keys: list[str]
                if step == "nav":
                    keys = [rng.choice(["down", "down", "up", "pagedown", "home", "end"])]
                elif step == "filter":
                    text = rng.choice(
                        [
                            "status:running",
                            "web",
                            "region:us-mia",
                            "!status:stopped",
                            "zz-nothing",
                            "status:",
                            "((",
                        ]
                    )
                    keys = ["slash", *text, rng.choice(["enter", "escape"])]
                    if keys[-1] == "enter":
                        keys += ["slash", "escape"]  # clear it again so actions have targets
                elif step == "start":
                    keys = ["s"]
                elif step == "stop":
                    keys = ["S", "y"]
                elif step == "clone":
                    keys = ["c", "enter"] if len(app.fleet.computers) < max_fleet else ["down"]
                elif step == "shot":
                    keys = ["g"]
                elif step == "region":
                    keys = ["x", "enter"]
                else:
                    keys = ["y"]
                for key in keys:
                    if key in ("y", "enter") and step in ("stop", "clone", "region"):
                        await pilot.pause(0.1)  # let the dialog open, as a person would
                        if isinstance(app.screen, DashboardScreen):
                            continue  # nothing to confirm (not allowed right now)
                    await press(key)
                    report.key_presses += 1
                await back_to_dashboard()
                await pilot.pause(rng.uniform(0.05, 0.6))
                if verbose:
                    print(f"{time.monotonic() - start:6.1f} {step} {keys}", file=sys.stderr)
            report.seconds = time.monotonic() - start

            # let in-flight actions finish (latency up to 2 s, no retries for POSTs)
            for _ in range(100):
                if len(results) >= len([c for c in confirmed if c[1] is not None]):
                    break
                await pilot.pause(0.1)
            await pilot.pause(1.0)

            # -- recovery: faults off, wait for a refresh that completes afterwards ------------
            await sim.faults(FAULTS_OFF)
            off_at = time.monotonic()
            limit = off_at + max(30.0, 6 * poll_interval)
            while time.monotonic() < limit:
                done = app.fleet.last_success
                if done is not None and done > off_at and "refresh failed" not in header():
                    report.recovery_s = done - off_at
                    break
                await pilot.pause(0.05)

            report.memory_end_kb = _heap_kb(trace_memory)
            if trace_memory and verbose and measured and first_snapshot is not None:
                top = tracemalloc.take_snapshot().compare_to(first_snapshot, "lineno")
                print("memory growth by line (tracemalloc):", file=sys.stderr)
                for stat in top[:15]:
                    print(f"  {stat}", file=sys.stderr)
            report.rss_end_kb = _rss_kb()
            if not measured:
                report.memory_start_kb = report.memory_end_kb
            if not app.is_running or app._exception is not None:
                report.crashes = max(report.crashes, 1)
            await sim.collect()
        if trace_memory:
            tracemalloc.stop()
        if app._exception is not None and not report.crashes:
            report.crashes = 1
            report.problems.append(f"app exception: {app._exception!r}")

        # -- figures --------------------------------------------------------------------------
        report.worker_errors = len(worker_errors) + len(loop_errors)
        report.problems += worker_errors[:5] + loop_errors[:5]
        report.user_actions = len(confirmed)
        report.sent = sum(1 for r in results if r.sent)
        report.failed = sum(1 for r in results if r.outcome == "failed")
        report.unknown_outcomes = sum(1 for r in results if r.outcome == "unknown outcome")
        for r in results:
            if r.outcome == "unknown outcome" and not any(
                e.outcome == "unknown outcome" and e.target_id == r.target_id
                for e in journal_entries
            ):
                report.unjournaled += 1
                report.problems.append(f"unknown outcome of {r.kind.verb} not journaled")

        sends: Counter[tuple[str, str]] = Counter()
        for r in results:
            if r.sent and r.kind.verb in POST_VERBS and r.target_id is not None:
                sends[(r.kind.verb, r.target_id)] += 1
        posts: Counter[tuple[str, str]] = Counter()
        for entry in sim.log.values():
            key = _post_key(entry)
            if key is not None:
                posts[key] += 1
        if any(v == "clone" for v, _ in sends):
            # compare clones in total: the runner names the new computer, the log the source
            clone_sends = sum(n for (v, _), n in sends.items() if v == "clone")
            clone_posts = sum(n for (v, _), n in posts.items() if v == "clone")
            sends = Counter({k: n for k, n in sends.items() if k[0] != "clone"})
            posts = Counter({k: n for k, n in posts.items() if k[0] != "clone"})
            sends[("clone", "*")] = clone_sends
            posts[("clone", "*")] = clone_posts
        for key in set(sends) | set(posts):
            if posts[key] < sends[key]:
                report.lost += sends[key] - posts[key]
                report.problems.append(f"lost: {key} sent {sends[key]}, logged {posts[key]}")
            elif posts[key] > sends[key]:
                report.doubled += posts[key] - sends[key]
                report.problems.append(f"doubled: {key} sent {sends[key]}, logged {posts[key]}")
        # every confirmed target must have a journal entry from the runner or a skip
        journaled = Counter((e.action, e.target_id) for e in journal_entries)
        for verb, target in confirmed:
            if target is None or verb == "clone":
                continue
            if journaled[(verb, target)] == 0:
                report.unjournaled += 1
                report.problems.append(f"no journal entry for {verb} {target}")
        report.requests_seen = len(sim.log)
        report.faults_seen = dict(Counter(e["fault"] for e in sim.log.values() if e.get("fault")))
        if report.memory_start_kb:
            report.memory_growth_pct = (
                100.0 * (report.memory_end_kb - report.memory_start_kb) / report.memory_start_kb
            )
        if verbose:
            print(f"journal entries: {len(journal_entries)}", file=sys.stderr)
            for entry in journal_entries:
                print("  " + entry.to_text(), file=sys.stderr)
        return report
    finally:
        await sim.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    length = parser.add_mutually_exclusive_group()
    length.add_argument("--minutes", type=float, default=None)
    length.add_argument("--seconds", type=float, default=None)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--poll-interval", type=float, default=2.0)
    parser.add_argument("--speed", type=float, default=10.0, help="simulator speed factor")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    parser.add_argument(
        "--max-fleet",
        type=int,
        default=MAX_FLEET,
        help=f"no more clones past this many computers (default {MAX_FLEET})",
    )
    parser.add_argument(
        "--tracemalloc",
        action="store_true",
        help="measure memory with tracemalloc (exact, but slows the app ~3x)",
    )
    args = parser.parse_args(argv)
    seconds = args.seconds if args.seconds is not None else 60.0 * (args.minutes or 3.0)
    report = asyncio.run(
        run_soak(
            seconds,
            seed=args.seed,
            poll_interval=args.poll_interval,
            speed=args.speed,
            verbose=True,
            trace_memory=args.tracemalloc,
            max_fleet=args.max_fleet,
        )
    )
    print(report.table())
    if args.json:
        print(json.dumps(asdict(report), indent=2))
    return 0 if report.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
