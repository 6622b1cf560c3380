"""What the widgets and screens ask of the app they run in, typed in one place.

`MiosaApp` provides these; so do the small test hosts that mount one pane over a real client.
Widgets call `services(self)` instead of reaching for `self.app.client` untyped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from textual.app import App
from textual.dom import DOMNode

from miosa_tui.api.computers import MiosaClient
from miosa_tui.fleet.journal import Journal

if TYPE_CHECKING:
    from miosa_tui.ui.app import MiosaApp


@runtime_checkable
class AppServices(Protocol):
    """The API client and the journal: every app that hosts a miosa-tui widget has both."""

    client: MiosaClient
    journal: Journal


def services(node: DOMNode) -> AppServices:
    """The client and journal of the app `node` runs in; TypeError names what is missing."""
    app = node.app
    if not isinstance(app, AppServices):
        raise TypeError(
            f"{type(app).__name__} has no client and journal for {type(node).__name__}."
        )
    return app


def miosa_app(app: App[Any]) -> MiosaApp:
    """`app` as the dashboard's app, for the screens that only run inside it (the dashboard,
    the command palette); TypeError otherwise."""
    from miosa_tui.ui.app import MiosaApp  # at call time: ui/app.py imports these screens

    if not isinstance(app, MiosaApp):
        raise TypeError(f"{type(app).__name__} is not the miosa-tui dashboard app.")
    return app


__all__ = ["AppServices", "miosa_app", "services"]
