"""The stylesheet's parsed rules, kept on disk between launches, as Python keeps `.pyc` files.

Textual parses the app's stylesheet and each widget's default CSS at every launch: ~15 ms before
the first painted table, where a bare Textual app parses ~1.5 ms of its own
(`benchmarks/profiles/startup_parsed_css.txt`). `KeptStylesheet` keeps each source's rules in
the user's cache directory with everything they are made from: the CSS text, where it was
read from, the theme's variables, in a folder for this Python and this install of Textual. An
edited stylesheet, another theme or an upgrade is parsed again and kept anew; rules are read
back only for the very text and variables they were parsed from (compared whole). Rules with
an error are never kept (Textual reports them).

The files are pickles of Textual's rule objects, and unpickling runs code, so a file is read
only if it is a regular file this user owns that no one else may write, in a directory of the
same kind (as ssh treats its keys). Anything unreadable, untrusted or not loadable is parsed
again; a cache that cannot be written costs only the parse. `MIOSA_TUI_CACHE_DIR` names the
directory (the tests set it); empty, nothing is kept.
"""

from __future__ import annotations

import os
import pickle
import stat
import sys
import zlib
from pathlib import Path

import textual.css.model
import textual.css.styles
from textual.css.model import RuleSet
from textual.css.stylesheet import Stylesheet
from textual.css.types import CSSLocation

from miosa_tui.config import APP_NAME

CACHE_DIR_ENV = "MIOSA_TUI_CACHE_DIR"


def _made_by() -> str:
    """Python's version and the files of Textual's rule classes, by size and time (installing
    Textual anew writes them anew): what the pickled rule objects depend on. Not Textual's
    `__version__`: it reads the package's metadata (the email package, ~15 ms at start-up)."""
    stamps = []
    for module in (textual.css.model, textual.css.styles):
        info = os.stat(module.__file__ or "")
        stamps.append(f"{module.__file__}:{info.st_size}:{info.st_mtime_ns}")
    return f"py{sys.version_info[0]}.{sys.version_info[1]}-{zlib.crc32(repr(stamps).encode()):08x}"


# One folder per Python and Textual. When a new one is made, the others untouched for
# `STALE_DAYS` go (an upgrade leaves nothing behind for long; two installs used in turn, two
# virtual environments, keep theirs).
FOLDER_PREFIX = "css-"
FOLDER = FOLDER_PREFIX + _made_by()
STALE_DAYS = 30


def cache_folder() -> Path | None:
    """Where parsed rules are kept: `MIOSA_TUI_CACHE_DIR` (empty: nowhere), else the platform's
    user cache directory for miosa-tui."""
    named = os.environ.get(CACHE_DIR_ENV)
    if named is not None:
        return Path(named).expanduser() / FOLDER if named else None
    from platformdirs import user_cache_dir

    return Path(user_cache_dir(APP_NAME)) / FOLDER


class KeptStylesheet(Stylesheet):
    """A Textual Stylesheet whose parsed rules come from `folder` when they were parsed before
    (see the module's docstring); `folder` None: a plain Stylesheet."""

    def __init__(
        self, *, variables: dict[str, str] | None = None, folder: Path | None = None
    ) -> None:
        super().__init__(variables=variables)
        self.folder = folder

    def _parse_rules(
        self,
        css: str,
        read_from: CSSLocation,
        is_default_rules: bool = False,
        tie_breaker: int = 0,
        scope: str = "",
    ) -> list[RuleSet]:
        """Textual's parse of one source (kept in memory for this stylesheet), else the rules
        kept on disk, else a parse, then kept on disk too."""
        arguments = (css, read_from, is_default_rules, tie_breaker, scope)
        if self.folder is None or arguments in self._parse_cache:
            return super()._parse_rules(*arguments)
        # The theme's variables are substituted as the CSS is parsed: part of what the rules
        # are made from. A repr of strs, ints, bools, tuples and sorted pairs: the same on every
        # run. Kept in the file and compared whole, so the file's name needs no strong hash.
        made_of = repr((arguments, sorted(self._variables.items())))
        name = zlib.crc32(made_of.encode("utf-8", "surrogatepass"))
        path = self.folder / f"{name:08x}-{len(made_of)}.rules"
        rules = _load(path, made_of)
        if rules is None:
            rules = super()._parse_rules(*arguments)
            if not any(rule.errors for rule in rules):
                _keep(path, made_of, rules)
        else:
            self._parse_cache[arguments] = rules
        return rules

    def reparse(self) -> None:
        """Parse every source again into a new stylesheet of this class and take its rules
        (Textual's `reparse`, which makes a plain Stylesheet and so parsed every source anew
        on each theme change, the saved theme's at every launch included): a parse that fails
        leaves this one whole."""
        fresh = KeptStylesheet(variables=self._variables, folder=self.folder)
        for read_from, (css, is_defaults, tie_breaker, scope) in self.source.items():
            fresh.add_source(
                css,
                read_from=read_from,
                is_default_css=is_defaults,
                tie_breaker=tie_breaker,
                scope=scope,
            )
        try:
            fresh.parse()
        except Exception:
            self._invalid_css.update(fresh._invalid_css)  # as Textual's (textual#3581)
            raise
        self._rules = fresh.rules
        self._rules_map = None
        self.source = fresh.source
        self._require_parse = False


def _trusted(path: Path) -> bool:
    """A regular file or directory (not a link) owned by this user that no one else may write.
    Windows has no owner ids here: the user's cache directory is private to its profile."""
    try:
        info = path.lstat()
    except OSError:
        return False
    if not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)):
        return False
    getuid = getattr(os, "getuid", None)
    if getuid is None:
        return True
    return info.st_uid == getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _load(path: Path, made_of: str) -> list[RuleSet] | None:
    """The rules kept in `path` if they were made of `made_of` (else None: parse them)."""
    if not (_trusted(path) and _trusted(path.parent)):
        return None
    try:
        kept = pickle.loads(path.read_bytes())
    except Exception:  # truncated, from another version, or not ours: parse again
        return None
    if not (isinstance(kept, tuple) and len(kept) == 2 and kept[0] == made_of):
        return None
    rules = kept[1]
    if isinstance(rules, list) and all(isinstance(rule, RuleSet) for rule in rules):
        return rules
    return None


def _keep(path: Path, made_of: str, rules: list[RuleSet]) -> None:
    """Write the rules beside their final name and rename them into place (a launch beside this
    one never reads half a file); a folder made here clears out the stale ones beside it."""
    import tempfile

    folder = path.parent
    try:
        if not folder.is_dir():
            folder.mkdir(mode=0o700, parents=True)
            _clear_stale(folder)
        data = pickle.dumps((made_of, rules), protocol=pickle.HIGHEST_PROTOCOL)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:  # mkstemp makes it readable by this user only
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except Exception:  # a read-only or full disk, rules that do not pickle: parsed next time
        return


def _clear_stale(kept: Path) -> None:
    """Remove the other rule folders beside `kept` that nothing was written to for STALE_DAYS
    (other versions of Textual or Python, long unused)."""
    import shutil
    import time

    oldest = time.time() - STALE_DAYS * 86400
    for folder in kept.parent.glob(f"{FOLDER_PREFIX}*"):
        if folder == kept or not _trusted(folder):
            continue
        info = folder.lstat()
        if stat.S_ISDIR(info.st_mode) and info.st_mtime < oldest:
            shutil.rmtree(folder, ignore_errors=True)
