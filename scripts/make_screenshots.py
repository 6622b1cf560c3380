#!/usr/bin/env python
"""Regenerate screenshots/*.svg: the main screens of the real app on the embedded simulator.

    python scripts/make_screenshots.py [--out screenshots] [--png]

Each scene gets a fresh simulator (seed 7, 12 computers, clock frozen at FROZEN_TIME, so every
desktop shows the same time) and a fresh app driven by Pilot key presses, as a user would.
Halfcell images are forced, as in the tests. Afterwards every SVG is checked for secrets: the API
key used, every computer's VNC password and any stream token issued; the script exits 1 if one
appears. `--png` also writes PNGs with rsvg-convert (for looking at them; not committed).

Ages ("3d") and the journal's times still come from the real clock.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

os.environ["MIOSA_TUI_IMAGE_RENDERER"] = "halfcell"  # before textual-image is imported

import httpx
from textual.coordinate import Coordinate
from textual.pilot import Pilot

from miosa_tui.api.settings import ApiSettings
from miosa_tui.backend import Backend
from miosa_tui.config import load_config
from miosa_tui.sim.config import SimConfig
from miosa_tui.sim.server import SimServer
from miosa_tui.ui.app import MiosaApp
from miosa_tui.ui.widgets.computer_table import ComputerTable

SIZE = (160, 45)
FROZEN_TIME = "2026-11-28T12:00:00Z"
API_KEY = "msk_u_screenshots_5e3d"
ROOT = Path(__file__).resolve().parent.parent

Scene = Callable[[Pilot[Any], MiosaApp], Awaitable[None]]


async def wait_until(pilot: Pilot[Any], predicate: Callable[[], Any], what: str) -> None:
    for _ in range(400):
        if predicate():
            return
        await pilot.pause(0.05)
    raise SystemExit(f"make_screenshots: gave up waiting for {what}")


def table(app: MiosaApp) -> ComputerTable:
    return app.dashboard.query_one(ComputerTable)


def pane(app: MiosaApp) -> Any:
    return app.dashboard.query_one("#desktop")


async def ready(pilot: Pilot[Any], app: MiosaApp) -> None:
    """The fleet is loaded and the highlighted computer's desktop is drawn."""
    await wait_until(
        pilot,
        lambda: (
            table(app).row_count == 12
            and not any(c.is_transitional for c in app.fleet.computers.values())
        ),
        "the fleet",
    )
    await desktop_drawn(pilot, app)


async def desktop_drawn(pilot: Pilot[Any], app: MiosaApp) -> None:
    cid = table(app).highlighted_id

    def drawn() -> bool:
        shot = getattr(pane(app), "shot", None)
        return shot is not None and shot.computer_id == cid

    await wait_until(pilot, drawn, "the desktop picture")
    await pilot.pause(0.3)


async def go_to_row(pilot: Pilot[Any], app: MiosaApp, predicate: Callable[[Any], bool]) -> str:
    """Arrow down to the first row whose computer matches, like a user."""
    t = table(app)
    t.focus()
    ids = [
        t.coordinate_to_cell_key(Coordinate(row, 0))[0].value or "" for row in range(t.row_count)
    ]
    target = next(i for i, cid in enumerate(ids) if predicate(app.fleet.computers[cid]))
    while t.cursor_row < target:
        await pilot.press("down")
    await pilot.pause()
    return ids[target]


# -- scenes ------------------------------------------------------------------------------------


async def dashboard(pilot: Pilot[Any], app: MiosaApp) -> None:
    await ready(pilot, app)


async def details(pilot: Pilot[Any], app: MiosaApp) -> None:
    await ready(pilot, app)
    await go_to_row(
        pilot, app, lambda c: c.status == "running" and c.template_type != "miosa-desktop"
    )
    await pilot.press("i")
    await desktop_drawn(pilot, app)


