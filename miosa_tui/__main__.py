"""`python -m miosa_tui` runs the same entry point as the `miosa-tui` script."""

from miosa_tui.cli import main

raise SystemExit(main())
