"""Async MIOSA API client (httpx). No Textual here: the dashboard and headless commands share it."""

from miosa_tui.api import lean_httpx  # noqa: F401  (first: before anything imports httpx)
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
from miosa_tui.api.transport import USER_AGENT, Transport

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
