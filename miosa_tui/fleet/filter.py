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
from collections.abc import Callable, Container, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import compress, repeat
from operator import and_, attrgetter, or_, xor

from miosa_tui.api.models import Computer, normalize_size, normalize_status

_FIELDS: dict[str, Callable[[Computer], str | None]] = {
    "name": attrgetter("name"),
    "id": attrgetter("id"),
    "status": attrgetter("status"),
    "region": attrgetter("region"),
    "size": attrgetter("size"),
    "template": attrgetter("template_type"),
    "ip": attrgetter("ip_address"),
}
_ID, _RAW_STATUS = attrgetter("id"), attrgetter("raw_status")
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
# What a term reads of each computer of a list (a field, a problem kind, the free-word
# haystack), and its test of one such value, before negation. A term passes when any of its
# tests does (`status:` tests the status and the raw status the API sent).
Read = Callable[[list[Computer], Mapping[str, str]], list[Hashable]]
Test = Callable[[Hashable], bool]
Tests = tuple[tuple[Read, Test], ...]


@dataclass(frozen=True, slots=True)
class Term:
    key: str | None  # None: free word over every field
    values: tuple[str, ...]  # lower-cased; any one may match
    negate: bool = False
    # The tests for this key and these values, worked out once (`_tests_for`), not per
    # computer: a filter step tests every computer of the fleet (100,000 at 20 keys a second).
    _tests: Tests = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_tests", _tests_for(self.key, self.values))

    def _hit(self, computer: Computer, problems: Mapping[str, str]) -> bool:
        return any(test(read([computer], problems)[0]) for read, test in self._tests)

    def matches(self, computer: Computer, problems: Mapping[str, str] | None = None) -> bool:
        return self._hit(computer, problems or {}) != self.negate

    def verdicts(self, rows: list[Computer], problems: Mapping[str, str]) -> list[bool]:
        """Whether each of `rows` passes this term (negation applied). A term on a field is
        tested once per distinct value of that field, the values read and the verdicts spread
        back by C calls: `status:stopped` over 100,000 computers tests a dozen statuses, where
        a test per computer took ~50 ms. A free word tests each computer's haystack."""
        passed: Iterable[bool] | None = None
        for read, test in self._tests:
            values = read(rows, problems)
            if self.key is None:  # a haystack is nearly always one of a kind
                hits: Iterable[bool] = map(test, values)
            else:
                hits = map({value: test(value) for value in set(values)}.__getitem__, values)
            passed = hits if passed is None else map(or_, passed, hits)
        assert passed is not None
        return list(map(xor, passed, repeat(self.negate, len(rows))))

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

    def select(self, computers: Iterable[Computer], keep: Container[str] = ()) -> list[Computer]:
        """The computers this filter matches, in their order, and those whose id is in `keep`
        whatever they show (an action in flight stays in view until it settles). The same as
        testing `matches` on each, term by term over the whole list (`Term.verdicts`)."""
        rows = list(computers)
        if not self.terms:
            return rows
        passed: Iterable[bool] | None = None
        for term in self.terms:
            verdicts = term.verdicts(rows, self.problems)
            passed = verdicts if passed is None else map(and_, passed, verdicts)
        assert passed is not None
        if keep:
            passed = map(or_, map(keep.__contains__, map(_ID, rows)), passed)
        return list(compress(rows, passed))

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


def _tests_for(key: str | None, values: tuple[str, ...]) -> Tests:
    """What a term reads of computers and its tests of that (before negation), as small
    functions: only what its key needs."""
    if key == "problem":
        kinds = frozenset().union(*(PROBLEM_VALUES.get(v, frozenset()) for v in values))
        return (
            ((lambda rows, problems: list(map(problems.get, map(_ID, rows)))), kinds.__contains__),
        )
    if key is None:
        return (
            (
                (lambda rows, _problems: list(map(_haystack, rows))),
                (lambda text: _contains(str(text), values)),
            ),
        )
    read = _reader(_FIELDS[key])
    if key == "status":
        statuses = frozenset(normalize_status(v) for v in values)
        return (
            (read, lambda status: str(status or "").lower() in statuses),
            (_reader(_RAW_STATUS), lambda raw: str(raw or "").lower() in values),
        )
    if key == "size":
        sizes = frozenset(normalize_size(v) for v in values)
        return ((read, lambda size: str(size or "").lower() in sizes),)
    return ((read, lambda text: _contains(str(text or "").lower(), values)),)


def _reader(get: Callable[[Computer], str | None]) -> Read:
    return lambda rows, _problems: list(map(get, rows))


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
