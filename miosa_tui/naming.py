"""The one rule for a computer's name, shared by the dashboard, the CLI and the simulator.

A name becomes the slug in preview URLs (`https://3000-<slug>.sandbox.<domain>/`), so it follows
DNS-label rules: a lowercase letter first, then lowercase letters, digits and hyphens, no hyphen
last, at most 63 characters. `name_problem` returns the one sentence that says what is wrong, or
None; every layer shows that same sentence (the simulator sends it as its 422 message).

Standard library only and imports nothing from the package, so every layer may import it.
"""

from __future__ import annotations

import re
import unicodedata

NAME_MAX = 63
ONLY = "Name may contain only lowercase letters, digits and hyphens"
_NAME_RE = re.compile(r"[a-z][a-z0-9-]*")


def shown_char(ch: str) -> str:
    """A character as a sentence can quote it: 'é' when printable, else its code point (U+001B).

    Control characters, bidi and zero-width characters and lone surrogates are never copied into
    the sentence, so the sentence itself is safe to print, encode as UTF-8 and send as JSON.
    """
    if ch == " ":
        return "a space"
    if ch.isprintable() and unicodedata.category(ch) != "Cs":
        return f"'{ch}'"
    return f"U+{ord(ch):04X}"


def name_problem(text: str) -> str | None:
    """None when `text` (stripped) is a valid name, else the sentence saying what is wrong."""
    # Control characters and lone surrogates are refused even where strip() would drop them
    # ("web\n"): a request that carries one is refused, never quietly cleaned.
    hidden = next((ch for ch in text if unicodedata.category(ch) in ("Cc", "Cs")), None)
    if hidden is not None:
        return f"{ONLY} (found {shown_char(hidden)})."
    name = text.strip()
    if not name:
        return "Name is required."
    if len(name) > NAME_MAX:
        return f"Name must be at most {NAME_MAX} characters (this one has {len(name)})."
    if name != name.lower() and _NAME_RE.fullmatch(name.lower()):
        return f"Name must be lowercase: try '{name.lower()}'."
    if not name[0].isascii() or not name[0].isalpha() or not name[0].islower():
        return "Name must start with a lowercase letter."
    bad = next((ch for ch in name if not (ch == "-" or (ch.isascii() and ch.isalnum()))), None)
    if bad is not None or not _NAME_RE.fullmatch(name):
        shown = shown_char(bad) if bad else "an uppercase letter"
        return f"{ONLY} (found {shown})."
    if name.endswith("-"):
        return "Name must not end with a hyphen."
    return None
