"""The modal dialogs and the help screen, driven through a tiny host app with the Pilot.

Each dialog is pushed with a callback that records the dismissed value, the way the dashboard
uses them; "refused" means: the reason is on screen and nothing was recorded.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from hypothesis import given
from hypothesis import strategies as st
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Button, Input, OptionList, Select, Static

from miosa_tui.api.errors import InvalidInputError
from miosa_tui.api.models import Computer
from miosa_tui.fleet.actions import ActionKind, BulkPlan, plan_bulk
from miosa_tui.ui.app import STYLESHEET
from miosa_tui.ui.screens.dialogs import (
    CloneDialog,
    ConfirmActionDialog,
    CreateDialog,
    ExportDialog,
    MoveDialog,
    PathDialog,
    ResizeDialog,
    check_name,
    check_path,
    clone_name,
    typed_phrase_for,
)
from miosa_tui.ui.screens.help import HelpScreen, collect_help


def computer(n: int, name: str, status: str = "running", **kw: Any) -> Computer:
    fields: dict[str, Any] = {"region": "us-mia", "size": "medium"}
    fields.update(kw)
    return Computer(id=f"cmp_{n:04d}", name=name, status=status, **fields)


RESEARCH = computer(1, "research-desk")
WEB = computer(2, "web-1")
OLD = computer(3, "old-box", "stopped")


class TableLike(Static):
    can_focus = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "noop", "Mark", id="table.mark"),
        Binding("slash", "noop", "Filter", id="table.filter"),
        Binding("d", "noop", "Destroy", id="table.destroy"),
    ]

    def action_noop(self) -> None:
        pass


class DesktopLike(Static):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("g", "noop", "Refresh desktop", id="desktop.refresh"),
        Binding("x", "noop", "Region", id="desktop.region"),
    ]

    def action_noop(self) -> None:
        pass


class Host(App[None]):
    """Records every dismissed value in `results`; styled by the app's stylesheet, where the
    dialogs' style lives."""

    CSS_PATH = STYLESHEET

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Help", id="app.help"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.results: list[Any] = []

    def compose(self) -> ComposeResult:
        yield TableLike("table", id="table")
        yield DesktopLike("desktop", id="desktop")

    def open(self, screen: Screen[Any]) -> None:
        self.push_screen(screen, self.results.append)

    def action_help(self) -> None:
        self.push_screen(HelpScreen())


