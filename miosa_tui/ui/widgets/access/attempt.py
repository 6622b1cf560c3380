"""Run one API call for the Access panel and get its result or a `Failure`, never an exception.

The panel's workers fetch several things at once; turning errors into values lets each part show
its own failure (with the request id) while the rest still render, and keeps a bug or an odd
response from taking the panel down.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from miosa_tui.api.errors import MiosaError

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Failure:
    """Why a request failed: `text` (with the request id) for the panel, parts for the journal."""

    text: str
    message: str
    request_id: str | None = None


async def attempt(call: Callable[[], Awaitable[T]]) -> T | Failure:
    """The call's result, or what went wrong (never an exception).

    `call` makes the request when invoked, so a worker cancelled before this runs (the cursor
    moved on) leaves no un-awaited coroutine behind."""
    try:
        return await call()
    except MiosaError as err:
        return Failure(str(err), err.message, err.request_id)
    except Exception as err:  # a bug or an odd response must not take the panel down
        text = f"Unexpected error: {err.__class__.__name__}: {err}"
        return Failure(text, text)
