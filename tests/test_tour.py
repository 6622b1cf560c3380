"""`miosa-tui tour`: the guided walk through the product, driven with Pilot on the simulator.

What is asserted is what the screen shows (the caption, the dialogs each step opens) and what the
simulator received (the tour's start and clone are real requests; its destroy is cancelled).
"""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from ui_helpers import Sim, loaded, make_app, pump, screen_text, wait_for

from miosa_tui.sim.server import SimServer
from miosa_tui.ui.app import MiosaApp
from miosa_tui.ui.screens.forms import CloneDialog
from miosa_tui.ui.screens.region_select import RegionSelectScreen
from miosa_tui.ui.tour import STEPS, Tour
from miosa_tui.ui.widgets.tour_caption import TourCaption


def touring(sim: SimServer, tmp_path: Path, auto: float | None = None) -> MiosaApp:
    app = make_app(sim, tmp_path)
    app.tour = Tour(auto_seconds=auto)
    return app


def caption_says(app: MiosaApp, number: int) -> bool:
    return f"Tour {number}/{len(STEPS)} · {STEPS[number - 1].title}" in screen_text(app)


async def at_step(pilot: Pilot[None], app: MiosaApp, number: int) -> None:
    await wait_for(pilot, lambda: caption_says(app, number), f"the caption of step {number}")


async def to_the_clone_form(pilot: Pilot[None], app: MiosaApp) -> None:
    """From the tour's start, space to step 6 and wait for its clone form."""
    await loaded(pilot, app)
    await at_step(pilot, app, 1)
    await pilot.press(*["space"] * 5)
    await at_step(pilot, app, 6)
    await wait_for(pilot, lambda: isinstance(app.screen, CloneDialog), "the clone form")


async def test_auto_tour_reaches_its_last_step_and_exits_0(sim: SimServer, tmp_path: Path) -> None:
    app = touring(sim, tmp_path, auto=1.0)
    seen: set[int] = set()
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot, app)

        def progress() -> bool:
            # The caption as drawn, read from its widget (cheap enough to sample every step).
            for caption in app.screen.query(TourCaption):
                text = str(caption.render())
                seen.update(n for n in range(1, len(STEPS) + 1) if f"Tour {n}/" in text)
            return app.tour is not None and app.tour.finished

        await wait_for(pilot, progress, "the end of the tour", tries=2000)
    assert app.return_code == 0
    assert len(STEPS) in seen, f"the last step was never shown (saw {sorted(seen)})"
    sent = Sim(sim)
    assert sent.sent("POST", "/start"), "the tour starts a computer"
    assert sent.sent("POST", "/clone"), "the tour clones a computer"
    assert not sent.sent("DELETE"), "the tour never destroys anything"


async def test_space_walks_every_step_with_its_caption(sim: SimServer, tmp_path: Path) -> None:
    app = touring(sim, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot, app)
        for number in range(1, len(STEPS) + 1):
            await at_step(pilot, app, number)
            await pilot.press("space")
        await wait_for(pilot, lambda: app.tour is not None and app.tour.finished, "the end")
        await wait_for(pilot, lambda: app.screen is app.dashboard, "every dialog closed")
    assert Sim(sim).sent("POST", "/clone"), "step 6 clones for real"
    assert not Sim(sim).sent("DELETE"), "step 8 destroys nothing"


async def test_space_and_arrows_walk_the_steps_and_escape_ends(
    sim: SimServer, tmp_path: Path
) -> None:
    app = touring(sim, tmp_path)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await loaded(pilot, app)
        await at_step(pilot, app, 1)
        await pilot.press("space")
        await at_step(pilot, app, 2)
        await pilot.press("right", "right")
        await at_step(pilot, app, 4)
        await wait_for(pilot, lambda: isinstance(app.screen, RegionSelectScreen), "region select")
        await pilot.press("left")
        await at_step(pilot, app, 3)
        await wait_for(pilot, lambda: app.screen is app.dashboard, "region select closed")
        await pilot.press("escape")
        await wait_for(pilot, lambda: "Tour over" in screen_text(app), "the end")
        assert "Tour 3/" not in screen_text(app)
        # After the tour the keys are the dashboard's again: escape, arrows and space as usual.
        await pilot.press("space")
        await wait_for(pilot, lambda: "1 marked" in screen_text(app), "space marks a row")


