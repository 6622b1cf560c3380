"""Details of the highlighted computer: every field, its installed apps and named URLs."""

from __future__ import annotations

from rich.style import Style
from rich.table import Table
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
        self._fields.update(self._render_fields())
        if computer is None:
            self._extras.update("")
            return
        if computer.id != self._extras_for:
            self._extras_for = computer.id
            self._extras.update(Text("apps and URLs: loading…", style="dim"))
            self._load_extras(computer.id)

    def computer_changed(self, computer: Computer) -> None:
        self.computer = computer
        self._fields.update(self._render_fields())

    def _render_fields(self) -> Table | Text:
        c = self.computer
        if c is None:
            return Text("No computer selected.", style="dim")
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold cyan", no_wrap=True)
        grid.add_column(overflow="fold")
        grid.add_row("status", status_text(c.status, c.raw_status))
        grid.add_row("size", safe(size_label(c.size)))
        grid.add_row("age", safe(age(c.created_at)))
        for attr, label in FIELDS:
            value = getattr(c, attr)
            grid.add_row(label, safe("-" if value in (None, "") else value))
        for key, value in sorted(c.metadata.items())[:12]:
            grid.add_row(safe(f"meta.{printable(key, limit=40)}"), safe(value, limit=200))
        return grid

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
