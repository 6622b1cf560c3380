"""Details of the highlighted computer: every field, its installed apps and named URLs."""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from miosa_tui.api.errors import MiosaError
from miosa_tui.api.models import App, Computer, NamedUrl
from miosa_tui.fleet.humanize import age, size_label
from miosa_tui.safe_text import printable, safe, url_problem
from miosa_tui.ui.services import services
from miosa_tui.ui.widgets.static_text import set_content
from miosa_tui.ui.widgets.status_style import status_text
from miosa_tui.ui.worker_errors import ReportsWorkerErrors

FIELDS = (
    ("id", "id"),
    ("name", "name"),
    ("slug", "slug"),
    ("template_type", "template"),
    ("region", "region"),
    ("ip_address", "ip"),
    ("visibility", "visibility"),
    ("tenant_id", "tenant"),
    ("workspace_id", "workspace"),
    ("preview_domain", "preview domain"),
    ("desktop_url", "desktop url"),
    ("created_at", "created"),
    ("updated_at", "updated"),
)


class DetailsPanel(ReportsWorkerErrors, VerticalScroll):
    """Fields render at once; apps and URLs are fetched after a short debounce."""

    DEBOUNCE = 0.3

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.computer: Computer | None = None
        self._fields = Static(id="details-fields")
        self._extras = Static(id="details-extras")
        self._extras_for: str | None = None

    def compose(self) -> ComposeResult:
        yield self._fields
        yield self._extras

    def show_computer(self, computer: Computer | None) -> None:
        self.computer = computer
        set_content(self._fields, self._render_fields())
        if computer is None:
            set_content(self._extras, "")
            return
        if computer.id != self._extras_for:
            self._extras_for = computer.id
            set_content(self._extras, Text("apps and URLs: loading…", style="dim"))
            self._load_extras(computer.id)

    def computer_changed(self, computer: Computer) -> None:
        self.computer = computer
        set_content(self._fields, self._render_fields())

    def _render_fields(self) -> FieldRows | Text:
        c = self.computer
        if c is None:
            return Text("No computer selected.", style="dim")
        rows: list[tuple[Text, Text]] = [
            (Text("status"), status_text(c.status, c.raw_status)),
            (Text("size"), safe(size_label(c.size))),
            (Text("age"), safe(age(c.created_at))),
        ]
        for attr, label in FIELDS:
            value = getattr(c, attr)
            rows.append((Text(label), safe("-" if value in (None, "") else value)))
        for key, value in sorted(c.metadata.items())[:12]:
            rows.append((safe(f"meta.{printable(key, limit=40)}"), safe(value, limit=200)))
        return FieldRows(rows)

    @work(exclusive=True, group="details", exit_on_error=False)
    async def _load_extras(self, computer_id: str) -> None:
        import asyncio

        await asyncio.sleep(self.DEBOUNCE)
        client = services(self).client
        apps: list[App] | str
        urls: list[NamedUrl] | str
        try:
            apps = await client.apps(computer_id)
        except MiosaError as err:
            apps = str(err)
        try:
            urls = await client.urls(computer_id)
        except MiosaError as err:
            urls = str(err)
        if self._extras_for == computer_id:
            self._extras.update(_render_extras(apps, urls))


class FieldRows:
    """Label and value rows: the labels in one column (bold cyan, never wrapped), each value
    folded under itself, two cells between. What `Table.grid(padding=(0, 2))` drew, line for
    line, at a quarter of its cost: the panel redraws on every cursor move, and the Rich table
    (measuring every cell twice) was ~5 ms of each page down held."""

    GAP = 2
    LABEL_STYLE = Style.parse("bold cyan")

    def __init__(self, rows: list[tuple[Text, Text]]) -> None:
        self.rows = rows
        self.label_width = max((label.cell_len for label, _ in rows), default=0)
        self.value_width = max((value.cell_len for _, value in rows), default=0)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        label_width = min(self.label_width, max(0, width - self.GAP - 1))
        value_width = max(1, min(width - label_width - self.GAP, self.value_width))
        indent = Segment(" " * (label_width + self.GAP), self.LABEL_STYLE)
        new_line = Segment.line()
        for label, value in self.rows:
            lines = value.wrap(console, value_width, overflow="fold", no_wrap=False)
            head = label.copy()
            head.truncate(label_width, pad=True)
            head.append(" " * self.GAP)
            head.stylize(self.LABEL_STYLE)  # the gap too, as the table's column padding was
            for index, line in enumerate(lines):
                if index == 0:
                    yield from head.render(console)
                else:
                    yield indent
                line.truncate(value_width, pad=True)
                yield from line.render(console)
                yield new_line

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(
            self.label_width + self.GAP + 1, self.label_width + self.GAP + self.value_width
        )


def _render_extras(apps: list[App] | str, urls: list[NamedUrl] | str) -> Text:
    text = Text()
    text.append("\nInstalled apps\n", style="bold underline")
    if isinstance(apps, str):
        text.append(f"  could not load: {printable(apps)}\n", style="red")
    elif not apps:
        text.append("  none reported\n", style="dim")
    else:
        text.append("  " + ", ".join(printable(a.title or a.name) for a in apps) + "\n")
    text.append("\nNamed URLs\n", style="bold underline")
    if isinstance(urls, str):
        text.append(f"  could not load: {printable(urls)}\n", style="red")
    elif not urls:
        text.append("  none\n", style="dim")
    for u in urls if isinstance(urls, list) else []:
        label = printable(u.name) + (f" :{u.port}" if u.port else "")
        text.append(f"  {label:<16} ", style="cyan")
        link = Style(link=u.url) if url_problem(u.url) is None else None
        text.append(printable(u.url) + "\n", style=link or "")
    return text
