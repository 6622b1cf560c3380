"""The `miosa-tui` command line: the dashboard by default, plus headless twins for scripts."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import NoReturn

from miosa_tui import __version__
from miosa_tui.config import RENDERERS


def _global_options(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    """Options shared by the dashboard and the headless commands (flags beat env and file).

    They are accepted before and after the command (`--read-only stop X`, `stop X --read-only`).
    Only the top-level parser has defaults: argparse lets a subparser's defaults overwrite what
    was parsed before the command, which silently dropped `miosa-tui --read-only destroy ...`.
    """
    unset: object = None if top else argparse.SUPPRESS
    parser.add_argument(
        "--demo",
        action="store_true",
        default=False if top else argparse.SUPPRESS,
        help="use the embedded simulator even when a key is set",
    )
    parser.add_argument("--profile", default=unset, help="config-file profile to use")
    parser.add_argument(
        "--base-url",
        dest="base_url",
        default=unset,
        help="MIOSA API base URL (default https://api.miosa.ai/api/v1)",
    )
    parser.add_argument("--tenant", default=unset, help="tenant sent as X-MIOSA-Tenant")
    parser.add_argument(
        "--read-only",
        dest="read_only",
        action="store_true",
        default=unset,
        help="hide and block every mutating action",
    )


def _dashboard_options(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    """Options of the dashboard itself (also taken by `serve`, which runs the dashboard)."""

    def default(value: object) -> object:
        return value if top else argparse.SUPPRESS

    parser.add_argument(
        "--poll-interval",
        dest="poll_interval",
        type=float,
        default=default(None),
        help="seconds between refreshes (default 5)",
    )
    parser.add_argument(
        "--theme", default=default(None), help="Textual theme name, e.g. nord, gruvbox"
    )
    parser.add_argument(
        "--fleet", type=int, default=default(12), help="simulated fleet size (demo mode)"
    )
    parser.add_argument(
        "--seed", type=int, default=default(7), help="simulated fleet seed (demo mode)"
    )
    parser.add_argument(
        "--speed", type=float, default=default(1.0), help="simulated time factor (demo mode)"
    )


def _presentation_options(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    """Options for showing the dashboard to others (the dashboard and `tour`)."""
    parser.add_argument(
        "--record",
        metavar="FILE.cast",
        default=None if top else argparse.SUPPRESS,
        help="record the session as an asciicast v2 file (secrets stay masked while recording)",
    )
    parser.add_argument(
        "--present",
        action="store_true",
        default=False if top else argparse.SUPPRESS,
        help="presenter mode: show the keys pressed, never reveal secrets",
    )


def _top_options(parser: argparse.ArgumentParser) -> None:
    """The options taken before any command: those of the dashboard, the default command."""
    _global_options(parser, top=True)
    _dashboard_options(parser, top=True)
    parser.add_argument(
        "--image-renderer",
        dest="image_renderer",
        choices=RENDERERS,
        help="how desktops are drawn (default halfcell)",
    )
    _presentation_options(parser, top=True)


class _NotOptionsOnly(Exception):
    """The lean parser met something it does not take (see `parse_command_line`)."""


class _LeanParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _NotOptionsOnly(message)


def parse_command_line(argv: Sequence[str]) -> argparse.Namespace:
    """`argv` parsed as `build_parser(argv).parse_args(argv)` would.

    The dashboard's command line is options only, and building every command's parser costs
    ~4 ms of its start-up: such a line is parsed by a parser of the top-level options alone.
    Anything else it meets (a command, -h, --version, a value it refuses, an unknown option)
    goes to the whole parser, which parses it or words the help or the error as always."""
    lean = _LeanParser(prog="miosa-tui", add_help=False)
    _top_options(lean)
    try:
        args, rest = lean.parse_known_args(argv)
    except _NotOptionsOnly:
        rest = ["(refused)"]
    if rest:
        return build_parser(argv).parse_args(argv)
    args.command = None  # the dashboard
    return args


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The whole command line. With `argv`, the `sim` command gets its options only when
    "sim" is in it (they import the simulator, which the dashboard on the real API never
    needs); without, always."""
    parser = argparse.ArgumentParser(
        prog="miosa-tui",
        description=(
            "A terminal dashboard for MIOSA computers. "
            "With no MIOSA_API_KEY it runs on an embedded simulator."
        ),
    )
    parser.add_argument("--version", action="version", version=f"miosa-tui {__version__}")
    _top_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    sim = sub.add_parser("sim", help="run the MIOSA simulator alone and print its base URL")
    if argv is None or "sim" in argv:
        from miosa_tui.sim.options import add_arguments as add_sim_arguments

        add_sim_arguments(sim)

    def command(name: str, help: str, *, ident: bool = True) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help)
        _global_options(p)
        p.add_argument("--json", action="store_true", help="print stable JSON (see README)")
        if ident:
            p.add_argument("id", help="computer id (or exact name)")
        return p

    ls = command("ls", "list computers", ident=False)
    ls.add_argument("--status", help="only this status")
    ls.add_argument(
        "--problems", action="store_true", help="only computers that need attention, and why"
    )
    command("get", "show one computer")
    for verb in ("start", "stop", "restart"):
        p = command(verb, f"{verb} a computer")
        p.add_argument("--wait", action="store_true", help="wait until it settles")
        p.add_argument("--timeout", type=float, default=300.0)
    command("destroy", "destroy a computer (needs --yes)").add_argument(
        "--yes", action="store_true", help="confirm"
    )
    command("clone", "clone a computer").add_argument(
        "--name", help="name of the clone (default <name>-clone)"
    )
    command("rename", "rename a computer").add_argument(
        "--name", required=True, help="the new name (lowercase letters, digits, hyphens)"
    )
    command("resize", "change a computer's size").add_argument(
        "--size", required=True, help="xs, small, medium, large or xl"
    )
    command("move", "move a computer to another region").add_argument(
        "--region", required=True, help="e.g. us-mia, us-nyc, us-la"
    )
    create = command("create", "create a computer", ident=False)
    create.add_argument("--name", required=True)
    create.add_argument("--size", default="small")
    create.add_argument("--region", default="us-mia")
    create.add_argument("--template", default="miosa-desktop")
    command("apps", "list installed apps")
    command("urls", "list named URLs")
    command("vnc", "show VNC credentials (password masked unless --reveal)").add_argument(
        "--reveal", action="store_true"
    )
    command("token", "issue a short-lived stream token")
    command("preview-url", "preview URL for a port").add_argument("port")
    command("public-url", "public desktop URL")
    shot = command("screenshot", "save the desktop (or a region) as PNG")
    shot.add_argument("--region", help="x,y,width,height in the 0-1000 space")
    shot.add_argument("-o", "--output", required=True, help="PNG file to write")
    wait = command("wait", "wait until a computer is running or stopped")
    wait.add_argument("state", choices=("running", "stopped"))
    wait.add_argument("--timeout", type=float, default=300.0)

    from miosa_tui.cli.journal_args import add_journal_parser

    add_journal_parser(sub, _global_options)

    cfg = sub.add_parser("config", help="show or edit the config file")
    cfg.add_argument("action", choices=("path", "show", "edit"))
    cfg.add_argument("--profile", default=argparse.SUPPRESS, help="profile to resolve")

    serve = sub.add_parser(
        "serve",
        help="serve the dashboard to a web browser (needs: pip install 'miosa-tui[web]')",
        description=(
            "Serve the dashboard in a web browser through textual-serve, for demos and screen "
            "shares. Each browser tab runs its own dashboard with the options given here. "
            "Only the browser that opens the printed URL (it carries a per-run token) gets in."
        ),
    )
    _global_options(serve)
    _dashboard_options(serve)
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    serve.add_argument(
        "--token",
        default=None,
        help="the secret the URL carries (default: MIOSA_TUI_SERVE_TOKEN, else a random one; "
        "prefer the variable: an option shows in ps)",
    )
    serve.add_argument(
        "--allow-remote",
        dest="allow_remote",
        action="store_true",
        help="serve a non-loopback --host without --read-only, or loopback behind a reverse "
        "proxy (any Host name accepted; the token is still required)",
    )

    tour = sub.add_parser(
        "tour",
        help="a guided tour of the dashboard on a simulated fleet",
        description="space/→ next step, ← back, any other key: you drive, escape ends the tour",
    )
    tour.add_argument(
        "--auto", action="store_true", help="advance by itself and exit 0 after the last step"
    )
    tour.add_argument(
        "--step-seconds",
        type=float,
        default=5.0,
        metavar="S",
        help="seconds per step with --auto (default 5)",
    )
    _presentation_options(tour)
    doctor = sub.add_parser(
        "doctor",
        help="report versions, config, API reachability and terminal support (for bug reports)",
    )
    _global_options(doctor)
    doctor.add_argument("--json", action="store_true", help="print the report as JSON")
    doctor.add_argument(
        "--timeout", type=float, default=5.0, help="seconds to wait for the API (default 5)"
    )
    return parser
