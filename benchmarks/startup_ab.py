"""Start-up of several checkouts against each other and a bare App, launches interleaved.

Run: /work/venv/bin/python benchmarks/startup_ab.py --runs 21 DIR [DIR ...]

Each DIR is a tree holding a `miosa_tui` package (e.g. `git archive <commit> | tar -x -C DIR`).
Every round launches each DIR's `python -m miosa_tui` and a bare Textual App once, in turn, as
`bench_startup.py` launches them (a pty, 160x48, one simulator of 200 computers for all), so a
machine whose speed drifts slows every program alike. Prints the medians of the app's own note,
of what the terminal sees (the first row's name) and of the process CPU (to the note and to the
exit), each with its ratio to the bare App. Never passes or fails on a figure.

`--cold` also launches each DIR with an empty cache directory every time (MIOSA_TUI_CACHE_DIR):
the first launch after an install or upgrade, which parses the stylesheet and keeps its rules
(ui/parsed_css.py; a checkout from before it ignores the variable).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import PYTHON, ROOT, sim_process
from bench_startup import (
    Launch,
    first_computer_name,
    launch_env,
    median_of,
    miosa_env,
    run_on_pty,
    scratch,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--fleet", type=int, default=200)
    parser.add_argument("code", type=Path, nargs="+", help="trees holding a miosa_tui package")
    parser.add_argument("--cold", action="store_true", help="each DIR with no kept CSS too")
    args = parser.parse_args()
    base_env = launch_env()
    tmp, marker, bare = scratch("miosa-startup-ab-")
    launches: dict[str, list[Launch]] = {}
    with sim_process(args.fleet) as sim:
        first_row = first_computer_name(sim.base_url).encode()
        programs: dict[str, tuple[list[str], dict[str, str], bytes, Path]] = {}
        for code in (path.resolve() for path in args.code):
            env = miosa_env(base_env, sim.base_url, tmp, marker, code)
            programs[str(code)] = ([PYTHON, "-m", "miosa_tui"], env, first_row, code)
            if args.cold:
                cold = dict(env, MIOSA_TUI_CACHE_DIR=str(tmp / "cold-cache"))
                programs[f"{code} (cold)"] = ([PYTHON, "-m", "miosa_tui"], cold, first_row, code)
        programs["bare App"] = ([PYTHON, str(bare), str(marker)], base_env, b"hello", ROOT)
        for cmd, env, witness, cwd in programs.values():  # .pyc files, the file cache
            run_on_pty(cmd, env, marker, cwd=cwd, witness=witness)
        for _ in range(args.runs):
            for name, (cmd, env, witness, cwd) in programs.items():
                shutil.rmtree(tmp / "cold-cache", ignore_errors=True)  # (only the cold read it)
                launch = run_on_pty(cmd, env, marker, cwd=cwd, witness=witness)
                launches.setdefault(name, []).append(launch)

    def med(name: str, field: str) -> float:
        return median_of(launches[name], field)

    print(f"launch -> first painted table ({args.fleet} computers), median of {args.runs}:")
    for name in launches:
        cells = (
            f"{label} {med(name, field) * 1000:6.1f} ms "
            f"({med(name, field) / med('bare App', field):.2f}x)"
            for label, field in (
                ("noted", "painted"),
                ("seen", "seen"),
                ("CPU to note", "cpu_painted"),
                ("CPU to exit", "cpu"),
            )
        )
        print(f"  {name:30s} " + "  ".join(cells))


if __name__ == "__main__":
    main()
