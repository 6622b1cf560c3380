"""The stylesheet's parsed rules kept between launches (ui/parsed_css.py): read back only when
they are the rules that text, theme and versions make, only from files nobody else could have
written, and the dashboard drawn from them looks as it does from a fresh parse."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import textual.css.stylesheet
from rich.style import Style
from textual.app import App
from textual.css.stylesheet import StylesheetParseError
from textual.widgets import DataTable, Input
from ui_helpers import loaded_app, wait_for

from miosa_tui.ui.app import STYLESHEET
from miosa_tui.ui.parsed_css import FOLDER, STALE_DAYS, KeptStylesheet, cache_folder

POSIX = pytest.mark.skipif(sys.platform == "win32", reason="file owners and modes are POSIX")
# The simulator's transitions end at once: at the usual speed the computer booting when it
# started was still booting at the cold launch's first poll in some runs, whose next poll then
# marked it (◆), a style the warm launch, later, did not draw (once in a full run, stop 39).
SIM_OPTIONS = {"speed": 100_000.0}
# The app's own stylesheet and two of Textual's widgets' default CSS, as Textual adds them.
SOURCES = [
    (STYLESHEET.read_text(encoding="utf-8"), (str(STYLESHEET), ""), False),
    (DataTable.DEFAULT_CSS, ("textual.widgets._data_table", "DataTable"), True),
    (Input.DEFAULT_CSS, ("textual.widgets._input", "Input"), True),
]


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each CSS text Textual's parser is handed from now on (its read_from's class part)."""
    seen: list[str] = []
    real = textual.css.stylesheet.parse

    def counting(scope: str, css: str, read_from: Any, **kwargs: Any) -> Iterator[Any]:
        seen.append(read_from[1] or read_from[0])
        return real(scope, css, read_from, **kwargs)

    monkeypatch.setattr(textual.css.stylesheet, "parse", counting)
    return seen


def variables(theme: str = "textual-dark") -> dict[str, str]:
    app = App[None]()
    app.theme = theme
    return app.get_css_variables()


def stylesheet(folder: Path | None, theme: str = "textual-dark") -> KeptStylesheet:
    sheet = KeptStylesheet(variables=variables(theme), folder=folder)
    for css, read_from, default in SOURCES:
        sheet.add_source(css, read_from=read_from, is_default_css=default)
    sheet.parse()
    return sheet


def test_rules_read_back_are_the_rules_parsed(tmp_path: Path, parses: list[str]) -> None:
    fresh = stylesheet(None)
    assert len(parses) == 3
    kept = stylesheet(tmp_path)  # parses and keeps
    assert len(parses) == 6 and len(list(tmp_path.glob("*.rules"))) == 3
    read = stylesheet(tmp_path)
    assert len(parses) == 6  # all three read back
    assert read.css == kept.css == fresh.css  # every rule's selectors and declarations
    assert len(read.rules) == len(fresh.rules) > 100


def test_another_text_or_theme_is_parsed_again(tmp_path: Path, parses: list[str]) -> None:
    dark = stylesheet(tmp_path)
    SOURCES.append(("Label { color: $accent; }", ("extra", "Label"), False))
    try:
        stylesheet(tmp_path)
        assert parses[-1] == "Label" and len(parses) == 4  # only the new text
        nord = stylesheet(tmp_path, theme="nord")
        assert len(parses) == 8  # every source again: the theme's colors are in the rules
    finally:
        SOURCES.pop()
    assert nord.css != dark.css
    assert len(list(tmp_path.glob("*.rules"))) == 8


def test_a_theme_change_reads_the_kept_rules_of_that_theme(
    tmp_path: Path, parses: list[str]
) -> None:
    """Textual's reparse (each theme change, the saved theme at launch) goes through them too."""
    nord = stylesheet(tmp_path, theme="nord")
    sheet = stylesheet(tmp_path)
    count = len(parses)
    sheet.set_variables(variables("nord"))
    sheet.reparse()
    assert len(parses) == count and sheet.css == nord.css


@POSIX
@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda f: f.chmod(0o666), id="others-may-write-the-file"),
        pytest.param(lambda f: f.parent.chmod(0o777), id="others-may-write-the-folder"),
        pytest.param(lambda f: f.write_bytes(f.read_bytes()[:50]), id="truncated"),
        pytest.param(lambda f: f.write_bytes(b"not a pickle"), id="not-a-pickle"),
        pytest.param(
            lambda f: f.write_bytes(__import__("pickle").dumps({"not": "rules"})), id="not-rules"
        ),
    ],
)
def test_a_file_that_cannot_be_trusted_or_read_is_parsed_again(
    tmp_path: Path, parses: list[str], spoil: Callable[[Path], None]
) -> None:
    folder = tmp_path / "kept"
    fresh = stylesheet(folder)
    for file in folder.glob("*.rules"):
        spoil(file)
    again = stylesheet(folder)
    assert len(parses) == 6 and again.css == fresh.css


