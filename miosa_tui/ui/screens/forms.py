"""Forms that collect one decision: clone name, region, size, a new computer, a file path.

Each form checks its input itself and shows the reason under the field; a dialog only dismisses
with a value that passed the same checks `fleet.actions` applies before sending anything.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Collection, Mapping
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Button, Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from miosa_tui.api.errors import MiosaError
from miosa_tui.api.models import REGIONS, SIZES, TEMPLATES, Computer, normalize_size
from miosa_tui.fleet.actions import (
    NAME_MAX,
    validate_datacenter,
    validate_name,
    validate_size,
    validate_template,
)
from miosa_tui.fleet.humanize import size_label
from miosa_tui.safe_text import printable, safe
from miosa_tui.ui.safe_content import safe_content
from miosa_tui.ui.screens.dialog_base import DialogScreen, ResultT, hint_line, key_text

DEFAULT_RESIZE_NOTE = "A running computer restarts to apply the new size."


def check_name(text: str, existing: Collection[str] = ()) -> str | None:
    """`fleet.actions.validate_name` plus "not already taken" within the fleet we know."""
    reason = validate_name(text)
    if reason is not None:
        return reason
    if text.strip() in existing:
        return f"A computer named {text.strip()} already exists."
    return None


def clone_name(source: str, existing: Collection[str] = ()) -> str:
    """ "<name>-clone", trimmed to the length limit, numbered when that name is taken."""
    for n in range(1, 100):
        suffix = "-clone" if n == 1 else f"-clone-{n}"
        base = source[: NAME_MAX - len(suffix)].rstrip("-")
        candidate = f"{base}{suffix}"
        if candidate not in existing:
            return candidate
    return f"{source[: NAME_MAX - 6].rstrip('-')}-clone"


def region_label(slug: str, city: str) -> str:
    """ "us-mia  Miami"."""
    return f"{slug:<6}  {city}"


class _FormDialog(DialogScreen[ResultT]):
    """Cancel + OK buttons and a hint line; subclasses implement `submit()`."""

    ok_label = "OK"

    def buttons(self) -> ComposeResult:
        with Horizontal(classes="buttons"):
            yield Button("Cancel", id="cancel")
            yield Button(self.ok_label, id="ok", variant="primary")
        yield Static("", id="hints", classes="hints")

    def on_mount(self) -> None:
        self.query_one("#hints", Static).update(
            hint_line(("⏎", self.ok_label), (key_text(self.app, self, "dialog.cancel"), "Cancel"))
        )

    def submit(self) -> None:
        raise NotImplementedError

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()

    @on(Button.Pressed, "#ok")
    def _ok_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.submit()

    def refuse(self, error_id: str, reason: str) -> None:
        self.show_error(error_id, reason)
        self.app.bell()


class CloneDialog(_FormDialog[str]):
    """Ask for the clone's name. Dismisses the validated name (str) or None."""

    ok_label = "Clone"

    def __init__(self, source: Computer | str, *, existing_names: Collection[str] = ()) -> None:
        """`existing_names`: the fleet's names, refused so two computers never share a slug."""
        super().__init__()
        self.source_name = source.name if isinstance(source, Computer) else source
        self.existing = frozenset(existing_names)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as box:
            box.border_title = safe_content(f"Clone {self.source_name}")
            yield Static("Name of the new computer", classes="field-label")
            yield Input(clone_name(printable(self.source_name), self.existing), id="name")
            yield Static("", id="name-error", classes="error -empty")
            yield from self.buttons()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#name", Input).focus()

    @on(Input.Changed, "#name")
    def _changed(self, event: Input.Changed) -> None:
        self.show_error("name-error", check_name(event.value, self.existing) or "")

    @on(Input.Submitted, "#name")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    def submit(self) -> None:
        value = self.query_one("#name", Input).value
        reason = check_name(value, self.existing)
        if reason is not None:
            self.refuse("name-error", reason)
            return
        self.finish(value.strip())


