"""The async MIOSA computers client: everything `Miosa.Computers` and `Miosa.Computer` offer.

Reads every envelope the SDKs have seen (bare, `data`, `computer`, `computers`, `items`) and pages
through the whole fleet without ever looping on a server that ignores `page`.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import threading
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from miosa_tui.api import errors, links
from miosa_tui.api.background import BackgroundLoop
from miosa_tui.api.foreground import Foreground
from miosa_tui.api.listing_memo import ListingMemo
from miosa_tui.api.models import (
    FAILED_STATUSES,
    RUNNING,
    STOPPED,
    App,
    Computer,
    ComputerPage,
    NamedUrl,
    StreamToken,
    VncCredentials,
    unwrap_list,
    unwrap_object,
)
from miosa_tui.api.plain_get import get_plain_async, plain_http
from miosa_tui.api.progress_relay import ListingProgress, ProgressRelay
from miosa_tui.api.region_rules import check_region
from miosa_tui.api.responses import read_json
from miosa_tui.api.settings import ApiSettings
from miosa_tui.api.timestamps import parse_timestamp
from miosa_tui.api.wire import Sleep, closed_error

if TYPE_CHECKING:
    from miosa_tui.api.lean_httpx import httpx
    from miosa_tui.api.transport import Transport

PAGE_SIZE = 500  # the largest page the API accepts (the simulator's max_page_size too)
# List bodies larger than this are decoded (JSON + Computer.from_json) in a worker thread, so a
# 500-computer page (~270 KB, ~15 ms of Python) never holds the event loop; small ones inline.
THREAD_DECODE_BYTES = 32 * 1024
MAX_PAGES = 10_000  # belt and braces on top of the repeated-ids guard
# Pages of one listing asked for at once, once the first page's total says they exist: the
# server makes the next ones while this one is decoded. 100,000 computers (200 pages) from the
# simulator in another process (benchmarks/bench_listing.py, medians): a poll's listing 4.49 s
# one page at a time, 2.19 s three at a time; the first (every computer decoded) 4.69 -> 2.69 s.
PAGES_IN_FLIGHT = 3
DEFAULT_WAIT_TIMEOUT = 300.0
_LIST_KEYS = ("data", "computers", "items")


def _path(computer_id: str, *rest: str) -> str:
    if not isinstance(computer_id, str) or not computer_id.strip():
        raise errors.InvalidInputError("A computer id is required.")
    return "/".join(["/computers", quote(computer_id, safe=""), *rest])


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdecimal() and value.isascii():
        return int(value.strip())
    return None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def validate_region(
    x: object, y: object, width: object, height: object
) -> tuple[int, int, int, int]:
    """Check a region in the 0-1000 space (api/region_rules.py); InvalidInputError says which
    rule failed."""
    checked = check_region(x, y, width, height)
    if isinstance(checked, str):
        raise errors.InvalidInputError(f"Region refused: {checked}")
    return checked


def _parse_list_body(body: object) -> tuple[list[Any], dict[str, Any]]:
    """(items, meta) of a list answer; ResponseFormatError when there is no list in it at all."""
    if isinstance(body, list):
        return body, {}
    if isinstance(body, dict):
        raw_meta = body.get("meta")
        meta: dict[str, Any] = raw_meta if isinstance(raw_meta, dict) else {}
        found = any(isinstance(body.get(k), list) for k in _LIST_KEYS)
        inner = body.get("data")
        if not found and isinstance(inner, dict):
            found = any(isinstance(inner.get(k), list) for k in _LIST_KEYS)
            if isinstance(inner.get("meta"), dict) and not meta:
                meta = inner["meta"]
        if found:
            return unwrap_list(body, "computers"), meta
        if all(body.get(k) is None for k in _LIST_KEYS) and any(k in body for k in _LIST_KEYS):
            return [], meta  # {"data": null}: an empty fleet
    raise errors.ResponseFormatError("The list of computers had an unexpected shape.")


def _read_page(
    content: bytes,
    page: int,
    per_page: int,
    from_json: Callable[[object], Computer | None] = Computer.from_json,
) -> ComputerPage:
    """Bytes of a list answer -> ComputerPage (pure with the default `from_json`: safe to run
    in a worker thread)."""
    body = read_json(content)
    items, meta = _parse_list_body(body)
    computers: list[Computer] = []
    skipped = 0
    for item in items:
        computer = from_json(item)
        if computer is None:
            skipped += 1
        else:
            computers.append(computer)
    top = body if isinstance(body, dict) else {}
    total = _int(meta.get("total")) if meta.get("total") is not None else _int(top.get("total"))
    return ComputerPage(
        computers=computers,
        total=total,
        page=_int(meta.get("page")) or page,
        per_page=_int(meta.get("per_page")) or per_page,
        skipped=skipped,
    )


async def _fetch_page(
    transport: Transport,
    page: int,
    per_page: int,
    status: str | None,
    *,
    decode_in_thread: bool,
    memo: ListingMemo | None = None,
    yield_to: Foreground | None = None,
) -> ComputerPage:
    content: bytes = await transport.request(
        "GET", "/computers", params=_page_params(page, per_page, status), want="bytes"
    )
    return await _decode_page(content, page, per_page, decode_in_thread, memo, yield_to)


def _page_params(page: int, per_page: int, status: str | None) -> dict[str, object]:
    params: dict[str, object] = {"page": page, "per_page": per_page}
    if status is not None:
        params["status"] = status
    return params


async def _decode_page(
    content: bytes,
    page: int,
    per_page: int,
    decode_in_thread: bool,
    memo: ListingMemo | None,
    yield_to: Foreground | None,
) -> ComputerPage:
    if yield_to is not None:  # a page that arrives during a sort is decoded after it
        await yield_to.wait()
    if decode_in_thread and len(content) > THREAD_DECODE_BYTES:
        return await asyncio.to_thread(_read_page, content, page, per_page)
    if memo is not None:
        return _read_page(content, page, per_page, memo.decode)
    return _read_page(content, page, per_page)


PageFetch = Callable[[int, int, "str | None"], Awaitable[ComputerPage]]


async def _list_all(
    list_page: PageFetch,
    status: str | None,
    progress: ListingProgress | None = None,
    yield_to: Foreground | None = None,
) -> tuple[list[Computer], int]:
    """Page through the fleet: (computers in API order, entries skipped for having no id).

    Once the first page has said how many there are (`total`), up to PAGES_IN_FLIGHT of the
    pages that total implies are asked for at once, and read in order: the server makes the
    next pages while this one is decoded. Without a total, one page at a time. Each page after
    the first is asked for only once what the user is waiting for is done (`yield_to`); on
    the background loop, a page that arrives meanwhile is decoded after it too (`page_of`)."""
    seen: dict[str, Computer] = {}
    skipped = 0
    asked: dict[int, asyncio.Task[ComputerPage]] = {}
    last_page = 1  # the last page known to exist (from page 1's total)

    def ask(page: int) -> asyncio.Task[ComputerPage]:
        return asyncio.ensure_future(list_page(page, PAGE_SIZE, status))

    try:
        page = 1
        while page <= MAX_PAGES:
            # This page and those the total says come after it, within the window; past
            # what the total said (or with none), this page alone.
            for ahead in range(page, max(page, min(page + PAGES_IN_FLIGHT - 1, last_page)) + 1):
                if ahead not in asked:
                    if page > 1 and yield_to is not None:
                        await yield_to.wait()
                    asked[ahead] = ask(ahead)
            result = await asked.pop(page)
            if page == 1 and result.total is not None:
                per_page = min(PAGE_SIZE, result.per_page or PAGE_SIZE)
                last_page = min(MAX_PAGES, -(-result.total // per_page))
            fresh = [c for c in result.computers if c.id not in seen]
            skipped += result.skipped
            if not fresh:
                # Nothing new: the server ignored `page` and sent the same ids again, or sent
                # only entries without ids. Asking for the next page would go on up to
                # MAX_PAGES times.
                break
            for computer in fresh:
                seen[computer.id] = computer
            received = len(result.computers) + result.skipped
            if received == 0 or received < min(PAGE_SIZE, result.per_page or PAGE_SIZE):
                break
            if result.total is not None and len(seen) + skipped >= result.total:
                break
            if progress is not None:  # only while more pages are to come
                progress(fresh, len(seen), result.total)
            page += 1
    finally:
        # Pages asked for and not needed (the fleet shrank, or an error): never left running.
        for task in asked.values():
            task.cancel()
        if asked:
            await asyncio.gather(*asked.values(), return_exceptions=True)
    return list(seen.values()), skipped


def _computer(body: object, what: str) -> Computer:
    computer = Computer.from_json(body)
    if computer is None:
        raise errors.ResponseFormatError(f"The answer to {what} did not contain a computer.")
    return computer


def _epoch(value: object) -> float | None:
    number = value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    if number is not None:
        return float(number) / 1000 if number > 1e12 else float(number)
    when = parse_timestamp(value, naive_as_utc=False) if isinstance(value, str) else None
    return None if when is None else when.timestamp()


class MiosaClient:
    """Async client for MIOSA computers. Use `async with MiosaClient(settings) as client:`."""

    def __init__(
        self,
        settings: ApiSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        wait_interval: float = 2.0,
        sleep: Sleep = asyncio.sleep,
        rand: Callable[[], float] = random.random,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self.wait_interval = wait_interval
        self._sleep = sleep
        self._clock = clock
        self._now = now
        self._transport_args: dict[str, Any] = {
            "transport": transport,
            "sleep": sleep,
            "rand": rand,
            "now": now,
        }
        self._transport: Transport | None = None  # made on first use (the `transport` property)
        self._transport_lock = threading.Lock()
        self._closed = False
        # list_computers(in_background=True): its own loop thread and connection pool.
        self._background: BackgroundLoop | None = None
        self._background_transport: Transport | None = None
        self._listing_memo = ListingMemo()  # the background listing's (api/listing_memo.py)
        # A full listing started before anyone asked for it (`start_listing`), and the relay of
        # its progress to whoever takes it.
        self._early: tuple[Future[tuple[list[Computer], int]], ProgressRelay] | None = None
        self.last_list_skipped = 0  # entries without an id dropped by the last list_computers()
        self._region_via_get = False  # learnt when the POST region route is missing

    async def __aenter__(self) -> MiosaClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    @property
    def transport(self) -> Transport:
        """The client's Transport (httpx), made on first use: importing httpx waits until a
        request needs it (the package's docstring says why), or `prepare` made it."""
        with self._transport_lock:
            if self._transport is None:
                if self._closed:  # as the Transport says once closed
                    raise closed_error()
                self._transport = self._new_transport()
            return self._transport

    def prepare(self) -> None:
        """Make the Transport now, on a thread of its own, for a caller about to send: httpx
        is imported there (~25 ms) instead of on the loop of the first request."""
        if self._transport is None and not self._closed:
            threading.Thread(target=self._prepared, name="miosa-prepare", daemon=True).start()

    def _prepared(self) -> None:
        with contextlib.suppress(errors.MiosaError):  # closed meanwhile: nothing to make
            _ = self.transport

    def _new_transport(self) -> Transport:
        from miosa_tui.api.transport import Transport

        return Transport(self.settings, **self._transport_args)

    async def aclose(self) -> None:
        self._closed = True
        if self._early is not None:  # started, never taken: stopped, not left pending
            self._early[0].cancel()
            self._early = None
        with self._transport_lock:  # one `prepare` is making now is closed too
            transport = self._transport
        if transport is not None:
            await transport.aclose()
        if self._background is not None:
            last = self._background_transport.aclose() if self._background_transport else None
            await self._background.close(last)
            self._background = None
            self._background_transport = None

    # -- Miosa.Computers -------------------------------------------------------------------

    async def list_page(
        self, page: int = 1, per_page: int = PAGE_SIZE, status: str | None = None
    ) -> ComputerPage:
        """One page of `GET /computers`; entries without an id are dropped and counted.

        The body is read as bytes; a large one is decoded and turned into Computers in a worker
        thread (`asyncio.to_thread`), so the event loop keeps answering keys meanwhile.
        """
        return await _fetch_page(self.transport, page, per_page, status, decode_in_thread=True)

    async def list_computers(
        self,
        status: str | None = None,
        *,
        in_background: bool = False,
        progress: ListingProgress | None = None,
        yield_to: Foreground | None = None,
    ) -> list[Computer]:
        """Every computer, across all pages (stops on a short/empty page, total, or repeats).

        `in_background=True` runs the whole listing (HTTP, JSON, models) on the client's own
        loop thread with its own connections; the calling loop only waits for the result. The
        dashboard polls this way so a 10,000-computer listing never holds its event loop.
        `progress` is told after each page, on the loop that lists (the background one then:
        it must only hand the news over, thread-safely). `yield_to`: each page after the first
        waits while a sort or a filter the user is waiting for is under way (api/foreground.py).
        """
        early = self._early if in_background and status is None else None
        if early is not None:  # started by `start_listing`: its answer, not a second request
            self._early = None
            future, relay = early
            relay.listen(progress)
            # Done already (the usual case at start-up): taken at once. Awaiting a done future
            # still waits a turn of the loop, behind the first paint of an empty table.
            if future.done():
                computers, skipped = future.result()
            else:
                computers, skipped = await asyncio.wrap_future(future)
        elif not in_background:
            computers, skipped = await _list_all(self.list_page, status, progress, yield_to)
        else:
            computers, skipped = await self._background_loop().run(
                self._list_in_background(status, progress, yield_to)
            )
        self.last_list_skipped = skipped
        return computers

    def start_listing(self) -> Future[tuple[list[Computer], int]]:
        """Start a full listing now, on the background loop, for the next
        `list_computers(in_background=True)` to take instead of asking again; returns it
        (the computers and how many entries were skipped), for a caller that wants to know
        when it is done. A second call before it is taken returns the same listing.

        From any thread, with or without a running loop. The dashboard calls it before Textual
        is even imported: building the UI takes ~400 ms, the listing a round trip per page, and
        the two no longer wait for each other. Its progress is kept until the taker listens
        (`ProgressRelay`). Over plain http its first page comes as one GET on a socket
        (`plain_get.py`), so httpx is not imported while the first frame is being made."""
        if self._early is None:
            relay = ProgressRelay()
            plain = self._transport_args["transport"] is None and plain_http(self.settings)
            future = self._background_loop().submit(
                self._list_in_background(None, relay, plain_first_page=plain)
            )
            self._early = (future, relay)
        return self._early[0]

    def _background_loop(self) -> BackgroundLoop:
        if self._background is None:
            self._background = BackgroundLoop("miosa-list")
        return self._background

    def _listing_transport(self) -> Transport:
        """The background loop's own Transport (connection pool), made there on first use."""
        if self._background_transport is None:
            self._background_transport = self._new_transport()
        return self._background_transport

    async def _list_in_background(
        self,
        status: str | None,
        progress: ListingProgress | None,
        yield_to: Foreground | None = None,
        *,
        plain_first_page: bool = False,
    ) -> tuple[list[Computer], int]:
        """Runs on the background loop. `plain_first_page`: page 1 is asked for with one
        GET on a socket first (`plain_get.py`), through the Transport only if that failed."""
        # A full listing (the dashboard's poll) reuses what the last one decoded.
        memo = self._listing_memo if status is None else None

        async def page_of(page: int, per_page: int, status: str | None) -> ComputerPage:
            if page == 1 and plain_first_page:
                params = _page_params(page, per_page, status)
                content = await get_plain_async(self.settings, "/computers", params)
                if content is not None:
                    return await _decode_page(content, page, per_page, False, memo, yield_to)
            return await _fetch_page(
                self._listing_transport(),
                page,
                per_page,
                status,
                decode_in_thread=False,
                memo=memo,
                yield_to=yield_to,
            )

        try:
            listed = await _list_all(page_of, status, progress, yield_to)
        except BaseException:
            if memo is not None:
                memo.abandon()
            raise
        if memo is not None:
            memo.finish()
        return listed

    async def get(self, computer_id: str) -> Computer:
        body = await self.transport.request("GET", _path(computer_id))
        return _computer(body, f"GET computer {computer_id}")

    async def get_json(self, computer_id: str) -> Any:
        """GET /computers/:id as the API sent it (the describe view)."""
        return await self.transport.request("GET", _path(computer_id))

    async def create(
        self,
        name: str,
        size: str = "small",
        region: str | None = None,
        template_type: str = "miosa-desktop",
        **extra: Any,
    ) -> Computer:
        """POST /computers (never retried: a lost answer is an UnknownOutcomeError)."""
        payload: dict[str, Any] = {"name": name, "size": size, "template_type": template_type}
        if region:
            payload["region"] = region
        payload.update({k: v for k, v in extra.items() if v is not None})
        body = await self.transport.request("POST", "/computers", json=payload)
        return _computer(body, "create")

    async def update(self, computer_id: str, **fields: Any) -> Computer:
        """PATCH name / metadata / visibility."""
        body = await self.transport.request("PATCH", _path(computer_id), json=fields)
        return _computer(body, f"update of {computer_id}")

    async def delete(self, computer_id: str, *, force: bool = False) -> None:
        """DELETE the computer. A 404 on a *retried* DELETE means the first attempt worked."""
        try:
            await self.transport.request(
                "DELETE", _path(computer_id), params={"force": "true"} if force else None
            )
        except errors.NotFoundError as exc:
            if exc.attempts <= 1:
                raise

    destroy = delete

    # -- Miosa.Computer lifecycle ------------------------------------------------------------

    async def _action(self, computer_id: str, action: str, payload: Any = None) -> Computer | None:
        body = await self.transport.request("POST", _path(computer_id, action), json=payload)
        return Computer.from_json(body)

    async def start(self, computer_id: str) -> Computer | None:
        return await self._action(computer_id, "start")

    async def stop(self, computer_id: str) -> Computer | None:
        return await self._action(computer_id, "stop")

    async def restart(self, computer_id: str) -> Computer | None:
        return await self._action(computer_id, "restart")

    async def clone(self, computer_id: str, name: str | None = None, **attrs: Any) -> Computer:
        payload = {k: v for k, v in {"name": name, **attrs}.items() if v is not None}
        body = await self.transport.request("POST", _path(computer_id, "clone"), json=payload)
        return _computer(body, f"clone of {computer_id}")

    async def move(
        self, computer_id: str, region: str | None = None, **attrs: Any
    ) -> Computer | None:
        payload = {k: v for k, v in {"region": region, **attrs}.items() if v is not None}
        if not payload:
            raise errors.InvalidInputError("Moving needs a region (or a host_id).")
        return await self._action(computer_id, "move", payload)

    async def resize(
        self, computer_id: str, size: str | None = None, **attrs: Any
    ) -> Computer | None:
        """POST {size} (Python/Go/TS SDKs); on 405 retry as PATCH (Elixir), which is safe."""
        payload = {k: v for k, v in {"size": size, **attrs}.items() if v is not None}
        if not payload:
            raise errors.InvalidInputError("Resizing needs a size (or cpu and memory_mb).")
        try:
            return await self._action(computer_id, "resize", payload)
        except errors.ValidationError as exc:
            if exc.status != 405:
                raise
        body = await self.transport.request("PATCH", _path(computer_id, "resize"), json=payload)
        return Computer.from_json(body)

    # -- Access -----------------------------------------------------------------------------

    async def apps(self, computer_id: str) -> list[App]:
        body = await self.transport.request("GET", _path(computer_id, "apps"))
        result: list[App] = []
        for item in unwrap_list(body, "apps"):
            if isinstance(item, str) and item:
                result.append(App(name=item))
            elif isinstance(item, dict):
                name = _text(item.get("name")) or _text(item.get("id")) or _text(item.get("app"))
                if name:
                    title = _text(item.get("title")) or _text(item.get("display_name"))
                    result.append(App(name=name, title=title, raw=dict(item)))
        return result

    async def urls(self, computer_id: str) -> list[NamedUrl]:
        """Named URLs; accepts a list of {name,url,port} or a {name: url} map."""
        body = await self.transport.request("GET", _path(computer_id, "urls"))
        items = unwrap_list(body, "urls")
        result: list[NamedUrl] = []
        if items:
            for item in items:
                if isinstance(item, dict):
                    url = _text(item.get("url"))
                    if url:
                        name = _text(item.get("name")) or _text(item.get("type")) or "url"
                        result.append(NamedUrl(name=name, url=url, port=_int(item.get("port"))))
            return result
        mapping = unwrap_object(body)
        if isinstance(mapping, dict):
            for name, url in mapping.items():
                if isinstance(url, str) and url.startswith(
                    ("http://", "https://", "wss://", "ws://")
                ):
                    result.append(NamedUrl(name=str(name), url=url))
        return result

    async def vnc_credentials(self, computer_id: str) -> VncCredentials:
        body = await self.transport.request("GET", _path(computer_id, "vnc-credentials"))
        obj = body
        if isinstance(body, dict) and isinstance(body.get("data"), dict) and len(body) <= 2:
            obj = body["data"]
        if not isinstance(obj, dict):
            raise errors.ResponseFormatError("The VNC credentials answer had an unexpected shape.")
        return VncCredentials(
            username=_text(obj.get("username")) or _text(obj.get("user")),
            password=_text(obj.get("password")),
            url=_text(obj.get("url"))
            or _text(obj.get("vnc_url"))
            or _text(obj.get("websocket_url")),
            raw=dict(obj),
        )

    async def stream_token(self, computer_id: str) -> StreamToken:
        body = await self.transport.request("POST", _path(computer_id, "stream-token"))
        obj = body
        if isinstance(body, dict) and isinstance(body.get("data"), dict) and len(body) <= 2:
            obj = body["data"]
        token = _text(obj.get("token")) if isinstance(obj, dict) else None
        if not isinstance(obj, dict) or not token:
            raise errors.ResponseFormatError("The stream token answer contained no token.")
        expires = _epoch(obj.get("expires_at"))
        expires_in = obj.get("expires_in")
        if (
            expires is None
            and isinstance(expires_in, (int, float))
            and not isinstance(expires_in, bool)
        ):
            expires = self._now() + float(expires_in)
        return StreamToken(token=token, expires_at=expires, raw=dict(obj))

    async def screenshot(self, computer_id: str) -> bytes:
        """The full desktop as PNG bytes."""
        data: bytes = await self.transport.request(
            "GET", _path(computer_id, "desktop", "screenshot"), want="png"
        )
        return data

    async def screenshot_region(
        self, computer_id: str, x: int, y: int, width: int, height: int
    ) -> bytes:
        """A region in the 0-1000 space as PNG bytes, validated before any request.

        Uses the Python SDK's POST /desktop/screenshot/region; when that route is missing
        (404/405) it falls back to the Elixir SDK's GET /screenshot?x&y&width&height and
        remembers that for the next calls.
        """
        ix, iy, iw, ih = validate_region(x, y, width, height)
        region = {"x": ix, "y": iy, "width": iw, "height": ih}
        if not self._region_via_get:
            try:
                data: bytes = await self.transport.request(
                    "POST",
                    _path(computer_id, "desktop", "screenshot", "region"),
                    json=region,
                    want="png",
                )
                return data
            except (errors.NotFoundError, errors.ValidationError) as exc:
                if exc.status not in (404, 405):
                    raise
        data = await self.transport.request(
            "GET", _path(computer_id, "screenshot"), params=region, want="png"
        )
        self._region_via_get = True
        return data

    def preview_url(
        self, computer: Computer | str, port: int | str, path: str = "/", domain: str | None = None
    ) -> str:
        return links.preview_url(computer, port, path, domain)

    def public_url(self, computer: Computer | str, domain: str | None = None) -> str:
        return links.public_url(computer, domain)

    # -- Waiting ----------------------------------------------------------------------------

    async def wait_until_running(
        self, computer_id: str, timeout: float = DEFAULT_WAIT_TIMEOUT
    ) -> Computer:
        return await self._wait(computer_id, RUNNING, timeout)

    async def wait_until_stopped(
        self, computer_id: str, timeout: float = DEFAULT_WAIT_TIMEOUT
    ) -> Computer:
        return await self._wait(computer_id, STOPPED, timeout)

    async def _wait(self, computer_id: str, target: str, timeout: float) -> Computer:
        """Poll GET until `target`; fail fast on error/failed/destroyed or 404.

        Transient failures (5xx, network, 429 after the transport's own retries) do not end
        the wait: the deadline does, and the timeout error names the last status seen.
        """
        deadline = self._clock() + max(0.0, timeout)
        last_status: str | None = None
        while True:
            try:
                computer = await self.get(computer_id)
            except errors.NotFoundError as exc:
                raise errors.ComputerFailedError(
                    f"Computer {computer_id} disappeared (404) while waiting for it to be "
                    f"{target}.",
                    status=404,
                    code="NOT_FOUND",
                    request_id=exc.request_id,
                ) from exc
            except (
                errors.ServerError,
                errors.ConnectionError,
                errors.TimeoutError,
                errors.RateLimitError,
                errors.ResponseFormatError,
            ):
                computer = None
            if computer is not None:
                last_status = computer.status
                if computer.status == target:
                    return computer
                if computer.status in FAILED_STATUSES:
                    raise errors.ComputerFailedError(
                        f"Computer {computer.name} went into {computer.status} "
                        f"while waiting for it to be {target}.",
                        code="COMPUTER_ERROR",
                    )
            remaining = deadline - self._clock()
            if remaining <= 0:
                raise errors.WaitTimeoutError(target, last_status, timeout)
            await self._sleep(min(self.wait_interval, remaining))
