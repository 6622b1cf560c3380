"""`miosa-tui serve`: the same dashboard in a web browser, through textual-serve.

textual-serve starts one app subprocess per browser tab and relays its terminal over a
websocket to xterm.js. We hand it a `python -m miosa_tui ...` command carrying the options given
to `serve`, so a tab behaves exactly like `miosa-tui ...` in a terminal. The API key is never put
on that command line (it would show in `ps` and in textual-serve's log): the child inherits the
environment and reads the same config file.

The renderer is forced to halfcell: under textual-serve the child's stdout is a pipe, so
textual-image's auto-detection would pick the grey "unicode" renderer, and Sixel/TGP do not work
in xterm.js.
"""

from __future__ import annotations

import argparse
import shlex
import sys

from miosa_tui.api.settings import is_loopback

WEB_EXTRA_HINT = "pip install 'miosa-tui[web]'"


def app_command(args: argparse.Namespace, python: str | None = None) -> list[str]:
    """The argv each browser tab runs: the dashboard with the options given to `serve`."""
    argv = [python or sys.executable, "-m", "miosa_tui"]
    if getattr(args, "demo", False):
        argv.append("--demo")
    if getattr(args, "read_only", None):
        argv.append("--read-only")
    for option, name in (
        ("--profile", "profile"),
        ("--base-url", "base_url"),
        ("--tenant", "tenant"),
        ("--poll-interval", "poll_interval"),
        ("--theme", "theme"),
    ):
        value = getattr(args, name, None)
        if value is not None:
            argv += [option, str(value)]
    for option, name, default in (
        ("--fleet", "fleet", 12),
        ("--seed", "seed", 7),
        ("--speed", "speed", 1.0),
    ):
        value = getattr(args, name, default)
        if value != default:
            argv += [option, f"{value:g}" if isinstance(value, float) else str(value)]
    argv += ["--image-renderer", "halfcell"]
    return argv


def missing_textual_serve() -> str | None:
    """One sentence saying how to install textual-serve, or None when it is importable."""
    try:
        import textual_serve.server  # noqa: F401
    except ImportError:
        return f"Browser mode needs the optional textual-serve package: {WEB_EXTRA_HINT}"
    return None


def run_serve(args: argparse.Namespace) -> int:
    """Serve until Ctrl+C. Exit 2 when textual-serve is missing (nothing is started)."""
    problem = missing_textual_serve()
    if problem is not None:
        print(f"miosa-tui: {problem}", file=sys.stderr)
        return 2
    if not 0 < args.port < 65536:
        print(f"miosa-tui: --port must be from 1 to 65535, got {args.port}.", file=sys.stderr)
        return 2
    from textual_serve.server import Server

    command = shlex.join(app_command(args))
    url_host = f"[{args.host}]" if ":" in args.host else args.host
    url = f"http://{url_host}:{args.port}"
    if not is_loopback(url):
        print(
            f"miosa-tui: warning: serving on {args.host}, not loopback. textual-serve has no "
            "login: anyone who can reach this address gets a dashboard with your API key. "
            "Prefer the default --host 127.0.0.1 and an SSH tunnel.",
            file=sys.stderr,
        )
    print(f"miosa-tui: open {url} in a browser (each tab runs its own dashboard; Ctrl+C stops)")
    print(f"  app command: {command}", flush=True)
    Server(command, host=args.host, port=args.port, title="miosa-tui").serve()
    return 0
