"""The shapes the client returns, read tolerantly from whatever envelope the API sends.

Nothing here raises on odd input: a missing field becomes None, a wrong type is coerced or
dropped, an unknown status is kept as it came (only `active` is read as `running`).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any

# Status vocabulary (reference §3). The union every SDK has seen; anything else is kept verbatim.
RUNNING = "running"
STOPPED = "stopped"
ERROR = "error"
TRANSITIONAL = frozenset(
    {"creating", "provisioning", "pending", "starting", "stopping", "destroying"}
)
GONE = "gone"  # where a destroy ends: the computer leaves the list (no status of the API)
# Where each transition ends when it goes well.
SETTLES_AS = {
    "creating": RUNNING,
    "provisioning": RUNNING,
    "pending": RUNNING,
    "starting": RUNNING,
    "stopping": STOPPED,
    "destroying": GONE,
}
STEADY = frozenset({"running", "stopped", "paused", "error", "failed", "destroyed"})
KNOWN_STATUSES = TRANSITIONAL | STEADY
FAILED_STATUSES = frozenset({"error", "failed", "destroyed"})
STATUS_ALIASES = {"active": RUNNING}

# Catalog (reference §7). Sizes with vCPU / memory MB; the regions the official CLI offers.
SIZES: dict[str, tuple[int, int]] = {
    "xs": (1, 2048),
    "small": (2, 4096),
    "medium": (4, 8192),
    "large": (8, 16384),
    "xl": (16, 32768),
}
SIZE_ALIASES = {"xlarge": "xl"}
REGIONS: dict[str, str] = {
    "us-mia": "Miami",
    "us-nyc": "New York",
    "us-la": "Los Angeles",
    "eu-fra": "Frankfurt",
    "ap-sin": "Singapore",
}
TEMPLATES = ("miosa-desktop", "miosa-sandbox")


def normalize_status(value: object) -> str:
    """Lower-case a status and map aliases; never fails (unknown values pass through)."""
    if not isinstance(value, str) or not value.strip():
        return "unknown"
    text = value.strip().lower()
    return STATUS_ALIASES.get(text, text)


def normalize_size(value: str) -> str:
    text = value.strip().lower()
    return SIZE_ALIASES.get(text, text)


def _str(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float, bool)):
        return str(value)
    return None


@dataclass(frozen=True, slots=True)
class Computer:
    """One MIOSA computer. `status` is normalised; `raw_status` is what the API said."""

    id: str
    name: str
    status: str
    raw_status: str | None = None
    slug: str | None = None
    size: str | None = None
    region: str | None = None
    template_type: str | None = None
    ip_address: str | None = None
    visibility: str | None = None
    tenant_id: str | None = None
    workspace_id: str | None = None
    preview_domain: str | None = None
    sandbox_url: str | None = None
    desktop_url: str | None = None
    public_url: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    # Why the API says it is in this status (`status_reason`, `error`, `message`...), if it says.
    status_reason: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def is_running(self) -> bool:
        return self.status == RUNNING

    @property
    def is_transitional(self) -> bool:
        return self.status in TRANSITIONAL

    @property
    def is_known_status(self) -> bool:
        return self.status in KNOWN_STATUSES

    @classmethod
    def from_json(cls, obj: object) -> Computer | None:
        """Read one computer; None when `obj` has no usable id."""
        obj = unwrap_object(obj)
        if not isinstance(obj, dict):
            return None
        ident = _str(obj.get("id")) or _str(obj.get("computer_id")) or _str(obj.get("uuid"))
        if not ident:
            return None
        raw_status = _shared(_str(obj.get("status")) or _str(obj.get("state")))
        metadata = obj.get("metadata")
        return cls(
            id=ident,
            name=_str(obj.get("name")) or ident,
            status=sys.intern(normalize_status(raw_status)),
            raw_status=raw_status,
            slug=_str(obj.get("slug")),
            size=_shared(_str(obj.get("size"))),
            region=_shared(_str(obj.get("region"))),
            template_type=_shared(_str(obj.get("template_type")) or _str(obj.get("template"))),
            ip_address=_str(obj.get("ip_address")),
            visibility=_shared(_str(obj.get("visibility"))),
            tenant_id=_shared(_str(obj.get("tenant_id"))),
            workspace_id=_shared(_str(obj.get("workspace_id"))),
            preview_domain=_str(obj.get("preview_domain")),
            sandbox_url=_str(obj.get("sandbox_url")),
            desktop_url=_str(obj.get("desktop_url")) or _str(obj.get("vnc_url")),
            public_url=_str(obj.get("public_url")),
            created_at=_str(obj.get("created_at")),
            updated_at=_str(obj.get("updated_at")),
            status_reason=_reason(obj),
            metadata=dict(metadata) if isinstance(metadata, dict) else {},
        )


def _shared(value: str | None) -> str | None:
    """One str object for each value of a field that takes a handful of values across a fleet
    (status, size, region...): decoded, each computer had its own copy, scattered in memory.
    Filtering 100,000 computers on one of them reads each value's hash: with shared objects
    that is a few objects instead of 100,000 (and ~5 MB less to hold)."""
    return None if value is None else sys.intern(value)


REASON_KEYS = ("status_reason", "status_message", "error_message", "error", "reason", "message")


def _reason(obj: dict[str, Any]) -> str | None:
    """The first non-empty explanation the API gives for the status (a nested `{"error":
    {"message": ...}}` included), or None."""
    for key in REASON_KEYS:
        value = obj.get(key)
        if isinstance(value, dict):
            value = value.get("message") or value.get("reason") or value.get("detail")
        text = _str(value)
        if text and text.strip():
            return text.strip()
    return None


def unwrap_object(body: object) -> object:
    """Bare object, `{"data": {...}}` or `{"computer": {...}}` -> the object."""
    if isinstance(body, dict):
        for key in ("data", "computer"):
            inner = body.get(key)
            if isinstance(inner, dict) and "id" not in body:
                return inner
    return body


def unwrap_list(body: object, *keys: str) -> list[Any]:
    """`{"data": [...]}`, `{"<key>": [...]}`, `{"items": [...]}` or a bare array -> the list."""
    if isinstance(body, list):
        return body
    if isinstance(body, dict):
        for key in ("data", *keys, "items"):
            inner = body.get(key)
            if isinstance(inner, list):
                return inner
            if isinstance(inner, dict) and key == "data":
                nested = unwrap_list(inner, *keys)
                if nested:
                    return nested
    return []


@dataclass(frozen=True, slots=True)
class ComputerPage:
    """One page of `GET /computers` and what it says about the rest."""

    computers: list[Computer]
    total: int | None
    page: int
    per_page: int | None
    skipped: int = 0  # entries that had no id and were dropped


@dataclass(frozen=True, slots=True)
class App:
    """An installed app (`GET /computers/:id/apps`)."""

    name: str
    title: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True, slots=True)
class NamedUrl:
    """A named URL (`GET /computers/:id/urls`): desktop, preview on a port, ..."""

    name: str
    url: str
    port: int | None = None


@dataclass(frozen=True, slots=True)
class VncCredentials:
    """`GET /computers/:id/vnc-credentials`; `password` is a secret and masked in the UI."""

    username: str | None
    password: str | None
    url: str | None
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __repr__(self) -> str:
        return f"VncCredentials(username={self.username!r}, password='****', url={self.url!r})"


@dataclass(frozen=True, slots=True)
class StreamToken:
    """`POST /computers/:id/stream-token`; `expires_at` is epoch seconds when known."""

    token: str
    expires_at: float | None
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __repr__(self) -> str:
        return f"StreamToken(token='****', expires_at={self.expires_at!r})"
