"""Ask the terminal what it is, before Textual owns it, and pick the picture renderer for `auto`.

One write sends four queries; the terminal answers in order, and every terminal answers the last
one (DA1, `CSI c`), so reading stops at that answer, or at a short timeout for a terminal that
answers nothing. Nothing here blocks longer than `timeout`:

- XTVERSION `CSI > 0 q` -> `DCS > | name(version) ST` (kitty, WezTerm, foot, xterm, iTerm2, tmux)
- the kitty graphics query `APC G i=31,a=q ... ST` -> `APC G i=31;OK ST` where TGP is spoken
- XTSMGRAPHICS `CSI ? 2 ; 1 S` -> `CSI ? 2 ; 0 ; W ; H S`: the largest sixel picture, in pixels
  (xterm drops a sixel picture bigger than this, whole: the region selector used to stay black)
- DA1 `CSI c` -> `CSI ? 6x ; ... c`, where a `4` attribute means sixel

textual-image 0.12's own detection trusts a yes to the graphics query alone, so kitty 0.26 (which
says yes, but cannot draw the Unicode placeholders, `U=1`, that textual-image places pictures
with) got a pane of empty boxes. `choose` decides from the terminal's name and version instead.
"""

from __future__ import annotations

import os
import re
import select
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass

QUERY = (
    "\x1b[>0q"  # XTVERSION
    "\x1b_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\x1b\\"  # kitty graphics: does it speak TGP?
    "\x1b[?2;1S"  # XTSMGRAPHICS: largest sixel geometry
    "\x1b[c"  # DA1: answered by every terminal, so the end of the answers
)
TIMEOUT = 0.5  # seconds; a terminal that answers nothing costs this once, at start-up
KITTY_PLACEHOLDERS = (0, 28, 0)  # kitty 0.28.0 added Unicode placeholders (kitty changelog)
DEFAULT_SIXEL_MAX = (1000, 1000)  # xterm's default maxGraphicSize when it does not say

_XTVERSION = re.compile(rb"\x1bP>\|(.*?)(?:\x1b\\|\x07)", re.S)
_TGP_OK = re.compile(rb"\x1b_Gi=31;OK(?:\x1b\\|\x07)")
_GEOMETRY = re.compile(rb"\x1b\[\?2;0;(\d+);(\d+)S")
_DA1 = re.compile(rb"\x1b\[\?([\d;]*)c")


@dataclass(frozen=True, slots=True)
class TerminalInfo:
    """What the terminal said about itself (all empty when it said nothing)."""

    answered: bool = False  # it answered DA1: it is a terminal that talks back
    name: str = ""  # 'kitty', 'XTerm', 'WezTerm', 'foot', 'tmux', 'iTerm2' (from XTVERSION)
    version: str = ""  # as the terminal wrote it: '0.26.5', '379', '3.3a'
    tgp: bool = False  # answered the kitty graphics query with OK
    sixel: bool = False  # DA1 lists attribute 4
    sixel_max: tuple[int, int] | None = None  # XTSMGRAPHICS geometry, pixels

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}".strip() or "a terminal that did not give its name"


def parse(reply: bytes) -> TerminalInfo:
    """A TerminalInfo from the bytes the terminal sent back (any order, any subset)."""
    name = version = ""
    if match := _XTVERSION.search(reply):
        text = match.group(1).decode("utf-8", "replace").strip()
        paren = re.fullmatch(r"(.+?)\((.*)\)", text)  # 'kitty(0.26.5)', 'XTerm(379)'
        if paren:
            name, version = paren.group(1).strip(), paren.group(2).strip()
        else:  # 'tmux 3.3a', 'WezTerm 20240203-110809-5046fc22', 'iTerm2 3.5.0'
            name, _, version = text.partition(" ")
    da1 = _DA1.search(reply)
    attributes = da1.group(1).split(b";") if da1 else []
    geometry = _GEOMETRY.search(reply)
    return TerminalInfo(
        answered=da1 is not None,
        name=name,
        version=version,
        tgp=_TGP_OK.search(reply) is not None,
        sixel=b"4" in attributes[1:],
        sixel_max=(int(geometry.group(1)), int(geometry.group(2))) if geometry else None,
    )


