"""Transport against hand-made odd answers (httpx.MockTransport): headers, errors, retries."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from miosa_tui import __version__
from miosa_tui.api import (
    ApiSettings,
    AuthenticationError,
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
    Transport,
    UnknownOutcomeError,
    ValidationError,
)
from miosa_tui.api.transport import backoff_delay

KEY = "msk_u_test_0000"
BASE = "https://api.miosa.test/api/v1"
Handler = Callable[[httpx.Request], httpx.Response]

HTML_502 = b"""<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>
<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"""


class Recorder:
    """Wraps a handler, keeps every request and every injected sleep."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[httpx.Request] = []
        self.sleeps: list[float] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.handler(request)

    async def sleep(self, delay: float) -> None:
        self.sleeps.append(delay)


def make(
    handler: Handler,
    *,
    base_url: str = BASE,
    tenant: str | None = None,
    max_retries: int = 3,
    key: str | None = KEY,
    now: float = 1_800_000_000.0,
) -> tuple[Transport, Recorder]:
    rec = Recorder(handler)
    transport = Transport(
        ApiSettings(api_key=key, base_url=base_url, tenant=tenant, max_retries=max_retries),
        transport=httpx.MockTransport(rec),
        sleep=rec.sleep,
        rand=lambda: 0.5,
        now=lambda: now,
    )
    return transport, rec


def reply(status: int, body: Any = None, *, raw: bytes | None = None, **headers: str) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        hdrs = {k.replace("_", "-"): v for k, v in headers.items()}
        if raw is not None:
            return httpx.Response(status, content=raw, headers=hdrs)
        return httpx.Response(status, json=body, headers=hdrs)

    return handler


def sequence(*responses: httpx.Response | Exception) -> Handler:
    items = list(responses)

    def handler(request: httpx.Request) -> httpx.Response:
        item = items.pop(0) if len(items) > 1 else items[0]
        if isinstance(item, Exception):
            raise item
        return item

    return handler


async def test_headers_sent() -> None:
    transport, rec = make(reply(200, {"ok": True}), tenant="acme-org")
    assert await transport.request("GET", "/computers", params={"page": 1, "status": None}) == {
        "ok": True
    }
    request = rec.requests[0]
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert request.headers["x-miosa-tenant"] == "acme-org"
    assert request.headers["user-agent"] == f"miosa-tui/{__version__} (python-httpx)"
    assert request.headers["accept"] == "application/json"
    assert str(request.url) == f"{BASE}/computers?page=1"
    await transport.aclose()


async def test_no_tenant_header_when_unset() -> None:
    transport, rec = make(reply(200, {}))
    await transport.request("GET", "/computers")
    assert "x-miosa-tenant" not in rec.requests[0].headers


async def test_insecure_http_refused_before_any_request() -> None:
    transport, rec = make(reply(200, {}), base_url="http://api.miosa.ai")
    with pytest.raises(InsecureTransportError) as info:
        await transport.request("GET", "/computers")
    assert rec.requests == []
    assert KEY not in str(info.value)


@pytest.mark.parametrize("base", ["http://127.0.0.1:9999", "http://localhost:1", "http://[::1]:2"])
async def test_http_to_loopback_is_fine(base: str) -> None:
    transport, rec = make(reply(200, {"x": 1}), base_url=base)
    assert await transport.request("GET", "/computers") == {"x": 1}
    assert rec.requests[0].url.path == "/api/v1/computers"


async def test_missing_key_is_refused_locally() -> None:
    transport, rec = make(reply(200, {}), key=None)
    with pytest.raises(AuthenticationError) as info:
        await transport.request("GET", "/computers")
    assert "MIOSA_API_KEY" in str(info.value)
    assert rec.requests == []


async def test_key_with_newline_is_refused_locally() -> None:
    transport, rec = make(reply(200, {}), key="msk_u_a\x01b_cdefghijkl")
    with pytest.raises(InvalidInputError) as info:
        await transport.request("GET", "/computers")
    assert "a\x01b" not in str(info.value)
    assert rec.requests == []


# -- error shapes -------------------------------------------------------------------------

