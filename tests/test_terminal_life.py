"""Terminal life: a dropped terminal ends the app (without spinning a CPU), ctrl+z suspends and
`fg` resumes polling.

The hang-up tests are real: the dashboard runs as a child process on a pseudo-terminal that is its
controlling tty, and closing the master side is exactly what sshd or tmux does when the session
goes away. Each test then watches the child's exit and its CPU time (from /proc/<pid>/stat).
"""

from __future__ import annotations

import errno
import io
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from platform_sim import (
    CPU_LIMIT,
    EXIT_LIMIT,
    PtySession,
    painted,
    proc_state,
    python_env,
    wait_exit,
)
from textual.drivers._writer_thread import MAX_QUEUED_WRITES, WriterThread
from ui_helpers import Sim, make_app, pump, wait_for

from miosa_tui.sim.server import SimServer
from miosa_tui.ui.terminal_watch import HANGUP_EXIT_CODE, TerminalWatch, terminal_alive
from miosa_tui.ui.terminal_watch.detectors import HUNG_UP

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="needs Linux ptys and /proc"
)


@pytest.fixture
def spawn(tmp_path: Path) -> Iterator[Callable[..., PtySession]]:
    """`python -m miosa_tui ARGS` as the session leader of a fresh pty, like a login shell's job."""
    started: list[PtySession] = []

    def make(*args: str, block_sighup: bool = False, **env_extra: str) -> PtySession:
        env = python_env(
            MIOSA_TUI_IMAGE_RENDERER="halfcell",
            MIOSA_TUI_CONFIG=str(tmp_path / "config.toml"),
            **env_extra,
        )
        argv = [sys.executable, "-m", "miosa_tui", *args]
        session = PtySession(argv, env, block_sighup=block_sighup)
        started.append(session)
        return session

    yield make
    for session in started:
        session.close()


@pytest.mark.parametrize("block_sighup", [False, True], ids=["sighup", "watchdog"])
def test_hang_up_ends_the_app_without_spinning(
    spawn: Callable[..., PtySession], block_sighup: bool
) -> None:
    app = spawn("--demo", block_sighup=block_sighup)
    app.read_until(painted, "the first paint")
    time.sleep(0.5)  # a few polls and repaints into its life
    app.drain()
    app.hang_up()
    exited, seconds, cpu = wait_exit(app.proc.pid, EXIT_LIMIT)
    assert exited, f"still running {seconds:.1f} s after the hang-up, {cpu:.2f} s of CPU"
    assert cpu < CPU_LIMIT, f"burned {cpu:.2f} s of CPU in {seconds:.1f} s before exiting"
    assert app.proc.wait(5) == HANGUP_EXIT_CODE  # a clean exit, not death by signal


def test_ctrl_z_suspends_polling_and_fg_resumes_it(
    spawn: Callable[..., PtySession], sim: SimServer
) -> None:
    ctl = Sim(sim)
    try:
        app = spawn(
            "--poll-interval", "0.5", MIOSA_API_KEY="msk_u_test_0000", MIOSA_BASE_URL=sim.base_url
        )
        app.read_until(lambda out: b"running" in out and ctl.list_count() >= 2, "polls")
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


# -- in-process: a hang-up whose SIGHUP never arrives (blocked, nohup) ---------------------------


class WatchedApp:
    """What TerminalWatch reads of an app. Textual's shutdown sets is_running to False first,
    then makes its last writes and closes the driver."""

    is_headless = False
    is_web = False

    def __init__(self, driver: object = None, *, running: bool = False) -> None:
        self._driver = driver
        self.is_running = running

    def exit(self, return_code: int = 0) -> None:
        raise AssertionError("no event loop here: hang_up must not schedule an exit")


class FailingTty(io.StringIO):
    """A hung-up terminal as a writer thread sees it: every write fails with EIO."""

    def write(self, _text: str) -> int:
        raise OSError(errno.EIO, "Input/output error")


def dead_writer() -> WriterThread:
    """A Textual writer thread that died on its first write, as on a hung-up terminal."""
    writer = WriterThread(FailingTty())
    writer.start()
    writer.write("the first write after the hang-up")
    writer.join(10)
    assert not writer.is_alive()
    return writer


def test_the_sigcont_of_a_hang_up_ends_the_app_instead_of_resuming() -> None:
    resumed: list[int] = []
    master, slave = os.openpty()
    before = signal.signal(signal.SIGCONT, lambda signum, _frame: resumed.append(signum))
    watch = TerminalWatch(WatchedApp())  # type: ignore[arg-type]
    watch.fd = slave
    try:
        watch._guard_resume()
        os.kill(os.getpid(), signal.SIGCONT)  # `fg` after ctrl+z: the terminal is alive
        assert resumed == [signal.SIGCONT] and watch.reason is None
        os.close(master)  # the hang-up; the kernel's SIGCONT follows it
        os.kill(os.getpid(), signal.SIGCONT)
        assert resumed == [signal.SIGCONT], "application mode was resumed on a dead terminal"
        assert watch.reason == HUNG_UP
    finally:
        watch.uninstall()
        assert signal.getsignal(signal.SIGCONT) is not None
        signal.signal(signal.SIGCONT, before)
        os.close(slave)


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")  # its death
def test_a_writer_a_resume_started_on_the_dead_tty_cannot_block_the_shutdown() -> None:
    """The race a CI run caught (SIGHUP blocked): Textual's SIGCONT resume replaced the writer
    thread after the watch's rescue had looked at it; the new writer died on the dead tty, and
    the shutdown's writes and close() blocked on its full queue, the app never exited."""
    first = WriterThread(io.StringIO())
    first.start()
    driver = SimpleNamespace(exit_event=threading.Event(), _writer_thread=first)
    driver.exit_event.set()
    app = WatchedApp(driver, running=True)
    watch = TerminalWatch(app)  # type: ignore[arg-type]
    watch.hang_up()  # starts the rescue, which sees `first`, alive
    driver._writer_thread = replaced = dead_writer()  # the resume's writer, dead on the tty
    app.is_running = False  # the shutdown begins

    def shutdown() -> None:  # Textual's last writes and Driver.close()
        for n in range(3 * MAX_QUEUED_WRITES):
            replaced.write(f"write {n}")
        replaced.stop()

    closing = threading.Thread(target=shutdown, daemon=True)
    closing.start()
    closing.join(EXIT_LIMIT)
    first.stop()
    assert not closing.is_alive(), "the shutdown blocked on the dead writer's full queue"
