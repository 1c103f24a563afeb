"""Jobs on worker threads, one lane per document: a document's jobs run one after another,
in order (each may reuse the analysis the one before left), those of different documents
side by side, so a slow document holds up only itself. A job cancelled while it waits
never runs; once running it cannot be stopped, and its lane stays busy until it ends."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")

WORKERS = 4  # documents analysed at once; more wait for a free thread


class Lanes:
    def __init__(self, workers: int = WORKERS) -> None:
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="audit-scan")
        self._busy: dict[str, asyncio.Future[None]] = {}  # lane -> its job's end

    async def run(self, lane: str, call: Callable[..., T], *args: Any) -> T:
        """`call(*args)` on a worker thread, once the lane's earlier jobs have ended."""
        while (busy := self._busy.get(lane)) is not None:
            await asyncio.wait([busy])  # not `await busy`: a cancelled waiter leaves it be
        loop = asyncio.get_running_loop()
        job = self.pool.submit(call, *args)
        ended: asyncio.Future[None] = loop.create_future()
        self._busy[lane] = ended

        def end() -> None:
            if self._busy.get(lane) is ended:
                del self._busy[lane]
            ended.set_result(None)

        def done(_: Future[T]) -> None:  # on the worker thread, or here if cancelled
            with contextlib.suppress(RuntimeError):  # the loop is closed: the server is gone
                loop.call_soon_threadsafe(end)

        job.add_done_callback(done)
        return await asyncio.wrap_future(job)

    def shutdown(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
