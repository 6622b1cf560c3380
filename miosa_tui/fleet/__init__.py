"""The live fleet model between the API client and the UI (no Textual here).

Submodules: diff (snapshot diffs), poller (policy, FleetState, pending actions, poll loop),
actions (rules, bulk plans, validation, ActionRunner), journal, region (0-1000 space),
filter (the `/` filter), sorting (column sort keys).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# The names below are loaded when first asked for (PEP 562): importing one submodule (the
# headless CLI needs only `capture` and `region`) no longer imports all of them, the action
# rules and the journal included (~40 ms of every `miosa-tui ls`).
if TYPE_CHECKING:
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

_HOME = {
    "ActionKind": "actions",
    "ActionResult": "actions",
    "ActionRunner": "actions",
    "BulkPlan": "actions",
    "allowed": "actions",
    "plan_bulk": "actions",
    "FleetDiff": "diff",
    "diff_fleet": "diff",
    "Filter": "filter",
    "parse_filter": "filter",
    "Journal": "journal",
    "JournalEntry": "journal",
    "redact": "journal",
    "FleetState": "poller",
    "PendingAction": "poller",
    "PollPolicy": "poller",
    "SettledAction": "poller",
    "PRESETS": "region",
    "Region": "region",
    "RegionError": "region",
    "SORT_KEYS": "sorting",
    "sort_computers": "sorting",
}


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


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
