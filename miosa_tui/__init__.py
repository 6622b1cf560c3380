"""miosa-tui: a terminal dashboard for MIOSA computers."""

__version__ = "0.1.0"