def version_tuple(text: str) -> tuple[int, ...]:
    """'0.26.5' -> (0, 26, 5); '3.3a' -> (3, 3); '' -> ()."""
    numbers = []
    for part in text.split("."):
        digits = re.match(r"\d+", part)
        if digits is None:
            break
        numbers.append(int(digits.group()))
    return tuple(numbers)


def choose(info: TerminalInfo, environ: Mapping[str, str] | None = None) -> tuple[str, str]:
    """(renderer, why) for the `auto` setting in the terminal `info` describes."""
    env = os.environ if environ is None else environ
    name = info.name.lower()
    if env.get("TERM_PROGRAM") == "textual":
        return "halfcell", "textual-serve (a browser): only character pictures reach it"
    if env.get("TMUX") or name == "tmux":
        return "halfcell", "inside tmux: textual-image 0.12 cannot pass pictures through tmux"
    if name == "kitty":
        if version_tuple(info.version) >= KITTY_PLACEHOLDERS:
            return "tgp", f"{info.label} draws kitty graphics with Unicode placeholders"
        return "halfcell", (
            f"{info.label} is older than 0.28, which cannot draw the Unicode placeholders "
            "textual-image places pictures with (and kitty has no sixel)"
        )
    if info.sixel:
        return "sixel", f"{info.label} says it draws sixel (DA1 attribute 4)"
    if name == "wezterm":
        return "sixel", f"{info.label} draws sixel"
    if info.tgp:
        return "halfcell", (
            f"{info.label} answers the kitty graphics query, but only kitty >= 0.28 is known "
            "to draw its Unicode placeholders"
        )
    if not info.answered:
        return "halfcell", "the terminal did not answer the queries in time"
    return "halfcell", f"{info.label} draws neither sixel nor kitty graphics"


def probe(timeout: float = TIMEOUT) -> TerminalInfo:
    """Ask the terminal on stdin/stdout; an empty TerminalInfo when they are not a terminal."""
    stdin, stdout = sys.__stdin__, sys.__stdout__
    if stdin is None or stdout is None or not stdin.isatty() or not stdout.isatty():
        return TerminalInfo()
    try:
        import termios
        import tty
    except ImportError:  # Windows: no termios; textual-image's own probe decides there
        return TerminalInfo()
    fd_in, fd_out = stdin.fileno(), stdout.fileno()
    try:
        saved = termios.tcgetattr(fd_in)
    except termios.error:
        return TerminalInfo()
    reply = b""
    try:
        tty.setcbreak(fd_in, termios.TCSANOW)
        os.write(fd_out, QUERY.encode())
        deadline = time.monotonic() + timeout
        while not _DA1.search(reply):
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd_in], [], [], left)[0]:
                break
            chunk = os.read(fd_in, 4096)
            if not chunk:
                break
            reply += chunk
    except OSError:
        pass
    finally:
        termios.tcsetattr(fd_in, termios.TCSAFLUSH, saved)
    return parse(reply)


_CHOICE: tuple[str, str] | None = None
_INFO: TerminalInfo | None = None


def auto_choice(environ: Mapping[str, str] | None = None) -> tuple[str, str]:
    """(renderer, why) for `auto`, probing the terminal the first time it is asked (so ask
    before Textual owns the terminal: `prepare_renderer` does)."""
    global _CHOICE, _INFO
    if _CHOICE is None:
        _INFO = probe()
        _CHOICE = choose(_INFO, environ)
    return _CHOICE


def probed() -> TerminalInfo | None:
    """What the terminal said, once `auto_choice` has asked."""
    return _INFO
