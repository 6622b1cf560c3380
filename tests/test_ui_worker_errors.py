"""A bug in a background worker is shown and journaled, not only a STALE header."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ui_helpers import header_text, loaded_app, screen_text, wait_for

from miosa_tui.fleet import poller
from miosa_tui.fleet.poller import FleetState
from miosa_tui.sim.server import SimServer
from miosa_tui.ui.worker_errors import JOURNAL_ACTION


async def test_a_poller_bug_is_shown_and_journaled(
    sim: SimServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_poll_once = poller.poll_once
    calls = 0

    async def poll_once_with_a_bug(state: FleetState, *args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        # The bug comes once a poll has shown the fleet settled (what `loaded` waits for): a
        # computer still booting at the first poll would otherwise never be seen settled.
        settled = state.last_success is not None and not any(
            c.is_transitional for c in state.computers.values()
        )
        if calls >= 2 and settled:
            raise KeyError("bug [b]in[/b] the poller")  # markup-looking text must stay text
        return await real_poll_once(state, *args, **kwargs)

    monkeypatch.setattr(poller, "poll_once", poll_once_with_a_bug)
    async with loaded_app(sim, tmp_path, poll_interval=0.2, notifications=True) as (app, pilot):
        await wait_for(
            pilot,
            lambda: "Background task 'poller' stopped" in screen_text(app),
            "the poller's failure drawn as a toast",
        )
        text = screen_text(app)
        assert "KeyError: 'bug [b]in[/b] the poller'" in text  # drawn literally, not as markup
        entries = [e for e in app.journal.entries if e.action == JOURNAL_ACTION]
        assert len(entries) == 1 and entries[0].outcome == "failed"
        assert "poller" in entries[0].message and "KeyError" in entries[0].message
        assert header_text(app)  # the dashboard is still running
