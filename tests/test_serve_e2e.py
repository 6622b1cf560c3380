"""Browser end to end: `miosa-tui serve --demo` driven by headless Chromium through Playwright.

It opens the URL `serve` printed (the token moves into a cookie and leaves the address bar),
presses keys in xterm.js, copies the Access panel's selected entry (`a`
then `y`) and reads the browser clipboard, takes a screenshot, and stops the server with Ctrl+C.
xterm.js draws on a canvas (no terminal text in the DOM), so the clipboard is the assertion.
Then the attack of issue 19: a page on another port of 127.0.0.1, open in the same browser,
cannot open the dashboard's WebSocket; and the printed URL works from a link on another site.

Marked `e2e` and left out of the default `pytest` run (it needs Chromium and takes ~45 s):
run it with `pytest -m e2e tests/test_serve_e2e.py`. It skips, saying why, when Chromium,
Playwright or textual-serve is missing. Set MIOSA_E2E_ARTIFACTS=DIR to keep the screenshot.
"""

from __future__ import annotations

import contextlib
import http.server
import importlib.util
import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
from serve_helpers import Served, running_serve

from miosa_tui.api.links import public_url
from miosa_tui.api.models import Computer
from miosa_tui.sim.config import SimConfig
from miosa_tui.sim.server import SimServer

if TYPE_CHECKING:
    from playwright.sync_api import ViewportSize

pytestmark = pytest.mark.e2e

CHROMIUM = os.environ.get("MIOSA_E2E_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT: ViewportSize = {"width": 1400, "height": 900}


def missing() -> str | None:
    """Why the test cannot run here, or None."""
    if not os.path.exists(CHROMIUM):
        return f"chromium not found at {CHROMIUM} (apt-get install -y chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "playwright is not installed (pip install playwright)"
    if importlib.util.find_spec("textual_serve") is None:
        return "textual-serve is not installed (pip install 'miosa-tui[web]')"
    return None


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    reason = missing()
    if reason:
        pytest.skip(reason)
    with running_serve(tmp_path) as server:
        yield server


@contextlib.contextmanager
def other_site(pages: dict[str, str]) -> Iterator[int]:
    """A plain web server on another loopback port (another origin), serving `pages`."""

    class Pages(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path, "").encode()
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def hostile_page(port: int) -> str:
    """A page that tries to drive the dashboard on `port`, the attack of issue 19."""
    return f"""<!DOCTYPE html><script>
    const ws = new WebSocket("ws://127.0.0.1:{port}/ws?width=80&height=24");
    ws.onopen = () => {{ window.outcome = "open"; ws.send('["stdin", "q"]'); }};
    ws.onmessage = () => {{ window.outcome = "dashboard bytes"; }};
    ws.onclose = () => {{ window.outcome = window.outcome || "refused"; }};
    </script>"""


def fleet_public_urls() -> set[str]:
    """The public URLs of the fleet `--demo` shows (same seed and size as the served app)."""
    with SimServer(SimConfig()) as server:
        base = server.start()
        body = httpx.get(
            f"{base}/computers",
            params={"per_page": 100},
            headers={"Authorization": "Bearer msk_u_test_0000"},
        ).json()
    return {public_url(Computer.from_json(item)) for item in body["data"]}


def test_the_printed_url_shows_the_dashboard_and_copies_to_the_clipboard(
    served: Served, tmp_path: Path
) -> None:
    from PIL import Image
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport=VIEWPORT)
            context.grant_permissions(["clipboard-read", "clipboard-write"], origin=served.origin)
            page = context.new_page()
            page.goto(f"{served.printed_url}&fontsize=12")
            page.wait_for_selector("body.-first-byte", timeout=60_000)
            address_bar = page.url
            (cookie,) = context.cookies()
            page.click(".xterm-screen")
            copied = ""
            deadline = time.monotonic() + 60
            while not copied and time.monotonic() < deadline:
                # The app may still be loading the fleet: repeat until something is copied.
                page.keyboard.press("a")  # focus the Access panel
                page.keyboard.press("y")  # copy its selected entry
                page.wait_for_timeout(300)
                copied = page.evaluate("navigator.clipboard.readText()")
            page.keyboard.press("j")  # the journal pane opens under the table
            page.wait_for_timeout(1500)
            shot = tmp_path / "serve.png"
            page.screenshot(path=str(shot))
        finally:
            browser.close()

    assert address_bar == f"{served.base}?fontsize=12"  # the token left the address bar
    assert (cookie["name"], cookie["value"]) == (served.cookie_name, served.token)
    assert cookie["domain"] == "127.0.0.1" and cookie["path"] == "/"
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["expires"] == -1
    assert copied in fleet_public_urls(), copied
    with Image.open(shot) as image:
        assert image.size == (VIEWPORT["width"], VIEWPORT["height"])
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20) or []
        assert len(colours) > 50  # a drawn dashboard, not a blank page
    artifacts = os.environ.get("MIOSA_E2E_ARTIFACTS")
    if artifacts:
        Path(artifacts).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(artifacts) / "serve-e2e.png")

    assert served.stop() == 0  # Ctrl+C stops the server cleanly
    text = served.output()
    assert "--image-renderer halfcell" in text
    assert "Traceback" not in text, text
    assert [line for line in text.splitlines() if served.token in line] == [
        f"miosa-tui: open {served.printed_url} in a browser"
    ]


def test_another_page_in_the_same_browser_cannot_drive_the_dashboard(served: Served) -> None:
    """The attack of issue 19, from a page on another port of 127.0.0.1: same site, so the
    browser even sends the SameSite=Strict cookie; the Origin check refuses it."""
    from playwright.sync_api import sync_playwright

    with (
        other_site({"/": hostile_page(served.port)}) as evil_port,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport=VIEWPORT)
            page = context.new_page()
            page.goto(served.printed_url)
            page.wait_for_selector("body.-first-byte", timeout=60_000)  # the user's own tab
            hostile = context.new_page()
            hostile.goto(f"http://127.0.0.1:{evil_port}/")
            hostile.wait_for_function("window.outcome !== undefined", timeout=60_000)
            outcome = hostile.evaluate("window.outcome")
        finally:
            browser.close()
    assert outcome == "refused"
    assert (
        f"miosa-tui serve: refused GET '/ws' from 127.0.0.1: Origin 'http://127.0.0.1:{evil_port}'"
        in served.output()
    )


def test_the_printed_url_works_from_a_link_on_another_site(served: Served) -> None:
    """A link clicked in a web chat or mail: the first request is cross-site, so the browser
    would not send the SameSite=Strict cookie on a plain redirect; serve's page reloads itself."""
    from playwright.sync_api import sync_playwright

    link = f'<!DOCTYPE html><a id="go" href="{served.printed_url}">dashboard</a>'
    with other_site({"/": link}) as site_port, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport=VIEWPORT).new_page()
            page.goto(f"http://localhost:{site_port}/")  # another site than 127.0.0.1
            page.click("#go")
            page.wait_for_selector("body.-first-byte", timeout=60_000)
            address_bar = page.url
        finally:
            browser.close()
    assert address_bar == served.base