async def test_any_other_key_hands_control_to_the_presenter(sim: SimServer, tmp_path: Path) -> None:
    app = touring(sim, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot, app)
        await at_step(pilot, app, 1)
        await pilot.press("down")
        await wait_for(pilot, lambda: "You have the keys" in screen_text(app), "the handover")
        # The presenter's keys work as always: space marks, escape is not the tour's.
        await pilot.press("space")
        await wait_for(pilot, lambda: "1 marked" in screen_text(app), "space marks a row")
        assert caption_says(app, 1)
        await pilot.press("right")  # → takes the tour up again
        await at_step(pilot, app, 2)
        assert "You have the keys" not in screen_text(app)


async def test_fast_presses_never_send_a_step_keys_to_the_wrong_screen(
    sim: SimServer, tmp_path: Path
) -> None:
    """Seven spaces at once: the tour lands on step 8 with the destroy dialog open and nothing
    else left open under it (steps passed over while keys were landing are skipped)."""
    app = touring(sim, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot, app)
        await at_step(pilot, app, 1)
        await pilot.press(*["space"] * 7)
        await at_step(pilot, app, 8)
        await wait_for(pilot, lambda: "Destroy " in screen_text(app), "the destroy dialog")
        assert app.screen_stack[-2] is app.dashboard, [type(s).__name__ for s in app.screen_stack]
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is app.dashboard, "the dialog closed")
    assert not Sim(sim).sent("DELETE")


async def test_leaving_the_clone_step_sends_the_proposed_name_and_opens_the_journal(
    sim: SimServer, tmp_path: Path
) -> None:
    """Space on step 6: the clone form is sent with the name it proposed (the next step's `j`
    once landed in the name field first, creating a computer named `j`), then step 7's journal
    opens on the dashboard."""
    app = touring(sim, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await to_the_clone_form(pilot, app)
        await pilot.press("space")
        await at_step(pilot, app, 7)
        await wait_for(pilot, lambda: Sim(sim).sent("POST", "/clone"), "the clone request")
        await wait_for(
            pilot,
            lambda: any(
                " clone " in line and "sent" in line for line in screen_text(app).splitlines()
            ),
            "step 7's journal, with the clone in it",
        )
        names = [c.name for c in app.dashboard.visible_computers()]
        assert "j" not in names, names
        assert "Clone: j " not in screen_text(app)
        assert any(name.endswith("-clone") for name in names), names


async def test_toasts_never_cover_the_caption(sim: SimServer, tmp_path: Path) -> None:
    """At 80x24 a toast (the --demo greeting, a step's "Start: …") sat over the right half of the
    caption, cutting every line of it; during a tour toasts stand above the caption."""
    from textual.widgets._toast import Toast

    app = touring(sim, tmp_path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await loaded(pilot, app)
        await at_step(pilot, app, 1)
        app.notify("A toast long enough to wrap over three lines of the right half of the screen.")
        await wait_for(pilot, lambda: bool(app.screen.query(Toast)), "the toast")
        await pilot.pause()
        caption = app.screen.query_one(TourCaption).region
        for toast in app.screen.query(Toast):
            assert not toast.region.overlaps(caption), (toast.region, caption)
        assert "esc ends" in screen_text(app)


async def test_back_or_escape_from_the_clone_step_clones_nothing(
    sim: SimServer, tmp_path: Path
) -> None:
    """← on step 6 (to read step 5 again) and escape (to end the tour) used to press Enter in
    the clone form, creating a computer; they cancel it. Only going on sends the clone."""
    app = touring(sim, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await to_the_clone_form(pilot, app)
        await pilot.press("left")
        await at_step(pilot, app, 5)
        await wait_for(pilot, lambda: app.screen is app.dashboard, "the clone form closed")
        await pilot.press("right")
        await at_step(pilot, app, 6)
        await wait_for(pilot, lambda: isinstance(app.screen, CloneDialog), "the clone form again")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.tour is not None and app.tour.finished, "the end")
        await wait_for(pilot, lambda: app.screen is app.dashboard, "the clone form closed")
        await pump(pilot, 10)
    assert not Sim(sim).sent("POST", "/clone"), "nothing was cloned"
