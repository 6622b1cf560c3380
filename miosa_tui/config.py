"""Settings from flags > environment > config file > defaults, remembering where each came from.

The config file is TOML in the platform's config directory (platformdirs), e.g.
`~/.config/miosa-tui/config.toml`:

    profile = "prod"              # which [profiles.*] to use when --profile is not given
    theme = "nord"

    [profiles.prod]
    api_key_env = "MIOSA_PROD_KEY"  # read the key from this variable (preferred)
    base_url = "https://api.miosa.ai"
    tenant = "acme"
    read_only = true
    poll_interval = 5

    [keymap]
    "table.start" = "ctrl+s"

A file that holds a key itself must not be readable by others: we refuse to use such a key and
say how to fix the permissions. A theme picked in the app is written back (`remember_theme`) by a
one-line edit that keeps the rest of the file, comments included, as it was.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import re
import stat
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from miosa_tui.api.errors import InvalidInputError
from miosa_tui.platforms import has_unix_file_modes

if TYPE_CHECKING:
    import tomllib

APP_NAME = "miosa-tui"
RENDERERS = ("auto", "halfcell", "unicode", "sixel", "tgp")
DEFAULTS: dict[str, Any] = {
    "api_key": None,
    "base_url": "https://api.miosa.ai/api/v1",
    "tenant": None,
    "read_only": False,
    "poll_interval": 5.0,
    "theme": "textual-dark",
    "image_renderer": "halfcell",
    "confirm_stop": True,
    # Triage (issue 15): seconds a transition may take before the computer counts as stuck,
    # how long and how big the history may grow, and how a new problem is announced.
    "stuck_creating": 300.0,
    "stuck_starting": 120.0,
    "stuck_stopping": 120.0,
    "stuck_destroying": 120.0,
    "history_days": 30.0,
    "history_max_mb": 20.0,
    "alerts": "toast",
}
ALERTS = ("off", "toast", "bell", "desktop")  # each includes the ones before it (but off)
# Numeric settings other than poll_interval: (lowest, highest, unit).
NUMBERS: dict[str, tuple[float, float, str]] = {
    "stuck_creating": (1.0, 86400.0, "seconds"),
    "stuck_starting": (1.0, 86400.0, "seconds"),
    "stuck_stopping": (1.0, 86400.0, "seconds"),
    "stuck_destroying": (1.0, 86400.0, "seconds"),
    "history_days": (0.01, 3650.0, "days"),
    "history_max_mb": (0.05, 10000.0, "MB"),
}
ENV_VARS = {
    "api_key": "MIOSA_API_KEY",
    "base_url": "MIOSA_BASE_URL",
    "tenant": "MIOSA_TENANT",
    "image_renderer": "MIOSA_TUI_IMAGE_RENDERER",
    "poll_interval": "MIOSA_TUI_POLL_INTERVAL",
    "read_only": "MIOSA_TUI_READ_ONLY",
    "theme": "MIOSA_TUI_THEME",
    "alerts": "MIOSA_TUI_ALERTS",
}
SECRET_KEYS = frozenset({"api_key"})


class ConfigError(InvalidInputError):
    """A setting could not be read; the message names the file (and line) or variable."""


def config_path(environ: Mapping[str, str] | None = None) -> Path:
    """Where the config file lives; `MIOSA_TUI_CONFIG` overrides the platform default."""
    env = os.environ if environ is None else environ
    if env.get("MIOSA_TUI_CONFIG"):
        return Path(env["MIOSA_TUI_CONFIG"]).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME)) / "config.toml"


@dataclass
class Config:
    """The resolved settings; `sources[name]` says where each value came from."""

    values: dict[str, Any] = field(default_factory=lambda: dict(DEFAULTS))
    sources: dict[str, str] = field(default_factory=lambda: dict.fromkeys(DEFAULTS, "default"))
    keymap: dict[str, str] = field(default_factory=dict)
    profile: str | None = None
    path: Path | None = None
    warnings: list[str] = field(default_factory=list)

    # One typed attribute per setting (DEFAULTS); `values` keeps them with `sources`.
    @property
    def api_key(self) -> str | None:
        """The API key (None: run on the simulator)."""
        return _optional_text(self.values["api_key"])

    @property
    def base_url(self) -> str:
        """The API's base URL."""
        return str(self.values["base_url"])

    @property
    def tenant(self) -> str | None:
        """The tenant sent with every request, if any."""
        return _optional_text(self.values["tenant"])

    @property
    def read_only(self) -> bool:
        """Refuse every key that would change a computer."""
        return bool(self.values["read_only"])

    @property
    def poll_interval(self) -> float:
        """Seconds between fleet polls when nothing is moving."""
        return float(self.values["poll_interval"])

    @property
    def theme(self) -> str:
        """The Textual theme."""
        return str(self.values["theme"])

    @property
    def image_renderer(self) -> str:
        """How desktops are drawn: one of RENDERERS."""
        return str(self.values["image_renderer"])

    @property
    def confirm_stop(self) -> bool:
        """Ask before stop/restart/resize/move (destroy always asks)."""
        return bool(self.values["confirm_stop"])

    @property
    def stuck_creating(self) -> float:
        """Seconds in 'creating' before the computer counts as stuck."""
        return float(self.values["stuck_creating"])

    @property
    def stuck_starting(self) -> float:
        """Seconds in 'starting' before the computer counts as stuck."""
        return float(self.values["stuck_starting"])

    @property
    def stuck_stopping(self) -> float:
        """Seconds in 'stopping' before the computer counts as stuck."""
        return float(self.values["stuck_stopping"])

    @property
    def stuck_destroying(self) -> float:
        """Seconds in 'destroying' before the computer counts as stuck."""
        return float(self.values["stuck_destroying"])

    @property
    def history_days(self) -> float:
        """Days of history kept."""
        return float(self.values["history_days"])

    @property
    def history_max_mb(self) -> float:
        """Largest history file, in MB."""
        return float(self.values["history_max_mb"])

    @property
    def alerts(self) -> str:
        """How a new problem is announced: one of ALERTS."""
        return str(self.values["alerts"])

    def set(self, name: str, value: Any, source: str) -> None:
        self.values[name] = value
        self.sources[name] = source

    def remember_theme(self, theme: str) -> str | None:
        """Record a theme picked in the app and save it in the config file for next time.

        Nothing is written when the theme is the one already in effect (the app sets its
        starting theme, which must not rewrite the file) or when there is no file path.
        Returns a sentence when the file could not be updated (it is then left untouched).
        """
        if theme == self.values.get("theme"):
            return None
        previous = self.sources.get("theme", "default")
        self.set("theme", theme, "chosen in the app")
        if self.path is None:
            return None
        table = None
        if self.profile and previous.endswith(f"[profiles.{self.profile}]"):
            table = ("profiles", self.profile)  # the profile sets it: change it there
        return remember_theme(theme, self.path, table=table)

    def describe(self) -> list[tuple[str, str, str]]:
        """(name, shown value, source) rows for `config show`, secrets masked."""
        from miosa_tui.api.settings import mask_key

        rows = []
        for name in DEFAULTS:
            value = self.values.get(name)
            shown = mask_key(value) if name in SECRET_KEYS and value else repr(value)
            rows.append((name, shown, self.sources.get(name, "default")))
        return rows


