"""Presenter mode's stand-ins: what should not be on a shared screen, replaced consistently.

Like lazydocker's replacements, but learned from the fleet: computer ids, IP addresses, tenant,
workspace and owner values, and the real API's host name become stable stand-ins (`comp-0001`,
`10.0.0.1`, `tenant-1`, `workspace-1`, `owner-1`, `api.example`). The same value always gets the
same stand-in for the whole session, so a presenter can still say "this one" and point.

Ids and IP addresses are recognised by their shape wherever they appear (inside a URL, a toast, a
journal line), even before the fleet has shown them; the other values are replaced once learned.
Only what is drawn changes: actions, copies and requests use the real values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from miosa_tui.api.models import Computer

_ID_RE = re.compile(r"\bcomp_[A-Za-z0-9]+\b")
_IPV4_RE = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
# Metadata keys whose values name people or teams.
PERSONAL_KEYS = ("owner", "user", "email", "created_by", "team")


class StandIns:
    """Learns sensitive values and rewrites text with their stand-ins."""

    def __init__(self, *, api_host: str | None = None) -> None:
        self._ids: dict[str, str] = {}
        self._ips: dict[str, str] = {}
        self._words: dict[str, str] = {}  # tenant/workspace/owner values and host names
        self._kinds: dict[str, int] = {}
        self._words_re: re.Pattern[str] | None = None
        if api_host and api_host not in ("127.0.0.1", "localhost", "::1"):
            self._words[api_host] = "api.example"

    # -- learning ------------------------------------------------------------------------------
    def learn(self, computers: Iterable[Computer]) -> None:
        """Note the sensitive values of these computers (call on each poll; cheap when known)."""
        for computer in computers:
            self._id(computer.id)
            if computer.tenant_id:
                self._word("tenant", computer.tenant_id)
            if computer.workspace_id:
                self._word("workspace", computer.workspace_id)
            for key in PERSONAL_KEYS:
                value = computer.metadata.get(key)
                if isinstance(value, str) and value.strip():
                    self._word("owner" if key != "team" else "team", value)

    def _id(self, value: str) -> str:
        known = self._ids.get(value)
        if known is None:
            known = self._ids[value] = f"comp-{len(self._ids) + 1:04d}"
        return known

    def _ip(self, value: str) -> str:
        known = self._ips.get(value)
        if known is None:
            n = len(self._ips) + 1
            known = self._ips[value] = f"10.0.{n // 250}.{n % 250 + 1}"
        return known

    def _word(self, kind: str, value: str) -> None:
        if value in self._words or len(value) < 2:
            return
        self._kinds[kind] = self._kinds.get(kind, 0) + 1
        self._words[value] = f"{kind}-{self._kinds[kind]}"
        self._words_re = None

    # -- rewriting -----------------------------------------------------------------------------
    def apply(self, text: str) -> str:
        """`text` with every known or id/IP-shaped sensitive value replaced."""
        if not text:
            return text
        if "comp_" in text:
            text = _ID_RE.sub(lambda m: self._id(m.group()), text)
        if "." in text:
            text = _IPV4_RE.sub(lambda m: self._ip(m.group()), text)
        if self._words:
            pattern = self._words_re
            if pattern is None:
                ordered = sorted(self._words, key=len, reverse=True)
                # Whole words only: the team "qa" must not rewrite the name "qa-agent-sg".
                words = "|".join(map(re.escape, ordered))
                pattern = self._words_re = re.compile(rf"(?<![\w-])(?:{words})(?![\w-])")
            text = pattern.sub(lambda m: self._words[m.group()], text)
        return text
