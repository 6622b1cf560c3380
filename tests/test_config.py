"""Settings: flags > env > file > defaults with provenance, profiles, keymap, broken files,
key-file permissions, and the theme remembered by a line edit that keeps the rest of the file."""

from __future__ import annotations

import stat
import tomllib
from pathlib import Path

import pytest

from miosa_tui import cli
from miosa_tui.config import ConfigError, load_config, remember_theme, set_key_line

FILE = """\
# my settings
profile = "prod"   # default profile
theme = "nord"

[profiles.prod]
api_key_env = "MIOSA_PROD_KEY"
base_url = "https://prod.example.com"
tenant = "acme"
read_only = true
poll_interval = 10
image_renderer = "unicode"

[profiles.dev]
base_url = "https://dev.example.com"
theme = "gruvbox"

[keymap]
"table.destroy" = "ctrl+d"
"app.help" = "f1"
"""


def write(path: Path, text: str, mode: int = 0o600) -> Path:
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


def sources(cfg: object) -> dict[str, str]:
    return {name: source for name, _shown, source in cfg.describe()}  # type: ignore[attr-defined]


# -- precedence and provenance --------------------------------------------------------------------


def test_defaults_without_a_file(tmp_path: Path) -> None:
    cfg = load_config(environ={}, path=tmp_path / "none.toml")
    assert cfg.base_url == "https://api.miosa.ai/api/v1"
    assert cfg.read_only is False and cfg.poll_interval == 5.0
    assert cfg.image_renderer == "halfcell" and cfg.theme == "textual-dark"
    assert set(sources(cfg).values()) == {"default"}


