"""An Input whose editing keys take effect in the order they were typed.

Textual's Input inserts a printable key in its own `_on_key`, but runs backspace, delete, the
arrows, home and end as bindings, once the key has bubbled back up to the App. When keys arrive
faster than the loop hands them on (a paste, fast typing while a poll lands), the characters
typed after a backspace were inserted before it ran: `us-⌫⌫⌫region` became `us-regi…` with
three characters missing further on. Here those keys run where the characters do, in order.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input

# The Input bindings that edit or move the cursor with no argument: key -> action name.
IN_ORDER = {
    "backspace": "delete_left",
    "delete": "delete_right",
    "left": "cursor_left",
    "right": "cursor_right",
    "home": "home",
    "end": "end",
    "ctrl+w": "delete_left_word",
    "ctrl+u": "delete_left_all",
    "ctrl+k": "delete_right_all",
}


class OrderedInput(Input):
    """Input that applies its editing keys in the same pass as its printable keys."""

    async def _on_key(self, event: events.Key) -> None:
        action = IN_ORDER.get(event.key)
        if action is not None:
            event.stop()
            event.prevent_default()
            await self.run_action(action)
            return
        await super()._on_key(event)
