"""What the copy menu offers: one value, how it is titled and shown (no Textual here, so the
access panel builds its options without importing the menu and its TextArea before first paint)."""

from __future__ import annotations

from dataclasses import dataclass

from miosa_tui.ui.clipboard import display_text


@dataclass(frozen=True, slots=True)
class CopyOption:
    """One thing the menu can copy. `label` goes into the toast ("Copied CLI line: ...")."""

    key: str
    title: str
    text: str
    label: str
    secret: bool = False

    @property
    def shown(self) -> str:
        return display_text(self.text, secret=self.secret)
