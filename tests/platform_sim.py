"""Other platforms, reproduced on Linux for the tests (no tests in here).

- `MACOS_LAUNCHER`: starts `miosa-tui` (via `miosa_tui.cli.main`) with `select.poll` replaced by
  one that behaves as Darwin's poll(2) does on a terminal device: every poll() that includes a
  tty answers POLLNVAL for it at once (Darwin's man page, BUGS: "poll() does not support
  devices"). With `FAKE_PLATFORM=darwin` it also sets `sys.platform`, after importing the
  standard modules that load macOS-only extensions when they see "darwin" at import time
  (`urllib.request` imports `_scproxy`). Each POLLNVAL answer is logged to `$FAKE_POLL_LOG`.
- `WINDOWS_PRELUDE`: run first in a fresh interpreter, it removes what Windows' Python does not
  have: the `termios`, `fcntl`, `tty`, `pty`, `pwd`, `grp` and `resource` modules become
  unimportable, the POSIX-only signals and `os` functions and `select.poll`/`epoll` disappear.
  textual-image picks its `_win32` helpers by `sys.platform` and those load `kernel32.dll`,
  which Linux cannot; a stand-in with the same three functions takes the place of its `_posix`
  helpers (what `_win32` does when no console answers: size unknown, queries time out).
- `PtySession`: a command as the session leader of a fresh pty, its controlling terminal, so
  closing the master side is a real hang-up (what sshd or tmux does when the session goes away);
  with `proc_state`/`wait_exit` (state and CPU time from /proc) the hang-up tests of macOS and
  of tests/test_terminal_life.py share it.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable

MACOS_LAUNCHER = r"""
import os, select, sys

_real_poll = select.poll
_log = os.environ.get("FAKE_POLL_LOG")


def _fd(obj):
    return obj if isinstance(obj, int) else obj.fileno()


class DarwinPoll:
    '''select.poll as on macOS: a terminal in the set is answered POLLNVAL, at once.'''

    def __init__(self):
        self._real = _real_poll()
        self._fds = {}

    def register(self, fd, eventmask=select.POLLIN | select.POLLPRI | select.POLLOUT):
        self._fds[_fd(fd)] = eventmask
        self._real.register(fd, eventmask)

    def modify(self, fd, eventmask):
        self._fds[_fd(fd)] = eventmask
        self._real.modify(fd, eventmask)

    def unregister(self, fd):
        self._fds.pop(_fd(fd), None)
        self._real.unregister(fd)

    def poll(self, timeout=None):
        ttys = [fd for fd in self._fds if os.isatty(fd)]
        if not ttys:
            return self._real.poll(timeout)
        if _log:
            with open(_log, "a") as handle:
                handle.write("POLLNVAL\n")
        return [(fd, select.POLLNVAL) for fd in ttys]


select.poll = DarwinPoll
platform = os.environ.get("FAKE_PLATFORM")
if platform:
    import urllib.request  # loads _scproxy (a macOS-only extension) when it sees "darwin"

    sys.platform = platform
sys.argv = ["miosa-tui", *sys.argv[1:]]
from miosa_tui.cli import main

sys.exit(main())
"""

WINDOWS_PRELUDE = r"""
import contextlib, os, select, signal, sys, types

for _name in ("termios", "fcntl", "tty", "pty", "pwd", "grp", "resource"):
    sys.modules[_name] = None  # "import termios" now raises ImportError, as on Windows
for _name in ("SIGHUP", "SIGTSTP", "SIGCONT", "SIGWINCH", "SIGQUIT", "SIGUSR1", "SIGUSR2",
              "SIGALRM", "SIGTTIN", "SIGTTOU", "SIGPIPE"):
    if hasattr(signal, _name):
        delattr(signal, _name)
for _name in ("poll", "epoll", "POLLIN", "POLLPRI", "POLLOUT", "POLLERR", "POLLHUP", "POLLNVAL"):
    if hasattr(select, _name):
        delattr(select, _name)