ERROR_CASES: list[
    tuple[int, Any, dict[str, str], type[MiosaError], str | None, str, str | None]
] = [
    # status, body, headers, class, code, message fragment, request id
    (
        404,
        {"error": "computer not found", "code": "NOT_FOUND", "message": "computer not found"},
        {"x-request-id": "req_flat"},
        NotFoundError,
        "NOT_FOUND",
        "computer not found",
        "req_flat",
    ),
    (
        422,
        {"error": {"code": "VALIDATION_FAILED", "message": "size is invalid"}, "errors": {}},
        {"x-request-id": "req_nested"},
        ValidationError,
        "VALIDATION_FAILED",
        "size is invalid",
        "req_nested",
    ),
    (
        422,
        {"errors": ["name is required"]},
        {},
        ValidationError,
        None,
        "name is required",
        None,
    ),
    (
        422,
        {"error": {"code": "VALIDATION_FAILED", "message": "bad"}, "errors": {"name": ["blank"]}},
        {},
        ValidationError,
        "VALIDATION_FAILED",
        "bad (name blank)",
        None,
    ),
    (
        403,
        {"error": "PROJECT_NOT_LINKED", "detail": "Link a project first", "request_id": "req_b"},
        {},
        PermissionDeniedError,
        "PROJECT_NOT_LINKED",
        "Link a project first",
        "req_b",
    ),
    (
        402,
        {"error": "Insufficient credits", "code": "INSUFFICIENT_CREDITS"},
        {"X-Request-Id": "req_402"},
        InsufficientCreditsError,
        "INSUFFICIENT_CREDITS",
        "Insufficient credits",
        "req_402",
    ),
    (
        401,
        {"error": "Invalid API key"},
        {},
        AuthenticationError,
        None,
        "Invalid API key",
        None,
    ),
    (
        409,
        {"error": "computer is already running", "code": "INVALID_STATE"},
        {},
        ValidationError,
        "INVALID_STATE",
        "already running",
        None,
    ),
    (
        400,
        {"message": "bad request body"},
        {},
        ValidationError,
        None,
        "bad request body",
        None,
    ),
    (
        500,
        {"error": "Internal server error"},
        {},
        ServerError,
        None,
        "Internal server error",
        None,
    ),
]


@pytest.mark.parametrize(
    ("status", "body", "headers", "cls", "code", "fragment", "request_id"), ERROR_CASES
)
async def test_error_shapes_are_mapped(
    status: int,
    body: Any,
    headers: dict[str, str],
    cls: type[MiosaError],
    code: str | None,
    fragment: str,
    request_id: str | None,
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json=body, headers=headers)

    transport, _rec = make(handler, max_retries=0)
    with pytest.raises(cls) as info:
        await transport.request("GET", "/computers/x")
    err = info.value
    assert type(err) is cls
    assert err.status == status
    assert err.code == code
    assert fragment in err.message
    assert err.request_id == request_id
    assert err.body == body


async def test_rate_limit_body_retry_after_and_message_form() -> None:
    transport, _ = make(reply(429, {"message": "rate limited", "retry_after": 5.0}), max_retries=0)
    with pytest.raises(RateLimitError) as info:
        await transport.request("GET", "/computers")
    assert info.value.retry_after == 5.0
    assert info.value.message == "rate limited"
    assert "5 s" in info.value.hint


async def test_html_502_becomes_a_sentence() -> None:
    handler = reply(502, raw=HTML_502, content_type="text/html", x_request_id="req_gw")
    transport, _rec = make(handler, max_retries=0)
    with pytest.raises(ServerError) as info:
        await transport.request("GET", "/computers")
    err = info.value
    assert err.status == 502
    assert err.request_id == "req_gw"
    assert "<" not in err.message and "nginx" not in err.message
    assert err.message.startswith("The MIOSA API gateway answered 502 (Bad Gateway)")


async def test_html_404_is_not_found_without_markup() -> None:
    transport, _ = make(reply(404, raw=b"<html><body>nope</body></html>"), max_retries=0)
    with pytest.raises(NotFoundError) as info:
        await transport.request("GET", "/computers/x")
    assert "<" not in info.value.message
    assert "404" in info.value.message


async def test_plain_text_error_is_shown_cleanly() -> None:
    transport, _ = make(reply(400, raw=b"upstream\x00 said\n no"), max_retries=0)
    with pytest.raises(ValidationError) as info:
        await transport.request("GET", "/x")
    assert "upstream said no" in info.value.message


async def test_redirect_is_not_followed() -> None:
    transport, rec = make(reply(301, raw=b"", location="http://evil.example/"), max_retries=0)
    with pytest.raises(MiosaError) as info:
        await transport.request("GET", "/computers")
    assert len(rec.requests) == 1
    assert "redirect" in info.value.message
    assert "MIOSA_BASE_URL" in info.value.message


async def test_key_echoed_by_server_is_scrubbed() -> None:
    transport, _ = make(reply(401, {"error": f"bad key {KEY}"}))
    with pytest.raises(AuthenticationError) as info:
        await transport.request("GET", "/computers")
    assert KEY not in str(info.value)
    assert "msk_u_…0000" in str(info.value)


