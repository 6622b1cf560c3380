"""The display half of the desktop pane: what it shows, and when (the picture, a message instead of
it, the caption). `ScreenshotPane` (pane.py) is the widget: this display plus the keys.

The base class of `ScreenshotPane`. Moving the table cursor must stay instant however slow
screenshots are, so it waits for the cursor to rest (debounce), fetches only for the latest
computer in an exclusive worker (a newer highlight cancels the older fetch), and decodes and
scales the PNG in a thread. What the keys *do* (refresh, auto refresh, region, save, wall) is
the subclass in `pane.py`, so this half reads top to bottom as "state in, screen out".
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.containers import Container, Vertical
from textual.timer import Timer
from textual.widgets import Static

from miosa_tui.api.errors import MiosaError
from miosa_tui.api.models import Computer
from miosa_tui.fleet.poller import FleetState
from miosa_tui.fleet.region import Region
from miosa_tui.safe_text import safe
from miosa_tui.ui.image_renderer import (
    fit_box,
    fit_image,
    image_class,
    limit_size,
    resolve_renderer,
)
from miosa_tui.ui.services import services
from miosa_tui.ui.switching import switch_interval
from miosa_tui.ui.widgets.desktop.fetch import FIT_GROUP, SHOT_GROUP, fetch_picture
from miosa_tui.ui.widgets.desktop.shot import Shot
from miosa_tui.ui.widgets.desktop.strips import StripImage, halfcell_strips
from miosa_tui.ui.widgets.desktop.wording import caption_text, one_line, why_no_picture
from miosa_tui.ui.widgets.static_text import set_content
from miosa_tui.ui.worker_errors import ReportsWorkerErrors

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage
    from rich.console import Console
    from textual.strip import Strip
    from textual.widget import Widget

DEBOUNCE = 0.3  # seconds the cursor must rest on a row before we fetch its desktop
AUTO_INTERVAL = 10.0  # seconds between automatic refreshes when switched on (G)
LIVE_INTERVAL = 0.5  # live mode (L): at most two pictures a second


class ScreenshotPaneDisplay(ReportsWorkerErrors, Vertical):
    """The display half: the shown computer's desktop and its state (no bindings, no actions).
    `ScreenshotPane` is the widget to mount: it adds the keys and what they do."""

    def __init__(
        self,
        *,
        debounce: float = DEBOUNCE,
        auto_interval: float = AUTO_INTERVAL,
        renderer: str | None = None,
        fleet: FleetState | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.debounce = debounce
        self.auto_interval = auto_interval
        self.renderer = renderer  # the `image_renderer` setting (None: halfcell)
        self.fleet = fleet  # what the wall (w) shows without listing the computers again
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
        self.live = False  # live mode (L): refreshed up to twice a second while visible
        self.live_skipped = 0  # live frames that came back unchanged (not decoded or drawn)
        self._open_region_after_fetch = False
        self._caption_text = ""
        self._picture: Widget | None = None  # textual-image's widget, see `_image_widget`

    # -- composition ----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static("", id="desktop-caption")
        frame = Container(id="desktop-frame")
        frame.display = False  # shown with the first picture
        yield frame
        yield Static("Highlight a computer to see its desktop.", id="desktop-message")
        yield Static("", id="desktop-saved")

    def on_mount(self) -> None:
        if self.app.return_code is not None:
            # The app is already exiting (a hang-up at start): Textual may have removed our
            # children before this handler ran, so there is nothing to set up.
            return
        self._auto_timer = self.set_interval(self.auto_interval, self._auto_tick, pause=True)
        self._live_timer = self.set_interval(LIVE_INTERVAL, self._live_tick, pause=True)
        self.set_interval(1.0, self._update_caption)

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
        set_content(self.query_one("#desktop-saved", Static), "")
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
        return any(w.group == SHOT_GROUP and w.is_running for w in self.workers if w.node is self)

    def _fit_box(self) -> tuple[int, int]:
        frame = self.query_one("#desktop-frame")
        cols, rows = frame.content_size.width, frame.content_size.height
        if cols <= 0 or rows <= 0:
            cols, rows = max(20, self.size.width), max(6, self.size.height - 3)
        return fit_box((cols, rows), self.renderer)

    @work(exclusive=True, group=SHOT_GROUP, exit_on_error=False)
    async def _fetch(self, computer: Computer, region: Region | None) -> None:
        if region is not None and (reason := region.validate()) is not None:
            self._set_message(f"Region refused: {reason}", error=True)
            return
        label = "region of " if region is not None else "desktop of "
        shown = self.shot
        same = shown is not None and shown.computer_id == computer.id and shown.region == region
        try:
            fetched = await fetch_picture(
                services(self).client,
                computer.id,
                region,
                self._fit_box,
                unless=shown.data if self.live and same and shown is not None else None,
            )
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
        if fetched is None:  # live mode: the same picture as on screen
            self.live_skipped += 1
            return
        data, decoded, fitted = fetched
        strips = await asyncio.to_thread(self._strips_for, fitted, self.app.console)  # off the loop
        if self.computer is None or self.computer.id != computer.id:
            return
        shot = Shot(computer.id, computer.name, region, data, decoded, self.clock())
        self.shot = shot
        if region is None:
            self.full_shot = shot
        self._set_image(fitted, strips)
        self._update_caption()
        if self._open_region_after_fetch and region is None:
            self._open_region_after_fetch = False
            self._push_region_select()

    def _push_region_select(self) -> None:
        """Open the region selector on `full_shot`. `x` pressed before the first desktop arrived
        asks for it once that fetch lands; the keys and the selector belong to the pane."""

    # -- what is on screen ----------------------------------------------------------------

    def _image_widget(self) -> Any:
        """The picture widget, made when the first desktop arrives: that is when textual-image
        gets imported (~0.2 s), so it never delays the dashboard's first paint."""
        if self._picture is None:
            renderer = self.renderer
            if self._draws_strips():
                self._picture = StripImage(id="desktop-image")
            else:
                self._picture = limit_size(image_class(renderer)(id="desktop-image"), renderer)
            self.query_one("#desktop-frame").mount(self._picture)
        return self._picture

    def _draws_strips(self) -> bool:
        """Halfcell pictures are drawn from strips built in a thread (see `strips.py`)."""
        return resolve_renderer(self.renderer) == "halfcell"

    def _strips_for(self, image: PILImage, console: Console | None = None) -> list[Strip] | None:
        """The halfcell strips of `image` when this pane draws strips (call it in a thread).
        Meanwhile the event loop gets the interpreter within 1 ms of asking, not 5: building
        them is the Python that holds it (ui/switching.py)."""
        if not self._draws_strips():
            return None
        with switch_interval.short():
            return halfcell_strips(image, console)

    def _set_image(self, image: PILImage | None, strips: list[Strip] | None = None) -> bool:
        """Swap the picture; bad image data becomes a message, never an exception. `strips`
        are the picture's halfcell lines when they were built in a thread already."""
        frame = self.query_one("#desktop-frame")
        if image is None and self._picture is None:
            frame.display = False
            return True
        widget = self._image_widget()
        try:
            if isinstance(widget, StripImage):
                if image is not None and strips is None:
                    strips = halfcell_strips(image)  # not built in a thread: build them here
                widget.show(image, strips)
            else:
                widget.image = image
        except Exception as err:  # PIL.UnidentifiedImageError and friends (notes §1.4)
            if isinstance(widget, StripImage):
                widget.show(None, None)
            else:
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
        set_content(message, safe(text))
        message.set_class(error, "-error")
        message.display = True
        if error or self.shot is None:
            self.query_one("#desktop-frame").display = False

    def _update_caption(self) -> None:
        computer = self.computer
        if computer is None:
            self._set_caption("")
            return
        auto_interval = self.auto_interval if self.auto else None
        caption = caption_text(computer, self.shot, self.clock, auto_interval)
        self._set_caption(f"● live · {caption}" if self.live else caption)

    def _set_caption(self, text: str) -> None:
        """Update the caption only when its text changes (it is re-evaluated every second)."""
        if text != self._caption_text:
            self._caption_text = text
            # one line high whatever the text: repaint it without reflowing the screen
            self.query_one("#desktop-caption", Static).update(safe(text), layout=False)

    def on_resize(self) -> None:
        if self.shot is not None:
            self._refit(self.shot)

    @work(exclusive=True, group=FIT_GROUP, exit_on_error=False, thread=True)
    def _refit(self, shot: Shot) -> None:
        try:
            fitted = fit_image(shot.decoded.image, self._fit_box())
            strips = self._strips_for(fitted, self.app.console)
        except Exception:  # a failed re-fit keeps the old picture
            return
        self.app.call_from_thread(self._apply_refit, shot, fitted, strips)

    def _apply_refit(self, shot: Shot, fitted: PILImage, strips: list[Strip] | None) -> None:
        if self.shot is shot:
            self._set_image(fitted, strips)

    def set_live(self, live: bool) -> None:
        """Live mode on or off: the picture is fetched again up to twice a second while this
        pane is on screen and its computer runs, one request at a time."""
        self.live = live
        if live:
            self._live_timer.reset()
            self._live_timer.resume()
        else:
            self._live_timer.pause()
        self._update_caption()

    def _live_tick(self) -> None:
        computer = self.computer
        if not self.live or computer is None or not computer.is_running or self.fetching:
            return
        if self.screen is not self.app.screen or not self.display:
            return  # hidden (a dialog, the wall or the region selector is on top)
        self._fetch(computer, self.view_region)

    def _auto_tick(self) -> None:
        computer = self.computer
        if self.screen is not self.app.screen:
            return  # covered by the wall or the region selector: they make their own requests
        if self.auto and computer is not None and computer.is_running and not self.fetching:
            self._fetch(computer, self.view_region)
