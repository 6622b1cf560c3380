"""Who may use `miosa-tui serve`: the browser that opened the printed URL, and nothing else.

textual-serve has no login, and browsers do not apply the same-origin policy to WebSockets: any
page the user visits could open `ws://127.0.0.1:8000/ws` and drive the dashboard. The guard is an
aiohttp middleware put in front of every route of textual-serve's own application (we subclass
its `Server`; nothing of it is forked). A request is refused with 403 and one log line when:

- serving on loopback (without --allow-remote), its Host is not a loopback name: a DNS-rebinding
  page (evil.example resolving to 127.0.0.1) is its own origin, but not a loopback Host;
- it carries an `Origin` that is not the page's own (scheme-less `host:port`, compared with the
  Host header, as Tornado/Jupyter do), or it opens the WebSocket with no `Origin` at all;
- it carries no valid token: the `token` query parameter, or the cookie set from it.

Every route needs the token, /static included: nothing there is needed before the cookie exists
(the page that loads it is itself behind the token, and the browser sends the cookie with its
same-site subresource requests), and the directory listing would tell any local page which
server runs on the port. `/download/{key}` carries files the app delivers.

The token is compared with hmac.compare_digest, never logged (aiohttp's access log, which
prints the request line with its query, is turned off; tracebacks show no locals), never in a
repr, and never on the app's command line or in its environment. The first load with
`?token=...` sets an HttpOnly, SameSite=Strict, host-only cookie and redirects to the same URL
without the token.
"""

from __future__ import annotations

import hmac
import html
import logging
import re
import secrets
import sys
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
from aiohttp import hdrs, web
from aiohttp.typedefs import Handler, Middleware
from rich.logging import RichHandler
from textual_serve.server import Server, to_int

from miosa_tui.api.settings import is_loopback

log = logging.getLogger("miosa_tui.serve")

TOKEN_ENV = "MIOSA_TUI_SERVE_TOKEN"
TOKEN_PARAM = "token"
MIN_TOKEN_LENGTH = 16
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9._~-]+")
MAX_LOGGED = 120  # characters of a request's Origin, Host or path in a refusal line

# On every response the guard lets through or makes: no caching of a page behind the token, no
# Referer carrying our URL elsewhere, no framing by another site.
SAFE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",  # a 403 quotes the request's Origin back
    "Content-Security-Policy": "frame-ancestors 'none'",
}


