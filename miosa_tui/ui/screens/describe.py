"""`D`: the highlighted computer's JSON exactly as the API sends it, read-only, secrets masked,
for pasting into a ticket. Fetched fresh (GET /computers/:id) when the view opens."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from miosa_tui.api.errors import MiosaError
from miosa_tui.fleet.secrets import MASK
from miosa_tui.ui.safe_content import safe_content

Fetch = Callable[[str], Awaitable[Any]]
_SECRET_KEY = re.compile(r"(?i)(password|passwd|secret|token|api[_-]?key|credential|private)")


def masked(value: Any, redact: Callable[[str], str]) -> Any:
    """`value` with every secret-looking field masked and known secret values redacted."""
    if isinstance(value, dict):
        return {
            k: (MASK if _SECRET_KEY.search(str(k)) and v else masked(v, redact))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [masked(v, redact) for v in value]
    if isinstance(value, str):
        return redact(value)
    return value


class DescribeScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,D", "dismiss", "Close", id="describe.close"),
    ]

    def __init__(
        self, computer_id: str, name: str, fetch: Fetch, redact: Callable[[str], str]
    ) -> None:
        super().__init__()
        self.computer_id = computer_id
        self.computer_name = name
        self.fetch = fetch
        self.redact = redact
        self.body = Static(Text("loading…", style="dim"), id="describe-body")

    def compose(self) -> ComposeResult:
        scroll = VerticalScroll()
        scroll.border_title = safe_content(f"{self.computer_name} as the API sends it (Esc closes)")
        with scroll:
            yield self.body

    def on_mount(self) -> None:
        self._load()

    @work(exclusive=True, group="describe")
    async def _load(self) -> None:
        try:
            raw = await self.fetch(self.computer_id)
        except MiosaError as exc:
            self.body.update(Text(f"Could not fetch it: {exc} — {exc.hint}", style="red"))
            return
        shown = json.dumps(masked(raw, self.redact), indent=2, ensure_ascii=False)
        self.body.update(Text(shown))  # plain Text: API strings are never markup
