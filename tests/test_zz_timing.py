import asyncio, time
from ui_helpers import make_app, loaded, SIZE, pump, screen_text, wait_for
from miosa_tui.ui.screens.help import HelpScreen
async def test_t(sim, tmp_path):
    app = make_app(sim, tmp_path, poll_interval=1.0)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        await pilot.press("question_mark")
        print("A", app.screen, flush=True)
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), "the help screen")
        print("B", flush=True)
        t=time.monotonic()
        text = screen_text(app)
        print("C", time.monotonic()-t, flush=True)
        print(text)
        await pilot.press("escape")
        print("D", app.screen, flush=True)
