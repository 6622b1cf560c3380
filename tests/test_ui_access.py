"""The Access panel against the real simulator: copy every kind of entry, masking, reveal timers,
token countdown, the copy menu, bad ports and failed requests.

Time in the panel comes from a FakeClock the test moves by hand; `panel.tick()` is what the
one-second timer calls, so calling it is the same as waiting a second.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static, TextArea
from ui_helpers import drawn_toasts, wait_for

from miosa_tui.api.computers import MiosaClient
from miosa_tui.api.models import Computer
from miosa_tui.api.settings import ApiSettings
from miosa_tui.fleet.journal import Journal
from miosa_tui.fleet.secrets import MASK
from miosa_tui.sim.server import SimServer
from miosa_tui.ui import clipboard
from miosa_tui.ui.app import STYLESHEET
from miosa_tui.ui.screens.copy_menu import CopyMenu
from miosa_tui.ui.widgets.access.panel import AccessPanel

API_KEY = "msk_u_test_0000"


class FakeClock:
    def __init__(self, now: float | None = None) -> None:
        self.now = time.time() if now is None else now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Host(App[None]):
    """The smallest app the panel needs: `client` and `journal`, like MiosaApp, and its
    stylesheet (the panel's style lives there)."""

    CSS_PATH = STYLESHEET

    def __init__(self, settings: ApiSettings, clock: FakeClock, debounce: float = 0.0) -> None:
        super().__init__()
        self.client = MiosaClient(settings)
        self.journal = Journal(secrets=[API_KEY])
        self._clock = clock
        self._debounce = debounce

    def compose(self) -> ComposeResult:
        yield AccessPanel(clock=self._clock, reveal_seconds=10, debounce=self._debounce)

    async def on_unmount(self) -> None:
        await self.client.aclose()


class Ctx:
    def __init__(self, app: Host, pilot: Pilot[None], sim: SimServer, clock: FakeClock) -> None:
        self.app, self.pilot, self.sim, self.clock = app, pilot, sim, clock
        self.panel = app.query_one(AccessPanel)

    async def settle(self) -> None:
        """Wait until the panel has nothing in flight (bounded, never a timing assertion)."""
        for _ in range(500):
            await self.pilot.pause(0.02)
            if not self.panel.pending:
                return
        raise AssertionError(f"panel still loading {set(self.panel.pending)}")

    async def computer(self, *, running: bool = True) -> Computer:
        computers = await self.app.client.list_computers()
        return next(c for c in computers if c.is_running == running)

    async def show(self, computer: Computer) -> None:
        self.panel.show_computer(computer)
        await self.settle()

    async def select(self, key: str) -> None:
        assert self.panel.select(key), [e.key for e in self.panel.entries]
        self.panel.focus_entries()
        await self.pilot.pause()

    def toasts(self) -> list[str]:
        """What each toast on screen draws (ui_helpers.drawn_toasts)."""
        return drawn_toasts(self.app)

    async def toast(self, text: str) -> str:
        """The newest toast on screen that holds `text`, once one is drawn."""
        await wait_for(self.pilot, lambda: any(text in s for s in self.toasts()), text)
        return [s for s in self.toasts() if text in s][-1]

    def svg(self) -> str:
        return self.app.export_screenshot()

    def prompts(self) -> str:
        options = self.panel.query_one("#access-entries", OptionList)
        texts = []
        for option in options.options:
            prompt = option.prompt
            texts.append(prompt.plain if isinstance(prompt, Text) else str(prompt))
        return "\n".join(texts)

    def static(self, selector: str) -> str:
        return str(self.panel.query_one(selector, Static).render())

    def requests(self) -> list[dict[str, Any]]:
        response = httpx.get(self.sim.root_url + "/_sim/requests")
        return list(response.json())


@asynccontextmanager
async def running(
    sim: SimServer, *, debounce: float = 0.0, max_retries: int = 3
) -> AsyncIterator[Ctx]:
    clock = FakeClock()
    settings = ApiSettings(api_key=API_KEY, base_url=sim.base_url, max_retries=max_retries)
    app = Host(settings, clock, debounce)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        yield Ctx(app, pilot, sim, clock)


# ----- copy each kind of entry -------------------------------------------------------------


async def test_copy_public_url_with_toast_last_line_and_hyperlink(sim: SimServer) -> None:
    async with running(sim) as t:
        computer = await t.computer()
        await t.show(computer)
        url = t.app.client.public_url(computer)
        await t.select("public")
        await t.pilot.press("y")
        assert t.app.clipboard == url
        assert await t.toast("Copied public URL:") == f"Clipboard Copied public URL: {url}"
        assert url in t.static("#access-last")
        option = t.panel.query_one("#access-entries", OptionList).get_option("public")
        assert isinstance(option.prompt, Text)
        links = [span.style.link for span in option.prompt.spans if isinstance(span.style, Style)]
        assert url in links


async def test_copy_named_url(sim: SimServer) -> None:
    async with running(sim) as t:
        computer = await t.computer()
        await t.show(computer)
        named = await t.app.client.urls(computer.id)
        desktop = next(u for u in named if u.name == "desktop")
        index = named.index(desktop)
        await t.select(f"url:{index}")
        await t.pilot.press("y")
        assert t.app.clipboard == desktop.url
        drawn = await t.toast("Copied URL desktop:")
        assert drawn == f"Clipboard Copied URL desktop: {desktop.url}"


async def test_copy_preview_url_for_a_typed_port(sim: SimServer) -> None:
    async with running(sim) as t:
        computer = await t.computer()
        await t.show(computer)
        t.panel.query_one("#access-port", Input).focus()
        await t.pilot.press("3", "0", "0", "0", "enter")
        entry = t.panel.selected_entry()
        assert entry is not None and entry.key == "preview:3000"
        t.panel.focus_entries()
        await t.pilot.press("y")
        assert t.app.clipboard == t.app.client.preview_url(computer, 3000)
        assert t.app.clipboard.startswith("https://3000-")
        assert t.panel.query_one("#access-port", Input).value == ""


async def test_recent_ports_keep_five_most_recent_first_per_computer(sim: SimServer) -> None:
    async with running(sim) as t:
        computers = await t.app.client.list_computers()
        first, second = computers[0], computers[1]
        await t.show(first)
        for port in ("3000", "8080", "5173", "9000", "4000", "3000", "7000"):
            assert t.panel.add_preview_port(port)
        assert t.panel.recent_ports(first.id) == [7000, 3000, 4000, 9000, 5173]
        keys = [e.key for e in t.panel.entries if e.key.startswith("preview:")]
        assert keys == [f"preview:{p}" for p in (7000, 3000, 4000, 9000, 5173)]
        await t.show(second)
        assert not [e for e in t.panel.entries if e.key.startswith("preview:")]
        await t.show(first)
        assert t.panel.recent_ports(first.id)[0] == 7000
        assert "preview:7000" in [e.key for e in t.panel.entries]


async def test_copy_vnc_username_and_password_masked_in_toast(sim: SimServer) -> None:
    async with running(sim) as t:
        computer = await t.computer()
        await t.show(computer)
        creds = await t.app.client.vnc_credentials(computer.id)
        assert creds.password and creds.username
        await t.select("vnc-user")
        await t.pilot.press("y")
        assert t.app.clipboard == creds.username
        await t.select("vnc-password")
        await t.pilot.press("y")
        assert t.app.clipboard == creds.password  # the real value: that's the point of copying
        assert await t.toast("Copied VNC password:") == f"Clipboard Copied VNC password: {MASK}"
        assert all(creds.password not in toast for toast in t.toasts())
        assert MASK in t.static("#access-last")
        assert creds.password not in t.static("#access-last")
        assert creds.password not in t.svg()
        await t.select("vnc-url")
        await t.pilot.press("y")
        assert t.app.clipboard == creds.url


async def test_password_masked_until_revealed_and_again_after(sim: SimServer) -> None:
    async with running(sim) as t:
        computer = await t.computer()
        await t.show(computer)
        creds = await t.app.client.vnc_credentials(computer.id)
        password = creds.password
        assert password
        assert password not in t.svg() and password not in t.prompts()
        assert MASK in t.prompts()
        await t.select("vnc-password")
        await t.pilot.press("v")
        await t.pilot.pause()
        assert password in t.prompts()
        assert password in t.svg()
        assert "hides in 0:10" in t.prompts()
        t.clock.advance(4)
        t.panel.tick()
        await t.pilot.pause()
        assert "hides in 0:06" in t.prompts() and password in t.prompts()
        await t.pilot.press("y")  # copying while revealed copies the same real value
        assert t.app.clipboard == password
        t.clock.advance(6)
        t.panel.tick()
        await t.pilot.pause()
        assert password not in t.prompts()
        assert password not in t.svg()
        assert MASK in t.prompts()
        # v twice: hides at once
        await t.pilot.press("v")
        assert password in t.prompts()
        await t.pilot.press("v")
        assert password not in t.prompts()


async def test_reveal_refuses_non_secrets(sim: SimServer) -> None:
    async with running(sim) as t:
        await t.show(await t.computer())
        await t.select("public")
        await t.pilot.press("v")
        await t.toast("Nothing to reveal")


async def test_stream_token_copy_countdown_and_expiry(sim: SimServer) -> None:
    async with running(sim) as t:
        computer = await t.computer()
        await t.show(computer)
        assert "press t to issue" in t.prompts()
        await t.select("token")
        await t.pilot.press("y")  # nothing issued yet
        await t.toast("press t")
        await t.pilot.press("t")
        await t.settle()
        entry = t.panel.selected_entry()
        assert entry is not None and entry.key == "token" and entry.value
        assert entry.expires_at is not None
        token = entry.value
        assert token not in t.svg() and token not in t.prompts()
        await t.pilot.press("y")
        assert t.app.clipboard == token
        assert await t.toast("Copied stream token:") == f"Clipboard Copied stream token: {MASK}"
        assert all(token not in toast for toast in t.toasts())
        # a 300 s token: put the clock at issue time, then move it
        t.clock.now = entry.expires_at - 300
        t.panel.tick()
        assert "expires in 5:00" in t.prompts()
        t.clock.advance(28)
        t.panel.tick()
        assert "expires in 4:32" in t.prompts()
        t.clock.advance(32)
        t.panel.tick()
        assert "expires in 4:00" in t.prompts()
        await t.pilot.pause()
        assert "expires in 4:00" in t.svg().replace("\xa0", " ").replace("&#160;", " ")
        t.clock.advance(240)
        t.panel.tick()
        assert "expired" in t.prompts() and "expires in" not in t.prompts()
        t.app.copy_to_clipboard("before")
        await t.pilot.press("y")
        assert t.app.clipboard == "before"  # an expired token is refused, with a reason
        await t.toast("expired")
        await t.pilot.press("t")  # a new one replaces it
        await t.settle()
        fresh = t.panel.selected_entry()
        assert fresh is not None and fresh.value and fresh.value != token
        assert token not in t.app.journal.render() and fresh.value not in t.app.journal.render()
        assert any(e.action == "token" and e.outcome == "ok" for e in t.app.journal)


async def test_token_survives_in_svg_only_while_revealed(sim: SimServer) -> None:
    async with running(sim) as t:
        await t.show(await t.computer())
        await t.select("token")
        await t.pilot.press("t")
        await t.settle()
        entry = t.panel.selected_entry()
        assert entry is not None and entry.value
        await t.pilot.press("v")
        await t.pilot.pause()
        assert entry.value in t.svg()
        t.clock.advance(10)
        t.panel.tick()
        await t.pilot.pause()
        assert entry.value not in t.svg()


# ----- copy menu ------------------------------------------------------------------------------


async def _menu_pick(t: Ctx, key: str) -> CopyMenu:
    await t.pilot.press("Y")
    await t.pilot.pause()
    menu = t.app.screen
    assert isinstance(menu, CopyMenu)
    await t.pilot.press(key)
    await t.pilot.pause()
    assert not isinstance(t.app.screen, CopyMenu)
    return menu


async def test_copy_menu_id_cli_and_curl(sim: SimServer) -> None:
    async with running(sim) as t:
        computer = await t.computer()
        await t.show(computer)
        await t.select("public")
        menu = await _menu_pick(t, "2")
        assert [o.key for o in menu.options] == ["value", "id", "cli", "curl"]
        assert t.app.clipboard == computer.id
        assert (
            await t.toast("Copied computer id:") == f"Clipboard Copied computer id: {computer.id}"
        )
        await _menu_pick(t, "3")
        assert t.app.clipboard == f"miosa-tui public-url {computer.id}"
        await _menu_pick(t, "4")
        auth = '-H "Authorization: Bearer $MIOSA_API_KEY"'
        assert t.app.clipboard == f"curl {auth} {sim.base_url}/computers/{computer.id}/urls"
        assert API_KEY not in t.app.clipboard
        await _menu_pick(t, "1")
        assert t.app.clipboard == t.app.client.public_url(computer)


async def test_copy_menu_for_preview_and_password(sim: SimServer) -> None:
    async with running(sim) as t:
        computer = await t.computer()
        await t.show(computer)
        t.panel.add_preview_port("3000")
        t.panel.focus_entries()
        await _menu_pick(t, "3")
        assert t.app.clipboard == f"miosa-tui preview-url {computer.id} 3000"
        creds = await t.app.client.vnc_credentials(computer.id)
        assert creds.password
        await t.select("vnc-password")
        await t.pilot.press("Y")
        await t.pilot.pause()
        menu = t.app.screen
        assert isinstance(menu, CopyMenu)
        shown_text = menu.query_one("#copy-text", TextArea).text
        assert shown_text == MASK  # the selectable text shows the mask, not the password
        assert creds.password not in t.svg()
        await t.pilot.press("down", "down")
        assert (
            f"miosa-tui vnc {computer.id} --reveal" in menu.query_one("#copy-text", TextArea).text
        )
        await t.pilot.press("up", "up", "enter")
        await t.pilot.pause()
        assert t.app.clipboard == creds.password
        await t.toast("Copied VNC password:")  # the copy's toast is drawn: now look at it
        assert creds.password not in " ".join(t.toasts())
        await t.pilot.press("Y")
        await t.pilot.press("escape")
        await t.pilot.pause()
        assert not isinstance(t.app.screen, CopyMenu)
        assert t.app.clipboard == creds.password


# ----- bad input and failures ---------------------------------------------------------------


@pytest.mark.parametrize("text", ["0", "65536", "abc", "", "-1", "3000.5"])
async def test_invalid_ports_are_refused_without_a_request(sim: SimServer, text: str) -> None:
    async with running(sim) as t:
        await t.show(await t.computer())
        before_entries = [e.key for e in t.panel.entries]
        before = len(t.requests())
        port = t.panel.query_one("#access-port", Input)
        port.focus()
        port.value = text
        await t.pilot.press("enter")
        await t.pilot.pause()
        reason = t.static("#access-port-error")
        assert "1 to 65535" in reason
        assert [e.key for e in t.panel.entries] == before_entries
        assert len(t.requests()) == before
        await t.pilot.press("8")  # typing again clears the reason
        assert t.static("#access-port-error") == ""


async def test_typing_keys_in_the_port_field_does_not_trigger_bindings(sim: SimServer) -> None:
    async with running(sim) as t:
        await t.show(await t.computer())
        t.app.copy_to_clipboard("untouched")
        t.panel.query_one("#access-port", Input).focus()
        await t.pilot.press("y", "t", "v", "o", "Y")
        await t.pilot.pause()
        assert t.panel.query_one("#access-port", Input).value == "ytvoY"
        assert t.app.clipboard == "untouched"
        assert not isinstance(t.app.screen, CopyMenu)


async def test_failed_requests_show_request_id_and_panel_stays_usable(sim: SimServer) -> None:
    async with running(sim, max_retries=0) as t:
        computer = await t.computer()
        httpx.put(sim.root_url + "/_sim/faults", json={"error_rate": 1.0}).raise_for_status()
        await t.show(computer)
        status = t.static("#access-status")
        assert "Named URLs failed:" in status and "VNC credentials failed:" in status
        assert "[request " in t.panel.errors["urls"] and "[request " in t.panel.errors["vnc"]
        # the rest still works: the public URL, typed ports, the copy menu
        await t.select("public")
        await t.pilot.press("y")
        assert t.app.clipboard == t.app.client.public_url(computer)
        assert t.panel.add_preview_port("8080")
        await t.pilot.press("t")
        await t.settle()
        assert "Stream token failed:" in t.static("#access-status")
        assert "[request " in t.panel.errors["token"]
        failed = [e for e in t.app.journal if e.action == "token"]
        assert failed and failed[-1].outcome == "failed" and failed[-1].request_id
        await _menu_pick(t, "2")
        assert t.app.clipboard == computer.id
        # the API recovers: reload fills the panel
        httpx.put(sim.root_url + "/_sim/faults", json={"error_rate": 0.0}).raise_for_status()
        t.panel.reload()
        await t.settle()
        assert set(t.panel.errors) == {"token"}  # the token error stays until the next token
        assert "vnc-password" in [e.key for e in t.panel.entries]
        assert "Named URLs failed" not in t.static("#access-status")
        await t.pilot.press("t")
        await t.settle()
        assert not t.panel.errors
        assert "failed" not in t.static("#access-status")


async def test_token_for_a_stopped_computer_says_why(sim: SimServer) -> None:
    async with running(sim) as t:
        await t.show(await t.computer(running=False))
        await t.pilot.press("t")
        await t.settle()
        assert "Stream token failed:" in t.static("#access-status")
        assert "start it" in t.panel.errors["token"]


# ----- debounce, poll changes, no computer -------------------------------------------------


async def test_debounce_fetches_only_the_last_highlighted(sim: SimServer) -> None:
    async with running(sim, debounce=0.3) as t:
        computers = await t.app.client.list_computers()
        for computer in computers[:4]:
            t.panel.show_computer(computer)
        await t.settle()
        last = computers[3]
        vnc_paths = [r["path"] for r in t.requests() if r["route"].endswith("/vnc-credentials")]
        assert [p.removeprefix("/api/v1") for p in vnc_paths] == [
            f"/computers/{last.id}/vnc-credentials"
        ]
        assert t.panel.computer == last


async def test_computer_changed_updates_title_without_refetch(sim: SimServer) -> None:
    async with running(sim) as t:
        computer = await t.computer()
        await t.show(computer)
        before = len(t.requests())
        from dataclasses import replace

        t.panel.computer_changed(replace(computer, status="stopping"))
        await t.pilot.pause()
        assert "stopping" in t.static("#access-title")
        assert len(t.requests()) == before
        t.panel.show_computer(None)
        await t.pilot.pause()
        assert t.panel.entries == []
        await t.pilot.press("y")
        await t.toast("no computer is selected")


# ----- open and tmux ---------------------------------------------------------------------------


async def test_open_url_and_its_failures(sim: SimServer, monkeypatch: pytest.MonkeyPatch) -> None:
    async with running(sim) as t:
        computer = await t.computer()
        await t.show(computer)
        opened: list[str] = []

        def fake_open(url: str, *, new_tab: bool = True) -> None:
            opened.append(url)

        monkeypatch.setattr(t.app, "open_url", fake_open)
        monkeypatch.setenv("DISPLAY", ":0")
        await t.select("public")
        await t.pilot.press("o")
        assert opened == [t.app.client.public_url(computer)]

        def broken(url: str, *, new_tab: bool = True) -> None:
            raise OSError("no browser found")

        monkeypatch.setattr(t.app, "open_url", broken)
        await t.pilot.press("o")
        await t.toast("Could not open a browser: no browser found")

        monkeypatch.setattr(t.app, "open_url", fake_open)
        for name in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setattr("sys.platform", "linux")
        await t.pilot.press("o")
        assert len(opened) == 1
        await t.toast("no graphical browser")
        assert t.app.client.public_url(computer) in t.static("#access-last")
        await t.select("vnc-user")
        await t.pilot.press("o")
        await t.toast("not a web URL")


async def test_tmux_gets_the_passthrough_sequence(
    sim: SimServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running(sim) as t:
        await t.show(await t.computer())
        written: list[str] = []
        driver = t.app._driver
        assert driver is not None
        original: Callable[[str], None] = driver.write

        def capture(data: str) -> None:
            written.append(data)
            original(data)

        monkeypatch.setattr(driver, "write", capture)
        monkeypatch.delenv("TMUX", raising=False)
        clipboard.copy(t.app, "héllo", "text")
        assert written == ["\x1b]52;c;aMOpbGxv\a"]
        written.clear()
        monkeypatch.setenv("TMUX", "/tmp/tmux-0/default,1,0")
        await t.select("public")
        await t.pilot.press("y")
        url = t.app.client.public_url(await t.computer())
        osc = clipboard.osc52(url)
        assert osc in written
        assert "\x1bPtmux;" + osc.replace("\x1b", "\x1b\x1b") + "\x1b\\" in written
        assert t.app.clipboard == url


def test_clipboard_copy_is_safe_without_a_driver() -> None:
    app: App[None] = App()
    clipboard.copy(app, "x", "text", environ={"TMUX": "1"}, notify=False)
    assert app.clipboard == "x"
    assert clipboard.tmux_wrap("\x1b]52;c;eA==\a") == "\x1bPtmux;\x1b\x1b]52;c;eA==\a\x1b\\"
    assert clipboard.shorten("a" * 200, 10) == "a" * 9 + "…"
