"""The real app in real terminal emulators: do the desktop pictures show, and resemble the desktop?

Marked `realterm` (excluded by default; `.ci/run` runs `pytest -m realterm`). Each case starts a
virtual X display (Xvfb), a simulator in this process, and `python -m miosa_tui` against it in
xterm started as a VT340 (sixel) or in kitty, with one image renderer. It presses keys with
xdotool, takes X screenshots of the terminal window with ImageMagick's `import`, and checks from
the pixels that the picture is there in the dashboard's desktop pane, in the region selector
(before and after Enter) and on the wall.

"There" means it resembles the PNG the simulator served for that view: the box where the picture
belongs is cut out of the screenshot, both are scaled to the same small grid of grey levels, and
their correlation must exceed CORRELATION. Lit pixels alone would not do: kitty 0.26 draws a grid
of empty placeholder boxes for textual-image's TGP pictures, which light the box too, and a case
here checks that those boxes fail the comparison.

Where the picture belongs is measured, not guessed: the same app is laid out headless (Pilot) at
the terminal's size and cell size, and the picture widget's cells are read from that layout.

The app's screen changes at its own pace on a shared 2-core machine, so every check polls the
screenshot until it matches or a generous limit passes. On failure the screenshots are kept and
the message says where.
"""

from __future__ import annotations

import io
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.realterm

COLS, ROWS = 160, 48
FONT = ("-fa", "DejaVu Sans Mono", "-fs", "9")
CORRELATION = 0.7  # grey-level correlation that counts as "the same picture"
GRID = (32, 20)  # both pictures are compared at this size
LIMIT = 90.0  # seconds to wait for a view to show (a hang is the failure, not slowness)
TOOLS = ("Xvfb", "xterm", "import", "xdotool")
KEEP = Path(os.environ.get("MIOSA_REALTERM_SHOTS", tempfile.gettempdir())) / "miosa-realterm"


def _missing(tools: tuple[str, ...]) -> list[str]:
    return [tool for tool in tools if shutil.which(tool) is None]


if _missing(TOOLS):
    pytest.skip(
        f"real-terminal tools missing: {', '.join(_missing(TOOLS))} "
        "(apt-get install xvfb xterm imagemagick xdotool)",
        allow_module_level=True,
    )

from PIL import Image  # noqa: E402
from textual.geometry import Region as Cells  # noqa: E402

from miosa_tui.fleet.region import Region  # noqa: E402
from miosa_tui.sim.config import SimConfig  # noqa: E402
from miosa_tui.sim.server import SimServer  # noqa: E402
from miosa_tui.ui.screens.region_select import draw_selection  # noqa: E402

# -- pictures ---------------------------------------------------------------------------------


def grey_grid(picture: Image.Image) -> list[float]:
    return [float(v) for v in picture.convert("L").resize(GRID, Image.Resampling.BOX).tobytes()]


def correlation(a: Image.Image, b: Image.Image) -> float:
    """Pearson correlation of the grey levels of `a` and `b` scaled to GRID (0 when flat)."""
    x, y = grey_grid(a), grey_grid(b)
    mx, my = sum(x) / len(x), sum(y) / len(y)
    sxy = sum((p - mx) * (q - my) for p, q in zip(x, y, strict=True))
    sxx = sum((p - mx) ** 2 for p in x)
    syy = sum((q - my) ** 2 for q in y)
    if sxx == 0 or syy == 0:
        return 0.0
    return sxy / math.sqrt(sxx * syy)


def test_the_comparison_tells_a_desktop_from_boxes_and_from_black(sim: SimServer) -> None:
    """The measure itself: a scaled copy passes; black, a flat grey and a grid of boxes fail."""
    desktop = fetch_png(sim, f"/api/v1/computers/{first_tile(sim)}/desktop/screenshot")
    assert correlation(desktop, desktop.resize((456, 285))) > 0.95
    boxes = Image.new("L", desktop.size, 0)
    for x in range(0, desktop.width, 16):
        for y in range(0, desktop.height, 30):
            boxes.paste(200, (x + 1, y + 1, x + 15, y + 29))
            boxes.paste(0, (x + 3, y + 3, x + 13, y + 27))
    assert correlation(desktop, boxes) < CORRELATION
    assert correlation(desktop, Image.new("RGB", desktop.size)) < CORRELATION


