"""The key bar draws the keys that apply to the highlighted computer and greys the others, on one
line of one widget (it mounts nothing, whatever changes); a click presses a key, and a greyed key
only rings the bell."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from rich.segment import Segment
from ui_helpers import highlight, loaded_app, pump, wait_for

from miosa_tui.sim.server import SimServer
from miosa_tui.ui.app import MiosaApp
from miosa_tui.ui.widgets.footer import Footer
from miosa_tui.ui.widgets.journal_pane import JournalPane

MUTATING = {"POST", "PUT", "PATCH", "DELETE"}


def footer_segments(app: MiosaApp) -> list[Segment]:
    """The last line on screen, as drawn (colours after Textual's filters)."""
    return list(app.screen._compositor.render_strips()[-1])


def drawn_keys(app: MiosaApp) -> dict[str, bool]:
    """Key as drawn -> drawn like an enabled key (the command palette key's colour, which is
    always enabled) rather than greyed."""
    segments = footer_segments(app)
    palette = next(s for s in segments if s.text == "^p")
    assert palette.style is not None
    drawn: dict[str, bool] = {}
    for segment in segments:
        text = segment.text
        if len(text) >= 3 and text[0] == " " and text[-1] == " " and " " not in text[1:-1]:
            assert segment.style is not None
            drawn[text[1:-1]] = segment.style.color == palette.style.color
    return drawn


def sim_requests(sim: SimServer) -> list[dict[str, Any]]:
    """Every request the simulator received, oldest first."""
    answer: list[dict[str, Any]] = httpx.get(sim.root_url + "/_sim/requests").json()
    return answer


def same_kind(app: MiosaApp, status: str) -> list[str]:
    return [c.id for c in app.fleet.computers.values() if c.status == status]


async def test_footer_follows_the_highlight_on_one_widget(sim: SimServer, tmp_path: Path) -> None:
    async with loaded_app(sim, tmp_path) as (app, pilot):
        footer = app.dashboard.query_one(Footer)
        running = same_kind(app, "running")
        stopped = same_kind(app, "stopped")
        assert running and stopped
        await highlight(pilot, app, running[0])
        await wait_for(pilot, lambda: drawn_keys(app).get("S") is True, "stop drawn enabled")
        assert drawn_keys(app)["s"] is False  # start does not apply to a running computer
        await highlight(pilot, app, stopped[0])  # start applies now, stop does not
        await wait_for(pilot, lambda: drawn_keys(app).get("s") is True, "start drawn enabled")
        assert drawn_keys(app)["S"] is False
        assert not footer.children  # nothing mounted for the keys, ever
        # the filter box has keys of its own: the table's keys go, and come back after it
        await pilot.press("slash")
        await wait_for(pilot, lambda: "s" not in drawn_keys(app), "the filter box's keys")
        await pilot.press("escape")
        await wait_for(pilot, lambda: drawn_keys(app).get("s") is True, "the table's keys back")
        assert app.dashboard.query_one(Footer) is footer and not footer.children


async def test_a_click_presses_a_key_and_a_greyed_key_does_nothing(
    sim: SimServer, tmp_path: Path
) -> None:
    async with loaded_app(sim, tmp_path) as (app, pilot):
        footer = app.dashboard.query_one(Footer)
        running = same_kind(app, "running")
        await highlight(pilot, app, running[0])
        await wait_for(pilot, lambda: drawn_keys(app).get("s") is False, "start greyed")
        spans = {span.key.key: span for span in footer.spans()}
        bells: list[None] = []
        app.bell = lambda: bells.append(None)  # type: ignore[method-assign]
        before = len(sim_requests(sim))
        assert await pilot.click(Footer, offset=(spans["s"].start + 1, 0))
        await wait_for(pilot, lambda: bells, "the bell for a greyed key")
        await pump(pilot, 4)
        assert not [r for r in sim_requests(sim)[before:] if r["method"] in MUTATING]
        assert "Journal" not in footer_text_above(app)
        # an enabled key: the journal opens, as if `j` had been pressed
        assert await pilot.click(Footer, offset=(spans["j"].start + 1, 0))
        await wait_for(pilot, lambda: "Journal" in footer_text_above(app), "the journal shown")
        assert app.dashboard.query_one(JournalPane).display


def footer_text_above(app: MiosaApp) -> str:
    """Every line but the footer's."""
    return "\n".join(s.text for s in app.screen._compositor.render_strips()[:-1])