def _optional_text(value: object) -> str | None:
    return None if value is None else str(value)


def _coerce(name: str, value: Any, where: str) -> Any:
    """Check one value's type; a wrong one becomes a ConfigError naming `where`."""
    if value is None:
        return None
    default = DEFAULTS.get(name)
    if name == "poll_interval":
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ConfigError(
                f"{where}: poll_interval must be a number of seconds, got {value!r}."
            ) from None
        if not 0.5 <= number <= 3600:
            raise ConfigError(f"{where}: poll_interval must be between 0.5 and 3600 seconds.")
        return number
    if name in NUMBERS:
        low, high, unit = NUMBERS[name]
        try:
            amount = float(value)
        except (TypeError, ValueError):
            raise ConfigError(
                f"{where}: {name} must be a number of {unit}, got {value!r}."
            ) from None
        if not low <= amount <= high:
            raise ConfigError(f"{where}: {name} must be between {low:g} and {high:g} {unit}.")
        return amount
    if name == "alerts" and value not in ALERTS:
        raise ConfigError(f"{where}: alerts must be one of {', '.join(ALERTS)}.")
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in {"1", "true", "yes", "on"}:
            return True
        if text in {"0", "false", "no", "off", ""}:
            return False
        raise ConfigError(f"{where}: {name} must be true or false, got {value!r}.")
    if name == "image_renderer" and value not in RENDERERS:
        raise ConfigError(f"{where}: image_renderer must be one of {', '.join(RENDERERS)}.")
    if not isinstance(value, str):
        raise ConfigError(f"{where}: {name} must be a string, got {type(value).__name__}.")
    return value


