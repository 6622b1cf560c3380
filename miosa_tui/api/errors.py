"""Typed errors for every way a MIOSA request can fail.

Each carries what a person needs to act on it: the HTTP status (None for network failures), the
API's error code, a one-sentence message and the `x-request-id` to quote to support.
"""

from __future__ import annotations

from typing import Any


class MiosaError(Exception):
    """Base of every error the client raises."""

    default_message = "The MIOSA API returned an error."
    # How many HTTP attempts the transport made before giving up (set by the transport).
    attempts: int = 1

    def __init__(
        self,
        message: str | None = None,
        *,
        status: int | None = None,
        code: str | None = None,
        request_id: str | None = None,
        body: Any = None,
        retry_after: float | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.status = status
        self.code = code
        self.request_id = request_id
        self.body = body
        self.retry_after = retry_after
        super().__init__(self.message)

    def __str__(self) -> str:
        parts = [self.message]
        if self.status is not None:
            parts.append(f"(HTTP {self.status}{', ' + self.code if self.code else ''})")
        elif self.code:
            parts.append(f"({self.code})")
        if self.request_id:
            parts.append(f"[request {self.request_id}]")
        return " ".join(parts)

    @property
    def hint(self) -> str:
        """What the user can do next, in one sentence."""
        return "Try again; if it keeps failing, quote the request id to MIOSA support."


class AuthenticationError(MiosaError):
    default_message = "The API key was refused."

    @property
    def hint(self) -> str:
        return "Check MIOSA_API_KEY (keys start with msk_)."


class InsufficientCreditsError(MiosaError):
    default_message = "The account has run out of credits."

    @property
    def hint(self) -> str:
        return "Add credits in the MIOSA billing page, then retry."


class PermissionDeniedError(MiosaError):
    default_message = "This key is not allowed to do that."

    @property
    def hint(self) -> str:
        return "Use a key with the right role, or check MIOSA_TENANT."


class NotFoundError(MiosaError):
    default_message = "No such computer."

    @property
    def hint(self) -> str:
        return "It may have been destroyed; refresh the list."


class ValidationError(MiosaError):
    """422 and any other 4xx the API uses to refuse a request (409 invalid state included)."""

    default_message = "The API refused the request."

    @property
    def hint(self) -> str:
        return "Change the request as the message says."


class RateLimitError(MiosaError):
    default_message = "Too many requests."

    @property
    def hint(self) -> str:
        wait = f" {self.retry_after:g} s" if self.retry_after else " a moment"
        return f"Wait{wait} and retry; the dashboard backs off by itself."


class ServerError(MiosaError):
    default_message = "The MIOSA API had an internal error."


class ConnectionError(MiosaError):  # mirrors the SDKs' name on purpose
    default_message = "Could not reach the MIOSA API."

    @property
    def hint(self) -> str:
        return "Check the network and MIOSA_BASE_URL."


class UnknownOutcomeError(ConnectionError):
    """A mutating request was sent but its answer was lost: it may or may not have happened.

    It is never replayed automatically; the next poll shows what happened.
    """

    default_message = "The request was sent but its answer was lost; the outcome is unknown."

    @property
    def hint(self) -> str:
        return "The next refresh will show whether it happened; do not repeat it blindly."


class TimeoutError(MiosaError):  # mirrors the SDKs' name on purpose
    default_message = "The MIOSA API did not answer in time."


class ResponseFormatError(MiosaError):
    """A 2xx answer that could not be read (malformed JSON, not a PNG, wrong shape)."""

    default_message = "The MIOSA API sent an answer that could not be read."


class ComputerFailedError(MiosaError):
    """A computer reached `error` (or vanished) while we waited for it."""

    default_message = "The computer went into the error state."

    @property
    def hint(self) -> str:
        return "An errored computer is terminal: destroy it and create a new one."


class WaitTimeoutError(MiosaError):
    """`wait_until_*` gave up; `last_status` says where the computer was."""

    def __init__(self, target: str, last_status: str | None, timeout: float) -> None:
        self.target = target
        self.last_status = last_status
        self.timeout = timeout
        super().__init__(
            f"Gave up after {timeout:g} s waiting for {target}; last status was "
            f"{last_status or 'unknown'}.",
            code="WAIT_TIMEOUT",
        )

    @property
    def hint(self) -> str:
        return "It may still get there: refresh, or wait longer with --timeout."


class InvalidInputError(MiosaError):
    """Refused locally before any request is sent (bad port, zero-area region, ...)."""

    default_message = "Invalid input."

    @property
    def hint(self) -> str:
        return "Correct the value and try again."


class InsecureTransportError(MiosaError):
    """Refused locally: the API key would be sent over plain http to a non-loopback host."""

    default_message = "Refusing to send the API key over plain http."

    @property
    def hint(self) -> str:
        return "Use an https:// MIOSA_BASE_URL (plain http is allowed only for loopback hosts)."
