"""Issue 12's small truths and confirmations, each checked through the real app and simulator:
what the screen shows, what the toasts say, what the simulator received, what the clipboard and
the disk hold."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, OptionList, TabbedContent
from ui_helpers import (
    API_KEY,
    SIZE,
    SMALL_DESKTOPS,
    Sim,
    burst,
    cell,
    count_fetches,
    drawn_toasts,
    first_with,
    header_text,
    highlight,
    highlight_first,
    highlighted,
    loaded_app,
    make_app,
    open_screen,
    pump,
    row_ids,
    screen_text,
    table,
    wait_for,
)

from miosa_tui.backend import open_backend
from miosa_tui.config import load_config
from miosa_tui.sim.server import SimServer
from miosa_tui.ui.app import MiosaApp
from miosa_tui.ui.commands import ComputerCommands
from miosa_tui.ui.screens.confirm import ConfirmActionDialog
from miosa_tui.ui.screens.copy_menu import CopyMenu
from miosa_tui.ui.screens.forms import MoveDialog, PathDialog, ResizeDialog
from miosa_tui.ui.screens.help import HelpScreen
from miosa_tui.ui.screens.region_select import RegionFormScreen, RegionSelectScreen
from miosa_tui.ui.widgets.desktop.pane import ScreenshotPane

SIM_OPTIONS = SMALL_DESKTOPS


def words(app: MiosaApp) -> str:
    """The screen's text as one line of words: dialog borders and line breaks removed, so a
    sentence wrapped inside a box reads whole."""
    text = re.sub(r"[│┃▌▐▎▊▏╎]", " ", screen_text(app))
    return " ".join(text.split())


def svg_lines(app: MiosaApp) -> str:
    """The text of `app.export_screenshot()`, a line per terminal row (spans joined by a
    space)."""
    spans = re.findall(r">([^<]*)</text>", app.export_screenshot())
    return html.unescape(" ".join(spans)).replace("\xa0", " ")


def resize_requests(ctl: Sim) -> list[dict[str, object]]:
    return ctl.sent("POST", "/resize") + ctl.sent("PATCH", "/resize")


# -- resize and move: open on the current value, one sentence, confirmed like stop -------------


async def choose_another(
    pilot: Pilot[Any], app: MiosaApp, ctl: Sim, target: str, dialog: type[Screen[Any]], field: str
) -> str:
    """Open `dialog` on `target`: it opens on the current value, where Enter only says why
    not; ↓ picks another value, whose id is returned (the dialog still open)."""
    current = getattr(app.fleet.computers[target], field)
    await highlight(pilot, app, target)
    ctl.reset()
    await open_screen(pilot, app, "z" if field == "size" else "m", dialog, f"the {field} dialog")
    options = app.screen.query_one(OptionList)
    assert options.highlighted_option is not None
    assert options.highlighted_option.id == current
    await pilot.press("enter")  # Enter on the current value: nothing happens but a reason
    await pump(pilot, 2)
    assert isinstance(app.screen, dialog)
    already = f"Already {current}" if field == "size" else f"Already in {current}"
    assert f"{already}: choose another {field}." in screen_text(app)
    await pilot.press("down")
    chosen = options.highlighted_option
    assert chosen is not None and chosen.id is not None and chosen.id != current
    return chosen.id


async def test_resize_opens_on_the_current_size_and_asks_before_sending(
    sim: SimServer, ctl: Sim, tmp_path: Path
) -> None:
    async with loaded_app(sim, tmp_path) as (app, pilot):
        target = first_with(app, "running")
        computer = app.fleet.computers[target]
        chosen = await choose_another(pilot, app, ctl, target, ResizeDialog, "size")
        await open_screen(pilot, app, "enter", ConfirmActionDialog, "confirm")
        text = screen_text(app)
        assert f"Resize {computer.name} from {computer.size} to {chosen}? It will reboot." in text
        assert app.focused is not None and app.focused.id == "cancel"
        await pump(pilot, 4)
        assert ctl.mutating() == []  # nothing before the answer
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is app.dashboard, "cancelled")
        await pump(pilot, 4)
        assert ctl.mutating() == []
        # and confirmed: one request, the chosen size
        await open_screen(pilot, app, "z", ResizeDialog, "the dialog again")
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmActionDialog), "confirm")
        await pilot.press("y")
        await wait_for(pilot, lambda: resize_requests(ctl), "the resize request")
        [request] = resize_requests(ctl)
        assert request["json"] == {"size": chosen}
        assert f"/computers/{target}/" in str(request["path"])


async def test_move_says_what_a_move_does_and_sends_nothing_until_confirmed(
    sim: SimServer, ctl: Sim, tmp_path: Path
) -> None:
    async with loaded_app(sim, tmp_path) as (app, pilot):
        target = first_with(app, "stopped")
        computer = app.fleet.computers[target]
        region = await choose_another(pilot, app, ctl, target, MoveDialog, "region")
        await open_screen(pilot, app, "enter", ConfirmActionDialog, "confirm")
        assert (
            f"Move {computer.name} from {computer.region} to {region}? It gets a new host and"
            " a new IP address in that region. It stays stopped."
        ) in words(app)
        await pump(pilot, 4)
        assert ctl.mutating() == []
        await pilot.press("y")
        await wait_for(pilot, lambda: ctl.sent("POST", "/move"), "the move request")
        assert [r["json"] for r in ctl.sent("POST", "/move", target)] == [{"region": region}]
        await wait_for(pilot, lambda: cell(app, target, "region") == region, "the new region")
        assert cell(app, target, "ip") != computer.ip_address  # a new IP, as the dialog said


async def test_resize_without_confirm_stop_sends_after_the_choice(
    sim: SimServer, ctl: Sim, tmp_path: Path
) -> None:
    async with loaded_app(sim, tmp_path, confirm_stop=False) as (app, pilot):
        await highlight_first(pilot, app, "stopped")
        ctl.reset()
        await open_screen(pilot, app, "z", ResizeDialog, "the resize dialog")
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: resize_requests(ctl), "sent without a second question")
        assert len(resize_requests(ctl)) == 1


# -- refusals say why ---------------------------------------------------------------------------


async def test_keys_and_palette_on_an_error_computer_say_why(
    sim: SimServer, ctl: Sim, tmp_path: Path
) -> None:
    async with loaded_app(sim, tmp_path, notifications=True) as (app, pilot):
        target = first_with(app, "error")
        name = app.fleet.computers[target].name
        await highlight(pilot, app, target)
        ctl.reset()
        await pilot.press("s")
        await wait_for(
            pilot,
            lambda: any(f"{name} is in error: it can't be started" in t for t in drawn_toasts(app)),
            "the start refusal",
        )
        await pilot.press("r")
        await wait_for(
            pilot,
            lambda: any(
                f"{name} is in error: it can't be restarted" in t for t in drawn_toasts(app)
            ),
            "the restart refusal",
        )
        app.clear_notifications()
        restart = [cb for title, cb, _h in ComputerCommands(app.screen)._commands()]
        titles = [title for title, _cb, _h in ComputerCommands(app.screen)._commands()]
        restart[titles.index("Restart")]()
        await wait_for(
            pilot,
            lambda: any(
                f"{name} is in error: it can't be restarted" in t for t in drawn_toasts(app)
            ),
            "the palette's restart refusal",
        )
        await pump(pilot, 4)
        assert ctl.mutating() == []
        assert app.screen is app.dashboard


async def test_read_only_keys_say_so_and_help_shows_them_disabled(
    sim: SimServer, ctl: Sim, tmp_path: Path
) -> None:
    async with loaded_app(sim, tmp_path, read_only=True, notifications=True) as (app, pilot):
        await highlight(pilot, app, first_with(app, "running"))
        ctl.reset()
        await pilot.press("d")
        await wait_for(
            pilot,
            lambda: "Read-only mode: destroy is disabled." in drawn_toasts(app),
            "the read-only refusal",
        )
        await pilot.press("S")
        await wait_for(
            pilot, lambda: "Read-only mode: stop is disabled." in drawn_toasts(app), "stop"
        )
        assert app.screen is app.dashboard
        assert ctl.mutating() == []
        app.clear_notifications()
        await open_screen(pilot, app, "question_mark", HelpScreen, "help")
        await wait_for(pilot, lambda: "Keys" in screen_text(app), "the help box drawn")
        text = screen_text(app)
        for label in ("Start", "Stop", "Destroy", "Resize", "Move"):
            assert f"{label} (read-only)" in text
        assert "Filter (read-only)" not in text and "Filter" in text


async def test_help_lists_o_and_G_once_and_mutating_keys_plainly(
    sim: SimServer, tmp_path: Path
) -> None:
    async with loaded_app(sim, tmp_path) as (app, pilot):
        await open_screen(pilot, app, "question_mark", HelpScreen, "help")
        lines = screen_text(app).splitlines()
        for key in ("o", "G"):
            rows = [line for line in lines if re.search(rf"(^|[│\s]){key}\s{{2,}}\S", line)]
            assert len(rows) == 1, rows
        assert "(read-only)" not in screen_text(app)


# -- the small truths ---------------------------------------------------------------------------


async def test_pending_label_counts_from_the_request(
    sim_factory: Callable[..., SimServer], tmp_path: Path
) -> None:
    slow = sim_factory(width=320, height=200, speed=0.05)  # a start takes minutes
    now = [1000.0]
    app = make_app(slow, tmp_path, clock=lambda: now[0])
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: table(app).row_count == 12, "the first poll")
        target = await highlight_first(pilot, app, "stopped")
        now[0] += 52.0  # the row has shown "stopped" for 52 s
        await pilot.press("s")
        # "stopped → running 0s" until a poll shows the start, then "starting 0s": either way
        # counted from the request, never "52s"
        await wait_for(pilot, lambda: cell(app, target, "status")[0] != "●", "the spinner")
        label = cell(app, target, "status")
        assert re.fullmatch(r"\S (stopped → running|starting) 0s", label), label
        now[0] += 3.0
        await wait_for(pilot, lambda: cell(app, target, "status").endswith(" 3s"), "tick")


async def test_ctrl_r_while_paused_polls_once_and_stays_paused(
    sim: SimServer, ctl: Sim, tmp_path: Path
) -> None:
    async with loaded_app(sim, tmp_path, poll_interval=0.3, notifications=True) as (app, pilot):
        asked = count_fetches(app)  # the poll count each time the poller asks for a listing
        await pilot.press("p")
        assert "PAUSED" in header_text(app)
        # The poller came round after the pause (a request on the wire has finished) and is held.
        await wait_for(pilot, lambda: asked, "the poller asking while paused")
        before = ctl.list_count()
        await pump(pilot, 6)
        assert ctl.list_count() == before
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: ctl.list_count() == before + 1, "one refresh")
        await wait_for(
            pilot,
            lambda: "Refreshed once; still paused (p resumes)" in drawn_toasts(app),
            "the toast",
        )
        # After the refresh the poller came round again and is held again: only then does
        # "no more listings" mean something.
        await wait_for(pilot, lambda: len(asked) >= 2, "the poller held again after the refresh")
        await pump(pilot, 12)  # several poll intervals
        assert ctl.list_count() == before + 1
        assert "PAUSED" in header_text(app)
        await pilot.press("p")
        await wait_for(pilot, lambda: ctl.list_count() >= before + 3, "polling resumes")


async def test_saving_twice_keeps_both_files_and_the_clipboard(
    sim: SimServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    async with loaded_app(sim, tmp_path) as (app, pilot):
        target = await highlight_first(pilot, app, "running")
        pane = app.dashboard.query_one(ScreenshotPane)
        await wait_for(
            pilot, lambda: pane.shot is not None and pane.shot.computer_id == target, "a shot"
        )
        app.copy_to_clipboard("what the user copied before")
        saved: list[Path] = []
        for _ in range(2):
            await open_screen(pilot, app, "e", PathDialog, "save dialog")
            await pilot.press("enter")
            await wait_for(pilot, lambda: app.screen is app.dashboard, "saved")
            assert pane.saved_path is not None
            saved.append(pane.saved_path)
        assert saved[0] != saved[1]
        assert all(p.is_file() and p.parent == tmp_path.resolve() for p in saved)
        assert app.clipboard == "what the user copied before"
        # typing an existing name: the first Enter warns, the file is untouched
        first_bytes = saved[0].read_bytes()
        saved[0].write_bytes(b"keep me")
        await open_screen(pilot, app, "e", PathDialog, "save dialog")
        app.screen.query_one(Input).value = str(saved[0])
        await pilot.press("enter")
        await pump(pilot, 2)
        assert isinstance(app.screen, PathDialog)
        assert "exists: enter again to replace it" in screen_text(app)
        assert saved[0].read_bytes() == b"keep me"
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is app.dashboard, "replaced on purpose")
        assert saved[0].read_bytes() == first_bytes


async def test_demo_with_a_key_does_not_say_there_is_no_key(tmp_path: Path) -> None:
    from miosa_tui.sim.config import SimConfig

    config = load_config(
        environ={"MIOSA_API_KEY": "msk_u_real_key_1234"}, path=tmp_path / "none.toml"
    )
    backend = open_backend(config, demo=True, sim_config=SimConfig(fleet=3, seed=7))
    try:
        app = MiosaApp(backend=backend, config=config, poll_interval=0.5)
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            # The greeting's own text, not just a toast: one just mounted can sit where its
            # region is not painted yet (a CI run read the footer's line there).
            await wait_for(pilot, lambda: _greeting(app) is not None, "the greeting")
            greeting = _greeting(app) or ""
            assert "No MIOSA_API_KEY" not in greeting
            assert greeting.startswith("Simulated fleet --demo: this is a SIMULATED fleet")
            assert "Your API key is not used" in greeting
    finally:
        backend.close()


async def test_no_key_greeting_unchanged(sim: SimServer, tmp_path: Path) -> None:
    app = make_app(sim, tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, lambda: _greeting(app) is not None, "the greeting")
        assert (_greeting(app) or "").startswith(
            "Simulated fleet No MIOSA_API_KEY: this is a SIMULATED"
        )


def _greeting(app: MiosaApp) -> str | None:
    """The drawn toast that says the fleet is simulated, if one is on screen."""
    return next((text for text in drawn_toasts(app) if "SIMULATED" in text), None)


async def test_typed_destroy_opens_in_the_name_field(
    sim: SimServer, ctl: Sim, tmp_path: Path
) -> None:
    async with loaded_app(sim, tmp_path) as (app, pilot):
        await highlight_first(pilot, app, "running")
        ctl.reset()
        await open_screen(pilot, app, "d", ConfirmActionDialog, "the dialog")
        assert app.focused is not None and app.focused.id == "typed"
        await burst(pilot, "y", "enter")  # lands in the field: not the name, nothing happens
        await pump(pilot, 4)
        assert isinstance(app.screen, ConfirmActionDialog)
        assert app.screen.query_one("#typed", Input).value == "y"
        assert ctl.mutating() == []


async def test_copy_menu_hint_matches_its_entries(sim: SimServer, tmp_path: Path) -> None:
    async with loaded_app(sim, tmp_path) as (app, pilot):
        await highlight(pilot, app, first_with(app, "running"))
        await open_screen(pilot, app, "Y", CopyMenu, "the copy menu")
        count = app.screen.query_one(OptionList).option_count
        assert 1 < count <= 5
        text = screen_text(app)
        assert f"enter/1-{count} copy" in text
        assert "1-5" not in text or count == 5


async def test_region_numbers_sentence_is_whole(sim: SimServer, tmp_path: Path) -> None:
    async with loaded_app(sim, tmp_path) as (app, pilot):
        await highlight(pilot, app, first_with(app, "running"))
        pane = app.dashboard.query_one(ScreenshotPane)
        await wait_for(pilot, lambda: pane.shot is not None, "a desktop shot")
        await open_screen(pilot, app, "x", RegionSelectScreen, "select")
        await open_screen(pilot, app, "n", RegionFormScreen, "the form")
        # From the SVG export: the compositor read-back of this modal over the region picker
        # omits the form (the export shows what the terminal gets).
        await wait_for(pilot, lambda: "Region in 0-1000" in svg_lines(app), "painted", tries=40)
        lines = svg_lines(app).splitlines()
        [at] = [i for i, line in enumerate(lines) if "Region in 0-1000 space" in line]
        # wrapped, not cut: the second line ends the sentence inside the box
        assert "(x, y of the top-left corner," in lines[at]
        assert re.search(r"█ width, height\) +█", lines[at + 1]), lines[at + 1]


async def test_i_switches_to_details_from_the_access_panel(sim: SimServer, tmp_path: Path) -> None:
    async with loaded_app(sim, tmp_path) as (app, pilot):
        tabs = app.dashboard.query_one(TabbedContent)
        await pilot.press("a")
        await wait_for(pilot, lambda: tabs.active == "tab-access", "the Access tab")
        assert app.focused is not None and app.dashboard.query_one("#access") in (
            app.focused.ancestors_with_self
        )
        await pilot.press("i")
        await pump(pilot, 2)
        assert tabs.active == "tab-details"
        assert "preview domain" in screen_text(app)  # a Details-only field is on screen


async def test_home_and_end_move_to_the_first_and_last_row(sim: SimServer, tmp_path: Path) -> None:
    async with loaded_app(sim, tmp_path) as (app, pilot):
        rows = row_ids(app)
        await highlight(pilot, app, rows[4])
        await pilot.press("end")
        assert highlighted(app) == rows[-1]
        await pilot.press("home")
        assert highlighted(app) == rows[0]
        assert table(app).scroll_x == 0


async def test_bulk_action_gives_one_summary_toast(
    sim: SimServer, ctl: Sim, tmp_path: Path
) -> None:
    async with loaded_app(sim, tmp_path, notifications=True) as (app, pilot):
        stopped = [cid for cid in row_ids(app) if app.fleet.computers[cid].status == "stopped"]
        assert len(stopped) >= 2
        await pilot.press("p")  # the app keeps its view while another client destroys one
        await pump(pilot, 6)
        ctl.http.delete(
            f"/api/v1/computers/{stopped[0]}", headers={"Authorization": f"Bearer {API_KEY}"}
        ).raise_for_status()
        app.clear_notifications()
        await pilot.press("ctrl+a", "s")
        skipped = len(row_ids(app)) - len(stopped)
        expected = f"Started {len(stopped) - 1}, 1 failed, {skipped} skipped: see the journal (j)."
        await wait_for(pilot, lambda: expected in drawn_toasts(app), expected)
        await pump(pilot, 4)
        assert [t for t in drawn_toasts(app) if t.startswith(("Start", "start"))] == [expected]
        assert len(ctl.sent("POST", "/start")) == len(stopped)
