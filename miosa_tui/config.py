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
say how to fix the permissions.
"""

from __future__ import annotations

import os
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from miosa_tui.api.errors import InvalidInputError

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
}
ENV_VARS = {
    "api_key": "MIOSA_API_KEY",
    "base_url": "MIOSA_BASE_URL",
    "tenant": "MIOSA_TENANT",
    "image_renderer": "MIOSA_TUI_IMAGE_RENDERER",
    "poll_interval": "MIOSA_TUI_POLL_INTERVAL",
    "read_only": "MIOSA_TUI_READ_ONLY",
    "theme": "MIOSA_TUI_THEME",
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

    def __getattr__(self, name: str) -> Any:
        values = self.__dict__.get("values", {})
        if name in values:
            return values[name]
        raise AttributeError(name)

    def set(self, name: str, value: Any, source: str) -> None:
        self.values[name] = value
        self.sources[name] = source

    def describe(self) -> list[tuple[str, str, str]]:
        """(name, shown value, source) rows for `config show`, secrets masked."""
        from miosa_tui.api.settings import mask_key

        rows = []
        for name in DEFAULTS:
            value = self.values.get(name)
            shown = mask_key(value) if name in SECRET_KEYS and value else repr(value)
            rows.append((name, shown, self.sources.get(name, "default")))
        return rows


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
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"The config file {path} is not valid TOML: {exc}.") from None


def _readable_by_others(path: Path) -> bool:
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
