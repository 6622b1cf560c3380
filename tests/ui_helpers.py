"""Shared helpers for the dashboard UI tests (no tests in here).

`make_app` builds the real MiosaApp against a running simulator (`loaded_app` runs it under the
Pilot with its table filled); `wait_for` pumps the event loop until a condition holds (never a
timing assertion: the limit only stops a hung test); `Sim` reads and steers the simulator over
its /_sim control routes (the `ctl` fixture in conftest.py); `screen_text` is what the terminal
shows, modal dialogs included, and `drawn_toasts` the toasts on it.
"""

from __future__ import annotations

import contextlib
import unicodedata
from collections.abc import AsyncIterator, Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import httpx
from textual import events
from textual.app import App
from textual.geometry import Region
from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Static
from textual.widgets._toast import Toast

from miosa_tui.api.computers import MiosaClient
from miosa_tui.api.settings import ApiSettings
from miosa_tui.backend import Backend
from miosa_tui.config import load_config
from miosa_tui.sim.server import SimServer
from miosa_tui.ui.app import MiosaApp
from miosa_tui.ui.screens.dashboard import DashboardScreen
from miosa_tui.ui.widgets.computer_table import ComputerTable
from miosa_tui.ui.widgets.details import DetailsPanel
from miosa_tui.ui.widgets.fleet_header import FleetHeader
from miosa_tui.ui.widgets.side_panes import SidePanes

T = TypeVar("T")

API_KEY = "msk_u_test_0000"
SIZE = (160, 48)
MUTATING = ("POST", "PATCH", "PUT", "DELETE")
# `SIM_OPTIONS = SMALL_DESKTOPS` in a test module: its `sim` (tests/conftest.py) paints small
# desktops. For tests that never look at the pictures: smaller PNGs keep the CPU (and so every
# key press in Pilot) quick.
SMALL_DESKTOPS = {"width": 320, "height": 200}


def make_app(
    sim: SimServer,
    tmp_path: Path,
    *,
    poll_interval: float = 0.5,
    read_only: bool = False,
    clock: Callable[[], float] | None = None,
    early_listing: bool = False,
    **settings: Any,
) -> MiosaApp:
    """The app as `miosa-tui` builds it, on `sim`, with no config file and no environment."""
    config = load_config(environ={}, path=tmp_path / "none.toml")
    if read_only:
        config.set("read_only", True, "test")
    for name, value in settings.items():
        config.set(name, value, "test")
    backend = Backend(settings=ApiSettings(api_key=API_KEY, base_url=sim.base_url), simulated=True)
    if clock is not None:  # the app's monotonic clock (polls, pending actions, the header)
        return MiosaApp(backend, config, poll_interval=poll_interval, clock=clock)
    if early_listing:  # as `miosa-tui` does: the first listing under way before the app exists
        client = MiosaClient(backend.settings)
        client.start_listing()
        return MiosaApp(backend, config, poll_interval=poll_interval, client=client)
    return MiosaApp(backend=backend, config=config, poll_interval=poll_interval)


@contextlib.asynccontextmanager
async def loaded_app(
    sim: SimServer,
    tmp_path: Path,
    *,
    size: tuple[int, int] = SIZE,
    notifications: bool = False,
    rows: int = 12,
    **settings: Any,
) -> AsyncIterator[tuple[MiosaApp, Pilot[Any]]]:
    """`make_app(sim, tmp_path, **settings)` running under the Pilot, its table `loaded` with
    `rows` (the simulator's fleet). `notifications=True` draws toasts (Textual's run_test hides
    them by default)."""
    app = make_app(sim, tmp_path, **settings)
    async with app.run_test(size=size, notifications=notifications) as pilot:
        await loaded(pilot, app, rows)
        yield app, pilot


async def wait_for(
    pilot: Pilot[Any], predicate: Callable[[], Any], what: str = "condition", tries: int = 400
) -> None:
    """Pump `pilot.pause(0.05)` until `predicate()` is truthy (at most `tries` times: the limit
    only stops a hung test, it is not a timing assertion)."""
    for _ in range(tries):
        if predicate():
            return
        await pilot.pause(0.05)
    if not predicate():
        app = pilot.app
        journal = getattr(app, "journal", None)
        lines = [e.to_text() for e in journal.entries][-5:] if journal is not None else []
        raise AssertionError(
            f"gave up waiting for: {what}\nscreen {app.screen!r}\njournal {lines}\n"
            + "\n".join(s.text.rstrip() for s in app.screen._compositor.render_strips())
        )


async def open_screen(
    pilot: Pilot[Any], app: MiosaApp, key: str, screen: type[Screen[Any]], what: str
) -> None:
    """Press `key` and wait until a `screen` (a dialog, help...) is on top."""
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(app.screen, screen), what)


