"""Turns request-body values into catalogue values, or a 422 that names the field.

Kept apart from the fleet so every route validates a name, size or region the same way, with the
same message, before any state changes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from miosa_tui.sim.catalog import MAX_NAME, REGIONS, SIZE_ALIASES, SIZES, TEMPLATES, VISIBILITIES
from miosa_tui.sim.errors import invalid


def parse_name(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise invalid("name", "can't be blank")
    text = value.strip()
    if len(text) > MAX_NAME:
        raise invalid("name", f"must be at most {MAX_NAME} characters")
    return text


def parse_size(value: object) -> str:
    """A catalogue size; case and the `xlarge` alias are forgiven, as P and T do."""
    if not isinstance(value, str) or not value.strip():
        raise invalid("size", f"must be one of {', '.join(SIZES)}")
    text = value.strip().lower()
    text = SIZE_ALIASES.get(text, text)
    if text not in SIZES:
        raise invalid("size", f"'{value}' is unknown; use one of {', '.join(SIZES)}")
    return text


def parse_region(value: object) -> str:
    if not isinstance(value, str) or value.strip().lower() not in REGIONS:
        raise invalid("region", f"'{value}' is unknown; use one of {', '.join(REGIONS)}")
    return value.strip().lower()


def parse_template(value: object) -> str:
    if value not in TEMPLATES:
        raise invalid("template_type", f"'{value}' is unknown; use one of {', '.join(TEMPLATES)}")
    return str(value)


def parse_visibility(value: object) -> str:
    if value not in VISIBILITIES:
        raise invalid("visibility", f"must be one of {', '.join(VISIBILITIES)}")
    return str(value)


def parse_metadata(value: object) -> dict[str, Any]:
    """A copy, so later edits to the request body never reach the stored computer."""
    if not isinstance(value, dict):
        raise invalid("metadata", "must be an object")
    return dict(value)


def nearest_size(cpu: float | None, memory_mb: float | None) -> str:
    """Map {cpu, memory_mb} to the closest catalog size (log distance, ties go smaller)."""

    def distance(spec: tuple[int, int]) -> float:
        total = 0.0
        if cpu is not None:
            total += abs(math.log2(cpu / spec[0]))
        if memory_mb is not None:
            total += abs(math.log2(memory_mb / spec[1]))
        return total

    return min(SIZES, key=lambda s: distance(SIZES[s]))


def size_from_body(body: Mapping[str, Any]) -> str:
    """A resize target: `size`, else the size nearest to the cpu/memory the SDKs may send."""
    if body.get("size") is not None:
        return parse_size(body["size"])
    cpu = _positive_number(body, "cpu", "cpu_count", "vcpus")
    memory = _positive_number(body, "memory_mb", "memory")
    if cpu is None and memory is None:
        raise invalid("size", "is required (or give cpu and memory_mb)")
    return nearest_size(cpu, memory)


def _positive_number(body: Mapping[str, Any], *keys: str) -> float | None:
    """The first of `keys` that is present, as a float; SDKs spell the same field differently."""
    for key in keys:
        if key in body and body[key] is not None:
            value = body[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise invalid(key, "must be a positive number")
            return float(value)
    return None