async def region(pilot: Pilot[Any], app: MiosaApp) -> None:
    from miosa_tui.ui.screens.region_select import RegionSelectScreen

    await ready(pilot, app)
    pane(app).focus()
    await pilot.press("x")
    await wait_until(pilot, lambda: isinstance(app.screen, RegionSelectScreen), "region select")
    await pilot.pause(0.3)
    await pilot.press("right", "right", "down", "shift+left", "shift+up")
    await pilot.pause(0.5)


async def access(pilot: Pilot[Any], app: MiosaApp) -> None:
    await ready(pilot, app)
    await pilot.press("a")
    await pilot.pause(0.3)
    await pilot.press("t")  # issue a stream token: it must show masked
    await wait_until(pilot, lambda: getattr(access_panel(app), "_token", None), "a stream token")
    await pilot.pause(0.3)


async def destroy(pilot: Pilot[Any], app: MiosaApp) -> None:
    from miosa_tui.ui.screens.confirm import ConfirmActionDialog

    await ready(pilot, app)
    await pilot.press("d")
    await wait_until(pilot, lambda: isinstance(app.screen, ConfirmActionDialog), "the dialog")
    await pilot.pause(0.3)


async def help_screen(pilot: Pilot[Any], app: MiosaApp) -> None:
    from miosa_tui.ui.screens.help import HelpScreen

    await ready(pilot, app)
    await pilot.press("question_mark")
    await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help screen")
    await pilot.pause(0.3)


async def journal(pilot: Pilot[Any], app: MiosaApp) -> None:
    await ready(pilot, app)
    cid = await go_to_row(pilot, app, lambda c: c.status == "stopped")
    await pilot.press("s")
    await wait_until(
        pilot,
        lambda: len(app.journal) >= 1 and app.fleet.computers[cid].status == "running",
        "the start to settle",
    )
    await desktop_drawn(pilot, app)
    await pilot.press("j")
    await pilot.pause(0.5)


async def wall(pilot: Pilot[Any], app: MiosaApp) -> None:
    from miosa_tui.ui.screens.wall import WallScreen

    await ready(pilot, app)
    await pilot.press("w")
    if not isinstance(app.screen, WallScreen):
        pane(app).focus()
        await pilot.press("w")
    await wait_until(pilot, lambda: isinstance(app.screen, WallScreen), "the wall")
    await pilot.pause(8.0)  # thumbnails arrive one by one


async def triage(pilot: Pilot[Any], app: MiosaApp) -> None:
    """A computer breaks, another hangs while stopping; `!` shows only them, Details says why."""
    from miosa_tui.fleet.history import HistoryEvent
    from miosa_tui.fleet.problems import ProblemRules

    await ready(pilot, app)
    # A scene cannot wait the default two minutes for "stuck": allow stopping 2 s here.
    app.triage.rules = ProblemRules.from_settings({"stuck_stopping": 2.0})
    running = [c for c in app.fleet.computers.values() if c.status == "running"]
    root = app.backend.settings.base_url.rsplit("/api/", 1)[0]
    with httpx.Client(base_url=f"{root}/_sim", timeout=10) as sim:
        sim.post(f"/computers/{running[1].id}/status", json={"status": "stopping"})
        sim.post(f"/computers/{running[2].id}/status", json={"status": "error"})
    # What a script did an hour ago, as the previous on-call left it in the history.
    assert app.triage.history is not None
    app.triage.history.write(
        [
            HistoryEvent(
                datetime.now(UTC) - timedelta(hours=1),
                "action",
                running[2].id,
                running[2].name,
                "restart",
                "unknown outcome",
                message="The connection dropped before the API answered.",
                request_id="req_5f1c0a9e2b7d4c11",
                source="cli",
                scope="simulator",
            )
        ]
    )
    await pilot.press("ctrl+r")
    await wait_until(pilot, lambda: len(app.triage.problems) >= 3, "the new problems")
    await pilot.press("exclamation_mark")
    await wait_until(pilot, lambda: table(app).row_count == len(app.triage.problems), "filter")
    await go_to_row(pilot, app, lambda c: c.id == running[2].id)
    await pilot.press("i")
    await wait_until(
        pilot,
        lambda: "req_5f1c0a9e2b7d4c11" in str(app.dashboard.query_one("#timeline").render()),
        "the timeline",
    )
    await pilot.pause(0.5)


