"""The dashboard on a hostile API (tests/hostile_api.py, real HTTP): every screen and pane is
visited and every name clicked. Nothing may crash, no action may be sent, nothing drawn may hold
a control, bidi or zero-width character, and the odd text must be shown literally (its visible
escape form), never read as markup.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hostile_api import CLIP_PAYLOAD, ESC, TITLE_MARK, HostileApi
from textual.pilot import Pilot
from textual.widgets import OptionList
from textual.widgets._toast import Toast
from ui_helpers import drawn_toasts, screen_text, wait_for

from miosa_tui.api.settings import ApiSettings
from miosa_tui.backend import Backend
from miosa_tui.config import load_config
from miosa_tui.safe_text import is_hidden, printable, url_problem
from miosa_tui.ui.app import MiosaApp
from miosa_tui.ui.screens.confirm import ConfirmActionDialog
from miosa_tui.ui.screens.copy_menu import CopyMenu
from miosa_tui.ui.screens.forms import CloneDialog, MoveDialog, PathDialog, ResizeDialog
from miosa_tui.ui.screens.help import HelpScreen
from miosa_tui.ui.screens.region_select import RegionSelectScreen
from miosa_tui.ui.screens.wall import WallScreen
from miosa_tui.ui.widgets.access.confirm_copy import ConfirmCopyDialog
from miosa_tui.ui.widgets.access.panel import AccessPanel
from miosa_tui.ui.widgets.computer_table import ComputerTable

SIZE = (220, 60)


@pytest.fixture
def api() -> Iterator[HostileApi]:
    with HostileApi() as server:
        yield server


def hostile_app(api: HostileApi, tmp_path: Path) -> MiosaApp:
    config = load_config(environ={}, path=tmp_path / "none.toml")
    settings = ApiSettings(api_key="msk_hostile", base_url=api.base_url)
    return MiosaApp(Backend(settings=settings, simulated=False), config, poll_interval=30)


def given_toasts(app: MiosaApp) -> list[str]:
    """Every live notification as Textual's Toast renders it, drawn or stacked off the screen
    (about the notification objects: a hidden character must never be handed to a toast)."""
    # The title is drawn as given (a plain str); the message as Toast.render makes it.
    return [f"{n.title}\n{Toast(replace(n, title='')).render().plain}" for n in app._notifications]


def drawn_problems(app: MiosaApp) -> list[str]:
    """Every text segment of the top screen (dialogs included) and every toast holding a
    character that must never reach the terminal as itself."""
    bad = []
    for strip in app.screen._compositor.render_strips():
        for segment in strip:
            if not segment.control and any(is_hidden(c) for c in segment.text):
                bad.append(repr(segment.text))
    # the toasts on screen are among the segments above; these are the ones given
    bad += [repr(t) for t in given_toasts(app) if any(is_hidden(c) for c in t.replace("\n", ""))]
    return bad


class Visit:
    """Walks the app, checking what is drawn after each step and keeping every screen's text."""

    def __init__(self, app: MiosaApp, pilot: Pilot[Any], api: HostileApi) -> None:
        self.app, self.pilot, self.api = app, pilot, api
        self.seen: list[str] = []

    def check(self, where: str) -> str:
        assert self.app.is_running, f"the app stopped at {where}"
        assert drawn_problems(self.app) == [], where
        text = screen_text(self.app)
        self.seen.append(text)
        return text

    async def until(self, predicate: Any, what: str) -> None:
        await wait_for(self.pilot, predicate, what)

    def table(self) -> ComputerTable:
        return self.app.dashboard.query_one(ComputerTable)

    def shows(self, text: str) -> bool:
        return text in screen_text(self.app)


def expected_ids(api: HostileApi) -> list[str]:
    return [str(c["id"]) for c in api.computers]


