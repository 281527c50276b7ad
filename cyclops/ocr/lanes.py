"""Line recognition spread over single-threaded onnxruntime sessions, one per core (issue 12: speed).

Why: the recogniser's convolutions over one 48-pixel-high line are too small for two intra-op threads to share
well. On the two dense backs of the real photos (455 lines), one session of two threads took 7.3 s wall and
12.4 CPU s; one thread alone 10.5 s and 10.5 CPU s; two sessions of one thread each, given half of the lines
each, 5.4 s wall. Each line is still read alone (batch 1) by the same model, so what is read is the same.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


class Lanes:
    """Runs ``work`` on ``items`` with every lane at once, each lane taking the next item when it is free (threads:
    onnxruntime releases the GIL while it computes), and gives the results back in the items' order. The thread
    pool is made in the process that uses it, so an engine built before a fork still works after it."""

    def __init__(self, lanes: Sequence[object]) -> None:
        self.lanes = list(lanes)
        self._pool: ThreadPoolExecutor | None = None
        self._pid = 0

    def __len__(self) -> int:
        return len(self.lanes)

    def _executor(self) -> ThreadPoolExecutor:
        if self._pool is None or self._pid != os.getpid():
            self._pool = ThreadPoolExecutor(max_workers=len(self.lanes), thread_name_prefix="ocr-lane")
            self._pid = os.getpid()
        return self._pool

    def map(self, work: Callable[[object, list[T]], list], items: Sequence[T], weights: Sequence[float]) -> list:
        """``work(lane, [item])`` for every item, results given back in the items' order. Each lane takes the
        heaviest item left as soon as it is free, so the lanes finish within about one light item of each other:
        splitting the items by weight beforehand left one core idle for 4 of the 75 lane-seconds of the 29 real
        photos (a line's time is not quite proportional to its width)."""
        if len(self.lanes) <= 1 or len(items) <= 1:
            return self._checked(work(self.lanes[0], list(items)), len(items))
        order = iter(sorted(range(len(items)), key=lambda k: -weights[k]))
        taking = threading.Lock()
        out: list = [None] * len(items)

        def run(lane) -> None:
            while True:
                with taking:
                    i = next(order, None)
                if i is None:
                    return
                (out[i],) = self._checked(work(lane, [items[i]]), 1)

        futures = [self._executor().submit(run, lane) for lane in self.lanes[: len(items)]]
        for future in futures:
            future.result()
        return out

    @staticmethod
    def _checked(results, expected: int) -> list:
        results = list(results)
        if len(results) != expected:
            raise RuntimeError(f"a recognition lane gave {len(results)} results for {expected} lines")
        return results