for _name in ("getpgrp", "getpgid", "killpg",
              "setsid", "openpty", "forkpty", "tcgetpgrp", "tcsetpgrp", "ttyname"):
    if hasattr(os, _name):
        delattr(os, _name)

_win32_stand_in = types.ModuleType("textual_image._posix")


def _no_winsize():
    raise OSError("TIOCGWINSZ not supported on Windows")


def _no_reply(fd, length, timeout=None):
    raise TimeoutError("Timeout waiting for data")


@contextlib.contextmanager
def _console_mode():
    yield


_win32_stand_in.get_tiocgwinsz = _no_winsize
_win32_stand_in.read = _no_reply
_win32_stand_in.capture_mode = _console_mode
sys.modules["textual_image._posix"] = _win32_stand_in
"""

EXIT_LIMIT = 10.0  # seconds a hung-up app may take to exit (it takes about one)
CPU_LIMIT = 3.0  # CPU seconds it may burn meanwhile (a spinning thread burns ~1 per second)
TICK = os.sysconf("SC_CLK_TCK")
_UPDATED = re.compile(rb"updated (\d+)s ago")


def proc_state(pid: int) -> tuple[str, float] | None:
    """(state letter, user+system CPU seconds) of a process, None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return fields[0], (int(fields[11]) + int(fields[12])) / TICK


def wait_exit(pid: int, limit: float) -> tuple[bool, float, float]:
    """Watch /proc until `pid` exits (or is a zombie): (exited, seconds, CPU it used)."""
    first = proc_state(pid)
    if first is None:
        return True, 0.0, 0.0
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
    """The demo fleet is on screen."""
    return b"SIMULATED" in output and b"running" in output


def seconds_since_update(output: bytes) -> int:
    """The largest "updated Ns ago" the header has shown (it counts up between polls)."""
    return max((int(n) for n in _UPDATED.findall(output)), default=-1)


class PtySession:
    """`argv` as the session leader of a fresh pty (its controlling terminal)."""

    def __init__(
        self,
        argv: list[str],
        env: dict[str, str],
        *,
        block_sighup: bool,
        size: tuple[int, int] = (40, 140),
    ) -> None:
        """`size`: the terminal's (rows, columns)."""
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", *size, 0, 0))

        def child_setup() -> None:
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)  # the pty becomes the controlling terminal
            if block_sighup:
                # Stands in for every way SIGHUP fails to arrive (a parent shell that dies
                # without forwarding it, nohup, a revoked tty): only the watch can notice.
                signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGHUP})

        self.proc = subprocess.Popen(
            argv,
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

    def read_until(
        self, predicate: Callable[[bytes], bool], what: str, limit: float = 60.0
    ) -> None:
        """Read the screen until `predicate(output)` holds; fail if the app exits first."""
        end = time.monotonic() + limit
        while time.monotonic() < end:
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if ready:
                try:
                    self.output += os.read(self.master, 65536)
                except OSError:  # EIO: every holder of the slave side has gone
                    break
            if predicate(bytes(self.output)):
                return
            if self.proc.poll() is not None and not ready:
                break
        raise AssertionError(
            f"gave up waiting for {what}; exit code {self.proc.poll()}; "
            f"last output {bytes(self.output[-600:])!r}"
        )

    def drain(self) -> None:
        """Read what the app has written so far, without waiting (a full pty blocks it)."""
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
            self.closed = True


def python_env(**extra: str) -> dict[str, str]:
    """This environment without MIOSA_/TEXTUAL settings, plus a truecolor TERM and `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MIOSA_", "TEXTUAL"))}
    env.update(TERM="xterm-256color", COLORTERM="truecolor", **extra)
    return env


def launcher_argv(*args: str) -> list[str]:
    return [sys.executable, "-c", MACOS_LAUNCHER, *args]