def test_profile_settings_and_where_they_came_from(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", FILE)
    cfg = load_config(environ={"MIOSA_PROD_KEY": "msk_u_prod_9999"}, path=path)
    assert cfg.profile == "prod"
    assert cfg.api_key == "msk_u_prod_9999"
    assert (cfg.base_url, cfg.tenant, cfg.read_only) == ("https://prod.example.com", "acme", True)
    assert (cfg.poll_interval, cfg.image_renderer, cfg.theme) == (10.0, "unicode", "nord")
    src = sources(cfg)
    assert src["api_key"] == f"env MIOSA_PROD_KEY (file {path} [profiles.prod])"
    assert src["base_url"] == f"file {path} [profiles.prod]"
    assert src["theme"] == f"file {path}"
    assert cfg.keymap == {"table.destroy": "ctrl+d", "app.help": "f1"}
    shown = {name: value for name, value, _ in cfg.describe()}
    assert shown["api_key"] == "msk_u_…9999"  # masked


def test_flags_beat_env_beat_file(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", FILE)
    env = {"MIOSA_BASE_URL": "https://env.example.com", "MIOSA_TUI_POLL_INTERVAL": "7"}
    cfg = load_config({"base_url": "https://flag.example.com"}, environ=env, path=path)
    assert cfg.base_url == "https://flag.example.com"
    assert cfg.poll_interval == 7.0
    assert cfg.tenant == "acme"
    src = sources(cfg)
    assert src["base_url"] == "flag"
    assert src["poll_interval"] == "env MIOSA_TUI_POLL_INTERVAL"
    assert src["tenant"].startswith("file ")


def test_profile_choice_flag_then_env_then_file(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", FILE)
    assert load_config(environ={}, path=path).profile == "prod"
    assert load_config(environ={"MIOSA_TUI_PROFILE": "dev"}, path=path).profile == "dev"
    cfg = load_config(environ={"MIOSA_TUI_PROFILE": "dev"}, path=path, profile="prod")
    assert cfg.profile == "prod"
    dev = load_config(environ={}, path=path, profile="dev")
    assert dev.theme == "gruvbox" and dev.read_only is False


def test_unknown_profile_lists_the_known_ones(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", FILE)
    with pytest.raises(ConfigError) as info:
        load_config(environ={}, path=path, profile="staging")
    assert "staging" in str(info.value) and "dev, prod" in str(info.value)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("poll_interval = 'soon'\n", "poll_interval"),
        ("read_only = 'maybe'\n", "read_only"),
        ("image_renderer = 'ascii'\n", "image_renderer"),
        ("theme = 3\n", "theme"),
    ],
)
def test_wrong_types_name_the_file_and_setting(tmp_path: Path, text: str, needle: str) -> None:
    path = write(tmp_path / "c.toml", text)
    with pytest.raises(ConfigError) as info:
        load_config(environ={}, path=path)
    assert str(path) in str(info.value) and needle in str(info.value)


# -- broken and unsafe files ----------------------------------------------------------------------


def test_corrupt_file_names_the_file_and_the_line(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", 'theme = "nord"\n\n[profiles.prod]\nbase_url = = "x"\n')
    with pytest.raises(ConfigError) as info:
        load_config(environ={}, path=path)
    message = str(info.value)
    assert str(path) in message
    assert "line 4" in message
    assert 'base_url = = "x"' in message  # the offending line, quoted


def test_unreadable_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.mkdir()  # a directory where the file should be: unreadable even for root
    with pytest.raises(ConfigError) as info:
        load_config(environ={}, path=path)
    assert str(path) in str(info.value)


def test_cli_reports_a_corrupt_file_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "c.toml", "theme = \n")
    monkeypatch.setenv("MIOSA_TUI_CONFIG", str(path))
    assert cli.main(["config", "show"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(path) in err and "line 1" in err
    assert "Traceback" not in err


def test_key_in_a_file_readable_by_others_is_ignored_with_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", 'api_key = "msk_u_file_1234"\n', mode=0o644)
    cfg = load_config(environ={}, path=path)
    assert cfg.api_key is None
    assert len(cfg.warnings) == 1
    warning = cfg.warnings[0]
    assert str(path) in warning and "chmod 600" in warning and "api_key_env" in warning
    assert "msk_u_file_1234" not in warning
    path.chmod(0o600)
    private = load_config(environ={}, path=path)
    assert private.api_key == "msk_u_file_1234" and private.warnings == []


def test_cli_prints_the_permission_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "c.toml", 'api_key = "msk_u_file_1234"\n', mode=0o640)
    monkeypatch.setenv("MIOSA_TUI_CONFIG", str(path))
    monkeypatch.delenv("MIOSA_API_KEY", raising=False)
    assert cli.main(["config", "show"]) == 0
    captured = capsys.readouterr()
    assert "readable by other users" in captured.err
    assert "msk_u_file_1234" not in captured.out + captured.err


def test_config_show_and_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "c.toml", FILE)
    monkeypatch.setenv("MIOSA_TUI_CONFIG", str(path))
    monkeypatch.setenv("MIOSA_PROD_KEY", "msk_u_prod_secret_9999")
    monkeypatch.delenv("MIOSA_API_KEY", raising=False)
    monkeypatch.delenv("MIOSA_TUI_POLL_INTERVAL", raising=False)
    assert cli.main(["config", "path"]) == 0
    assert capsys.readouterr().out.strip() == str(path)
    assert cli.main(["--poll-interval", "3", "config", "show"]) == 0
    out = capsys.readouterr().out
    assert "msk_u_prod_secret_9999" not in out and "msk_u_…9999" in out
    lines = {line.split("=")[0].strip(): line for line in out.splitlines() if "=" in line}
    assert lines["poll_interval"].endswith("# flag")
    assert "# env MIOSA_PROD_KEY" in lines["api_key"]
    assert "keymap.table.destroy" in lines


# -- remembering the theme ------------------------------------------------------------------------


def test_remember_theme_creates_a_private_file(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "config.toml"
    assert remember_theme("dracula", path) is None
    assert tomllib.loads(path.read_text())["theme"] == "dracula"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_remember_theme_replaces_the_line_and_keeps_the_rest(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", FILE, mode=0o640)
    assert remember_theme("tokyo-night", path) is None
    text = path.read_text()
    assert text == FILE.replace('theme = "nord"', 'theme = "tokyo-night"')
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_remember_theme_adds_a_top_level_line_before_the_tables(tmp_path: Path) -> None:
    original = FILE.replace('theme = "nord"\n', "")
    path = write(tmp_path / "c.toml", original)
    assert remember_theme("nord", path) is None
    text = path.read_text()
    data = tomllib.loads(text)
    assert data["theme"] == "nord" and data["profiles"]["dev"]["theme"] == "gruvbox"
    assert text.replace('theme = "nord"\n', "", 1) == original
    assert text.index('theme = "nord"') < text.index("[profiles.prod]")


def test_set_key_line_in_a_profile_table(tmp_path: Path) -> None:
    text = set_key_line(FILE, 'theme = "monokai"', ("profiles", "dev"))
    data = tomllib.loads(text)
    assert data["profiles"]["dev"]["theme"] == "monokai" and data["theme"] == "nord"
    added = set_key_line(FILE, 'theme = "monokai"', ("profiles", "prod"))
    assert tomllib.loads(added)["profiles"]["prod"]["theme"] == "monokai"
    assert added.index('theme = "monokai"') < added.index("[profiles.dev]")


def test_remember_theme_leaves_a_broken_file_alone(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", "theme = \n[oops\n")
    before = path.read_bytes()
    problem = remember_theme("nord", path)
    assert problem is not None and str(path) in problem
    assert path.read_bytes() == before


def test_remember_theme_writes_through_a_symlink(tmp_path: Path) -> None:
    real = write(tmp_path / "dotfiles.toml", 'tenant = "acme"\n')
    link = tmp_path / "config.toml"
    link.symlink_to(real)
    assert remember_theme("nord", link) is None
    assert link.is_symlink()
    assert tomllib.loads(real.read_text()) == {"tenant": "acme", "theme": "nord"}


def test_config_remember_theme_updates_the_profile_that_sets_it(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", FILE)
    cfg = load_config(environ={}, path=path, profile="dev")
    assert cfg.remember_theme("gruvbox") is None  # unchanged: nothing written
    assert path.read_text() == FILE
    assert cfg.remember_theme("nord") is None
    data = tomllib.loads(path.read_text())
    assert data["profiles"]["dev"]["theme"] == "nord"
    assert load_config(environ={}, path=path, profile="dev").theme == "nord"
    assert sources(cfg)["theme"] == "chosen in the app"


async def test_theme_picked_in_the_app_is_saved_and_used_next_time(
    tmp_path: Path, sim: object
) -> None:
    from miosa_tui.api.settings import ApiSettings
    from miosa_tui.backend import Backend
    from miosa_tui.ui.app import MiosaApp

    path = write(tmp_path / "c.toml", '# keep me\ntheme = "nord"\n\n[keymap]\n"app.help" = "f1"\n')
    before = path.read_text()

    def make() -> MiosaApp:
        config = load_config(environ={}, path=path)
        backend = Backend(
            settings=ApiSettings(api_key="msk_u_test_0000", base_url=sim.base_url),  # type: ignore[attr-defined]
            simulated=True,
        )
        return MiosaApp(backend=backend, config=config, poll_interval=3600)

    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.theme == "nord"
        assert path.read_text() == before  # starting the app writes nothing
        app.theme = "dracula"
        await pilot.pause()
    assert path.read_text() == before.replace('"nord"', '"dracula"')
    again = make()
    async with again.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert again.theme == "dracula"


async def test_keymap_overrides_apply_by_binding_id(tmp_path: Path, sim: object) -> None:
    from miosa_tui.api.settings import ApiSettings
    from miosa_tui.backend import Backend
    from miosa_tui.ui.app import MiosaApp
    from miosa_tui.ui.screens.help import HelpScreen

    path = write(tmp_path / "c.toml", '[keymap]\n"app.help" = "f1"\n')
    config = load_config(environ={}, path=path)
    backend = Backend(
        settings=ApiSettings(api_key="msk_u_test_0000", base_url=sim.base_url),  # type: ignore[attr-defined]
        simulated=True,
    )
    app = MiosaApp(backend=backend, config=config, poll_interval=3600)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)  # the old key no longer opens help
        await pilot.press("f1")
        for _ in range(40):
            if isinstance(app.screen, HelpScreen):
                break
            await pilot.pause(0.05)
        assert isinstance(app.screen, HelpScreen)


def test_config_edit_creates_a_private_file_and_runs_the_editor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "new" / "config.toml"
    seen = tmp_path / "seen.txt"
    monkeypatch.setenv("MIOSA_TUI_CONFIG", str(path))
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"sh -c 'echo \"$0\" > {seen}'")
    assert cli.main(["config", "edit"]) == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert seen.read_text().strip() == str(path)
    assert tomllib.loads(path.read_text()) == {}


def test_every_setting_is_a_typed_attribute(tmp_path: Path) -> None:
    """Config has no catch-all __getattr__: each setting in DEFAULTS is a typed property (a
    new setting without one fails here), and a misspelt name is an AttributeError."""
    import inspect

    from miosa_tui.config import DEFAULTS, Config

    assert "__getattr__" not in vars(Config)
    config = load_config(environ={}, path=tmp_path / "none.toml")
    for name, default in DEFAULTS.items():
        member = inspect.getattr_static(Config, name, None)
        assert isinstance(member, property), f"Config.{name} is not a typed property"
        assert "return" in inspect.get_annotations(member.fget), name
        assert getattr(config, name) == default, name
    config.set("stuck_starting", 45, "test")
    assert config.stuck_starting == 45.0 and isinstance(config.stuck_starting, float)
    with pytest.raises(AttributeError):
        _ = config.poll_intervall  # type: ignore[attr-defined]  # the misspelling is the test
