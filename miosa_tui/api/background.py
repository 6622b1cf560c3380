"""A private asyncio loop on a daemon thread, for work a UI's event loop should not carry.

A 10,000-computer listing is 20 HTTP answers and 5 MB of JSON: parsing the HTTP alone costs the
loop that runs it about twice what `json.loads` of the body does. Run on this loop instead, the
UI's loop only waits for the finished list. Started on first use, stopped by `close()`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class BackgroundLoop:
    def __init__(self, name: str = "miosa-background") -> None:
        self.name = name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _start(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                ready = threading.Event()

                def run() -> None:
                    asyncio.set_event_loop(loop)
                    loop.call_soon(ready.set)
                    loop.run_forever()

                self._thread = threading.Thread(target=run, name=self.name, daemon=True)
                self._thread.start()
                ready.wait()
                self._loop = loop
            return self._loop

    def submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Start `coro` on the background loop now, from any thread, loop or none; its future.
        Cancelling the future cancels the task."""
        return asyncio.run_coroutine_threadsafe(coro, self._start())

    async def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run `coro` on the background loop and wait for it from the calling loop.

        Cancelling the caller cancels the background task too."""
        return await asyncio.wrap_future(self.submit(coro))

    async def close(self, last: Coroutine[Any, Any, Any] | None = None) -> None:
        """Run `last` (e.g. closing a client that lives there), let every task still there end
        (cancelled), then stop the loop and thread."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            if last is not None:
                last.close()
            return
        await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(_wind_up(last), loop))
        loop.call_soon_threadsafe(loop.stop)
        await asyncio.to_thread(thread.join, 5)
        if not thread.is_alive():
            loop.close()
        self._loop = None
        self._thread = None


async def _wind_up(last: Coroutine[Any, Any, Any] | None) -> None:
    """On the background loop: `last`, then every other task cancelled and waited for, so none
    is left pending when the loop stops (as `asyncio.run` does when it ends)."""
    if last is not None:
        await last
    tasks = asyncio.all_tasks() - {asyncio.current_task()}
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
