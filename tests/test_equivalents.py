"""The miosa-tui and curl twins of each access entry, never containing the key."""

from __future__ import annotations

import pytest

from miosa_tui.cli.parser import build_parser
from miosa_tui.fleet.equivalents import AccessKind, api_request, cli_line, curl_line


@pytest.mark.parametrize(
    ("kind", "port", "line"),
    [
        (AccessKind.PUBLIC_URL, None, "miosa-tui public-url vm-1"),
        (AccessKind.NAMED_URL, None, "miosa-tui urls vm-1"),
        (AccessKind.PREVIEW_URL, 3000, "miosa-tui preview-url vm-1 3000"),
        (AccessKind.VNC_USERNAME, None, "miosa-tui vnc vm-1"),
        (AccessKind.VNC_URL, None, "miosa-tui vnc vm-1"),
        (AccessKind.VNC_PASSWORD, None, "miosa-tui vnc vm-1 --reveal"),
        (AccessKind.STREAM_TOKEN, None, "miosa-tui token vm-1"),
        (AccessKind.COMPUTER_ID, None, "miosa-tui get vm-1"),
    ],
)
def test_cli_line(kind: AccessKind, port: int | None, line: str) -> None:
    assert cli_line(kind, "vm-1", port=port) == line


@pytest.mark.parametrize("kind", list(AccessKind))
def test_every_cli_line_parses_with_the_real_parser(kind: AccessKind) -> None:
    argv = cli_line(kind, "vm-1", port=8080).split()[1:]
    args = build_parser().parse_args(argv)
    assert args.id == "vm-1"


def test_cli_line_quotes_odd_ids_and_needs_a_port_for_previews() -> None:
    assert cli_line(AccessKind.PUBLIC_URL, "a b;rm") == "miosa-tui public-url 'a b;rm'"
    with pytest.raises(ValueError):
        cli_line(AccessKind.PREVIEW_URL, "vm-1")


def test_curl_line_uses_the_env_var_not_the_key() -> None:
    line = curl_line(AccessKind.NAMED_URL, "vm-1")
    assert line == (
        'curl -H "Authorization: Bearer $MIOSA_API_KEY" https://api.miosa.ai/api/v1/computers/vm-1/urls'
    )
    assert "msk_" not in line


def test_curl_line_methods_paths_tenant_and_base() -> None:
    token = curl_line(
        AccessKind.STREAM_TOKEN, "vm-1", base_url="http://127.0.0.1:9/api/v1/", tenant="acme"
    )
    assert token == (
        "curl -X POST -H \"Authorization: Bearer $MIOSA_API_KEY\" -H 'X-MIOSA-Tenant: acme' "
        "http://127.0.0.1:9/api/v1/computers/vm-1/stream-token"
    )
    vnc = curl_line(AccessKind.VNC_PASSWORD, "vm-1")
    assert vnc.endswith("/computers/vm-1/vnc-credentials")
    assert api_request(AccessKind.COMPUTER_ID, "vm-1") == ("GET", "/computers/vm-1")
    assert api_request(AccessKind.PREVIEW_URL, "vm-1") == ("GET", "/computers/vm-1/urls")


def test_curl_line_drops_credentials_in_the_base_url() -> None:
    line = curl_line(
        AccessKind.NAMED_URL, "vm-1", base_url="https://user:s3cret@api.example:8443/api/v1"
    )
    assert "s3cret" not in line and "user" not in line
    assert "https://api.example:8443/api/v1/computers/vm-1/urls" in line