# -- the simulator ----------------------------------------------------------------------------

API_KEY = "msk_sim_local"
# Still desktops: a living desktop moves between the reference fetch and the X screenshot
# (focus, a closed window), which a half-block picture cannot out-resolve (0.67 seen in CI).
SIM_CONFIG = SimConfig(fleet=12, seed=7, speed=1.0, still_desktops=True)


@pytest.fixture(scope="module")
def sim() -> Iterator[SimServer]:
    """The simulator the app in the terminal talks to (the layout runs get their own)."""
    server = SimServer(SIM_CONFIG)
    server.start()
    yield server
    server.stop()


def fetch_png(sim: SimServer, path: str, query: dict[str, Any] | None = None) -> Image.Image:
    response = httpx.get(
        sim.root_url + path,
        params=query or {},
        headers={"Authorization": f"Bearer {API_KEY}"},
        timeout=30,
    )
    response.raise_for_status()
    picture = Image.open(io.BytesIO(response.content))
    picture.load()
    return picture.convert("RGB")


def sim_requests(sim: SimServer) -> list[dict[str, Any]]:
    requests: list[dict[str, Any]] = httpx.get(sim.root_url + "/_sim/requests", timeout=30).json()
    return requests


def screenshot_requests(sim: SimServer) -> list[dict[str, Any]]:
    return [r for r in sim_requests(sim) if "screenshot" in str(r.get("path", ""))]


def region_of(request: dict[str, Any]) -> dict[str, Any]:
    """The region fields of a screenshot request (query or JSON body); {} for the full desktop."""
    values = dict(request.get("query") or {})
    if isinstance(request.get("json"), dict):
        values.update(request["json"])
    return {k: values[k] for k in ("x", "y", "width", "height") if k in values}


def first_tile(sim: SimServer) -> str:
    """The id of the wall's first tile: running computers by name (WallScreen's order)."""
    computers = httpx.get(sim.root_url + "/_sim/computers", timeout=30).json()["data"]
    running = [c for c in computers if c["status"] == "running"]
    return str(min(running, key=lambda c: (c["name"].casefold(), c["id"]))["id"])


# -- the terminal -----------------------------------------------------------------------------


@dataclass
class Terminal:
    display: str
    window: str
    process: subprocess.Popen[bytes]
    cell: tuple[int, int]
    shots: Path

    def key(self, *keys: str) -> None:
        for name in keys:
            subprocess.run(
                ["xdotool", "key", "--window", self.window, name],
                env=self._env(),
                check=False,
                capture_output=True,
            )

    def screenshot(self, label: str) -> Image.Image:
        path = self.shots / f"{label}.png"
        subprocess.run(
            ["import", "-window", self.window, str(path)],
            env=self._env(),
            check=True,
            capture_output=True,
            timeout=60,
        )
        picture = Image.open(path)
        picture.load()
        return picture.convert("RGB")

    def crop(self, picture: Image.Image, cells: Cells) -> Image.Image:
        w, h = self.cell
        return picture.crop((cells.x * w, cells.y * h, cells.right * w, cells.bottom * h))

    def _env(self) -> dict[str, str]:
        return {**os.environ, "DISPLAY": self.display}


