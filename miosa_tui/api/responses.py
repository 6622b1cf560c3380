"""Reading answers: JSON bodies, PNG bytes and every error shape the MIOSA services use.

Pure functions over status, headers and bytes, so the odd shapes are easy to test on their own.
Whatever the bytes are (HTML, truncated JSON, not UTF-8), the result is a value or a typed error.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from typing import Any

from miosa_tui.api import errors

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_MESSAGE = 300
_CODE_RE = re.compile(r"^[A-Z][A-Z0-9_]{2,}$")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]+")


def reason(status: int) -> str:
    from http import HTTPStatus  # only an error names its status: not imported at start-up

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown status"


def clean_text(text: str, limit: int = MAX_MESSAGE) -> str:
    """One printable line, at most `limit` characters (server text goes straight to the screen)."""
    text = " ".join(_CONTROL_RE.sub(" ", text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def decode_json(content: bytes) -> Any:
    """Parse a JSON body; ResponseFormatError on anything unreadable (never another exception)."""
    try:
        return json.loads(content)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError
        kind = "not valid UTF-8" if isinstance(exc, UnicodeDecodeError) else "not valid JSON"
        raise errors.ResponseFormatError(
            f"The MIOSA API sent an answer that is {kind} ({len(content)} bytes)."
        ) from None


def read_json(content: bytes) -> Any:
    """A 2xx JSON body: None when it is empty, else `decode_json`."""
    if not content.strip():
        return None
    return decode_json(content)


def try_json(content: bytes) -> Any:
    try:
        return json.loads(content)
    except (ValueError, RecursionError):
        return None


def looks_like_html(content: bytes) -> bool:
    head = content[:512].lstrip().lower()
    return head.startswith((b"<!doctype", b"<html", b"<head", b"<body", b"<?xml")) or (
        b"<html" in head or b"<title" in head
    )


def png_complete(content: bytes) -> bool:
    """PNG magic at the start and the IEND chunk at the end (a cut-off download fails this)."""
    return content.startswith(PNG_MAGIC) and b"IEND" in content[-64:]


def png_bytes(content: bytes) -> bytes:
    """Return PNG bytes, also from a `{"data": "<base64>"}` style JSON wrapper; else raise."""
    if content.startswith(PNG_MAGIC):
        if not png_complete(content):
            raise errors.ResponseFormatError(
                f"The screenshot PNG from the MIOSA API was cut short ({len(content)} bytes)."
            )
        return content
    body = try_json(content)
    if isinstance(body, dict):
        inner = body.get("data")
        candidates = [body, inner] if isinstance(inner, dict) else [body]
        for obj in candidates:
            for key in ("data", "image", "png", "screenshot", "base64", "content"):
                value = obj.get(key)
                if isinstance(value, str):
                    if value.startswith("data:") and "," in value:
                        value = value.split(",", 1)[1]
                    try:
                        raw = base64.b64decode(value, validate=True)
                    except (binascii.Error, ValueError):
                        continue
                    if png_complete(raw):
                        return raw
    what = (
        "an HTML page" if looks_like_html(content) else f"{len(content)} bytes that are not a PNG"
    )
    raise errors.ResponseFormatError(f"Expected a PNG screenshot but the MIOSA API sent {what}.")


def parse_retry_after(value: str | None, now: float) -> float | None:
    """`Retry-After: 5`, `2.5` or an HTTP-date -> seconds from `now` (>= 0); None if unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        # The email package (~4 ms to import) only for an HTTP-date, which few servers send.
        from email.utils import parsedate_to_datetime

        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if when.tzinfo is None:
            return None
        seconds = when.timestamp() - now
    if seconds != seconds or seconds in (float("inf"), float("-inf")):  # NaN / inf
        return None
    return max(0.0, seconds)


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)) and value == value and value >= 0:
        return float(value)
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return None
        return number if number == number and number >= 0 else None
    return None


