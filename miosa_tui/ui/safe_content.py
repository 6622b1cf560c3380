"""API text as a Textual `Content` (for widgets that take Content, such as border titles).

Only delegates to `miosa_tui.safe_text.printable`, which owns the rules; kept in `ui/` because
`safe_text` must not import Textual.
"""

from __future__ import annotations

from textual.content import Content

from miosa_tui.safe_text import printable


def safe_content(
    value: object, style: str = "", *, limit: int | None = None, multiline: bool = False
) -> Content:
    """`value` shown literally: never markup, hidden characters visibly escaped."""
    text = printable(value, limit=limit, multiline=multiline)
    return Content.styled(text, style) if style else Content(text)


__all__ = ["safe_content"]