@pytest.fixture(scope="module")
def display() -> Iterator[str]:
    """A private virtual X display (Xvfb picks a free number and tells us)."""
    read, write = os.pipe()
    xvfb = subprocess.Popen(
        [
            "Xvfb",
            "-displayfd",
            str(write),
            "-screen",
            "0",
            "1600x1000x24",
            "-nolisten",
            "tcp",
            "-noreset",
        ],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    number = b""
    with os.fdopen(read, "rb") as pipe:
        while not number.endswith(b"\n"):
            chunk = pipe.read(1)
            if not chunk:
                break
            number += chunk
    if not number.strip():
        xvfb.kill()
        pytest.skip("Xvfb did not start")
    name = f":{int(number)}"
    deadline = time.monotonic() + LIMIT
    while time.monotonic() < deadline:  # wait until it takes clients
        ready = subprocess.run(
            ["xdotool", "getdisplaygeometry"],
            env={**os.environ, "DISPLAY": name},
            capture_output=True,
            check=False,
        )
        if ready.returncode == 0:
            break
        time.sleep(0.5)
    yield name
    xvfb.terminate()
    xvfb.wait(timeout=30)


def app_command(sim: SimServer, renderer: str, home: Path) -> list[str]:
    return [
        "env",
        f"MIOSA_API_KEY={API_KEY}",
        f"MIOSA_BASE_URL={sim.base_url}",
        f"MIOSA_TUI_IMAGE_RENDERER={renderer}",
        f"HOME={home}",
        f"XDG_CONFIG_HOME={home / 'config'}",
        f"XDG_STATE_HOME={home / 'state'}",
        f"XDG_DATA_HOME={home / 'data'}",
        sys.executable,
        "-m",
        "miosa_tui",
    ]


def start_terminal(
    display: str, emulator: str, sim: SimServer, renderer: str, home: Path, label: str
) -> Terminal:
    name = f"miosart{os.getpid()}{label.replace('-', '')}"
    command = app_command(sim, renderer, home)
    env = {**os.environ, "DISPLAY": display, "LIBGL_ALWAYS_SOFTWARE": "1"}
    if emulator == "xterm":
        argv = [
            "xterm", "-ti", "vt340", "-b", "0", "-name", name,
            "-geometry", f"{COLS}x{ROWS}+0+0", *FONT,
            "-xrm", "XTerm*decTerminalID: vt340",
            "-xrm", "XTerm*numColorRegisters: 256",
            "-xrm", "XTerm*allowSendEvents: true",
            "-e", *command,
        ]  # fmt: skip
    else:
        argv = [
            "kitty", "--name", name, "--class", name,
            "-o", f"initial_window_width={COLS}c", "-o", f"initial_window_height={ROWS}c",
            "-o", "remember_window_size=no", "-o", "window_padding_width=0",
            "-o", "placement_strategy=top-left", "-o", "font_size=9",
            *command,
        ]  # fmt: skip
    shots = KEEP / label
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)
    log = (shots / f"{emulator}.log").open("wb")
    process = subprocess.Popen(argv, env=env, stdout=log, stderr=log, cwd=home)
    window = ""
    deadline = time.monotonic() + LIMIT
    while not window and time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"{emulator} exited with {process.returncode} before showing a window "
                f"(its output: {shots / (emulator + '.log')})"
            )
        found = subprocess.run(
            ["xdotool", "search", "--onlyvisible", "--classname", name],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        window = found.stdout.split()[0] if found.stdout.split() else ""
        if not window:
            time.sleep(0.5)
    if not window:
        process.kill()
        pytest.fail(f"no {emulator} window appeared within {LIMIT:g} s")
    geometry = subprocess.run(
        ["xdotool", "getwindowgeometry", "--shell", window],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    size = dict(line.split("=", 1) for line in geometry.split() if "=" in line)
    cell = (int(size["WIDTH"]) // COLS, int(size["HEIGHT"]) // ROWS)
    return Terminal(display, window, process, cell, shots)


# -- where the pictures are: the same app laid out headless --------------------------------


async def layout(renderer: str, cell: tuple[int, int]) -> dict[str, Cells]:
    """Cell regions of the picture widgets at COLSxROWS with this cell size: 'pane', 'region',
    'region-pane' (after Enter) and 'tile' (the wall's first tile), laid out headless on a
    simulator of its own with the same fleet (so its requests never mix with the app's)."""
    from textual_image._terminal import CellSize, get_cell_size
    from ui_helpers import make_app, side_panes, wait_for

    from miosa_tui.ui.screens.region_select import RegionSelectScreen
    from miosa_tui.ui.screens.wall import WallScreen

    saved = getattr(get_cell_size, "_result", None)
    get_cell_size._result = CellSize(*cell)  # type: ignore[attr-defined]
    found: dict[str, Cells] = {}
    sim = SimServer(SIM_CONFIG)
    sim.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            app = make_app(sim, Path(tmp), image_renderer=renderer)
            async with app.run_test(size=(COLS, ROWS)) as pilot:
                pane = (await side_panes(pilot, app)).desktop
                await wait_for(pilot, lambda: pane.shot is not None, "the first desktop")
                await pilot.pause(0.3)
                found["pane"] = pane.query_one("#desktop-image").region
                await pilot.press("x")
                await wait_for(pilot, lambda: isinstance(app.screen, RegionSelectScreen))
                image = app.screen.query_one("#region-image")
                await wait_for(pilot, lambda: image.region.area > 0, "the region picture")
                await pilot.pause(0.3)
                found["region"] = image.region
                await pilot.press("enter")
                await wait_for(pilot, lambda: pane.shot is not None and pane.shot.region)
                await pilot.pause(0.3)
                found["region-pane"] = pane.query_one("#desktop-image").region
                await pilot.press("w")
                await wait_for(pilot, lambda: isinstance(app.screen, WallScreen))
                wall = app.screen
                assert isinstance(wall, WallScreen)
                await wait_for(pilot, lambda: bool(wall.tiles) and wall.tiles[0].refreshed > 0)
                await pilot.pause(0.3)
                found["tile"] = wall.tiles[0].query_one(".wall-image").region
    finally:
        sim.stop()
        if saved is None:
            del get_cell_size._result  # type: ignore[attr-defined]
        else:
            get_cell_size._result = saved  # type: ignore[attr-defined]
    return found


# -- the checks -------------------------------------------------------------------------------


def wait_for_picture(
    term: Terminal, cells: Cells, reference: Image.Image, label: str, *, expect: bool = True
) -> float:
    """Poll screenshots until the box `cells` resembles `reference` (or, with expect=False,
    until the limit, asserting it never did). Returns the best correlation seen."""
    best = -1.0
    deadline = time.monotonic() + (LIMIT if expect else LIMIT / 4)
    attempt = 0
    while time.monotonic() < deadline:
        attempt += 1
        shot = term.screenshot(f"{label}-{attempt:02d}")
        best = max(best, correlation(term.crop(shot, cells), reference))
        print(f"{label}: attempt {attempt}, correlation {best:.2f}")
        if expect and best > CORRELATION:
            return best
        if not expect and best > CORRELATION:
            break
        time.sleep(1.0)
    reference.save(term.shots / f"{label}-expected.png")
    if expect:
        pytest.fail(
            f"{label}: the picture at cells {cells} never resembled the desktop the simulator "
            f"served (best correlation {best:.2f}, need > {CORRELATION}); "
            f"screenshots kept in {term.shots}"
        )
    assert best <= CORRELATION, (
        f"{label}: expected no resemblance but got {best:.2f}; screenshots in {term.shots}"
    )
    return best


def wait_for_request(sim: SimServer, *, region: bool, after: int = 0) -> Image.Image:
    """The PNG of the app's latest full-desktop (or region) screenshot request after the
    first `after` requests, fetched again from the simulator."""
    deadline = time.monotonic() + LIMIT
    while time.monotonic() < deadline:
        requests = screenshot_requests(sim)[after:]
        matching = [r for r in requests if bool(region_of(r)) == region and r.get("status") == 200]
        if matching:
            request = matching[-1]
            values = region_of(request)
            if not values:
                return fetch_png(sim, str(request["path"]))
            computer = str(request["path"]).split("/computers/", 1)[1].split("/", 1)[0]
            return fetch_png(sim, f"/api/v1/computers/{computer}/screenshot", values)
        time.sleep(0.5)
    raise AssertionError(f"the app made no {'region' if region else 'desktop'} request")


CASES = [
    # (label, emulator, renderer setting, what it draws with there)
    ("xterm-sixel", "xterm", "sixel", "sixel"),
    ("xterm-halfcell", "xterm", "halfcell", "halfcell"),
    ("xterm-auto", "xterm", "auto", "sixel"),
    ("kitty-auto", "kitty", "auto", "halfcell-or-tgp"),
]


def kitty_usable(display: str) -> str | None:
    """None when kitty opens a window under Xvfb with software GL; else why not."""
    if shutil.which("kitty") is None:
        return "kitty is not installed (apt-get install kitty)"
    env = {**os.environ, "DISPLAY": display, "LIBGL_ALWAYS_SOFTWARE": "1"}
    try:
        done = subprocess.run(
            ["kitty", "--", "sh", "-c", "exit 0"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return "kitty did not start within 60 s under Xvfb"
    if done.returncode != 0:
        return f"kitty does not start under Xvfb with LIBGL_ALWAYS_SOFTWARE=1: {done.stderr[-300:]}"
    return None


def kitty_version() -> tuple[int, ...]:
    from miosa_tui.ui.terminal_probe import version_tuple

    text = subprocess.run(["kitty", "--version"], capture_output=True, text=True).stdout
    return version_tuple(text.split()[1]) if len(text.split()) > 1 else ()


@pytest.mark.parametrize(
    ("label", "emulator", "setting", "draws"), CASES, ids=[c[0] for c in CASES]
)
async def test_pictures_show_in_a_real_terminal(
    display: str,
    sim: SimServer,
    tmp_path: Path,
    label: str,
    emulator: str,
    setting: str,
    draws: str,
) -> None:
    if emulator == "kitty" and (why := kitty_usable(display)):
        pytest.skip(why)
    if draws == "halfcell-or-tgp":
        draws = "tgp" if kitty_version() >= (0, 28, 0) else "halfcell"
    before = len(screenshot_requests(sim))
    term = start_terminal(display, emulator, sim, setting, tmp_path, label)
    try:
        where = await layout(draws, term.cell)
        # the dashboard: the highlighted computer's desktop in the pane
        desktop = wait_for_request(sim, region=False, after=before)
        wait_for_picture(term, where["pane"], desktop, f"{label}-dashboard")
        # region select: the same desktop, full screen, with the selection drawn in (the
        # default selection: the centre quarter)
        term.key("x")
        selected = draw_selection(desktop, Region(250, 250, 500, 500))
        wait_for_picture(term, where["region"], selected, f"{label}-region-select")
        # Enter: the region, fetched at full resolution, in the pane
        count = len(screenshot_requests(sim))
        term.key("Return")
        region = wait_for_request(sim, region=True, after=count)
        wait_for_picture(term, where["region-pane"], region, f"{label}-region")
        # the wall: the first tile shows its computer's desktop
        term.key("w")
        tile = fetch_png(sim, f"/api/v1/computers/{first_tile(sim)}/desktop/screenshot")
        wait_for_picture(term, where["tile"], tile, f"{label}-wall")
        term.key("Escape")
    finally:
        term.process.terminate()
        try:
            term.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            term.process.kill()


async def test_kitty_placeholder_boxes_fail_the_comparison(
    display: str, sim: SimServer, tmp_path: Path
) -> None:
    """The negative control: kitty < 0.28 draws textual-image's TGP pictures as empty boxes.
    Forced to `tgp` there, the pane must NOT resemble the desktop (it does not show it)."""
    if why := kitty_usable(display):
        pytest.skip(why)
    if kitty_version() >= (0, 28, 0):
        pytest.skip("this kitty draws Unicode placeholders, so there are no empty boxes to see")
    before = len(screenshot_requests(sim))
    term = start_terminal(display, "kitty", sim, "tgp", tmp_path, "kitty-tgp-boxes")
    try:
        where = await layout("sixel", term.cell)  # the same cells as tgp; writes no escapes
        desktop = wait_for_request(sim, region=False, after=before)
        # First the boxes, however long a busy machine takes to draw them (CI once took more
        # than the comparison's whole window after the full suite), then the comparison.
        deadline = time.monotonic() + LIMIT
        attempt, bright = 0, 0.0
        while bright <= 0.05 and time.monotonic() < deadline:
            attempt += 1
            lit = term.crop(term.screenshot(f"kitty-tgp-lit-{attempt:02d}"), where["pane"])
            grey = lit.convert("L").tobytes()
            bright = sum(1 for v in grey if v > 20) / len(grey)
            if bright <= 0.05:
                time.sleep(1.0)
        assert bright > 0.05, (
            "kitty drew nothing at all: the boxes this case is about are gone; "
            f"screenshots kept in {term.shots}"
        )
        wait_for_picture(term, where["pane"], desktop, "kitty-tgp", expect=False)
    finally:
        term.process.terminate()
        term.process.wait(timeout=30)