def test_rules_kept_for_another_text_are_not_read(tmp_path: Path, parses: list[str]) -> None:
    """Each file holds what its rules were made of, compared whole: rules under another source's
    name (a clash of the short file names, a copied file) are parsed again."""
    fresh = stylesheet(tmp_path)
    files = sorted(tmp_path.glob("*.rules"))
    contents = [file.read_bytes() for file in files]
    for file, other in zip(files, contents[1:] + contents[:1], strict=True):
        file.write_bytes(other)
    again = stylesheet(tmp_path)
    assert len(parses) == 6 and again.css == fresh.css


@POSIX
@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="chown needs root")
def test_a_file_another_user_owns_is_not_read(tmp_path: Path, parses: list[str]) -> None:
    stylesheet(tmp_path)
    for file in tmp_path.glob("*.rules"):
        os.chown(file, 4242, 4242)
    stylesheet(tmp_path)
    assert len(parses) == 6


@POSIX
def test_a_link_is_not_followed(tmp_path: Path, parses: list[str]) -> None:
    elsewhere = tmp_path / "elsewhere"
    stylesheet(elsewhere)
    folder = tmp_path / "kept"
    folder.mkdir(mode=0o700)
    for file in elsewhere.glob("*.rules"):
        (folder / file.name).symlink_to(file)
    stylesheet(folder)
    assert len(parses) == 6


def test_rules_with_errors_are_not_kept(tmp_path: Path) -> None:
    sheet = KeptStylesheet(variables=variables(), folder=tmp_path)
    sheet.add_source("Label { colour: red; }", read_from=("bad", "Label"))
    with pytest.raises(StylesheetParseError):
        sheet.parse()
    assert not list(tmp_path.glob("*.rules"))


def test_a_cache_that_cannot_be_written_costs_only_the_parse(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    sheet = stylesheet(blocked / FOLDER)
    assert sheet.css == stylesheet(None).css


def test_stale_folders_go_when_a_new_one_is_made(tmp_path: Path) -> None:
    """Another version's folder untouched for STALE_DAYS goes; one in use (another virtual
    environment's Textual, written to lately) stays, and so does anything not ours."""
    stale = tmp_path / "css-py3.9-0badf00d"
    stale.mkdir(mode=0o700)
    (stale / "x.rules").write_bytes(b"old")
    long_ago = time.time() - (STALE_DAYS + 1) * 86400
    os.utime(stale, (long_ago, long_ago))
    in_use = tmp_path / "css-py3.12-0ddba11"
    in_use.mkdir(mode=0o700)
    other = tmp_path / "pictures"
    other.mkdir()
    os.utime(other, (long_ago, long_ago))
    stylesheet(tmp_path / FOLDER)
    assert not stale.exists()
    assert in_use.exists() and other.exists()
    assert len(list((tmp_path / FOLDER).glob("*.rules"))) == 3


def test_the_folder_is_named_by_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIOSA_TUI_CACHE_DIR", "/somewhere")
    assert cache_folder() == Path("/somewhere") / FOLDER
    monkeypatch.setenv("MIOSA_TUI_CACHE_DIR", "")
    assert cache_folder() is None  # nothing kept
    monkeypatch.delenv("MIOSA_TUI_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", "/xdg")
    if sys.platform.startswith("linux"):
        assert cache_folder() == Path("/xdg/miosa-tui") / FOLDER


def drawn_styles(app: Any) -> set[Style]:
    """Every style on the terminal: the colours and attributes of each widget drawn."""
    return {
        segment.style
        for strip in app.screen._compositor.render_strips()
        for segment in strip
        if segment.style
    }


@pytest.mark.parametrize("theme", ["textual-dark", "nord"])
async def test_the_dashboard_drawn_from_kept_rules_looks_as_parsed(
    sim: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    parses: list[str],
    theme: str,
) -> None:
    """Cold (every source parsed and kept), then warm (every source read back): the same
    styles on screen, side panes and the saved theme included."""
    monkeypatch.setenv("MIOSA_TUI_CACHE_DIR", str(tmp_path / "cache"))
    looks = []
    for launch in ("cold", "warm"):
        before = len(parses)
        async with loaded_app(sim, tmp_path, theme=theme) as (app, pilot):
            await wait_for(pilot, lambda: app.dashboard.side_panes is not None, "side panes")
            await pilot.pause()
            assert isinstance(app.stylesheet, KeptStylesheet) and app.theme == theme
            looks.append(drawn_styles(app))
        if launch == "cold":
            assert len(parses) > before
        else:
            assert len(parses) == before, parses[before:]
    assert looks[0] == looks[1]
    assert len(looks[1]) > 10
