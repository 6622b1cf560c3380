"""Fault injection for the simulator: the ways a real API misbehaves, as dialable rates.

Faults apply to `/api/v1` only (never to `/_sim`), so a test can always read stats and reset
faults even while the API is on fire. Each request draws its fate once from a seeded RNG, in this
order: latency, drop, 429, 5xx, then (after the route ran) malformed body. Unknown statuses are
applied per computer while serialising, so a list can mix normal and odd statuses.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, replace
from typing import Any, Literal

UNKNOWN_STATUSES = ("hibernating", "migrating", "suspended")

Fate = Literal["ok", "drop", "rate_limit", "error"]

_RATE_FIELDS = (
    "error_rate",
    "rate_limit_rate",
    "drop_rate",
    "malformed_rate",
    "unknown_status_rate",
)


class FaultConfigError(ValueError):
    """A fault setting that makes no sense (rate outside 0-1, negative latency)."""


@dataclass(frozen=True, slots=True)
class FaultConfig:
    """Rates are shares of /api/v1 requests (0.0-1.0); latency is a uniform [min, max] in ms."""

    latency_ms: tuple[int, int] = (0, 0)
    error_rate: float = 0.0
    rate_limit_rate: float = 0.0
    retry_after: float = 1.0
    drop_rate: float = 0.0
    malformed_rate: float = 0.0
    unknown_status_rate: float = 0.0

    @classmethod
    def chaos(cls) -> FaultConfig:
        """The preset behind `--chaos`: a bad day at the API, still usable."""
        return cls(
            latency_ms=(200, 2000),
            error_rate=0.20,
            rate_limit_rate=0.05,
            retry_after=1.0,
            drop_rate=0.02,
            malformed_rate=0.01,
            unknown_status_rate=0.01,
        )

    @property
    def active(self) -> bool:
        return self.latency_ms[1] > 0 or any(getattr(self, f) > 0 for f in _RATE_FIELDS)

    def validate(self) -> FaultConfig:
        lo, hi = self.latency_ms
        if lo < 0 or hi < lo:
            raise FaultConfigError("latency_ms must be [min, max] with 0 <= min <= max")
        for name in _RATE_FIELDS:
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise FaultConfigError(f"{name} must be a number from 0 to 1")
        if self.retry_after < 0:
            raise FaultConfigError("retry_after must be 0 or more seconds")
        return self

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["latency_ms"] = list(self.latency_ms)
        return data

    def updated(self, changes: dict[str, Any]) -> FaultConfig:
        """Apply a partial JSON update (PUT /_sim/faults); unknown keys are an error."""
        known = {*_RATE_FIELDS, "latency_ms", "retry_after"}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise FaultConfigError(f"unknown fault setting(s): {', '.join(unknown)}")
        kwargs: dict[str, Any] = {}
        try:
            for key, value in changes.items():
                if key == "latency_ms":
                    if isinstance(value, (int, float)):
                        kwargs[key] = (int(value), int(value))
                    else:
                        lo, hi = value
                        kwargs[key] = (int(lo), int(hi))
                else:
                    if isinstance(value, bool) or not isinstance(value, (int, float)):
                        raise FaultConfigError(f"{key} must be a number")
                    kwargs[key] = float(value)
        except (TypeError, ValueError) as exc:
            if isinstance(exc, FaultConfigError):
                raise
            raise FaultConfigError("latency_ms must be [min, max] in milliseconds") from exc
        return replace(self, **kwargs).validate()


class FaultInjector:
    """Holds the live FaultConfig (swappable at run time) and the RNG that decides fates."""

    def __init__(self, config: FaultConfig, seed: int = 0) -> None:
        self.config = config.validate()
        self._rng = random.Random(seed ^ 0x5EED)

    def latency_s(self) -> float:
        lo, hi = self.config.latency_ms
        if hi <= 0:
            return 0.0
        return self._rng.uniform(lo, hi) / 1000.0

    def fate(self) -> Fate:
        cfg = self.config
        if cfg.drop_rate and self._rng.random() < cfg.drop_rate:
            return "drop"
        if cfg.rate_limit_rate and self._rng.random() < cfg.rate_limit_rate:
            return "rate_limit"
        if cfg.error_rate and self._rng.random() < cfg.error_rate:
            return "error"
        return "ok"

    def error_status(self) -> int:
        return self._rng.choice((500, 502, 503))

    def malformed(self) -> bool:
        rate = self.config.malformed_rate
        return bool(rate) and self._rng.random() < rate

    def unknown_status(self) -> str | None:
        rate = self.config.unknown_status_rate
        if rate and self._rng.random() < rate:
            return self._rng.choice(UNKNOWN_STATUSES)
        return None
