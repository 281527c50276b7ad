"""Saving again by itself after a storage outage (cyclops.workbench.autoretry), on a real in-process client whose S3
store (moto) is stopped and started again. The same in a real browser: tests/test_review_browser.py."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from cyclops.client import MapiClient
from cyclops.workbench.autoretry import retry_delay
from tests.samples import workbench_on_s3


def test_tries_double_from_five_seconds_to_a_minute() -> None:
    assert [retry_delay(k) for k in range(7)] == [5, 10, 20, 40, 60, 60, 60]


def test_a_kept_edit_is_sent_by_itself_once_the_store_is_back(own_s3_server, configure) -> None:
    """Run off the main thread: the session's chromium (Playwright's sync API) leaves its asyncio loop marked as
    running on the main thread, where a timer would wait for a loop that only turns during browser calls; in a
    kernel the running loop is the kernel's own, which the browser test exercises."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(_kept_edit_is_sent_by_itself, own_s3_server, configure).result()


def _kept_edit_is_sent_by_itself(own_s3_server, configure) -> None:
    workbench = workbench_on_s3(own_s3_server, configure)
    workbench.autoretry.first = 2.0  # the doubling as in the workbench, from 2 s (a try while moto is down waits long)
    own_s3_server.stop()
    workbench.product.inputs["product_name"].value = "Typed while offline"
    assert workbench.session.status.state == "offline" and workbench.autoretry.due is not None
    assert "or by itself at" in workbench.status.value and " UTC (in " in workbench.status.value
    own_s3_server.start()
    deadline = time.monotonic() + 60
    while "Saved" not in workbench.status.value and time.monotonic() < deadline:  # no click, no key, no edit
        time.sleep(0.1)
    assert "Saved: Product name" in workbench.status.value
    assert MapiClient().get_analysis("an-1").fields.product_name.value == "Typed while offline"
    assert workbench.autoretry.due is None  # no try left pending
