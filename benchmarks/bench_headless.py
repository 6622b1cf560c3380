"""Headless `miosa-tui ls --json` of 2,000 computers, whole process, against a minimal script.

Run: /work/venv/bin/python benchmarks/bench_headless.py [--fleet 2000] [--runs 9] [--profile]

Both are fresh processes against the same simulator (another process), alternating:
  - `python -m miosa_tui ls --json` (MIOSA_API_KEY and MIOSA_BASE_URL set, no config file);
  - a minimal script: the same page requests with httpx, `json.loads`, the same keys picked
    from each computer, and the same `json.dumps(..., indent=2)` printed.
Both outputs are checked to be the same JSON. Reported: medians of launch -> exit and the ratio,
and the same for the process CPU (user + system; steadier than wall clock on a loaded machine).
`--code DIR` runs another checkout's miosa_tui (a before/after comparison).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import API_KEY, PROFILES, PYTHON, ROOT, emit, median, ms, sim_process

MINIMAL = """
import json, sys
import httpx

KEYS = ("id", "name", "status", "raw_status", "size", "region", "template_type", "ip_address",
        "slug", "visibility", "desktop_url", "public_url", "created_at", "updated_at")
base, key = sys.argv[1], sys.argv[2]
out = []
with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}) as client:
    page = 1
    while True:
        body = json.loads(client.get("/computers", params={"page": page, "per_page": 500}).content)
        data = body["data"]
        out.extend({k: c.get(k) for k in KEYS} for c in data)
        if len(data) < 500:
            break
        page += 1
sys.stdout.write(json.dumps(out, indent=2, sort_keys=False) + "\\n")
"""


def timed(cmd: list[str], env: dict[str, str], cwd: Path = ROOT) -> tuple[float, str, float]:
    """(wall seconds, output, CPU seconds of the process: steadier on a loaded machine)."""
    cpu0 = _children_cpu()
    t0 = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, check=True)
    return time.perf_counter() - t0, done.stdout, _children_cpu() - cpu0


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def comparable(text: str) -> list[dict[str, object]]:
    """The listing without the fields the minimal script leaves raw (status is normalised by
    the client; the simulator sends the same words)."""
    items: list[dict[str, object]] = json.loads(text)
    for item in items:
        item.pop("raw_status", None)
    return items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fleet", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--profile", action="store_true", help="one more run under pyinstrument")
    parser.add_argument(
        "--code", type=Path, help="run the miosa_tui in this checkout (a before/after comparison)"
    )
    args = parser.parse_args()
    code = args.code.resolve() if args.code else ROOT
    tmp = Path(tempfile.mkdtemp(prefix="miosa-headless-"))
    script = tmp / "minimal.py"
    script.write_text(MINIMAL)
    # no PYTHONDONTWRITEBYTECODE: the warm-up run leaves .pyc files, as installing does
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("MIOSA_") and k != "PYTHONDONTWRITEBYTECODE"
    }
    ours: list[float] = []
    minimal: list[float] = []
    ours_cpu: list[float] = []
    minimal_cpu: list[float] = []
    with sim_process(args.fleet) as sim:
        app_env = dict(
            env,
            MIOSA_API_KEY=API_KEY,
            MIOSA_BASE_URL=sim.base_url,
            MIOSA_TUI_CONFIG=str(tmp / "none.toml"),
            PYTHONPATH=str(code),
        )
        ls = [PYTHON, "-m", "miosa_tui", "ls", "--json"]
        bare = [PYTHON, str(script), sim.base_url, API_KEY]
        _t, ours_out, _c = timed(ls, app_env, code)  # warm the file cache and .pyc files
        _t, bare_out, _c = timed(bare, env)
        mine, theirs = comparable(ours_out), comparable(bare_out)
        if len(mine) != args.fleet or mine != theirs:
            raise RuntimeError("ls --json and the minimal script printed different listings")
        for _ in range(args.runs):
            wall, _out, cpu = timed(ls, app_env, code)
            ours.append(wall)
            ours_cpu.append(cpu)
            wall, _out, cpu = timed(bare, env)
            minimal.append(wall)
            minimal_cpu.append(cpu)
        if args.profile:
            out = PROFILES / "ls_json_after.txt"
            cmd = [PYTHON, "-m", "pyinstrument", "-i", "0.0005", "-r", "text", "-o", str(out),
                   "-m", "miosa_tui", "ls", "--json"]  # fmt: skip
            timed(cmd, app_env, code)
    result = {
        "fleet": args.fleet,
        "runs": args.runs,
        "ls_json_s": median(ours),
        "minimal_s": median(minimal),
        "ratio": median(ours) / median(minimal),
        "ls_json_cpu_s": median(ours_cpu),
        "minimal_cpu_s": median(minimal_cpu),
        "cpu_ratio": median(ours_cpu) / median(minimal_cpu),
        "ls_json_runs": ours,
        "minimal_runs": minimal,
    }
    print(f"`ls --json` of {args.fleet} computers, whole process, median of {args.runs}:")
    print(f"  miosa-tui ls --json   {ms(result['ls_json_s'])}; CPU {ms(result['ls_json_cpu_s'])}")
    print(f"  minimal httpx script  {ms(result['minimal_s'])}; CPU {ms(result['minimal_cpu_s'])}")
    print(
        f"  ratio                 {result['ratio']:.2f}x (CPU {result['cpu_ratio']:.2f}x)  "
        "(goal <= 1.2x)"
    )
    emit(result)


if __name__ == "__main__":
    main()
