"""Settings, key masking, loopback detection and locally built links."""

from __future__ import annotations

import pytest

from miosa_tui.api import (
    DEFAULT_BASE_URL,
    ApiSettings,
    Computer,
    InsecureTransportError,
    InvalidInputError,
    is_loopback,
    mask_key,
    normalize_base_url,
    parse_port,
    preview_url,
    public_url,
)

KEY = "msk_u_secretsecret_abcd"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://api.miosa.ai", "https://api.miosa.ai/api/v1"),
        ("https://api.miosa.ai/", "https://api.miosa.ai/api/v1"),
        ("https://api.miosa.ai/api/v1", "https://api.miosa.ai/api/v1"),
        ("https://api.miosa.ai/api/v1/", "https://api.miosa.ai/api/v1"),
        ("https://api.miosa.ai/api/v1//", "https://api.miosa.ai/api/v1"),
        ("https://api.miosa.ai/api", "https://api.miosa.ai/api/v1"),
        ("  HTTPS://api.miosa.ai  ", "https://api.miosa.ai/api/v1"),
        ("http://127.0.0.1:8765", "http://127.0.0.1:8765/api/v1"),
        ("http://127.0.0.1:8765/api/v1/", "http://127.0.0.1:8765/api/v1"),
        ("https://gw.example.com/miosa", "https://gw.example.com/miosa/api/v1"),
        ("api.example.com", "https://api.example.com/api/v1"),
        ("", DEFAULT_BASE_URL),
    ],
)
def test_base_url_normalisation(given: str, expected: str) -> None:
    assert normalize_base_url(given) == expected
    assert ApiSettings(api_key=KEY, base_url=given).base_url == expected


@pytest.mark.parametrize("bad", ["ftp://host", "https://", "http://host:notaport"])
def test_bad_base_url_is_refused(bad: str) -> None:
    with pytest.raises(InvalidInputError):
        normalize_base_url(bad)


def test_from_env_reads_all_three_and_ignores_empty() -> None:
    env = {
        "MIOSA_API_KEY": f" {KEY}\n",
        "MIOSA_BASE_URL": "https://eu.miosa.example/",
        "MIOSA_TENANT": "acme",
    }
    settings = ApiSettings.from_env(env)
    assert settings.api_key == KEY
    assert settings.base_url == "https://eu.miosa.example/api/v1"
    assert settings.tenant == "acme"
    empty = ApiSettings.from_env({"MIOSA_API_KEY": "", "MIOSA_BASE_URL": "", "MIOSA_TENANT": ""})
    assert empty.api_key is None
    assert empty.base_url == DEFAULT_BASE_URL
    assert empty.tenant is None
    assert empty.timeout == 30.0
    assert empty.max_retries == 3


def test_mask_key_and_repr_never_show_the_key() -> None:
    assert mask_key(KEY) == "msk_u_…abcd"
    assert mask_key("msk_live_0123456789wxyz") == "msk_live_…wxyz"
    assert mask_key("plaintokenwithoutunderscores") == "…ores"
    assert mask_key(None) == "(not set)"
    assert "abc" not in mask_key("abc")
    settings = ApiSettings(api_key=KEY, tenant="t1")
    for text in (repr(settings), str(settings), f"{settings}"):
        assert "secretsecret" not in text
        assert "msk_u_…abcd" in text


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("http://127.0.0.1:9/api/v1", True),
        ("http://127.8.9.10/", True),
        ("http://[::1]:8080/", True),
        ("http://localhost:1234", True),
        ("http://LOCALHOST.", True),
        ("http://app.localhost/", True),
        ("http://10.0.0.5/", False),
        ("http://128.0.0.1/", False),
        ("http://example.com/", False),
        ("http://127.0.0.1.evil.com/", False),
        ("not a url", False),
    ],
)
def test_is_loopback(url: str, loopback: bool) -> None:
    assert is_loopback(url) is loopback


def test_insecure_transport_rules() -> None:
    ApiSettings(api_key=KEY, base_url="https://api.miosa.ai").check_secure()
    ApiSettings(api_key=KEY, base_url="http://127.0.0.1:8000").check_secure()
    ApiSettings(api_key=KEY, base_url="http://[::1]:8000").check_secure()
    with pytest.raises(InsecureTransportError) as info:
        ApiSettings(api_key=KEY, base_url="http://api.miosa.ai").check_secure()
    assert "api.miosa.ai" in str(info.value)
    assert KEY not in str(info.value)


def test_settings_validation() -> None:
    with pytest.raises(InvalidInputError):
        ApiSettings(api_key=KEY, timeout=0)
    with pytest.raises(InvalidInputError):
        ApiSettings(api_key=KEY, max_retries=-1)


COMPUTER = Computer(id="comp_1", name="desk", status="running", slug="Research-Desk")


def test_preview_and_public_urls() -> None:
    assert preview_url(COMPUTER, 3000) == "https://3000-research-desk.sandbox.miosa.ai/"
    assert (
        preview_url(COMPUTER, "8080", "api/x", domain="cliniciq.com")
        == "https://8080-research-desk.sandbox.cliniciq.com/api/x"
    )
    assert preview_url("comp_9", 80, domain="https://miosa.app/") == (
        "https://80-comp_9.sandbox.miosa.app/"
    )
    white = Computer(id="c2", name="n", status="running", preview_domain="example.org")
    assert preview_url(white, 5173) == "https://5173-c2.sandbox.example.org/"
    assert public_url(COMPUTER) == "https://research-desk.sandbox.miosa.ai"
    assert public_url(COMPUTER, domain="miosa.app") == "https://research-desk.sandbox.miosa.app"
    given = Computer(id="c3", name="n", status="running", sandbox_url="https://x.sandbox.y.z")
    assert public_url(given) == "https://x.sandbox.y.z"


@pytest.mark.parametrize("bad", [0, 65536, -1, "abc", "", "3000.5", True, None, "٣٠٠٠"])
def test_parse_port_rejects(bad: object) -> None:
    with pytest.raises(InvalidInputError) as info:
        parse_port(bad)
    assert "Port must be a number from 1 to 65535" in str(info.value)


def test_parse_port_accepts() -> None:
    assert parse_port(" 3000 ") == 3000
    assert parse_port(1) == 1
    assert parse_port(65535) == 65535
