"""Terminal life: a dropped terminal ends the app (without spinning a CPU), ctrl+z suspends and
`fg` resumes polling.

The hang-up tests are real: the dashboard runs as a child process on a pseudo-terminal that is its
controlling tty, and closing the master side is exactly what sshd or tmux does when the session
goes away. Each test then watches the child's exit and its CPU time (from /proc/<pid>/stat).
"""

from __future__ import annotations

import fcntl
import os
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from ui_helpers import Sim, make_app, pump, wait_for

from miosa_tui.sim.server import SimServer
from miosa_tui.ui.terminal_watch import HANGUP_EXIT_CODE, TerminalWatch, terminal_alive

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="needs Linux ptys and /proc"
)

EXIT_LIMIT = 10.0  # seconds a hung-up app may take to exit (it takes about one)
CPU_LIMIT = 3.0  # CPU seconds it may burn meanwhile (a spinning input thread burns ~1 per second)
TICK = os.sysconf("SC_CLK_TCK")


def proc_state(pid: int) -> tuple[str, float] | None:
    """(state letter, user+system CPU seconds) of a process, None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return fields[0], (int(fields[11]) + int(fields[12])) / TICK


class PtyApp:
    """`python -m miosa_tui ...` as the session leader of a fresh pty, like a login shell's job."""

    def __init__(self, args: list[str], env: dict[str, str], *, block_sighup: bool = False) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 140, 0, 0))

        def child_setup() -> None:
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)  # the pty becomes the controlling terminal
            if block_sighup:
                # Stands in for every way SIGHUP fails to arrive (a parent shell that dies
                # without forwarding it, nohup, a revoked tty): only the watchdog can notice.
                signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGHUP})

        self.proc = subprocess.Popen(
            [sys.executable, "-m", "miosa_tui", *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
            preexec_fn=child_setup,
            close_fds=True,
        )
        os.close(slave)
        self.output = bytearray()
        self.closed = False

    def read_until(self, predicate: Callable[[bytes], bool], limit: float = 30.0) -> None:
        end = time.monotonic() + limit
        while time.monotonic() < end:
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if ready:
                try:
                    self.output += os.read(self.master, 65536)
                except OSError:
                    break
            if predicate(bytes(self.output)):
                return
        raise AssertionError(f"the app did not paint in time: {bytes(self.output[-400:])!r}")

    def drain(self) -> None:
        while select.select([self.master], [], [], 0)[0]:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.output += chunk

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def hang_up(self) -> None:
        os.close(self.master)
        self.closed = True

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(10)
        if not self.closed:
            os.close(self.master)


@pytest.fixture
def spawn(tmp_path: Path) -> Iterator[Callable[..., PtyApp]]:
    started: list[PtyApp] = []

    def make(*args: str, block_sighup: bool = False, **env_extra: str) -> PtyApp:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("MIOSA_", "TEXTUAL"))}
        env.update(
            TERM="xterm-256color",
            COLORTERM="truecolor",
            MIOSA_TUI_IMAGE_RENDERER="halfcell",
            MIOSA_TUI_CONFIG=str(tmp_path / "config.toml"),
            **env_extra,
        )
        app = PtyApp(list(args), env, block_sighup=block_sighup)
        started.append(app)
        return app

    yield make
    for app in started:
        app.close()


def wait_exit(pid: int, limit: float) -> tuple[bool, float, float]:
    """Poll /proc until `pid` exits (or becomes a zombie): (exited, seconds, CPU it used)."""
    first = proc_state(pid)
    assert first is not None
    cpu0 = last = first[1]
    start = time.monotonic()
    while time.monotonic() - start < limit:
        state = proc_state(pid)
        if state is None or state[0] == "Z":
            return True, time.monotonic() - start, last - cpu0
        last = state[1]
        time.sleep(0.05)
    return False, time.monotonic() - start, last - cpu0


def painted(output: bytes) -> bool:
    return b"SIMULATED" in output and b"running" in output


