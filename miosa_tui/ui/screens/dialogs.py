"""Every modal dialog in one import: `from miosa_tui.ui.screens.dialogs import CloneDialog`."""

from __future__ import annotations

from miosa_tui.ui.screens.confirm import CONSEQUENCES, ConfirmActionDialog, typed_phrase_for
from miosa_tui.ui.screens.dialog_base import DialogScreen, key_text, keys_for
from miosa_tui.ui.screens.forms import (
    DEFAULT_RESIZE_NOTE,
    CloneDialog,
    CreateDialog,
    ExportDialog,
    MoveDialog,
    PathDialog,
    ResizeDialog,
    check_name,
    check_path,
    clone_name,
)

__all__ = [
    "CONSEQUENCES",
    "DEFAULT_RESIZE_NOTE",
    "CloneDialog",
    "ConfirmActionDialog",
    "CreateDialog",
    "DialogScreen",
    "ExportDialog",
    "MoveDialog",
    "PathDialog",
    "ResizeDialog",
    "check_name",
    "check_path",
    "clone_name",
    "key_text",
    "keys_for",
    "typed_phrase_for",
]
