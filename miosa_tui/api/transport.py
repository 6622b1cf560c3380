"""One HTTP round trip to the MIOSA API: auth headers, safe retries, typed errors.

Retry rule: only idempotent methods are replayed (on 429/5xx, timeouts and network errors), so a
start/stop/create can never happen twice because of us. A POST that failed before anything was
sent is a plain ConnectionError; one whose answer was lost is an UnknownOutcomeError. So that
an answer is not lost to a server closing an idle connection, a request that is never replayed
is sent on a new connection, never a pooled one.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import random
import ssl
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from miosa_tui.api import errors
from miosa_tui.api.lean_httpx import httpx
from miosa_tui.api.responses import (
    clean_text,
    error_from_response,
    parse_retry_after,
    png_bytes,
    read_json,
)
from miosa_tui.api.settings import ApiSettings
from miosa_tui.api.wire import (
    IDEMPOTENT_METHODS,
    USER_AGENT,
    Sleep,
    Want,
    auth_header,
    base_headers,
    closed_error,
    last_request_id,
    may_use_tls,
    note_request_id,
)

__all__ = ["USER_AGENT", "Sleep", "Transport", "Want", "backoff_delay", "last_request_id"]

log = logging.getLogger("miosa_tui.api")

RequestHook = Callable[[httpx.Request], Awaitable[None]]

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
BACKOFF_BASE = 0.5
BACKOFF_JITTER = 0.5
MAX_DELAY = 30.0

# Failures where nothing reached the server: safe to report as "did not happen".
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.ProxyError)
# Failures worth another try for an idempotent request.
_RETRYABLE = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
    httpx.ProxyError,
)


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """httpx's default verifying context (certifi CAs), built once per process.

    Loading the CA bundle takes ~70-140 ms; every Transport shares the result instead of
    loading it again (the dashboard has two: actions and the background listing)."""
    return httpx.create_ssl_context()


@functools.cache
def _no_ca_context() -> ssl.SSLContext:
    """A verifying context that trusts no certificate: any TLS handshake through it fails.

    For a client whose every connection is plain http (an http:// base URL, no proxy, no
    redirects followed), so no CA bundle has to be loaded at start-up; were TLS ever attempted,
    it would fail closed, never go unverified."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # check_hostname and CERT_REQUIRED on
    return context


def backoff_delay(attempt: int, rand: Callable[[], float]) -> float:
    """0.5 * 2^attempt + U(0, 0.5) seconds, capped; `attempt` counts from 0."""
    delay: float = BACKOFF_BASE * 2**attempt + BACKOFF_JITTER * rand()
    return min(MAX_DELAY, delay)


