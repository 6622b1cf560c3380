"""A bounded record of what the user asked for and what came of it.

At 3 a.m. the question is "did my stop go through?"; the journal answers with the outcome and the
request id to quote to support. Every text field is redacted on the way in, so API keys, VNC
passwords and stream tokens never reach the journal, its listeners or its exports.
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, Protocol

from miosa_tui.safe_text import json_escape_hidden, printable

# "refused": the API answered that the request cannot be done now (409 invalid state, 422): the
# computer did not fail, nothing happened to it. "skipped": refused here, never sent.
Outcome = Literal["ok", "failed", "timed out", "unknown outcome", "skipped", "refused", "sent"]
ExportFormat = Literal["text", "json"]

MASK = "****"
MIN_SECRET_LENGTH = 3  # shorter values would shred ordinary words; no real secret is that short
_KEY_RE = re.compile(r"msk_[A-Za-z0-9_\-]+")
_BEARER_RE = re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=\-]+")


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """Mask MIOSA keys (`msk_…`), bearer tokens and every registered secret value in `text`."""
    # Longest first, so a secret containing another is masked whole.
    usable = {s for s in secrets if len(s) >= MIN_SECRET_LENGTH}
    for secret in sorted(usable, key=len, reverse=True):
        text = text.replace(secret, MASK)
    text = _KEY_RE.sub("msk_" + MASK, text)
    return _BEARER_RE.sub(lambda m: f"{m.group(1)} {MASK}", text)


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One line of the journal. `at` is timezone-aware UTC."""

    at: datetime
    action: str
    target_id: str | None
    target_name: str | None
    outcome: Outcome
    message: str = ""
    request_id: str | None = None

    @property
    def target(self) -> str:
        """`name (id)`, or whichever of the two is known."""
        if self.target_name and self.target_id and self.target_name != self.target_id:
            return f"{self.target_name} ({self.target_id})"
        return self.target_name or self.target_id or "-"

    def to_text(self) -> str:
        stamp = self.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SZ")
        line = f"{stamp}  {self.action:<8} {printable(self.target)}  {printable(self.outcome)}"
        if self.message:
            line += f": {printable(self.message)}"
        if self.request_id:
            line += f" [request {printable(self.request_id)}]"
        return line

    def to_json(self) -> dict[str, Any]:
        return {
            "at": self.at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "action": self.action,
            "target_id": self.target_id,
            "target_name": self.target_name,
            "outcome": self.outcome,
            "message": self.message,
            "request_id": self.request_id,
        }


Listener = Callable[[JournalEntry], None]


class JournalSink(Protocol):
    """Somewhere entries are also kept (fleet.history: the persistent history)."""

    def add_secret(self, value: str | None) -> None: ...
    def journal_entry(self, entry: JournalEntry) -> None: ...


class Journal:
    """Newest-last entries, at most `maxlen`; `version` grows on every change so a widget can
    tell cheaply whether to redraw, and listeners hear about each new entry."""

    def __init__(self, maxlen: int = 1000, *, secrets: Iterable[str] = ()) -> None:
        self._entries: deque[JournalEntry] = deque(maxlen=maxlen)
        self._secrets: set[str] = set()
        self._listeners: list[Listener] = []
        self._sinks: list[JournalSink] = []
        self.version = 0
        for secret in secrets:
            self.add_secret(secret)

    def add_secret(self, value: str | None) -> None:
        """Register a value (API key, VNC password, stream token) to mask from now on."""
        if value and len(value) >= MIN_SECRET_LENGTH:
            self._secrets.add(value)
            for sink in self._sinks:
                sink.add_secret(value)

    def attach(self, sink: JournalSink) -> Callable[[], None]:
        """Write the entries kept so far and every new one through to `sink` too (the history
        opens after the first rows are painted: an action taken before that is kept there as
        well), and tell it every secret (now and later); returns a function that detaches it."""
        self._sinks.append(sink)
        for secret in self._secrets:
            sink.add_secret(secret)
        for entry in self._entries:
            sink.journal_entry(entry)
        return self.subscribe(sink.journal_entry)

    def redact(self, text: str) -> str:
        return redact(text, self._secrets)

    def _clean(self, text: str | None) -> str | None:
        return None if text is None else self.redact(text)

    def record(
        self,
        action: str,
        target_id: str | None,
        target_name: str | None,
        outcome: Outcome,
        message: str = "",
        request_id: str | None = None,
        *,
        at: datetime | None = None,
    ) -> JournalEntry:
        """Redact and append one entry; returns what was stored."""
        entry = JournalEntry(
            at=at or datetime.now(UTC),
            action=self.redact(action),
            target_id=self._clean(target_id),
            target_name=self._clean(target_name),
            outcome=outcome,
            message=self.redact(message),
            request_id=self._clean(request_id),
        )
        self._entries.append(entry)
        self.version += 1
        for listener in list(self._listeners):
            listener(entry)
        return entry

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call `listener` with each new entry; returns a function that unsubscribes."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def clear(self) -> None:
        self._entries.clear()
        self.version += 1

    @property
    def entries(self) -> list[JournalEntry]:
        return list(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[JournalEntry]:
        return iter(list(self._entries))

    def render(self, fmt: ExportFormat = "text") -> str:
        """The export text (redacted once more, in case a secret was registered late)."""
        if fmt == "json":
            rows = [
                {k: self.redact(v) if isinstance(v, str) else v for k, v in e.to_json().items()}
                for e in self._entries
            ]
            return json_escape_hidden(json.dumps(rows, indent=2, ensure_ascii=False)) + "\n"
        if fmt != "text":
            raise ValueError(f"Unknown export format {fmt!r}: use text or json.")
        lines = ["# miosa-tui action journal (times in UTC)"]
        lines += [self.redact(e.to_text()) for e in self._entries]
        return "\n".join(lines) + "\n"

    def export(self, path: str | Path, fmt: ExportFormat = "text") -> Path:
        """Write the journal to `path`; raises OSError when the file cannot be written."""
        target = Path(path).expanduser()
        target.write_text(self.render(fmt), encoding="utf-8")
        return target
