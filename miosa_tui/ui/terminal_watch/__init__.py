"""End the app when its terminal goes away (an SSH drop, a closed tmux pane, a killed xterm).

Textual 8 installs no SIGHUP handler, and when the tty is hung up its input thread spins: the
terminal stays "readable" and every read returns b"". Worse, the first write to the dead tty
kills Textual's writer thread, after which the app blocks forever on its bounded output queue.
So a dashboard left behind by a dropped SSH session would burn a CPU core until someone kills it.

`TerminalWatch` closes both gaps for a real terminal (never headless, under a web driver or when
stdin is not a tty):

- SIGHUP (the kernel sends it to the session leader on hang-up) exits the app;
- a daemon thread waits on the terminal (`detectors.py`: poll() on Linux, select() on macOS,
  where poll() answers POLLNVAL for every terminal) and checks it with tcgetattr() every
  `interval` seconds, for hang-ups that come without a signal (a shell that dies without
  forwarding SIGHUP, a revoked tty);
- Textual's SIGCONT handler (which resumes application mode after `fg`) is wrapped: the SIGCONT
  the kernel sends with a hang-up, found on a dead tty, ends the app instead of restarting
  application mode there.

Either way the standard descriptors are first pointed away from the dead tty (stdin to an idle
pipe, stdout/stderr to /dev/null) so that the shutdown's writes cannot fail and the input thread
sleeps in select() instead of spinning; then the app exits with code 129 (128 + SIGHUP).

On Windows there is nothing to watch (no SIGHUP, no tty hang-up: closing the console window ends
the process), so `install()` returns False and `unavailable` says why. Nothing POSIX-only is
touched at import time.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import stat
import sys
import threading
import time
from collections.abc import Callable
from queue import Empty
from types import FrameType
from typing import TYPE_CHECKING, Any

from miosa_tui.platforms import continue_signal, hangup_signal
from miosa_tui.ui.terminal_watch.detectors import (
    HUNG_UP,
    describe_watch,
    terminal_alive,
    watch_method,
    watch_with_poll,
    watch_with_select,
)

if TYPE_CHECKING:
    from textual.app import App

__all__ = ["HANGUP_EXIT_CODE", "TerminalWatch", "describe_watch", "terminal_alive"]

HANGUP_EXIT_CODE = 129  # 128 + SIGHUP (1 on every POSIX system; Windows has no SIGHUP)
_RESCUE_SECONDS = 30.0


def _stdin_fd() -> int | None:
    stream = sys.__stdin__
    if stream is None:
        return None
    try:
        fd = stream.fileno()
    except (OSError, ValueError):
        return None
    return fd if os.isatty(fd) else None


class TerminalWatch:
    """Watches the app's terminal; `install()` returns False when there is nothing to watch."""

    def __init__(self, app: App[Any], *, interval: float = 1.0) -> None:
        self.app = app
        self.interval = interval
        self.fd: int | None = None
        self.reason: str | None = None  # why the app was ended, once it was
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop = threading.Event()
        self._fired = threading.Lock()
        self._thread: threading.Thread | None = None
        self._sighup = False
        self._previous: Any = signal.SIG_DFL
        self._previous_cont: Callable[[int, FrameType | None], Any] | None = None
        self._rdev: int | None = None
        self._keep: list[int] = []  # the idle pipe's write end: keeps the new stdin open
        self.method: str | None = None  # "poll" or "select" once installed
        self.unavailable: str | None = None  # why there is no watch on this platform, if so

    # -- life cycle --------------------------------------------------------------------------
    def install(self) -> bool:
        """Start watching (call from the app's event loop, e.g. in on_mount)."""
        method = watch_method()
        if method is None:
            self.unavailable = describe_watch()
            return False
        if self.app.is_headless or self.app.is_web:
            return False
        fd = _stdin_fd()
        if fd is None:
            return False
        self.fd = fd
        self.method = method
        self._rdev = os.fstat(fd).st_rdev
        self._loop = asyncio.get_running_loop()
        # A plain handler, not loop.add_signal_handler: Python runs it at once, before the
        # SIGCONT (18) the kernel sends after SIGHUP (1); a loop callback would come later.
        sighup = hangup_signal()  # None on Windows
        if sighup is not None:
            with contextlib.suppress(ValueError, OSError):
                self._previous = signal.signal(sighup, self._on_sighup)
                self._sighup = True
        self._guard_resume()
        self._thread = threading.Thread(
            target=self._watch, name="miosa-terminal-watch", daemon=True
        )
        self._thread.start()
        return True

    def uninstall(self) -> None:
        """Stop watching (and, after a hang-up, close the idle pipe that replaced stdin)."""
        self._stop.set()
        self._close_pipe()
        sighup = hangup_signal()
        if self._sighup and sighup is not None:
            with contextlib.suppress(ValueError, OSError, TypeError):
                signal.signal(sighup, self._previous)
        self._sighup = False
        cont = continue_signal()
        if self._previous_cont is not None and cont is not None:
            with contextlib.suppress(ValueError, OSError, TypeError):
                signal.signal(cont, self._previous_cont)
        self._previous_cont = None

    def _guard_resume(self) -> None:
        """Let Textual's SIGCONT handler resume application mode only on a live terminal.

        On a hang-up the kernel sends SIGCONT right after SIGHUP, with the tty already dead.
        When SIGHUP is blocked or ignored (nohup, a parent that masks it), `_on_sighup` never
        runs to disarm Textual's restart, and the restart raced the watch thread: a second
        input thread and a second writer were started on the dead tty, the new writer died on
        its first write and the shutdown blocked on its full queue (a CI run caught it)."""
        cont = continue_signal()
        if cont is None:
            return
        with contextlib.suppress(ValueError, OSError, TypeError):
            previous = signal.getsignal(cont)
            if callable(previous):
                self._previous_cont = previous
                signal.signal(cont, self._on_sigcont)

    @property
    def active(self) -> bool:
        return self._thread is not None and not self._stop.is_set()

    # -- detection ---------------------------------------------------------------------------
    def _watch(self) -> None:
        fd = self.fd
        assert fd is not None
        detect = watch_with_select if self.method == "select" else watch_with_poll
        reason = detect(fd, self._stop, self.interval)
        if reason is not None and not self._stop.is_set():
            self.hang_up(reason)

    # -- reaction ----------------------------------------------------------------------------
    def _on_sighup(self, _signum: int, _frame: object) -> None:
        self.hang_up("SIGHUP")

    def _on_sigcont(self, signum: int, frame: FrameType | None) -> None:
        if self.fd is not None and not terminal_alive(self.fd):
            self.hang_up(HUNG_UP)  # the SIGCONT of a hang-up (or one after it): no resume
        elif self._previous_cont is not None:
            self._previous_cont(signum, frame)  # `fg` after ctrl+z: Textual resumes

    def hang_up(self, reason: str = HUNG_UP) -> None:
        """Detach from the dead terminal and exit the app (safe from any thread, once)."""
        if not self._fired.acquire(blocking=False):
            return
        self.reason = reason
        self._stop.set()
        self._detach()
        rescue = threading.Thread(target=self._rescue_output, name="miosa-rescue", daemon=True)
        rescue.start()
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(self._exit)

    def _exit(self) -> None:
        self.app.exit(return_code=HANGUP_EXIT_CODE)

    def _detach(self) -> None:
        """stdin <- an idle pipe (select sleeps), stdout/stderr -> /dev/null (writes succeed)."""
        with contextlib.suppress(OSError):
            read_end, write_end = os.pipe()
            self._keep.append(write_end)
            if self.fd is not None:
                os.dup2(read_end, self.fd)
            os.close(read_end)
        with contextlib.suppress(OSError):
            null = os.open(os.devnull, os.O_WRONLY)
            for fd in (1, 2):  # only where they are the same (dead) terminal: keep a 2>log
                with contextlib.suppress(OSError):
                    info = os.fstat(fd)
                    if stat.S_ISCHR(info.st_mode) and info.st_rdev == self._rdev:
                        os.dup2(null, fd)
            os.close(null)

    def _close_pipe(self) -> None:
        while self._keep:
            with contextlib.suppress(OSError):
                os.close(self._keep.pop())

    def _rescue_output(self) -> None:
        """Help Textual shut down on a dead terminal (runs in its own thread after a hang-up).

        - Its input thread may be blocked reading the idle pipe: once the driver asks it to stop
          (exit_event), close the pipe so the read returns EOF and the thread can see that.
        - If its writer thread died on the tty before we detached, keep emptying the bounded
          output queue so the app never blocks on a write while it exits. The writer is looked
          up each time (a resume replaces it), and a dead one is emptied until the shutdown's
          `close()` has put its end marker: `is_running` turns False at the start of the
          shutdown, before its last writes.
        """
        driver = getattr(self.app, "_driver", None)
        exit_event = getattr(driver, "exit_event", None)
        deadline = time.monotonic() + _RESCUE_SECONDS
        while time.monotonic() < deadline:
            running = self.app.is_running
            if self._keep and (not running or exit_event is None or exit_event.is_set()):
                self._close_pipe()
            writer = getattr(driver, "_writer_thread", None)
            if writer is not None and not writer.is_alive():
                if _empty_queue(writer):
                    return  # the end marker: the driver has closed its output
            elif not running and not self._keep:
                return  # a live writer now writes to /dev/null: nothing can block
            time.sleep(0.02)


def _empty_queue(writer: object) -> bool:
    """Take everything queued for a dead writer thread; True once its end marker (None) came."""
    queue = getattr(writer, "_queue", None)
    if queue is None:
        return False
    while True:
        try:
            item = queue.get_nowait()
        except Empty:
            return False
        if item is None:
            return True
