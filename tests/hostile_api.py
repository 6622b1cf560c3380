"""A hostile MIOSA API for tests: every field of every answer carries odd or dangerous text.

Serves, over real HTTP on a free loopback port (uvicorn in a thread, as `miosa_tui.sim.server`):
GET /api/v1/computers, /computers/:id, /computers/:id/apps, /urls, /vnc-credentials,
/desktop/screenshot and /screenshot (PNGs), and POST /computers/:id/stream-token. Any other
request is answered 404 but still recorded, so a test can assert that browsing the dashboard
sent no action (no POST, PATCH or DELETE other than what it asked for).

The text families follow reference/real-world-testing.md: Rich and Textual markup (closing tags
alone, styles, links, click actions with arguments, $variables, escaped brackets), terminal
control (CSI, OSC 0/2/52 ended by BEL and by ST, DCS, APC, PM, SOS, their 8-bit C1 forms, lone
ESC, BEL, BS, CR, LF, DEL, NUL), Unicode (bidi overrides and isolates, zero-width characters,
combining marks, CJK, emoji, lone surrogates) and shape (empty, 500 characters, null, wrong JSON
types, list entries that are not objects).
"""

from __future__ import annotations

import io
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from PIL import Image
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

ESC = "\x1b"
BEL = "\x07"
ST = ESC + "\\"
TITLE_MARK = "PWNED-TITLE"  # what an OSC 0/2 would set the window title to
CLIP_PAYLOAD = "cHduZWQ="  # base64 of "pwned": what an OSC 52 would put on the clipboard

MARKUP = [
    "[/]",
    "x[/]",
    "[@click=app.quit]x[/]",
    "[@click=screen.act('start')]y[/]",
    "[@click=app.bell]bell[/]",
    "[bold red]z[/]",
    "[link=https://evil.example]click me[/link]",
    "[link='javascript:alert(1)']js[/]",
    "$accent $text [$accent]v[/]",
    "\\[escaped] \\\\[x] [[double]]",
    "[b",
    "unbalanced[/i]",
    "[on red][blink]blink",
]
ESCAPES = [
    f"csi{ESC}[2J{ESC}[31mred{ESC}[0m",
    f"osc0{ESC}]0;{TITLE_MARK}{BEL}",
    f"osc2st{ESC}]2;{TITLE_MARK}{ST}",
    f"osc52{ESC}]52;c;{CLIP_PAYLOAD}{BEL}",
    f"osc52st{ESC}]52;c;{CLIP_PAYLOAD}{ST}",
    f"dcs{ESC}Ptmux;{ESC}{ESC}]52;c;{CLIP_PAYLOAD}{BEL}{ST}",
    f"apc{ESC}_Gf=100;AAAA{ST}",
    f"pm{ESC}^privacy{ST}",
    f"sos{ESC}Xstart{ST}",
    "c1\x9b2J\x9d0;C1-TITLE\x9c\x90dcs\x9c",
    f"lone{ESC}",
    f"bel{BEL}{BEL}",
    "bs\x08\x08\x08abc",
    "cr\rOVERWRITE",
    "del\x7fdel",
    "nul\x00nul",
    "lf\nsecond line\ntouch ~/pwned",
    "tab\tv\x0bf\x0c",
]
UNICODE = [
    "bidi\u202eexe.txt\u202c",
    "iso\u2066x\u2069\u2067y\u2069\u2068z\u2069\u200e\u200f",
    "zw\u200b\u200c\u200d\ufeff\u2060admin",
    "combining e\u0301\u0300\u0302 " + "a" + "\u0336" * 20,
    "中文名前テスト",
    "🚀 👩\u200d👩\u200d👧 fleet",
    "lone\udc9bsurrogate",
    "sep\u2028line\u2029para",
]
SHAPE: list[Any] = ["", None, "L" * 500, 12345, ["x"], {"a": 1}, True]

NAMES: list[Any] = MARKUP + ESCAPES + UNICODE + SHAPE

