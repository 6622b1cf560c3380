"""The command-line twins of what the Access panel shows, for pasting into scripts and tickets.

For each kind of access entry we can say which `miosa-tui` subcommand prints the same value and
which API request returns it. The curl line always names the environment variable
(`$MIOSA_API_KEY`), never the key: the copy menu must be safe to paste into a chat.
"""

from __future__ import annotations

import shlex
from enum import StrEnum
from urllib.parse import urlsplit, urlunsplit

from miosa_tui.api.settings import DEFAULT_BASE_URL

API_KEY_ENV = "MIOSA_API_KEY"
PROGRAM = "miosa-tui"


class AccessKind(StrEnum):
    """Every kind of row the Access panel lists."""

    PUBLIC_URL = "public"
    NAMED_URL = "url"
    PREVIEW_URL = "preview"
    VNC_USERNAME = "vnc-user"
    VNC_PASSWORD = "vnc-password"
    VNC_URL = "vnc-url"
    STREAM_TOKEN = "token"
    COMPUTER_ID = "id"


SECRET_KINDS = frozenset({AccessKind.VNC_PASSWORD, AccessKind.STREAM_TOKEN})


def cli_line(kind: AccessKind, computer_id: str, *, port: int | None = None) -> str:
    """The `miosa-tui` command printing the same thing, e.g. `miosa-tui preview-url ID 3000`."""
    ident = shlex.quote(computer_id)
    if kind is AccessKind.PREVIEW_URL:
        if port is None:
            raise ValueError("A preview URL needs a port.")
        return f"{PROGRAM} preview-url {ident} {port}"
    if kind is AccessKind.VNC_PASSWORD:
        return f"{PROGRAM} vnc {ident} --reveal"
    command = {
        AccessKind.PUBLIC_URL: "public-url",
        AccessKind.NAMED_URL: "urls",
        AccessKind.VNC_USERNAME: "vnc",
        AccessKind.VNC_URL: "vnc",
        AccessKind.STREAM_TOKEN: "token",
        AccessKind.COMPUTER_ID: "get",
    }[kind]
    return f"{PROGRAM} {command} {ident}"


def _safe_base(base_url: str | None) -> str:
    """The API base without credentials in the authority part or a trailing slash."""
    base = (base_url or DEFAULT_BASE_URL).strip().rstrip("/")
    parts = urlsplit(base)
    if parts.username or parts.password:
        host = parts.hostname or ""
        if parts.port:
            host = f"{host}:{parts.port}"
        base = urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
    return base.rstrip("/")


def api_request(kind: AccessKind, computer_id: str) -> tuple[str, str]:
    """(method, path below the API base) of the request that returns this kind of value.

    Preview and public URLs are built locally from the computer, so their twin is the URL list.
    """
    if kind in (AccessKind.VNC_USERNAME, AccessKind.VNC_PASSWORD, AccessKind.VNC_URL):
        return "GET", f"/computers/{computer_id}/vnc-credentials"
    if kind is AccessKind.STREAM_TOKEN:
        return "POST", f"/computers/{computer_id}/stream-token"
    if kind is AccessKind.COMPUTER_ID:
        return "GET", f"/computers/{computer_id}"
    return "GET", f"/computers/{computer_id}/urls"


def curl_line(
    kind: AccessKind, computer_id: str, *, base_url: str | None = None, tenant: str | None = None
) -> str:
    """A curl command for the same data; the key is `$MIOSA_API_KEY`, expanded by the shell."""
    method, path = api_request(kind, computer_id)
    url = _safe_base(base_url) + path
    parts = ["curl"]
    if method != "GET":
        parts += ["-X", method]
    parts += ["-H", f'"Authorization: Bearer ${API_KEY_ENV}"']
    if tenant:
        parts += ["-H", shlex.quote(f"X-MIOSA-Tenant: {tenant}")]
    parts.append(shlex.quote(url))
    return " ".join(parts)
