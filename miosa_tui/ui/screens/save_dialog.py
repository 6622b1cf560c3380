"""Saving a screenshot: the file name offered, and the dialog that asks where to write it.

The dialog writes the file itself, so a bad path is refused in the form, where it can be
corrected, instead of after the dialog has gone.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from miosa_tui.api.errors import MiosaError
from miosa_tui.fleet.capture import save_png
from miosa_tui.safe_text import safe
from miosa_tui.ui.widgets.desktop.shot import Shot
from miosa_tui.ui.widgets.desktop.wording import one_line


def default_save_name(shot: Shot) -> str:
    """'./research-desk-20260101-120431.png' (region shots get a '-region-x-y-w-h' suffix);
    '-2', '-3'… when that file exists, so saving the same picture again keeps the first file."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", shot.name).strip("-.") or re.sub(
        r"[^A-Za-z0-9._-]+", "-", shot.computer_id
    ).strip("-.")
    stamp = shot.captured_at.strftime("%Y%m%d-%H%M%S")
    if shot.region is not None:
        r = shot.region
        slug += f"-region-{r.x}-{r.y}-{r.width}-{r.height}"
    name = f"./{slug}-{stamp}.png"
    n = 2
    while Path(name).exists():
        name = f"./{slug}-{stamp}-{n}.png"
        n += 1
    return name


def png_target(text: str) -> Path:
    """The file `save_png` writes for `text` (".png" added when it has another suffix)."""
    target = Path(text).expanduser()
    if target.suffix.lower() == ".png":
        return target
    return target.with_suffix(f"{target.suffix}.png" if target.suffix else ".png")


class SavePathScreen(ModalScreen[Path | None]):
    """Ask where to save; the file is written here so a bad path is refused in the form."""

    DEFAULT_CSS = """
    SavePathScreen { align: center middle; }
    SavePathScreen > Vertical {
        width: 80; height: auto; padding: 1 2; border: thick $accent; background: $surface;
    }
    SavePathScreen #save-error { color: $error; height: auto; }
    SavePathScreen .hint { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="save.cancel"),
    ]

    def __init__(self, data: bytes, default: str, title: str) -> None:
        super().__init__()
        self._data = data
        self._default = default
        self._title = title
        self._replace: Path | None = None  # an existing file the user was warned about

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(safe(self._title, limit=200))
            yield Input(value=self._default, id="save-path")
            yield Static("", id="save-error")
            yield Label("enter save · escape cancel", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#save-path", Input).focus()

    @on(Input.Submitted, "#save-path")
    async def _submit(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        error = self.query_one("#save-error", Static)
        if not text:
            error.update("Give a file name ending in .png.")
            return
        target = png_target(text)
        if target.is_file() and target != self._replace:
            # Never overwrite a file on the first Enter: say so, a second Enter replaces it.
            self._replace = target
            warning = f"{target} exists: enter again to replace it, or change the name."
            error.update(Content(warning))
            return
        try:
            path = await asyncio.to_thread(save_png, self._data, text)
        except MiosaError as err:
            error.update(safe(one_line(str(err))))
            return
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)
