"""The one exception the simulator raises for a refused request.

Validators and lifecycle rules raise `SimError` and know nothing about HTTP; the routes turn it
into the flat `{"error", "code", "message"}` body (reference §2.2) with its status code.
"""

from __future__ import annotations

from collections.abc import Mapping


class SimError(Exception):
    """An API error the routes turn into a flat JSON body."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        fields: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = dict(fields or {})


def invalid(field_name: str, message: str) -> SimError:
    """A 422 that names the bad field, so clients can point at it (`errors: {field: [...]}`)."""
    return SimError(422, "VALIDATION_FAILED", f"{field_name} {message}", {field_name: message})
