"""macOS, reproduced on Linux: poll() answers POLLNVAL for every terminal (issue 18).

Before the fix, the closed-terminal watch took that answer for a hang-up and `miosa-tui --demo`
exited within a second on every Mac. Here the real dashboard runs on a real pty under a
`select.poll` that behaves as Darwin's (tests/platform_sim.py), once with `sys.platform` set to
"darwin" and once left "linux" (a POSIX system where poll() fails on terminals the same way): it
must stay up and answer keys, and still exit with 129 when the terminal really hangs up, with
SIGHUP delivered and with SIGHUP blocked (then only the watch thread can notice).

The in-process tests pin the two detectors on a real pty and on a pipe standing for a hung-up
macOS tty (readable, nothing to read, tcgetattr still working).
"""

from __future__ import annotations

import asyncio
import os
import select
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from platform_sim import (
    CPU_LIMIT,
    EXIT_LIMIT,
    PtySession,
    launcher_argv,
    painted,
    proc_state,
    python_env,
    seconds_since_update,
    wait_exit,
)
from ui_helpers import API_KEY

from miosa_tui.api.settings import ApiSettings
from miosa_tui.backend import Backend
from miosa_tui.config import load_config
from miosa_tui.sim.server import SimServer
from miosa_tui.ui.app import MiosaApp
from miosa_tui.ui.terminal_watch import HANGUP_EXIT_CODE, describe_watch, detectors
from miosa_tui.ui.terminal_watch.detectors import (
    HUNG_UP,
    watch_method,
    watch_with_poll,
    watch_with_select,
)

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="needs Linux ptys and /proc"
)

LIVED = 3  # seconds the header's "updated Ns ago" must reach: the old watch exited in < 1


@pytest.fixture
def spawn(tmp_path: Path) -> Iterator[Callable[..., PtySession]]:
    started: list[PtySession] = []

    def make(platform: str | None, *, block_sighup: bool) -> PtySession:
        env = python_env(
            MIOSA_TUI_IMAGE_RENDERER="halfcell",
            MIOSA_TUI_CONFIG=str(tmp_path / "config.toml"),
            FAKE_POLL_LOG=str(tmp_path / "poll.log"),
        )
        if platform is not None:
            env["FAKE_PLATFORM"] = platform
        session = PtySession(launcher_argv("--demo"), env, block_sighup=block_sighup)
        started.append(session)
        return session

    yield make
    for session in started:
        session.close()


def pollnval_answers(tmp_path: Path) -> int:
    log = tmp_path / "poll.log"
    return log.read_text().count("POLLNVAL") if log.exists() else 0


@pytest.mark.parametrize("block_sighup", [False, True], ids=["sighup", "watch-only"])
@pytest.mark.parametrize("platform", ["darwin", None], ids=["darwin", "posix-poll-broken"])
def test_dashboard_stays_up_under_macos_poll_and_exits_on_hang_up(
    spawn: Callable[..., PtySession], tmp_path: Path, platform: str | None, block_sighup: bool
) -> None:
    app = spawn(platform, block_sighup=block_sighup)
    app.read_until(painted, "the demo fleet on screen")
    if platform is None:
        # sys.platform stays "linux": the watch polls, gets POLLNVAL with the terminal still
        # answering, and must switch to select() instead of ending the app.
        app.read_until(lambda _out: pollnval_answers(tmp_path) >= 1, "the watch to poll")
    app.read_until(lambda out: seconds_since_update(out) >= LIVED, f"{LIVED} s of life")
    app.send(b"?")
    app.read_until(lambda out: b"Filter syntax" in out, "the help screen (keys still work)")
    app.send(b"\x1b")
    assert app.proc.poll() is None, "the dashboard exited on a terminal that is still there"
    state = proc_state(app.proc.pid)
    assert state is not None and state[0] != "Z"

    app.hang_up()
    exited, seconds, cpu = wait_exit(app.proc.pid, EXIT_LIMIT)
    assert exited, f"still running {seconds:.1f} s after the hang-up, {cpu:.2f} s of CPU"
    assert cpu < CPU_LIMIT, f"burned {cpu:.2f} s of CPU in {seconds:.1f} s before exiting"
    assert app.proc.wait(5) == HANGUP_EXIT_CODE  # a clean exit: no NoMatches, no signal death


# -- the detectors, in process -------------------------------------------------------------------


class DarwinPoll:
    """select.poll as macOS has it for a terminal: POLLNVAL at once, counted."""

    def __init__(self) -> None:
        self.fds: list[int] = []
        self.calls = 0

    def register(self, fd: int, _mask: int = 0) -> None:
        self.fds.append(fd)

    def poll(self, _timeout: int | None = None) -> list[tuple[int, int]]:
        self.calls += 1
        return [(fd, select.POLLNVAL) for fd in self.fds]


class Detector:
    """Runs a detector in a thread, as TerminalWatch does; `result` is what it returned."""

    def __init__(self, detect: Callable[..., str | None], fd: int) -> None:
        self.stop = threading.Event()
        self.done = threading.Event()
        self.result: str | None = "not returned"

        def run() -> None:
            self.result = detect(fd, self.stop, 0.1)
            self.done.set()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()

    def finish(self) -> str | None:
        self.stop.set()
        assert self.done.wait(10), "the detector did not stop"
        return self.result


def wait_until(predicate: Callable[[], bool], what: str, limit: float = 10.0) -> None:
    event = threading.Event()
    for _ in range(int(limit / 0.02)):
        if predicate():
            return
        event.wait(0.02)
    raise AssertionError(f"gave up waiting for {what}")