async def test_every_name_clicked_and_every_screen_visited(api: HostileApi, tmp_path: Path) -> None:
    app = hostile_app(api, tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        v = Visit(app, pilot, api)
        table = v.table()
        await v.until(lambda: table.row_count == len(api.computers), "the hostile fleet listed")
        v.check("start")

        # Click every name in the table (column 1, after the mark column).
        name_x = table.ordered_columns[0].get_render_width(table) + 2
        for cid in list(table.visible_ids):
            assert table.go_to(cid)
            await pilot.pause()
            row = table.get_row_index(cid)
            y = 1 + row - round(table.scroll_offset.y)
            assert await pilot.click(ComputerTable, offset=(name_x, y))
            await pilot.pause()
            assert app.is_running, f"clicking the name of {cid!r} stopped the app"
            assert table.highlighted_id == cid
        v.check("after clicking every name")

        # Details of a computer whose name is an OSC 52 clipboard write.
        osc52 = next(c for c in api.computers if str(c["name"]).startswith("osc52\x1b"))
        table.go_to(osc52["id"])
        await pilot.press("i")
        shown_name = printable(osc52["name"])
        await v.until(lambda: v.shows(shown_name), "the escaped name in the details")
        await v.until(lambda: v.shows("Installed apps"), "apps and URLs in the details")
        v.check("details")

        # The desktop caption and its picture, then the region selection over it.
        await pilot.press("g")
        await v.until(lambda: v.shows("64x40"), "the desktop caption")
        v.check("desktop")
        await pilot.press("x")
        await v.until(lambda: isinstance(app.screen, RegionSelectScreen), "region select")
        await v.until(lambda: v.shows("Select a region of"), "region title")
        assert shown_name[:40] in screen_text(app)
        v.check("region select")
        await pilot.press("escape")
        await v.until(lambda: not isinstance(app.screen, RegionSelectScreen), "region closed")

        # Access: every URL entry copied (y) and opened (o); only the good one may pass.
        await pilot.press("a")
        panel = app.dashboard.query_one(AccessPanel)
        await v.until(lambda: v.shows("good.example"), "the named URLs in the access panel")
        await v.until(lambda: v.shows("vnc.example"), "the VNC credentials")
        v.check("access")
        entries = panel.query_one("#access-entries", OptionList)
        copied: list[str] = []
        refused: list[str] = []
        for index in range(entries.option_count):
            entries.highlighted = index
            await pilot.pause()
            entry = panel.selected_entry()
            if entry is None or entry.value is None or entry.secret:
                continue
            before = app.clipboard
            panel.copy_selected()
            await pilot.pause()
            if app.clipboard != before:
                copied.append(app.clipboard)
            elif url_problem(entry.value) is not None:
                refused.append(entry.value)
                await wait_for(
                    pilot,
                    lambda: "Not copied: the" in (drawn_toasts(app) or [""])[-1],
                    "the refusal toast",
                )
            panel.open_selected()
            await pilot.pause()
            v.check(f"access entry {entry.key}")
        assert copied, "the good URL and the plain values are copied"
        for text in copied:
            assert not any(is_hidden(c) or c.isspace() for c in text), repr(text)
        assert "https://good.example/path?q=1" in copied
        assert all(not c.startswith(("javascript:", "file:")) for c in copied)
        assert len(refused) >= 6, refused  # javascript:, file:, newline, OSC 52, space, bidi

        # A VNC password holding an OSC 52: copied only after a confirm that says so.
        assert panel.select("vnc-password")
        before = app.clipboard
        panel.copy_selected()
        await v.until(lambda: isinstance(app.screen, ConfirmCopyDialog), "the copy confirm")
        await v.until(lambda: v.shows("control or invisible"), "the confirm's wording")
        v.check("copy confirm")
        await pilot.press("n")
        await v.until(lambda: not isinstance(app.screen, ConfirmCopyDialog), "confirm closed")
        assert app.clipboard == before, "cancelled: nothing copied"
        panel.copy_selected()
        await v.until(lambda: isinstance(app.screen, ConfirmCopyDialog), "the copy confirm")
        await v.until(lambda: v.shows("Copy anyway"), "the confirm's buttons")
        await pilot.press("y")
        await v.until(lambda: app.clipboard == f"pw{ESC}]52;c;{CLIP_PAYLOAD}\x07x", "copied")

        # A stream token (the one POST this test asks for), the copy menu.
        await pilot.press("t")
        await v.until(lambda: v.shows("expires in"), "the new token, masked")
        await pilot.press("v")
        await v.until(lambda: v.shows("tok\\x1b]52"), "the revealed token, escaped")
        v.check("token revealed")
        await pilot.press("Y")
        await v.until(lambda: isinstance(app.screen, CopyMenu), "the copy menu")
        v.check("copy menu")
        await pilot.press("escape")
        await v.until(lambda: not isinstance(app.screen, CopyMenu), "copy menu closed")

        # The wall of running computers.
        app.dashboard.query_one(ComputerTable).focus()
        await pilot.press("w")
        await v.until(lambda: isinstance(app.screen, WallScreen), "the wall")
        await v.until(lambda: v.shows("running ·"), "the wall title")
        await v.until(lambda: v.shows("\\x1b"), "escaped names on the wall")
        v.check("wall")
        await pilot.press("escape")
        await v.until(lambda: not isinstance(app.screen, WallScreen), "wall closed")

        # Help, the palette with every computer, the journal.
        await pilot.press("question_mark")
        await v.until(lambda: isinstance(app.screen, HelpScreen), "help")
        v.check("help")
        await pilot.press("escape")
        await v.until(lambda: not isinstance(app.screen, HelpScreen), "help closed")
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Go to")
        await v.until(lambda: v.shows("Go to [/]"), "palette entries with markup names")
        v.check("palette")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("j")
        await v.until(lambda: v.shows("ok · stream token"), "the journal pane")
        v.check("journal")

        # The forms over a hostile name: clone (its name prefilled, escaped), move, resize, and
        # the desktop's save dialog.
        table.focus()
        stopped = next(c for c in api.computers if c["status"] == "stopped")  # move, resize
        for key, screen_type, computer in (
            ("c", CloneDialog, osc52),
            ("m", MoveDialog, stopped),
            ("z", ResizeDialog, stopped),
        ):
            table.go_to(computer["id"])
            await pilot.press(key)
            await v.until(lambda t=screen_type: isinstance(app.screen, t), f"the {key} dialog")
            name = printable(computer["name"])[:30]
            await v.until(lambda n=name: v.shows(n), f"the name in the {key} dialog")
            v.check(f"dialog {key}")
            await pilot.press("escape")
            await v.until(lambda t=screen_type: not isinstance(app.screen, t), "dialog closed")
        table.go_to(osc52["id"])
        await pilot.press("g")
        await v.until(lambda: v.shows("64x40 · captured"), "the desktop again")
        await pilot.press("e")
        await v.until(lambda: isinstance(app.screen, PathDialog), "the save dialog")
        await v.until(lambda: v.shows("Save the desktop of"), "the save dialog's title")
        v.check("save dialog")
        await pilot.press("escape")
        await v.until(lambda: not isinstance(app.screen, PathDialog), "save dialog closed")

        # Destroy: the phrase to type is shown escaped; its id is accepted.
        target = next(c for c in api.computers if str(c["name"]).startswith("osc0\x1b"))
        table.focus()
        table.go_to(target["id"])
        await pilot.press("d")
        await v.until(lambda: isinstance(app.screen, ConfirmActionDialog), "destroy dialog")
        text = v.check("destroy dialog")
        assert f"Type {printable(target['name'])} to confirm (or its id {target['id']})" in text
        dialog = app.screen
        assert isinstance(dialog, ConfirmActionDialog)
        assert dialog._can_confirm(str(target["id"]))
        assert dialog._can_confirm(printable(target["name"]))
        assert not dialog._can_confirm("osc0")
        await pilot.press("escape")
        await v.until(lambda: not isinstance(app.screen, ConfirmActionDialog), "dialog closed")

        v.check("end")
    everything = "\n".join(v.seen)
    # Shown literally: markup as typed, controls as visible escapes; none of it interpreted.
    for literal in ("[/]", "x[/]", "[@click=app.quit]x[/]", "\\x1b]0;" + TITLE_MARK, "\\u202e"):
        assert literal in everything, literal
    assert [(r.method, r.path) for r in api.actions(allowed=("/stream-token",))] == []


async def test_an_error_toast_shows_its_request_id(api: HostileApi, tmp_path: Path) -> None:
    """Starting a stopped computer: the hostile API refuses with a message full of markup and
    escapes; the toast shows it literally, ending with the request id."""
    app = hostile_app(api, tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        table = app.dashboard.query_one(ComputerTable)
        await wait_for(pilot, lambda: table.row_count == len(api.computers), "listed")
        stopped = next(c for c in api.computers if c["status"] == "stopped")
        table.go_to(stopped["id"])
        table.focus()
        await pilot.press("s")
        await wait_for(pilot, lambda: "[request req_abc123]" in "".join(drawn_toasts(app)), "toast")
        text = next(t for t in drawn_toasts(app) if "req_abc123" in t)
        assert "refused: refused [bold]" in text  # the markup shown as sent, not read
        assert text.endswith("[request req_abc123]")
        assert drawn_problems(app) == []
    assert [r.method for r in api.actions()] == ["POST"]