def screen_text(app: App[Any]) -> str:
    """What the user sees on the active screen, as plain text."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


@contextlib.asynccontextmanager
async def hosting(screen: Screen[Any]) -> AsyncIterator[tuple[Host, Pilot[Any]]]:
    """A 100x30 `Host` running under the Pilot with `screen` open on it."""
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_dialog(pilot, screen)
        yield app, pilot


async def open_dialog(pilot: Pilot[Any], screen: Screen[Any]) -> None:
    assert isinstance(pilot.app, Host)
    pilot.app.open(screen)
    await pilot.pause()


async def results_after(pilot: Pilot[Any], *keys: str) -> list[Any]:
    """Press `keys`, let the app settle, and return every value dismissed so far."""
    assert isinstance(pilot.app, Host)
    await pilot.press(*keys)
    await pilot.pause()
    return pilot.app.results


async def type_text(pilot: Pilot[Any], text: str) -> None:
    await pilot.press(*("space" if ch == " " else ch for ch in text))


# -- ConfirmActionDialog ----------------------------------------------------------------------


async def test_confirm_focuses_cancel_so_enter_cancels() -> None:
    async with hosting(ConfirmActionDialog(plan_bulk(ActionKind.STOP, [RESEARCH]))) as (app, pilot):
        assert isinstance(app.screen, ConfirmActionDialog)
        assert isinstance(app.focused, Button) and app.focused.id == "cancel"
        text = screen_text(app)
        assert "Stop research-desk?" in text
        assert "y Stop" in text and "n/esc Cancel" in text  # the confirm keys are visible
        assert await results_after(pilot, "enter") == [False]
        assert not isinstance(app.screen, ConfirmActionDialog)


@pytest.mark.parametrize(("keys", "expected"), [(["y"], True), (["n"], False), (["escape"], False)])
async def test_confirm_keys(keys: list[str], expected: bool) -> None:
    async with hosting(ConfirmActionDialog(plan_bulk(ActionKind.STOP, [RESEARCH]))) as (
        _app,
        pilot,
    ):
        assert await results_after(pilot, *keys) == [expected]


async def test_confirm_double_y_dismisses_once() -> None:
    async with hosting(ConfirmActionDialog(plan_bulk(ActionKind.RESTART, [RESEARCH]))) as (
        _app,
        pilot,
    ):
        assert await results_after(pilot, "y", "y") == [True]


async def test_confirm_lists_every_target_and_the_skipped_ones() -> None:
    fleet = [computer(n, f"vm-{n}") for n in range(100, 140)] + [OLD]
    plan = plan_bulk(ActionKind.STOP, fleet)
    async with hosting(ConfirmActionDialog(plan)) as (app, pilot):
        dialog = app.screen
        assert isinstance(dialog, ConfirmActionDialog)
        text = screen_text(app)
        assert "Stop 40 computers?" in text
        assert "40 will stop, 1 skipped: already stopped" in text
        listed = str(dialog.query_one("#target-list", Static).visual)
        for c in fleet:
            assert c.name in listed and c.id in listed
        assert "skipped: already stopped" in listed
        # The list scrolls instead of pushing the buttons off screen, with keys, from Cancel.
        targets = dialog.query_one("#targets")
        assert targets.max_scroll_y > 0
        assert "↑↓ Scroll list" in text
        assert "vm-139" not in text
        await pilot.press("pagedown", "pagedown", "pagedown", "pagedown")
        await pilot.pause()
        assert targets.scroll_y == targets.max_scroll_y
        assert "vm-139" in screen_text(app) and "skipped: already stopped" in screen_text(app)
        assert isinstance(app.focused, Button) and app.focused.id == "cancel"


async def test_confirm_shows_names_literally() -> None:
    odd = computer(9, "[bold]x[/")
    async with hosting(ConfirmActionDialog(plan_bulk(ActionKind.STOP, [odd]))) as (app, _pilot):
        assert "[bold]x[/" in screen_text(app)


async def test_typed_confirmation_blocks_y_and_click_until_exact_text() -> None:
    plan = plan_bulk(ActionKind.DESTROY, [RESEARCH, WEB])
    phrase = typed_phrase_for(plan)
    assert phrase == "destroy 2"
    async with hosting(ConfirmActionDialog(plan, require_typed=phrase)) as (app, pilot):
        dialog = app.screen
        assert isinstance(dialog, ConfirmActionDialog)
        text = screen_text(app)
        assert "Destroy 2 computers?" in text
        assert "This cannot be undone." in text
        assert "Type destroy 2 to confirm" in text
        assert app.focused is dialog.query_one("#typed")  # opens in the field
        confirm = dialog.query_one("#confirm", Button)
        assert confirm.disabled and confirm.variant == "error"

        await pilot.press("y")  # typed into the field, not a confirmation
        await pilot.click("#confirm")
        await pilot.pause()
        assert app.results == [] and app.screen is dialog
        assert dialog.query_one("#typed", Input).value == "y"
        await pilot.press("backspace")

        await pilot.click("#typed")
        await type_text(pilot, "destroy 3")  # the 'y' in "destroy" goes into the field
        await pilot.pause()
        assert dialog.query_one("#typed", Input).value == "destroy 3"
        assert confirm.disabled
        assert await results_after(pilot, "enter") == []
        assert "Type exactly destroy 2 to confirm." in screen_text(app)

        await pilot.press("backspace", "2")
        await pilot.pause()
        assert not confirm.disabled
        await pilot.click("#confirm")
        await pilot.pause()
        assert app.results == [True]


async def test_typed_confirmation_enter_in_field_confirms() -> None:
    plan = plan_bulk(ActionKind.DESTROY, [RESEARCH])
    assert typed_phrase_for(plan) == "research-desk"
    async with hosting(ConfirmActionDialog(plan, require_typed="research-desk")) as (app, pilot):
        assert "Type research-desk to confirm" in screen_text(app)
        assert app.focused is app.screen.query_one("#typed")  # no tab needed
        await type_text(pilot, "research-desk")
        assert await results_after(pilot, "enter") == [True]


async def test_typed_phrase_rule() -> None:
    assert typed_phrase_for(plan_bulk(ActionKind.DESTROY, [OLD])) is None
    assert typed_phrase_for(plan_bulk(ActionKind.STOP, [RESEARCH, WEB])) is None


async def test_confirm_keys_follow_the_keymap() -> None:
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        app.set_keymap({"dialog.confirm": "c"})
        await open_dialog(pilot, ConfirmActionDialog(plan_bulk(ActionKind.STOP, [RESEARCH])))
        assert "c Stop" in screen_text(app)
        assert await results_after(pilot, "y") == []
        assert await results_after(pilot, "c") == [True]


async def test_confirm_with_nothing_to_do_cannot_confirm() -> None:
    async with hosting(ConfirmActionDialog(plan_bulk(ActionKind.STOP, [OLD]))) as (app, pilot):
        assert "Nothing to do" in screen_text(app)
        assert await results_after(pilot, "y") == []
        assert await results_after(pilot, "escape") == [False]


# -- CloneDialog ------------------------------------------------------------------------------


async def test_clone_default_name_returned_on_enter() -> None:
    async with hosting(CloneDialog(RESEARCH, existing_names={"research-desk"})) as (app, pilot):
        assert app.screen.query_one("#name", Input).value == "research-desk-clone"
        assert await results_after(pilot, "enter") == ["research-desk-clone"]


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", "Name is required."),
        ("Bad Name", "lowercase"),
        ("9lives", "start with a lowercase letter"),
        ("web_1", "only lowercase letters, digits and hyphens"),
        ("a" * 64, "at most 63 characters"),
        ("taken", "A computer named taken already exists."),
        ("[red]x", "start with a lowercase letter"),
    ],
)
async def test_clone_refuses_invalid_names_in_the_form(typed: str, reason: str) -> None:
    async with hosting(CloneDialog(RESEARCH, existing_names={"taken"})) as (app, pilot):
        app.screen.query_one("#name", Input).value = typed
        await pilot.pause()
        await pilot.press("enter")
        await pilot.click("#ok")
        await pilot.pause()
        assert app.results == []
        assert isinstance(app.screen, CloneDialog)
        assert reason in screen_text(app)


async def test_clone_escape_returns_none() -> None:
    async with hosting(CloneDialog("web-1")) as (_app, pilot):
        assert await results_after(pilot, "escape") == [None]


def test_clone_name_is_trimmed_and_numbered() -> None:
    assert clone_name("web") == "web-clone"
    assert clone_name("web", {"web-clone"}) == "web-clone-2"
    long = "a" * 63
    assert len(clone_name(long)) == 63 and clone_name(long).endswith("-clone")


# -- MoveDialog / ResizeDialog ----------------------------------------------------------------


async def test_move_opens_on_the_current_region_and_enter_there_changes_nothing() -> None:
    async with hosting(MoveDialog(RESEARCH)) as (app, pilot):
        dialog = app.screen
        assert isinstance(dialog, MoveDialog)
        text = screen_text(app)
        assert "Move research-desk" in text
        assert "us-mia  Miami  (current)" in text
        options = dialog.query_one("#choices", OptionList)
        assert options.highlighted_option is not None
        assert options.highlighted_option.id == "us-mia"
        await pilot.press("enter")  # a stray Enter: refused, nothing chosen
        await pilot.pause()
        assert app.screen is dialog
        assert "Already in us-mia: choose another region." in screen_text(app)
        assert app.results == []
        assert await results_after(pilot, "down", "enter") == ["us-nyc"]


async def test_move_refuses_the_current_region() -> None:
    async with hosting(MoveDialog("us-mia", count=3)) as (app, pilot):
        dialog = app.screen
        assert isinstance(dialog, MoveDialog)
        assert "Move 3 computers" in screen_text(app)
        dialog._choose("us-mia")
        await pilot.pause()
        assert "Already in us-mia" in screen_text(app)
        assert app.results == []


async def test_resize_shows_specs_note_and_refuses_current() -> None:
    async with hosting(ResizeDialog(RESEARCH)) as (app, pilot):
        dialog = app.screen
        assert isinstance(dialog, ResizeDialog)
        text = screen_text(app)
        assert "medium   4 vCPU · 8 GB  (current)" in text
        assert "xl      16 vCPU · 32 GB" in text
        assert "A running computer restarts to apply the new size." in text
        options = dialog.query_one("#choices", OptionList)
        assert options.highlighted_option is not None
        assert options.highlighted_option.id == "medium"  # opens on the current size
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog
        assert "Already medium: choose another size." in screen_text(app)
        assert app.results == []
        await pilot.press("down")  # medium -> large
        await pilot.click("#ok")
        await pilot.pause()
        assert app.results == ["large"]


async def test_resize_custom_note() -> None:
    async with hosting(ResizeDialog("small", note="Stopped computers resize at once.")) as (
        app,
        pilot,
    ):
        assert "Stopped computers resize at once." in screen_text(app)
        assert await results_after(pilot, "escape") == [None]


# -- CreateDialog -----------------------------------------------------------------------------


async def test_create_requires_a_valid_name_then_returns_the_dict() -> None:
    async with hosting(CreateDialog(existing_names={"web-1"})) as (app, pilot):
        dialog = app.screen
        assert isinstance(dialog, CreateDialog)
        assert await results_after(pilot, "enter") == []
        assert "Name is required." in screen_text(app)

        await type_text(pilot, "web-1")
        assert await results_after(pilot, "enter") == []
        assert "A computer named web-1 already exists." in screen_text(app)

        await pilot.press("backspace", "2")
        dialog.query_one("#size", Select).value = "large"
        dialog.query_one("#template", Select).value = "miosa-sandbox"
        await pilot.pause()
        await pilot.click("#ok")
        await pilot.pause()
        assert app.results == [
            {"name": "web-2", "size": "large", "region": "us-mia", "template_type": "miosa-sandbox"}
        ]


async def test_create_defaults() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_dialog(pilot, CreateDialog())
        await type_text(pilot, "fresh")
        assert await results_after(pilot, "enter") == [
            {"name": "fresh", "size": "small", "region": "us-mia", "template_type": "miosa-desktop"}
        ]


# -- PathDialog -------------------------------------------------------------------------------


async def test_path_dialog_refusals_then_accepts(tmp_path: Path) -> None:
    async with hosting(PathDialog("Export the journal", str(tmp_path / "j.txt"))) as (app, pilot):
        field = app.screen.query_one("#path", Input)
        for typed, reason in [
            ("", "Enter a file path."),
            ("   ", "Enter a file path."),
            (str(tmp_path), "That is a folder: add a file name to it."),
            (str(tmp_path / "missing" / "j.txt"), "No such folder:"),
            (str(tmp_path / "bad\0name"), "Cannot use that path"),
        ]:
            field.value = typed
            await pilot.pause()
            assert await results_after(pilot, "enter") == [], typed
            assert reason in screen_text(app), typed
            error = app.screen.query_one("#path-error", Static)
            assert error.display and reason in str(error.visual)
        field.value = str(tmp_path / "journal.txt")
        assert await results_after(pilot, "enter") == [str(tmp_path / "journal.txt")]


async def test_export_dialog_prefills_and_warns_on_overwrite(tmp_path: Path) -> None:
    existing = tmp_path / "old.txt"
    existing.write_text("x")
    async with hosting(ExportDialog(str(existing))) as (app, pilot):
        text = screen_text(app)
        assert "Export the journal" in text
        assert "it will be replaced" in text
        assert await results_after(pilot, "escape") == [None]


async def test_path_dialog_replaces_an_existing_file_only_on_a_second_enter(
    tmp_path: Path,
) -> None:
    existing = tmp_path / "old.txt"
    existing.write_text("x")
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_dialog(pilot, ExportDialog(str(existing)))
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == []
        assert "exists: enter again to replace it" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == [str(existing)]


async def test_path_dialog_that_writes_shows_a_refused_write_in_the_form(tmp_path: Path) -> None:
    """The screenshot's use: the dialog writes the file; a refusal stays in the form, the name
    typed is mapped to the file written (`target`), and it dismisses the path written."""
    calls: list[Path] = []

    def write(target: Path) -> Path:
        calls.append(target)
        if len(calls) == 1:
            raise InvalidInputError("The disk is full.")
        target.write_bytes(b"png")
        return target

    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        dialog = PathDialog(
            "Save screenshot",
            str(tmp_path / "shot"),
            prompt="Save the desktop of alpha (64x40 PNG) to:",
            write=write,
            target=lambda text: Path(text.strip() + ".png"),
        )
        await open_dialog(pilot, dialog)
        assert "Save the desktop of alpha" in screen_text(app)
        await pilot.press("enter")
        await wait_until(pilot, lambda: "The disk is full." in screen_text(app))
        assert app.results == [] and app.screen is dialog
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.results != [])
        assert app.results == [str(tmp_path / "shot.png")]
        assert calls == [tmp_path / "shot.png"] * 2
        assert (tmp_path / "shot.png").read_bytes() == b"png"


async def wait_until(pilot: Pilot[Any], predicate: Any) -> None:
    for _ in range(200):
        if predicate():
            return
        await pilot.pause(0.02)
    raise AssertionError("condition never held")


def test_check_path_cases(tmp_path: Path) -> None:
    assert check_path(str(tmp_path / "ok.txt")) is None
    assert check_path(str(tmp_path / ("x" * 5000))) is not None  # name too long: a reason
    (tmp_path / "file").write_text("")
    assert "is not a folder" in (check_path(str(tmp_path / "file" / "x.txt")) or "")


@given(st.text(max_size=300))
def test_typed_text_never_raises(text: str) -> None:
    for reason in (check_path(text), check_name(text, {"taken"})):
        assert reason is None or isinstance(reason, str)


# -- HelpScreen -------------------------------------------------------------------------------


async def test_help_lists_bindings_by_area_and_closes() -> None:
    app = Host()
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for expected in (
            "Table",
            "Desktop",
            "App",
            "Mark",
            "Refresh desktop",
            "Filter syntax",
            "status:running",
            "!status:stopped",
            "Marks",
        ):
            assert expected in text, expected
        areas = {a.title: {r.description: r.keys for r in a.rows} for a in app.screen.areas}
        assert areas["Table"]["Mark"] == ["space"]
        assert areas["Desktop"]["Refresh desktop"] == ["g"]
        assert areas["App"]["Help"] == ["?"]
        assert areas["Dialogs"]["Confirm"] == ["y"]
        await pilot.press("q")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("question_mark")
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_help_shows_keys_after_keymap_override() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        app.set_keymap({"table.mark": "m", "desktop.refresh": "f5", "dialog.confirm": "c"})
        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        areas = {a.title: {r.description: r.keys for r in a.rows} for a in help_screen.areas}
        assert areas["Table"]["Mark"] == ["m"]
        assert areas["Desktop"]["Refresh desktop"] == ["f5"]
        assert areas["Dialogs"]["Confirm"] == ["c"]
        text = screen_text(app)
        assert re.search(r"\bm +Mark", text)
        assert re.search(r"\bf5 +Refresh desktop", text)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_collect_help_skips_idless_widget_bindings() -> None:
    app = Host()
    async with app.run_test(size=(80, 24)):
        areas = collect_help(app, app.screen)
        names = [a.name for a in areas]
        assert names[:2] == ["table", "desktop"]
        described = {r.description for a in areas for r in a.rows}
        assert "Focus Next" not in described  # the screen's tab binding has no id


# -- Snapshots --------------------------------------------------------------------------------


class SnapHost(Host):
    def __init__(self, make: Any) -> None:
        super().__init__()
        self.make = make

    def on_mount(self) -> None:
        self.open(self.make())


async def _no_blink(pilot: Pilot[Any]) -> None:
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


def test_snapshot_destroy_two_typed(snap_compare: Any) -> None:
    plan = BulkPlan(
        ActionKind.DESTROY,
        [RESEARCH, WEB],
        [(computer(3, "gone-box", "destroying"), "already being destroyed")],
    )
    app = SnapHost(lambda: ConfirmActionDialog(plan, require_typed="destroy 2"))
    assert snap_compare(app, terminal_size=(100, 30), run_before=_no_blink)


def test_snapshot_help_wide(snap_compare: Any) -> None:
    assert snap_compare(SnapHost(HelpScreen), terminal_size=(160, 48))


def test_snapshot_help_narrow(snap_compare: Any) -> None:
    assert snap_compare(SnapHost(HelpScreen), terminal_size=(80, 24))
