"""Start-up: launch -> first painted table of 200 computers, against a bare Textual app.

Run: /work/venv/bin/python benchmarks/bench_startup.py [--runs 7]

Both programs run as fresh subprocesses on a pseudo-terminal (160x48, pixel size set, so it is
a terminal like any other); the parent drains the output and answers the "who are you" query
(DA1) at once, as a real terminal does. Each child writes the epoch time of its first paint to a
file and exits:
  - `python -m miosa_tui` against a simulator with 200 computers (another process), with
    MIOSA_TUI_FIRST_PAINT_FILE set: the dashboard notes the first paint of a table with rows;
  - a bare `textual.app.App` with one Static that notes its first paint (`call_after_refresh`
    from on_mount) the same way.
  - a "floor" app: the least a program can do to show the same table, for scale: it imports
    httpx and Textual, fetches the same first page of computers (httpx in a thread, started
    before Textual is imported, as miosa-tui does) and shows four columns of it in a plain
    DataTable, then notes its first paint the same way.
Two clocks: the child's own note (the file), and the witness: the moment the terminal (this
process, reading the pty) first receives the first row's computer name ("hello" for the bare
app), which is when a user could see it, whatever the app does before it writes its note.
Reported: medians of launch -> first paint and the ratios against the bare app, and the same
for the process CPU (all threads: steadier than wall clock on a loaded machine) up to the first
paint, as the child reads it when it writes its note, and to its exit (the parent's reading, which
adds what the program does after its first paint and while it ends: an app's next work).
`--code DIR` runs another checkout's miosa_tui (e.g. the commit before a change) in the same way.
Also: the headless CLI (`miosa-tui ls --json`) never imports Textual, checked in a fresh
interpreter.
"""

from __future__ import annotations

import argparse
import atexit
import fcntl
import json
import os
import pty
import resource
import shutil
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path
from typing import NamedTuple

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import API_KEY, PROFILES, PYTHON, ROOT, emit, median, ms, sim_process

ROWS, COLS = 48, 160
# extra pyinstrument flags for --profile, e.g. "--show-all"
PROFILE_FLAGS = os.environ.get("BENCH_PROFILE_FLAGS", "").split()
BARE_APP = """
import sys, time
from textual.app import App
from textual.widgets import Static

class Bare(App):
    def compose(self):
        yield Static("hello")

    def on_mount(self):
        self.call_after_refresh(self.painted)

    def painted(self):
        with open(sys.argv[1], "w") as out:
            out.write(f"{time.time():.6f} {time.process_time():.6f}\\n")
        self.exit()

Bare().run()
"""
# The least a program can do to show the same first page as a table (see the docstring).
FLOOR_APP = """
import os, sys, threading, time
import httpx
from textual.app import App
from textual.widgets import DataTable

page = {}

def fetch():
    answer = httpx.get(
        os.environ["MIOSA_BASE_URL"] + "/computers",
        params={"page": 1, "per_page": 500},
        headers={"Authorization": "Bearer " + os.environ["MIOSA_API_KEY"]},
    )
    page["computers"] = answer.json()["data"]

listing = threading.Thread(target=fetch)
listing.start()

class Floor(App):
    def compose(self):
        yield DataTable()

    def on_mount(self):
        listing.join()
        table = self.query_one(DataTable)
        table.add_columns("NAME", "STATUS", "SIZE", "REGION")
        for c in page["computers"]:
            table.add_row(c["name"], c["status"], c["size"], c["region"])
        self.call_after_refresh(self.painted)

    def painted(self):
        with open(sys.argv[1], "w") as out:
            out.write(f"{time.time():.6f} {time.process_time():.6f}\\n")
        self.exit()

Floor().run()
"""


class Launch(NamedTuple):
    """One launch on a pty, in seconds from the launch."""

    painted: float  # the child wrote its note of the first paint
    cpu: float  # CPU the process used, all threads, launch to exit (right after that paint)
    cpu_painted: float | None  # the same up to its note (None: a checkout that does not say)
    seen: float | None  # the terminal first received the witness text (None: no witness asked)


