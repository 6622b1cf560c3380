"""What each terminal size keeps: the header's important parts at 80 columns (error count first,
PAUSED/STALE, the last update), whole footer keys only, the ID column whole at 160 columns, and
the header's real next-poll time while the poller backs off."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
from ui_helpers import loaded, make_app, row_ids, screen_text, table, table_text, wait_for

from miosa_tui.api.models import Computer
from miosa_tui.fleet.poller import FleetState
from miosa_tui.sim.server import SimServer
from miosa_tui.ui.widgets.computer_table import ComputerTable
from miosa_tui.ui.widgets.fleet_header import FleetHeader
from miosa_tui.ui.widgets.footer import Footer
from miosa_tui.ui.widgets.status_style import elapsed


def header(
    *,
    last_success: float = 97.0,
    paused: bool = False,
    sort: str = "",
    error: str | None = None,
    next_poll: float | None = None,
) -> FleetHeader:
    """A header at clock 100 over a fleet of 8 running, 3 stopped, 1 error and 2 creating,
    last polled at `last_success` (every 5 s: stale after 15 s)."""
    fleet = FleetState()
    statuses = ["running"] * 8 + ["stopped"] * 3 + ["error"] + ["creating"] * 2
    fleet.apply([Computer(id=f"c{i}", name=f"n{i}", status=s) for i, s in enumerate(statuses)])
    fleet.last_success = last_success
    widget = FleetHeader(fleet, clock=lambda: 100.0)
    widget.simulated = True
    widget.paused, widget.sort, widget.error, widget.next_poll = paused, sort, error, next_poll
    return widget


def test_header_at_80_columns_keeps_what_matters() -> None:
    text = header(paused=True, last_success=10.0, sort="name ↑").header_text(78).plain
    assert len(text) <= 78
    assert text.index("1 error") < text.index("8 running")  # the error count comes first
    for part in ("SIMULATED", "PAUSED", "STALE", "updated 1m30s ago"):
        assert part in text, (part, text)
    assert "fleet on the embedded simulator" not in text  # the least important part went
    wide = header(paused=True, last_success=10.0, sort="name ↑").header_text(200).plain
    assert "fleet on the embedded simulator" in wide and "sort name ↑" in wide


def test_header_cuts_a_long_error_instead_of_dropping_the_badges() -> None:
    text = header(error="HTTP 503 " * 30, last_success=10.0).header_text(78).plain
    assert len(text) <= 78 and "STALE" in text and "⚠ HTTP 503" in text and text.endswith("…")


def test_header_says_when_the_next_poll_is_while_backing_off() -> None:
    calm = header().header_text(160).plain
    assert "every 5s" in calm
    backing_off = header(next_poll=120.0).header_text(160).plain
    assert "retry in 20s" in backing_off and "every 5s" not in backing_off


async def test_backoff_shows_in_the_running_app(sim: SimServer, tmp_path: Path) -> None:
    app = make_app(sim, tmp_path, poll_interval=1.0)
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot, app)
        httpx.put(sim.root_url + "/_sim/faults", json={"error_rate": 1.0}).raise_for_status()
        top = app.dashboard.query_one(FleetHeader)
        await wait_for(pilot, lambda: "retry in" in top.header_text().plain, "backing off")
        assert app.fleet.consecutive_failures >= 1
        assert "every 1s" not in top.header_text().plain


async def test_footer_keys_are_whole_and_the_id_column_is_readable(
    sim: SimServer, tmp_path: Path
) -> None:
    app = make_app(sim, tmp_path)
    for size in ((160, 48), (80, 24)):
        async with app.run_test(size=size) as pilot:
            await loaded(pilot, app)
            footer = app.dashboard.query_one(Footer)
            # some keys do not fit, at both sizes: the footer leaves them out, from the right
            await wait_for(
                pilot,
                lambda footer=footer: len(footer.spans()) < len(footer.keys),
                f"the footer fitted at {size}",
            )
            last_line = screen_text(app).splitlines()[-1]
            for span in footer.spans():  # every drawn key lies inside the footer, none cut
                assert span.end <= footer.size.width, (size, span)
                key = span.key
                assert f"{key.display} {key.description}" in last_line[span.start : span.end]
            assert "Commands" in last_line
            if size == (160, 48):
                ids = table_text(app)
                for computer in app.fleet.computers.values():
                    assert computer.id in ids  # 'comp_30f97058', not 'comp_'
            app = make_app(sim, tmp_path)


async def test_the_drawn_header_shows_what_the_fleet_says(sim: SimServer, tmp_path: Path) -> None:
    """STALE on the drawn line is `FleetState.is_stale` on the app's clock, and the screen's own
    state (PAUSED, sort) repaints the line as soon as it is set."""
    now = [1000.0]
    app = make_app(sim, tmp_path, poll_interval=1.0, clock=lambda: now[0])  # stale after 3 s
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot, app)
        top = app.dashboard.query_one(FleetHeader)

        def drawn() -> str:
            region = top.region
            return screen_text(app).splitlines()[region.y][region.x : region.right]

        await pilot.press("p")  # no poll may land in between and freshen the snapshot
        await wait_for(pilot, lambda: "PAUSED" in drawn(), "PAUSED drawn")
        assert "STALE" not in drawn() and not app.fleet.is_stale(now[0])

        def stale_drawn() -> bool:
            if not app.fleet.is_stale(now[0]):  # (a poll already on the wire may still land)
                now[0] += 60.0  # 60 intervals without a poll
            return "STALE" in drawn()

        await wait_for(pilot, stale_drawn, "STALE drawn (the header's tick)")
        age = app.fleet.age(now[0])
        assert age is not None and age >= 60.0
        assert f"updated {elapsed(age)} ago" in drawn(), drawn()
        top.sort = "name ↑"  # a reactive: set, and the line is drawn again
        await wait_for(pilot, lambda: "sort name ↑" in drawn(), "the sort drawn")
        await pilot.press("p")  # a poll on the same clock: fresh again
        await wait_for(pilot, lambda: "STALE" not in drawn(), "STALE gone")
        assert not app.fleet.is_stale(now[0]) and "updated 0s ago" in drawn(), drawn()


async def test_ids_stay_whole_when_the_rows_outgrow_the_table(
    sim_factory: Callable[..., SimServer], tmp_path: Path
) -> None:
    """A fleet taller than the screen brings a vertical scrollbar, which takes cells from the
    columns: the widths are fitted again (the ID lost its last character at 160 columns)."""
    sim = sim_factory(fleet=600)
    app = make_app(sim, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(
            pilot,
            lambda: app.fleet.last_success is not None and table(app).row_count == 600,
            "the fleet",
        )
        t = app.dashboard.query_one(ComputerTable)
        await wait_for(pilot, lambda: t.show_vertical_scrollbar, "the scrollbar")
        ids = row_ids(app)[:10]  # on screen: the cursor is on the first row
        await wait_for(
            pilot, lambda: all(f" {i} " in table_text(app) for i in ids), "whole ids drawn"
        )
