"""The dashboard's command line is parsed without building every command's parser
(`parse_command_line`), with the very result, help and errors of the whole parser."""

from __future__ import annotations

import argparse

import pytest

from miosa_tui.cli import parser as cli_parser
from miosa_tui.cli.parser import build_parser, parse_command_line

LINES = [
    [],
    ["--demo"],
    ["--demo", "--fleet", "3000", "--speed", "2.5", "--seed", "9"],
    ["--fleet=40", "--read-only", "--theme", "nord", "--image-renderer", "sixel"],
    ["--base-url", "http://127.0.0.1:9/api/v1", "--tenant", "acme", "--profile", "work"],
    ["--poll-interval", "2", "--record", "demo.cast", "--present"],
    ["--dem", "--flee", "5"],  # abbreviations, as argparse allows them
    ["ls", "--json"],
    ["--read-only", "stop", "c-1"],
    ["--demo", "ls", "--problems"],
    ["sim", "--fleet", "50"],
    ["journal"],
    ["tour", "--auto"],
]

REFUSED = [
    ["--fleet"],  # no value
    ["--fleet", "many"],  # not a number
    ["--image-renderer", "ascii-art"],  # not a choice
    ["--s", "3"],  # ambiguous: --seed or --speed
    ["--bogus"],
    ["lss"],  # a command mistyped
    ["-h"],
    ["--help"],
    ["--version"],
    ["ls", "--bogus"],
]


@pytest.mark.parametrize("argv", LINES, ids=" ".join)
def test_a_line_parses_as_the_whole_parser_parses_it(argv: list[str]) -> None:
    assert vars(parse_command_line(argv)) == vars(build_parser(argv).parse_args(argv))


def _outcome(
    parse: object, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> tuple[object, str, str]:
    assert callable(parse)
    with pytest.raises(SystemExit) as ended:
        parse(argv)
    out, err = capsys.readouterr()
    return ended.value.code, out, err


@pytest.mark.parametrize("argv", REFUSED, ids=" ".join)
def test_help_version_and_mistakes_are_worded_by_the_whole_parser(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    lean = _outcome(parse_command_line, argv, capsys)
    whole = _outcome(lambda line: build_parser(line).parse_args(line), argv, capsys)
    assert lean == whole
    assert lean[1] or lean[2]  # it did say something


def test_the_dashboards_line_builds_no_command_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[object] = []
    real = cli_parser.build_parser

    def spy(argv: object = None) -> argparse.ArgumentParser:
        built.append(argv)
        return real(argv)  # type: ignore[arg-type]

    monkeypatch.setattr(cli_parser, "build_parser", spy)
    assert parse_command_line(["--demo", "--fleet", "30"]).fleet == 30
    assert built == []
    assert parse_command_line(["ls"]).command == "ls"
    assert built == [["ls"]]
