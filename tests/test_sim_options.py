"""Simulator flags -> SimConfig."""

from __future__ import annotations

import argparse

import pytest

from miosa_tui.sim.faults import FaultConfig
from miosa_tui.sim.options import add_arguments, config_from_args, parse_latency


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(list(argv))


def test_defaults() -> None:
    config = config_from_args(parse())
    assert (config.fleet, config.seed, config.speed) == (12, 7, 1.0)
    assert config.faults == FaultConfig()


def test_flags() -> None:
    args = parse(
        "--fleet", "500", "--seed", "3", "--speed", "20", "--latency", "100-300",
        "--error-rate", "0.1", "--rate-limit-rate", "0.2", "--retry-after", "2",
        "--drop-rate", "0.01", "--malformed-rate", "0.02", "--unknown-status-rate", "0.03",
        "--host", "0.0.0.0", "--port", "0",
    )  # fmt: skip
    config = config_from_args(args)
    assert (config.fleet, config.seed, config.speed) == (500, 3, 20.0)
    assert config.faults == FaultConfig(
        latency_ms=(100, 300),
        error_rate=0.1,
        rate_limit_rate=0.2,
        retry_after=2.0,
        drop_rate=0.01,
        malformed_rate=0.02,
        unknown_status_rate=0.03,
    )
    assert (args.host, args.port) == ("0.0.0.0", 0)


def test_chaos_with_override() -> None:
    faults = config_from_args(parse("--chaos", "--error-rate", "0")).faults
    assert faults.error_rate == 0.0
    assert faults.rate_limit_rate == FaultConfig.chaos().rate_limit_rate


@pytest.mark.parametrize("bad", [["--error-rate", "2"], ["--speed", "0"], ["--latency", "9-1"]])
def test_bad_flags_exit(bad: list[str]) -> None:
    with pytest.raises(SystemExit):
        parse(*bad)


def test_parse_latency() -> None:
    assert parse_latency("150") == (150, 150)
    assert parse_latency("0-2000") == (0, 2000)
