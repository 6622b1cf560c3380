"""The short switch interval while a picture is made in threads (ui/switching.py): held while the
desktop pane makes its strips, put back once it is done, whether the picture came or failed."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from test_ui_screenshot_host import HostApp, set_faults, settle

from miosa_tui.sim.server import SimServer
from miosa_tui.ui.switching import SHORT_INTERVAL, SwitchInterval
from miosa_tui.ui.widgets.desktop import display

SIZE = (160, 48)


@pytest.fixture
def default_interval() -> Iterator[float]:
    found = sys.getswitchinterval()
    sys.setswitchinterval(0.005)
    yield 0.005
    sys.setswitchinterval(found)


def test_holds_nest_and_the_last_puts_back_what_it_found(default_interval: float) -> None:
    switching = SwitchInterval(0.001)
    with switching.short():
        assert sys.getswitchinterval() == pytest.approx(0.001)
        with switching.short():
            assert sys.getswitchinterval() == pytest.approx(0.001)
        assert sys.getswitchinterval() == pytest.approx(0.001)  # the outer hold still runs
        assert switching.held
    assert sys.getswitchinterval() == pytest.approx(default_interval)
    assert not switching.held


def test_an_error_inside_still_puts_it_back(default_interval: float) -> None:
    switching = SwitchInterval(0.001)
    with pytest.raises(RuntimeError), switching.short():
        raise RuntimeError("boom")
    assert sys.getswitchinterval() == pytest.approx(default_interval)


def test_never_lengthens_a_shorter_interval() -> None:
    found = sys.getswitchinterval()
    sys.setswitchinterval(0.0005)
    try:
        with SwitchInterval(0.001).short():
            assert sys.getswitchinterval() == pytest.approx(0.0005)
    finally:
        sys.setswitchinterval(found)


def test_holds_from_many_threads_end_with_the_interval_found(default_interval: float) -> None:
    switching = SwitchInterval(0.001)
    start = threading.Barrier(8)

    def hold() -> None:
        start.wait()
        for _ in range(200):
            with switching.short():
                assert sys.getswitchinterval() == pytest.approx(0.001)

    threads = [threading.Thread(target=hold) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sys.getswitchinterval() == pytest.approx(default_interval)


async def test_the_pane_makes_its_strips_with_the_short_interval(
    sim: SimServer, default_interval: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[float] = []
    make = display.halfcell_strips

    def recording(*args: Any, **kwargs: Any) -> Any:
        seen.append(sys.getswitchinterval())
        return make(*args, **kwargs)

    monkeypatch.setattr(display, "halfcell_strips", recording)
    app = HostApp(sim.base_url)
    async with app.run_test(size=SIZE) as pilot:
        running = next(c for c in await app.load_fleet() if c.is_running)
        app.pane.show_computer(running)
        await settle(pilot)
        assert app.pane.shot is not None and app.pane.shot.computer_id == running.id
        assert seen and all(value == pytest.approx(SHORT_INTERVAL) for value in seen)
        assert sys.getswitchinterval() == pytest.approx(default_interval)
        await pilot.resize_terminal(120, 40)  # a re-fit makes the strips again, in a thread
        await settle(pilot)
        assert len(seen) >= 2 and seen[-1] == pytest.approx(SHORT_INTERVAL)
        assert sys.getswitchinterval() == pytest.approx(default_interval)


async def test_a_failed_picture_puts_the_interval_back(
    sim: SimServer, default_interval: float
) -> None:
    app = HostApp(sim.base_url)
    async with app.run_test(size=SIZE) as pilot:
        running = next(c for c in await app.load_fleet() if c.is_running)
        set_faults(sim.root_url, malformed_rate=1.0)
        app.pane.show_computer(running)
        await settle(pilot)
        assert app.pane.message.startswith("Could not load the desktop of")
        assert sys.getswitchinterval() == pytest.approx(default_interval)
