"""The `/` filter: terms, negation, clear errors, and never an exception."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from miosa_tui.api.models import Computer
from miosa_tui.fleet.filter import parse_filter

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
