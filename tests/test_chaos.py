"""Chaos: the dashboard, headless, driven by a key script against `miosa-tui sim --chaos`.

The engine is scripts/chaos_soak.py (also a command: `python scripts/chaos_soak.py --minutes 3`).
The default suite runs a short pass (12 s of keys, ~25 s in all); `pytest -m soak` runs the
long one. Both must end with no crash, no worker exception, no action lost or doubled, and a
fresh refresh within two poll intervals of the faults stopping. The memory goal (<10% growth
after warm-up) is checked only by the long run: a short run is all warm-up.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from miosa_tui.cli.parser import build_parser
from miosa_tui.sim.faults import FaultConfig
from miosa_tui.sim.options import config_from_args

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import chaos_soak


def test_the_chaos_preset_is_the_documented_mix() -> None:
    """`miosa-tui sim --chaos` turns on exactly the mix the soak is specified against."""
    args = build_parser().parse_args(["sim", "--chaos"])
    faults = config_from_args(args).faults
    assert faults == FaultConfig.chaos()
    data = faults.to_json()
    for key, want in chaos_soak.CHAOS_EXPECTED.items():
        assert data[key] == want, key
    assert faults.retry_after > 0  # 429s carry Retry-After
    assert chaos_soak._verify_preset(data) == []


def assert_healthy(report: chaos_soak.SoakReport, *, memory: bool) -> None:
    print(report.table())
    assert report.crashes == 0, report.problems
    assert report.worker_errors == 0, report.problems
    assert report.lost == 0 and report.unjournaled == 0, report.problems
    assert report.doubled == 0, report.problems
    assert report.recovery_s is not None, "no good refresh after the faults stopped"
    assert report.recovery_s <= 2 * report.poll_interval + 0.5, report.recovery_s
    assert report.key_presses > 10 and report.requests_seen > 10  # it really ran
    if memory:
        assert report.memory_growth_pct < 10.0, report.table()


async def test_chaos_short(tmp_path: Path) -> None:
    report = await chaos_soak.run_soak(12, seed=11, poll_interval=1.0, workdir=tmp_path)
    assert_healthy(report, memory=False)


@pytest.mark.soak
@pytest.mark.timeout(0)  # runs for MIOSA_SOAK_MINUTES, 3 by default
async def test_chaos_soak(tmp_path: Path) -> None:
    minutes = float(os.environ.get("MIOSA_SOAK_MINUTES", "3"))
    # The fleet is held at its 12 computers (no clones past that), so memory growth measures
    # the app, not a fleet that doubled during the run.
    report = await chaos_soak.run_soak(
        60 * minutes, seed=7, poll_interval=2.0, workdir=tmp_path, max_fleet=12
    )
    assert_healthy(report, memory=True)
