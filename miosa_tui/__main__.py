"""The program: `python -m miosa_tui` and the `miosa-tui` script both start in `main`."""

from __future__ import annotations


def main() -> int:
    from miosa_tui.startup_gc import STARTUP

    STARTUP.pause()  # before anything else is imported (startup_gc.py says why)
    from miosa_tui.cli import main as run

    return run()


if __name__ == "__main__":
    raise SystemExit(main())
