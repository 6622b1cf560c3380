"""The desktop pane: the highlighted computer's screen, a zoomed region of it, and saving it.

Moving the table cursor must stay instant however slow screenshots are, so the pane waits for
the cursor to rest (debounce), fetches only for the latest computer in an exclusive worker (a
newer highlight cancels the older fetch), and decodes and scales the PNG in a thread. The
original PNG bytes are kept so saving writes the full resolution, not what fits on screen.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, Label, Static

from miosa_tui.api.errors import InvalidInputError, MiosaError
from miosa_tui.api.models import FAILED_STATUSES, TRANSITIONAL, Computer
from miosa_tui.fleet.capture import capture, save_png
from miosa_tui.fleet.region import Region
from miosa_tui.ui.image_renderer import (
    Decoded,
    decode_png,
    fit_box,
    fit_image,
    image_class,
)

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage
    from textual.widget import Widget

DEBOUNCE = 0.3  # seconds the cursor must rest on a row before we fetch its desktop
AUTO_INTERVAL = 10.0  # seconds between automatic refreshes when switched on (G)
SHOT_GROUP = "desktop-shot"
FIT_GROUP = "desktop-fit"


@dataclass(frozen=True, slots=True)
class Shot:
    """One screenshot as fetched: the original PNG bytes plus what it shows and when."""

    computer_id: str
    name: str
    region: Region | None  # None: the full desktop
    data: bytes  # the original PNG, saved as-is
    decoded: Decoded  # full resolution, for re-fitting and region selection
    captured_at: datetime

    @property
    def size(self) -> tuple[int, int]:
        return self.decoded.width, self.decoded.height


def ago(seconds: float) -> str:
    """'3s ago', '4m ago', '2h ago'."""
    s = max(0, int(seconds))
    if s < 60:
        return f"{s}s ago"
    if s < 3600:
        return f"{s // 60}m ago"
    return f"{s // 3600}h ago"


def why_no_picture(computer: Computer) -> str:
    """Why a non-running computer has no desktop to show, with what to do about it."""
    name, status = computer.name, computer.status
    if status in TRANSITIONAL:
        return f"{name} is {status}: its desktop appears once it is running"
    if status in FAILED_STATUSES:
        return f"{name} is {status}: there is no desktop to show"
    if status in ("stopped", "paused"):
        return f"{name} is {status}: start it (s) to see its desktop"
    return f"{name} is {status}: only a running computer has a desktop to show"


def default_save_name(shot: Shot) -> str:
    """'./research-desk-20260101-120431.png' (region shots get a '-region-x-y-w-h' suffix)."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", shot.name).strip("-.") or shot.computer_id
    stamp = shot.captured_at.strftime("%Y%m%d-%H%M%S")
    if shot.region is not None:
        r = shot.region
        slug += f"-region-{r.x}-{r.y}-{r.width}-{r.height}"
    return f"./{slug}-{stamp}.png"


def one_line(text: str) -> str:
    return " ".join(text.split())


