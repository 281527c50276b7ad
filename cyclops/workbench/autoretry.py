"""Saving again by itself after a storage outage: the edits kept locally are sent on a timer, with no analyst action.

While the session is offline (``Status.state == "offline"``), ``Session.retry_outbox`` runs after 5 s, then 10, 20, 40
and every 60 s until the store takes the kept edits; the status says when the next try is. A save, a conflict or any
other state ends the timer. In the workbench's kernel the timer is the kernel's own event loop (its callbacks run
between widget messages, as a click's do); outside a running loop (a script) a daemon thread.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from cyclops.errors import MapiError

log = logging.getLogger(__name__)

#: the first try after an outage, and the longest wait between two tries (seconds)
FIRST_DELAY = 5.0
LONGEST_DELAY = 60.0


def retry_delay(attempt: int, first: float = FIRST_DELAY, longest: float = LONGEST_DELAY) -> float:
    """Seconds before try ``attempt`` (0 first): doubling from ``first``, never above ``longest``."""
    return min(longest, first * 2 ** max(0, attempt))


def clock_time(moment: float) -> str:
    """``moment`` (epoch seconds) as the analyst reads it beside the changes page's times: ``14:05:31 UTC``."""
    return datetime.fromtimestamp(moment, UTC).strftime("%H:%M:%S UTC")


def _later(delay: float, callback: Callable[[], None]) -> Callable[[], None]:
    """Run ``callback`` in ``delay`` seconds; returns what cancels it."""
    try:
        handle = asyncio.get_running_loop().call_later(delay, callback)
        return handle.cancel
    except RuntimeError:  # no running loop: not in a kernel
        timer = threading.Timer(delay, callback)
        timer.daemon = True
        timer.start()
        return timer.cancel


class AutoRetry:
    """Watches a ``Session``; while it is offline, sends its kept edits again on a doubling timer."""

    def __init__(self, session: object, first: float = FIRST_DELAY, longest: float = LONGEST_DELAY) -> None:
        self.session = session  # cyclops.workbench.state.Session
        self.first, self.longest = first, longest
        self.attempt = 0
        self.due: float | None = None  # when the next try runs (epoch seconds); None: no try pending
        self._cancel: Callable[[], None] | None = None
        session.subscribe(self._changed)  # type: ignore[attr-defined]

    def _changed(self, session: object) -> None:
        if session.status.state == "offline":  # type: ignore[attr-defined]
            if self._cancel is None:
                self._arm()
        else:
            self.stop()

    def _arm(self) -> None:
        delay = retry_delay(self.attempt, self.first, self.longest)
        self.due = time.time() + delay
        self._cancel = _later(delay, self._fire)

    def _fire(self) -> None:
        self._cancel = None
        self.attempt += 1
        try:
            self.session.retry_outbox()  # type: ignore[attr-defined]  # sent: the status turns to saved, which stops us
        except MapiError as exc:  # sent, then the store fell again before the new version was read: try again
            log.info("saving again after the outage failed: %s", exc.message)
        except Exception:  # noqa: BLE001  a timer's error would end it unseen and the kept edits would wait for a click
            log.warning("saving again after the outage failed; trying again later", exc_info=True)
        if self.session.status.state == "offline" and self._cancel is None:  # type: ignore[attr-defined]
            self._arm()
            self.session.notify()  # type: ignore[attr-defined]  # the status names the next try's time

    def stop(self) -> None:
        if self._cancel is not None:
            self._cancel()
        self._cancel, self.due, self.attempt = None, None, 0
