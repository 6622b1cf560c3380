"""Browser end to end: `miosa-tui serve --demo` driven by headless Chromium through Playwright.

It opens the page, presses keys in xterm.js, copies the Access panel's selected entry (`a`
then `y`) and reads the browser clipboard, takes a screenshot, and stops the server with Ctrl+C.
xterm.js draws on a canvas (no terminal text in the DOM), so the clipboard is the assertion.

Marked `e2e` and left out of the default `pytest` run (it needs Chromium and takes ~10 s):
run it with `pytest -m e2e tests/test_serve_e2e.py`. It skips, saying why, when Chromium,
Playwright or textual-serve is missing. Set MIOSA_E2E_ARTIFACTS=DIR to keep the screenshot.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from miosa_tui.api.links import public_url
from miosa_tui.api.models import Computer
from miosa_tui.sim.config import SimConfig
from miosa_tui.sim.server import SimServer

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
VIEWPORT = {"width": 1400, "height": 900}


def missing() -> str | None:
    """Why the test cannot run here, or None."""
    if not os.path.exists(CHROMIUM):
        return f"chromium not found at {CHROMIUM} (apt-get install -y chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "playwright is not installed (pip install playwright)"
    if importlib.util.find_spec("textual_serve") is None:
        return "textual-serve is not installed (pip install 'miosa-tui[web]')"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_port(port: int, process: subprocess.Popen[bytes], deadline: float) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"miosa-tui serve exited early with {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"nothing listened on port {port}")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes], Path]]:
    reason = missing()
    if reason:
        pytest.skip(reason)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MIOSA_")}
    env["MIOSA_TUI_CONFIG"] = str(tmp_path / "none.toml")
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "miosa_tui", "serve", "--demo", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,  # its own process group: the app children die with it
        )
    try:
        wait_for_port(port, process, time.monotonic() + 60)
        yield f"http://127.0.0.1:{port}", process, log
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        else:
            # The app subprocesses may outlive a server that stopped.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)


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


def test_browser_shows_the_dashboard_and_copies_to_the_clipboard(
    served: tuple[str, subprocess.Popen[bytes], Path], tmp_path: Path
) -> None:
    from PIL import Image
    from playwright.sync_api import sync_playwright

    url, process, log = served
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
            context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
            page = context.new_page()
            page.goto(f"{url}/?fontsize=12")
            page.wait_for_selector("body.-first-byte", timeout=60_000)
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

    assert copied in fleet_public_urls(), copied
    with Image.open(shot) as image:
        assert image.size == (VIEWPORT["width"], VIEWPORT["height"])
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20) or []
        assert len(colours) > 50  # a drawn dashboard, not a blank page
    artifacts = os.environ.get("MIOSA_E2E_ARTIFACTS")
    if artifacts:
        Path(artifacts).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(artifacts) / "serve-e2e.png")

    process.send_signal(signal.SIGINT)  # Ctrl+C stops the server cleanly
    assert process.wait(timeout=30) == 0
    text = log.read_text(errors="replace")
    assert "--image-renderer halfcell" in text
    assert "Traceback" not in text
