"""The start-up benchmark's probe: the moment the first table with rows is on screen.

`benchmarks/bench_startup.py` (and tests/test_imports.py) run the real `miosa-tui` with
MIOSA_TUI_FIRST_PAINT_FILE naming a file. When the dashboard says its rows are painted
(`DashboardScreen.rows_painted`), the probe writes the time (epoch seconds) and the CPU the
process has used so far (all threads), then on the lines after it every module loaded by then,
and ends the app. Without the variable nothing here runs:
the app imports this module only when it is set.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from miosa_tui.ui.app import MiosaApp

FIRST_PAINT_FILE_ENV = "MIOSA_TUI_FIRST_PAINT_FILE"


def asked() -> bool:
    return bool(os.environ.get(FIRST_PAINT_FILE_ENV))


def install(app: MiosaApp) -> None:
    """Note the first painted rows in the file the environment names, then exit (call from the
    app's on_mount, before anything else subscribes to the dashboard's `rows_painted`)."""

    def painted(rows: int) -> None:
        path = os.environ.get(FIRST_PAINT_FILE_ENV)
        if rows <= 0 or not path:
            return
        os.environ.pop(FIRST_PAINT_FILE_ENV, None)
        at, cpu = time.time(), time.process_time()
        with open(path, "w", encoding="utf-8") as out:
            out.write(
                f"{at:.6f} {cpu:.6f}\n" + "".join(f"{name}\n" for name in sorted(sys.modules))
            )
        app.exit()

    app.dashboard.rows_painted.subscribe(app, painted, immediate=True)