# Ids are text too: a few hostile ones (never with "/", which is not a path segment).
ODD_IDS = {
    3: "id[b]3[$x]",
    4: f"id{ESC}]0;{TITLE_MARK}{BEL}4",
    5: "id\u202e5",
    6: "id-\u4e2d-6",
}

URLS: list[tuple[Any, Any]] = [
    ("good", "https://good.example/path?q=1"),
    ("js", "javascript:alert(1)"),
    ("file", "file:///etc/passwd"),
    ("newline", "https://ok.example/\ntouch ~/pwned\n"),
    ("osc52", f"https://evil.example/{ESC}]52;c;{CLIP_PAYLOAD}{BEL}"),
    ("space", " https://space.example"),
    ("[link=x]markup[/]", "https://markup.example/[/]"),
    ("bidi\u202e", "https://bidi.example/\u202etxt.exe"),
    ("badhost", "http://[::1"),
]


def computer_json(index: int, name: Any) -> dict[str, Any]:
    """One computer: the name under test, hostile text in the other text fields too."""
    cid = ODD_IDS.get(index, f"h{index:02d}")
    odd = ESCAPES[index % len(ESCAPES)]
    status: Any = "running" if index % 4 != 3 else odd
    if index == 8:
        status = "stopped"
    if index == 7:
        status = "[/]"
    if index == 11:
        status = 42
    return {
        "id": cid,
        "name": name,
        "status": status,
        "size": "medium" if index % 3 else MARKUP[index % len(MARKUP)],
        "region": "us-mia" if index % 2 else UNICODE[index % len(UNICODE)],
        "template_type": "miosa-desktop" if index % 5 else odd,
        "ip_address": "10.0.0.1" if index % 2 else f"10.0.0.{ESC}[2J",
        "slug": f"slug-{index}",
        "visibility": ["wrong", "type"] if index == 2 else "public",
        "tenant_id": MARKUP[(index + 1) % len(MARKUP)],
        "workspace_id": None,
        "preview_domain": "preview.example",
        "desktop_url": URLS[index % len(URLS)][1],
        "public_url": URLS[(index + 1) % len(URLS)][1],
        "created_at": "2026-11-30T12:00:00Z" if index % 2 else odd,
        "updated_at": 12 if index == 1 else None,
        "metadata": {"owner": odd, MARKUP[0]: UNICODE[0], "n": index},
    }


def fleet() -> list[dict[str, Any]]:
    return [computer_json(i, name) for i, name in enumerate(NAMES)]


def png(width: int = 64, height: int = 40) -> bytes:
    picture = Image.new("RGB", (width, height), (40, 90, 160))
    for x in range(0, width, 8):
        for y in range(height):
            picture.putpixel((x, y), (250, 250, 250))
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()


def dumps(value: Any) -> bytes:
    """JSON with lone surrogates written as \\udc9b escapes (valid JSON, as a server may send)."""
    return json.dumps(value).encode("ascii")


@dataclass
class Recorded:
    method: str
    path: str


