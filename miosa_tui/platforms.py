"""What the operating system offers that the app relies on, asked at the moment of use.

miosa-tui is developed and tested on Linux; macOS and Windows differ in three ways that matter:

- job control (ctrl+z, `fg`): POSIX only. Windows has no SIGTSTP/SIGCONT.
- Unix file modes: on Windows `st_mode` shows 0o666 for every writable file and `chmod` only
  toggles the read-only flag (NTFS ACLs decide who may read a file), so "readable by other users"
  cannot be told from the mode there.
- the terminal: see `miosa_tui.ui.terminal_watch` (no `termios` on Windows, `poll()` unusable on
  terminals on macOS).

Every answer reads `sys.platform` and the `signal` module when called, not at import time, so a
test can set `sys.platform` for one call, and an interpreter without the POSIX signals (Windows,
or a test that removes them) gets "no" instead of an AttributeError.
"""

from __future__ import annotations

import signal
import sys


def platform_name(platform: str | None = None) -> str:
    """ "Windows", "macOS" or "Linux" (or the raw `sys.platform` for anything else)."""
    plat = sys.platform if platform is None else platform
    if is_windows(plat):
        return "Windows"
    if plat == "darwin":
        return "macOS"
    if plat.startswith("linux"):
        return "Linux"
    return plat


def is_windows(platform: str | None = None) -> bool:
    plat = sys.platform if platform is None else platform
    return plat == "win32"  # Cygwin's Python is POSIX: termios, signals and modes work there


def has_job_control(platform: str | None = None) -> bool:
    """True where ctrl+z can stop the process and `fg` resume it (SIGTSTP and SIGCONT exist)."""
    if is_windows(platform):
        return False
    return hasattr(signal, "SIGTSTP") and hasattr(signal, "SIGCONT")


def hangup_signal() -> signal.Signals | None:
    """SIGHUP, or None where the `signal` module has none (Windows)."""
    return signal.SIGHUP if hasattr(signal, "SIGHUP") else None


def continue_signal() -> signal.Signals | None:
    """SIGCONT, or None where the `signal` module has none (Windows)."""
    return signal.SIGCONT if hasattr(signal, "SIGCONT") else None


def has_unix_file_modes(platform: str | None = None) -> bool:
    """True where a file's permission bits say who may read it (not on Windows, see above)."""
    return not is_windows(platform)


NO_FILE_MODES = (
    "not checked on Windows (the file's NTFS permissions decide who can read it; "
    "keep it in your user profile)"
)
