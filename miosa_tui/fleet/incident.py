"""The history of chosen computers as Markdown, ready to paste into an incident document.

Names, messages and reasons come from the API or from users: every cell is escaped so that none
of it can become a link, an image, HTML or a broken table in the document it is pasted into.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from miosa_tui.fleet.history import HistoryEvent

# Only what can act inside a table cell: every cell starts after "| ", so block syntax (#, -, >)
# cannot begin there.
_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """Control and bidi characters (terminal escapes included) shown as `\\uXXXX`; newlines
    are kept, so a multi-line report stays one."""
    return "\n".join(
        _CONTROL.sub(lambda m: f"\\u{ord(m.group(0)):04x}", line) for line in text.split("\n")
    )


def md(text: str | None) -> str:
    """`text` safe inside a Markdown table cell: control and bidi characters shown as escapes,
    Markdown punctuation backslash-escaped, `<` and `&` as entities."""
    if not text:
        return ""
    text = _CONTROL.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    return _SPECIAL.sub(r"\\\1", text)


def _stamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SZ")


NO_EVENTS = "no events recorded"
NOTHING_RECORDED = "No actions or status changes were recorded for this selection."


def incident_markdown(
    events: Sequence[HistoryEvent],
    *,
    now: datetime,
    targets: Sequence[str] = (),
    since: datetime | None = None,
    scope: str = "",
    names: Mapping[str, str] | None = None,
) -> str:
    """A Markdown timeline of `events` (oldest first): a summary per computer, then every row.

    Every computer in `targets` (ids or names) has a summary row, one without events too
    ("no events recorded"): an incident document must show that a computer was looked at.
    `names` (id -> name) names the targets the events do not."""
    names = names or {}
    chosen = ", ".join(targets) if targets else "all computers"
    lines = [
        f"# Incident timeline: {md(chosen)}",
        "",
        f"Exported {_stamp(now)} by miosa-tui from its local history"
        + (f" (API: {md(scope)})" if scope else "")
        + ". Times are UTC.",
        "",
        f"Window: {'since ' + _stamp(since) if since else 'everything the history keeps'}; "
        f"{len(events)} event{'s' if len(events) != 1 else ''}.",
        "",
    ]
    summary: dict[str, dict[str, object]] = {}
    for event in events:
        key = event.target_id or event.target_name or "-"
        row = summary.setdefault(
            key,
            {
                "name": event.target_name or "",
                "status": "",
                "actions": 0,
                "bad": 0,
                "first": event.at,
            },
        )
        if event.target_name:
            row["name"] = event.target_name
        if event.kind == "status":
            row["status"] = event.new_status or "gone"
        else:
            row["actions"] = int(str(row["actions"])) + 1
            if event.outcome in ("failed", "timed out", "unknown outcome"):
                row["bad"] = int(str(row["bad"])) + 1
    seen = set(summary) | {str(row["name"]) for row in summary.values()}
    for target in targets:
        if target not in seen:
            seen.add(target)
            name = names.get(target, "")
            summary[target] = {"name": name, "status": NO_EVENTS, "actions": 0, "bad": 0}
    if not summary:
        lines += [NOTHING_RECORDED, ""]
        return "\n".join(lines)
    lines += [
        "## Summary",
        "",
        "| Computer | Id | Last status seen | Actions | Failed or unknown |",
        "| --- | --- | --- | --- | --- |",
    ]
    for key, row in summary.items():
        lines.append(
            f"| {md(str(row['name']))} | {md(key)} | {md(str(row['status'])) or '-'} "
            f"| {row['actions']} | {row['bad']} |"
        )
    lines += ["", "## Timeline", ""]
    if not events:
        lines += [NOTHING_RECORDED, ""]
        return "\n".join(lines)
    lines += [
        "| Time (UTC) | Computer | Event | Details | Request id | By |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for event in events:
        lines.append(
            f"| {_stamp(event.at)} | {md(event.target)} | {md(event.what)} "
            f"| {md(event.message)} | {md(event.request_id)} | {md(event.source)} |"
        )
    lines.append("")
    return "\n".join(lines)
