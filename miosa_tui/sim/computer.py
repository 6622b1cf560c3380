"""One simulated computer: its full internal record and the JSON it shows.

`to_json` is the wire shape every SDK reads (reference §3); `internal_json` adds what only the
/_sim control routes reveal (apps, ports, the pending schedule), so a test can see why a status
is about to change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

# A schedule step that deletes the computer: where `destroying` ends (then GET is a 404).
GONE = "__gone__"


def iso(dt: datetime) -> str:
    """ISO-8601 in UTC with a `Z` and whole seconds, the form every SDK parses."""
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(slots=True)
class SimComputer:
    """One computer's full internal state (more than the wire shows)."""

    id: str
    name: str
    slug: str
    status: str
    size: str
    region: str
    template_type: str
    ip_address: str
    created_at: datetime
    updated_at: datetime
    visibility: str = "public"
    tenant_id: str = "ten_01"
    workspace_id: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    preview_domain: str = "miosa.app"
    host_id: str = "host-mia-01"
    apps: tuple[str, ...] = ("terminal", "files")
    ports: tuple[int, ...] = ()
    vnc_password: str = ""
    # Queued (due monotonic time, status) steps; see sim/schedule.py.
    steps: list[tuple[float, str]] = field(default_factory=list)
    # Set by the force_status test hook, so the internal view shows the status was imposed.
    forced: bool = False

    @property
    def sandbox_url(self) -> str:
        return f"https://{self.slug}.sandbox.{self.preview_domain}"

    @property
    def desktop_url(self) -> str:
        return f"https://{self.slug}.computer.miosa.ai/viewer"

    def to_json(self, status: str | None = None) -> dict[str, Any]:
        """The wire shape; `status` overrides the shown status (the unknown-status fault)."""
        shown = status or self.status
        return {
            "id": self.id,
            "name": self.name,
            "slug": self.slug,
            "status": shown,
            "template_type": self.template_type,
            "size": self.size,
            "region": self.region,
            "visibility": self.visibility,
            "tenant_id": self.tenant_id,
            "workspace_id": self.workspace_id,
            "ip_address": None if shown in ("creating", "provisioning") else self.ip_address,
            "host_id": self.host_id,
            "metadata": dict(self.metadata),
            "preview_domain": self.preview_domain,
            "sandbox_url": self.sandbox_url,
            "desktop_url": self.desktop_url,
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
        }

    def internal_json(self, now: float) -> dict[str, Any]:
        """The wire shape plus apps, ports and the schedule as seconds from `now`."""
        data = self.to_json()
        data["apps"] = list(self.apps)
        data["ports"] = list(self.ports)
        data["forced"] = self.forced
        data["schedule"] = [
            {"status": "gone" if s == GONE else s, "in_s": round(max(0.0, t - now), 3)}
            for t, s in self.steps
        ]
        return data
