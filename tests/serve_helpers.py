"""A real `miosa-tui serve` process on a free loopback port, for the live and browser tests."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

STARTUP_LIMIT = 60.0  # only stops a hung test; not a timing assertion
URL_LINE = re.compile(r"open (http://\S+/)\?token=(.+) in a browser")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    port: int
    log: Path
    base: str  # http://127.0.0.1:PORT/
    token: str  # the one printed; "" when the test set it and serve did not print it

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def printed_url(self) -> str:
        return f"{self.base}?token={self.token}"

    @property
    def cookie_name(self) -> str:
        return f"miosa_tui_serve_{self.port}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> int:
        """Ctrl+C, as a user would; returns the exit status."""
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=30)


def serve_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MIOSA_")}
    env["MIOSA_TUI_CONFIG"] = str(tmp_path / "none.toml")
    env.update(extra)
    return env


def wait_until_serving(process: subprocess.Popen[bytes], port: int, log: Path) -> str:
    """Wait for the listening port; return the output so far."""
    deadline = time.monotonic() + STARTUP_LIMIT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(
                f"miosa-tui serve exited early with {process.returncode}:\n"
                + log.read_text(errors="replace")
            )
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return log.read_text(errors="replace")
        time.sleep(0.1)
    raise AssertionError(f"nothing listened on port {port}")


@contextlib.contextmanager
def running_serve(tmp_path: Path, *options: str, **env: str) -> Iterator[Served]:
    """`miosa-tui serve --demo --port FREE OPTIONS` in its own process group, killed after."""
    port = free_port()
    log = tmp_path / f"serve-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "miosa_tui", "serve", "--demo", "--port", str(port), *options],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=serve_env(tmp_path, **env),
            start_new_session=True,  # its own process group: the app children die with it
        )
    try:
        text = wait_until_serving(process, port, log)
        found = URL_LINE.search(text)
        assert found, text
        token = "" if found.group(2).startswith("<") else found.group(2)
        yield Served(process, port, log, found.group(1), token)
    finally:
        # The app subprocesses may outlive a server that stopped.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)


def parent_of(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat[stat.rindex(")") + 2 :].split()[1])


def process_tree(root: int) -> list[int]:
    """`root` and every process descended from it, from /proc."""
    parents = {
        int(p.name): parent_of(int(p.name)) for p in Path("/proc").iterdir() if p.name.isdigit()
    }
    tree = [root]
    for pid in tree:
        tree += [child for child, parent in parents.items() if parent == pid]
    return tree


def proc_file(pid: int, name: str) -> bytes:
    """/proc/PID/NAME (cmdline, environ), or b"" for a process that has gone."""
    try:
        return Path(f"/proc/{pid}/{name}").read_bytes()
    except OSError:
        return b""
