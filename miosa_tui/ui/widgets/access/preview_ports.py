"""The preview-port field: what a typed port means, and the few ports remembered per computer.

No widgets here, so the validation sentences and the "most recent first, at most five" rule can
be tested directly; the panel only shows the sentence or lists the new preview URL.
"""

from __future__ import annotations

from miosa_tui.api.errors import InvalidInputError
from miosa_tui.api.links import parse_port

RECENT_PORTS = 5


def read_port(text: str) -> int | str:
    """The port typed in the field, or the sentence saying what is wrong with it."""
    if not text.strip():
        return "Type a port number from 1 to 65535."
    try:
        return parse_port(text)
    except InvalidInputError as err:
        return str(err)


class RecentPorts:
    """Preview ports asked for, per computer id: newest first, no repeats, `RECENT_PORTS` kept."""

    def __init__(self) -> None:
        self._ports: dict[str, list[int]] = {}

    def add(self, computer_id: str, port: int) -> None:
        recent = [port] + [p for p in self._ports.get(computer_id, []) if p != port]
        self._ports[computer_id] = recent[:RECENT_PORTS]

    def get(self, computer_id: str) -> list[int]:
        return list(self._ports.get(computer_id, []))