def run_on_pty(
    cmd: list[str],
    env: dict[str, str],
    marker: Path,
    limit: float = 60.0,
    cwd: Path = ROOT,
    witness: bytes | None = None,
) -> Launch:
    """Launch `cmd` on a fresh pty and time it (see `Launch`): when it writes to `marker`, and
    when the terminal first receives `witness`.

    The CPU figure holds up on a loaded machine, where the wall-clock one mostly measures the
    wait for a core."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, COLS * 10, ROWS * 20))
    marker.unlink(missing_ok=True)
    stop = threading.Event()
    seen: list[float] = []

    def drain() -> None:
        tail = b""  # the end of the last read: a witness may be split between two reads
        while not stop.is_set():
            try:
                data = os.read(master, 65536)
            except OSError:
                return
            if witness is not None and not seen:
                if witness in tail + data:
                    seen.append(time.time())
                tail = data[-len(witness) :]
            if b"\x1b[c" in data or b"\x1b[0c" in data:
                os.write(master, b"\x1b[?62;22c")  # DA1: a VT220-class terminal, no sixel

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    cpu_before = _children_cpu()
    launched = time.time()
    proc = subprocess.Popen(
        cmd, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd, start_new_session=True
    )
    os.close(slave)
    try:
        proc.wait(limit)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise RuntimeError(f"{cmd} did not exit within {limit} s") from None
    finally:
        stop.set()
        os.close(master)
    if not marker.exists():
        raise RuntimeError(f"{cmd} exited ({proc.returncode}) without painting")
    # first line: the time and the CPU used by then (a checkout from before stop 39: the time
    # alone); the dashboard adds more lines (see miosa_tui/ui/first_paint.py)
    first = marker.read_text().splitlines()[0].split()
    painted, cpu_painted = float(first[0]), float(first[1]) if len(first) > 1 else None
    if witness is not None and not seen:
        raise RuntimeError(f"{cmd} painted without writing {witness!r} to the terminal")
    return Launch(
        painted - launched,
        _children_cpu() - cpu_before,
        cpu_painted,
        seen[0] - launched if seen else None,
    )


def median_of(launches: list[Launch], field: str) -> float:
    """The median of one field of `launches`; NaN when a launch did not say (an older
    checkout's note has no CPU)."""
    values = [getattr(launch, field) for launch in launches]
    return float("nan") if None in values else median(values)


def _children_cpu() -> float:
    """User + system CPU of this process's reaped children (the simulator is reaped only at the
    end, so a delta around one launch is that launch's CPU)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def headless_imports_textual() -> bool:
    code = (
        "import contextlib, io, sys\n"
        "from miosa_tui import cli\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    cli.main(['ls', '--demo', '--json'])\n"
        "print(any(m == 'textual' or m.startswith('textual.') for m in sys.modules))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("MIOSA_")}
    env["MIOSA_TUI_CONFIG"] = "/nonexistent/miosa-bench.toml"
    out = subprocess.run(
        [PYTHON, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, check=True
    )
    return out.stdout.strip().splitlines()[-1] == "True"


def first_computer_name(base_url: str) -> str:
    """The name on the first row: the first computer of the listing's first page (the table
    keeps the API's order until a sort is asked for)."""
    answer = httpx.get(
        base_url + "/computers",
        params={"page": 1, "per_page": 500},
        headers={"Authorization": f"Bearer {API_KEY}"},
        timeout=30,
    )
    name: str = answer.json()["data"][0]["name"]
    return name


def launch_env() -> dict[str, str]:
    """This environment for a launched program: a terminal like any other, no MIOSA settings.

    PYTHONDONTWRITEBYTECODE (set on the machine this was written on) would make every launch
    compile all of miosa_tui from source, which no installed copy does: the warm-up run must
    leave .pyc files, as installing does."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("MIOSA_", "TEXTUAL")) and k != "PYTHONDONTWRITEBYTECODE"
    }
    env.update(TERM="xterm-256color", COLORTERM="truecolor", LANG="C.UTF-8")
    return env


def scratch(prefix: str) -> tuple[Path, Path, Path]:
    """A new temporary directory (removed when this process ends), the first-paint marker's path
    in it and the bare App's script written there."""
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, tmp, ignore_errors=True)
    bare_script = tmp / "bare_app.py"
    bare_script.write_text(BARE_APP)
    return tmp, tmp / "painted", bare_script


