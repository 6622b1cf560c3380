"""`--record FILE.cast`: the session as an asciicast v2 file, what the terminal received, timed.

The recording driver is the platform's own Textual driver with one difference: every string it
writes to the terminal is also written, with its time, to the cast file. So the file replays
exactly what the audience saw (`asciinema play FILE.cast`, or asciinema's web player).

Secrets never reach the file: while recording, the app refuses to reveal secrets (they stay
masked on screen, so the terminal never receives them), and as a second guard every chunk is
passed through the journal's redaction (API keys, bearer tokens and any secret value the app
registers) before it is written.

Format (https://docs.asciinema.org/manual/asciicast/v2/): a JSON header line, then one JSON array
per event: `[seconds, "o", data]` for output and `[seconds, "r", "COLSxROWS"]` for a resize.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

from textual.driver import Driver

from miosa_tui.fleet.journal import redact

Secrets = Callable[[], Iterable[str]]


def _no_secrets() -> Iterable[str]:
    return ()


class CastWriter:
    """Writes one asciicast v2 file; thread-safe; the header is written at the first output."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        title: str = "miosa-tui",
        secrets: Secrets = _no_secrets,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.path = Path(path)
        self.title = title
        self.secrets = secrets
        self._clock = clock
        self._lock = threading.Lock()
        self._file: IO[str] | None = None
        self._start = 0.0
        self._size: tuple[int, int] | None = None
        self.events = 0

    def open(self, size: tuple[int, int] | None = None) -> None:
        """Create the file now (so a path that cannot be written fails before the app starts)."""
        with self._lock:
            if self._file is None:
                self._file = self.path.open("w", encoding="utf-8")
                self._size = size or _terminal_size()
                self._start = self._clock()
                header: dict[str, Any] = {
                    "version": 2,
                    "width": self._size[0],
                    "height": self._size[1],
                    "timestamp": int(time.time()),
                    "title": self.title,
                    "env": {
                        "TERM": os.environ.get("TERM", "xterm-256color"),
                        "SHELL": os.environ.get("SHELL", ""),
                    },
                }
                self._file.write(json.dumps(header) + "\n")

    def output(self, data: str) -> None:
        """What the terminal received, now."""
        if data:
            self._event("o", redact(data, self.secrets()))

    def resize(self, width: int, height: int) -> None:
        if self._size != (width, height):
            self._size = (width, height)
            self._event("r", f"{width}x{height}")

    def _event(self, kind: str, data: str) -> None:
        if self._file is None:
            self.open()
        with self._lock:
            if self._file is None or self._file.closed:
                return
            elapsed = round(self._clock() - self._start, 6)
            self._file.write(json.dumps([elapsed, kind, data], ensure_ascii=False) + "\n")
            self.events += 1

    def close(self) -> None:
        with self._lock:
            if self._file is not None and not self._file.closed:
                self._file.close()


def _terminal_size() -> tuple[int, int]:
    size = shutil.get_terminal_size((80, 24))
    return size.columns, size.lines


def recording_driver(writer: CastWriter) -> type[Driver]:
    """The platform's own Textual driver, with a copy of everything it writes sent to `writer`
    (for `App(driver_class=...)`). Imported here, when a recording is asked for: the POSIX
    driver needs termios, which a platform without it must never import just for this."""
    if sys.platform == "win32":
        from textual.drivers.windows_driver import WindowsDriver as PlatformDriver
    else:
        from textual.drivers.linux_driver import LinuxDriver as PlatformDriver

    class RecordingDriver(PlatformDriver):
        def write(self, data: str) -> None:
            writer.output(data)
            super().write(data)

    return RecordingDriver