def new_token() -> str:
    """A fresh per-run secret: 32 random bytes, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


def token_problem(token: str) -> str | None:
    """Why a token given with --token or the environment is refused, or None."""
    if len(token) < MIN_TOKEN_LENGTH or not TOKEN_SHAPE.fullmatch(token):
        return (
            f"the serve token must be at least {MIN_TOKEN_LENGTH} characters of "
            "A-Z a-z 0-9 . _ ~ - (or leave it unset and serve makes one)"
        )
    return None


def shown(text: str) -> str:
    """Untrusted request text as one short, printable, quoted log field."""
    quoted = ascii(text)
    return quoted if len(quoted) <= MAX_LOGGED else quoted[: MAX_LOGGED - 1] + "…"


def is_https(request: web.BaseRequest) -> bool:
    """True behind TLS, here or in a reverse proxy that says so (only picks ws/wss and Secure)."""
    forwarded = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
    return request.secure or forwarded == "https"


class AccessGuard:
    """The checks in front of textual-serve's routes. Holds the token; never shows it."""

    def __init__(self, token: str, port: int, *, loopback_only: bool) -> None:
        self._token = token.encode()
        self.cookie_name = f"miosa_tui_serve_{port}"  # cookies ignore ports: one name per port
        self.loopback_only = loopback_only

    def __repr__(self) -> str:
        return f"AccessGuard(cookie={self.cookie_name!r}, loopback_only={self.loopback_only})"

    def _is_token(self, supplied: str | None) -> bool:
        if not supplied:
            return False
        return hmac.compare_digest(supplied.encode("utf-8", "replace"), self._token)

    def refusal(self, request: web.BaseRequest) -> str | None:
        """Why `request` is refused (a sentence for the log, naming no secret), or None."""
        host = request.host
        if self.loopback_only and not is_loopback(host):
            return f"Host {shown(host)} is not a loopback name (serving on loopback only)"
        origin = request.headers.get(hdrs.ORIGIN)
        if origin is not None:
            try:
                origin_host = urlsplit(origin).netloc
            except ValueError:
                origin_host = ""
            if not origin_host or origin_host.lower() != host.lower():
                return f"Origin {shown(origin)} is not this page's origin (Host {shown(host)})"
        elif request.path == "/ws":
            return "a WebSocket without an Origin header"
        if not (
            self._is_token(request.cookies.get(self.cookie_name))
            or self._is_token(request.query.get(TOKEN_PARAM))
        ):
            return "no valid token (open the URL `miosa-tui serve` printed)"
        return None

    def came_with_token(self, request: web.BaseRequest) -> bool:
        return self._is_token(request.query.get(TOKEN_PARAM))

    def set_cookie(self, request: web.BaseRequest, response: web.StreamResponse) -> None:
        response.set_cookie(
            self.cookie_name,
            self._token.decode(),
            path="/",
            httponly=True,
            samesite="Strict",
            secure=is_https(request),
        )

    def leave_the_address_bar(self, request: web.BaseRequest) -> web.Response:
        """The first load: set the cookie and go to the same URL without the token."""
        target = str(request.rel_url.without_query_params(TOKEN_PARAM))
        if request.headers.get("Sec-Fetch-Site") == "cross-site":
            # A link clicked on another site: the browser would not send a SameSite=Strict
            # cookie on a redirect of that navigation, but does on one our own page starts.
            refresh = f"0;url={html.escape(target)}"
            response = web.Response(
                text=f'<!DOCTYPE html><meta http-equiv="refresh" content="{refresh}">',
                content_type="text/html",
            )
        else:
            response = web.Response(status=303, headers={hdrs.LOCATION: target})
        self.set_cookie(request, response)
        response.headers.update(SAFE_HEADERS)
        return response


def guard_middleware(guard: AccessGuard) -> Middleware:
    """The aiohttp middleware applying `guard` to every request."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        reason = guard.refusal(request)
        if reason is not None:
            peer = request.remote or "?"
            log.warning(f"refused {request.method} {shown(request.path)} from {peer}: {reason}")
            return web.Response(status=403, text=f"403 Forbidden: {reason}\n", headers=SAFE_HEADERS)
        if request.path == "/" and guard.came_with_token(request):
            return guard.leave_the_address_bar(request)
        response = await handler(request)
        if not response.prepared:  # a WebSocket has already sent its headers
            response.headers.update(SAFE_HEADERS)
        return response

    return middleware


class GuardedServer(Server):
    """textual-serve's Server with the guard in front of its aiohttp application."""

    def __init__(self, command: str, host: str, port: int, title: str, guard: AccessGuard):
        super().__init__(command, host=host, port=port, title=title)
        self.guard = guard

    def initialize_logging(self) -> None:
        super().initialize_logging()
        # Refusals: one plain line each on stderr (Rich would wrap them at the console width).
        plain = logging.StreamHandler(sys.stderr)
        plain.setFormatter(logging.Formatter("miosa-tui serve: %(message)s"))
        log.addHandler(plain)
        log.propagate = False
        # aiohttp's access log prints each request line, query (the token) included.
        logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
        for handler in logging.getLogger().handlers:
            if isinstance(handler, RichHandler):
                handler.tracebacks_show_locals = False  # a frame's locals may hold the token

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.insert(0, guard_middleware(self.guard))
        return app

    @aiohttp_jinja2.template("app_index.html")
    async def handle_index(self, request: web.Request) -> dict[str, Any]:
        """textual-serve's page, with its URLs built from the address the browser used.

        textual-serve writes its bind address into the page (`ws://0.0.0.0:8000/ws` when
        serving on every interface); through a tunnel or a proxy the browser used another
        one, and the cookie and the Origin check both need the page's own host.
        """
        origin = f"{'https' if is_https(request) else 'http'}://{request.host}"
        websocket = ("wss" if origin.startswith("https") else "ws") + origin[origin.index(":") :]
        return {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": f"{websocket}/ws",
            "config": {"static": {"url": f"{origin}/static/"}},
            "application": {"name": self.title},
        }
