"""What reaches a real terminal from the dashboard on the hostile API (tests/hostile_api.py).

1. The real app on a pseudo-terminal (as tests/test_terminal_life.py runs it): every byte it
   writes is read back. The only escape sequences may be Textual's own (CSI, and OSC 22, the
   pointer shape); none from the data: no OSC 0/2 title, no OSC 52 clipboard, no DCS, APC, PM or
   SOS, no 8-bit C1, no BEL, BS, NUL or DEL. The hostile names are there as visible escapes.
2. The real binary inside tmux with `set-clipboard on`: tmux would turn an OSC 52 into a paste
   buffer and an OSC 0/2 into a pane title; neither may change.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hostile_api import TITLE_MARK, HostileApi
from platform_sim import PtySession

import miosa_tui

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs Linux ptys")

WAIT = 40.0  # seconds a step may take before the test gives up (not a timing assertion)
KEYS = [b"i", b"g", b"a", b"t", b"v", b"w", b"\x1b", b"j", b"?", b"\x1b"]
SHOWN = b"x[/]"  # a markup name, drawn literally: the table is on screen
INCOMPLETE_AT_END = re.compile(rb"\x1b(\[[0-?]*[ -/]*)?\Z")


@pytest.fixture
def api() -> Iterator[HostileApi]:
    with HostileApi() as server:
        yield server


def app_env(api: HostileApi, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MIOSA_", "TEXTUAL", "TMUX"))}
    env.update(
        MIOSA_BASE_URL=api.base_url,
        MIOSA_API_KEY="msk_hostile",
        MIOSA_TUI_CONFIG=str(tmp_path / "none.toml"),
        MIOSA_TUI_IMAGE_RENDERER="halfcell",
        TERM="xterm-256color",
        PYTHONPATH=str(Path(miosa_tui.__file__).parents[1]),
    )
    return env


def foreign_sequences(out: bytes) -> list[bytes]:
    """Escape sequences and control bytes that Textual itself never writes. The capture may
    end inside one of Textual's sequences (its writer's last chunk read in two): an ESC, or an
    ESC [ and its parameters, at the very end is cut off, not counted."""
    out = INCOMPLETE_AT_END.sub(b"", out)
    found: list[bytes] = []
    for match in re.finditer(rb"\x1b(.?)", out, re.S):
        follower = match.group(1)
        if follower == b"[":
            continue  # CSI: cursor, colours, modes
        if follower == b"]" and out.startswith(b"22;", match.end()):
            continue  # OSC 22: Textual's pointer shape
        found.append(out[match.start() : match.start() + 24])
    osc22 = len(re.findall(rb"\x1b\]22;[a-z-]*\x07", out))
    if out.count(b"\x07") != osc22:
        found.append(b"BEL outside OSC 22")
    found += [bytes([b]) for b in out if b in (0x00, 0x08, 0x7F)]
    found += re.findall(rb"\xc2[\x80-\x9f]", out)  # 8-bit C1 controls, UTF-8 encoded
    return found


def test_the_app_writes_no_sequence_from_the_data(api: HostileApi, tmp_path: Path) -> None:
    argv = [sys.executable, "-m", "miosa_tui"]
    pty = PtySession(argv, app_env(api, tmp_path), block_sighup=False, size=(45, 160))
    try:
        pty.read_until(lambda out: SHOWN in out, "the hostile fleet on screen")
        for key in KEYS:
            os.write(pty.master, key)
            mark = len(pty.output)
            pty.read_until(lambda out, mark=mark: len(out) > mark, f"a repaint after {key!r}")
        pty.read_until(lambda out: b"\\x1b]52;c;" in out, "an OSC 52 name as a visible escape")
        out = bytes(pty.output)
    finally:
        pty.close()
    assert foreign_sequences(out) == []
    # shown as visible text, cut by the column width (a scrollbar takes two cells from NAME)
    assert f"\\x1b]0;{TITLE_MARK[:2]}".encode() in out
    assert [(r.method, r.path) for r in api.actions(allowed=("/stream-token",))] == []


def tmux(server: str, *args: str) -> str:
    done = subprocess.run(
        ["tmux", "-L", server, *args], capture_output=True, text=True, timeout=30, check=False
    )
    return done.stdout


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_tmux_sees_no_clipboard_write_and_no_title_change(api: HostileApi, tmp_path: Path) -> None:
    server = f"miosa-untrusted-{os.getpid()}"
    env = app_env(api, tmp_path)
    script = tmp_path / "run.sh"
    exports = "".join(f"export {k}='{v}'\n" for k, v in env.items() if "'" not in v)
    script.write_text(f"{exports}exec {sys.executable} -m miosa_tui\n", encoding="utf-8")
    tmux(server, "-f", "/dev/null", "new-session", "-d", "-s", "a", "-x", "160", "-y", "45", "cat")
    try:
        tmux(server, "set", "-g", "set-clipboard", "on")
        tmux(server, "set", "-g", "remain-on-exit", "on")
        tmux(server, "set", "-g", "allow-rename", "on")
        title = tmux(server, "display", "-p", "-t", "a", "#{pane_title}").strip()
        tmux(server, "respawn-pane", "-k", "-t", "a", f"sh {script}")

        def screen() -> str:
            return tmux(server, "capture-pane", "-p", "-t", "a")

        def wait(predicate: Callable[[], bool], what: str) -> None:
            end = time.monotonic() + WAIT
            while time.monotonic() < end:
                if predicate():
                    return
                time.sleep(0.1)
            raise AssertionError(f"gave up waiting for {what}:\n{screen()}")

        wait(lambda: SHOWN.decode() in screen(), "the hostile fleet in tmux")
        tmux(server, "send-keys", "-t", "a", "i", "g", "a", "t", "v", "w", "Escape", "j")
        wait(lambda: "\\x1b]52;c;" in screen(), "an OSC 52 name shown as a visible escape")
        panes = tmux(server, "list-panes", "-t", "a", "-F", "#{pane_title}|#{pane_dead}")
        buffers = tmux(server, "list-buffers")
    finally:
        tmux(server, "kill-server")
    assert buffers == ""  # no OSC 52 reached tmux
    pane_title, dead = panes.strip().rsplit("|", 1)
    assert dead == "0", "the app is still running"
    assert pane_title == title and TITLE_MARK not in pane_title
    assert [(r.method, r.path) for r in api.actions(allowed=("/stream-token",))] == []
