"""Import hygiene: the core (api/, fleet/, sim/) never loads Textual, and neither do the headless
commands. Each check runs in a fresh interpreter, so nothing imported by other tests can hide a
violation (or fake one)."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import miosa_tui

CORE = ("api", "fleet", "sim")
ROOT = Path(miosa_tui.__file__).parent


def core_modules() -> list[str]:
    names = []
    for package in CORE:
        names.append(f"miosa_tui.{package}")
        for info in pkgutil.walk_packages([str(ROOT / package)], f"miosa_tui.{package}."):
            names.append(info.name)
    return sorted(names)


def fresh(code: str, env: dict[str, str] | None = None) -> dict[str, object]:
    """Run `code` in a new interpreter; it must print one JSON line last."""
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_the_core_module_list_is_complete() -> None:
    modules = core_modules()
    for expected in ("miosa_tui.api.transport", "miosa_tui.fleet.poller", "miosa_tui.sim.routes"):
        assert expected in modules
    assert not any(m.startswith("miosa_tui.ui") for m in modules)


@pytest.mark.parametrize("package", CORE)
def test_core_packages_never_import_textual(package: str) -> None:
    modules = [m for m in core_modules() if m.split(".")[1] == package]
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps({'textual': sorted(m for m in sys.modules "
        "if m == 'textual' or m.startswith(('textual.', 'textual_image')))}))\n"
    )
    assert fresh(code)["textual"] == []


def test_sim_never_imports_the_client_and_the_client_never_imports_sim() -> None:
    code = (
        "import importlib, json, sys\n"
        "res = {}\n"
        "for pkg, banned in (('sim', ('miosa_tui.api', 'miosa_tui.fleet')), "
        "('api', ('miosa_tui.sim',))):\n"
        "    before = set(sys.modules)\n"
        "    for name in MODULES[pkg]:\n"
        "        importlib.import_module(name)\n"
        "    res[pkg] = sorted(m for m in set(sys.modules) - before if m.startswith(banned))\n"
        "    for m in [m for m in sys.modules if m.startswith('miosa_tui.')]:\n"
        "        del sys.modules[m]\n"
        "print(json.dumps(res))\n"
    )
    modules = {p: [m for m in core_modules() if m.split(".")[1] == p] for p in ("sim", "api")}
    result = fresh(f"MODULES = {modules!r}\n" + code)
    assert result == {"sim": [], "api": []}


HEADLESS = (
    "import contextlib, io, json, sys, os\n"
    "from miosa_tui import cli\n"
    "out = io.StringIO()\n"
    "code = None\n"
    "with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):\n"
    "    try:\n"
    "        code = cli.main(ARGV)\n"
    "    except SystemExit as exc:\n"
    "        code = exc.code\n"
    "print(json.dumps({'code': code, 'out': out.getvalue(), "
    "'textual': sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')), "
    "'modules': sorted(sys.modules)}))\n"
)
# What `ls --json` has no use for: rich's Text (it prints plain strings), the history and
# problem modules (it records nothing), httpx's command-line client.
NOT_IN_LS = ("rich.text", "rich.style", "miosa_tui.fleet.history", "sqlite3", "httpx._main")


@pytest.mark.parametrize(
    "argv",
    [
        ["ls", "--demo", "--json"],
        ["--version"],
        ["sim", "--help"],
        ["get", "--demo", "nope"],
        ["config", "show"],
        ["doctor", "--json"],
    ],
)
def test_headless_commands_never_load_textual(argv: list[str], tmp_path: Path) -> None:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("MIOSA_")}
    env["MIOSA_TUI_CONFIG"] = str(tmp_path / "none.toml")
    result = fresh(f"ARGV = {argv!r}\n" + HEADLESS, env=env)
    assert result["textual"] == []
    if argv[0] == "ls":
        assert result["code"] == 0 and len(json.loads(str(result["out"]))) == 12
        modules = set(result["modules"])  # type: ignore[call-overload]
        assert "httpx" in modules
        assert sorted(modules.intersection(NOT_IN_LS)) == []


# What each layer may import from the package (DESIGN.md: imports point downward). Read from the
# source with `ast`, so an import inside a function, made lazily, counts as well.
ALLOWED = {
    "api": {"api"},
    "sim": {"sim"},
    "fleet": {"fleet", "api", "safe_text"},
    "ui": {"ui", "fleet", "api", "config", "backend", "safe_text", "platforms"},
    "cli": {"cli", "ui", "fleet", "api", "sim", "config", "backend", "safe_text", "platforms"},
}
# miosa_tui/naming.py (the one name rule) and miosa_tui/startup_gc.py (the collector paused
# while the program starts) are stdlib-only leaves: every layer may import them.
for _layer in ALLOWED.values():
    _layer.update(("naming", "startup_gc"))


def package_imports(path: Path) -> set[str]:
    """The first component under miosa_tui of every module `path` imports ('api', 'ui', ...)."""
    import ast

    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "miosa_tui" and len(parts) > 1:
                found.add(parts[1])
    return found


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_imports_point_downward(layer: str) -> None:
    wrong = {
        str(path.relative_to(ROOT)): sorted(package_imports(path) - ALLOWED[layer])
        for path in sorted((ROOT / layer).rglob("*.py"))
    }
    assert {name: bad for name, bad in wrong.items() if bad} == {}


@pytest.mark.parametrize("leaf", ["naming", "startup_gc"])
def test_the_leaves_every_layer_may_import_are_stdlib_only(leaf: str) -> None:
    assert package_imports(ROOT / f"{leaf}.py") == set()
    code = (
        "import json, sys\n"
        "before = set(sys.modules)\n"
        f"import miosa_tui.{leaf}\n"
        "print(json.dumps(sorted(m for m in set(sys.modules) - before "
        f"if m.startswith('miosa_tui.') and m != 'miosa_tui.{leaf}')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


# Widgets whose style travels with them (DESIGN.md: DEFAULT_CSS only in widgets meant to be reused
# on their own). StripImage draws a picture as rows of half-cells; its size is its content's.
REUSABLE_STYLED = {"ui/widgets/desktop/strips.py"}


def test_screen_and_pane_style_lives_in_the_one_stylesheet() -> None:
    """Every app-specific screen and pane is styled in ui/app.tcss, not in a DEFAULT_CSS."""
    styled = {
        str(path.relative_to(ROOT))
        for path in sorted(ROOT.rglob("*.py"))
        if "DEFAULT_CSS" in path.read_text(encoding="utf-8")
    }
    assert styled == REUSABLE_STYLED


# Loaded by nothing the first screen draws: each is imported when first used (a dialog opened,
# the journal shown, a desktop picture decoded, the simulator asked for), never before the first
# painted table. Prefixes: a name matches itself and its submodules.
NOT_BEFORE_FIRST_PAINT = (
    "httpx._main",  # httpx's command-line client (click, pygments): miosa_tui/api/lean_httpx.py
    "click",
    "pygments",
    "rich.syntax",
    "rich.progress",
    "PIL",  # desktop pictures: decoded when the first one arrives
    "textual_image",
    "miosa_tui.sim",  # the real API path never loads the simulator
    "miosa_tui.cli.doctor",
    "miosa_tui.cli.serve",
    "miosa_tui.cli.triage",
    "miosa_tui.cli.headless",
    "textual.widgets._rich_log",  # the journal pane (and with it rich.pretty and attrs)
    "rich.pretty",
    "attr",
    "miosa_tui.ui.widgets.journal_pane",
    "textual.widgets._text_area",  # the copy menu's TextArea
    "textual.document",
    "miosa_tui.ui.screens.copy_menu",
    "miosa_tui.ui.screens.confirm",
    "miosa_tui.ui.screens.forms",
    "miosa_tui.ui.screens.region_select",
    "miosa_tui.ui.screens.help",
    "miosa_tui.ui.screens.wall",
    "miosa_tui.ui.screens.dialogs",
    "miosa_tui.ui.screens.describe",
    "miosa_tui.ui.widgets.access.confirm_copy",
    "miosa_tui.fleet.incident",
    # The side panes: built after the first rows are painted (DashboardScreen._mount_side_panes)
    "miosa_tui.ui.widgets.side_panes",
    "miosa_tui.ui.widgets.desktop.pane",
    "miosa_tui.ui.widgets.desktop.display",
    "miosa_tui.ui.widgets.access",
    "miosa_tui.ui.widgets.details",
    "miosa_tui.ui.widgets.timeline",
    "textual.widgets._tabbed_content",
    # httpx and what its AsyncClient brings: the first page comes over the standard library
    # (miosa_tui/api/plain_get.py), the Transport is made when a request needs it
    "miosa_tui.api.transport",
    "miosa_tui.ui.tour",  # `miosa-tui tour` only
    "miosa_tui.ui.widgets.tour_caption",
    "miosa_tui.ui.commands",  # the palette's commands: when the palette first opens (ui/app.py)
    "miosa_tui.ui.recording",  # `--record` only
    "miosa_tui.ui.present_filter",  # presenter mode only (`--present`, the palette)
    "miosa_tui.fleet.standins",
    "miosa_tui.ui.widgets.key_echo",
    "miosa_tui.ui.widgets.computer_pane",  # the side panes' contract: a type only before them
    "secrets",  # the embedded simulator's key only (backend.py)
    "httpx",
    "httpcore",
    "anyio",
    "h11",
    # nor the standard library's HTTP client: the first page is one GET on a socket, the
    # host handed to getaddrinfo as bytes (no IDNA codec); the email package comes with both
    "http.client",
    "email",
    "encodings.idna",
    "tomllib",  # no config file, nothing to parse (config.py)
    "rich._emoji_codes",  # column labels are Text, never markup (computer_table.py)
    "shlex",  # `miosa-tui config edit` only
    "textual.widgets._footer",  # the key bar is one widget of ours (ui/widgets/footer.py)
)


def first_paint_modules(base_url: str, tmp_path: Path) -> list[str]:
    """Run `python -m miosa_tui` on a pseudo-terminal against the API at `base_url` until its
    first painted table (MIOSA_TUI_FIRST_PAINT_FILE: the dashboard notes it and exits); the
    modules it had loaded by then."""
    import contextlib
    import os

    from conftest import API_KEY
    from platform_sim import PtySession

    marker = tmp_path / "painted"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MIOSA_", "TEXTUAL"))}
    env.update(
        TERM="xterm-256color",
        COLORTERM="truecolor",
        MIOSA_API_KEY=API_KEY,
        MIOSA_BASE_URL=base_url,
        MIOSA_TUI_CONFIG=str(tmp_path / "none.toml"),
        MIOSA_TUI_FIRST_PAINT_FILE=str(marker),
    )
    app = PtySession([sys.executable, "-m", "miosa_tui"], env, block_sighup=False)
    try:
        # PtySession gives up (AssertionError) when the pty closes, which is how this run ends.
        with contextlib.suppress(AssertionError):
            app.read_until(lambda _out: app.proc.poll() is not None, "the app to exit")
        app.proc.wait(60)
    finally:
        app.close()
    tail = bytes(app.output[-300:])
    assert marker.exists(), f"no first paint (exit {app.proc.returncode}): {tail!r}"
    return marker.read_text().splitlines()[1:]


def test_the_first_screen_loads_only_what_it_draws(sim: object, tmp_path: Path) -> None:
    modules = first_paint_modules(str(getattr(sim, "base_url")), tmp_path)  # noqa: B009
    assert "miosa_tui.ui.widgets.computer_table" in modules  # it did paint the dashboard
    loaded = sorted(
        m for m in modules for banned in NOT_BEFORE_FIRST_PAINT
        if m == banned or m.startswith(banned + ".")
    )  # fmt: skip
    assert loaded == []
