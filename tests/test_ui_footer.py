"""The footer greys the keys that do not apply to the highlighted computer, in place, and rebuilds
itself only when the keys shown change (a rebuild mounts ~20 widgets: it must not happen on every
cursor move)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets._footer import FooterKey
from ui_helpers import highlight, loaded_app, pump, wait_for

from miosa_tui.sim.server import SimServer
from miosa_tui.ui.app import MiosaApp
from miosa_tui.ui.widgets.footer import Footer


def key_states(app: MiosaApp) -> dict[str, bool]:
    """Footer key -> enabled, as shown."""
    return {key.key: not key.has_class("-disabled") for key in app.dashboard.query(FooterKey)}


def same_kind(app: MiosaApp, status: str) -> list[str]:
    return [c.id for c in app.fleet.computers.values() if c.status == status]


async def test_footer_follows_the_highlight_without_rebuilding_needlessly(
    sim: SimServer, tmp_path: Path
) -> None:
    async with loaded_app(sim, tmp_path) as (app, pilot):
        footer = app.dashboard.query_one(Footer)
        running = same_kind(app, "running")
        stopped = same_kind(app, "stopped")
        assert len(running) >= 2 and stopped
        await highlight(pilot, app, running[0])
        await wait_for(pilot, lambda: key_states(app).get("S") is True, "stop enabled")
        assert key_states(app)["s"] is False  # start does not apply to a running computer
        builds = 0
        original = footer.recompose

        async def counted() -> None:
            nonlocal builds
            builds += 1
            await original()

        footer.recompose = counted  # type: ignore[method-assign]
        await highlight(pilot, app, running[1])  # same keys apply: nothing to rebuild
        await pump(pilot, 4)
        assert builds == 0
        keys_before = list(app.dashboard.query(FooterKey))
        await highlight(pilot, app, stopped[0])  # start applies now, stop does not
        await wait_for(pilot, lambda: key_states(app).get("s") is True, "start enabled")
        assert key_states(app)["S"] is False
        # greyed and ungreyed in place: the same keys, no rebuild
        assert builds == 0
        assert list(app.dashboard.query(FooterKey)) == keys_before
        stop_key = next(k for k in keys_before if k.key == "S")
        assert stop_key._disabled  # a click on it does nothing (FooterKey reads this)
        # other keys (the filter box has its own): rebuilt
        await pilot.press("slash")
        await wait_for(pilot, lambda: builds >= 1, "a rebuild for the filter box's keys")
        await pilot.press("escape")
        await wait_for(pilot, lambda: key_states(app).get("s") is True, "the table's keys back")