def _subject(current: Computer | str | None, name: str | None, count: int) -> str:
    if count > 1:
        return f"{count} computers"
    if isinstance(current, Computer):
        return current.name
    return name or "computer"


class _ChoiceDialog(_FormDialog[str]):
    """One choice from a catalogue. It opens on the current value, marked "(current)", so a
    stray Enter changes nothing: choosing it is refused with a reason."""

    noun = "value"
    verb = "Choose"

    def __init__(self, subject: str, choices: Mapping[str, str], current: str | None) -> None:
        super().__init__()
        self.subject = subject
        self.choices = dict(choices)
        self.current = current

    def options(self) -> list[Option]:
        result = []
        for slug, label in self.choices.items():
            mine = slug == self.current
            text = f"{label}  (current)" if mine else label
            result.append(Option(safe(text), id=slug))
        return result

    def intro(self) -> ComposeResult:
        current = self.current or "unknown"
        yield Static(
            Content.assemble(f"Current {self.noun}: ", (printable(current), "bold")),
            classes="message",
        )

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as box:
            box.border_title = safe_content(f"{self.verb} {self.subject}")
            yield from self.intro()
            yield OptionList(*self.options(), id="choices")
            yield Static("", id="choice-error", classes="error -empty")
            yield from self.buttons()

    def refusal(self, slug: str) -> str:
        raise NotImplementedError

    def on_mount(self) -> None:
        super().on_mount()
        options = self.query_one("#choices", OptionList)
        slugs = list(self.choices)
        options.highlighted = slugs.index(self.current) if self.current in slugs else 0
        options.focus()

    @on(OptionList.OptionSelected, "#choices")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._choose(event.option.id)

    @on(OptionList.OptionHighlighted, "#choices")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.show_error("choice-error", "")

    def submit(self) -> None:
        options = self.query_one("#choices", OptionList)
        option = options.highlighted_option
        self._choose(option.id if option is not None else None)

    def _choose(self, slug: str | None) -> None:
        if slug is None:
            self.refuse("choice-error", f"Choose a {self.noun}.")
        elif slug == self.current:
            self.refuse("choice-error", self.refusal(slug))
        elif slug not in self.choices:
            self.refuse("choice-error", f"Unknown {self.noun} '{slug}'.")
        else:
            self.finish(slug)


class MoveDialog(_ChoiceDialog):
    """Pick a region. Dismisses the region slug (str) or None."""

    ok_label = "Move"
    noun = "region"
    verb = "Move"

    def __init__(
        self,
        current: Computer | str | None,
        *,
        count: int = 1,
        name: str | None = None,
        regions: Mapping[str, str] = REGIONS,
    ) -> None:
        """`current`: the computer or its region slug (refused as a destination)."""
        region = current.region if isinstance(current, Computer) else current
        slug = (region or "").strip().lower() or None
        labels = {s: region_label(s, city) for s, city in regions.items()}
        super().__init__(_subject(current, name, count), labels, slug)

    def refusal(self, slug: str) -> str:
        return f"Already in {slug}: choose another region."


class ResizeDialog(_ChoiceDialog):
    """Pick a size. Dismisses the size (str) or None."""

    ok_label = "Resize"
    noun = "size"
    verb = "Resize"

    def __init__(
        self,
        current: Computer | str | None,
        *,
        count: int = 1,
        name: str | None = None,
        note: str = DEFAULT_RESIZE_NOTE,
        sizes: Mapping[str, tuple[int, int]] = SIZES,
    ) -> None:
        """`current`: the computer or its size (refused); `note`: shown under it."""
        size = current.size if isinstance(current, Computer) else current
        slug = normalize_size(size) if size else None
        labels = {s: size_label(s, spec, aligned=True) for s, spec in sizes.items()}
        super().__init__(_subject(current, name, count), labels, slug or None)
        self.note = note

    def intro(self) -> ComposeResult:
        yield from super().intro()
        if self.note:
            yield Static(safe_content(self.note, multiline=True), classes="note")

    def refusal(self, slug: str) -> str:
        return f"Already {slug}: choose another size."


