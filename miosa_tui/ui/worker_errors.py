"""One place where an unexpected exception in a background worker is shown and journaled.

Workers run with `exit_on_error=False` so one failure cannot end the app; without a listener the
failure would be silent (a dead poller left only a STALE header). Textual posts
`Worker.StateChanged` to the node that started the worker and does not bubble it, so every class
that starts such workers mixes in `ReportsWorkerErrors`; the report itself is written once, here.
"""

from __future__ import annotations

from typing import Any, Protocol

from textual.app import App
from textual.worker import Worker, WorkerState

from miosa_tui.ui.services import AppServices

JOURNAL_ACTION = "internal error"


class _Node(Protocol):
    @property
    def app(self) -> App[Any]: ...


def worker_error_sentence(worker: Worker[Any]) -> str:
    """One sentence naming the worker and the exception (its text on one line, cut short)."""
    error = worker.error
    what = worker.name or worker.group
    detail = " ".join(f"{type(error).__name__}: {error}".split())
    if len(detail) > 160:
        detail = detail[:159] + "…"
    return f"Background task '{what}' stopped on an unexpected error ({detail}); see the journal."


def report_worker_error(app: App[Any], worker: Worker[Any]) -> None:
    """Journal the failure (when the app keeps a journal) and show it as an error toast, drawn
    as plain text: an exception's message may carry API text."""
    sentence = worker_error_sentence(worker)
    if isinstance(app, AppServices):
        app.journal.record(JOURNAL_ACTION, None, None, "failed", sentence)
    app.notify(sentence, title="Internal error", severity="error", markup=False, timeout=15)


class ReportsWorkerErrors:
    """Mixin for a screen, widget or app that starts workers with `exit_on_error=False`."""

    def on_worker_state_changed(self: _Node, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            report_worker_error(self.app, event.worker)


__all__ = ["ReportsWorkerErrors", "report_worker_error", "worker_error_sentence"]
