"""Presenter mode's stand-ins: ids, IPs, tenant/workspace/owner values and the API host name are
replaced by stable stand-ins wherever they appear in drawn text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from miosa_tui.api.models import Computer
from miosa_tui.fleet.standins import StandIns


def computer(cid: str, ip: str, owner: str = "dara") -> Computer:
    made = Computer.from_json(
        {
            "id": cid,
            "name": "ci-worker",
            "status": "running",
            "ip_address": ip,
            "tenant_id": "ten_acme",
            "workspace_id": "ws_platform",
            "metadata": {"owner": owner, "team": "support"},
        }
    )
    assert made is not None
    return made


def test_each_value_gets_one_stable_stand_in() -> None:
    stand = StandIns(api_host="api.miosa.ai")
    stand.learn([computer("comp_30f97058", "10.50.231.145"), computer("comp_aa11", "10.5.1.2")])
    line = "comp_30f97058 at 10.50.231.145 (ten_acme/ws_platform, owner dara) via api.miosa.ai"
    shown = stand.apply(line)
    assert shown == "comp-0001 at 10.0.0.2 (tenant-1/workspace-1, owner owner-1) via api.example"
    assert stand.apply(line) == shown  # the same every time
    assert stand.apply("comp_aa11 10.5.1.2") == "comp-0002 10.0.0.3"


def test_learned_words_are_replaced_only_as_whole_words() -> None:
    """A team or owner value inside a computer's name stays: names are what a presenter shows."""
    stand = StandIns()
    stand.learn([computer("comp_1", "10.1.1.1", owner="bo")])
    assert stand.apply("support-sandbox-02 build-box-mia") == "support-sandbox-02 build-box-mia"
    assert stand.apply("team support, owner bo") == "team team-1, owner owner-1"


def test_ids_and_ips_are_replaced_inside_urls_even_before_they_are_learned() -> None:
    stand = StandIns()
    url = "https://8080-comp_zz99.sandbox.miosa.app/?ip=192.168.1.20"
    shown = stand.apply(url)
    assert "comp_zz99" not in shown and "192.168.1.20" not in shown
    assert shown == "https://8080-comp-0001.sandbox.miosa.app/?ip=10.0.0.2"


def test_loopback_hosts_are_not_worth_hiding() -> None:
    assert StandIns(api_host="127.0.0.1").apply("http://127.0.0.1:8765") == "http://10.0.0.2:8765"
    assert StandIns(api_host="localhost").apply("localhost") == "localhost"


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80))
def test_text_without_sensitive_values_is_unchanged(text: str) -> None:
    stand = StandIns()
    if "comp_" not in text and not any(ch.isdigit() for ch in text):
        assert stand.apply(text) == text
