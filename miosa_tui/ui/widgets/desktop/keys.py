"""The desktop pane's keys as the dashboard screen binds them, while the table has focus.

Kept apart from `pane.py` so the dashboard can bind them before the pane (and textual-image,
PIL and the rest of the desktop package) is imported: the side panes are built after the
table's first rows are painted (see `ui/widgets/side_panes.py`). The screen that adds these to
its BINDINGS defines an `action_desktop(name)` that runs `await pane.run_action(name)`, so the
pane's check_action applies.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

SCREEN_BINDINGS: list[BindingType] = [
    Binding("g", "desktop('refresh_shot')", "Refresh desktop", id="desktop.refresh"),
    Binding("G", "desktop('toggle_auto')", "Auto-refresh", id="desktop.auto", show=False),
    Binding("L", "desktop('toggle_live')", "Live desktop", id="desktop.live", show=False),
    Binding("x", "desktop('region')", "Region", id="desktop.region"),
    Binding("backspace", "desktop('full')", "Full desktop", id="desktop.full", show=False),
    Binding("e", "desktop('save')", "Save PNG", id="desktop.save"),
    Binding("w", "desktop('wall')", "Wall", id="desktop.wall"),
]