def count_fetches(app: MiosaApp) -> list[int]:
    """Wrap the dashboard poller's fetch; the list returned gets the poll count each time the
    poller asks for a listing (a paused poller asks once more and is held there)."""
    poller = app.dashboard.poller
    assert poller is not None
    asked: list[int] = []
    fetch = poller.fetch

    async def counting() -> Any:
        asked.append(poller.polls)
        return await fetch()

    poller.fetch = counting
    return asked


async def pump(pilot: Pilot[Any], times: int) -> None:
    """Let the app run for `times` short pauses (for "nothing happens" checks)."""
    for _ in range(times):
        await pilot.pause(0.05)


def key_event(key: str) -> events.Key:
    """The Key event a terminal sends for `key` ("a", "!", "enter", "ctrl+p"), built the way
    `Pilot.press` builds it."""
    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    original = REPLACED_KEYS.get(key, key)
    char: str | None
    try:
        char = unicodedata.lookup(_get_unicode_name_from_key(original))
    except KeyError:
        char = key if len(key) == 1 else None
    return events.Key(key, char)


async def burst(pilot: Pilot[Any], *keys: str) -> None:
    """Send keys back to back, as fast typing or a paste does, then wait for the app to idle.

    `Pilot.press` waits for idle after every key (slow with a live poller); typing is the same
    queue of Key events, just without the pauses. Use `press` for keys whose effect a test
    checks one by one.
    """
    driver = pilot.app._driver
    assert driver is not None
    for key in keys:
        event = key_event(key)
        event.set_sender(pilot.app)
        driver.send_message(event)
    await pilot.pause()


async def type_text(pilot: Pilot[Any], text: str) -> None:
    await burst(pilot, *text)


# -- reading the app ---------------------------------------------------------------------------


def dashboard(app: MiosaApp) -> DashboardScreen:
    return app.dashboard


def table(app: MiosaApp) -> ComputerTable:
    return app.dashboard.query_one(ComputerTable)


def header_text(app: MiosaApp) -> str:
    return app.dashboard.query_one(FleetHeader).header_text().plain


def row_ids(app: MiosaApp) -> list[str]:
    """Computer ids in the order the table shows them (from the DataTable's own rows)."""
    t = table(app)
    return [t.coordinate_to_cell_key((row, 0))[0].value or "" for row in range(t.row_count)]


def cell(app: MiosaApp, computer_id: str, column: str) -> str:
    value = table(app).get_cell(computer_id, column)
    return value.plain if hasattr(value, "plain") else str(value)


def highlighted(app: MiosaApp) -> str | None:
    return table(app).highlighted_id


def screen_text(app: MiosaApp) -> str:
    """Every line the terminal shows right now (the top screen, dialogs over the dashboard)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def region_text(app: MiosaApp, region: Region) -> str:
    """The part of the screen `region` covers."""
    lines = screen_text(app).splitlines()[region.y : region.bottom]
    return "\n".join(line[region.x : region.right] for line in lines)


def frames_painted(app: MiosaApp, read: Callable[[], T]) -> list[T]:
    """`read()` at the end of each paint of the dashboard from now on (what that paint left on
    the screen: read it from the compositor, e.g. `table_text`)."""
    frames: list[T] = []
    screen = app.dashboard
    paint = screen._compositor_refresh

    def painted() -> None:
        paint()
        frames.append(read())

    screen._compositor_refresh = painted  # type: ignore[method-assign]
    return frames


def details_drawn(app: MiosaApp) -> str:
    """The details pane's text as the screen shows it."""
    return region_text(app, app.dashboard.query_one(DetailsPanel).region)


def table_text(app: MiosaApp) -> str:
    """The part of the screen the computers table covers."""
    return region_text(app, table(app).region)


def drawn_toasts(app: App[Any]) -> list[str]:
    """The text each toast on screen draws (title first), oldest first, its wrapped lines joined
    with single spaces: what a user reads, not what notify() was given. A toast stacked off the
    top of the screen (or not laid out yet) is left out; one cut by the screen's edge reads as
    far as it shows. Toasts are drawn only under `run_test(notifications=True)`."""
    lines = [strip.text for strip in app.screen._compositor.render_strips()]
    texts = []
    for toast in app.screen.query(Toast):
        r = toast.region
        inside = (line[r.x : r.right].lstrip("▌") for line in lines[r.y : r.bottom])  # no border
        text = " ".join(" ".join(inside).split())
        if text:
            texts.append(text)
    return texts


def static_text(widget: Static) -> str:
    """The plain text a Static shows."""
    visual = widget.visual
    plain = getattr(visual, "plain", None)
    return plain if isinstance(plain, str) else str(widget.content)


async def loaded(pilot: Pilot[Any], app: MiosaApp, rows: int = 12) -> None:
    """Wait for the first poll to fill the table and settle every transitional status (the
    first listing landed: not only its first page shown, see DashboardScreen._listing_progress),
    and for the side panes, built once the first rows are painted
    (DashboardScreen._mount_side_panes)."""
    await wait_for(
        pilot,
        lambda: (
            app.fleet.last_success is not None
            and table(app).row_count == rows
            and not any(c.is_transitional for c in app.fleet.computers.values())
            and app.dashboard.side_panes is not None
        ),
        "the first poll",
    )


