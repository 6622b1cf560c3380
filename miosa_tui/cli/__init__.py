"""Entry point of `miosa-tui` and `python -m miosa_tui`.

Textual is imported only when the dashboard opens, so headless commands start fast and work
where no terminal UI can.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from miosa_tui.api.errors import InvalidInputError, MiosaError
from miosa_tui.config import Config, ConfigError, config_path, load_config
from miosa_tui.platforms import is_windows
from miosa_tui.safe_text import printable
from miosa_tui.startup_gc import STARTUP

if TYPE_CHECKING:
    from miosa_tui.ui.presentation import Presentation

# Commands that change a computer or the fleet, refused in read-only mode. `token` is not one:
# it issues a short-lived viewing credential and changes no computer (as in the dashboard).
MUTATING = frozenset(
    {"start", "stop", "restart", "destroy", "clone", "rename", "resize", "move", "create"}
)
# Commands whose --name becomes a computer's name: checked by the shared rule before any request.
NAMING = frozenset({"create", "clone", "rename"})


def _say_error(exc: MiosaError) -> int:
    """One line on stderr: what went wrong (with the request id) and what to do next.

    Exit 2 for input refused locally (bad port, region, config, missing --yes), 1 otherwise.
    """
    bad_input = isinstance(exc, InvalidInputError)
    hint = "" if bad_input and not isinstance(exc, ConfigError) else f" — {exc.hint}"
    # multiline: a refusal may end in a table (a name shared by several computers); every other
    # control character from the API is still shown escaped
    print(printable(f"miosa-tui: {exc}{hint}", multiline=True), file=sys.stderr)
    return 2 if bad_input else 1


def _check_inputs(args: argparse.Namespace) -> None:
    """Refuse malformed input before anything is sent (a bad region or port costs no request)."""
    if args.command in NAMING and args.name is not None:
        from miosa_tui.naming import name_problem

        problem = name_problem(args.name)
        if problem is not None:
            raise InvalidInputError(problem)  # the dashboard's and the simulator's sentence
    if args.command == "screenshot" and args.region:
        from miosa_tui.fleet.region import RegionError, parse

        try:
            parse(args.region)
        except RegionError as exc:
            raise InvalidInputError(f"--region {args.region!r}: {exc.reason}") from None
    if args.command == "preview-url":
        from miosa_tui.api.links import parse_port

        parse_port(args.port)
    timeout = getattr(args, "timeout", None)
    if timeout is not None and not timeout > 0:
        raise InvalidInputError(f"--timeout must be a positive number of seconds, got {timeout:g}.")


def _flags(args: argparse.Namespace) -> dict[str, object]:
    names = ("base_url", "tenant", "read_only", "poll_interval", "image_renderer", "theme")
    return {name: getattr(args, name, None) for name in names}


def _run_sim(args: argparse.Namespace) -> int:
    from miosa_tui.sim.options import config_from_args
    from miosa_tui.sim.server import serve

    sim_config = config_from_args(args)
    root = f"http://{args.host}:{args.port}"
    print(
        f"MIOSA simulator: {root}/api/v1  ({sim_config.fleet} computers, "
        f"seed {sim_config.seed}, speed {sim_config.speed:g}x)"
    )
    print(f"  export MIOSA_BASE_URL={root}/api/v1 MIOSA_API_KEY=msk_sim_local")
    print(f"  control: {root}/_sim/stats  {root}/_sim/faults   (Ctrl+C to stop)", flush=True)
    serve(sim_config, args.host, args.port)
    return 0


def _run_config(args: argparse.Namespace, cfg: Config) -> int:
    path = cfg.path or config_path()
    if args.action == "path":
        print(path)
    elif args.action == "show":
        print(f"# config file: {path}{'' if path.exists() else ' (not created yet)'}")
        print(f"# profile: {cfg.profile or '(none)'}")
        width = max(len(name) for name, _, _ in cfg.describe())
        for name, shown, source in cfg.describe():
            print(f"{name.ljust(width)} = {shown:<32} # {source}")
        for key, keys in sorted(cfg.keymap.items()):
            print(f"keymap.{key} = {keys!r}")
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():  # created private from the start: it may hold a key later
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write("# miosa-tui settings: see README, 'Configuration'\n")
        return _edit(path)
    return 0


def _edit(path: Path) -> int:
    """$VISUAL or $EDITOR on `path`; by default vi (POSIX) or Notepad (Windows, which has no vi
    and whose paths hold backslashes that POSIX shell quoting would eat)."""
    import shlex  # only this command splits words: not imported by every start

    windows = is_windows()
    default = "notepad" if windows else "vi"
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or default
    words = shlex.split(editor, posix=not windows)
    if windows:  # non-POSIX shlex keeps the quotes around "C:\Program Files\..."
        words = [w[1:-1] if len(w) > 1 and w[0] == w[-1] == '"' else w for w in words]
    command = [*words, str(path)]
    try:
        return subprocess.call(command)
    except OSError as exc:
        print(
            f"Could not start the editor {command[0]!r}: {exc.strerror or exc}. "
            f"Set VISUAL or EDITOR, or edit {path} yourself.",
            file=sys.stderr,
        )
        return 1


def _run_dashboard(args: argparse.Namespace, cfg: Config) -> int:
    from miosa_tui.api import MiosaClient
    from miosa_tui.backend import open_backend

    sim_config = None
    if args.demo or not cfg.api_key:  # the real API never loads the simulator
        from miosa_tui.sim.config import SimConfig

        sim_config = SimConfig(fleet=args.fleet, seed=args.seed, speed=args.speed)
    backend = open_backend(cfg, demo=args.demo, sim_config=sim_config)
    try:
        # The first listing is round trips (TCP, TLS for a remote API, a page) that need not
        # wait for the UI: it starts now, on its own thread, while Textual is imported and the
        # dashboard built (~300 ms), and the first poll takes its answer. With answers 350 ms
        # away, first painted table 922 -> 753 ms (bench_startup.py --latency 350). On this
        # machine too: started after the dashboard's mount, the listing's thread waited for
        # the GIL behind the first paint (4 ms alone, ~200 ms there).
        client = MiosaClient(backend.settings)
        client.start_listing()
        from miosa_tui.ui.image_renderer import prepare_renderer

        # textual-image probes the terminal on import; that only works before Textual owns stdin.
        prepare_renderer(cfg.image_renderer)
        from miosa_tui.ui.app import MiosaApp

        app = MiosaApp(backend=backend, config=cfg, presentation=_presentation(args), client=client)
        app.run()
        return app.return_code or 0
    finally:
        backend.close()


def _run_tour(args: argparse.Namespace, cfg: Config) -> int:
    """The tour always runs on a fresh simulated fleet: it never touches real computers."""
    from miosa_tui.backend import open_backend
    from miosa_tui.sim.config import SimConfig

    if args.step_seconds <= 0:
        raise InvalidInputError("--step-seconds must be more than 0.")
    backend = open_backend(cfg, demo=True, sim_config=SimConfig(fleet=12, seed=7, speed=2.0))
    try:
        from miosa_tui.ui.image_renderer import prepare_renderer

        prepare_renderer(cfg.image_renderer)
        from miosa_tui.ui.app import MiosaApp
        from miosa_tui.ui.tour import Tour

        tour = Tour(auto_seconds=args.step_seconds if args.auto else None)
        app = MiosaApp(backend=backend, config=cfg, presentation=_presentation(args), tour=tour)
        app.run()
        return app.return_code or 0
    finally:
        backend.close()


def _presentation(args: argparse.Namespace) -> Presentation:
    from miosa_tui.ui.presentation import Presentation

    record = Path(args.record) if args.record else None
    if record is not None:
        record.open("w", encoding="utf-8").close()  # an unwritable path fails before the app
    return Presentation(record=record, present=bool(args.present))


def _run_headless(args: argparse.Namespace, cfg: Config) -> int:
    from miosa_tui.backend import open_backend
    from miosa_tui.cli.headless import run

    if cfg.read_only and args.command in MUTATING:
        print(
            f"miosa-tui: {args.command} is a mutating command and read-only mode is on.",
            file=sys.stderr,
        )
        return 2
    _check_inputs(args)
    if not cfg.api_key and not args.demo:
        print(
            "miosa-tui: no API key. Set MIOSA_API_KEY (keys start with msk_), "
            "or add --demo to use a throwaway simulated fleet.",
            file=sys.stderr,
        )
        return 2
    backend = open_backend(cfg, demo=args.demo)
    try:
        from miosa_tui.cli.recorded import RECORDED

        if args.command in RECORDED or (args.command == "ls" and args.problems):
            # the history and problem modules: only for a command that uses them
            from miosa_tui.cli.triage import run_with_history

            return asyncio.run(run_with_history(args, cfg, backend, run))
        return asyncio.run(run(args, backend.settings))
    finally:
        backend.close()


def main(argv: Sequence[str] | None = None) -> int:
    from miosa_tui.cli.parser import parse_command_line

    args = parse_command_line(sys.argv[1:] if argv is None else argv)
    if args.command is not None:  # only the dashboard starts with the collector paused
        STARTUP.resume()
    try:
        if args.command == "sim":
            return _run_sim(args)
        if args.command == "doctor":
            from miosa_tui.cli.doctor import run_doctor

            return run_doctor(args, _flags(args))
        cfg = load_config(_flags(args), profile=getattr(args, "profile", None))
        for warning in cfg.warnings:
            print(f"miosa-tui: warning: {warning}", file=sys.stderr)
        if args.command == "config":
            return _run_config(args, cfg)
        if args.command == "serve":
            from miosa_tui.cli.serve import run_serve

            return run_serve(args)
        if args.command == "journal":
            from miosa_tui.cli.triage import run_journal

            return run_journal(args, cfg)
        if args.command is None:
            try:
                return _run_dashboard(args, cfg)
            finally:
                STARTUP.resume()  # if the app never painted a fleet
        if args.command == "tour":
            return _run_tour(args, cfg)
        return _run_headless(args, cfg)
    except MiosaError as exc:
        return _say_error(exc)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader had enough (`miosa-tui ls | head`): not an error. Point stdout at devnull
        # so the interpreter's last flush does not fail on the closed pipe too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:
        print(
            f"miosa-tui: {exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else ""),
            file=sys.stderr,
        )
        return 1
