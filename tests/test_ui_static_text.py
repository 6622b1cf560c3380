"""`set_content` (ui/widgets/static_text.py): a Static's new content is laid out only when its
size changes, and what is drawn is always the whole new content."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Static
from ui_helpers import screen_text

from miosa_tui.ui.widgets.static_text import set_content


class Panes(App[None]):
    CSS = "#fixed { height: 1; } #below { height: 1; }"

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("one line", id="auto")
            yield Static("title", id="fixed")
            yield Static("below", id="below")


def layouts(widget: Widget, counter: list[int]) -> None:
    original = widget.refresh

    def refresh(*regions: Any, **kwargs: Any) -> Widget:
        if kwargs.get("layout"):
            counter.append(1)
        return original(*regions, **kwargs)

    widget.refresh = refresh  # type: ignore[method-assign]


async def test_same_height_is_repainted_without_a_layout_and_a_new_height_is_laid_out() -> None:
    app = Panes()
    async with app.run_test(size=(40, 10)) as pilot:
        auto = app.query_one("#auto", Static)
        fixed = app.query_one("#fixed", Static)
        asked: list[int] = []
        layouts(auto, asked)
        layouts(fixed, asked)

        set_content(auto, "another line")
        set_content(fixed, "another title")
        await pilot.pause()
        assert asked == []
        assert "another line" in screen_text(app) and "another title" in screen_text(app)

        set_content(auto, "first\nsecond\nthird")
        await pilot.pause()
        assert asked, "three lines where there was one: a layout"
        lines = screen_text(app).splitlines()
        assert [line.strip() for line in lines[:5]] == [
            "first",
            "second",
            "third",
            "another title",
            "below",
        ]

        set_content(auto, "short again")
        await pilot.pause()
        lines = screen_text(app).splitlines()
        assert [line.strip() for line in lines[:3]] == ["short again", "another title", "below"]


async def test_a_hidden_static_shows_its_new_content_when_shown() -> None:
    app = Panes()
    async with app.run_test(size=(40, 10)) as pilot:
        auto = app.query_one("#auto", Static)
        auto.display = False
        await pilot.pause()
        set_content(auto, "a\nb\nc")
        auto.display = True
        await pilot.pause()
        lines = screen_text(app).splitlines()
        assert [line.strip() for line in lines[:4]] == ["a", "b", "c", "title"]


class Capped(App[None]):
    CSS = "#capped { height: auto; max-height: 4; border-top: solid red; } #below { height: 1; }"

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("one", id="capped")
            yield Static("below", id="below")


async def test_taller_content_at_the_max_height_is_repainted_without_a_layout() -> None:
    """The timeline (`height: auto; max-height: 14`): at its max height, longer content keeps
    that height; shorter content than it shows shrinks it."""
    app = Capped()
    async with app.run_test(size=(40, 10)) as pilot:
        capped = app.query_one("#capped", Static)
        asked: list[int] = []
        layouts(capped, asked)
        set_content(capped, "\n".join(f"line {n}" for n in range(6)))
        await pilot.pause()
        assert asked, "from one line to the max height: a layout"
        lines = [line.strip() for line in screen_text(app).splitlines()]
        assert lines[1:5] == ["line 0", "line 1", "line 2", "below"]  # the border, 3 lines
        asked.clear()
        set_content(capped, "\n".join(f"event {n}" for n in range(9)))
        await pilot.pause()
        assert asked == []
        lines = [line.strip() for line in screen_text(app).splitlines()]
        assert lines[1:5] == ["event 0", "event 1", "event 2", "below"]
        set_content(capped, "only one")
        await pilot.pause()
        assert asked, "shorter than the max height: a layout"
        lines = [line.strip() for line in screen_text(app).splitlines()]
        assert lines[1:3] == ["only one", "below"]
