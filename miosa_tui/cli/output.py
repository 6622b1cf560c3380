"""How headless commands print: aligned text tables for people, stable JSON for scripts.

The JSON shapes are part of our interface (README, "JSON output"): keys are only ever added.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from rich.cells import cell_len

from miosa_tui.api.models import App, Computer, NamedUrl
from miosa_tui.fleet.humanize import age
from miosa_tui.safe_text import printable

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


CELL_LIMIT = 100  # terminal cells of one table cell; longer text ends in an ellipsis


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
    """A plain aligned table with a rule under the headers, as `kubectl get` prints. Cells are
    API text: shown with `printable` (control characters escaped), aligned by terminal cells."""
    shown = [[printable(cell, limit=CELL_LIMIT) for cell in row] for row in rows]
    widths = [cell_len(h) for h in headers]
    for row in shown:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], cell_len(cell))

    def pad(text: str, width: int) -> str:
        return text + " " * (width - cell_len(text))

    lines = ["  ".join(pad(h, w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += [
        "  ".join(pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip() for row in shown
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
    return "\n".join(
        f"{k.ljust(width)}  {'-' if v is None else printable(v)}" for k, v in data.items()
    )
