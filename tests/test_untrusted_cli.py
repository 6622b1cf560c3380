"""The hostile fleet (tests/hostile_api.py) through every CLI command, the journal export, and the
rules of miosa_tui/safe_text.py one by one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile_api import CLIP_PAYLOAD, ESC, NAMES, TITLE_MARK, URLS, HostileApi
from hypothesis import given
from hypothesis import strategies as st
from rich.text import Text

from miosa_tui import cli
from miosa_tui.fleet.journal import Journal
from miosa_tui.safe_text import (
    clip,
    escape_char,
    has_control,
    is_hidden,
    json_escape_hidden,
    printable,
    safe,
    safe_line,
    url_problem,
)

SAFE_URLS = ("https://good.example/path?q=1", "https://markup.example/[/]")  # brackets are harmless


@pytest.fixture(scope="module")
def api() -> Iterator[HostileApi]:
    with HostileApi() as server:
        yield server


@pytest.fixture
def env(api: HostileApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for key in list(os.environ):
        if key.startswith("MIOSA_"):
            monkeypatch.delenv(key)
    values = {
        "MIOSA_BASE_URL": api.base_url,
        "MIOSA_API_KEY": "msk_hostile",
        "MIOSA_TUI_CONFIG": str(tmp_path / "none.toml"),
    }
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    return values


def hidden(text: str) -> list[str]:
    """Characters of command output that must never reach a terminal (a newline may)."""
    return [repr(c) for c in text if c != "\n" and is_hidden(c)]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    try:
        code = cli.main(argv)
    except SystemExit as exc:  # argparse
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out + out.err


READS = [
    ["ls"],
    ["ls", "--status", "running"],
    ["apps", "h01"],
    ["urls", "h01"],
    ["vnc", "h01"],
    ["vnc", "h01", "--reveal"],
    ["token", "h01"],
    ["preview-url", "h01", "3000"],
    ["public-url", "h01"],
    ["wait", "h01", "running", "--timeout", "5"],
    ["get", "no-such"],
    ["doctor"],
    ["screenshot", "h01", "-o", "{tmp}/shot.png"],
    ["screenshot", "h01", "--region", "0,0,500,500", "-o", "{tmp}/region.png"],
]
ACTIONS = [
    ["start", "h08"],
    ["stop", "h01"],
    ["restart", "h01"],
    ["destroy", "h01", "--yes"],
    ["clone", "h01"],
    ["resize", "h01", "--size", "large"],
    ["move", "h01", "--region", "eu-fra"],
    ["create", "--name", "x"],
]


@pytest.mark.parametrize("argv", READS + ACTIONS, ids=lambda a: " ".join(a))
def test_every_command_prints_only_printable_text(
    argv: list[str], env: dict[str, str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, text = run([a.replace("{tmp}", str(tmp_path)) for a in argv], capsys)
    assert "Traceback" not in text
    assert code in (0, 1, 2), text
    assert hidden(text) == []
    if argv[0] in ("ls", "apps", "urls", "vnc") and code == 0:
        assert "\\x1b" in text  # shown as a visible escape, not dropped


def test_get_shows_every_computer_literally(
    api: HostileApi, env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    for computer in api.computers:
        code, text = run(["get", str(computer["id"])], capsys)
        assert code == 0, text
        assert hidden(text) == []
        assert len(text.splitlines()) == 14  # one line per field: a newline in a value is escaped
        name = computer["name"]
        if isinstance(name, str) and name:
            assert printable(name) in text


def test_ls_text_and_json(
    api: HostileApi, env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, text = run(["ls"], capsys)
    assert code == 0
    assert len(text.splitlines()) == 2 + len(api.computers)
    assert "[@click=app.quit]x[/]" in text and f"osc0\\x1b]0;{TITLE_MARK}\\x07" in text
    assert "L" * 99 + "…" in text  # 500 characters end in an ellipsis
    code, text = run(["ls", "--json"], capsys)
    assert code == 0
    listed = json.loads(text)
    assert [c["id"] for c in listed] == [c["id"] for c in api.computers]
    assert listed[1]["name"] == "x[/]"  # --json keeps the exact value, escaped by JSON


def test_the_real_binary_writes_no_control_byte(api: HostileApi, env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "miosa_tui", "ls"],
        capture_output=True,
        env={**os.environ, **env},
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    raw = done.stdout + done.stderr
    assert [b for b in raw if (b < 0x20 and b != 0x0A) or b == 0x7F] == []
    assert b"\xc2\x9b" not in raw and b"\xc2\x9d" not in raw  # 8-bit CSI and OSC as UTF-8


def test_journal_export_text_and_json(tmp_path: Path) -> None:
    journal = Journal()
    for index, name in enumerate(NAMES):
        journal.record(
            "start",
            f"h{index:02d}",
            str(name),
            "failed",
            f"refused {name}",
            f"req_{ESC}]52;c;{CLIP_PAYLOAD}\x07",
        )
    text_file = journal.export(tmp_path / "journal.txt", "text")
    raw = text_file.read_bytes()
    assert [b for b in raw if (b < 0x20 and b != 0x0A) or b == 0x7F] == []
    content = raw.decode("utf-8")
    assert hidden(content) == []
    assert f"osc52\\x1b]52;c;{CLIP_PAYLOAD}\\x07" in content
    assert "bidi\\u202eexe.txt\\u202c" in content and "lone\\udc9bsurrogate" in content
    json_file = journal.export(tmp_path / "journal.json", "json")
    content = json_file.read_bytes().decode("utf-8")
    assert hidden(content) == []
    rows = json.loads(content)
    assert [r["target_name"] for r in rows] == [str(n) for n in NAMES]  # the exact values


# -- the rules of safe_text, family by family ------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("a\x1b[2Jb", "a\\x1b[2Jb"),
        ("t\x1b]0;x\x07", "t\\x1b]0;x\\x07"),
        ("s\x1b]52;c;eA==\x1b\\", "s\\x1b]52;c;eA==\\x1b\\"),
        ("\x9b2J\x9d\x9c\x90\x98\x9e\x9f", "\\x9b2J\\x9d\\x9c\\x90\\x98\\x9e\\x9f"),
        ("\x00\x08\r\n\t\x7f", "\\x00\\x08\\x0d\\x0a\\x09\\x7f"),
        ("a\u202eb\u2066c\u2069", "a\\u202eb\\u2066c\\u2069"),
        ("z\u200b\u200c\u200d\ufeff\u2060", "z\\u200b\\u200c\\u200d\\ufeff\\u2060"),
        ("x\udc9by", "x\\udc9by"),
        ("\u2028\u2029", "\\u2028\\u2029"),
        ("tag\U000e0041", "tag\\U000e0041"),
        ("[/] [@click=app.quit]q[/] $accent", "[/] [@click=app.quit]q[/] $accent"),
        ("中文 🚀 é", "中文 🚀 é"),
        (None, ""),
        (12, "12"),
        (["x"], "['x']"),
    ],
)
def test_printable(raw: object, shown: str) -> None:
    assert printable(raw) == shown
    assert not has_control(printable(raw))
    assert printable(printable(raw)) == printable(raw)  # idempotent


@given(st.text(alphabet=st.characters(codec="utf-8") | st.characters(max_codepoint=0x7F)))
def test_printable_escapes_exactly_the_hidden_characters(raw: str) -> None:
    # `printable` returns printable ASCII as it is without looking at each character
    assert printable(raw) == "".join(escape_char(c) if is_hidden(c) else c for c in raw)


def test_printable_multiline_and_limit() -> None:
    assert printable("a\nb\tc\rd", multiline=True) == "a\nb c\\x0dd"
    assert printable("L" * 500, limit=10) == "L" * 9 + "…"
    assert clip("中文中文", 5) == "中文…"
    assert clip("abc", 3) == "abc"


def test_safe_is_text_never_markup() -> None:
    text = safe("[bold red]z[/] [@click=app.quit]x[/]\x1b[2J", "bold")
    assert isinstance(text, Text)
    assert text.plain == "[bold red]z[/] [@click=app.quit]x[/]\\x1b[2J"
    assert text.spans == []
    line = safe_line("Go to ", ("[/]\x07", "bold"))
    assert line.plain == "Go to [/]\\x07"


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://good.example/a?b=1#c", True),
        ("http://10.0.0.1:8080/", True),
        ("HTTPS://UPPER.example", True),
        ("javascript:alert(1)", False),
        ("file:///etc/passwd", False),
        ("ftp://x.example", False),
        ("https://ok.example/\ntouch ~/pwned", False),
        ("https://ok.example/ x", False),
        (" https://lead.example", False),
        ("https://e.example/\x1b]52;c;eA==\x07", False),
        ("https://e.example/\u202etxt", False),
        ("https://e.example/\u200b", False),
        ("http://[::1", False),
        ("https://", False),
        ("", False),
        (None, False),
        *[(u, u in SAFE_URLS) for _, u in URLS if isinstance(u, str)],
    ],
)
def test_url_problem(url: object, ok: bool) -> None:
    assert (url_problem(url) is None) is ok


def test_json_escape_hidden_keeps_the_value() -> None:
    value = {"name": "a\x1b\x9b\u202e\udc9b\U000e0041 中\n", "n": [1, None]}
    encoded = json_escape_hidden(json.dumps(value, indent=2, ensure_ascii=False))
    assert hidden(encoded) == []
    assert json.loads(encoded) == value
    encoded.encode("utf-8")  # a lone surrogate, escaped, no longer stops the write
