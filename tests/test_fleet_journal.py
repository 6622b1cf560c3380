"""Journal: bounded, listened to, exported readably, and never holding a secret."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from miosa_tui.fleet.journal import Journal, JournalEntry, redact

AT = datetime(2026, 5, 1, 9, 0, 41, tzinfo=UTC)
KEY = "msk_u_live_abcdef123456"


def test_redact_masks_keys_bearer_and_registered_secrets() -> None:
    text = f"key {KEY} header Bearer tok.en-123 vnc hunter22 ok"
    out = redact(text, ["hunter22"])
    assert KEY not in out and "tok.en-123" not in out and "hunter22" not in out
    assert out == "key msk_**** header Bearer **** vnc **** ok"


@given(st.text(), st.text(min_size=3))
def test_registered_secret_never_survives(prefix: str, secret: str) -> None:
    journal = Journal(secrets=[secret])
    entry = journal.record("stop", "id", prefix + secret, "ok", secret + prefix, secret)
    for value in (entry.message, entry.target_name, entry.request_id):
        assert value is not None and secret not in value


def test_record_bounds_versions_and_listeners() -> None:
    journal = Journal(maxlen=3)
    seen: list[JournalEntry] = []
    unsubscribe = journal.subscribe(seen.append)
    for i in range(5):
        journal.record("start", f"c{i}", f"vm{i}", "ok", at=AT)
    assert len(journal) == 3 and [e.target_id for e in journal] == ["c2", "c3", "c4"]
    assert journal.version == 5 and len(seen) == 5
    unsubscribe()
    journal.record("stop", "c9", None, "failed")
    assert len(seen) == 5


def test_export_text_and_json(tmp_path: Path) -> None:
    journal = Journal()
    journal.record("stop", "comp_1", "web", "failed", f"Refused for {KEY}.", "req_7", at=AT)
    journal.record("start", "comp_2", None, "unknown outcome", at=AT)
    journal.record("vnc", "comp_3", "db", "ok", "password late-secret", at=AT)
    journal.add_secret("late-secret")
    journal.record("destroy", "comp_3", "db", "ok", "fine", at=AT)

    text_path = journal.export(tmp_path / "journal.txt")
    text = text_path.read_text(encoding="utf-8")
    assert KEY not in text and "late-secret" not in text
    lines = text.splitlines()
    assert lines[0].startswith("# miosa-tui action journal")
    assert lines[1] == (
        "2026-05-01 09:00:41Z  stop     web (comp_1)  failed: Refused for msk_****. [request req_7]"
    )
    assert lines[2] == "2026-05-01 09:00:41Z  start    comp_2  unknown outcome"

    rows = json.loads(journal.export(tmp_path / "j.json", fmt="json").read_text())
    assert rows[0]["at"] == "2026-05-01T09:00:41Z"
    assert rows[0]["request_id"] == "req_7" and "msk_****" in rows[0]["message"]
    assert [r["outcome"] for r in rows] == ["failed", "unknown outcome", "ok", "ok"]
    assert rows[2]["message"] == "password ****"


def test_export_rejects_unknown_format_and_unwritable_path(tmp_path: Path) -> None:
    journal = Journal()
    with pytest.raises(ValueError, match="Unknown export format"):
        journal.render("xml")  # type: ignore[arg-type]
    with pytest.raises(OSError):
        journal.export(tmp_path / "missing-dir" / "j.txt")


class ListSink:
    def __init__(self) -> None:
        self.secrets: list[str | None] = []
        self.entries: list[JournalEntry] = []

    def add_secret(self, value: str | None) -> None:
        self.secrets.append(value)

    def journal_entry(self, entry: JournalEntry) -> None:
        self.entries.append(entry)


def test_a_sink_attached_late_gets_the_entries_kept_before_it_then_every_new_one() -> None:
    """The dashboard's history opens after the first rows are painted: an action taken before
    that must reach it too, once, in order, with the secrets masked."""
    journal = Journal(secrets=["msk_secret_123456"])
    journal.record("start", "c1", "a", "sent", "key msk_secret_123456", at=AT)
    journal.record("start", "c1", "a", "ok", at=AT)
    sink = ListSink()
    journal.attach(sink)
    journal.record("stop", "c2", "b", "sent", at=AT)
    assert [(e.action, e.target_id, e.outcome) for e in sink.entries] == [
        ("start", "c1", "sent"),
        ("start", "c1", "ok"),
        ("stop", "c2", "sent"),
    ]
    assert "msk_secret_123456" not in (sink.entries[0].message or "")
    assert sink.secrets == ["msk_secret_123456"]
