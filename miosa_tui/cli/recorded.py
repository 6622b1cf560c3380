"""Which headless commands leave a row in the history, and the computer the current one acts on.

Apart from cli/triage.py (which writes the rows, with the history and problem modules) so that a
command that records nothing, `ls --json` above all, never imports them.
"""

from __future__ import annotations

from contextvars import ContextVar

from miosa_tui.api.models import Computer

# Headless commands that act on a computer, and so leave a row in the history.
RECORDED = frozenset({"start", "stop", "restart", "destroy", "clone", "resize", "move", "create"})
TARGET: ContextVar[Computer | None] = ContextVar("miosa_cli_target", default=None)


def remember_target(computer: Computer) -> None:
    """Called by cli/headless.py once the id or name given is resolved to a computer."""
    TARGET.set(computer)
