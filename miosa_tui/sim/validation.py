"""Turns request-body values into catalogue values, or a 422 that names the field.

Kept apart from the fleet so every route validates a name, size or region the same way, with the
same message, before any state changes.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping
from typing import Any

from miosa_tui.naming import name_problem, shown_char
from miosa_tui.sim.catalog import REGIONS, SIZE_ALIASES, SIZES, TEMPLATES, VISIBILITIES
from miosa_tui.sim.errors import SimError, invalid

SHOWN_MAX = 40  # longest piece of a refused value a message quotes


def parse_name(value: object) -> str:
    """The stripped name, or a 422 whose message is the shared rule's sentence (miosa_tui.naming),
    word for word what the dashboard and the CLI say. Lone surrogates and control characters
    fail the rule like any other character outside a-z, 0-9 and '-'."""
    if not isinstance(value, str):
        text = "Name must be text."
        raise SimError(422, "VALIDATION_FAILED", text, {"name": text})
    sentence = name_problem(value)
    if sentence is not None:
        raise SimError(422, "VALIDATION_FAILED", sentence, {"name": sentence})
    return value.strip()


# Unicode categories of characters that may not be stored: Cs, a lone surrogate (the text is not
# valid UTF-8 and could not be sent back as JSON), and Cc, a control character (C0, DEL, C1).
SURROGATE = frozenset({"Cs"})
UNSTORABLE = frozenset({"Cc", "Cs"})


def bad_char(text: str, categories: frozenset[str] = UNSTORABLE) -> str | None:
    """The first character of `text` whose Unicode category is in `categories`."""
    return next((ch for ch in text if unicodedata.category(ch) in categories), None)


def find_bad_text(
    value: object, path: str, categories: frozenset[str] = UNSTORABLE
) -> tuple[str, str] | None:
    """(path, character) of the first string, key or value at any depth holding a `bad_char`."""
    if isinstance(value, str):
        ch = bad_char(value, categories)
        return (path, ch) if ch is not None else None
    if isinstance(value, dict):
        for key, item in value.items():
            inner = f"{path}.{key}" if path else str(key)
            ch = bad_char(key, categories) if isinstance(key, str) else None
            found = (inner, ch) if ch is not None else find_bad_text(item, inner, categories)
            if found is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = find_bad_text(item, f"{path}[{index}]", categories)
            if found is not None:
                return found
    return None


def bad_text_error(path: str, ch: str) -> SimError:
    """422 naming the field: "metadata.note has a control character (found U+001B)"."""
    if unicodedata.category(ch) == "Cs":
        kind = "is not valid UTF-8 text"
    else:
        kind = "has a control character"
    return invalid(shown(path), f"{kind} (found {shown_char(ch)})")


def check_text(field_name: str, value: object) -> None:
    """Refuse a stored value that holds a lone surrogate or a control character, at any depth."""
    found = find_bad_text(value, field_name)
    if found is not None:
        raise bad_text_error(*found)


def shown(value: object) -> str:
    """A refused value as a message may quote it: non-printables as U+XXXX, at most 40 chars."""
    text = value if isinstance(value, str) else repr(value)
    out = "".join(
        ch if ch.isprintable() and unicodedata.category(ch) != "Cs" else f"U+{ord(ch):04X}"
        for ch in text[:SHOWN_MAX]
    )
    return out + ("…" if len(text) > SHOWN_MAX else "")


def parse_size(value: object) -> str:
    """A catalogue size; case and the `xlarge` alias are forgiven, as P and T do."""
    check_text("size", value)
    if not isinstance(value, str) or not value.strip():
        raise invalid("size", f"must be one of {', '.join(SIZES)}")
    text = value.strip().lower()
    text = SIZE_ALIASES.get(text, text)
    if text not in SIZES:
        raise invalid("size", f"'{shown(value)}' is unknown; use one of {', '.join(SIZES)}")
    return text


def parse_region(value: object) -> str:
    check_text("region", value)
    if not isinstance(value, str) or value.strip().lower() not in REGIONS:
        raise invalid("region", f"'{shown(value)}' is unknown; use one of {', '.join(REGIONS)}")
    return value.strip().lower()


def parse_template(value: object) -> str:
    check_text("template_type", value)
    if value not in TEMPLATES:
        known = ", ".join(TEMPLATES)
        raise invalid("template_type", f"'{shown(value)}' is unknown; use one of {known}")
    return str(value)


def parse_visibility(value: object) -> str:
    check_text("visibility", value)
    if value not in VISIBILITIES:
        raise invalid("visibility", f"must be one of {', '.join(VISIBILITIES)}")
    return str(value)


def parse_metadata(value: object) -> dict[str, Any]:
    """A copy, so later edits to the request body never reach the stored computer."""
    if not isinstance(value, dict):
        raise invalid("metadata", "must be an object")
    check_text("metadata", value)
    return dict(value)


def parse_optional_text(field_name: str, value: object) -> str | None:
    """An optional free-text id (workspace_id, host_id): a string without bad characters."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise invalid(field_name, "must be a non-empty string")
    check_text(field_name, value)
    return value


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