def _read_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Cannot read the config file {path}: {exc}.") from None
    import tomllib  # here, not at the top: with no config file it is never needed (~2 ms)

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"The config file {path} is not valid TOML: {_toml_error(exc, text)}"
        ) from None


def _toml_error(exc: tomllib.TOMLDecodeError, text: str) -> str:
    """tomllib's message ('Invalid value (at line 3, column 5)') plus the line it points at."""
    message = str(exc)
    found = re.search(r"at line (\d+), column (\d+)", message)
    if not found:
        return f"{message}."
    lineno = int(found.group(1))
    lines = text.splitlines()
    if 1 <= lineno <= len(lines):
        return f"{message}: {lines[lineno - 1].strip()[:80]!r}."
    return f"{message}."


def _readable_by_others(path: Path) -> bool:
    if not has_unix_file_modes():
        return False  # Windows: every file reads 0o666; NTFS permissions decide (platforms.py)
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return bool(mode & (stat.S_IRGRP | stat.S_IROTH))


def load_config(
    flags: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    path: Path | None = None,
    profile: str | None = None,
) -> Config:
    """Resolve settings: defaults, then the file (and its profile), then env, then flags."""
    env = os.environ if environ is None else environ
    flags = {k: v for k, v in (flags or {}).items() if v is not None}
    path = path or config_path(env)
    cfg = Config(path=path)
    data = _read_file(path)
    where = str(path)

    profiles = data.get("profiles", {})
    if not isinstance(profiles, dict):
        raise ConfigError(f"{where}: [profiles] must be a table of profiles.")
    chosen = profile or env.get("MIOSA_TUI_PROFILE") or data.get("profile")
    if chosen is not None and not isinstance(chosen, str):
        raise ConfigError(f"{where}: profile must be a profile name.")
    layers: list[tuple[dict[str, Any], str]] = [(data, f"file {where}")]
    if chosen:
        body = profiles.get(chosen)
        if not isinstance(body, dict):
            known = ", ".join(sorted(profiles)) or "none defined"
            raise ConfigError(f"Unknown profile {chosen!r} (profiles in {where}: {known}).")
        layers.append((body, f"file {where} [profiles.{chosen}]"))
        cfg.profile = chosen

    for layer, source in layers:
        for name in DEFAULTS:
            if name in layer:
                if name == "api_key" and _readable_by_others(path):
                    cfg.warnings.append(
                        f"Ignored the api_key in {where}: the file is readable by other users. "
                        f"Run `chmod 600 {where}` or use api_key_env instead."
                    )
                    continue
                cfg.set(name, _coerce(name, layer[name], source), source)
        key_env = layer.get("api_key_env")
        if isinstance(key_env, str) and env.get(key_env):
            cfg.set("api_key", env[key_env], f"env {key_env} ({source})")
        keymap = layer.get("keymap")
        if isinstance(keymap, dict):
            cfg.keymap.update({str(k): str(v) for k, v in keymap.items()})

    for name, var in ENV_VARS.items():
        if env.get(var):
            cfg.set(name, _coerce(name, env[var], f"environment variable {var}"), f"env {var}")

    for name, value in flags.items():
        if name in DEFAULTS:
            cfg.set(name, _coerce(name, value, f"--{name.replace('_', '-')}"), "flag")
    return cfg


