"""The committed screenshots/ (made by scripts/make_screenshots.py): present, and free of secrets.

The script itself checks the exact key, VNC passwords and token it used; this guards the files
in the repository against anything key-shaped, in the raw SVG and in its joined-up text."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

SHOTS = Path(__file__).resolve().parent.parent / "screenshots"
EXPECTED = (
    "dashboard",
    "details",
    "region-select",
    "access",
    "destroy-dialog",
    "help",
    "journal",
)


def svg_text(svg: str) -> str:
    runs = re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)
    return "".join(html.unescape(re.sub(r"<[^>]+>", "", run)) for run in runs)


@pytest.mark.parametrize("name", EXPECTED)
def test_screenshot_exists_and_shows_no_secret(name: str) -> None:
    path = SHOTS / f"{name}.svg"
    assert path.exists(), f"run scripts/make_screenshots.py to create {path.name}"
    raw = path.read_text(encoding="utf-8")
    assert raw.lstrip().startswith("<svg")
    for text in (raw, svg_text(raw)):
        assert not re.search(r"msk_[A-Za-z0-9]+_[A-Za-z0-9]", text), f"{name}: an API key"
        assert "Bearer " not in text


def test_access_screenshot_masks_password_and_token() -> None:
    text = svg_text((SHOTS / "access.svg").read_text(encoding="utf-8")).replace("\xa0", " ")
    assert "password" in text and "••••••••" in text
    assert "stream" in text
