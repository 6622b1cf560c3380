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


Hit = Callable[[Computer, Mapping[str, str]], bool]  # a term's test, before negation


@dataclass(frozen=True, slots=True)
class Term:
    key: str | None  # None: free word over every field
    values: tuple[str, ...]  # lower-cased; any one may match
    negate: bool = False
    # The test for this key and these values, worked out once (`_hit_for`), not per computer:
    # a filter step tests every computer of the fleet (10,000 at 20 keys a second).
    _hit: Hit = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hit", _hit_for(self.key, self.values))

    def matches(self, computer: Computer, problems: Mapping[str, str] | None = None) -> bool:
        return self._hit(computer, problems or {}) != self.negate

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
        problems = self.problems
        for term in self.terms:  # noqa: SIM110 (all() makes a generator for every computer)
            if term._hit(computer, problems) == term.negate:
                return False
        return True

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
    for match in _TOKEN_RE.finditer((text or "").replace(_APART, "")):
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


def _hit_for(key: str | None, values: tuple[str, ...]) -> Hit:
    """The test of a term (before negation) as one small function: only what its key needs."""
    if key == "problem":
        kinds = frozenset().union(*(PROBLEM_VALUES.get(v, frozenset()) for v in values))
        return lambda c, problems: problems.get(c.id) in kinds
    if key is None:
        return lambda c, _problems: _contains(_haystack(c), values)
    if key == "status":
        statuses = frozenset(normalize_status(v) for v in values)
        raw = frozenset(values)
        return lambda c, _problems: (
            (c.status or "").lower() in statuses or ((c.raw_status or "").lower() in raw)
        )
    if key == "size":
        sizes = frozenset(normalize_size(v) for v in values)
        return lambda c, _problems: (c.size or "").lower() in sizes
    get = _FIELDS[key]
    return lambda c, _problems: _contains((get(c) or "").lower(), values)


def _contains(text: str, values: tuple[str, ...]) -> bool:
    for value in values:  # noqa: SIM110 (any() makes a generator for every computer)
        if value in text:
            return True
    return False


# Fields of a free word's haystack are joined by a character no typed value holds (`parse_filter`
# drops it), so a value never matches across two fields.
_APART = "\0"


# A computer's haystack by id, with the very Computer it was made from: a listing hands back the
# same object for a computer that did not change (api/listing_memo.py), so typing a word over
# 10,000 computers joins and lower-cases only those that did (18 -> ~6 ms a filter step).
# Emptied when it outgrows any fleet (ids of computers long gone). Each dict read and write is
# atomic, so the loop and a worker thread may share it: at worst one joins a haystack twice.
_HAYSTACKS: dict[str, tuple[Computer, str]] = {}
_HAYSTACKS_MAX = 250_000


def _haystack(c: Computer) -> str:
    kept = _HAYSTACKS.get(c.id)
    if kept is not None and kept[0] is c:
        return kept[1]
    text = _APART.join([get(c) or "" for get in _FIELDS.values()]).lower()
    if len(_HAYSTACKS) >= _HAYSTACKS_MAX:
        _HAYSTACKS.clear()
    _HAYSTACKS[c.id] = (c, text)
    return text


def _example(key: str) -> str:
    return {
        "status": "status:running",
        "size": "size:small",
        "region": "region:us-mia",
        "template": "template:miosa-desktop",
        "ip": "ip:10.0.",
        "id": "id:comp_",
    }.get(key, f"{key}:web")
