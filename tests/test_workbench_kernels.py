"""Kernels end with their page: reloads let the page's goodbye through, a vanished page is culled, the preheated
kernel is kept, and stopping ``cyclops serve workbench`` (SIGTERM, SIGINT) leaves no process behind.

Real Voila, real chromium (Playwright), real processes counted with psutil. No mapi process is needed:
the dashboard uses the in-process services on a temporary data dir.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest

from tests.browser_fixtures import wait_for_http
from tests.servers import free_port

#: short culling for the test (production: serve.CULL_IDLE / CULL_INTERVAL, minutes)
TEST_CULL_IDLE, TEST_CULL_INTERVAL = 6, 2


def kernel_processes(pid: int) -> list[psutil.Process]:
    """The ipykernel processes below ``pid``."""
    found = []
    for child in psutil.Process(pid).children(recursive=True):
        try:
            if "ipykernel" in " ".join(child.cmdline()):
                found.append(child)
        except psutil.NoSuchProcess:
            pass
    return found


def quiet(processes: list[psutil.Process], seconds: float = 1.0) -> bool:
    """True when the processes used almost no CPU for ``seconds`` (a preheated kernel done running the notebook
    is idle; culling skips a busy one, so a wait for the cull counts from then)."""
    def used() -> float:
        total = 0.0
        for process in processes:
            with contextlib.suppress(psutil.NoSuchProcess):  # a kernel that ended uses no more CPU
                times = process.cpu_times()
                total += times.user + times.system
        return total

    before = used()
    time.sleep(seconds)
    return used() - before < 0.05 * seconds


def settled_kernels(server_pid: int, count: int, seconds: float, still: float = 3.0) -> set[int] | None:
    """The pids of the server's kernels once there are ``count`` of them and the set has stayed the same for
    ``still`` seconds; None when that does not happen within ``seconds``."""
    deadline = time.monotonic() + seconds
    last: set[int] | None = None
    while time.monotonic() < deadline:
        now = {k.pid for k in kernel_processes(server_pid)}
        if len(now) == count and now == last:
            return now
        last = now
        time.sleep(still)
    return None


def wait_until(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return condition()


@pytest.mark.browser
def test_reloads_leave_no_kernel_behind_and_a_vanished_page_is_culled(tmp_path: Path, chromium) -> None:
    from cyclops.workbench.serve import serve_workbench

    port = free_port()
    server = serve_workbench(port=port, token=secrets.token_urlsafe(12), wait=False,
                             env={"CYCLOPS_DATA_DIR": str(tmp_path / "data"), "CYCLOPS_ANALYST": "alice",
                                  "OMP_THREAD_LIMIT": "1"},
                             cull_idle=TEST_CULL_IDLE, cull_interval=TEST_CULL_INTERVAL)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/", server.process)
        assert wait_until(lambda: len(kernel_processes(server.process.pid)) == 1, 60), "the preheated kernel"
        context = chromium.new_context()  # the session's chromium (tests/conftest.py)
        try:
            page = context.new_page()
            page.set_default_timeout(120_000)
            page.goto(server.url)
            page.wait_for_selector(".cyclops-workbench")
            for _ in range(3):
                page.reload()
                page.wait_for_selector(".cyclops-workbench")
            # one kernel for the open page, one preheated for the next: the three reloaded pages' kernels are gone.
            # Counted once the set holds still: mid-reload it is two for an instant too (the last page's kernel not
            # yet shut down, the next one not yet preheated)
            page_kernels = settled_kernels(server.process.pid, 2, 60)
            assert page_kernels is not None, [k.pid for k in kernel_processes(server.process.pid)]
            # idle past the cull, twice over: neither the open page's kernel (a page left open is never culled) nor
            # the preheated one waiting for the next page is culled (one wait proves both: the same two processes)
            preheated = max(kernel_processes(server.process.pid), key=lambda k: k.create_time())  # started last
            wait_until(lambda: quiet([preheated]), 60)  # done running the notebook: idle from here on
            time.sleep(TEST_CULL_IDLE + 2 * TEST_CULL_INTERVAL)
            assert {k.pid for k in kernel_processes(server.process.pid)} == page_kernels
            assert page.locator(".cyclops-workbench").is_visible()
            page.close(run_before_unload=False)  # a tab killed without its goodbye: culling ends its kernel
        finally:
            context.close()
        assert wait_until(lambda: len(kernel_processes(server.process.pid)) == 1, TEST_CULL_IDLE + 4 * TEST_CULL_INTERVAL)
        assert {k.pid for k in kernel_processes(server.process.pid)} < page_kernels  # the preheated one is kept
    finally:
        server.stop()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_stopping_serve_workbench_leaves_no_process(tmp_path: Path, signum: int) -> None:
    port = free_port()
    env = {**os.environ, "CYCLOPS_DATA_DIR": str(tmp_path / "data"), "CYCLOPS_WORKBENCH_TOKEN": secrets.token_urlsafe(12),
           "OMP_THREAD_LIMIT": "1"}
    command = [str(Path(sys.executable).parent / "cyclops"), "serve", "workbench", "--port", str(port)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, start_new_session=True)
    family: list[psutil.Process] = []
    try:
        wait_for_http(f"http://127.0.0.1:{port}/", process)
        assert wait_until(lambda: len(kernel_processes(process.pid)) >= 1, 60), "Voila and its preheated kernel"
        family = psutil.Process(process.pid).children(recursive=True)
        assert any("voila" in " ".join(p.cmdline()) for p in family)
        process.send_signal(signum)  # to the command only, as a supervisor or `kill` does, not to its group
        process.wait(30)
        _gone, alive = psutil.wait_procs(family, timeout=5)
        assert alive == [], [p.cmdline() for p in alive]
    finally:
        for leftover in [process, *family]:
            try:
                leftover.kill()
            except (psutil.NoSuchProcess, ProcessLookupError):
                pass
