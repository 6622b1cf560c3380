"""How to tell, from a thread, that the terminal on a descriptor has gone away, per platform.

- Linux (and other POSIX systems whose poll() handles terminals): `poll()` with no events asked
  wakes at once with POLLHUP on a hang-up; every `interval` a tcgetattr() check catches hang-ups
  that poll() does not report.
- macOS: poll() does not support devices: on a terminal it answers POLLNVAL at once, every time
  (Darwin's poll(2), BUGS). So there it is `select()`, which does work on terminals: a hung-up tty
  (TS_ZOMBIE) is always "readable", reads return EOF and nothing is waiting (FIONREAD is 0).
  tcgetattr() still succeeds on such a tty, so that check alone would never fire there.
- Anywhere: POLLNVAL (or POLLERR) while tcgetattr() still works is not a hang-up. It means poll()
  cannot watch this terminal, and the watch switches to select().
- Windows: no watch. There is no termios, no SIGHUP and no pty hang-up; closing the console
  window ends the process (CTRL_CLOSE_EVENT).

`termios` and `fcntl` are imported only where they exist, so this module imports on Windows.
"""

from __future__ import annotations

import os
import select
import struct
import sys
import threading

from miosa_tui.platforms import is_windows

try:
    import fcntl
    import termios

    HAVE_TERMIOS = True
except ImportError:  # Windows (or an interpreter built without them)
    HAVE_TERMIOS = False

HUNG_UP = "the terminal was closed"
CONFIRM_TRIES = 3  # a readable tty with nothing to read, seen this many times in a row: EOF
CONFIRM_GAP = 0.05  # seconds between those looks (Textual's reader may be mid-read once)
INPUT_BACKOFF = 0.05  # seconds to leave unread input to Textual's reader instead of spinning

METHODS = {
    "poll": "poll() on the terminal, a tcgetattr() check every second, and SIGHUP",
    "select": (
        "select() on the terminal (poll() cannot watch terminals on macOS), "
        "a tcgetattr() check every second, and SIGHUP"
    ),
}
NO_WATCH_WINDOWS = (
    "none on Windows: there is no SIGHUP or tty hang-up there; "
    "closing the console window ends the process"
)
NO_WATCH_NO_TERMIOS = "none: this Python has no termios module"


def watch_method(platform: str | None = None) -> str | None:
    """'poll', 'select', or None where there is no terminal to watch this way (Windows)."""
    plat = sys.platform if platform is None else platform
    if is_windows(plat) or not HAVE_TERMIOS:
        return None
    if plat == "darwin" or not hasattr(select, "poll"):
        return "select"
    return "poll"


def describe_watch(platform: str | None = None) -> str:
    """One sentence for `miosa-tui doctor`: how a closed terminal is noticed here."""
    method = watch_method(platform)
    if method is not None:
        return METHODS[method]
    return NO_WATCH_WINDOWS if is_windows(platform) else NO_WATCH_NO_TERMIOS


def terminal_alive(fd: int) -> bool:
    """True while `fd` is still a working terminal (tcgetattr fails on a hung-up Linux tty)."""
    if not HAVE_TERMIOS:
        try:
            return os.isatty(fd)
        except (OSError, ValueError):
            return False
    try:
        termios.tcgetattr(fd)
    except (termios.error, OSError, ValueError):
        return False
    return True


def bytes_waiting(fd: int) -> int | None:
    """How many bytes a read of `fd` would return now (FIONREAD), None when it cannot be asked.

    Raises OSError when the descriptor no longer answers (a revoked or closed terminal)."""
    if not HAVE_TERMIOS:
        return None
    buf = fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0")
    return int(struct.unpack("i", buf)[0])


def watch_with_poll(fd: int, stop: threading.Event, interval: float) -> str | None:
    """Block until the terminal on `fd` hangs up (returns why) or `stop` is set (None).

    Falls back to `watch_with_select` the first time poll() answers POLLNVAL or POLLERR while
    the terminal still answers tcgetattr(): that is poll() failing on terminals (macOS), not a
    hang-up, and it would answer the same at once forever."""
    poller = select.poll()
    poller.register(fd, 0)  # no events asked: only HUP/ERR/NVAL wake us
    timeout_ms = max(1, int(interval * 1000))
    while not stop.is_set():
        try:
            events = poller.poll(timeout_ms)
        except OSError:
            events = [(fd, select.POLLERR)]
        if stop.is_set():
            return None
        mask = 0
        for _fd, event in events:
            mask |= event
        if mask & select.POLLHUP or not terminal_alive(fd):
            return HUNG_UP
        if mask & (select.POLLNVAL | select.POLLERR):
            return watch_with_select(fd, stop, interval)
    return None


def watch_with_select(fd: int, stop: threading.Event, interval: float) -> str | None:
    """Block until the terminal on `fd` hangs up (returns why) or `stop` is set (None).

    select() says "readable" both for a keypress Textual has not read yet and for a hung-up
    terminal; only the second stays readable with nothing to read (see `_at_eof`)."""
    while not stop.is_set():
        try:
            readable, _, _ = select.select([fd], [], [], interval)
        except (OSError, ValueError):
            readable = []
            if terminal_alive(fd):  # a select() that cannot take this descriptor: just check
                stop.wait(interval)
        if stop.is_set():
            return None
        if not terminal_alive(fd):
            return HUNG_UP
        if readable:
            if _at_eof(fd, stop):
                return HUNG_UP
            stop.wait(INPUT_BACKOFF)  # unread input belongs to Textual's reader: don't spin
    return None


def _at_eof(fd: int, stop: threading.Event) -> bool:
    """True when `fd` stays readable with nothing to read, CONFIRM_TRIES looks in a row.

    One such look can be a race (Textual read the keypress between our select and our ioctl);
    after it the next select() blocks. A hung-up terminal answers the same every time."""
    for attempt in range(CONFIRM_TRIES):
        try:
            waiting = bytes_waiting(fd)
        except OSError:
            return True  # the terminal no longer answers at all
        if waiting is None or waiting > 0:
            return False
        if attempt == CONFIRM_TRIES - 1:
            return True
        if stop.wait(CONFIRM_GAP):
            return False
        try:
            still, _, _ = select.select([fd], [], [], 0)
        except (OSError, ValueError):
            return not terminal_alive(fd)
        if not still:
            return False
    return True
