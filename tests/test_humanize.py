"""The shared human text: ages and sizes, one spelling for the CLI, the table and the dialogs."""

from __future__ import annotations

from datetime import UTC, datetime

from miosa_tui.api.timestamps import parse_timestamp
from miosa_tui.fleet.humanize import age, size_label


def test_size_label_spells_a_size_one_way() -> None:
    assert size_label("medium") == "medium · 4 vCPU · 8 GB"
    assert size_label("medium", aligned=True) == "medium   4 vCPU · 8 GB"
    assert size_label("xl", aligned=True) == "xl      16 vCPU · 32 GB"
    assert size_label("tiny", (1, 512)) == "tiny · 1 vCPU · 512 MB"
    assert size_label("huge") == "huge"
    assert size_label(None) == "-"


def test_one_timestamp_parser_for_every_reader() -> None:
    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    assert parse_timestamp("2026-12-01T10:00:00Z") == datetime(2026, 12, 1, 10, tzinfo=UTC)
    assert parse_timestamp("2026-12-01T12:00:00+02:00") == datetime(2026, 12, 1, 10, tzinfo=UTC)
    assert parse_timestamp(" 2026-12-01T10:00:00 ") == datetime(2026, 12, 1, 10, tzinfo=UTC)
    assert parse_timestamp("2026-12-01T10:00:00", naive_as_utc=False) is None
    for unreadable in (None, "", "  ", "yesterday"):
        assert parse_timestamp(unreadable) is None
    assert age("2026-12-01T10:00:00Z", now) == "2h"
    assert age("yesterday", now) == "-"
