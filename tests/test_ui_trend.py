"""The triage bar's trends are drawn from zero: a bar's height reads as the count it stands for.

Textual's Sparkline scaled a line between its own least and greatest points: on the simulator's
12 computers one stop (8 → 7 running) drew a fall from the full bar to the lowest, and the one
computer in error, a problem at every poll, drew as the lowest bar throughout (as no problem).
"""

from __future__ import annotations

from pathlib import Path

import httpx
from ui_helpers import API_KEY, SMALL_DESKTOPS, loaded_app, region_text, wait_for

from miosa_tui.sim.server import SimServer
from miosa_tui.ui.widgets.trend import BARS, Trend, bars

SIM_OPTIONS = SMALL_DESKTOPS


def test_a_count_is_drawn_as_its_share_of_the_top() -> None:
    assert bars([0, 6, 12], 3, 12) == "▁▅█"
    assert bars([7, 8], 4, 12) == "▅▅▆▆"  # 7 and 8 of 12: near each other, as they are


def test_a_count_above_zero_is_never_drawn_as_zero() -> None:
    assert bars([1, 1, 1], 3, 1) == "███"  # the same problem at every poll
    assert bars([1, 0], 2, 10_000) == "▂▁"  # 1 of 10,000: the least bar above zero
    assert bars([], 3, 5) == "▁▁▁"


def test_more_points_than_cells_keep_each_share_s_largest() -> None:
    points = [0.0] * 40
    points[17] = 4  # one poll's spike among 40, in 8 cells
    assert bars(points, 8, 4) == "▁▁▁█▁▁▁▁"
    assert len(bars(list(range(120)), 16, 119)) == 16


def test_fewer_points_than_cells_span_them() -> None:
    assert bars([2, 4], 6, 4) == "▅▅▅███"
    assert bars([3], 0, 3) == ""


def _drawn(app: object, trend: Trend) -> str:
    return region_text(app, trend.region)  # type: ignore[arg-type]


async def test_the_bar_draws_a_stop_and_a_lasting_problem_as_they_are(
    sim: SimServer, tmp_path: Path
) -> None:
    async with loaded_app(sim, tmp_path) as (app, pilot):
        bar = app.dashboard.query_one("#trend-running", Trend)
        problems = app.dashboard.query_one("#trend-problems", Trend)
        running = [c for c in app.fleet.computers.values() if c.status == "running"]
        assert app.triage.problems, "the simulator's fleet has a computer in error"
        await wait_for(pilot, lambda: len(problems.points) >= 2, "two polls")
        # The problem is there at every poll: never the lowest bar (zero), the full one at its
        # most. Running: 7 or 8 of 12 (a first poll may catch one still starting), drawn as
        # that share, neither the lowest bar nor the full one.
        assert set(problems.points) == {1.0}, problems.points
        assert _drawn(app, problems) == "█" * 16
        drawn = _drawn(app, bar)
        assert drawn == bars(bar.points, 16, 12) and not {"▁", "█"} & set(drawn), drawn

        headers = {"Authorization": f"Bearer {API_KEY}"}
        with httpx.Client(base_url=sim.base_url, headers=headers) as client:
            client.post(f"/computers/{running[0].id}/stop").raise_for_status()
        await wait_for(pilot, lambda: bar.points[-1] == len(running) - 1, "the stop polled")
        await pilot.pause()
        drawn = _drawn(app, bar)
        levels = [BARS.index(cell) for cell in drawn]
        # One computer of 12 fewer: one step down, never from the full bar to the lowest.
        assert max(levels) - levels[-1] == 1, drawn
        assert 0 not in levels and len(drawn) == 16, drawn