class Transport:
    """Sends requests to `settings.base_url`; returns parsed JSON, bytes or PNG bytes."""

    def __init__(
        self,
        settings: ApiSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
        rand: Callable[[], float] = random.random,
        now: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self._sleep = sleep
        self._rand = rand
        self._now = now
        self._injected = transport
        self._request_hooks: list[RequestHook] = []
        self._client = self._new_client()
        # Requests that must not be replayed get a connection of their own, opened for them
        # and closed after them: a pooled connection may be one the server is closing for
        # idleness (uvicorn and Node close at 5 s, as does httpx's own pool), and a POST sent
        # into that close is lost with no way to know whether it ran.
        self._fresh: httpx.AsyncClient | None = None

    def _new_client(self, limits: httpx.Limits | None = None) -> httpx.AsyncClient:
        settings = self.settings
        return httpx.AsyncClient(
            base_url=settings.base_url,
            transport=self._injected,
            timeout=httpx.Timeout(settings.timeout),
            limits=limits or httpx.Limits(),
            headers=base_headers(settings),
            event_hooks={"request": list(self._request_hooks)},
            follow_redirects=False,  # a redirect could carry the key somewhere else
            # An http:// base URL (the simulator on loopback) never needs the CA bundle:
            # ~40 ms of start-up (benchmarks/profiles/startup.txt).
            verify=_tls_context()
            if may_use_tls(settings.base_url, os.environ)
            else _no_ca_context(),
        )

    def _client_for(self, idempotent: bool) -> httpx.AsyncClient:
        if idempotent:
            return self._client
        if self._fresh is None:
            self._fresh = self._new_client(httpx.Limits(max_keepalive_connections=0))
        return self._fresh

    def on_request(self, hook: RequestHook) -> None:
        """Call `hook(request)` as each request leaves, on every connection pool this Transport
        has or will make (a benchmark notes when an action's POST is sent)."""
        self._request_hooks.append(hook)
        for client in (self._client, self._fresh):
            if client is not None:
                client.event_hooks["request"].append(hook)

    @property
    def host(self) -> str:
        return urlsplit(self.settings.base_url).hostname or self.settings.base_url

    async def aclose(self) -> None:
        await self._client.aclose()
        if self._fresh is not None:
            await self._fresh.aclose()

    async def __aenter__(self) -> Transport:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        want: Want = "json",
    ) -> Any:
        """Send one logical request (maybe several attempts) and read the answer as `want`."""
        method = method.upper()
        headers = auth_header(self.settings)
        if self._client.is_closed:
            raise closed_error()
        if want == "png":  # a listing read as bytes is still asked for as JSON
            headers["Accept"] = "image/png, application/json;q=0.5"
        idempotent = method in IDEMPOTENT_METHODS
        client = self._client_for(idempotent)
        clean_params = {k: v for k, v in (params or {}).items() if v is not None}
        attempt = 0
        while True:
            try:
                response = await client.request(
                    method, path, params=clean_params or None, json=json, headers=headers
                )
            except httpx.InvalidURL as exc:
                raise errors.InvalidInputError(
                    f"Cannot build a request for {clean_text(path, 80)!r}: {exc}."
                ) from exc
            except httpx.HTTPError as exc:
                if (
                    idempotent
                    and isinstance(exc, _RETRYABLE)
                    and attempt < self.settings.max_retries
                ):
                    delay = backoff_delay(attempt, self._rand)
                    log.debug(
                        "%s %s failed (%s); retry in %.2fs", method, path, type(exc).__name__, delay
                    )
                    await self._sleep(delay)
                    attempt += 1
                    continue
                error = self._network_error(exc, method, path, idempotent)
                error.attempts = attempt + 1
                raise error from exc
            status = response.status_code
            log.debug("%s %s -> %s (attempt %d)", method, path, status, attempt + 1)
            if 200 <= status < 300:
                note_request_id(response.headers.get("x-request-id"))
                return self._read(response.content, want)
            header_delay = parse_retry_after(response.headers.get("retry-after"), self._now())
            error = error_from_response(
                status, response.headers, response.content, retry_after=header_delay
            )
            if idempotent and status in RETRY_STATUSES and attempt < self.settings.max_retries:
                if error.retry_after is not None:
                    delay = min(MAX_DELAY, error.retry_after)
                else:
                    delay = backoff_delay(attempt, self._rand)
                log.debug("%s %s -> %s; retry in %.2fs", method, path, status, delay)
                await self._sleep(delay)
                attempt += 1
                continue
            error.attempts = attempt + 1
            raise self._scrub(error)

    @staticmethod
    def _read(content: bytes, want: Want) -> Any:
        if want == "bytes":
            return content
        if want == "png":
            return png_bytes(content)
        return read_json(content)

    def _scrub(self, error: errors.MiosaError) -> errors.MiosaError:
        """Never let a server that echoes the key put it into a message."""
        key = self.settings.api_key
        if key and key in error.message:
            error.message = error.message.replace(key, self.settings.masked_key)
            error.args = (error.message,)
        return error

    def _network_error(
        self, exc: httpx.HTTPError, method: str, path: str, idempotent: bool
    ) -> errors.MiosaError:
        detail = clean_text(str(exc), 160) or type(exc).__name__
        what = f"{method} {path}"
        if isinstance(exc, httpx.DecodingError):
            return errors.ResponseFormatError(
                f"The MIOSA API answer to {what} could not be decoded ({detail})."
            )
        if isinstance(exc, _NOT_SENT) or not isinstance(exc, httpx.TransportError):
            return errors.ConnectionError(
                f"Could not connect to {self.host} ({detail}); nothing was sent.", code="CONNECT"
            )
        if isinstance(exc, httpx.UnsupportedProtocol):
            return errors.ConnectionError(f"Cannot reach {self.host}: {detail}.", code="CONNECT")
        if isinstance(exc, httpx.LocalProtocolError):
            return errors.ConnectionError(
                f"Could not send {what} ({detail}); nothing was sent.", code="CONNECT"
            )
        if not idempotent:
            lost = "no answer came in time" if isinstance(exc, httpx.TimeoutException) else detail
            return errors.UnknownOutcomeError(
                f"{what} was sent but its answer was lost ({lost}); "
                "it may or may not have happened.",
                code="UNKNOWN_OUTCOME",
            )
        if isinstance(exc, httpx.TimeoutException):
            return errors.TimeoutError(
                f"The MIOSA API did not answer {what} within {self.settings.timeout:g} s.",
                code="TIMEOUT",
            )
        return errors.ConnectionError(
            f"The connection to {self.host} failed during {what} ({detail}).", code="NETWORK"
        )
