from __future__ import annotations
import time
import httpx
from textual.app import App
from miosa_tui.api.computers import MiosaClient
from miosa_tui.api.settings import ApiSettings
from miosa_tui.fleet.journal import Journal
from miosa_tui.ui.widgets.access_panel import AccessPanel

class Host(App[None]):
    def __init__(self, settings):
        super().__init__()
        self.client = MiosaClient(settings)
        self.journal = Journal()
    def compose(self):
        yield AccessPanel(debounce=0.0)
    async def on_unmount(self):
        await self.client.aclose()

async def test_scratch(sim, tmp_path):
    app = Host(ApiSettings(api_key="msk_u_test_0000", base_url=sim.base_url))
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        comps = await app.client.list_computers()
        c = [c for c in comps if c.is_running][0]
        panel = app.query_one(AccessPanel)
        panel.show_computer(c)
        for _ in range(100):
            await pilot.pause(0.02)
            if not panel._loading:
                break
        print(panel.computer.id, [ (e.key, e.value) for e in panel.entries], panel._errors)
        print(type(app.focused))
        await pilot.press("y")
        print("clip", app.clipboard)
        await pilot.press("down", "down")
        await pilot.press("tab")
        print(type(app.focused))
        await pilot.press("y", "3", "0", "0", "0", "enter")
        await pilot.pause()
        print(repr(app.query_one("#access-port").value), [e.key for e in panel.entries], app.clipboard)
        await pilot.press("shift+tab")
        print(type(app.focused), panel.selected_entry())
        await pilot.press("t")
        for _ in range(100):
            await pilot.pause(0.02)
            if not panel._loading:
                break
        print(panel.selected_entry())
        await pilot.press("y")
        print("clip", app.clipboard)
        await pilot.press("Y")
        await pilot.pause()
        print(app.screen)
        await pilot.press("4")
        await pilot.pause()
        print("clip", app.clipboard)
        print(app.export_screenshot()[:100])
        from textual.widgets import Static
        print(panel.query_one("#access-last", Static).render())
