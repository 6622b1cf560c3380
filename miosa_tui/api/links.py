"""Preview and public URLs of a computer, built locally the way the Python/TS SDKs do.

`https://{port}-{slug}.sandbox.{domain}{path}`; the slug falls back to the id and the domain to the
computer's `preview_domain`, then to `miosa.ai` (the Elixir/Go SDKs default to `miosa.app`; pass
`domain=` to match them).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from miosa_tui.api.errors import InvalidInputError
from miosa_tui.api.models import Computer

DEFAULT_PREVIEW_DOMAIN = "miosa.ai"
PORT_MESSAGE = "Port must be a number from 1 to 65535"


def parse_port(text: object) -> int:
    """'3000' or 3000 -> 3000; anything else -> InvalidInputError with a plain sentence."""
    if isinstance(text, bool):
        raise InvalidInputError(PORT_MESSAGE + ".")
    if isinstance(text, int):
        port = text
    elif isinstance(text, str) and text.strip().isdecimal() and text.strip().isascii():
        port = int(text.strip())
    else:
        raise InvalidInputError(f"{PORT_MESSAGE}, not {str(text)[:20]!r}.")
    if not 1 <= port <= 65535:
        raise InvalidInputError(f"{PORT_MESSAGE}, not {port}.")
    return port


def _domain(computer: Computer | str, domain: str | None) -> str:
    chosen = domain or (computer.preview_domain if isinstance(computer, Computer) else None)
    chosen = (chosen or DEFAULT_PREVIEW_DOMAIN).strip()
    if "://" in chosen:  # tolerate a base URL passed as the domain
        chosen = urlsplit(chosen).hostname or DEFAULT_PREVIEW_DOMAIN
    chosen = chosen.strip("/").lower()
    if chosen.startswith("sandbox."):
        chosen = chosen[len("sandbox.") :]
    return chosen or DEFAULT_PREVIEW_DOMAIN


def _label(computer: Computer | str) -> str:
    if isinstance(computer, Computer):
        return (computer.slug or computer.id).lower()
    return computer.lower()


def preview_url(
    computer: Computer | str, port: int | str, path: str = "/", domain: str | None = None
) -> str:
    """URL of a web service listening on `port` inside the computer."""
    number = parse_port(port)
    path = path if path.startswith("/") else "/" + path
    return f"https://{number}-{_label(computer)}.sandbox.{_domain(computer, domain)}{path}"


def public_url(computer: Computer | str, domain: str | None = None) -> str:
    """Public ingress root of the computer (the `sandbox_url` the API sends, when it does)."""
    if isinstance(computer, Computer) and computer.sandbox_url and domain is None:
        return computer.sandbox_url
    return f"https://{_label(computer)}.sandbox.{_domain(computer, domain)}"
