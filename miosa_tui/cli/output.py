"""How headless commands print: aligned text tables for people, stable JSON for scripts.

The JSON shapes are part of our interface (README, "JSON output"): keys are only ever added.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from miosa_tui.api.models import App, Computer, NamedUrl
from miosa_tui.fleet.humanize import age

COMPUTER_KEYS = (
    "id",
    "name",
    "status",
    "raw_status",
    "size",
    "region",
    "template_type",
    "ip_address",
    "slug",
    "visibility",
    "desktop_url",
    "public_url",
    "created_at",
    "updated_at",
)


def computer_json(computer: Computer) -> dict[str, Any]:
    """The stable JSON form of a computer (`status` normalised, `raw_status` as sent).

    Every key is a scalar field of Computer, read directly: `dataclasses.asdict` deep-copies
    every field (metadata included) and was a third of `ls --json` of 2,000 computers."""
    return {key: getattr(computer, key) for key in COMPUTER_KEYS}


def app_json(app: App) -> dict[str, Any]:
    return {"name": app.name, "title": app.title}


def url_json(url: NamedUrl) -> dict[str, Any]:
    return {"name": url.name, "url": url.url, "port": url.port}


def print_json(value: Any, out: TextIO | None = None) -> None:
    stream = out or sys.stdout
    stream.write(json.dumps(value, indent=2, sort_keys=False) + "\n")


def table(rows: Sequence[Sequence[str]], headers: Sequence[str]) -> str:
    """A plain aligned table with a rule under the headers, as `kubectl get` prints."""
    widths = [len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    return "\n".join(lines)


def computers_table(computers: Sequence[Computer]) -> str:
    headers = ("ID", "NAME", "STATUS", "SIZE", "REGION", "TEMPLATE", "IP", "AGE")
    rows = [
        (
            c.id,
            c.name,
            c.raw_status or c.status,
            c.size or "-",
            c.region or "-",
            c.template_type or "-",
            c.ip_address or "-",
            age(c.created_at),
        )
        for c in computers
    ]
    return table(rows, headers)


def computer_details(computer: Computer) -> str:
    data = computer_json(computer)
    width = max(len(k) for k in data)
    return "\n".join(f"{k.ljust(width)}  {'-' if v is None else v}" for k, v in data.items())
