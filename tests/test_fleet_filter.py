"""The `/` filter: terms, negation, clear errors, and never an exception."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from miosa_tui.api.models import Computer, normalize_size, normalize_status
from miosa_tui.fleet.filter import PROBLEM_VALUES, Term, parse_filter

WEB = Computer(
    id="comp_1",
    name="web-1",
    status="running",
    raw_status="active",
    region="us-mia",
    size="small",
    template_type="miosa-desktop",
    ip_address="10.0.0.5",
)
DB = Computer(
    id="comp_2",
    name="db",
    status="stopped",
    region="eu-fra",
    size="xl",
    template_type="miosa-sandbox",
)
ODD = Computer(id="comp_3", name="odd box", status="hibernating")
ALL = [WEB, DB, ODD]


def names(text: str) -> list[str]:
    f = parse_filter(text)
    return [c.name for c in ALL if f.matches(c)]


def test_free_words_all_must_match() -> None:
    assert names("") == ["web-1", "db", "odd box"]
    assert names("WEB") == ["web-1"]
    assert names("us-mia running") == ["web-1"]
    assert names("us-mia stopped") == []
    assert names("comp_") == ["web-1", "db", "odd box"]
    assert names("sandbox") == ["db"]
    assert names("10.0.0") == ["web-1"]


def test_key_terms() -> None:
    assert names("status:running") == ["web-1"]
    assert names("state:STOPPED") == ["db"]
    assert names("status:active") == ["web-1"]
    assert names("status:stop") == []  # status is exact
    assert names("status:hibernating") == ["odd box"]
    assert names("status:running,stopped") == ["web-1", "db"]
    assert names("name:we region:us") == ["web-1"]
    assert names("size:xlarge") == ["db"]
    assert names("size:l") == []
    assert names("template:desktop") == ["web-1"]
    assert names("id:comp_2") == ["db"]
    assert names('name:"odd box"') == ["odd box"]


def test_negation() -> None:
    assert names("!status:stopped") == ["web-1", "odd box"]
    assert names("-status:stopped") == ["web-1", "odd box"]
    assert names("-web") == ["db", "odd box"]
    assert names("-") == ["web-1", "db", "odd box"]


def test_errors_are_messages_and_valid_terms_still_apply() -> None:
    f = parse_filter("colour:blue status:running")
    assert f.error is not None and "Unknown filter key 'colour'" in f.error
    assert "status" in f.error
    assert [c.name for c in ALL if f.matches(c)] == ["web-1"]
    f = parse_filter("status:")
    assert f.error == "'status:' needs a value, for example status:running."
    assert parse_filter("status:running").error is None


def test_describe() -> None:
    assert parse_filter("").describe() == "all computers"
    assert parse_filter("status:running !name:web us").describe() == (
        "status is running, name does not contain web, any field contains us"
    )


@given(st.text())
def test_arbitrary_text_never_raises(text: str) -> None:
    f = parse_filter(text)
    for c in ALL:
        f.matches(c)
    assert isinstance(f.describe(), str)


# -- the compiled tests agree with the grammar read plainly ------------------------------------
_FIELD_OF = {
    "name": "name",
    "id": "id",
    "status": "status",
    "region": "region",
    "size": "size",
    "template": "template_type",
    "ip": "ip_address",
}


def _plain_reading(term: Term, c: Computer, problems: dict[str, str]) -> bool:
    """What the module docstring says a term means, field by field, with no shortcut."""
    if term.key == "problem":
        kind = problems.get(c.id)
        hit = kind is not None and any(kind in PROBLEM_VALUES[v] for v in term.values)
    elif term.key is None:
        fields = [(getattr(c, f) or "").lower() for f in _FIELD_OF.values()]
        hit = any(v in text for v in term.values for text in fields)
    else:
        value = (getattr(c, _FIELD_OF[term.key]) or "").lower()
        if term.key == "status":
            wanted = {normalize_status(v) for v in term.values}
            hit = value in wanted or (c.raw_status or "").lower() in term.values
        elif term.key == "size":
            hit = value in {normalize_size(v) for v in term.values}
        else:
            hit = any(v in value for v in term.values)
    return hit != term.negate


_WORDS = st.sampled_from(
    ["web", "b", "-1", "us", "mia", "sto", "running", "active", "xl", "small", "10.0", "comp_",
     "desk", "o", "1\x00c", "\x00", "box", "error", "any", "stuck", "a b", "1comp", "xrun"]
)  # fmt: skip
_KEYS = st.sampled_from(["", "name:", "id:", "status:", "state:", "size:", "region:",
                         "template:", "ip:", "problem:", "bogus:"])  # fmt: skip


def _term_text(bang: str, key: str, words: list[str], quote: bool) -> str:
    value = ",".join(words)
    return bang + key + (f'"{value}"' if quote else value)


_TERM = st.builds(
    _term_text,
    st.sampled_from(["", "!", "-"]),
    _KEYS,
    st.lists(_WORDS, min_size=1, max_size=2),
    st.booleans(),
)
_TEXT_FIELD = st.one_of(st.none(), _WORDS, st.text(max_size=6))
_COMPUTER = st.builds(
    Computer,
    id=st.sampled_from(["comp_1", "comp_2", "x"]),
    name=st.one_of(_WORDS, st.text(max_size=8)),
    status=st.sampled_from(["running", "stopped", "starting", "error", "Hibernating", ""]),
    raw_status=st.one_of(st.none(), st.sampled_from(["active", "RUNNING", "weird"])),
    size=_TEXT_FIELD,
    region=_TEXT_FIELD,
    template_type=_TEXT_FIELD,
    ip_address=_TEXT_FIELD,
)


def test_status_matches_the_status_or_the_raw_status_the_api_sent() -> None:
    computers = [
        Computer(id="a", name="a", status="running", raw_status=None),
        Computer(id="b", name="b", status="stopped", raw_status="active"),
        Computer(id="c", name="c", status="stopped", raw_status="stopped"),
    ]
    for text, ids in (("status:running", "a"), ("status:active", "ab"), ("!status:active", "c")):
        f = parse_filter(text)
        assert [c.id for c in f.select(computers)] == list(ids), text
        assert [c.id for c in computers if f.matches(c)] == list(ids), text


def test_a_word_never_matches_across_two_fields() -> None:
    joined = Computer(id="comp_9", name="web-1", status="running")
    assert parse_filter("1comp").matches(joined) is False  # name "web-1", id "comp_9"
    assert parse_filter("1\x00comp").matches(joined) is False  # the separator cannot be typed
    assert parse_filter("web-1").matches(joined) is True


@given(
    st.lists(_TERM, min_size=1, max_size=3),
    st.lists(_COMPUTER, min_size=1, max_size=4),
    st.dictionaries(st.sampled_from(["comp_1", "x"]), st.sampled_from(["error", "stuck"])),
)
def test_a_filter_matches_what_its_terms_say(
    terms: list[str], computers: list[Computer], problems: dict[str, str]
) -> None:
    """Each term's test is built once for its key (`_hit_for`); a computer matches a filter
    exactly when every term, read plainly from the grammar, says it does. A value never
    matches across two fields of a free word's haystack."""
    f = parse_filter(" ".join(terms), problems)
    for c in computers:
        expected = all(_plain_reading(t, c, problems) for t in f.terms)
        assert f.matches(c) == expected, (f.text, c)
    # The whole list at once (`Filter.select`, a term's tests once per distinct value): the
    # same computers, in their order, and those kept whatever they show.
    assert f.select(computers) == [c for c in computers if f.matches(c)]
    kept = {"comp_2"}
    assert f.select(computers, keep=kept) == [c for c in computers if c.id in kept or f.matches(c)]
