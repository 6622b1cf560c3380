"""No module builds markup from data: an AST scan of miosa_tui/.

A string given to Static(), Label(), `.update()`, a border title or a `from_markup` is read as
markup by Textual (and a `style=` string is parsed as a style). Such a string built at run time
(an f-string, a concatenation, `%` or `.format`) may carry API text, so it must be a `Text` or a
`Content` made by `miosa_tui.safe_text` / `miosa_tui.ui.safe_content` instead. Every notify()
passes markup=False. Exceptions are listed in ALLOWED with the reason they are safe.
"""

from __future__ import annotations

import ast
from pathlib import Path

import miosa_tui

ROOT = Path(miosa_tui.__file__).parent

# Widgets and methods that read a str argument as markup.
MARKUP_CALLS = {"Static", "Label", "update", "from_markup", "render_str"}
MARKUP_ATTRIBUTES = {"border_title", "border_subtitle"}

# (file under miosa_tui/, source of the flagged expression): reviewed and safe.
ALLOWED: dict[tuple[str, str], str] = {}


def built(node: ast.expr | None) -> bool:
    """True for a string built at run time rather than written in the source."""
    if node is None:
        return False
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.FormattedValue) for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        return True
    if isinstance(node, ast.IfExp):
        return built(node.body) or built(node.orelse)
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("format", "join")
        and isinstance(node.func.value, ast.Constant)
    )


def call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def findings(path: Path) -> list[tuple[str, str, str]]:
    """(file, what is wrong, source) for each markup built from data in `path`."""
    source = path.read_text(encoding="utf-8")
    name = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name
    found: list[tuple[str, str, str]] = []

    def add(problem: str, node: ast.AST) -> None:
        segment = ast.get_source_segment(source, node) or ""
        if (name, segment) not in ALLOWED:
            found.append((name, problem, segment))

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            called = call_name(node)
            if called == "notify":
                markup = [k for k in node.keywords if k.arg == "markup"]
                value = markup[0].value if markup else None
                if not (isinstance(value, ast.Constant) and value.value is False):
                    add("notify() without markup=False", node)
            if called in MARKUP_CALLS and node.args and built(node.args[0]):
                add(f"{called}() of a built string", node.args[0])
            if called == "from_markup" and node.args and not isinstance(node.args[0], ast.Constant):
                add("from_markup() of a value", node.args[0])
            for keyword in node.keywords:
                if keyword.arg == "style" and built(keyword.value):
                    add("style= of a built string", keyword.value)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if (
                    isinstance(target, ast.Attribute)
                    and target.attr in MARKUP_ATTRIBUTES
                    and built(node.value)
                ):
                    add(f"{target.attr} = a built string", node.value)
    return found


def test_no_module_builds_markup_from_data() -> None:
    found = [f for path in sorted(ROOT.rglob("*.py")) for f in findings(path)]
    assert found == []


def test_the_scan_sees_each_kind_of_violation(tmp_path: Path) -> None:
    """The scan must be able to fail: one example of each pattern it forbids."""
    bad = tmp_path / "probe.py"
    bad.write_text(
        "def f(app, w, name, box):\n"
        "    app.notify(f'Started {name}')\n"
        "    app.notify('plain', markup=True)\n"
        "    w.update(f'[b]{name}[/b]')\n"
        "    Static('x ' + name)\n"
        "    Label('{}'.format(name))\n"
        "    Content.from_markup(name)\n"
        "    Text('x', style=f'link {name}')\n"
        "    box.border_title = f'Clone {name}'\n"
        "    app.notify(name, markup=False)\n"
        "    w.update(safe(f'ok {name}'))\n",
        encoding="utf-8",
    )
    problems = [problem for _, problem, _ in findings(bad)]
    assert sorted(problems) == sorted(
        [
            "notify() without markup=False",
            "notify() without markup=False",
            "update() of a built string",
            "Static() of a built string",
            "Label() of a built string",
            "from_markup() of a value",
            "style= of a built string",
            "border_title = a built string",
        ]
    )
