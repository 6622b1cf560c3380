"""Connection settings for the MIOSA API, read from the environment.

The API key is a secret: it never appears in a repr, a log line or an exception message, and it is
only ever sent over https (or to a loopback host, where plain http cannot leave the machine).
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from miosa_tui.api.errors import InsecureTransportError, InvalidInputError

DEFAULT_BASE_URL = "https://api.miosa.ai/api/v1"
API_PREFIX = "/api/v1"
_BAD_HOST_CHARS = frozenset('<>"{}|\\^`%#?/')
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})


def normalize_base_url(url: str) -> str:
    """Accept `https://host`, `https://host/`, `https://host/api/v1/` ... -> `https://host/api/v1`.

    The official CLI configures the host only and the SDKs the full `/api/v1` root; both work.
    """
    text = url.strip()
    if not text:
        return DEFAULT_BASE_URL
    if "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
        _ = parts.port  # raises ValueError on a non-numeric port
    except ValueError as exc:
        raise InvalidInputError(f"MIOSA_BASE_URL is not a valid URL: {exc}.") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InvalidInputError("MIOSA_BASE_URL must be an http(s) URL with a host name.")
    if any(ch.isspace() or not ch.isprintable() or ch in _BAD_HOST_CHARS for ch in parts.netloc):
        # "not a url at all" became https://not a url at all/api/v1 and failed on every request
        raise InvalidInputError(
            f"MIOSA_BASE_URL {url.strip()[:80]!r} is not a valid URL: the host name has spaces or "
            "characters a host cannot have."
        )
    path = parts.path.rstrip("/")
    if path.endswith(API_PREFIX):
        pass
    elif path.endswith("/api"):
        path += "/v1"
    else:
        path += API_PREFIX
    return urlunsplit((parts.scheme.lower(), parts.netloc, path, "", ""))


def is_loopback(url: str) -> bool:
    """True when `url` points at this machine (127.0.0.0/8, ::1, localhost)."""
    try:
        host = urlsplit(url if "://" in url else "//" + url).hostname
    except ValueError:
        return False
    if not host:
        return False
    host = host.strip("[]").lower().rstrip(".")
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def mask_key(key: str | None) -> str:
    """`msk_u_0123456789abcd` -> `msk_u_…abcd`: tells keys apart, useless to an attacker."""
    if not key:
        return "(not set)"
    key = key.strip()
    if len(key) < 12:
        return "…" if len(key) < 4 else "…" + "*" * 4
    prefix = ""
    first = key.find("_")
    if 0 < first <= 8:
        second = key.find("_", first + 1)
        prefix = key[: second + 1] if 0 < second <= first + 8 else key[: first + 1]
    return f"{prefix}…{key[-4:]}"


@dataclass(frozen=True)
class ApiSettings:
    """Where and how to reach the MIOSA API. `base_url` is normalised to end in `/api/v1`."""

    api_key: str | None
    base_url: str = DEFAULT_BASE_URL
    tenant: str | None = None
    timeout: float = 30.0
    max_retries: int = 3

    def __post_init__(self) -> None:
        object.__setattr__(self, "base_url", normalize_base_url(self.base_url))
        key = self.api_key.strip() if self.api_key else None
        object.__setattr__(self, "api_key", key or None)
        tenant = self.tenant.strip() if self.tenant else None
        object.__setattr__(self, "tenant", tenant or None)
        if self.timeout <= 0:
            raise InvalidInputError("The request timeout must be a positive number of seconds.")
        if self.max_retries < 0:
            raise InvalidInputError("max_retries cannot be negative.")

    def __repr__(self) -> str:
        return (
            f"ApiSettings(api_key={mask_key(self.api_key)!r}, base_url={self.base_url!r}, "
            f"tenant={self.tenant!r}, timeout={self.timeout!r}, max_retries={self.max_retries!r})"
        )

    __str__ = __repr__

    @property
    def masked_key(self) -> str:
        return mask_key(self.api_key)

    @property
    def is_secure(self) -> bool:
        """May the key be sent to `base_url`? (https, or http to a loopback host)"""
        scheme = urlsplit(self.base_url).scheme
        return scheme == "https" or (scheme == "http" and is_loopback(self.base_url))

    def check_secure(self) -> None:
        """Raise InsecureTransportError when the key would travel in clear text off this machine."""
        if not self.is_secure:
            host = urlsplit(self.base_url).hostname or "?"
            raise InsecureTransportError(
                f"Refusing to send the API key over plain http to {host}; "
                "only https is allowed except for a loopback host (127.0.0.1, ::1, localhost).",
                code="INSECURE_TRANSPORT",
            )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ApiSettings:
        """Read MIOSA_API_KEY, MIOSA_BASE_URL and MIOSA_TENANT (empty values count as unset)."""
        env = os.environ if environ is None else environ
        base = (env.get("MIOSA_BASE_URL") or "").strip()
        return cls(
            api_key=(env.get("MIOSA_API_KEY") or "").strip() or None,
            base_url=base or DEFAULT_BASE_URL,
            tenant=(env.get("MIOSA_TENANT") or "").strip() or None,
        )
