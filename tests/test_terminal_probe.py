"""What `auto` picks from the terminal's own answers (XTVERSION, the kitty graphics query,
XTSMGRAPHICS, DA1), and that a terminal that answers nothing never blocks the start."""

from __future__ import annotations

import os
import pty
import sys
import time

import pytest

from miosa_tui.ui.terminal_probe import QUERY, TerminalInfo, choose, parse, version_tuple

DA1_SIXEL = b"\x1b[?63;1;2;4;6;9;15;16;22;28c"  # xterm -ti vt340, as answered under Xvfb
DA1_PLAIN = b"\x1b[?62;c"  # kitty 0.26.5


def test_replies_of_real_terminals_parse() -> None:
    xterm = parse(b"\x1bP>|XTerm(379)\x1b\\" + DA1_SIXEL)
    assert (xterm.name, xterm.version, xterm.sixel, xterm.tgp) == ("XTerm", "379", True, False)
    kitty = parse(b"\x1bP>|kitty(0.26.5)\x1b\\\x1b_Gi=31;OK\x1b\\" + DA1_PLAIN)
    assert (kitty.name, kitty.version, kitty.sixel, kitty.tgp) == ("kitty", "0.26.5", False, True)
    tmux = parse(b"\x1bP>|tmux 3.3a\x1b\\" + DA1_PLAIN)
    assert (tmux.name, tmux.version) == ("tmux", "3.3a")
    sized = parse(b"\x1b[?2;0;2048;1536S" + DA1_SIXEL)
    assert sized.sixel_max == (2048, 1536) and sized.answered and sized.name == ""
    assert parse(b"") == TerminalInfo()


def test_kitty_placeholders_need_0_28() -> None:
    env: dict[str, str] = {}
    old = TerminalInfo(answered=True, name="kitty", version="0.26.5", tgp=True)
    new = TerminalInfo(answered=True, name="kitty", version="0.28.0", tgp=True)
    assert choose(old, env)[0] == "halfcell" and "older than 0.28" in choose(old, env)[1]
    assert choose(new, env)[0] == "tgp"
    assert version_tuple("0.26.5") < (0, 28, 0) <= version_tuple("0.35.2")


def test_auto_choices() -> None:
    env: dict[str, str] = {}
    xterm = TerminalInfo(answered=True, name="XTerm", version="379", sixel=True)
    assert choose(xterm, env) == ("sixel", "XTerm 379 says it draws sixel (DA1 attribute 4)")
    assert choose(xterm, {"TMUX": "/tmp/tmux-0/default,1,0"})[0] == "halfcell"
    assert choose(xterm, {"TERM_PROGRAM": "textual"})[0] == "halfcell"
    tmux = TerminalInfo(answered=True, name="tmux", version="3.3a", sixel=True)
    assert choose(tmux, env)[0] == "halfcell"
    konsole_like = TerminalInfo(answered=True, tgp=True)  # a yes to the query, no name
    assert choose(konsole_like, env)[0] == "halfcell"
    assert choose(TerminalInfo(answered=True, name="WezTerm", version="2024"), env)[0] == "sixel"
    silent = choose(TerminalInfo(), env)
    assert silent == ("halfcell", "the terminal did not answer the queries in time")


def _probe_in_pty(answer: bytes | None) -> tuple[str, bytes]:
    """Run `probe()` in a child on a pseudo-terminal; the parent plays the terminal."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the app's side
        from miosa_tui.ui.terminal_probe import choose as pick
        from miosa_tui.ui.terminal_probe import probe

        try:
            info = probe(timeout=0.5)
            os.write(1, f"\nRESULT {pick(info, {})[0]}\n".encode())  # fd 1 is the pty
        finally:
            os._exit(0)
    seen = b""
    out = b""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
        if answer is not None and QUERY.encode()[-3:] in out and not seen:
            seen = answer
            os.write(fd, answer)
        if b"RESULT" in out and b"\n" in out.split(b"RESULT", 1)[1]:
            break
    os.waitpid(pid, 0)
    os.close(fd)
    assert b"RESULT " in out, "probe() never returned (the 20 s limit stopped the wait)"
    return out.split(b"RESULT ", 1)[1].split(b"\n", 1)[0].decode().strip(), out


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_probe_reads_a_terminal_and_never_blocks_a_silent_one() -> None:
    renderer, written = _probe_in_pty(b"\x1bP>|kitty(0.26.5)\x1b\\\x1b_Gi=31;OK\x1b\\" + DA1_PLAIN)
    assert QUERY.encode() in written.replace(b"\r\n", b"\n")  # the queries reached the terminal
    assert renderer == "halfcell"  # kitty 0.26.5: no placeholders
    renderer, _ = _probe_in_pty(None)  # a terminal that answers nothing: the timeout ends it
    assert renderer == "halfcell"
