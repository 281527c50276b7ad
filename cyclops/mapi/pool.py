"""mapi's process pool: rebuilt after a worker dies, with workers that die with their parent.

A worker killed from outside (the out-of-memory killer, ``kill -9``) breaks a
``ProcessPoolExecutor`` for good: every later ``submit`` raises ``BrokenProcessPool``.
``WorkerPool`` answers the request that was running with ``WorkerLost`` (HTTP 503,
retry), replaces the executor, and reports in ``status()`` (``/readyz``) whether a
pool can be started.

Workers die with their parent: each one asks Linux for ``SIGKILL`` when its parent
dies (``prctl(PR_SET_PDEATHSIG)``) and, everywhere, polls ``os.getppid()``. The signal
follows the parent *thread* that spawned the worker, so every worker is spawned from
one long-lived keeper thread, never from a request's thread that may end.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import threading
import time
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from cyclops.errors import WorkerLost

log = logging.getLogger("cyclops.mapi")

_PR_SET_PDEATHSIG = 1
#: seconds between two looks at the parent pid (the portable fallback of PR_SET_PDEATHSIG)
PARENT_POLL = 1.0


def die_with_parent(parent_pid: int) -> None:
    """Pool initializer: end this process as soon as ``parent_pid`` is gone."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            import signal

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - no prctl: the poll below still works
            pass
    if os.getppid() != parent_pid:  # the parent died before the signal was armed
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(PARENT_POLL)
            if os.getppid() != parent_pid:
                os._exit(1)

    threading.Thread(target=watch, name="cyclops-parent-watch", daemon=True).start()


def worker_pid() -> int:
    """A no-op task: starting a worker and finding its pid (tests)."""
    return os.getpid()


class WorkerPool(Executor):
    """A ``ProcessPoolExecutor`` of ``workers`` processes that is rebuilt when a worker dies.

    ``submit`` returns a future that raises ``WorkerLost`` instead of ``BrokenProcessPool``.
    """

    def __init__(self, workers: int, *, start_timeout: float = 120.0) -> None:
        self.workers = workers
        self.start_timeout = start_timeout
        self.rebuilds = 0
        self.error: str | None = None
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None
        self._generation = 0
        self._building: Future | None = None
        self._closed = False
        self._keeper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cyclops-pool-keeper")

    # --- building ---

    def start(self) -> WorkerPool:
        """Begin starting the workers (in the keeper thread); returns at once."""
        self._trigger_build()
        return self

    def _trigger_build(self) -> Future:
        with self._lock:
            if self._closed:
                raise WorkerLost("mapi is shutting down", code="shutting_down")
            if self._building is None or self._building.done():
                self._building = self._keeper.submit(self._build)
            return self._building

    def _build(self) -> None:
        """Runs in the keeper thread, so the workers' parent thread lives as long as the pool."""
        with self._lock:
            if self._executor is not None:
                return
        try:
            executor = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=die_with_parent,
                initargs=(os.getpid(),),
            )
            # start every worker now, from this thread: submit() from a request thread would spawn lazily there
            for _ in range(3):
                pings = [executor.submit(worker_pid) for _ in range(self.workers)]
                for ping in pings:
                    ping.result(timeout=self.start_timeout)
                if len(getattr(executor, "_processes", None) or {}) >= self.workers:
                    break
        except Exception as exc:  # any failure to start is reported by /readyz, then re-raised
            self.error = f"the worker pool cannot be started: {type(exc).__name__}: {exc}"
            log.error(self.error)
            raise
        with self._lock:
            self._executor = executor
            self._generation += 1
            self.error = None

    def _current(self, wait: float) -> tuple[ProcessPoolExecutor, int]:
        with self._lock:
            if self._executor is not None and not getattr(self._executor, "_broken", False):
                return self._executor, self._generation
            generation = self._generation
        if self._executor is not None:  # broken while idle (a worker killed between requests)
            self._broken(generation, "a worker process died")
        building = self._trigger_build()
        try:
            building.result(timeout=wait)
        except FutureTimeout:
            raise WorkerLost("the worker pool is starting; retry in a few seconds", code="workers_starting") from None
        except Exception:  # noqa: BLE001 - the build failed: its reason is in self.error
            raise WorkerLost(self.error or "the worker pool cannot be started", code="workers_unavailable") from None
        with self._lock:
            if self._executor is None:
                raise WorkerLost(self.error or "the worker pool cannot be started", code="workers_unavailable")
            return self._executor, self._generation

    def _broken(self, generation: int, why: str) -> None:
        """Drop the broken executor (once per generation) and start a new one in the keeper thread."""
        with self._lock:
            if self._executor is None or generation != self._generation or self._closed:
                return
            old, self._executor = self._executor, None
            self.rebuilds += 1
            self.error = f"{why}; restarting the worker pool"
        log.warning("worker pool broken (%s); rebuilding", why)
        self._keeper.submit(old.shutdown, wait=False, cancel_futures=True)
        self._trigger_build()

    # --- Executor API ---

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future:
        executor, generation = self._current(self.start_timeout)
        outer: Future = Future()
        try:
            inner = executor.submit(fn, *args, **kwargs)
        except (BrokenProcessPool, RuntimeError) as exc:
            self._broken(generation, f"{type(exc).__name__}")
            raise WorkerLost("a worker process died; the pool is being restarted: retry", code="worker_lost") from None

        def relay(done: Future) -> None:
            if done.cancelled():
                outer.cancel()
                return
            exc = done.exception()
            if isinstance(exc, BrokenProcessPool):
                self._broken(generation, "a worker process died during the work")
                outer.set_exception(WorkerLost(
                    "a worker process died during this work (killed, or out of memory); the pool is being "
                    "restarted: retry, and if it happens again the photos may be too large", code="worker_lost"))
            elif exc is not None:
                outer.set_exception(exc)
            else:
                outer.set_result(done.result())

        inner.add_done_callback(relay)
        return outer

    def status(self) -> str:
        """``ok``, ``starting`` or why no work can be done now (for /readyz)."""
        with self._lock:
            executor, generation, building = self._executor, self._generation, self._building
        if executor is not None and getattr(executor, "_broken", False):
            self._broken(generation, "a worker process died")
            return self.error or "restarting"
        if executor is not None:
            return "ok"
        if building is not None and not building.done():
            return "starting"
        try:  # no executor and no build under way: the last one failed; try again
            self._current(wait=5.0)
        except WorkerLost as exc:
            return exc.message
        return "ok"

    def pids(self) -> list[int]:
        with self._lock:
            processes = getattr(self._executor, "_processes", None) or {}
            return sorted(processes)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = True) -> None:
        with self._lock:
            self._closed = True
            executor, self._executor = self._executor, None
            building = self._building
        if building is not None and not building.done():
            try:
                building.result(timeout=self.start_timeout)
            except Exception as exc:  # noqa: BLE001 - shutting down anyway
                log.debug("worker pool build failed during shutdown: %s", exc)
            with self._lock:
                executor, self._executor = executor or self._executor, None
        if executor is not None:
            executor.shutdown(wait=wait, cancel_futures=cancel_futures)
        self._keeper.shutdown(wait=wait)