class CreateDialog(_FormDialog[dict[str, str]]):
    """A new computer. Dismisses {"name", "size", "region", "template_type"} or None."""

    ok_label = "Create"

    def __init__(
        self,
        *,
        existing_names: Collection[str] = (),
        size: str = "small",
        region: str = "us-mia",
        template_type: str = TEMPLATES[0],
    ) -> None:
        super().__init__()
        self.existing = frozenset(existing_names)
        self.default_size = size if size in SIZES else "small"
        self.default_region = region if region in REGIONS else next(iter(REGIONS))
        self.default_template = template_type if template_type in TEMPLATES else TEMPLATES[0]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as box:
            box.border_title = "New computer"
            with Horizontal(classes="form-row"):
                yield Static("Name", classes="form-label")
                yield Input(placeholder="e.g. research-desk", id="name")
            yield Static("", id="name-error", classes="error -empty")
            with Horizontal(classes="form-row"):
                yield Static("Size", classes="form-label")
                yield Select(
                    [(size_label(s, spec, aligned=True), s) for s, spec in SIZES.items()],
                    value=self.default_size,
                    allow_blank=False,
                    id="size",
                )
            with Horizontal(classes="form-row"):
                yield Static("Region", classes="form-label")
                yield Select(
                    [(region_label(s, city), s) for s, city in REGIONS.items()],
                    value=self.default_region,
                    allow_blank=False,
                    id="region",
                )
            with Horizontal(classes="form-row"):
                yield Static("Template", classes="form-label")
                yield Select(
                    [(t, t) for t in TEMPLATES],
                    value=self.default_template,
                    allow_blank=False,
                    id="template",
                )
            yield Static("", id="form-error", classes="error -empty")
            yield from self.buttons()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#name", Input).focus()

    @on(Input.Changed, "#name")
    def _changed(self, event: Input.Changed) -> None:
        # Quiet until something is typed: "Name is required." on an empty new form is noise.
        reason = check_name(event.value, self.existing) if event.value else None
        self.show_error("name-error", reason or "")

    @on(Input.Submitted, "#name")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    def _select_value(self, select_id: str) -> str:
        value = self.query_one(f"#{select_id}", Select).value
        return value if isinstance(value, str) else ""

    def submit(self) -> None:
        name = self.query_one("#name", Input).value
        reason = check_name(name, self.existing)
        if reason is not None:
            self.refuse("name-error", reason)
            self.query_one("#name", Input).focus()
            return
        size = self._select_value("size")
        region = self._select_value("region")
        template = self._select_value("template")
        problem = (
            validate_size(size)
            or validate_datacenter(region, required=True)
            or validate_template(template)
        )
        if problem is not None:
            self.refuse("form-error", problem)
            return
        self.finish(
            {"name": name.strip(), "size": size, "region": region, "template_type": template}
        )


def check_path(text: str) -> str | None:
    """Why `text` cannot be written to, or None. Never raises, whatever was typed."""
    raw = text.strip()
    if not raw:
        return "Enter a file path."
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in raw):
        return "Cannot use that path: it contains a control character."
    try:
        path = Path(os.path.expanduser(raw))
        if path.is_dir() or raw.endswith(("/", os.sep)):
            return "That is a folder: add a file name to it."
        parent = path.parent if str(path.parent) else Path(".")
        if not parent.exists():
            return f"No such folder: {parent}"
        if not parent.is_dir():
            return f"{parent} is not a folder."
        if not os.access(parent, os.W_OK):
            return f"Cannot write to the folder {parent}."
        if path.exists() and not os.access(path, os.W_OK):
            return f"Cannot overwrite {raw}: permission denied."
    except (OSError, ValueError) as err:
        return f"Cannot use that path: {err}."
    return None


# Writes the file for the dialog (in a thread) and returns the path written; raises MiosaError
# or OSError with the reason, which the dialog shows under the field.
WriteFile = Callable[[Path], Path]


