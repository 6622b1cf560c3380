"""Triage from the command line: `miosa-tui journal`, `miosa-tui ls --problems`, and the history
rows of the CLI's own actions (start, stop, ... are recorded like the dashboard's).

No Textual here (tests/test_imports.py): these run over SSH at 3 a.m. and must start fast.
`journal` reads only the local history, so it works while the API is down.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from miosa_tui.api.errors import (
    ComputerFailedError,
    InvalidInputError,
    MiosaError,
    ResponseFormatError,
    UnknownOutcomeError,
    WaitTimeoutError,
)
from miosa_tui.api.settings import ApiSettings
from miosa_tui.cli import output
from miosa_tui.cli.recorded import RECORDED, TARGET, remember_target
from miosa_tui.config import Config
from miosa_tui.fleet.actions import refused
from miosa_tui.fleet.history import (
    SIMULATOR_SCOPE,
    History,
    HistoryEvent,
    events_json,
    parse_since,
    scope_for,
)
from miosa_tui.fleet.incident import visible
from miosa_tui.fleet.problems import ProblemRules, find_problems, last_actions

if TYPE_CHECKING:
    from miosa_tui.backend import Backend

__all__ = ["RECORDED", "remember_target", "run_with_history"]


def journal_scope(cfg: Config, history: History, *, demo: bool) -> str:
    """The scope `journal` reads: the configured API's; on the simulator (--demo, or no key) its
    last world's, each start of it being a fleet of its own (`--all-scopes` shows every one)."""
    if demo or not cfg.api_key:
        return history.latest_world() or SIMULATOR_SCOPE
    return scope_for(str(cfg.base_url), cfg.tenant)


def open_history(cfg: Config) -> History:
    """The history with the configured bounds; its problem (if any) is said once on stderr."""
    history = History.open(
        max_age_days=cfg.history_days,
        max_mb=cfg.history_max_mb,
        secrets=[cfg.api_key],
    )
    if history.problem:
        print(f"miosa-tui: {history.problem}", file=sys.stderr)
    history.on_problem(lambda sentence: print(f"miosa-tui: {sentence}", file=sys.stderr))
    return history


def run_journal(args: argparse.Namespace, cfg: Config) -> int:
    now = datetime.now(UTC)
    try:
        since = parse_since(args.since, now) if args.since else None
    except ValueError as exc:
        raise InvalidInputError(str(exc)) from None
    if args.limit < 1:
        raise InvalidInputError(f"--limit must be at least 1, got {args.limit}.")
    history = open_history(cfg)
    try:
        scope = None if args.all_scopes else journal_scope(cfg, history, demo=args.demo)
        events = history.events(args.ids, since=since, scope=scope, limit=args.limit)
    finally:
        history.close()
    if args.json:
        sys.stdout.write(events_json(events))
    elif args.markdown:
        from miosa_tui.fleet.incident import incident_markdown

        sys.stdout.write(
            incident_markdown(events, now=now, targets=args.ids, since=since, scope=scope or "")
        )
    elif not events:
        where = f" for {', '.join(args.ids)}" if args.ids else ""
        when = f" since {args.since}" if args.since else ""
        print(f"No history{where}{when}.")
    else:
        for event in events:
            line = event.to_text()
            print(visible(f"{line}  [{event.scope}]" if args.all_scopes else line))
    return 0


async def run_with_history(
    args: argparse.Namespace,
    cfg: Config,
    backend: Backend,
    run: Callable[[argparse.Namespace, ApiSettings], Awaitable[int]],
) -> int:
    """Run a headless command; `ls --problems` is answered here, and an action is recorded in
    the history with its outcome and request id (the error still propagates to cli.main)."""
    if args.command == "ls" and args.problems:
        return await _problems(args, cfg, backend)
    if args.command not in RECORDED:
        return await run(args, backend.settings)
    TARGET.set(None)
    try:
        code = await run(args, backend.settings)
    except InvalidInputError:
        raise  # refused here before anything was sent (destroy without --yes...)
    except MiosaError as err:
        _record(args, cfg, backend, *_failure(err), err.request_id)
        raise
    wait = bool(args.wait) if "wait" in args else False
    if args.command in ("start", "stop", "restart", "destroy") and not wait:
        _record(args, cfg, backend, "sent", f"{args.command.capitalize()} accepted by the API.")
    else:
        _record(args, cfg, backend, "ok", f"{args.command.capitalize()} done.")
    return code


def _failure(err: MiosaError) -> tuple[str, str]:
    if isinstance(err, UnknownOutcomeError):
        return "unknown outcome", err.message
    if isinstance(err, WaitTimeoutError):
        return "timed out", err.message
    if isinstance(err, ComputerFailedError):
        return "failed", err.message
    if refused(err):
        return "refused", err.message
    if isinstance(err, ResponseFormatError) and err.status is not None and 200 <= err.status < 300:
        return "unknown outcome", f"The API accepted it but its answer could not be read: {err}"
    return "failed", err.message


def _record(
    args: argparse.Namespace,
    cfg: Config,
    backend: Backend,
    outcome: str,
    message: str,
    request_id: str | None = None,
) -> None:
    """One history row for the command just run. Nothing is recorded when the target was never
    found (nothing was sent) or the input was refused locally (e.g. destroy without --yes)."""
    target = TARGET.get()
    if args.command != "create" and target is None:
        return
    history = open_history(cfg)
    history.add_secret(backend.settings.api_key)
    try:
        history.write(
            [
                HistoryEvent(
                    at=datetime.now(UTC),
                    kind="action",
                    target_id=target.id if target else None,
                    target_name=target.name if target else args.name,
                    action=args.command,
                    outcome=outcome,
                    message=message,
                    request_id=request_id,
                    source="cli",
                    scope=backend.history_scope,
                )
            ]
        )
    finally:
        history.close()


async def _problems(args: argparse.Namespace, cfg: Config, backend: Backend) -> int:
    from miosa_tui.api.computers import MiosaClient

    async with MiosaClient(backend.settings) as client:
        computers = await client.list_computers(status=args.status)
    scope = backend.history_scope
    history = open_history(cfg)
    history.add_secret(backend.settings.api_key)
    try:
        now = datetime.now(UTC)
        rules = ProblemRules.from_settings(cfg.values)
        actions = last_actions(history.last_action_events(scope=scope))
        observed = {}
        for event in history.events(scope=scope, kind="status"):
            if event.target_id is not None and event.new_status is not None:
                observed[event.target_id] = (event.new_status, event.at)
        by_id = {c.id: c for c in computers}
        since = {
            ident: at
            for ident, (status, at) in observed.items()
            if ident in by_id and by_id[ident].status == status
        }
        problems = find_problems(
            computers, now=now, rules=rules, observed=since, last_actions=actions
        )
    finally:
        history.close()
    if args.json:
        output.print_json([p.to_json(now) for p in problems])
        return 0
    if not problems:
        print(f"No problems among {len(computers)} computers.")
        return 0
    rows = [
        (
            p.computer.name,
            p.computer.id,
            p.computer.status,
            p.kind,
            "-" if p.age(now) is None else _short(p.age(now)),
            p.reason,
        )
        for p in problems
    ]
    print(visible(output.table(rows, ("NAME", "ID", "STATUS", "PROBLEM", "FOR", "WHY"))))
    return 0


def _short(seconds: float | None) -> str:
    from miosa_tui.fleet.problems import short_duration

    return short_duration(seconds or 0.0)
