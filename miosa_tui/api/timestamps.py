"""API timestamps: the one place an ISO-8601 time from the wire becomes a datetime."""

from __future__ import annotations

from datetime import UTC, datetime


def parse_timestamp(text: str | None, *, naive_as_utc: bool = True) -> datetime | None:
    """ISO-8601 (a trailing `Z` or an offset) -> an aware UTC datetime; None when absent or
    unreadable. A time without a zone is taken as UTC, or refused (None) when `naive_as_utc`
    is False."""
    if not text or not text.strip():
        return None
    try:
        at = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if at.tzinfo is None:
        return at.replace(tzinfo=UTC) if naive_as_utc else None
    return at.astimezone(UTC)


__all__ = ["parse_timestamp"]
