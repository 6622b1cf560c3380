"""`miosa-tui serve`: the same dashboard in a web browser, through textual-serve.

textual-serve starts one app subprocess per browser tab and relays its terminal over a
websocket to xterm.js. We hand it a `python -m miosa_tui ...` command carrying the options given
to `serve`, so a tab behaves exactly like `miosa-tui ...` in a terminal. The API key is never put
on that command line (it would show in `ps` and in textual-serve's log): the child inherits the
environment and reads the same config file.

Only the browser that opened the printed URL gets in: see serve_guard.py (per-run token, Origin
and Host checks in front of textual-serve's routes). The token is not on the tabs' command line
or in their environment either.

The renderer is forced to halfcell: under textual-serve the child's stdout is a pipe, so
textual-image's auto-detection would pick the grey "unicode" renderer, and Sixel/TGP do not work
in xterm.js.
"""

from __future__ import annotations

import argparse
import os
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


def serve_token(args: argparse.Namespace) -> tuple[str, bool]:
    """The run's token and whether the user gave it (--token, then MIOSA_TUI_SERVE_TOKEN)."""
    from miosa_tui.cli.serve_guard import TOKEN_ENV, new_token

    given = getattr(args, "token", None)
    if given is None:
        given = os.environ.get(TOKEN_ENV) or None
    return (new_token(), False) if given is None else (given, True)


def remote_problem(args: argparse.Namespace) -> str | None:
    """Why a non-loopback --host is refused (one sentence), or None."""
    if is_loopback(args.host) or args.read_only or args.allow_remote:
        return None
    return (
        f"--host {args.host} is not loopback, and anyone who can reach it could drive a "
        "dashboard holding your API key (destroy computers, copy stream tokens) while the "
        "serve token crosses the network in clear: prefer an SSH tunnel to the default "
        "127.0.0.1, or add --read-only, or --allow-remote to accept that."
    )


def page_url(host: str, port: int) -> str:
    url_host = f"[{host}]" if ":" in host else host
    return f"http://{url_host}:{port}/"


def run_serve(args: argparse.Namespace) -> int:
    """Serve until Ctrl+C. Exit 2 when something is refused before starting (nothing runs)."""
    problem = missing_textual_serve()
    if problem is not None:
        print(f"miosa-tui: {problem}", file=sys.stderr)
        return 2
    if not 0 < args.port < 65536:
        print(f"miosa-tui: --port must be from 1 to 65535, got {args.port}.", file=sys.stderr)
        return 2
    from miosa_tui.cli import serve_guard

    token, given = serve_token(args)
    problem = serve_guard.token_problem(token) if given else None
    problem = problem or remote_problem(args)
    if problem is not None:
        print(f"miosa-tui: {problem}", file=sys.stderr)
        return 2
    # The tabs inherit this process's environment: the token must not be in it.
    os.environ.pop(serve_guard.TOKEN_ENV, None)
    loopback = is_loopback(args.host)
    guard = serve_guard.AccessGuard(
        token, args.port, loopback_only=loopback and not args.allow_remote
    )
    command = shlex.join(app_command(args))
    url = page_url(args.host, args.port)
    if not loopback:
        print(
            f"miosa-tui: warning: serving on {args.host}, not loopback: without TLS in front "
            "(a reverse proxy), the token crosses the network in clear.",
            file=sys.stderr,
        )
    shown = "<the token you set>" if given else token
    print(f"miosa-tui: open {url}?{serve_guard.TOKEN_PARAM}={shown} in a browser")
    print("  (each tab runs its own dashboard; Ctrl+C stops)")
    print(f"  app command: {command}", flush=True)
    serve_guard.GuardedServer(command, args.host, args.port, "miosa-tui", guard).serve()
    return 0
