"""The simulator refuses bad names and unstorable text over HTTP, and a refusal changes nothing.

Names follow the one rule in miosa_tui.naming: the 422 message is the sentence the dashboard
shows. Text that is not valid UTF-8 (a lone surrogate sent as a JSON escape) or that carries a
control character is refused in every field a request can store.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from miosa_tui.fleet.actions import validate_name
from miosa_tui.sim.server import SimServer

KEY = "msk_u_test_0000"


class FrozenClock:
    """Nothing transitions on its own, so two lists taken apart are equal unless a write landed."""

    def __call__(self) -> float:
        return 1000.0


@pytest.fixture
def server(sim_factory: Callable[..., SimServer]) -> SimServer:
    return sim_factory(fleet=6, speed=1.0, clock=FrozenClock())


@pytest.fixture
def client(server: SimServer) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {KEY}"}
    with httpx.Client(base_url=server.base_url, headers=headers) as c:
        yield c


def fleet_bytes(client: httpx.Client) -> bytes:
    r = client.get("/computers")
    assert r.status_code == 200
    return r.content


def raw_json(client: httpx.Client, method: str, path: str, text: str) -> httpx.Response:
    """Send `text` as the body verbatim, so JSON escapes like \\udc9b reach the server as such."""
    headers = {"Content-Type": "application/json"}
    return client.request(method, path, content=text.encode("ascii"), headers=headers)


def with_status(client: httpx.Client, status: str) -> dict[str, Any]:
    body = client.get("/computers").json()
    found: dict[str, Any] = next(c for c in body["data"] if c["status"] == status)
    return found


def assert_refused(r: httpx.Response, field: str, message: str | None = None) -> None:
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["code"] == "VALIDATION_FAILED"
    assert body["error"] == body["message"]
    assert field in body["errors"]
    if message is not None:
        assert body["message"] == message
        assert body["errors"][field] == [message]


BAD_NAMES = [
    "",
    "Bad Name",
    "Web-1",
    "1web",
    "web_1",
    "wéb",
    "web-",
    "a" * 64,
    "web\x1b]52;c;aGk=\x07",
    "web\u202e",
    "web\u200b",
    "\t",
    "web\n",
    " web\x85",
]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_create_refuses_a_bad_name_with_the_dashboards_sentence(
    client: httpx.Client, name: str
) -> None:
    before = fleet_bytes(client)
    r = client.post("/computers", json={"name": name})
    sentence = validate_name(name)
    assert sentence is not None
    assert_refused(r, "name", sentence)
    assert fleet_bytes(client) == before


def test_clone_and_rename_refuse_a_bad_name_with_the_same_sentence(client: httpx.Client) -> None:
    running = with_status(client, "running")
    before = fleet_bytes(client)
    for method, path, body in (
        ("POST", f"/computers/{running['id']}/clone", {"name": "Bad Name"}),
        ("PATCH", f"/computers/{running['id']}", {"name": "Bad Name"}),
        ("POST", f"/computers/{running['id']}", {"name": "Bad Name"}),  # CG's update
    ):
        r = client.request(method, path, json=body)
        assert_refused(r, "name", validate_name("Bad Name"))
    assert fleet_bytes(client) == before


def test_the_issues_example_gets_the_dashboards_sentence(client: httpx.Client) -> None:
    r = client.post("/computers", json={"name": "Bad Name"})
    assert r.json()["message"] == "Name must start with a lowercase letter."
    r = client.post("/computers", json={"name": "bad name"})
    assert r.json()["message"] == (
        "Name may contain only lowercase letters, digits and hyphens (found a space)."
    )
    r = client.post("/computers", json={"name": 7})
    assert_refused(r, "name", "Name must be text.")


def test_a_lone_surrogate_name_is_refused_and_the_list_keeps_working(
    client: httpx.Client, server: SimServer
) -> None:
    """The poisoning of issue 11: this create used to answer 500 *and* store the name, after
    which every GET /computers answered 500."""
    before = fleet_bytes(client)
    cid = with_status(client, "running")["id"]
    for method, path in (
        ("POST", "/computers"),
        ("POST", f"/computers/{cid}/clone"),
        ("PATCH", f"/computers/{cid}"),
    ):
        r = raw_json(client, method, path, '{"name": "web\\udc9b"}')
        assert_refused(
            r,
            "name",
            "Name may contain only lowercase letters, digits and hyphens (found U+DC9B).",
        )
        r = raw_json(client, method, path, '{"name": "\\udc9b "}')
        assert_refused(
            r,
            "name",
            "Name may contain only lowercase letters, digits and hyphens (found U+DC9B).",
        )
    assert fleet_bytes(client) == before
    log = httpx.get(server.root_url + "/_sim/requests")
    assert log.status_code == 200
    assert any(e["json"] == {"name": "\\udc9b "} for e in log.json())


# Every field a create, clone, update or move stores, with unstorable text in it. json.dumps
# (ensure_ascii) writes the lone surrogate as the escape "\\udc9b", as a hostile client would.
S = "\udc9b"
E = "\x1b"
BAD_FIELDS: list[tuple[str, str, dict[str, Any], str]] = [
    # (method, path template, body, the field `errors` names)
    ("POST", "/computers", {"name": "ok", "metadata": {"note": f"a{S}"}}, "metadata.note"),
    ("POST", "/computers", {"name": "ok", "metadata": {"note": f"a{E}[2J"}}, "metadata.note"),
    ("POST", "/computers", {"name": "ok", "metadata": {f"k{E}": "v"}}, "metadata.kU+001B"),
    ("POST", "/computers", {"name": "ok", "metadata": {"a": [{"b": S}]}}, "metadata.a[0].b"),
    ("POST", "/computers", {"name": "ok", "visibility": f"public{S}"}, "visibility"),
    ("POST", "/computers", {"name": "ok", "visibility": f"public{E}"}, "visibility"),
    ("POST", "/computers", {"name": "ok", "region": f"us-mia{S}"}, "region"),
    ("POST", "/computers", {"name": "ok", "region": f"us-mia{E}"}, "region"),
    ("POST", "/computers", {"name": "ok", "size": f"small{S}"}, "size"),
    ("POST", "/computers", {"name": "ok", "size": "small\x85"}, "size"),
    ("POST", "/computers", {"name": "ok", "template_type": f"miosa-desktop{E}"}, "template_type"),
    ("POST", "/computers", {"name": "ok", "workspace_id": f"ws{S}"}, "workspace_id"),
    ("POST", "/computers", {"name": "ok", "workspace_id": "ws\x07"}, "workspace_id"),
    ("POST", "/computers", {"name": "ok", S: 1}, "U+DC9B"),
    ("POST", "/computers/{id}/clone", {"region": f"us-la{S}"}, "region"),
    ("POST", "/computers/{id}/clone", {"size": f"xs{E}"}, "size"),
    ("PATCH", "/computers/{id}", {"metadata": {"note": f"{E}]0;title\x07"}}, "metadata.note"),
    ("PATCH", "/computers/{id}", {"visibility": f"key{S}"}, "visibility"),
    ("PATCH", "/computers/{id}", {"name": "fine", "visibility": "nope"}, "visibility"),
    ("POST", "/computers/{stopped}/move", {"region": "us-la", "host_id": f"h{E}"}, "host_id"),
    ("POST", "/computers/{stopped}/move", {"host_id": f"h{S}"}, "host_id"),
    ("POST", "/computers/{id}/resize", {"size": f"large{S}"}, "size"),
]


@pytest.mark.parametrize(("method", "path", "body", "field"), BAD_FIELDS)
def test_unstorable_text_is_refused_in_every_stored_field(
    client: httpx.Client, method: str, path: str, body: dict[str, Any], field: str
) -> None:
    target = path.format(
        id=with_status(client, "running")["id"], stopped=with_status(client, "stopped")["id"]
    )
    before = fleet_bytes(client)
    r = raw_json(client, method, target, json.dumps(body))
    assert_refused(r, field)
    message = r.json()["message"]
    assert all(ch.isprintable() for ch in message), message  # nothing raw is echoed back
    assert fleet_bytes(client) == before


def test_printable_unicode_metadata_is_stored(client: httpx.Client) -> None:
    r = client.post("/computers", json={"name": "ok", "metadata": {"note": "café 数据 🚀", "n": 3}})
    assert r.status_code == 201
    assert r.json()["metadata"] == {"note": "café 数据 🚀", "n": 3}


def test_duplicate_names_are_allowed(client: httpx.Client) -> None:
    first = client.post("/computers", json={"name": "twin"})
    second = client.post("/computers", json={"name": "twin"})
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] != second.json()["id"]
    assert first.json()["slug"] != second.json()["slug"]
    names = [c["name"] for c in client.get("/computers").json()["data"]]
    assert names.count("twin") == 2


def test_a_valid_rename_is_stored_stripped(client: httpx.Client) -> None:
    cid = with_status(client, "running")["id"]
    r = client.patch(f"/computers/{cid}", json={"name": "  renamed-1 "})
    assert r.status_code == 200 and r.json()["name"] == "renamed-1"
    assert client.get(f"/computers/{cid}").json()["name"] == "renamed-1"
