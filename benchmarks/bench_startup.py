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
Reported: medians of launch -> first paint and the ratio miosa / bare, and the same for the
process CPU (all threads, launch to exit: steadier than wall clock on a loaded machine).
`--code DIR` runs another checkout's miosa_tui (e.g. the commit before a change) in the same way.
Also: the headless CLI (`miosa-tui ls --json`) never imports Textual, checked in a fresh
interpreter.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import pty
import resource
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

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
            out.write(f"{time.time():.6f}\\n")
        self.exit()

Bare().run()
"""


def run_on_pty(
    cmd: list[str], env: dict[str, str], marker: Path, limit: float = 60.0, cwd: Path = ROOT
) -> tuple[float, float]:
    """Launch `cmd` on a fresh pty: (seconds from launch to the time it writes to `marker`,
    CPU seconds the process used, all threads, from launch to its exit right after that paint).

    The CPU figure holds up on a loaded machine, where the wall-clock one mostly measures the
    wait for a core."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, COLS * 10, ROWS * 20))
    marker.unlink(missing_ok=True)
    stop = threading.Event()

    def drain() -> None:
        while not stop.is_set():
            try:
                data = os.read(master, 65536)
            except OSError:
                return
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
    # first line: the time; the dashboard may add more (see miosa_tui/ui/first_paint.py)
    painted = float(marker.read_text().splitlines()[0])
    return painted - launched, _children_cpu() - cpu_before


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
    # PYTHONDONTWRITEBYTECODE (set on the machine this was written on) would make every launch
    # compile all of miosa_tui from source, which no installed copy does: the warm-up run
    # below must leave .pyc files, as installing does.
    base_env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("MIOSA_", "TEXTUAL")) and k != "PYTHONDONTWRITEBYTECODE"
    }
    base_env.update(TERM="xterm-256color", COLORTERM="truecolor", LANG="C.UTF-8")
    tmp = Path(tempfile.mkdtemp(prefix="miosa-startup-"))
    marker = tmp / "painted"
    bare_script = tmp / "bare_app.py"
    bare_script.write_text(BARE_APP)
    miosa: list[float] = []
    bare: list[float] = []
    miosa_cpu: list[float] = []
    bare_cpu: list[float] = []
    code = args.code.resolve() if args.code else ROOT
    with sim_process(args.fleet) as sim:
        if args.latency:  # every API answer that much later, as from a server far away
            sim.post("/_sim/faults", {"latency_ms": [args.latency, args.latency]})
        app_env = dict(
            base_env,
            MIOSA_API_KEY=API_KEY,
            MIOSA_BASE_URL=sim.base_url,
            MIOSA_TUI_CONFIG=str(tmp / "none.toml"),
            MIOSA_TUI_FIRST_PAINT_FILE=str(marker),
            PYTHONPATH=str(code),
        )
        # one unmeasured run of each fills the OS file cache and writes .pyc files
        run_on_pty([PYTHON, "-m", "miosa_tui"], app_env, marker, cwd=code)
        run_on_pty([PYTHON, str(bare_script), str(marker)], base_env, marker)
        for _ in range(args.runs):  # interleaved, so drifting machine load hits both alike
            wall, cpu = run_on_pty([PYTHON, "-m", "miosa_tui"], app_env, marker, cwd=code)
            miosa.append(wall)
            miosa_cpu.append(cpu)
            wall, cpu = run_on_pty([PYTHON, str(bare_script), str(marker)], base_env, marker)
            bare.append(wall)
            bare_cpu.append(cpu)
        if args.profile:
            PROFILES.mkdir(parents=True, exist_ok=True)
            out = PROFILES / "startup.txt"
            cmd = [PYTHON, "-m", "pyinstrument", "-i", "0.0005", "-r", "text", "-o", str(out),
                   *PROFILE_FLAGS, "-m", "miosa_tui"]  # fmt: skip
            run_on_pty(cmd, app_env, marker, cwd=code)
    result = {
        "fleet": args.fleet,
        "latency_ms": args.latency,
        "runs": args.runs,
        "miosa_first_paint_s": median(miosa),
        "bare_first_paint_s": median(bare),
        "ratio_vs_bare": median(miosa) / median(bare),
        "miosa_cpu_s": median(miosa_cpu),
        "bare_cpu_s": median(bare_cpu),
        "cpu_ratio_vs_bare": median(miosa_cpu) / median(bare_cpu),
        "miosa_runs": miosa,
        "bare_runs": bare,
        "headless_imports_textual": headless_imports_textual(),
    }
    far = f", {args.latency} ms API latency" if args.latency else ""
    print(f"launch -> first painted table ({args.fleet} computers{far}), median of {args.runs}:")
    for label, walls, cpus in (("miosa-tui", miosa, miosa_cpu), ("bare App ", bare, bare_cpu)):
        print(
            f"  {label}   {ms(median(walls))}  (runs "
            + ", ".join(f"{x * 1000:.0f}" for x in walls)
            + f"); process CPU {ms(median(cpus))}"
        )
    print(f"  ratio       {result['ratio_vs_bare']:.2f}x (CPU {result['cpu_ratio_vs_bare']:.2f}x)")
    print(f"  headless CLI imports Textual: {result['headless_imports_textual']}")
    emit(json.loads(json.dumps(result)))


if __name__ == "__main__":
    main()
