"""The arguments of `miosa-tui journal` (cli/triage.py runs it). Kept apart and import-light:
the parser is built on every start, the dashboard's included."""

from __future__ import annotations

import argparse
from collections.abc import Callable


def add_journal_parser(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    global_options: Callable[[argparse.ArgumentParser], None],
) -> None:
    journal = sub.add_parser(
        "journal",
        help="print the history of actions and status changes (works while the API is down)",
        description=(
            "Print the local history: every action taken with miosa-tui (dashboard and "
            "command line) and every status change the dashboard saw, oldest first."
        ),
    )
    global_options(journal)
    journal.add_argument("ids", nargs="*", metavar="ID", help="computer ids or names (any one)")
    journal.add_argument("--since", help="only newer rows: 30m, 2h, 3d or an ISO-8601 time")
    journal.add_argument("--limit", type=int, default=500, help="newest rows to show (500)")
    shape = journal.add_mutually_exclusive_group()
    shape.add_argument("--json", action="store_true", help="print stable JSON")
    shape.add_argument(
        "--markdown", action="store_true", help="print an incident timeline in Markdown"
    )
    journal.add_argument(
        "--all-scopes",
        dest="all_scopes",
        action="store_true",
        help="include rows of other APIs, tenants and the simulator",
    )