def counting_select(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Wrap detectors' select.select; returns the list of results it gave."""
    seen: list[Any] = []
    real = select.select

    def spy(*args: Any) -> Any:
        result = real(*args)
        seen.append(result)
        return result

    monkeypatch.setattr(detectors.select, "select", spy)
    return seen


def test_the_method_follows_the_platform() -> None:
    assert watch_method("linux") == "poll"
    assert watch_method("darwin") == "select"
    assert watch_method("win32") is None
    assert "select()" in describe_watch("darwin") and "macOS" in describe_watch("darwin")
    assert describe_watch("win32").startswith("none on Windows")


def test_pollnval_on_a_live_terminal_is_not_a_hang_up(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = DarwinPoll()
    monkeypatch.setattr(detectors.select, "poll", lambda: fake)
    selects = counting_select(monkeypatch)
    master, slave = os.openpty()
    try:
        detector = Detector(watch_with_poll, slave)
        wait_until(lambda: len(selects) >= 3, "the switch to select()")
        assert not detector.done.is_set(), f"ended the watch: {detector.result!r}"
        assert fake.calls == 1  # asked once, then never again: no loop on an instant answer
        os.close(master)
        master = -1
        assert detector.done.wait(10), "a real hang-up went unnoticed after the switch"
        assert detector.result == HUNG_UP
    finally:
        if master >= 0:
            os.close(master)
        os.close(slave)


def test_pollnval_on_a_dead_descriptor_is_a_hang_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(detectors.select, "poll", DarwinPoll)
    read_end, write_end = os.pipe()
    os.close(read_end)
    os.close(write_end)
    detector = Detector(watch_with_poll, read_end)  # closed: tcgetattr fails
    assert detector.done.wait(10)
    assert detector.result == HUNG_UP


def test_select_leaves_unread_input_alone_and_sees_the_hang_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    selects = counting_select(monkeypatch)
    master, slave = os.openpty()
    try:
        os.write(master, b"typed ahead\n")  # a whole line (canonical mode): readable, unread
        detector = Detector(watch_with_select, slave)
        wait_until(lambda: sum(1 for r in selects if r[0]) >= 5, "several readable selects")
        assert not detector.done.is_set(), f"took unread input for a hang-up: {detector.result!r}"
        assert os.read(slave, 100) == b"typed ahead\n"  # and it consumed nothing
        os.close(master)
        master = -1
        assert detector.done.wait(10)
        assert detector.result == HUNG_UP
    finally:
        if master >= 0:
            os.close(master)
        os.close(slave)


def test_select_sees_eof_while_tcgetattr_still_works(monkeypatch: pytest.MonkeyPatch) -> None:
    """A hung-up macOS tty: tcgetattr succeeds, select says readable, FIONREAD says 0."""
    monkeypatch.setattr(detectors, "terminal_alive", lambda _fd: True)
    read_end, write_end = os.pipe()  # a pipe answers FIONREAD and select like that tty
    try:
        os.write(write_end, b"x")
        detector = Detector(watch_with_select, read_end)
        selects = counting_select(monkeypatch)
        wait_until(lambda: len(selects) >= 5, "select() to be asked again and again")
        assert not detector.done.is_set()  # one unread byte: input, not EOF
        assert os.read(read_end, 1) == b"x"
        os.close(write_end)
        write_end = -1
        assert detector.done.wait(10), "EOF with tcgetattr working went unnoticed"
        assert detector.result == HUNG_UP
    finally:
        if write_end >= 0:
            os.close(write_end)
        os.close(read_end)


def test_stop_ends_each_detector_quietly(monkeypatch: pytest.MonkeyPatch) -> None:
    master, slave = os.openpty()
    try:
        for detect in (watch_with_poll, watch_with_select):
            detector = Detector(detect, slave)
            assert detector.finish() is None
    finally:
        os.close(master)
        os.close(slave)


# -- an exit racing the dashboard's mount ----------------------------------------------------------


class ExitsEarly(MiosaApp):
    """Asks to exit `turns` event-loop turns after its own on_mount, as a hang-up at start does
    (the watch thread's call_soon_threadsafe lands at any turn while the dashboard mounts)."""

    CSS_PATH = str(Path(sys.modules[MiosaApp.__module__].__file__ or "").with_name("app.tcss"))
    turns = 0

    def on_mount(self) -> None:
        super().on_mount()
        loop = asyncio.get_running_loop()

        def turn(left: int) -> None:
            if left:
                loop.call_soon(turn, left - 1)
            else:
                self.exit(return_code=HANGUP_EXIT_CODE)

        turn(self.turns)


async def test_an_exit_racing_the_mount_never_raises(sim: SimServer, tmp_path: Path) -> None:
    """Before the fix: turn 0 raised NoMatches for FleetHeader on DashboardScreen, turn 3 the
    issue's `No nodes match '#desktop-frame' on ScreenshotPane` (Textual 8.2.8)."""
    config = load_config(environ={}, path=tmp_path / "none.toml")
    settings = ApiSettings(api_key=API_KEY, base_url=sim.base_url)
    for turns in range(8):
        app = ExitsEarly(Backend(settings=settings, simulated=True), config)
        app.turns = turns
        async with app.run_test() as pilot:
            await pilot.pause()
        assert app.return_code == HANGUP_EXIT_CODE, f"exit after {turns} turns"
