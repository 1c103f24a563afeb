"""The worker processes, decided once for every pool of auditor (a scan's files, which the
snapshot and the tracker's work-tree scan run too, and the history walk's blobs): how many
there are, how they start, how they are tuned, and that they end with their parent.

They are forked: each inherits the rules already imported (a project's plugins too) and
the engine, never pickled. Where processes cannot fork (Windows), there is no pool and the
caller does the work itself. A worker dies with the process that started it, whatever
kills that one (`kill -9` included): on Linux the kernel sends it SIGKILL
(`PR_SET_PDEATHSIG`); elsewhere a thread in the worker watches its parent's pid. Start a
pool from a thread that outlives it: on Linux, the signal follows the thread that forked.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Generic, TypeVar

from auditor import COLLECTOR_THRESHOLDS

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor
    from types import TracebackType

S = TypeVar("S")  # the state each worker is given once, when it starts
T = TypeVar("T")
R = TypeVar("R")

WATCH_INTERVAL = 0.2  # seconds between two looks at the parent, where no signal is sent
_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def default_jobs() -> int:
    """The cores this process may run on: the number of workers when `--jobs` is not given."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


class Pool(Generic[S]):
    """`jobs` forked workers, each given `state` once through `initializer(state)`."""

    def __init__(self, jobs: int, initializer: Callable[[S], None], state: S) -> None:
        # Imported here: a run that starts no process does not pay for them.
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self._executor: ProcessPoolExecutor = ProcessPoolExecutor(
            jobs,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_start,
            initargs=(os.getpid(), initializer, state),
        )
        # Fork them all now, not at the first task: whatever this process opens next
        # (git's pipes, for the history) is not theirs, and they follow this thread.
        try:
            self._executor.submit(_ready).result()
        except BaseException:
            # Ctrl-C while the workers start (`audit scan --watch`): no `with` block holds
            # this pool yet, and an executor left running makes the interpreter's exit
            # wait for it forever.
            self._executor.shutdown(wait=False, cancel_futures=True)
            raise

    def map(self, function: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """`function(item)` of each item in the workers, in the items' order; a worker that
        dies (a crash in a parser) raises BrokenProcessPool here rather than hanging."""
        return self._executor.map(function, items)

    def submit(self, function: Callable[[T], R], items: Iterable[T]) -> Callable[[], list[R]]:
        """Start `function(item)` of each item now; the returned function waits for the
        results, in the items' order."""
        futures = [self._executor.submit(function, item) for item in items]
        return lambda: [future.result() for future in futures]

    def close(self) -> None:
        """Wait for the tasks running, drop those not started, and end the workers."""
        self._executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> Pool[S]:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def start(jobs: int, initializer: Callable[[S], None], state: S) -> Pool[S] | None:
    """A pool of `jobs` workers, or None when one process will do (`jobs` is 1) or must
    (processes cannot fork here): the caller then does the work itself."""
    if jobs <= 1 or not can_fork():
        return None
    return Pool(jobs, initializer, state)


def collect_less() -> tuple[int, int, int]:
    """Tune the cyclic garbage collector for parsing, and return its old thresholds. A
    parse allocates hundreds of thousands of objects that die with their tree, by
    reference counting; with the default thresholds the collector runs every 700
    allocations and rescans the long-lived objects (modules, rules) again and again: a
    tenth of a scan's time. Frozen, those are never rescanned."""
    old = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*COLLECTOR_THRESHOLDS)
    return old


def collect_as_before(thresholds: tuple[int, int, int]) -> None:
    """Undo `collect_less` in a process that goes on after the work (not a worker)."""
    gc.set_threshold(*thresholds)
    gc.unfreeze()


def _ready() -> None:
    """A task that does nothing: its answer says the workers have started."""


def _start(parent: int, initializer: Callable[[S], None], state: S) -> None:
    """First thing in each worker: bind its life to its parent's, then get ready."""
    die_with(parent)
    collect_less()
    initializer(state)


def die_with(parent: int) -> None:
    """End this process when the process `parent` ends: by the kernel's signal where
    there is one, else by a thread that watches which process is this one's parent."""
    if not _death_signal():
        watch = threading.Thread(target=_watch, args=(parent,), name="audit-parent", daemon=True)
        watch.start()
    if os.getppid() != parent:  # it died before the signal was asked for
        os._exit(1)


def _death_signal() -> bool:
    """Ask Linux to SIGKILL this process when its parent ends; whether it was done."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)) == 0
    except (OSError, AttributeError):  # no C library to load, or no prctl in it
        return False


def _watch(parent: int) -> None:
    """When the parent dies, this process is given another (init, or a subreaper)."""
    while os.getppid() == parent:
        time.sleep(WATCH_INTERVAL)
    os._exit(1)
