"""The `/` filter: "status:running name:web us-mia" -> a predicate over computers.

Whatever the user types must never raise: a half-typed filter runs on every keystroke. Terms it
cannot read are ignored for matching and explained in `Filter.error`.

Grammar (all terms must match, case-insensitive):
  word              any of name, id, status, region, size, template, ip contains it
  key:value         status/state and size match exactly (status aliases: active = running);
                    name, id, region, template, ip match by substring
  key:a,b           either value
  !term / -term     negation
  "two words"       quotes keep spaces in a value
  problem:any       computers that need attention (fleet/problems.py); also problem:error,
                    problem:stuck, problem:failed, problem:unknown
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from miosa_tui.api.models import Computer, normalize_size, normalize_status

_FIELDS: dict[str, Callable[[Computer], str | None]] = {
    "name": lambda c: c.name,
    "id": lambda c: c.id,
    "status": lambda c: c.status,
    "region": lambda c: c.region,
    "size": lambda c: c.size,
    "template": lambda c: c.template_type,
    "ip": lambda c: c.ip_address,
}
KEYS: tuple[str, ...] = (*_FIELDS, "problem")
# `problem:` values, and the problem kinds (fleet/problems.py) each one matches.
PROBLEM_VALUES: dict[str, frozenset[str]] = {
    "any": frozenset({"error", "stuck", "action failed", "unknown outcome"}),
    "yes": frozenset({"error", "stuck", "action failed", "unknown outcome"}),
    "error": frozenset({"error"}),
    "stuck": frozenset({"stuck"}),
    "failed": frozenset({"action failed"}),
    "unknown": frozenset({"unknown outcome"}),
}
KEY_ALIASES = {"state": "status", "template_type": "template", "ip_address": "ip", "slug": "name"}
_EXACT = frozenset({"status", "size"})

_TOKEN_RE = re.compile(r'([!-]?)(?:([A-Za-z_]+):)?(?:"([^"]*)"?|(\S*))')


@dataclass(frozen=True, slots=True)
class Term:
    key: str | None  # None: free word over every field
    values: tuple[str, ...]  # lower-cased; any one may match
    negate: bool = False
    # `values` as a status or a size (aliases mapped), worked out once, not per computer
    _normalized: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        normalize = {"status": normalize_status, "size": normalize_size}.get(self.key or "")
        wanted = frozenset(normalize(v) for v in self.values) if normalize else frozenset()
        object.__setattr__(self, "_normalized", wanted)

    def matches(self, computer: Computer, problems: Mapping[str, str] | None = None) -> bool:
        return self._hit(computer, problems or {}) != self.negate

    def _hit(self, computer: Computer, problems: Mapping[str, str]) -> bool:
        if self.key == "problem":
            kind = problems.get(computer.id)
            return kind is not None and any(
                kind in PROBLEM_VALUES.get(v, frozenset()) for v in self.values
            )
        if self.key is None:
            haystack = [(get(computer) or "").lower() for get in _FIELDS.values()]
            return any(v in h for v in self.values for h in haystack)
        value = (_FIELDS[self.key](computer) or "").lower()
        if self.key == "status":
            return value in self._normalized or (computer.raw_status or "").lower() in self.values
        if self.key == "size":
            return value in self._normalized
        return any(v in value for v in self.values)

    def describe(self) -> str:
        shown = " or ".join(self.values)
        if self.key is None:
            text = f"any field contains {shown}"
            return f"no field contains {shown}" if self.negate else text
        if self.key == "problem":
            return f"{'no' if self.negate else 'a'} problem ({shown})"
        verb = "is" if self.key in _EXACT else "contains"
        neg = {"is": "is not", "contains": "does not contain"}[verb]
        return f"{self.key} {neg if self.negate else verb} {shown}"


@dataclass(frozen=True, slots=True)
class Filter:
    text: str
    terms: tuple[Term, ...] = ()
    error: str | None = None
    # Problem kind by computer id, for `problem:` terms (the dashboard's live mapping).
    problems: Mapping[str, str] = field(default_factory=dict, compare=False)

    @property
    def is_empty(self) -> bool:
        return not self.terms

    def matches(self, computer: Computer) -> bool:
        return all(term.matches(computer, self.problems) for term in self.terms)

    def __call__(self, computer: Computer) -> bool:
        return self.matches(computer)

    def describe(self) -> str:
        if not self.terms:
            return "all computers"
        return ", ".join(term.describe() for term in self.terms)


def parse_filter(text: str, problems: Mapping[str, str] | None = None) -> Filter:
    """Read a filter; never raises. Unreadable terms are skipped and reported in `.error`.
    `problems` (id -> problem kind, read live) is what `problem:` terms match against."""
    terms: list[Term] = []
    errors: list[str] = []
    for match in _TOKEN_RE.finditer(text or ""):
        if not match.group(0):
            continue
        bang, key, quoted, bare = match.groups()
        value = quoted if quoted is not None else (bare or "")
        negate = bool(bang)
        if key is None:
            if not value:
                continue  # a lone "-" or "!" while typing
            terms.append(Term(None, (value.lower(),), negate))
            continue
        name = KEY_ALIASES.get(key.lower(), key.lower())
        if name not in _FIELDS and name != "problem":
            errors.append(f"Unknown filter key '{key}': use {', '.join(KEYS)}.")
            continue
        values = tuple(v.strip().lower() for v in value.split(",") if v.strip())
        if not values:
            errors.append(f"'{key}:' needs a value, for example {_example(name)}.")
            continue
        if name == "problem" and not set(values) <= set(PROBLEM_VALUES):
            errors.append(f"'problem:' takes {', '.join(v for v in PROBLEM_VALUES if v != 'yes')}.")
            continue
        terms.append(Term(name, values, negate))
    return Filter(
        text=text or "",
        terms=tuple(terms),
        error=" ".join(errors) or None,
        problems=problems if problems is not None else {},
    )


def _example(key: str) -> str:
    return {
        "status": "status:running",
        "size": "size:small",
        "region": "region:us-mia",
        "template": "template:miosa-desktop",
        "ip": "ip:10.0.",
        "id": "id:comp_",
    }.get(key, f"{key}:web")