def _str(value: object) -> str | None:
    if isinstance(value, str) and value.strip():
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def _errors_text(value: object) -> str | None:
    """`["name is required"]`, `[{"message": ...}]` or `{"name": ["is required"]}` -> text."""
    parts: list[str] = []
    if isinstance(value, list):
        for item in value[:10]:
            if isinstance(item, dict):
                text = _str(item.get("message")) or _str(item.get("detail"))
                field = _str(item.get("field"))
                if text:
                    parts.append(f"{field}: {text}" if field else text)
            elif _str(item):
                parts.append(str(item))
    elif isinstance(value, dict):
        for field, msgs in list(value.items())[:10]:
            if isinstance(msgs, list):
                text = ", ".join(m for m in (_str(x) for x in msgs) if m)
            else:
                text = _str(msgs) or ""
            if text:
                parts.append(f"{field} {text}" if text[:1].islower() else f"{field}: {text}")
    else:
        text = _str(value)
        if text:
            parts.append(text)
    return "; ".join(parts) or None


def error_fields(body: object) -> tuple[str | None, str | None, str | None, float | None]:
    """(message, code, request_id, retry_after) from any of the known error body shapes."""
    if not isinstance(body, dict):
        return None, None, None, None
    message: str | None = None
    code: str | None = None
    request_id = _str(body.get("request_id")) or _str(body.get("requestId"))
    retry_after = _number(body.get("retry_after"))
    err = body.get("error")
    if isinstance(err, dict):  # nested: {"error": {"code", "message", "details"}}
        code = _str(err.get("code"))
        message = _str(err.get("message")) or _str(err.get("detail"))
        request_id = request_id or _str(err.get("request_id"))
        if retry_after is None:
            retry_after = _number(err.get("retry_after"))
    elif isinstance(err, str) and err.strip():
        code = _str(body.get("code"))
        detail = _str(body.get("message")) or _str(body.get("detail"))
        if code is None and _CODE_RE.match(err.strip()):
            code = err.strip()  # {"error": "UPPER_SNAKE_CODE", "detail": "human text"}
            message = detail
        else:
            message = detail or err
    if message is None:
        message = _str(body.get("message")) or _str(body.get("detail")) or _str(body.get("msg"))
    code = code or _str(body.get("code"))
    listed = _errors_text(body.get("errors"))
    if listed:
        message = f"{message} ({listed})" if message and listed not in message else listed
    return message, code, request_id, retry_after


_STATUS_CLASSES: dict[int, type[errors.MiosaError]] = {
    401: errors.AuthenticationError,
    402: errors.InsufficientCreditsError,
    403: errors.PermissionDeniedError,
    404: errors.NotFoundError,
    408: errors.TimeoutError,
    429: errors.RateLimitError,
}


def error_class(status: int) -> type[errors.MiosaError]:
    if status in _STATUS_CLASSES:
        return _STATUS_CLASSES[status]
    if status >= 500:
        return errors.ServerError
    if 400 <= status < 500:
        return errors.ValidationError
    return errors.ResponseFormatError


def error_from_response(
    status: int,
    headers: Mapping[str, str],
    content: bytes,
    *,
    retry_after: float | None = None,
) -> errors.MiosaError:
    """Build the typed error for a non-2xx answer; the message is always one readable sentence."""
    body = try_json(content)
    message, code, body_request_id, body_retry = error_fields(body)
    request_id = headers.get("x-request-id") or body_request_id
    cls = error_class(status)
    if message:
        message = clean_text(message)
    elif status >= 500:
        who = "gateway" if status in (502, 503, 504) else "server"
        message = (
            f"The MIOSA API {who} answered {status} ({reason(status)}); "
            "the service may be down or restarting."
        )
    elif 300 <= status < 400:
        where = headers.get("location")
        target = f" to {clean_text(where, 120)}" if where else ""
        message = (
            f"The MIOSA API answered with a redirect ({status}){target}; check MIOSA_BASE_URL."
        )
    elif content and looks_like_html(content):
        message = (
            f"{cls.default_message} The MIOSA API answered {status} ({reason(status)}) "
            "with an HTML page; check MIOSA_BASE_URL."
        )
    elif content and body is None:
        text = clean_text(content[:400].decode("utf-8", "replace"), 200)
        message = f"{cls.default_message} The MIOSA API answered {status}: {text}"
    else:
        message = f"{cls.default_message} The MIOSA API answered {status} ({reason(status)})."
    return cls(
        message,
        status=status,
        code=code,
        request_id=clean_text(request_id, 128) if request_id else None,
        body=body,
        retry_after=retry_after if retry_after is not None else body_retry,
    )