async def side_panes(pilot: Pilot[Any], app: MiosaApp) -> SidePanes:
    """The dashboard's side panes, once built (after the first rows are painted, or a moment
    after the dashboard opened: DashboardScreen._mount_side_panes)."""
    await wait_for(pilot, lambda: app.dashboard.side_panes is not None, "the side panes")
    side = app.dashboard.side_panes
    assert side is not None
    return side


async def highlight(pilot: Pilot[Any], app: MiosaApp, computer_id: str) -> None:
    """Move the cursor with the arrow keys, like a user holding one, onto `computer_id`."""
    t = table(app)
    t.focus()
    steps = t.get_row_index(computer_id) - t.cursor_row
    await burst(pilot, *(["down"] * steps if steps > 0 else ["up"] * -steps))
    await wait_for(pilot, lambda: highlighted(app) == computer_id, f"{computer_id} highlighted")


async def highlight_first(
    pilot: Pilot[Any], app: MiosaApp, status: str, skip: Iterable[str] = ()
) -> str:
    """Highlight the first row with `status` (see `first_with`) with the arrow keys; its id."""
    computer_id = first_with(app, status, skip)
    await highlight(pilot, app, computer_id)
    return computer_id


def first_with(app: MiosaApp, status: str, skip: Iterable[str] = ()) -> str:
    """The id of the first row (table order) whose computer has `status`."""
    skipped = set(skip)
    for cid in row_ids(app):
        computer = app.fleet.computers.get(cid)
        if computer is not None and computer.status == status and cid not in skipped:
            return cid
    raise AssertionError(f"no {status} computer in the table")


def shortest_named(app: MiosaApp, status: str) -> str:
    """The id of the computer with `status` and the shortest name (fewest keys to type)."""
    ids = [cid for cid in row_ids(app) if app.fleet.computers[cid].status == status]
    assert ids, f"no {status} computer in the table"
    return min(ids, key=lambda cid: (len(app.fleet.computers[cid].name), cid))


# -- the simulator -----------------------------------------------------------------------------


class Sim:
    """The simulator's control routes, read synchronously (it runs in its own thread)."""

    def __init__(self, server: SimServer) -> None:
        self.root = server.root_url
        self.http = httpx.Client(base_url=self.root, timeout=10.0)

    def close(self) -> None:
        self.http.close()

    def reset(self) -> None:
        self.http.post("/_sim/stats/reset").raise_for_status()

    def routes(self) -> dict[str, int]:
        response = self.http.get("/_sim/stats")
        response.raise_for_status()
        routes: dict[str, int] = response.json()["routes"]
        return routes

    def requests(self) -> list[dict[str, Any]]:
        response = self.http.get("/_sim/requests")
        response.raise_for_status()
        items: list[dict[str, Any]] = response.json()
        return items

    def sent(self, method: str, suffix: str = "", computer_id: str | None = None) -> list[Any]:
        """Logged requests with this method whose route ends with `suffix` (e.g. "/start")."""
        return [
            r
            for r in self.requests()
            if r["method"] == method
            and r["route"].endswith(suffix)
            and (computer_id is None or f"/computers/{computer_id}" in r["path"])
        ]

    def mutating(self) -> list[str]:
        """Route templates of every POST/PATCH/PUT/DELETE the API side received."""
        return [
            f"{route} x{count}"
            for route, count in self.routes().items()
            if route.split(" ", 1)[0] in MUTATING and count
        ]

    def list_count(self) -> int:
        return self.routes().get("GET /computers", 0)

    def computer(self, computer_id: str) -> dict[str, Any] | None:
        """The simulator's internal state of one computer; None once it is gone (404)."""
        response = self.http.get(f"/_sim/computers/{computer_id}")
        if response.status_code == 404:
            return None
        response.raise_for_status()
        data: dict[str, Any] = response.json()
        return data

    def status(self, computer_id: str) -> str | None:
        state = self.computer(computer_id)
        return None if state is None else str(state["status"])

    def names(self) -> dict[str, str]:
        """name -> id of every computer the simulator has."""
        response = self.http.get("/_sim/computers")
        response.raise_for_status()
        return {c["name"]: c["id"] for c in response.json()["data"]}

    def rename(self, computer_id: str, name: str) -> None:
        """Rename through the API, as another client would."""
        self.http.patch(
            f"/api/v1/computers/{computer_id}",
            json={"name": name},
            headers={"Authorization": f"Bearer {API_KEY}"},
        ).raise_for_status()

    def force_status(self, computer_id: str, status: str) -> None:
        self.http.post(
            f"/_sim/computers/{computer_id}/status", json={"status": status}
        ).raise_for_status()