# -- malformed 2xx answers -----------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        b'{"data": [{"id": "a", "name": "x"',  # truncated
        b"\xff\xfe\xfa not utf8 at all \x80",  # not UTF-8
        b"<html>oops</html>",
        b"[" * 100_000,  # nesting bomb
    ],
)
async def test_malformed_success_body_is_a_format_error_and_not_retried(raw: bytes) -> None:
    transport, rec = make(reply(200, raw=raw))
    with pytest.raises(ResponseFormatError):
        await transport.request("GET", "/computers")
    assert len(rec.requests) == 1
    assert rec.sleeps == []


async def test_empty_success_body_is_none() -> None:
    transport, _ = make(reply(204, raw=b""))
    assert await transport.request("DELETE", "/computers/a") is None


async def test_png_wanted_but_html_sent() -> None:
    transport, _ = make(reply(200, raw=b"<!doctype html><title>login</title>"))
    with pytest.raises(ResponseFormatError) as info:
        await transport.request("GET", "/computers/a/desktop/screenshot", want="png")
    assert "HTML page" in info.value.message


# -- retries ------------------------------------------------------------------------------


async def test_429_retry_after_seconds_is_honoured() -> None:
    handler = sequence(
        httpx.Response(429, json={"error": "slow down"}, headers={"Retry-After": "7"}),
        httpx.Response(200, json={"ok": 1}),
    )
    transport, rec = make(handler)
    assert await transport.request("GET", "/computers") == {"ok": 1}
    assert rec.sleeps == [7.0]
    assert len(rec.requests) == 2


async def test_retry_after_http_date_is_honoured_and_capped() -> None:
    now = 1_800_000_000.0
    soon = format_datetime(datetime.fromtimestamp(now + 12, UTC), usegmt=True)
    later = format_datetime(datetime.fromtimestamp(now + 3600, UTC), usegmt=True)
    handler = sequence(
        httpx.Response(503, headers={"Retry-After": soon}),
        httpx.Response(429, headers={"Retry-After": later}),
        httpx.Response(429, headers={"Retry-After": "1.5"}),
        httpx.Response(200, json=[]),
    )
    transport, rec = make(handler, now=now)
    assert await transport.request("GET", "/computers") == []
    assert rec.sleeps == [12.0, 30.0, 1.5]


async def test_5xx_backoff_then_success_for_get() -> None:
    handler = sequence(
        httpx.Response(500, json={"error": "boom"}),
        httpx.Response(502, content=HTML_502),
        httpx.Response(503),
        httpx.Response(200, json={"data": []}),
    )
    transport, rec = make(handler)
    assert await transport.request("GET", "/computers") == {"data": []}
    # 0.5 * 2^attempt + 0.5 * rand(), rand fixed at 0.5
    assert rec.sleeps == [0.75, 1.25, 2.25]
    assert len(rec.requests) == 4


def test_backoff_is_capped_and_jittered() -> None:
    assert backoff_delay(0, lambda: 0.0) == 0.5
    assert backoff_delay(0, lambda: 1.0) == 1.0
    assert backoff_delay(3, lambda: 0.0) == 4.0
    assert backoff_delay(20, lambda: 0.9) == 30.0


async def test_give_up_after_max_retries_raises_mapped_error() -> None:
    transport, rec = make(reply(503, {"error": "down", "code": "UNAVAILABLE"}, x_request_id="r9"))
    with pytest.raises(ServerError) as info:
        await transport.request("GET", "/computers")
    assert len(rec.requests) == 4
    assert len(rec.sleeps) == 3
    assert info.value.attempts == 4
    assert info.value.code == "UNAVAILABLE"
    assert info.value.request_id == "r9"


async def test_final_429_raises_rate_limit_error() -> None:
    transport, rec = make(reply(429, {"error": "slow"}, retry_after="2"), max_retries=2)
    with pytest.raises(RateLimitError) as info:
        await transport.request("GET", "/computers")
    assert rec.sleeps == [2.0, 2.0]
    assert info.value.retry_after == 2.0


@pytest.mark.parametrize("method", ["POST", "PATCH"])
async def test_5xx_never_retried_for_post_or_patch(method: str) -> None:
    transport, rec = make(reply(503, {"error": "down"}, retry_after="1"))
    with pytest.raises(ServerError):
        await transport.request(method, "/computers/a/start")
    assert len(rec.requests) == 1
    assert rec.sleeps == []


