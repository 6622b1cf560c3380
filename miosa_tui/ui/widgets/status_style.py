"""How a status looks: colour, and a spinner with elapsed time while it is in transition."""

from __future__ import annotations

from rich.text import Text

from miosa_tui.api.models import KNOWN_STATUSES, SETTLES_AS, TRANSITIONAL
from miosa_tui.fleet.humanize import ARROW
from miosa_tui.safe_text import printable

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
COLOURS = {
    "running": "bold green",
    "stopped": "grey62",
    "paused": "cyan",
    "error": "bold red",
    "failed": "bold red",
    "destroyed": "grey42 strike",
}


def status_colour(status: str) -> str:
    if status in TRANSITIONAL:
        return "yellow"
    if status not in KNOWN_STATUSES:
        return "magenta"
    return COLOURS.get(status, "white")


def elapsed(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds}s" if seconds < 60 else f"{seconds // 60}m{seconds % 60:02d}s"


def status_text(
    status: str,
    raw: str | None = None,
    *,
    desired: str | None = None,
    since: float | None = None,
    now: float = 0.0,
    frame: int = 0,
) -> Text:
    """`running`, `⠙ stopping 4s`, `⠙ running → stopped 1s` (an action the API has not shown
    yet), `⠙ stopping → running 4s` (a restart), or an unknown status as it came
    (`? hibernating`). The action's goal is left out where the status goes there anyway
    ("stopping → stopped" cut the time off a 16-cell column). Cut to a narrow column the label
    ends in "…", never in a cut word that reads as another status."""
    shown = raw if raw and status not in KNOWN_STATUSES else status
    moving = status in TRANSITIONAL or (desired is not None and desired != status)
    text = Text(overflow="ellipsis", no_wrap=True)
    if moving:
        text.append(SPINNER[frame % len(SPINNER)] + " ", style="yellow")
    elif status not in KNOWN_STATUSES:
        text.append("? ", style="magenta")
    else:
        text.append("● ", style=status_colour(status))
    text.append(printable(shown), style=status_colour(status))
    if desired is not None and desired not in (status, SETTLES_AS.get(status)):
        text.append(f" {ARROW} {desired}", style="yellow")
    if moving and since is not None:
        text.append(f" {elapsed(now - since)}", style="dim")
    return text
