"""Run the simulator on a real socket: in a background thread (tests, `--sim` dashboards) or
blocking in the foreground (`miosa-tui sim`). uvicorn logs are kept quiet so they never paint
over a terminal UI.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable
from types import TracebackType

import uvicorn

from miosa_tui.sim.app import SimApp, create_app
from miosa_tui.sim.config import SimConfig

_READY_TIMEOUT = 10.0
KEEP_ALIVE_S = 75
_STOP_TIMEOUT = 5.0
_QUIET_MESSAGES = ("ASGI callable should return None", "ASGI callable returned without")


class _DropFilter(logging.Filter):
    """Hide the log line uvicorn writes for an injected connection drop."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(_QUIET_MESSAGES)


def _quiet_uvicorn_logs() -> None:
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _DropFilter) for f in logger.filters):
        logger.addFilter(_DropFilter())


def _uvicorn_config(app: SimApp, host: str, port: int) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="off",
        proxy_headers=False,
        server_header=False,
        timeout_graceful_shutdown=1,
        # Longer than the client's idle-connection expiry (httpx: 5 s), as real front ends are
        # (nginx 75 s). At uvicorn's default of 5 s both sides gave up on an idle connection at
        # the same moment, and a POST sent on it right then came back as "unknown outcome".
        timeout_keep_alive=KEEP_ALIVE_S,
    )


def _bind(host: str, port: int) -> socket.socket:
    """A bound TCP socket. proto=IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on
    accepted sockets whose proto says TCP, and without it every response waits ~40 ms
    (Nagle + delayed ACK between the header and body writes)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


class SimServer:
    """The simulator on 127.0.0.1:<free port> in a daemon thread.

    >>> with SimServer(SimConfig()) as server:
    ...     server.base_url  # "http://127.0.0.1:PORT/api/v1"
    """

    def __init__(
        self,
        config: SimConfig | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.config = config or SimConfig()
        self.host = host
        self.port = port
        self.app = create_app(self.config, clock=clock)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    @property
    def root_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def base_url(self) -> str:
        return self.root_url + "/api/v1"

    def start(self) -> str:
        """Bind (port 0 picks a free port), serve in a thread, return base_url once ready."""
        if self._thread is not None:
            return self.base_url
        _quiet_uvicorn_logs()
        sock = _bind(self.host, self.port)
        self.port = sock.getsockname()[1]
        server = uvicorn.Server(_uvicorn_config(self.app, self.host, self.port))
        self._server = server

        def run() -> None:
            try:
                server.run(sockets=[sock])
            except BaseException as exc:  # reported by start(); a thread can't raise
                self._error = exc
            finally:
                sock.close()

        self._thread = threading.Thread(target=run, name=f"miosa-sim:{self.port}", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + _READY_TIMEOUT
        while not server.started:
            if self._error is not None or not self._thread.is_alive():
                self._thread = None
                raise RuntimeError(f"simulator failed to start: {self._error}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("simulator did not start within 10 seconds")
            time.sleep(0.005)
        return self.base_url

    def stop(self) -> None:
        """Ask uvicorn to exit and wait for the thread; force it if it lingers."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        server.should_exit = True
        thread.join(_STOP_TIMEOUT)
        if thread.is_alive():
            server.force_exit = True
            thread.join(_STOP_TIMEOUT)
        self._thread = None
        self._server = None

    def __enter__(self) -> SimServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def serve(
    config: SimConfig,
    host: str = "127.0.0.1",
    port: int = 8765,
    *,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve in the foreground until Ctrl-C. Prints nothing; `on_ready(base_url)` lets the CLI.

    Raises OSError (e.g. address in use) before serving, so the CLI can say so in a sentence.
    """
    _quiet_uvicorn_logs()
    sock = _bind(host, port)
    app = create_app(config)
    bound = sock.getsockname()[1]
    server = uvicorn.Server(_uvicorn_config(app, host, bound))
    if on_ready is not None:
        shown = f"[{host}]" if ":" in host else host
        on_ready(f"http://{shown}:{bound}/api/v1")
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
