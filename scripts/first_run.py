"""How long a new user waits: README's first command, from a fresh clone, to a live fleet.

Clones this repository into a temporary folder, makes a fresh virtual environment, and runs
README's first quick-start command (`pip install . && miosa-tui`) in a tmux pane of 160x48, as a
person would type it. The clock starts when the command is typed and stops when the pane shows
the simulated fleet's table (a computer row with a status). Nothing is fetched but packages from
the package index pip is configured with.

    python scripts/first_run.py            # prints the seconds, and the breakdown
    python scripts/first_run.py --json

Needs git, tmux and the Python this is run with (3.11+).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMAND = "pip install . && miosa-tui"
LIMIT = 600.0  # give up after this long (a broken install), not a goal


def tmux(server: str, *args: str) -> str:
    done = subprocess.run(
        ["tmux", "-L", server, "-f", "/dev/null", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if shutil.which("tmux") is None or shutil.which("git") is None:
        print("first_run: needs tmux and git", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="miosa-first-run-"))
    server = f"first-run-{int(time.time())}"
    try:
        clone = work / "miosa-tui"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        venv = work / "venv"
        started = time.monotonic()
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        venv_seconds = time.monotonic() - started
        shell = f"cd {clone} && . {venv}/bin/activate && export MIOSA_TUI_STATE_DIR={work}/state"
        env_clean = "env -u MIOSA_API_KEY -u MIOSA_BASE_URL -u PYTHONPATH bash --norc"
        tmux(server, "new-session", "-d", "-s", "a", "-x", "160", "-y", "48", env_clean)
        tmux(server, "send-keys", "-t", "a", shell, "Enter")
        typed = time.monotonic()
        tmux(server, "send-keys", "-t", "a", COMMAND, "Enter")
        installed_at: float | None = None
        while time.monotonic() - typed < LIMIT:
            screen = tmux(server, "capture-pane", "-p", "-t", "a")
            if installed_at is None and "Successfully installed" in screen:
                installed_at = time.monotonic()
            if "SIMULATED" in screen and " running " in screen:
                break
            time.sleep(0.1)
        else:
            print("first_run: no fleet on screen after 600 s", file=sys.stderr)
            return 1
        total = time.monotonic() - typed
        result = {
            "venv_seconds": round(venv_seconds, 1),
            "install_seconds": round((installed_at or time.monotonic()) - typed, 1),
            "command_to_fleet_seconds": round(total, 1),
            "with_venv_seconds": round(total + venv_seconds, 1),
        }
        if args.json:
            print(json.dumps(result))
        else:
            print(
                f"README's first command to a live fleet: {result['command_to_fleet_seconds']} s "
                f"(pip install {result['install_seconds']} s; the venv before it "
                f"{result['venv_seconds']} s; {result['with_venv_seconds']} s in all)"
            )
        return 0
    finally:
        tmux(server, "kill-server")
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
