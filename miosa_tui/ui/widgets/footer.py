"""The key bar at the bottom of a screen: one widget drawing one line, not a widget per key.

It looks and acts like Textual's Footer: the screen's shown bindings from the left, greyed when
they do not apply (a click on one rings the bell), the command palette key on the right, and a
click on a key presses it. Unlike Textual 8.2.8's Footer it mounts nothing: that Footer is a
container of some twenty `FooterKey` widgets, each styled with two component classes, and it
unmounts and mounts them all whenever the keys shown change: at start-up, after the first frame,
its first compose and a rebuild once the fleet had landed took ~18 ms of the event loop
(`benchmarks/profiles/startup_key_bar.txt`). Here a change of keys is one repaint of one line.

Keys that do not fit whole are left out from the right (the footer lists the most used keys
first); the command palette key always stays.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, NamedTuple

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.screen import Screen


class FooterKey(NamedTuple):
    """One key as the footer shows it."""

    key: str  # as Textual names it, for simulate_key ("ctrl+p")
    display: str  # as drawn ("^p")
    description: str
    action: str
    enabled: bool
    tooltip: str


class Span(NamedTuple):
    """Where a shown key lies on the line, in cells from the left, end excluded."""

    start: int
    end: int
    key: FooterKey


_PALETTE_MARK = "▏"  # the palette key's left border (Textual's `vkey` border)


class Footer(Widget, can_focus=False):
    """The screen's key bindings, on one line (`app.tcss` styles it and its parts)."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "footer--key",
        "footer--description",
        "footer--hover",
        "footer--mark",
    }

    def __init__(self) -> None:
        super().__init__()
        self._keys: tuple[FooterKey, ...] = ()
        self._palette: FooterKey | None = None
        self._hover: FooterKey | None = None

    # -- what is shown -------------------------------------------------------------------------
    @property
    def keys(self) -> tuple[FooterKey, ...]:
        """Every key the screen shows in the footer, in order (fitting or not), the palette
        key last."""
        return self._keys + ((self._palette,) if self._palette is not None else ())

    def spans(self) -> list[Span]:
        """The keys drawn, where they are drawn (the ones that fit, then the palette key)."""
        width = self.size.width
        palette = self._palette
        right = width if palette is None else width - _palette_width(palette)
        spans: list[Span] = []
        x = 0
        for key in self._keys:
            end = x + _key_width(key)
            if end > right:
                break
            spans.append(Span(x, end, key))
            x = end
        if palette is not None:
            spans.append(Span(right, width, palette))
        return spans

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)
        self._read_bindings()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen[object]) -> None:
        # Losing the terminal's focus blurs the focused widget and so changes the bindings:
        # Textual's Footer keeps what it shows then, and so does this one.
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._read_bindings()

    def _read_bindings(self) -> None:
        app = self.app
        keys: list[FooterKey] = []
        palette: FooterKey | None = None
        actions: set[str] = set()
        for _node, binding, enabled, tooltip in self.screen.active_bindings.values():
            shown = FooterKey(
                binding.key,
                app.get_key_display(binding),
                binding.description,
                binding.action,
                enabled,
                tooltip or binding.tooltip,
            )
            if binding.key == app.COMMAND_PALETTE_BINDING:
                if app.ENABLE_COMMAND_PALETTE:
                    palette = shown._replace(tooltip=binding.tooltip or binding.description)
            elif binding.show and binding.action not in actions:
                actions.add(binding.action)  # one key per action, as Textual's Footer
                keys.append(shown)
        if (tuple(keys), palette) != (self._keys, self._palette):
            self._keys, self._palette = tuple(keys), palette
            self.refresh()

    # -- drawing -------------------------------------------------------------------------------
    def render(self) -> Text:
        key_style = self.get_component_rich_style("footer--key")
        text_style = self.get_component_rich_style("footer--description")
        hover = self.get_component_rich_style("footer--hover")
        dim = Style(dim=True)
        line = Text(no_wrap=True, overflow="crop", end="")
        x = 0
        for span in self.spans():
            key = span.key
            line.append(" " * (span.start - x))
            state = (dim if not key.enabled else Style()) + (
                Style(bgcolor=hover.bgcolor) if key == self._hover else Style()
            )
            if key is self._palette:
                line.append(_PALETTE_MARK, self.get_component_rich_style("footer--mark"))
                line.append(key.display, key_style + state)
                line.append(f" {key.description}", text_style + state)
                line.append(" ")
            elif key.description:
                line.append(f" {key.display} ", key_style + state)
                line.append(f"{key.description} ", text_style + state)
            else:
                line.append(key.display, key_style + state)
            x = span.end
        return line

    # -- the mouse -----------------------------------------------------------------------------
    def key_at(self, x: int) -> FooterKey | None:
        return next((span.key for span in self.spans() if span.start <= x < span.end), None)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._hover_over(self.key_at(event.x))

    def on_leave(self, _event: events.Leave) -> None:
        self._hover_over(None)

    def _hover_over(self, key: FooterKey | None) -> None:
        if key != self._hover:
            self._hover = key
            self.tooltip = key.tooltip if key is not None and key.tooltip else None
            self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        key = self.key_at(event.x)
        if key is None:
            return
        event.stop()
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()


def _key_width(key: FooterKey) -> int:
    """Cells a key takes: " k " and "description ", or the key alone (as Textual's Footer)."""
    if not key.description:
        return cell_len(key.display)
    return cell_len(key.display) + cell_len(key.description) + 3


def _palette_width(key: FooterKey) -> int:
    """Cells the palette key takes: "▏^p Commands "."""
    return cell_len(_PALETTE_MARK) + cell_len(key.display) + cell_len(key.description) + 2
