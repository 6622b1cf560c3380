"""Headless twins of the dashboard's actions, sharing its client and capture code."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from typing import Any

from miosa_tui.api.computers import MiosaClient
from miosa_tui.api.errors import InvalidInputError, NotFoundError
from miosa_tui.api.links import parse_port
from miosa_tui.api.models import Computer
from miosa_tui.api.settings import ApiSettings
from miosa_tui.cli import output
from miosa_tui.cli.recorded import remember_target
from miosa_tui.fleet.capture import capture, png_size, save_png
from miosa_tui.fleet.region import RegionError, parse
from miosa_tui.naming import NAME_MAX, name_problem
from miosa_tui.safe_text import printable


async def resolve(client: MiosaClient, ident: str) -> Computer:
    """The one computer `ident` names: an id always wins, else the only computer with that exact
    name. Two or more with that name: refused (exit 2) with every match listed, so no command
    ever picks one of them silently.

    `GET /computers/<ident>` comes first (one request for an id). The API may answer it for a
    name or slug too (the official CLIs rely on that; the simulator does it), so that answer is
    only taken as is when its id is `ident`; otherwise the list decides.
    """
    try:
        found: Computer | None = await client.get(ident)
    except NotFoundError:
        found = None
    if found is not None and found.id == ident:
        return found
    matches = [c for c in await client.list_computers() if c.name == ident]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise InvalidInputError(ambiguous(ident, matches)) from None
    if found is not None:  # the API matched something else it accepts for it (a slug)
        return found
    raise NotFoundError(
        f"No computer has the id or name {ident!r}.", status=404, code="NOT_FOUND"
    ) from None


def ambiguous(ident: str, matches: list[Computer]) -> str:
    """ "2 computers are named 'web'; use an id:" over an aligned id/name/status/region table."""
    rows = [(c.id, c.name, c.raw_status or c.status, c.region or "-") for c in matches]
    listing = output.table(rows, ("ID", "NAME", "STATUS", "REGION"))
    return f"{len(matches)} computers are named {ident!r}; use an id:\n{listing}"


def clone_name(args: argparse.Namespace, source: Computer) -> str | None:
    """--name (checked before any request), else "<name>-clone" cut to fit the name rule, else
    None: the API names the clone itself (a source name the rule refuses)."""
    if args.name is not None:
        return str(args.name).strip()
    default = f"{source.name[: NAME_MAX - len('-clone')].rstrip('-')}-clone"
    return default if name_problem(default) is None else None


def _status(computer: Computer) -> str:
    return printable(computer.raw_status or computer.status)


def _emit(args: argparse.Namespace, data: Any, text: str | Callable[[], str]) -> None:
    """Print `data` as JSON with --json, else `text` (a callable: built only when printed)."""
    if args.json:
        output.print_json(data)
    else:
        print(printable(text if isinstance(text, str) else text(), multiline=True))


async def run(args: argparse.Namespace, settings: ApiSettings) -> int:
    """Run one headless command; errors propagate to cli.main, which prints one line."""
    async with MiosaClient(settings) as client:
        cmd = args.command
        if cmd == "ls":
            computers = await client.list_computers(status=args.status)
            _emit(
                args,
                [output.computer_json(c) for c in computers] if args.json else None,
                lambda: output.computers_table(computers),
            )
            return 0
        if cmd == "create":
            created = await client.create(
                name=args.name.strip(),
                size=args.size,
                region=args.region,
                template_type=args.template,
            )
            _emit(
                args,
                output.computer_json(created),
                f"Creating {printable(created.name)} ({printable(created.id)}).",
            )
            return 0

        computer = await resolve(client, args.id)
        remember_target(computer)  # for the history row of this command (cli/triage.py)
        cid = computer.id
        if cmd == "get":
            _emit(args, output.computer_json(computer), output.computer_details(computer))
        elif cmd in ("start", "stop", "restart"):
            await getattr(client, cmd)(cid)
            result = computer
            if args.wait:
                waiter = client.wait_until_stopped if cmd == "stop" else client.wait_until_running
                result = await waiter(cid, timeout=args.timeout)
            else:
                result = await client.get(cid)
            _emit(
                args,
                output.computer_json(result),
                f"{cmd}: {printable(result.name)} is {_status(result)}.",
            )
        elif cmd == "destroy":
            if not args.yes:
                raise InvalidInputError(
                    f"Destroying {printable(computer.name)} ({printable(cid)}) cannot be undone; "
                    "add --yes to confirm."
                )
            await client.delete(cid)
            _emit(
                args,
                {"id": cid, "destroyed": True},
                f"Destroying {printable(computer.name)} ({printable(cid)}).",
            )
        elif cmd == "clone":
            clone = await client.clone(cid, name=clone_name(args, computer))
            _emit(
                args,
                output.computer_json(clone),
                f"Cloning {printable(computer.name)} as {printable(clone.name)} "
                f"({printable(clone.id)}).",
            )
        elif cmd == "rename":
            renamed = await client.update(cid, name=args.name.strip())
            _emit(
                args,
                output.computer_json(renamed),
                f"Renamed {computer.name} ({cid}) to {renamed.name}.",
            )
        elif cmd == "resize":
            resized = await client.resize(cid, size=args.size)
            after = resized or await client.get(cid)
            _emit(
                args,
                output.computer_json(after),
                f"{printable(after.name)}: size {printable(after.size)}, {_status(after)}.",
            )
        elif cmd == "move":
            moved = await client.move(cid, region=args.region)
            after = moved or await client.get(cid)
            _emit(
                args,
                output.computer_json(after),
                f"{printable(after.name)}: region {printable(after.region)}, {_status(after)}.",
            )
        elif cmd == "apps":
            apps = await client.apps(cid)
            _emit(
                args,
                [output.app_json(a) for a in apps],
                "\n".join(printable(a.name) for a in apps) or "(no apps)",
            )
        elif cmd == "urls":
            urls = await client.urls(cid)
            rows = [(u.name, u.url) for u in urls]
            _emit(args, [output.url_json(u) for u in urls], output.table(rows, ("NAME", "URL")))
        elif cmd == "vnc":
            creds = await client.vnc_credentials(cid)
            password = creds.password if args.reveal else ("••••••••" if creds.password else None)
            data = {"username": creds.username, "password": password, "url": creds.url}
            _emit(
                args,
                data,
                output.table([(k, str(v or "-")) for k, v in data.items()], ("FIELD", "VALUE")),
            )
        elif cmd == "token":
            token = await client.stream_token(cid)
            left = f"{token.expires_at - time.time():.0f} s" if token.expires_at else "unknown"
            _emit(
                args,
                {"token": token.token, "expires_at": token.expires_at},
                f"{printable(token.token)}\n(expires in {left})",
            )
        elif cmd == "preview-url":
            port = parse_port(args.port)
            url = client.preview_url(computer, port)
            _emit(args, {"port": port, "url": url}, printable(url))
        elif cmd == "public-url":
            url = client.public_url(computer)
            _emit(args, {"url": url}, printable(url))
        elif cmd == "screenshot":
            try:
                region = parse(args.region) if args.region else None
            except RegionError as exc:
                raise InvalidInputError(f"--region {args.region!r}: {exc.reason}") from None
            png = await capture(client, cid, region)
            path = save_png(png, args.output)
            width, height = png_size(png)
            _emit(
                args,
                {"path": str(path), "width": width, "height": height},
                f"Saved {width}x{height} PNG to {path}",
            )
        elif cmd == "wait":
            waiter = (
                client.wait_until_running if args.state == "running" else client.wait_until_stopped
            )
            done = await waiter(cid, timeout=args.timeout)
            _emit(
                args,
                output.computer_json(done),
                f"{printable(done.name)} is {_status(done)}.",
            )
        else:  # pragma: no cover - argparse restricts the choices
            print(f"Unknown command {cmd}", file=sys.stderr)
            return 2
    return 0
