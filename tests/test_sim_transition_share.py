"""`sim --transition-share R`: that share of the fleet is starting or stopping at any time."""

from __future__ import annotations

from miosa_tui.sim.catalog import TRANSITIONAL
from miosa_tui.sim.config import SimConfig
from miosa_tui.sim.fleet import Fleet
from miosa_tui.sim.options import config_from_args


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def moving(fleet: Fleet) -> int:
    return sum(1 for c in fleet.computers.values() if c.status in TRANSITIONAL)


def test_the_share_stays_in_transition_as_transitions_end() -> None:
    clock = Clock()
    fleet = Fleet(SimConfig(fleet=400, seed=3, transition_share=0.05), clock=clock)
    for _ in range(40):  # 40 s of reads, 4 a second: every transition (3-8 s) ends meanwhile
        clock.now += 0.25
        fleet.ordered()
        assert 20 <= moving(fleet) <= 21, moving(fleet)  # 5% of 400 (+1 as one ends)
    statuses = {c.status for c in fleet.computers.values()}
    assert {"starting", "stopping"} & statuses


def test_no_share_leaves_a_settled_fleet_still() -> None:
    clock = Clock()
    fleet = Fleet(SimConfig(fleet=200, seed=3), clock=clock)
    clock.now += 60  # seeded transitions end
    fleet.ordered()
    assert moving(fleet) == 0
    clock.now += 60
    fleet.ordered()
    assert moving(fleet) == 0


def test_the_flag_reaches_the_config() -> None:
    import argparse

    from miosa_tui.sim.options import add_arguments

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    assert config_from_args(parser.parse_args(["--transition-share", "0.05"])).transition_share
    assert config_from_args(parser.parse_args([])).transition_share == 0.0
