"""API text made safe to draw: the one way text from the API reaches the screen or the terminal.

Everything the API sends (names, statuses, URLs, app names, error messages, secrets) is untrusted.
`printable` turns such a value into a plain string that is safe to write to a terminal: every
C0/C1 control character (ESC, BEL, NUL, BS, CR, DEL, U+0080-U+009F, and LF/TAB on one line), every
invisible formatting character (bidi overrides and isolates, zero-width spaces and joiners, the BOM,
line and paragraph separators) and every lone surrogate is replaced by a visible escape such as
`\\x1b` or `\\u202e`, so a name cannot move the cursor, set the clipboard, retitle the window or
pass for another name. `safe` wraps that in a Rich `Text`, which is never parsed as markup.
`url_problem` says why a URL must not reach the clipboard or the browser.

Depends on the standard library and Rich only, so the CLI and `fleet/journal.py` use it without
loading Textual.
"""

from __future__ import annotations

import functools
import unicodedata
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from rich.cells import cell_len

if TYPE_CHECKING:
    from rich.style import Style
    from rich.text import Text

if TYPE_CHECKING:
    from rich.console import OverflowMethod

ELLIPSIS = "\u2026"

# Characters that draw nothing, or reorder what is drawn, although Unicode calls them printable
# enough: categories Cf (format: bidi marks, zero-width, BOM, tags), Zl and Zp (line/paragraph
# separators), Cs (lone surrogates) and Cc (C0, DEL, C1 controls).
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def escape_char(char: str) -> str:
    """The visible form of one hidden character: `\\x1b`, `\\u202e`, `\\U000e0041`."""
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def is_hidden(char: str) -> bool:
    """True for a character that must not reach the terminal as itself."""
    return unicodedata.category(char) in _HIDDEN_CATEGORIES


def as_text(value: object) -> str:
    """Any JSON value as a string: None is empty, a string is itself, anything else its str()."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return str(value)


def printable(value: object, *, limit: int | None = None, multiline: bool = False) -> str:
    """`value` as a string safe for a terminal, hidden characters visibly escaped.

    With `multiline`, LF stays a line break (CR, and every other control, is still escaped) and a
    tab becomes a space. `limit` cuts the result to that many terminal cells, ending in an ellipsis.
    """
    text = as_text(value)
    # Printable ASCII (0x20-0x7e) holds nothing hidden: a table of names and ids is all of it.
    if text.isascii() and text.isprintable():
        return text if limit is None else clip(text, limit)
    out: list[str] = []
    for char in text:
        if multiline and char == "\n":
            out.append(char)
        elif multiline and char == "\t":
            out.append(" ")
        elif is_hidden(char):
            out.append(escape_char(char))
        else:
            out.append(char)
    result = "".join(out)
    return result if limit is None else clip(result, limit)


def clip(text: str, limit: int) -> str:
    """`text` cut to at most `limit` terminal cells, the last one an ellipsis when it was cut."""
    if cell_len(text) <= limit:
        return text
    if limit <= 0:
        return ""
    width = 0
    kept: list[str] = []
    for char in text:
        size = cell_len(char)
        if width + size > limit - 1:
            break
        kept.append(char)
        width += size
    return "".join(kept) + ELLIPSIS


def has_control(value: str) -> bool:
    """True when `value` holds any character `printable` would escape (LF and TAB included)."""
    return any(is_hidden(char) for char in value)


def safe(
    value: object,
    style: str | Style = "",
    *,
    limit: int | None = None,
    multiline: bool = False,
    overflow: OverflowMethod | None = None,
) -> Text:
    """A Rich `Text` showing `value` literally: never markup, hidden characters visibly escaped.
    `overflow="ellipsis"` ends it in "…" where it is cut to fit (a table cell)."""
    text = printable(value, limit=limit, multiline=multiline)
    if overflow is None:
        return _text_class()(text, style=style)
    return _text_class()(text, style=style, overflow=overflow, no_wrap=True)


def safe_line(*parts: str | tuple[object, str | Style], limit: int | None = None) -> Text:
    """One line from literal parts: a plain str is our own wording, a (value, style) pair is API
    text (made printable). Like `Text.assemble`, without any markup."""
    text = _text_class()()
    for part in parts:
        if isinstance(part, tuple):
            value, style = part
            text.append(printable(value), style=style)
        else:
            text.append(printable(part))
    if limit is not None:
        text.truncate(limit, overflow="ellipsis")
    return text


@functools.cache
def _text_class() -> type[Text]:
    """Rich's Text, imported on first use: the headless commands print plain strings and need
    only `printable` (rich.text and what it pulls in: ~11 ms of every `ls --json`)."""
    from rich.text import Text

    return Text


def json_escape_hidden(encoded: str) -> str:
    """JSON text (from `json.dumps(..., ensure_ascii=False)`) with every hidden character written
    as a `\\uXXXX` escape: the same JSON value, but safe to print, and encodable as UTF-8 even
    with lone surrogates. json.dumps already escapes C0; this adds DEL, C1, bidi, zero-width."""
    out: list[str] = []
    for char in encoded:
        if char == "\n" or not is_hidden(char):  # json.dumps escapes a newline in a string
            out.append(char)
            continue
        code = ord(char)
        if code > 0xFFFF:
            code -= 0x10000
            out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
        else:
            out.append(f"\\u{code:04x}")
    return "".join(out)


def url_problem(url: object) -> str | None:
    """Why `url` must not be copied or opened, or None for a plain http(s) URL with a host.

    Refused: anything not a string, any control, invisible or whitespace character (a newline in a
    pasted URL runs a command in a shell), any scheme but http and https, and no host.
    """
    if not isinstance(url, str) or not url:
        return "there is no URL"
    if any(is_hidden(char) or char.isspace() for char in url):
        return "it contains control, invisible or space characters"
    try:
        parts = urlsplit(url)
    except ValueError:
        return "it is not a valid URL"
    if parts.scheme.lower() not in ("http", "https"):
        return "it is not an http(s) URL"
    try:
        host = parts.hostname
    except ValueError:
        host = None
    if not host:
        return "it has no host"
    return None


__all__ = [
    "ELLIPSIS",
    "as_text",
    "clip",
    "escape_char",
    "has_control",
    "is_hidden",
    "json_escape_hidden",
    "printable",
    "safe",
    "safe_line",
    "url_problem",
]
