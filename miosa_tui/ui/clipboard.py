"""Getting text out of the app: OSC 52 copy (tmux-aware), a toast, and opening URLs.

OSC 52 asks the *terminal* to set the clipboard, so it works over SSH, where pyperclip and xclip
would only reach the remote machine. tmux swallows it unless `set -g set-clipboard on`; we also
send the DCS passthrough form, which reaches the outer terminal when `allow-passthrough` is on.
There is no acknowledgement either way, so callers always also show the text for mouse selection.
"""

from __future__ import annotations

import base64
import contextlib
import os
import sys
from collections.abc import Mapping
from typing import Any

from textual.app import App

from miosa_tui.fleet.secrets import mask
from miosa_tui.safe_text import has_control, printable, url_problem

TOAST_LIMIT = 120  # characters of the copied text quoted in the toast


def osc52(text: str) -> str:
    """The bare OSC 52 'set clipboard' sequence for `text`."""
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return f"\x1b]52;c;{payload}\a"


def tmux_wrap(sequence: str) -> str:
    """Wrap an escape sequence in tmux's DCS passthrough (every ESC inside doubled)."""
    return "\x1bPtmux;" + sequence.replace("\x1b", "\x1b\x1b") + "\x1b\\"


def shorten(text: str, limit: int = TOAST_LIMIT) -> str:
    """One line, at most `limit` characters, with an ellipsis when cut."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "\u2026"


def display_text(text: str, *, secret: bool = False) -> str:
    """What may be shown of copied text: the mask for a secret, else the text itself."""
    return mask(text) if secret else text


def copy(
    app: App[Any],
    text: str,
    label: str,
    *,
    secret: bool = False,
    environ: Mapping[str, str] | None = None,
    notify: bool = True,
) -> str:
    """Copy `text` to the clipboard, confirm with a toast, and return what may be displayed.

    The clipboard gets the real value (copying a password is the point); the toast and the
    return value carry the mask instead when `secret` is set.
    """
    app.copy_to_clipboard(text)  # sets app.clipboard and writes OSC 52 through the driver
    env = os.environ if environ is None else environ
    driver = getattr(app, "_driver", None)
    if env.get("TMUX") and not _is_web(driver):
        write = getattr(driver, "write", None)
        if callable(write):
            # A closed terminal must not turn a copy into a crash.
            with contextlib.suppress(Exception):
                write(tmux_wrap(osc52(text)))
    shown = display_text(text, secret=secret)
    if notify:
        app.notify(f"Copied {label}: {shorten(shown)}", title="Clipboard", timeout=4, markup=False)
    return shown


def copy_refusal(text: str, label: str, *, url: bool) -> str | None:
    """Why `text` must not reach the clipboard, as a sentence, or None when it may.

    A URL must be a plain http(s) URL: a newline in a pasted "URL" runs a command in a shell, and
    `javascript:` or `file:` is not something to paste into a browser. Anything else is refused
    when it holds control or invisible characters (secrets are asked about instead: see
    `needs_copy_confirm`).
    """
    if url:
        problem = url_problem(text)
        return None if problem is None else f"Not copied: the {label} is refused because {problem}."
    if has_control(text):
        return (
            f"Not copied: the {label} contains control or invisible characters "
            f"({printable(text, limit=60)})."
        )
    return None


def needs_copy_confirm(text: str) -> bool:
    """A secret with control or invisible characters is copied only after the user agrees."""
    return has_control(text)


def _is_web(driver: object) -> bool:
    """True under textual-serve, where the "terminal" is xterm.js in a browser tab."""
    return driver is not None and type(driver).__name__ == "WebDriver"


def browser_unavailable_reason(
    app: App[Any], environ: Mapping[str, str] | None = None, platform: str | None = None
) -> str | None:
    """Why `open_url` would not reach a browser the user can see, or None when it should.

    In a headless Linux session (SSH without X forwarding) Python's `webbrowser` would start a
    console browser such as lynx on our own terminal, so we refuse and say why instead.
    """
    if _is_web(getattr(app, "_driver", None)):
        return None  # textual-serve: the browser tab opens it with window.open
    env = os.environ if environ is None else environ
    plat = sys.platform if platform is None else platform
    if plat.startswith(("darwin", "win", "cygwin")):
        return _desktop_platform_reason(env, plat)
    if env.get("DISPLAY") or env.get("WAYLAND_DISPLAY") or env.get("BROWSER"):
        return None
    return "no graphical browser here (no DISPLAY)"


def _desktop_platform_reason(env: Mapping[str, str], plat: str) -> str | None:
    """macOS and Windows open URLs with the logged-in user's desktop (`open` via Launch
    Services, `os.startfile`), which needs no DISPLAY. Over SSH that desktop is the remote
    machine's screen, not the one in front of the user, so we refuse there and say so (unless
    BROWSER names a browser to use, as on Linux)."""
    if env.get("BROWSER"):
        return None
    if env.get("SSH_CONNECTION") or env.get("SSH_TTY"):
        where = "macOS" if plat == "darwin" else "Windows"
        return f"this is an SSH session; the browser would open on the remote {where} screen"
    return None


def open_in_browser(
    app: App[Any], url: str, *, environ: Mapping[str, str] | None = None
) -> str | None:
    """Open `url` in a browser; returns None on success or a sentence saying why it could not."""
    reason = browser_unavailable_reason(app, environ)
    if reason is not None:
        return f"Could not open a browser: {reason}. Copy the URL with y instead."
    try:
        app.open_url(url)
    except Exception as err:  # webbrowser raises a variety of OS errors
        return f"Could not open a browser: {err}. Copy the URL with y instead."
    return None