async def test_429_never_retried_for_post() -> None:
    transport, rec = make(reply(429, {"error": "slow"}, retry_after="3"))
    with pytest.raises(RateLimitError) as info:
        await transport.request("POST", "/computers")
    assert len(rec.requests) == 1
    assert info.value.retry_after == 3.0


def _raiser(exc_type: type[httpx.TransportError]) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc_type("simulated", request=request)

    return handler


@pytest.mark.parametrize(
    "exc_type",
    [httpx.ReadError, httpx.RemoteProtocolError, httpx.ReadTimeout, httpx.WriteError],
)
async def test_post_lost_answer_is_unknown_outcome(exc_type: type[httpx.TransportError]) -> None:
    transport, rec = make(_raiser(exc_type))
    with pytest.raises(UnknownOutcomeError) as info:
        await transport.request("POST", "/computers/a/stop")
    assert len(rec.requests) == 1
    assert "may or may not" in info.value.message


@pytest.mark.parametrize("exc_type", [httpx.ConnectError, httpx.ConnectTimeout])
async def test_post_connect_error_is_plain_connection_error(
    exc_type: type[httpx.TransportError],
) -> None:
    transport, rec = make(_raiser(exc_type))
    with pytest.raises(ConnectionError) as info:
        await transport.request("POST", "/computers/a/stop")
    assert not isinstance(info.value, UnknownOutcomeError)
    assert "nothing was sent" in info.value.message
    assert len(rec.requests) == 1


async def test_get_connection_errors_retried_then_success() -> None:
    handler = sequence(
        httpx.ConnectError("refused"),
        httpx.ReadTimeout("slow"),
        httpx.RemoteProtocolError("closed"),
        httpx.Response(200, json={"id": "a"}),
    )
    transport, rec = make(handler)
    assert await transport.request("GET", "/computers/a") == {"id": "a"}
    assert len(rec.requests) == 4
    assert len(rec.sleeps) == 3


async def test_get_timeouts_give_up_as_timeout_error() -> None:
    transport, rec = make(_raiser(httpx.ReadTimeout), max_retries=1)
    with pytest.raises(TimeoutError) as info:
        await transport.request("GET", "/computers")
    assert len(rec.requests) == 2
    assert "30 s" in info.value.message


async def test_get_read_errors_give_up_as_connection_error() -> None:
    transport, _ = make(_raiser(httpx.ReadError), max_retries=1)
    with pytest.raises(ConnectionError) as info:
        await transport.request("GET", "/computers")
    assert not isinstance(info.value, UnknownOutcomeError)


# -- property: arbitrary bodies never raise anything but MiosaError --------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["data", "error", "code", "message", "errors", "detail", "id", "x"]),
            children,
            max_size=4,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    status=st.sampled_from([200, 201, 400, 401, 402, 403, 404, 409, 418, 422, 429, 500, 502, 503]),
    body=JSON_VALUES | st.binary(max_size=60),
)
async def test_any_answer_gives_a_value_or_a_miosa_error(status: int, body: Any) -> None:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    transport, _ = make(reply(status, raw=raw), max_retries=0)
    try:
        await transport.request("GET", "/computers")
    except MiosaError as err:
        assert err.message
        assert "\n" not in err.message
        assert status >= 300 or isinstance(err, ResponseFormatError)


def test_the_ca_bundle_is_loaded_only_when_tls_is_possible() -> None:
    """An http:// base URL without a proxy never opens TLS, so start-up skips loading the CA
    bundle; the context it gets instead trusts no certificate, so TLS through it fails closed."""
    import ssl

    from miosa_tui.api.transport import _no_ca_context, _tls_context
    from miosa_tui.api.wire import may_use_tls as _may_use_tls

    assert _may_use_tls("https://api.miosa.ai/api/v1", {})
    assert not _may_use_tls("http://127.0.0.1:8080/api/v1", {})
    assert not _may_use_tls("http://127.0.0.1:8080/api/v1", {"NO_PROXY": "*", "HTTPS_PROXY": ""})
    for proxy in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "ALL_PROXY", "all_proxy"):
        assert _may_use_tls("http://127.0.0.1:8080/api/v1", {proxy: "https://proxy:3128"})
    context = _no_ca_context()
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert context.cert_store_stats()["x509_ca"] == 0
    assert _tls_context().cert_store_stats()["x509_ca"] > 0
    https = Transport(ApiSettings(api_key="msk_x", base_url="https://api.miosa.ai/api/v1"))
    assert https._client._transport._pool._ssl_context is _tls_context()  # type: ignore[attr-defined]