def _decode_and_fit(data: bytes, box: tuple[int, int]) -> tuple[Decoded, PILImage]:
    decoded = decode_png(data)
    return decoded, fit_image(decoded.image, box)


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

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self._title)
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
        try:
            path = await asyncio.to_thread(save_png, self._data, text)
        except MiosaError as err:
            error.update(one_line(str(err)))
            return
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ScreenshotPane(Vertical, can_focus=True):
    """Shows the highlighted computer's desktop; the dashboard calls `show_computer` on every
    highlight change and `computer_changed` when a poll changes that computer."""

    DEFAULT_CSS = """
    ScreenshotPane { height: 1fr; min-height: 6; }
    ScreenshotPane:focus-within { background-tint: $foreground 3%; }
    ScreenshotPane #desktop-caption { height: 1; color: $text-muted; text-wrap: nowrap;
        text-overflow: ellipsis; }
    ScreenshotPane #desktop-frame { height: 1fr; align: center middle; }
    ScreenshotPane #desktop-image { width: auto; height: auto; }
    ScreenshotPane #desktop-message { height: auto; padding: 1 1; color: $text-muted; }
    ScreenshotPane #desktop-message.-error { color: $error; }
    ScreenshotPane #desktop-saved { height: auto; color: $success; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("g", "refresh_shot", "Refresh desktop", id="desktop.refresh"),
        Binding("G", "toggle_auto", "Auto-refresh desktop", id="desktop.auto"),
        Binding("x", "region", "Region", id="desktop.region"),
        Binding("escape,backspace", "full", "Full desktop", id="desktop.full"),
        Binding("e", "save", "Save PNG", id="desktop.save"),
        Binding("y", "copy_path", "Copy saved path", id="desktop.copy_path", show=False),
        Binding("w", "wall", "Wall", id="desktop.wall"),
    ]

    # For the dashboard screen: the same keys routed to this pane while the table has focus.
    # Add `*ScreenshotPane.SCREEN_BINDINGS` to the screen's BINDINGS and define
    # `def action_desktop(self, name: str) -> None: self.query_one(ScreenshotPane).handle(name)`.
    SCREEN_BINDINGS: ClassVar[list[BindingType]] = [
        Binding("g", "desktop('refresh_shot')", "Refresh desktop", id="desktop.refresh"),
        Binding("G", "desktop('toggle_auto')", "Auto-refresh", id="desktop.auto", show=False),
        Binding("x", "desktop('region')", "Region", id="desktop.region"),
        Binding("backspace", "desktop('full')", "Full desktop", id="desktop.full", show=False),
        Binding("e", "desktop('save')", "Save PNG", id="desktop.save"),
        Binding("w", "desktop('wall')", "Wall", id="desktop.wall"),
    ]

    PALETTE: ClassVar[list[tuple[str, str, str]]] = [
        ("Refresh desktop screenshot", "refresh_shot", "Fetch the desktop again now"),
        ("Toggle desktop auto-refresh", "toggle_auto", "Refresh the desktop every 10 s"),
        ("Select a desktop region", "region", "Pick a region and fetch it at full resolution"),
        ("Show the full desktop", "full", "Leave the zoomed region"),
        ("Save desktop screenshot", "save", "Save the original PNG to a file"),
        ("Copy saved screenshot path", "copy_path", "Copy the last saved path"),
        ("Desktop wall", "wall", "Live thumbnails of every running computer"),
    ]

    class WallChoice(Message):
        """The user picked `computer_id` on the wall: the dashboard moves its cursor there."""

        def __init__(self, computer_id: str) -> None:
            super().__init__()
            self.computer_id = computer_id

    def __init__(
        self,
        *,
        debounce: float = DEBOUNCE,
        auto_interval: float = AUTO_INTERVAL,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.debounce = debounce
        self.auto_interval = auto_interval
        self.computer: Computer | None = None
        self.shot: Shot | None = None  # what is on screen
        self.full_shot: Shot | None = None  # the latest full desktop of `computer`
        self.view_region: Region | None = None  # the region asked for (None: full desktop)
        self.message: str = ""
        self.saved_path: Path | None = None
        self.auto = False
        self.clock = datetime.now  # replaceable in tests for a fixed caption
        self._debounce_timer: Timer | None = None
        self._auto_timer: Timer | None = None
        self._open_region_after_fetch = False
        self._caption_text = ""
        self._picture: Widget | None = None  # textual-image's widget, see `_image_widget`

    # -- composition ----------------------------------------------------------------------

    def _renderer(self) -> str | None:
        config = getattr(self.app, "config", None)
        value = getattr(config, "image_renderer", None)
        return value if isinstance(value, str) else None

    def compose(self) -> ComposeResult:
        yield Static("", id="desktop-caption")
        yield Container(id="desktop-frame")
        yield Static("Highlight a computer to see its desktop.", id="desktop-message")
        yield Static("", id="desktop-saved")

    def on_mount(self) -> None:
        self._auto_timer = self.set_interval(self.auto_interval, self._auto_tick, pause=True)
        self.set_interval(1.0, self._update_caption)
        self.query_one("#desktop-frame").display = False

    # -- the dashboard's entry points -----------------------------------------------------

    def show_computer(self, computer: Computer | None) -> None:
        """The highlight moved: show `computer` (after the debounce), never blocking."""
        previous = self.computer
        self.computer = computer
        if previous is not None and computer is not None and previous.id == computer.id:
            self._evaluate(fetch=self.shot is None)
            return
        self._cancel_fetch()
        self.shot = self.full_shot = None
        self.view_region = None
        self.saved_path = None
        self._open_region_after_fetch = False
        self._set_image(None)
        self.query_one("#desktop-saved", Static).update("")
        self._evaluate(fetch=True)

    def computer_changed(self, computer: Computer | None) -> None:
        """A poll changed the shown computer (status, name...): re-evaluate what to show."""
        if computer is None or self.computer is None or computer.id != self.computer.id:
            if computer is None and self.computer is not None:
                self.show_computer(None)
            return
        was_running = self.computer.is_running
        self.computer = computer
        if computer.is_running and not was_running:
            self._evaluate(fetch=True)
        elif not computer.is_running:
            self._cancel_fetch()
            self._evaluate(fetch=False)
        else:
            self._update_caption()

    def handle(self, name: str) -> None:
        """Run one of this pane's actions by name (for bindings forwarded by the screen)."""
        method = getattr(self, f"action_{name}", None)
        if callable(method):
            method()

    # -- state ----------------------------------------------------------------------------

    def _evaluate(self, *, fetch: bool) -> None:
        computer = self.computer
        if computer is None:
            self._set_message("Highlight a computer to see its desktop.")
            self._update_caption()
            return
        if not computer.is_running:
            self.shot = self.full_shot = None  # an old picture would contradict the status
            self.view_region = None
            self._set_image(None)
            self._set_message(why_no_picture(computer))
            self._update_caption()
            return
        if fetch:
            if self.shot is None:
                self._set_message(f"Loading the desktop of {computer.name}…")
            self._schedule_fetch()
        self._update_caption()

    def _schedule_fetch(self) -> None:
        if self._debounce_timer is not None:
            self._debounce_timer.stop()
            self._debounce_timer = None
        if self.debounce <= 0:  # a zero-length Timer divides by zero in Textual
            self.call_later(self.fetch_now)
            return
        self._debounce_timer = self.set_timer(self.debounce, self.fetch_now)

    def fetch_now(self) -> None:
        """Fetch the current view of the current computer now (skips the debounce)."""
        if self._debounce_timer is not None:
            self._debounce_timer.stop()
            self._debounce_timer = None
        computer = self.computer
        if computer is None or not computer.is_running:
            self._evaluate(fetch=False)
            return
        self._fetch(computer, self.view_region)

    def _cancel_fetch(self) -> None:
        if self._debounce_timer is not None:
            self._debounce_timer.stop()
            self._debounce_timer = None
        self.workers.cancel_group(self, SHOT_GROUP)

    @property
    def fetching(self) -> bool:
        return any(
            w.group == SHOT_GROUP and w.is_running for w in self.workers if w.node is self
        )

    def _fit_box(self) -> tuple[int, int]:
        frame = self.query_one("#desktop-frame")
        cols, rows = frame.content_size.width, frame.content_size.height
        if cols <= 0 or rows <= 0:
            cols, rows = max(20, self.size.width), max(6, self.size.height - 3)
        return fit_box((cols, rows), self._renderer())

    @work(exclusive=True, group=SHOT_GROUP, exit_on_error=False)
    async def _fetch(self, computer: Computer, region: Region | None) -> None:
        if region is not None and (reason := region.validate()) is not None:
            self._set_message(f"Region refused: {reason}", error=True)
            return
        label = "region of " if region is not None else "desktop of "
        try:
            data = await capture(self.app.client, computer.id, region)  # type: ignore[attr-defined]
            decoded, fitted = await asyncio.to_thread(_decode_and_fit, data, self._fit_box())
        except MiosaError as err:
            if self.computer is not None and self.computer.id == computer.id:
                self._set_message(
                    f"Could not load the {label}{computer.name}: {one_line(str(err))}",
                    error=True,
                )
            return
        except Exception as err:  # a worker must never take the app down
            if self.computer is not None and self.computer.id == computer.id:
                self._set_message(
                    f"Could not show the {label}{computer.name}: {one_line(str(err))}",
                    error=True,
                )
            return
        if self.computer is None or self.computer.id != computer.id:
            return
        shot = Shot(computer.id, computer.name, region, data, decoded, self.clock())
        self.shot = shot
        if region is None:
            self.full_shot = shot
        self._set_image(fitted)
        self._update_caption()
        if self._open_region_after_fetch and region is None:
            self._open_region_after_fetch = False
            self._push_region_select()

    def _image_widget(self) -> Any:
        """The picture widget, made when the first desktop arrives: that is when textual-image
        gets imported (~0.2 s), so it never delays the dashboard's first paint."""
        if self._picture is None:
            self._picture = image_class(self._renderer())(id="desktop-image")
            self.query_one("#desktop-frame").mount(self._picture)
        return self._picture

    def _set_image(self, image: PILImage | None) -> bool:
        """Swap the picture; bad image data becomes a message, never an exception."""
        frame = self.query_one("#desktop-frame")
        if image is None and self._picture is None:
            frame.display = False
            return True
        widget = self._image_widget()
        try:
            widget.image = image
        except Exception as err:  # PIL.UnidentifiedImageError and friends (notes §1.4)
            widget.image = None
            frame.display = False
            self._set_message(f"Could not draw the desktop: {one_line(str(err))}", error=True)
            return False
        frame.display = image is not None
        if image is not None:
            self.message = ""
            self.query_one("#desktop-message", Static).display = False
        return True

    def _set_message(self, text: str, *, error: bool = False) -> None:
        self.message = text
        message = self.query_one("#desktop-message", Static)
        message.update(text)
        message.set_class(error, "-error")
        message.display = True
        if error or self.shot is None:
            self.query_one("#desktop-frame").display = False

    def _update_caption(self) -> None:
        computer, shot = self.computer, self.shot
        if computer is None:
            self._set_caption("")
            return
        parts = [computer.name]
        if shot is not None and shot.computer_id == computer.id:
            width, height = shot.size
            if shot.region is not None:
                parts.append(f"region x {shot.region.x} y {shot.region.y}"
                             f" w {shot.region.width} h {shot.region.height}")
            parts.append(f"{width}x{height}")
            now = self.clock()
            parts.append(
                f"captured {shot.captured_at:%H:%M:%S} · "
                f"{ago((now - shot.captured_at).total_seconds())}"
            )
        else:
            parts.append(computer.status)
        if self.auto:
            parts.append(f"auto {self.auto_interval:g}s")
        self._set_caption(" · ".join(parts))

    def _set_caption(self, text: str) -> None:
        """Update the caption only when its text changes (it is re-evaluated every second)."""
        if text != self._caption_text:
            self._caption_text = text
            # one line high whatever the text: repaint it without reflowing the screen
            self.query_one("#desktop-caption", Static).update(text, layout=False)

    def on_resize(self) -> None:
        if self.shot is not None:
            self._refit(self.shot)

    @work(exclusive=True, group=FIT_GROUP, exit_on_error=False, thread=True)
    def _refit(self, shot: Shot) -> None:
        try:
            fitted = fit_image(shot.decoded.image, self._fit_box())
        except Exception:  # a failed re-fit keeps the old picture
            return
        self.app.call_from_thread(self._apply_refit, shot, fitted)

    def _apply_refit(self, shot: Shot, fitted: PILImage) -> None:
        if self.shot is shot:
            self._set_image(fitted)

    def _auto_tick(self) -> None:
        computer = self.computer
        if self.screen is not self.app.screen:
            return  # covered by the wall or the region selector: they make their own requests
        if self.auto and computer is not None and computer.is_running and not self.fetching:
            self._fetch(computer, self.view_region)

    # -- actions --------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys that would do nothing here pass through to the screen (e.g. escape)."""
        if action == "full":
            return self.view_region is not None
        if action == "copy_path":
            return self.saved_path is not None
        return True

    def action_refresh_shot(self) -> None:
        """Fetch the current view again now."""
        if self.computer is None:
            self.app.notify("Highlight a computer first.", severity="warning")
            return
        if not self.computer.is_running:
            self._evaluate(fetch=False)
            return
        self.fetch_now()

    def action_toggle_auto(self) -> None:
        """Switch the automatic refresh (every `auto_interval` s, running computers only)."""
        self.auto = not self.auto
        if self._auto_timer is not None:
            if self.auto:
                self._auto_timer.reset()
                self._auto_timer.resume()
            else:
                self._auto_timer.pause()
        state = f"every {self.auto_interval:g} s" if self.auto else "off"
        self.app.notify(f"Desktop auto-refresh {state}.", timeout=3)
        self._update_caption()

    def action_region(self) -> None:
        """Open the full-screen region selector on the latest full desktop."""
        computer = self.computer
        if computer is None:
            self.app.notify("Highlight a computer first.", severity="warning")
            return
        if not computer.is_running:
            self.app.notify(why_no_picture(computer), severity="warning")
            return
        if self.full_shot is not None and self.full_shot.computer_id == computer.id:
            self._push_region_select()
            return
        self._open_region_after_fetch = True
        self.app.notify(f"Loading the desktop of {computer.name}…", timeout=2)
        self._fetch(computer, None)

    def _push_region_select(self) -> None:
        from miosa_tui.ui.screens.region_select import RegionSelectScreen

        shot = self.full_shot
        if shot is None:
            return
        initial = self.view_region or Region(250, 250, 500, 500)
        screen = RegionSelectScreen(shot.decoded, shot.name, initial, renderer=self._renderer())
        self.app.push_screen(screen, self._region_chosen)

    def _region_chosen(self, region: Region | None) -> None:
        if region is not None:
            self.capture_region(region)

    def capture_region(self, region: Region | None) -> None:
        """Fetch `region` (None or full: the whole desktop) at full resolution and show it."""
        computer = self.computer
        if computer is None or not computer.is_running:
            self._evaluate(fetch=False)
            return
        if region is not None and region == Region.full():
            region = None
        if region is not None and (reason := region.validate()) is not None:
            self.app.notify(f"Region refused: {reason}", severity="error")
            return
        self.view_region = region
        self._cancel_fetch()
        if self.shot is None:
            self._set_message(
                f"Loading {'the region' if region else 'the desktop'} of {computer.name}…"
            )
        self._fetch(computer, region)

    def action_full(self) -> None:
        """Step back from a zoomed region to the full desktop."""
        if self.view_region is None:
            return
        self.view_region = None
        if self.full_shot is not None and self.computer is not None \
                and self.full_shot.computer_id == self.computer.id:
            self.shot = self.full_shot
            self._refit(self.full_shot)
            self._update_caption()
        self.capture_region(None)

    def action_save(self) -> None:
        """Save the original PNG (full or region) to a path the user confirms."""
        shot = self.shot
        if shot is None:
            self.app.notify("No screenshot to save yet.", severity="warning")
            return
        what = "region of " if shot.region else "desktop of "
        title = f"Save the {what}{shot.name} ({shot.size[0]}x{shot.size[1]} PNG) to:"
        self.app.push_screen(
            SavePathScreen(shot.data, default_save_name(shot), title), self._saved
        )

    async def save_to(self, path: str | Path) -> Path:
        """Save the shown screenshot's original PNG to `path` (used by tests and commands)."""
        shot = self.shot
        if shot is None:
            raise InvalidInputError("No screenshot to save yet.")
        saved = await asyncio.to_thread(save_png, shot.data, path)
        self._saved(saved)
        return saved

    def _saved(self, path: Path | None) -> None:
        if path is None:
            return
        self.saved_path = path
        self.query_one("#desktop-saved", Static).update(f"Saved {path}  (y copies the path)")
        self._copy(str(path))
        journal = getattr(self.app, "journal", None)
        shot = self.shot
        if journal is not None and shot is not None and hasattr(journal, "record"):
            journal.record("screenshot", shot.computer_id, shot.name, "ok", f"saved {path}")

    def _copy(self, text: str) -> None:
        from miosa_tui.ui.clipboard import copy

        copy(self.app, text, "screenshot path")

    def action_copy_path(self) -> None:
        """Copy the last saved path again."""
        if self.saved_path is None:
            self.app.notify("Nothing saved yet: press e to save.", severity="warning")
            return
        self._copy(str(self.saved_path))

    def action_wall(self) -> None:
        """Open the wall of thumbnails; choosing one moves the dashboard's cursor."""
        from miosa_tui.ui.screens.wall import WallScreen

        self.app.push_screen(WallScreen(), self._wall_chosen)

    def _wall_chosen(self, computer_id: str | None) -> None:
        if computer_id:
            self.post_message(self.WallChoice(computer_id))