_KEY_LINE = re.compile(r"""^\s*(?:theme|"theme"|'theme')\s*=""")


def _header_path(line: str) -> tuple[str, ...] | None:
    """The key path of a `[table]` header line (quoting handled by tomllib), else None."""
    import tomllib

    stripped = line.strip()
    if not stripped.startswith("[") or stripped.startswith("[["):
        return None
    try:
        data: Any = tomllib.loads(stripped + "\n")
    except tomllib.TOMLDecodeError:
        return None
    path: list[str] = []
    while isinstance(data, dict) and len(data) == 1:
        key = next(iter(data))
        path.append(key)
        data = data[key]
    return tuple(path)


def set_key_line(text: str, key_line: str, table: tuple[str, ...] | None = None) -> str:
    """`text` with the `theme = ...` line of `table` (None: the top level, before any header)
    replaced by `key_line`, or `key_line` added at the end of that table's body (the table is
    appended when missing). Every other line is kept byte for byte."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    current: tuple[str, ...] | None = None
    start: int | None = 0 if table is None else None
    end: int | None = None
    for index, line in enumerate(lines):
        header = _header_path(line)
        if header is None:
            continue
        if current == table and start is not None and end is None:
            end = index
        current = header
        if header == table and start is None:
            start = index + 1
    if start is None:
        dotted = ".".join(json.dumps(key) for key in table or ())
        return "".join([*lines, f"\n[{dotted}]\n", key_line, "\n"])
    end = len(lines) if end is None else end
    for index in range(start, end):
        if _KEY_LINE.match(lines[index]):
            lines[index] = key_line + "\n"
            return "".join(lines)
    at = end
    while at > start and not lines[at - 1].strip():
        at -= 1
    lines.insert(at, key_line + "\n")
    return "".join(lines)


def remember_theme(theme: str, path: Path, *, table: tuple[str, ...] | None = None) -> str | None:
    """Write `theme = "<theme>"` into the config file, changing nothing else in it.

    tomllib cannot write, so this is a line edit, checked by parsing the result: it must differ
    from the old file only in that one value, or the file is left alone. A missing file is
    created with mode 0600 (it may later hold a key). Returns a sentence on failure, else None.
    """
    import tomllib

    key_line = f"theme = {json.dumps(theme)}"
    try:
        old = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        old = None
    except (OSError, UnicodeDecodeError) as exc:
        return f"Could not remember the theme: cannot read {path}: {exc}."
    if old is None:
        new = f"# miosa-tui settings: see README, 'Configuration'\n{key_line}\n"
        before: dict[str, Any] = {}
    else:
        try:
            before = tomllib.loads(old)
        except tomllib.TOMLDecodeError:
            return f"Could not remember the theme: {path} is not valid TOML; left it unchanged."
        new = set_key_line(old, key_line, table)
    try:
        after = tomllib.loads(new)
    except tomllib.TOMLDecodeError:
        return f"Could not remember the theme in {path}; left it unchanged."
    expected = copy.deepcopy(before)
    node = expected
    for key in table or ():
        node = node.setdefault(key, {})
    node["theme"] = theme
    if after != expected:
        return f"Could not remember the theme in {path} safely; left it unchanged."
    try:
        _write_private(path, new, existed=old is not None)
    except OSError as exc:
        return f"Could not remember the theme: cannot write {path}: {exc.strerror or exc}."
    return None


def _write_private(path: Path, text: str, *, existed: bool) -> None:
    """Replace `path` atomically, keeping its mode (0600 for a new file). A symlinked file
    (dotfiles) is written through the link, which stays in place."""
    path = path.resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = stat.S_IMODE(path.stat().st_mode) if existed else 0o600
    fd, tmp = tempfile.mkstemp(prefix=".config-", suffix=".toml", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        if has_unix_file_modes():  # Windows: chmod sets only the read-only flag; the file
            # keeps the NTFS permissions of its folder (the user's profile)
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
