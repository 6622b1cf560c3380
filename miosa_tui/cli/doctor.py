"""`miosa-tui doctor`: everything a bug report needs, in one paste.

Versions, where the config file is and what it says (with the source of every value), which
backend the dashboard would use, one cheap authenticated request to the API (or a start of the
embedded simulator when there is no key), and what the terminal can do for images and the
clipboard. Secrets never appear: the key is shown as `mask_key` gives it, and the whole report is
scrubbed for the raw key once more before printing.

It never needs Textual and keeps working when the config file is broken: that error becomes part
of the report instead of stopping it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import secrets
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from miosa_tui import __version__
from miosa_tui.api.errors import MiosaError
from miosa_tui.api.lean_httpx import httpx
from miosa_tui.api.settings import ApiSettings, mask_key
from miosa_tui.config import Config, ConfigError, config_path, load_config
from miosa_tui.platforms import NO_FILE_MODES, has_unix_file_modes
from miosa_tui.safe_text import printable
from miosa_tui.ui.terminal_watch.detectors import describe_watch

Runner = Callable[[list[str]], str | None]

PACKAGES = ("textual", "textual-image", "textual-serve", "httpx", "pillow", "rich", "platformdirs")
TITLES = {"api": "API check", "backend": "Backend", "terminal": "Terminal"}
OSC52_TERMINALS = {
    "iterm.app": "iTerm2 (needs 'Applications in terminal may access clipboard')",
    "wezterm": "WezTerm",
    "vscode": "the VS Code terminal",
    "ghostty": "Ghostty",
    "kitty": "kitty",
    "alacritty": "Alacritty",
    "foot": "foot",
    "tabby": "Tabby",
}


@dataclass
class Report:
    """Sections of (label -> value) in print order, plus the problems found."""

    sections: dict[str, dict[str, Any]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    # Something will not work as a user expects (copies dropped by tmux) though nothing is
    # broken: listed under Problems, but the exit status stays 0.
    warnings: list[str] = field(default_factory=list)

    def section(self, name: str) -> dict[str, Any]:
        return self.sections.setdefault(name, {})

    def as_json(self) -> dict[str, Any]:
        return {**self.sections, "problems": list(self.problems), "warnings": list(self.warnings)}


# -- versions ------------------------------------------------------------------------------------


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def versions() -> dict[str, Any]:
    info: dict[str, Any] = {
        "miosa-tui": __version__,
        "python": f"{platform.python_version()} ({platform.python_implementation()})",
    }
    for package in PACKAGES:
        info[package] = _version(package)
    info["platform"] = platform.platform()
    return info


# -- config --------------------------------------------------------------------------------------


def load_for_report(
    flags: Mapping[str, Any], profile: str | None, environ: Mapping[str, str]
) -> tuple[Config, str | None]:
    """The config, or (when the file or a variable is broken) the best we can do plus the error."""
    try:
        return load_config(flags, environ=environ, profile=profile), None
    except ConfigError as exc:
        error = str(exc)
    try:  # without the file: environment and flags only
        return load_config(flags, environ=environ, path=Path(os.devnull)), error
    except ConfigError:
        return Config(), error


def _file_facts(path: Path) -> dict[str, Any]:
    facts: dict[str, Any] = {"file": str(path)}
    try:
        st = path.stat()
    except FileNotFoundError:
        facts["exists"] = "no (defaults, environment and flags only)"
        return facts
    except OSError as exc:
        facts["exists"] = f"cannot tell: {exc.strerror or exc}"
        return facts
    facts["exists"] = "yes"
    if not has_unix_file_modes():
        facts["mode"] = NO_FILE_MODES
        return facts
    mode = stat.S_IMODE(st.st_mode)
    others = bool(mode & (stat.S_IRGRP | stat.S_IROTH))
    facts["mode"] = f"{mode:04o}" + (" (readable by other users)" if others else "")
    return facts


def config_section(cfg: Config, error: str | None, environ: Mapping[str, str]) -> dict[str, Any]:
    info = _file_facts(config_path(environ))
    info["profile"] = cfg.profile or "(none)"
    if error:
        info["error"] = error
    for warning in cfg.warnings:
        info.setdefault("warnings", []).append(warning)
    for name, shown, source in cfg.describe():
        if name == "base_url":
            shown = repr(_safe_url(str(cfg.base_url)))
        info[name] = f"{shown}  ({source})"
    info["keymap overrides"] = len(cfg.keymap)
    return info


def _safe_url(url: str) -> str:
    """The URL without any user:password@ part."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


# -- API -----------------------------------------------------------------------------------------


class _Recorder(httpx.AsyncBaseTransport):
    """Passes requests through and remembers the last response's status and request id."""

    def __init__(self, inner: httpx.AsyncBaseTransport | None = None) -> None:
        self.inner = inner or httpx.AsyncHTTPTransport()
        self.status: int | None = None
        self.request_id: str | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        self.status = response.status_code
        self.request_id = response.headers.get("x-request-id")
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


