"""The desktop pane's keys and what they do: refresh, auto refresh, region, save, the wall.

What is shown and fetched is its base class, `ScreenshotPaneDisplay` in `display.py`; this
module is the widget the dashboard mounts, its bindings (also forwarded from the dashboard
screen while the table has focus), and the flows the keys start. Saving writes the original
PNG, so the file has the full resolution, not what fits on screen.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Static

from miosa_tui.api.errors import InvalidInputError
from miosa_tui.fleet.capture import save_png
from miosa_tui.fleet.region import Region
from miosa_tui.safe_text import safe
from miosa_tui.ui.services import services
from miosa_tui.ui.widgets.desktop.display import ScreenshotPaneDisplay
from miosa_tui.ui.widgets.desktop.shot import default_save_name, png_target
from miosa_tui.ui.widgets.desktop.wording import why_no_picture


class ScreenshotPane(ScreenshotPaneDisplay, can_focus=True):
    """Shows the highlighted computer's desktop; the dashboard calls `show_computer` on every
    highlight change and `computer_changed` when a poll changes that computer."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("g", "refresh_shot", "Refresh desktop", id="desktop.refresh"),
        Binding("G", "toggle_auto", "Auto-refresh desktop", id="desktop.auto"),
        Binding("L", "toggle_live", "Live desktop", id="desktop.live"),
        Binding("x", "region", "Region", id="desktop.region"),
        Binding("escape,backspace", "full", "Full desktop", id="desktop.full"),
        Binding("e", "save", "Save PNG", id="desktop.save"),
        Binding("y", "copy_path", "Copy saved path", id="desktop.copy_path", show=False),
        Binding("w", "wall", "Wall", id="desktop.wall"),
    ]

    PALETTE: ClassVar[list[tuple[str, str, str]]] = [
        ("Refresh desktop screenshot", "refresh_shot", "Fetch the desktop again now"),
        ("Toggle desktop auto-refresh", "toggle_auto", "Refresh the desktop every 10 s"),
        ("Toggle live desktop", "toggle_live", "Refresh the desktop twice a second while shown"),
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

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys that would do nothing here pass through to the screen (e.g. escape)."""
        if action == "full":
            return self.view_region is not None
        if action == "copy_path":
            return self.saved_path is not None
        return True

    # -- refresh --------------------------------------------------------------------------

    def action_refresh_shot(self) -> None:
        """Fetch the current view again now."""
        if self.computer is None:
            self.app.notify("Highlight a computer first.", severity="warning", markup=False)
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
        self.app.notify(f"Desktop auto-refresh {state}.", timeout=3, markup=False)
        self._update_caption()

    def action_toggle_live(self) -> None:
        """Live mode: the desktop refreshes up to twice a second while it is on screen."""
        self.set_live(not self.live)
        state = "on: up to 2 pictures a second while shown" if self.live else "off"
        self.app.notify(f"Live desktop {state}.", timeout=3, markup=False)

    # -- region ---------------------------------------------------------------------------

    def action_region(self) -> None:
        """Open the full-screen region selector on the latest full desktop."""
        computer = self.computer
        if computer is None:
            self.app.notify("Highlight a computer first.", severity="warning", markup=False)
            return
        if not computer.is_running:
            self.app.notify(why_no_picture(computer), severity="warning", markup=False)
            return
        if self.full_shot is not None and self.full_shot.computer_id == computer.id:
            self._push_region_select()
            return
        self._open_region_after_fetch = True
        self.app.notify(f"Loading the desktop of {computer.name}…", timeout=2, markup=False)
        self._fetch(computer, None)

    def _push_region_select(self) -> None:
        from miosa_tui.ui.screens.region_select import RegionSelectScreen

        shot = self.full_shot
        if shot is None:
            return
        initial = self.view_region or Region(250, 250, 500, 500)
        screen = RegionSelectScreen(shot.decoded, shot.name, initial, renderer=self.renderer)
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
            self.app.notify(f"Region refused: {reason}", severity="error", markup=False)
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
        if (
            self.full_shot is not None
            and self.computer is not None
            and self.full_shot.computer_id == self.computer.id
        ):
            self.shot = self.full_shot
            self._refit(self.full_shot)
            self._update_caption()
        self.capture_region(None)

    # -- save -----------------------------------------------------------------------------

    def action_save(self) -> None:
        """Save the original PNG (full or region) to a path the user confirms."""
        shot = self.shot
        if shot is None:
            self.app.notify("No screenshot to save yet.", severity="warning", markup=False)
            return
        what = "region of " if shot.region else "desktop of "
        prompt = f"Save the {what}{shot.name} ({shot.size[0]}x{shot.size[1]} PNG) to:"
        data = shot.data

        def write(target: Path) -> Path:
            return save_png(data, target)

        from miosa_tui.ui.screens.forms import PathDialog  # on first use: not at start-up

        dialog = PathDialog(
            "Save screenshot",
            default_save_name(shot),
            prompt=prompt,
            write=write,
            target=png_target,
        )
        self.app.push_screen(dialog, self._saved)

    async def save_to(self, path: str | Path) -> Path:
        """Save the shown screenshot's original PNG to `path` (used by tests and commands)."""
        shot = self.shot
        if shot is None:
            raise InvalidInputError("No screenshot to save yet.")
        saved = await asyncio.to_thread(save_png, shot.data, path)
        self._saved(saved)
        return saved

    def _saved(self, written: str | Path | None) -> None:
        if written is None:
            return
        path = Path(written)
        self.saved_path = path
        # Not copied: saving must not replace what the user has on the clipboard.
        saved = f"Saved {path}  (y copies the path)"
        self.query_one("#desktop-saved", Static).update(safe(saved))
        self.app.notify(saved, title="Screenshot", markup=False)
        shot = self.shot
        if shot is not None:
            services(self).journal.record(
                "screenshot", shot.computer_id, shot.name, "ok", f"saved {path}"
            )

    def _copy(self, text: str) -> None:
        from miosa_tui.ui.clipboard import copy

        copy(self.app, text, "screenshot path")

    def action_copy_path(self) -> None:
        """Copy the last saved path again."""
        if self.saved_path is None:
            self.app.notify("Nothing saved yet: press e to save.", severity="warning", markup=False)
            return
        self._copy(str(self.saved_path))

    # -- wall -----------------------------------------------------------------------------

    def action_wall(self) -> None:
        """Open the wall of thumbnails; choosing one moves the dashboard's cursor."""
        from miosa_tui.ui.screens.wall import WallScreen

        self.app.push_screen(
            WallScreen(renderer=self.renderer, fleet=self.fleet), self._wall_chosen
        )

    def _wall_chosen(self, computer_id: str | None) -> None:
        if computer_id:
            self.post_message(self.WallChoice(computer_id))
