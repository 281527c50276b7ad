"""Line recognition spread over single-threaded onnxruntime sessions, one per core (issue 12: speed).

Why: the recogniser's convolutions over one 48-pixel-high line are too small for two intra-op threads to share
well. On the two dense backs of the real photos (455 lines), one session of two threads took 7.3 s wall and
12.4 CPU s; one thread alone 10.5 s and 10.5 CPU s; two sessions of one thread each, given half of the lines
each, 5.4 s wall. Each line is still read alone (batch 1) by the same model, so what is read is the same.
"""

from __future__ import annotations

import heapq
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


def share(weights: Sequence[float], lanes: int) -> list[list[int]]:
    """Indices of ``weights`` split into ``lanes`` groups of nearly equal total weight: heaviest first, each to
    the lightest group so far. Each group keeps its indices in ascending order."""
    groups: list[list[int]] = [[] for _ in range(max(lanes, 1))]
    loads = [(0.0, g) for g in range(len(groups))]
    for i in sorted(range(len(weights)), key=lambda k: -weights[k]):
        load, g = heapq.heappop(loads)
        groups[g].append(i)
        heapq.heappush(loads, (load + weights[i], g))
    return [sorted(g) for g in groups]


class Lanes:
    """Runs ``work(lane, items)`` for each lane on its share of ``items`` at once (threads: onnxruntime releases
    the GIL while it computes) and gives the results back in the items' order. The thread pool is made in the
    process that uses it, so an engine built before a fork still works after it."""

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
        """``work(lane, share_of_items)`` on every lane, results (one per item, in order) joined back in order."""
        groups = [g for g in share(weights, len(self.lanes)) if g]
        if len(groups) <= 1:
            return list(work(self.lanes[0], list(items)))
        futures = [self._executor().submit(work, lane, [items[i] for i in group]) for lane, group in zip(self.lanes, groups)]
        out: list = [None] * len(items)
        for group, future in zip(groups, futures):
            results = list(future.result())
            if len(results) != len(group):
                raise RuntimeError(f"a recognition lane gave {len(results)} results for {len(group)} lines")
            for i, result in zip(group, results):
                out[i] = result
        return out