class PathDialog(_FormDialog[str]):
    """A file path to write: the journal and incident exports, a saved screenshot.

    Dismisses the path (str, `~` expanded) or None. The path is checked as it is typed (a note
    says when a file is there) and on Enter (`check_path`); the first Enter on an existing file
    only warns, a second one on the same file replaces it. With `write`, the dialog writes the
    file itself (in a thread), so a path the write refuses is shown in the form, where it can be
    corrected, and the dialog dismisses the path written. `target` maps what was typed to the
    file that will be written (a screenshot adds ".png").
    """

    def __init__(
        self,
        title: str = "Save to file",
        path: str = "",
        *,
        action_label: str = "Save",
        prompt: str = "File path",
        write: WriteFile | None = None,
        target: Callable[[str], Path] | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.initial = path
        self.ok_label = action_label
        self.prompt = prompt
        self._write = write
        self._target = target or (lambda text: Path(os.path.expanduser(text.strip())))
        self._replace: Path | None = None  # an existing file the user was warned about

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as box:
            box.border_title = safe_content(self.title_text)
            yield Static(safe_content(self.prompt, multiline=True), classes="field-label")
            yield Input(self.initial, id="path")
            yield Static("", id="path-error", classes="error -empty")
            yield Static("", id="path-note", classes="note")
            yield from self.buttons()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#path", Input).focus()
        self._show_note(self.initial)

    def _show_note(self, value: str) -> None:
        note = ""
        try:
            if value.strip() and self._target(value).is_file():
                note = "A file exists there; it will be replaced."
        except (OSError, ValueError):
            note = ""
        widget = self.query_one("#path-note", Static)
        widget.update(safe_content(note, multiline=True))
        widget.display = bool(note)

    @on(Input.Changed, "#path")
    def _changed(self, event: Input.Changed) -> None:
        self.show_error("path-error", "")
        self._show_note(event.value)

    @on(Input.Submitted, "#path")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    def submit(self) -> None:
        value = self.query_one("#path", Input).value
        reason = check_path(value)
        target: Path | None = None
        if reason is None:
            try:
                target = self._target(value)
            except (OSError, ValueError) as err:
                reason = f"Cannot use that path: {err}."
        if reason is None and target is not None and str(target) != value.strip():
            reason = check_path(str(target))  # the file really written ("x.jpg" -> "x.jpg.png")
        if reason is not None or target is None:
            self.refuse("path-error", reason or "Enter a file path.")
            return
        if target.is_file() and target != self._replace:
            # Never overwrite a file on the first Enter: say so, a second Enter replaces it.
            self._replace = target
            self.show_error(
                "path-error", f"{target} exists: enter again to replace it, or change the name."
            )
            return
        if self._write is None:
            self.finish(os.path.expanduser(value.strip()))
        else:
            self._write_file(self._write, target)

    @work(exclusive=True, group="path-dialog", exit_on_error=False)
    async def _write_file(self, write: WriteFile, target: Path) -> None:
        try:
            written = await asyncio.to_thread(write, target)
        except MiosaError as err:
            self.refuse("path-error", str(err))
            return
        except OSError as err:
            self.refuse("path-error", f"Cannot write {target}: {err.strerror or err}.")
            return
        self.finish(str(written))


def export_to_chosen_path(
    node: Widget, title: str, default: str, write: Callable[[str], Path], written: str
) -> None:
    """Ask for a path (`PathDialog`), then `write(path)`: a toast says `written` and the path
    written, or why it could not be written. The journal and incident exports."""

    def done(path: str | None) -> None:
        if not path:
            return
        try:
            result = write(path)
        except OSError as exc:
            node.notify(
                f"Could not write {path}: {exc.strerror or exc}", severity="error", markup=False
            )
            return
        node.notify(f"{written} {result}", timeout=6, markup=False)

    node.app.push_screen(PathDialog(title, default), done)


class ExportDialog(PathDialog):
    """PathDialog worded for the journal export."""

    def __init__(self, path: str = "miosa-journal.txt") -> None:
        super().__init__("Export the journal", path, action_label="Export")
