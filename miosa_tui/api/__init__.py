"""Async MIOSA API client (httpx). No Textual here: the dashboard and headless commands share it.

Importing the package does not import httpx: `Transport` (`transport.py`, the one module built
on it) is loaded when a client first sends through it, so the dashboard's first page can come
before httpx is needed (`MiosaClient.start_listing`, `plain_get.py`).
"""

from typing import TYPE_CHECKING, Any

from miosa_tui.api.computers import PAGE_SIZE, MiosaClient, validate_region
from miosa_tui.api.errors import (
    AuthenticationError,
    ComputerFailedError,
    ConnectionError,
    InsecureTransportError,
    InsufficientCreditsError,
    InvalidInputError,
    MiosaError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseFormatError,
    ServerError,
    TimeoutError,
    UnknownOutcomeError,
    ValidationError,
    WaitTimeoutError,
)
from miosa_tui.api.links import parse_port, preview_url, public_url
from miosa_tui.api.models import (
    App,
    Computer,
    ComputerPage,
    NamedUrl,
    StreamToken,
    VncCredentials,
    normalize_status,
)
from miosa_tui.api.settings import (
    DEFAULT_BASE_URL,
    ApiSettings,
    is_loopback,
    mask_key,
    normalize_base_url,
)
from miosa_tui.api.wire import USER_AGENT

if TYPE_CHECKING:
    from miosa_tui.api.transport import Transport

__all__ = [
    "DEFAULT_BASE_URL",
    "PAGE_SIZE",
    "USER_AGENT",
    "ApiSettings",
    "App",
    "AuthenticationError",
    "Computer",
    "ComputerFailedError",
    "ComputerPage",
    "ConnectionError",
    "InsecureTransportError",
    "InsufficientCreditsError",
    "InvalidInputError",
    "MiosaClient",
    "MiosaError",
    "NamedUrl",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseFormatError",
    "ServerError",
    "StreamToken",
    "TimeoutError",
    "Transport",
    "UnknownOutcomeError",
    "ValidationError",
    "VncCredentials",
    "WaitTimeoutError",
    "is_loopback",
    "mask_key",
    "normalize_base_url",
    "normalize_status",
    "parse_port",
    "preview_url",
    "public_url",
    "validate_region",
]


def __getattr__(name: str) -> Any:
    """`miosa_tui.api.Transport` on first use (PEP 562), so the package imports without httpx."""
    if name == "Transport":
        from miosa_tui.api.transport import Transport

        return Transport
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
