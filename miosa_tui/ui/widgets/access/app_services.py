"""What the Access panel asks of the app it runs in: the journal and where the API lives.

The panel also runs inside small test hosts that have no journal or settings, so every lookup is
duck-typed and quietly does nothing when the service is missing.
"""

from __future__ import annotations


def api_location(app: object) -> tuple[str | None, str | None]:
    """(base URL, tenant) from the client's settings, else the backend's; None when unknown."""
    client = getattr(app, "client", None)
    settings = getattr(client, "settings", None)
    if settings is None:
        backend = getattr(app, "backend", None)
        settings = getattr(backend, "settings", None)
    return getattr(settings, "base_url", None), getattr(settings, "tenant", None)


def register_secret(app: object, value: str | None) -> None:
    """Tell the journal about a secret so it is masked in every entry and export."""
    journal = getattr(app, "journal", None)
    add_secret = getattr(journal, "add_secret", None)
    if value and callable(add_secret):
        add_secret(value)


def record(
    app: object,
    action: str,
    target_id: str,
    name: str | None,
    outcome: str,
    message: str,
    request_id: str | None = None,
) -> None:
    """Add a line to the app's journal, if it has one."""
    journal = getattr(app, "journal", None)
    add = getattr(journal, "record", None)
    if callable(add):
        add(action, target_id, name, outcome, message, request_id)