@pytest.mark.parametrize("block_sighup", [False, True], ids=["sighup", "watchdog"])
def test_hang_up_ends_the_app_without_spinning(
    spawn: Callable[..., PtyApp], block_sighup: bool
) -> None:
    app = spawn("--demo", block_sighup=block_sighup)
    app.read_until(painted)
    time.sleep(0.5)  # a few polls and repaints into its life
    app.drain()
    app.hang_up()
    exited, seconds, cpu = wait_exit(app.proc.pid, EXIT_LIMIT)
    assert exited, f"still running {seconds:.1f} s after the hang-up, {cpu:.2f} s of CPU"
    assert cpu < CPU_LIMIT, f"burned {cpu:.2f} s of CPU in {seconds:.1f} s before exiting"
    assert app.proc.wait(5) == HANGUP_EXIT_CODE  # a clean exit, not death by signal


def test_ctrl_z_suspends_polling_and_fg_resumes_it(
    spawn: Callable[..., PtyApp], sim: SimServer
) -> None:
    ctl = Sim(sim)
    try:
        app = spawn(
            "--poll-interval", "0.5", MIOSA_API_KEY="msk_u_test_0000", MIOSA_BASE_URL=sim.base_url
        )
        app.read_until(lambda out: b"running" in out and ctl.list_count() >= 2)
        app.send(b"\x1a")  # ctrl+z, as the terminal sends it (ISIG is off in the app)
        deadline = time.monotonic() + 10
        while (proc_state(app.proc.pid) or ("?",))[0] != "T" and time.monotonic() < deadline:
            app.drain()
            time.sleep(0.05)
        assert (proc_state(app.proc.pid) or ("?",))[0] == "T", "ctrl+z did not stop the app"
        stopped_at = ctl.list_count()
        time.sleep(2.0)  # four poll intervals
        assert ctl.list_count() == stopped_at, "it kept polling while suspended"
        os.killpg(app.proc.pid, signal.SIGCONT)  # what the shell's `fg` sends
        deadline = time.monotonic() + 15
        while ctl.list_count() < stopped_at + 2 and time.monotonic() < deadline:
            app.drain()
            time.sleep(0.1)
        assert ctl.list_count() >= stopped_at + 2, "polling did not resume after fg"
        app.send(b"q")
        assert app.proc.wait(15) == 0
    finally:
        ctl.close()


# -- in-process: the watch's switches and the suspend/resume wiring -------------------------------


def test_terminal_alive_follows_the_pty() -> None:
    master, slave = os.openpty()
    try:
        assert terminal_alive(slave)
        os.close(master)
        assert not terminal_alive(slave)  # hung up: tcgetattr fails
    finally:
        os.close(slave)
    assert not terminal_alive(slave)  # closed descriptor


async def test_the_watch_stays_off_when_headless(sim: SimServer, tmp_path: Path) -> None:
    app = make_app(sim, tmp_path)
    before = signal.getsignal(signal.SIGHUP)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert not app.terminal_watch.active
        assert signal.getsignal(signal.SIGHUP) == before
        assert TerminalWatch(app).install() is False


async def test_suspend_and_resume_signals_pause_and_resume_polling(
    sim: SimServer, tmp_path: Path
) -> None:
    ctl = Sim(sim)
    app = make_app(sim, tmp_path, poll_interval=0.1)
    try:
        async with app.run_test() as pilot:
            await wait_for(pilot, lambda: ctl.list_count() >= 2, "polling")
            app.app_suspend_signal.publish(app)  # what App.suspend / ctrl+z publish
            await pump(pilot, 3)  # let an in-flight poll land
            paused_at = ctl.list_count()
            await pump(pilot, 12)  # several poll intervals
            assert ctl.list_count() == paused_at
            app.app_resume_signal.publish(app)  # what the driver publishes after fg
            await wait_for(pilot, lambda: ctl.list_count() >= paused_at + 2, "polling to resume")
            # a refresh the user paused (p) before suspending stays paused after resuming
            await pilot.press("p")
            assert app.dashboard.paused
            app.app_suspend_signal.publish(app)
            app.app_resume_signal.publish(app)
            await pilot.pause()
            assert app.dashboard.paused
    finally:
        ctl.close()


async def test_ctrl_z_headless_is_harmless(sim: SimServer, tmp_path: Path) -> None:
    app = make_app(sim, tmp_path)
    async with app.run_test() as pilot:
        await pilot.press("ctrl+z")  # no terminal to give back: nothing happens
        await pilot.pause()
        assert app.is_running
        assert app.dashboard is app.screen