SCENES: dict[str, Scene] = {
    "dashboard": dashboard,
    "details": details,
    "region-select": region,
    "access": access,
    "destroy-dialog": destroy,
    "help": help_screen,
    "journal": journal,
    "wall": wall,
    "triage": triage,
}


def access_panel(app: MiosaApp) -> Any:
    return app.dashboard.query_one("#access")


# -- running and checking ---------------------------------------------------------------------


async def shoot(name: str, scene: Scene, out: Path, secrets: set[str], workdir: Path) -> Path:
    config = SimConfig(fleet=12, seed=7, speed=20.0, frozen_time=FROZEN_TIME)
    with SimServer(config) as server:
        base_url = server.start()
        settings = ApiSettings(api_key=API_KEY, base_url=base_url)
        secrets.update(vnc_passwords(base_url))
        cfg = load_config(environ={}, path=workdir / f"{name}.toml")
        os.environ["MIOSA_TUI_STATE_DIR"] = str(workdir / f"{name}-state")  # not the user's
        cfg.set("image_renderer", "halfcell", "make_screenshots")
        app = MiosaApp(
            backend=Backend(settings=settings, simulated=True), config=cfg, poll_interval=5.0
        )
        async with app.run_test(size=SIZE) as pilot:
            await scene(pilot, app)
            token = getattr(access_panel(app), "_token", None)
            if token is not None:
                secrets.add(token.token)
            path = Path(app.save_screenshot(filename=f"{name}.svg", path=str(out)))
    print(f"  {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return path


def vnc_passwords(base_url: str) -> set[str]:
    headers = {"Authorization": f"Bearer {API_KEY}"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=10) as client:
        ids = [c["id"] for c in client.get("/computers", params={"per_page": 100}).json()["data"]]
        found = set()
        for cid in ids:
            response = client.get(f"/computers/{cid}/vnc-credentials")
            if response.status_code == 200 and response.json().get("password"):
                found.add(response.json()["password"])
    return found


def svg_text(svg: str) -> str:
    """The characters an SVG shows, joined (a secret split over several <text> runs still shows)."""
    runs = re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)
    return "".join(html.unescape(re.sub(r"<[^>]+>", "", run)) for run in runs).replace("\xa0", " ")


def leaked(paths: list[Path], secrets: set[str]) -> list[str]:
    problems = []
    for path in paths:
        raw = path.read_text(encoding="utf-8")
        text = svg_text(raw)
        for secret in sorted(s for s in secrets if s):
            if secret in raw or secret in text:
                problems.append(f"{path.name} shows a secret ({secret[:4]}…)")
    return problems


def to_png(paths: list[Path]) -> None:
    if not shutil.which("rsvg-convert"):
        print("make_screenshots: rsvg-convert not found; no PNGs written", file=sys.stderr)
        return
    for path in paths:
        subprocess.run(["rsvg-convert", str(path), "-o", str(path.with_suffix(".png"))], check=True)


async def main_async(out: Path, only: list[str]) -> list[Path]:
    secrets = {API_KEY}
    paths = []
    with tempfile.TemporaryDirectory() as workdir:
        for name, scene in SCENES.items():
            if only and name not in only:
                continue
            paths.append(await shoot(name, scene, out, secrets, Path(workdir)))
    problems = leaked(paths, secrets)
    if problems:
        for problem in problems:
            print(f"make_screenshots: {problem}", file=sys.stderr)
        raise SystemExit(1)
    print(f"no secrets in {len(paths)} SVGs ({len(secrets)} checked)")
    return paths


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    parser.add_argument("--png", action="store_true", help="also write PNGs (rsvg-convert)")
    parser.add_argument("scenes", nargs="*", help=f"only these: {', '.join(SCENES)}")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    paths = asyncio.run(main_async(args.out, args.scenes))
    if args.png:
        to_png(paths)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
