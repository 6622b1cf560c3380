"""The one name rule (miosa_tui/naming.py): its sentences, and that they are always safe text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from miosa_tui.fleet.actions import validate_name
from miosa_tui.naming import NAME_MAX, name_problem, shown_char

ONLY = "Name may contain only lowercase letters, digits and hyphens"


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        ("", "Name is required."),
        ("   ", "Name is required."),
        ("Bad Name", "Name must start with a lowercase letter."),
        ("bad name", f"{ONLY} (found a space)."),
        ("Web-1", "Name must be lowercase: try 'web-1'."),
        ("wéb", f"{ONLY} (found 'é')."),
        ("web\x1b[2J", f"{ONLY} (found U+001B)."),
        ("web\n", f"{ONLY} (found U+000A)."),  # refused, not stripped away
        ("\tweb", f"{ONLY} (found U+0009)."),
        ("web\x9b", f"{ONLY} (found U+009B)."),
        ("web\udc9b", f"{ONLY} (found U+DC9B)."),
        ("web\u202eevil", f"{ONLY} (found U+202E)."),
        ("web\u200b", f"{ONLY} (found U+200B)."),
        ("web-", "Name must not end with a hyphen."),
        ("a" * (NAME_MAX + 1), f"Name must be at most {NAME_MAX} characters (this one has 64)."),
        ("  web-1  ", None),
        ("a" * NAME_MAX, None),
    ],
)
def test_sentences(text: str, sentence: str | None) -> None:
    assert name_problem(text) == sentence
    assert validate_name(text) == sentence  # the dashboard's forms say the same


def test_shown_char() -> None:
    assert shown_char(" ") == "a space"
    assert shown_char("_") == "'_'"
    assert shown_char("\x07") == "U+0007"
    assert shown_char("\udc9b") == "U+DC9B"


@given(st.text(max_size=80))
def test_every_sentence_is_printable_utf8(text: str) -> None:
    sentence = name_problem(text)
    if sentence is None:
        return
    sentence.encode("utf-8")  # no lone surrogate copied in
    assert sentence.isprintable()


@given(st.text(alphabet=st.characters(categories=["Cs", "Cc"]), min_size=1))
def test_any_control_or_surrogate_is_refused(bad: str) -> None:
    assert name_problem(f"web{bad}") is not None
    assert name_problem(f"{bad}web") is not None
