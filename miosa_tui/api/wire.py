"""What every request to the MIOSA API carries and leaves behind, without importing httpx.

The headers (`base_headers`: the User-Agent and the tenant; `auth_header`: the key, checked
and header-safe), whether a client could ever open a TLS connection (`may_use_tls`), and the
`x-request-id` of the last answer. `transport.py` (httpx) and `plain_get.py` (one GET on a
socket) both send what this module says, so the first page at start-up is the same request
the Transport would have sent.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from contextvars import ContextVar
from typing import Any, Literal
from urllib.parse import urlsplit

from miosa_tui import __version__
from miosa_tui.api import errors
from miosa_tui.api.settings import ApiSettings

USER_AGENT = f"miosa-tui/{__version__} (python-httpx)"
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"})

Want = Literal["json", "bytes", "png"]
Sleep = Callable[[float], Awaitable[Any]]

# The `x-request-id` of the last successful answer, in the task that sent the request (each
# task has its own): an action's journal line quotes the id of the request that did it, not of
# the polls that followed.
_LAST_REQUEST_ID: ContextVar[str | None] = ContextVar("miosa_last_request_id", default=None)


def last_request_id() -> str | None:
    """The `x-request-id` of this task's last successful answer (None if it had none)."""
    return _LAST_REQUEST_ID.get()


def note_request_id(request_id: str | None) -> None:
    _LAST_REQUEST_ID.set(request_id)


def base_headers(settings: ApiSettings) -> dict[str, str]:
    """The headers every request of a client carries (the auth header comes per request)."""
    headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
    if settings.tenant:
        headers["X-MIOSA-Tenant"] = settings.tenant
    return headers


def auth_header(settings: ApiSettings) -> dict[str, str]:
    """Local checks that must pass before any byte leaves: key present, https, header-safe."""
    key = settings.api_key
    if not key:
        raise errors.AuthenticationError(
            "No API key: set MIOSA_API_KEY (keys start with msk_).", code="NO_API_KEY"
        )
    settings.check_secure()
    for label, value in (("API key", key), ("tenant", settings.tenant)):
        if value is not None and not (value.isascii() and value.isprintable() and " " not in value):
            raise errors.InvalidInputError(
                f"The {label} contains characters that cannot be sent in an HTTP header."
            )
    return {"Authorization": f"Bearer {key}"}


def closed_error() -> errors.ConnectionError:
    """What a request on a client already closed raises."""
    return errors.ConnectionError("The MIOSA client was already closed.", code="CLOSED")


_PROXY_VARIABLES = ("https_proxy", "http_proxy", "all_proxy")


def may_use_tls(base_url: str, environ: Mapping[str, str]) -> bool:
    """Whether a client for `base_url` could open a TLS connection: an https base URL, or a proxy
    from the environment (httpx honours *_PROXY; the proxy itself may be https)."""
    if urlsplit(base_url).scheme.lower() != "http":
        return True
    return any(key.lower() in _PROXY_VARIABLES and value for key, value in environ.items())
