"""Import httpx without its command-line client.

`httpx/__init__.py` imports `httpx._main` (the `httpx` command: click, pygments, rich.syntax,
rich.progress) whenever those are installed, which they are here (Textual brings rich and
pygments). That was ~60 ms of every start-up (`benchmarks/profiles/startup_imports_before.txt`)
for code this program never runs. A `None` in `sys.modules` makes that one import fail, so httpx
takes its own fallback (`httpx.main` then prints how to install the CLI); the entry is removed
again, so an explicit `import httpx._main` later still works.

Import httpx from here (`from miosa_tui.api.lean_httpx import httpx`), never directly.
"""

from __future__ import annotations

import sys

__all__ = ["httpx"]

_CLI = "httpx._main"

if "httpx" not in sys.modules and _CLI not in sys.modules:
    sys.modules[_CLI] = None  # type: ignore[assignment]
    try:
        import httpx
    finally:
        if sys.modules.get(_CLI, False) is None:
            del sys.modules[_CLI]

import httpx  # noqa: E402  (the module above made it lean; this names it for importers)