async def probe(settings: ApiSettings) -> dict[str, Any]:
    """One GET /computers?per_page=1 without retries: status, latency, request id, outcome."""
    from miosa_tui.api.transport import Transport

    recorder = _Recorder()
    result: dict[str, Any] = {"request": "GET /computers?page=1&per_page=1"}
    started = time.perf_counter()
    try:
        async with Transport(settings, transport=recorder) as transport:
            body = await transport.request("GET", "/computers", params={"page": 1, "per_page": 1})
    except MiosaError as exc:
        result["result"] = "FAILED"
        result["status"] = exc.status or recorder.status or "no response"
        result["latency"] = _ms(started)
        result["request id"] = exc.request_id or recorder.request_id or "-"
        result["error"] = str(exc)
        result["hint"] = exc.hint
        return result
    result["result"] = "ok (reachable, key accepted)"
    result["status"] = recorder.status
    result["latency"] = _ms(started)
    result["request id"] = recorder.request_id or "-"
    total = _total(body)
    if total is not None:
        result["computers visible"] = total
    return result


def _ms(started: float) -> str:
    return f"{(time.perf_counter() - started) * 1000:.0f} ms"


def _total(body: Any) -> int | None:
    if not isinstance(body, dict):
        return None
    meta = body.get("meta")
    for value in (meta.get("total") if isinstance(meta, dict) else None, body.get("total")):
        if isinstance(value, int):
            return value
    return None


def backend_and_api(cfg: Config, *, demo: bool, timeout: float) -> tuple[dict[str, Any], ...]:
    """(backend section, api section). With no key (or --demo) the simulator is started once."""
    if cfg.api_key and not demo:
        settings = ApiSettings(
            api_key=cfg.api_key,
            base_url=cfg.base_url,
            tenant=cfg.tenant,
            timeout=timeout,
            max_retries=0,
        )
        backend = {
            "uses": f"the MIOSA API at {urlsplit(settings.base_url).netloc}",
            "host": urlsplit(settings.base_url).netloc,
            "base url": _safe_url(settings.base_url),
            "api key": mask_key(settings.api_key),
            "tenant": settings.tenant or "(none)",
        }
        return backend, asyncio.run(probe(settings))

    why = "--demo was given" if demo else "no API key is configured"
    backend = {"uses": f"the embedded simulator ({why})"}
    api: dict[str, Any] = {"note": "the dashboard would start a simulator on a loopback port"}
    from miosa_tui.sim.config import SimConfig
    from miosa_tui.sim.server import SimServer

    server = SimServer(SimConfig(fleet=2))
    started = time.perf_counter()
    try:
        base_url = server.start()
    except Exception as exc:  # any failure to start is exactly what doctor must report
        api["simulator"] = f"FAILED to start: {type(exc).__name__}: {exc}"
        return backend, api
    try:
        api["simulator"] = f"started in {_ms(started)} at {base_url}"
        key = f"msk_sim_{secrets.token_hex(8)}"
        api.update(asyncio.run(probe(ApiSettings(api_key=key, base_url=base_url, max_retries=0))))
        api.pop("computers visible", None)  # a throwaway two-computer fleet: not worth saying
    finally:
        server.stop()
    return backend, api


# -- terminal ------------------------------------------------------------------------------------


def _run(argv: list[str]) -> str | None:
    """stdout of a short command, or None when it is missing, fails or hangs."""
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=3, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def tmux_option(name: str, run: Runner, scopes: tuple[str, ...]) -> str:
    """`tmux show -<scope>v NAME` for the first scope that answers."""
    for scope in scopes:
        value = run(["tmux", "show", f"-{scope}v", name])
        if value:
            return f"{value} (tmux show -{scope}v {name})"
    return "unknown (tmux did not answer)"


def image_protocol(tty: bool, env: Mapping[str, str]) -> str:
    """The renderer `auto` picks here and why (it asks the terminal, so only on a TTY)."""
    if not tty:
        return "not a TTY (run `miosa-tui doctor` straight in the terminal to detect it)"
    from miosa_tui.ui.terminal_probe import choose, probe

    renderer, why = choose(probe(), env)
    return f"{renderer}: {why}"


def osc52_note(env: Mapping[str, str], set_clipboard: str | None) -> str:
    """A best guess of whether `y` (OSC 52) will reach the clipboard, and what to do if not."""
    program = env.get("TERM_PROGRAM", "").lower()
    term = env.get("TERM", "").lower()
    if program == "textual":
        return "browser (textual-serve): xterm.js copies; the browser may ask for permission"
    if env.get("TMUX"):
        value = (set_clipboard or "").split(" ", 1)[0]
        if value == "on":
            return (
                "tmux forwards OSC 52 to the outer terminal (set-clipboard on); "
                "the outer terminal must accept it too"
            )
        return (
            f"tmux ignores OSC 52 from programs (set-clipboard {value or 'unknown'}): "
            "run `tmux set -s set-clipboard on` (add it to ~/.tmux.conf)"
        )
    if env.get("VTE_VERSION"):
        return (
            "unlikely: VTE terminals (GNOME Terminal, Tilix, Terminator) ignore OSC 52; "
            "select the text shown with the mouse instead"
        )
    if env.get("WT_SESSION"):
        return "likely: Windows Terminal accepts OSC 52"
    if env.get("KITTY_WINDOW_ID"):
        return "likely: kitty accepts OSC 52"
    for marker, name in OSC52_TERMINALS.items():
        if marker in program or marker in term:
            return f"likely: {name} accepts OSC 52"
    if program == "apple_terminal":
        return "depends on the macOS version (older Terminal.app ignores OSC 52)"
    if term.startswith("xterm") and not program:
        return "unknown: real xterm needs allowWindowOps; most xterm-compatible terminals accept"
    return "unknown: try `y` in the Access panel; the toast always shows what was copied"