@dataclass
class HostileApi:
    """The server; `requests` lists every request received, in order."""

    computers: list[dict[str, Any]] = field(default_factory=fleet)
    requests: list[Recorded] = field(default_factory=list)
    host: str = "127.0.0.1"
    port: int = 0
    _server: uvicorn.Server | None = None
    _thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/api/v1"

    def by_id(self, cid: str) -> dict[str, Any] | None:
        return next((c for c in self.computers if c["id"] == cid), None)

    def actions(self, allowed: tuple[str, ...] = ()) -> list[Recorded]:
        """Requests that could change something (POST, PATCH, DELETE, PUT), except those whose
        path ends with one of `allowed`."""
        return [
            r
            for r in self.requests
            if r.method not in ("GET", "HEAD") and not r.path.endswith(allowed)
        ]

    # -- routes ----------------------------------------------------------------------------
    async def _any(self, request: Request) -> Response:
        path = request.url.path
        self.requests.append(Recorded(request.method, path))
        prefix = "/api/v1/computers"
        if not path.startswith(prefix):
            return self._json({"error": {"message": "no such route [/]" + ESC + "[2J"}}, 404)
        rest = [
            request.path_params.get("cid"),
            *(request.path_params.get("tail") or "").split("/"),
        ]
        parts = [p for p in rest if p]
        cid, tail = (parts[0], parts[1:]) if parts else (None, [])
        if request.method == "GET" and cid is None:
            listed: list[Any] = [*self.computers, "junk", 42, None]
            return self._json({"data": listed, "meta": {"page": 1, "per_page": 500}})
        computer = self.by_id(cid) if cid is not None else None
        if computer is None:
            return self._json(
                {"error": {"message": f"not found {ESC}]0;{TITLE_MARK}{BEL}", "code": "[/]"}},
                404,
                request_id="req_[/]odd",
            )
        return self._answer(request.method, computer, tail)

    def _answer(self, method: str, computer: dict[str, Any], tail: list[str]) -> Response:
        if method == "GET" and not tail:
            return self._json({"data": computer})
        if method == "GET" and tail == ["apps"]:
            apps: list[Any] = [
                {"name": n, "title": t} for n, t in zip(NAMES[:20], NAMES[20:40], strict=False)
            ]
            return self._json({"apps": [*apps, "plain-[/]app", 7, None]})
        if method == "GET" and tail == ["urls"]:
            return self._json(
                {"urls": [{"name": n, "url": u, "port": 80} for n, u in URLS] + [{"url": None}]}
            )
        if method == "GET" and tail == ["vnc-credentials"]:
            return self._json(
                {
                    "username": f"user[/]{ESC}]0;{TITLE_MARK}{BEL}",
                    "password": f"pw{ESC}]52;c;{CLIP_PAYLOAD}{BEL}x",
                    "url": f"https://vnc.example/{ESC}]0;{TITLE_MARK}{BEL}",
                }
            )
        if method == "POST" and tail == ["stream-token"]:
            return self._json(
                {"token": f"tok{ESC}]52;c;{CLIP_PAYLOAD}{BEL}en\u202e", "expires_in": 600}
            )
        if method == "GET" and tail in (["desktop", "screenshot"], ["screenshot"]):
            return Response(png(), media_type="image/png")
        return self._json({"error": {"message": f"refused [bold]{ESC}[2J"}}, 405)

    @staticmethod
    def _json(body: Any, status: int = 200, request_id: str = "req_abc123") -> Response:
        return Response(
            dumps(body),
            status_code=status,
            media_type="application/json",
            headers={"x-request-id": request_id.encode("utf-8", "replace").decode("latin-1")},
        )

    def app(self) -> Starlette:
        methods = ["GET", "POST", "PATCH", "DELETE", "PUT"]
        return Starlette(
            routes=[
                Route("/api/v1/computers", self._any, methods=methods),
                Route("/api/v1/computers/{cid}", self._any, methods=methods),
                Route("/api/v1/computers/{cid}/{tail:path}", self._any, methods=methods),
                Route("/{other:path}", self._any, methods=methods),
            ]
        )

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> str:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.app(), log_level="warning", access_log=False, lifespan="off", server_header=False
        )
        server = uvicorn.Server(config)
        self._server = server
        self._thread = threading.Thread(
            target=lambda: server.run(sockets=[sock]), name="hostile-api", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the hostile API did not start")
            time.sleep(0.01)
        return self.base_url

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(5)

    def __enter__(self) -> HostileApi:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


if __name__ == "__main__":  # `python tests/hostile_api.py`: serve until Ctrl+C (manual testing)
    with HostileApi() as api:
        print(f"MIOSA_BASE_URL={api.base_url} MIOSA_API_KEY=msk_hostile", flush=True)
        try:
            while True:
                time.sleep(1)
        except KeyboardInterrupt:
            pass
