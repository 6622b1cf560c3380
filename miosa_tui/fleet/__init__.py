"""The live fleet model between the API client and the UI (no Textual here).

Submodules: diff (snapshot diffs), poller (policy, FleetState, pending actions, poll loop),
actions (rules, bulk plans, validation, ActionRunner), journal, region (0-1000 space),
filter (the `/` filter), sorting (column sort keys).
"""

from miosa_tui.fleet.actions import (
    ActionKind,
    ActionResult,
    ActionRunner,
    BulkPlan,
    allowed,
    plan_bulk,
)
from miosa_tui.fleet.diff import FleetDiff, diff_fleet
from miosa_tui.fleet.filter import Filter, parse_filter
from miosa_tui.fleet.journal import Journal, JournalEntry, redact
from miosa_tui.fleet.poller import FleetState, PendingAction, PollPolicy, SettledAction
from miosa_tui.fleet.region import PRESETS, Region, RegionError
from miosa_tui.fleet.sorting import SORT_KEYS, sort_computers

__all__ = [
    "PRESETS",
    "SORT_KEYS",
    "ActionKind",
    "ActionResult",
    "ActionRunner",
    "BulkPlan",
    "Filter",
    "FleetDiff",
    "FleetState",
    "Journal",
    "JournalEntry",
    "PendingAction",
    "PollPolicy",
    "Region",
    "RegionError",
    "SettledAction",
    "allowed",
    "diff_fleet",
    "parse_filter",
    "plan_bulk",
    "redact",
    "sort_computers",
]