def miosa_env(
    base: dict[str, str], base_url: str, tmp: Path, marker: Path, code: Path
) -> dict[str, str]:
    """`base` for `python -m miosa_tui` from the tree `code`, on the API at `base_url`, with no
    config file, noting its first painted rows in `marker`. Its parsed stylesheet is kept in
    `tmp` (ui/parsed_css.py), filled by the first launch as a user's is: never the user's."""
    return dict(
        base,
        MIOSA_API_KEY=API_KEY,
        MIOSA_BASE_URL=base_url,
        MIOSA_TUI_CONFIG=str(tmp / "none.toml"),
        MIOSA_TUI_CACHE_DIR=str(tmp / "cache"),
        MIOSA_TUI_STATE_DIR=str(tmp / "state"),  # its history: never the user's
        MIOSA_TUI_FIRST_PAINT_FILE=str(marker),
        PYTHONPATH=str(code),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--fleet", type=int, default=200)
    parser.add_argument(
        "--latency", type=int, default=0, help="ms the simulator waits before each API answer"
    )
    parser.add_argument("--profile", action="store_true", help="one more launch under pyinstrument")
    parser.add_argument(
        "--code", type=Path, help="run the miosa_tui in this checkout (a before/after comparison)"
    )
    args = parser.parse_args()
    base_env = launch_env()
    tmp, marker, bare_script = scratch("miosa-startup-")
    code = args.code.resolve() if args.code else ROOT
    floor_script = tmp / "floor_app.py"
    floor_script.write_text(FLOOR_APP)
    launches: dict[str, list[Launch]] = {"miosa": [], "bare": [], "floor": []}
    with sim_process(args.fleet) as sim:
        if args.latency:  # every API answer that much later, as from a server far away
            sim.post("/_sim/faults", {"latency_ms": [args.latency, args.latency]})
        app_env = miosa_env(base_env, sim.base_url, tmp, marker, code)
        first_row = first_computer_name(sim.base_url).encode()
        programs = {
            "miosa": ([PYTHON, "-m", "miosa_tui"], app_env, first_row, code),
            "bare": ([PYTHON, str(bare_script), str(marker)], base_env, b"hello", ROOT),
            "floor": ([PYTHON, str(floor_script), str(marker)], app_env, first_row, ROOT),
        }
        # one unmeasured run of each fills the OS file cache and writes .pyc files
        for cmd, env, witness, cwd in programs.values():
            run_on_pty(cmd, env, marker, cwd=cwd, witness=witness)
        for _ in range(args.runs):  # interleaved, so drifting machine load hits all alike
            for name, (cmd, env, witness, cwd) in programs.items():
                launches[name].append(run_on_pty(cmd, env, marker, cwd=cwd, witness=witness))
        if args.profile:
            PROFILES.mkdir(parents=True, exist_ok=True)
            out = PROFILES / "startup.txt"
            cmd = [PYTHON, "-m", "pyinstrument", "-i", "0.0005", "-r", "text", "-o", str(out),
                   *PROFILE_FLAGS, "-m", "miosa_tui"]  # fmt: skip
            run_on_pty(cmd, app_env, marker, cwd=code)

    def med(name: str, field: str) -> float:
        return median_of(launches[name], field)

    result = {
        "fleet": args.fleet,
        "latency_ms": args.latency,
        "runs": args.runs,
        "miosa_first_paint_s": med("miosa", "painted"),
        "bare_first_paint_s": med("bare", "painted"),
        "floor_first_paint_s": med("floor", "painted"),
        "ratio_vs_bare": med("miosa", "painted") / med("bare", "painted"),
        "floor_ratio_vs_bare": med("floor", "painted") / med("bare", "painted"),
        "miosa_seen_s": med("miosa", "seen"),
        "bare_seen_s": med("bare", "seen"),
        "floor_seen_s": med("floor", "seen"),
        "seen_ratio_vs_bare": med("miosa", "seen") / med("bare", "seen"),
        "floor_seen_ratio_vs_bare": med("floor", "seen") / med("bare", "seen"),
        "miosa_cpu_s": med("miosa", "cpu"),
        "bare_cpu_s": med("bare", "cpu"),
        "floor_cpu_s": med("floor", "cpu"),
        "cpu_ratio_vs_bare": med("miosa", "cpu") / med("bare", "cpu"),
        "miosa_cpu_painted_s": med("miosa", "cpu_painted"),
        "bare_cpu_painted_s": med("bare", "cpu_painted"),
        "floor_cpu_painted_s": med("floor", "cpu_painted"),
        "cpu_painted_ratio_vs_bare": med("miosa", "cpu_painted") / med("bare", "cpu_painted"),
        "miosa_runs": [launch.painted for launch in launches["miosa"]],
        "bare_runs": [launch.painted for launch in launches["bare"]],
        "floor_runs": [launch.painted for launch in launches["floor"]],
        "headless_imports_textual": headless_imports_textual(),
    }
    far = f", {args.latency} ms API latency" if args.latency else ""
    print(f"launch -> first painted table ({args.fleet} computers{far}), median of {args.runs}:")
    print(
        "              noted by the app       seen by the terminal   "
        "process CPU to that note   process CPU to exit"
    )
    for name, label in (("miosa", "miosa-tui"), ("floor", "floor app"), ("bare", "bare App ")):
        cells = (
            f"{ms(med(name, field)):>10} {med(name, field) / med('bare', field):5.2f}x"
            for field in ("painted", "seen", "cpu_painted", "cpu")
        )
        print(f"  {label}   " + "   ".join(cells))
    print("  runs (noted): " + "; ".join(
        f"{name} " + ", ".join(f"{launch.painted * 1000:.0f}" for launch in launches[name])
        for name in launches
    ))  # fmt: skip
    print(f"  headless CLI imports Textual: {result['headless_imports_textual']}")
    emit(json.loads(json.dumps(result)))


if __name__ == "__main__":
    main()