def terminal_section(env: Mapping[str, str], *, tty: bool, run: Runner = _run) -> dict[str, Any]:
    colorterm = env.get("COLORTERM", "")
    info: dict[str, Any] = {
        "TERM": env.get("TERM") or "(unset)",
        "COLORTERM": colorterm or "(unset)",
        "truecolor": "yes" if colorterm.lower() in ("truecolor", "24bit") else "not announced",
        "TERM_PROGRAM": env.get("TERM_PROGRAM") or "(unset)",
        "stdout is a TTY": "yes" if tty else "no",
        "image protocol (auto)": image_protocol(tty, env),
        "over SSH": "yes" if env.get("SSH_CONNECTION") or env.get("SSH_TTY") else "no",
        "closed terminal noticed by": describe_watch(),
    }
    set_clipboard: str | None = None
    if env.get("TMUX"):
        info["tmux"] = run(["tmux", "-V"]) or "yes (version unknown)"
        set_clipboard = tmux_option("set-clipboard", run, ("s", "g"))
        info["tmux set-clipboard"] = set_clipboard
        info["tmux allow-passthrough"] = tmux_option("allow-passthrough", run, ("gp", "gw", "g"))
    else:
        info["tmux"] = "no"
    info["OSC 52 clipboard"] = osc52_note(env, set_clipboard)
    return info


# -- putting it together -------------------------------------------------------------------------


def collect(
    args: argparse.Namespace,
    flags: Mapping[str, Any],
    *,
    environ: Mapping[str, str] | None = None,
    tty: bool | None = None,
    run: Runner = _run,
) -> Report:
    env = os.environ if environ is None else environ
    report = Report()
    report.sections["versions"] = versions()
    cfg, error = load_for_report(flags, getattr(args, "profile", None), env)
    report.sections["config"] = config_section(cfg, error, env)
    if error:
        report.problems.append(f"config: {error}")
    report.problems.extend(f"config: {w}" for w in cfg.warnings)
    try:
        backend, api = backend_and_api(
            cfg, demo=bool(getattr(args, "demo", False)), timeout=args.timeout
        )
    except MiosaError as exc:  # settings that cannot even build a request
        backend, api = {"uses": "unknown"}, {"result": "FAILED", "error": str(exc)}
    report.sections["backend"] = backend
    report.sections["api"] = api
    if str(api.get("result", "")).startswith("FAILED") or "FAILED" in str(api.get("simulator")):
        report.problems.append(f"api: {api.get('error') or api.get('simulator')}")
    if tty is None:
        tty = sys.stdout.isatty() and sys.stdin.isatty()
    report.sections["terminal"] = terminal_section(env, tty=tty, run=run)
    clipboard = str(report.sections["terminal"]["OSC 52 clipboard"])
    if clipboard.startswith(("tmux ignores", "unlikely")):
        report.warnings.append(f"copies with y will not reach the clipboard: {clipboard}")
    return report


def render_text(report: Report) -> str:
    """Markdown-friendly plain text: `## Section` headings and `- label: value` lines."""
    lines = [f"# miosa-tui doctor ({time.strftime('%Y-%m-%d %H:%M:%S %z')})", ""]
    for title, section in report.sections.items():
        lines.append(f"## {TITLES.get(title, title.capitalize())}")
        for label, value in section.items():
            if isinstance(value, list):
                lines += [f"- {label}: {item}" for item in value]
            else:
                lines.append(f"- {label}: {value}")
        lines.append("")
    lines.append("## Problems")
    found = [f"- {p}" for p in report.problems] + [f"- warning: {w}" for w in report.warnings]
    lines += found or ["- none found"]
    return "\n".join(lines) + "\n"


def scrub(text: str, secret_values: list[str]) -> str:
    """Replace any raw secret that slipped through with its mask."""
    for value in secret_values:
        if value and len(value) >= 8:
            text = text.replace(value, mask_key(value))
    return text


def run_doctor(args: argparse.Namespace, flags: Mapping[str, Any]) -> int:
    """Print the report; exit 1 when it found a problem (so scripts can use it), else 0."""
    report = collect(args, flags)
    text = (
        json.dumps(report.as_json(), indent=2) + "\n"
        if args.json
        else printable(render_text(report), multiline=True)  # API error text, escaped
    )
    keys = [os.environ.get("MIOSA_API_KEY", "")]
    cfg, _ = load_for_report(flags, getattr(args, "profile", None), os.environ)
    keys.append(str(cfg.api_key or ""))
    sys.stdout.write(scrub(text, keys))
    return 1 if report.problems else 0
