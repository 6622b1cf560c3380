"""Start-up as a timeline: what the process does from launch to the first painted rows.

Run: /work/venv/bin/python benchmarks/startup_timeline.py [--code DIR] [--fleet 200] [--runs 3]

`python -m miosa_tui` runs as `bench_startup.py` runs it (a pty, 160x48, a simulator in another
process, MIOSA_TUI_FIRST_PAINT_FILE set so it exits at its first painted rows), with a
`sitecustomize` that logs, in milliseconds from the interpreter's start: when chosen modules
start and finish importing, and when chosen methods are entered and left (the app's and the
dashboard's mount, the poller, each HTTP request, Textual's layouts, compositor refreshes and
writes to the terminal), and with `--layouts` each layout asked for, by which widget and
callers. Printed: each launch's wall and CPU time, then the last launch's log.
A profile says where CPU goes; this says what waits for what (it found the first listing's
request waiting ~200 ms for the GIL behind the dashboard's first paint).
`--code DIR` runs another checkout's miosa_tui (a before/after comparison).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import API_KEY, PYTHON, ROOT, sim_process
from bench_startup import run_on_pty

# Runs in the child, before anything else: the log, the import hook and the method wrappers.
SITECUSTOMIZE = r"""
import functools, importlib.abc, importlib.util, inspect, os, sys, time, traceback

T0 = time.perf_counter()
LOG = open(os.environ["TIMELINE_LOG"], "w")


def mark(what):
    LOG.write(f"{(time.perf_counter() - T0) * 1000:8.1f}  {what}\n")
    LOG.flush()


IMPORTS = {"httpx", "rich", "textual", "textual.app", "textual.widgets._data_table",
           "miosa_tui.cli", "miosa_tui.api", "miosa_tui.ui.app", "miosa_tui.fleet.poller",
           "miosa_tui.ui.screens.dashboard"}
METHODS = {
    "textual.app": [("App", "run")],
    "textual.screen": [("Screen", "_refresh_layout"), ("Screen", "_compositor_refresh")],
    "miosa_tui.ui.app": [("MiosaApp", "__init__"), ("MiosaApp", "on_mount")],
    "miosa_tui.ui.screens.dashboard": [("DashboardScreen", "compose"),
                                       ("DashboardScreen", "on_mount"),
                                       ("DashboardScreen", "_on_poll")],
    "miosa_tui.fleet.poller": [("Poller", "run")],
    "httpx": [("AsyncClient", "send")],
}
for spec in filter(None, os.environ.get("TIMELINE_METHODS", "").split(",")):
    module, _, method = spec.partition(":")
    METHODS.setdefault(module, []).append(tuple(method.split(".")))


def note_layouts(widget_class):
    # Log who asks for a layout (refresh(layout=True)): the widget and its callers.
    refresh = widget_class.refresh

    @functools.wraps(refresh)
    def logged(self, *regions, **kwargs):
        if kwargs.get("layout"):
            stack = traceback.extract_stack(limit=6)[:-1]
            callers = " < ".join(f"{f.name}:{f.lineno}" for f in reversed(stack))
            mark(f"  layout asked by {type(self).__name__}#{self.id}: {callers}")
        return refresh(self, *regions, **kwargs)

    widget_class.refresh = logged


def wrap(cls, name):
    func = getattr(cls, name)
    label = f"{cls.__name__}.{name}"
    if inspect.iscoroutinefunction(func):
        @functools.wraps(func)
        async def logged(*args, **kwargs):
            mark(f"> {label}")
            try:
                return await func(*args, **kwargs)
            finally:
                mark(f"< {label}")
    else:
        @functools.wraps(func)
        def logged(*args, **kwargs):
            began = time.perf_counter()
            mark(f"> {label}")
            try:
                return func(*args, **kwargs)
            finally:
                mark(f"< {label}  {(time.perf_counter() - began) * 1000:.1f} ms")
    setattr(cls, name, logged)


class Watch(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name not in IMPORTS and name not in METHODS and name != "textual.widget":
            return None
        sys.meta_path.remove(self)
        try:
            spec = importlib.util.find_spec(name)
        finally:
            sys.meta_path.insert(0, self)
        if spec is None or spec.loader is None:
            return spec
        run = spec.loader.exec_module

        def exec_module(module, run=run, name=name):
            mark(f"import {name}")
            run(module)
            mark(f"imported {name}")
            for cls, method in METHODS.get(name, []):
                wrap(getattr(module, cls), method)
            if name == "textual.widget" and os.environ.get("TIMELINE_LAYOUTS"):
                note_layouts(module.Widget)

        spec.loader.exec_module = exec_module
        return spec


sys.meta_path.insert(0, Watch())
mark("interpreter ready")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--code", type=Path, help="run the miosa_tui in this checkout")
    parser.add_argument("--fleet", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--layouts", action="store_true", help="log each layout asked for, and by whom"
    )
    parser.add_argument(
        "--method",
        action="append",
        default=[],
        help="log one more method too, as module:Class.name (repeat for more)",
    )
    args = parser.parse_args()
    code = args.code.resolve() if args.code else ROOT
    tmp = Path(tempfile.mkdtemp(prefix="miosa-timeline-"))
    (tmp / "sitecustomize.py").write_text(SITECUSTOMIZE)
    marker, log = tmp / "painted", tmp / "timeline.log"
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("MIOSA_", "TEXTUAL")) and k != "PYTHONDONTWRITEBYTECODE"
    }
    env.update(TERM="xterm-256color", COLORTERM="truecolor", LANG="C.UTF-8")
    with sim_process(args.fleet) as sim:
        env.update(
            MIOSA_API_KEY=API_KEY,
            MIOSA_BASE_URL=sim.base_url,
            MIOSA_TUI_CONFIG=str(tmp / "none.toml"),
            MIOSA_TUI_CACHE_DIR=str(tmp / "cache"),  # filled by the warm-up launch
            MIOSA_TUI_STATE_DIR=str(tmp / "state"),  # its history: never the user's
            MIOSA_TUI_FIRST_PAINT_FILE=str(marker),
            PYTHONPATH=f"{tmp}{os.pathsep}{code}",
            TIMELINE_LOG=str(log),
            TIMELINE_METHODS=",".join(args.method),
            TIMELINE_LAYOUTS="1" if args.layouts else "",
        )
        run_on_pty([PYTHON, "-m", "miosa_tui"], env, marker, cwd=code)  # warm: .pyc, file cache
        for _ in range(args.runs):
            launch = run_on_pty([PYTHON, "-m", "miosa_tui"], env, marker, cwd=code)
            print(
                f"launch -> first painted rows {launch.painted * 1000:.0f} ms, "
                f"CPU {launch.cpu * 1000:.0f} ms"
            )
    print(f"\nthe last launch ({code}), ms from the interpreter's start:")
    print(log.read_text(), end="")


if __name__ == "__main__":
    main()
