"""Command-line flags for the simulator, shared by `miosa-tui sim` and `miosa-tui --sim`."""

from __future__ import annotations

import argparse
from dataclasses import replace
from typing import Any

from miosa_tui.sim.config import SimConfig
from miosa_tui.sim.faults import FaultConfig, FaultConfigError


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number from 0 to 1") from exc
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text} is not a number from 0 to 1")
    return value


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from exc
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text} must be greater than 0")
    return value


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from exc
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} must be 0 or more")
    return value


def parse_latency(text: str) -> tuple[int, int]:
    """'200-2000' -> (200, 2000); '150' -> (150, 150)."""
    lo_text, sep, hi_text = text.partition("-")
    try:
        lo = int(lo_text)
        hi = int(hi_text) if sep else lo
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"latency '{text}' should look like MIN-MAX in milliseconds, e.g. 200-2000"
        ) from exc
    if lo < 0 or hi < lo:
        raise argparse.ArgumentTypeError(f"latency '{text}' needs 0 <= MIN <= MAX")
    return lo, hi


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the simulator flags. Fault flags left unset keep the --chaos preset (or zero)."""
    group = parser.add_argument_group("simulator")
    group.add_argument(
        "--fleet",
        type=_non_negative_int,
        default=12,
        metavar="N",
        help="number of seeded computers (default 12)",
    )
    group.add_argument("--seed", type=int, default=7, help="fleet seed (default 7)")
    group.add_argument(
        "--speed",
        type=_positive,
        default=1.0,
        metavar="F",
        help="speed factor: transitions take duration / F (default 1)",
    )
    group.add_argument(
        "--transition-share",
        type=_rate,
        default=0.0,
        metavar="R",
        help="keep this share of the fleet starting or stopping all the time, e.g. 0.05",
    )
    group.add_argument(
        "--chaos",
        action="store_true",
        help="turn on the chaos preset: 5xx, 429s, latency, drops, bad JSON",
    )
    group.add_argument(
        "--latency",
        type=parse_latency,
        default=None,
        metavar="MIN-MAX",
        help="added latency in ms, e.g. 200-2000",
    )
    group.add_argument(
        "--error-rate",
        type=_rate,
        default=None,
        metavar="R",
        help="share of requests answered with 500/502/503",
    )
    group.add_argument(
        "--rate-limit-rate",
        type=_rate,
        default=None,
        metavar="R",
        help="share of requests answered with 429",
    )
    group.add_argument(
        "--retry-after",
        type=float,
        default=None,
        metavar="S",
        help="Retry-After seconds on 429 responses (default 1)",
    )
    group.add_argument(
        "--drop-rate",
        type=_rate,
        default=None,
        metavar="R",
        help="share of connections closed without a response",
    )
    group.add_argument(
        "--malformed-rate",
        type=_rate,
        default=None,
        metavar="R",
        help="share of responses with truncated bodies",
    )
    group.add_argument(
        "--unknown-status-rate",
        type=_rate,
        default=None,
        metavar="R",
        help="share of computers shown with an unknown status",
    )
    group.add_argument(
        "--still-desktops",
        action="store_true",
        help="desktops do not move (by default each running desktop shows an agent at work)",
    )
    group.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    group.add_argument("--port", type=_non_negative_int, default=8765,
                       help="port (default 8765; 0 picks a free one)")  # fmt: skip


def faults_from_args(args: argparse.Namespace) -> FaultConfig:
    faults = FaultConfig.chaos() if getattr(args, "chaos", False) else FaultConfig()
    changes: dict[str, Any] = {}
    if getattr(args, "latency", None) is not None:
        changes["latency_ms"] = args.latency
    for name in (
        "error_rate",
        "rate_limit_rate",
        "retry_after",
        "drop_rate",
        "malformed_rate",
        "unknown_status_rate",
    ):
        value = getattr(args, name, None)
        if value is not None:
            changes[name] = value
    try:
        return replace(faults, **changes).validate()
    except FaultConfigError as exc:
        raise SystemExit(f"miosa-tui: {exc}") from exc


def config_from_args(args: argparse.Namespace) -> SimConfig:
    """A SimConfig from parsed flags; missing attributes fall back to defaults."""
    return SimConfig(
        fleet=getattr(args, "fleet", 12),
        seed=getattr(args, "seed", 7),
        speed=getattr(args, "speed", 1.0),
        faults=faults_from_args(args),
        still_desktops=getattr(args, "still_desktops", False),
        transition_share=getattr(args, "transition_share", 0.0),
    )
