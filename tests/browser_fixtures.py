"""The real servers of the browser tests: a mapi uvicorn process and a Voila workbench pointing at it,
on one data dir with a small reference database and a synthetic product to upload (tests/samples.py).
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from cyclops.model.analysis import Edit
from cyclops.model.truth import ProductTruth
from cyclops.storage import Store, open_store
from tests.samples import build_reference_db, pick_product
from tests.servers import MapiLauncher, MapiProcess, free_port

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@dataclass
class BrowserStack:
    """A mapi process and a Voila workbench (kernel -> mapi over HTTP) on one data dir, and the product to upload.

    One per test session (``browser_stack`` in tests/conftest.py), shared by the browser modules."""

    data_dir: Path
    truth: ProductTruth
    photos: list[Path]
    mapi: MapiProcess
    launcher: MapiLauncher
    workbench: object  # cyclops.workbench.serve.WorkbenchServer
    _analysis_id: str | None = field(default=None, init=False)

    @property
    def mapi_url(self) -> str:
        return self.mapi.url

    @property
    def workbench_url(self) -> str:
        return self.workbench.url  # type: ignore[attr-defined]

    def store(self) -> Store:
        return open_store(str(self.data_dir / "store"))

    def analysis_id(self) -> str | None:
        """The analysis the dashboard created from the product's upload (``note_upload``); other modules add their
        own analyses to this store, so it is never "the only one"."""
        return self._analysis_id

    def note_upload(self, analysis_id: str) -> None:
        self._analysis_id = analysis_id

    def stop(self) -> None:
        self.workbench.stop()  # type: ignore[attr-defined]
        self.launcher.stop_all()


def wait_for_http(url: str, process, seconds: float = 90.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: server exited with {process.returncode}")
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer in {seconds:.0f} s")


def start_stack(root: Path) -> BrowserStack:
    """Reference DB + product, then mapi (uvicorn) and the workbench (Voila) with CYCLOPS_MAPI_URL set."""
    from cyclops.workbench.serve import serve_workbench

    data_dir = root / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    pairs = build_reference_db(data_dir / "lnhpd.sqlite")
    truth, photos = pick_product(pairs, root / "product")
    env = {"CYCLOPS_DATA_DIR": str(data_dir), "CYCLOPS_ANALYST": "alice", "OMP_THREAD_LIMIT": "1"}
    launcher = MapiLauncher(root)
    mapi = launcher.start(env)
    port = free_port()
    try:
        workbench = serve_workbench(port=port, token=secrets.token_urlsafe(12), wait=False,
                                    env={**env, "CYCLOPS_MAPI_URL": mapi.url})
        wait_for_http(f"http://127.0.0.1:{port}/", workbench.process)
    except BaseException:
        launcher.stop_all()
        raise
    return BrowserStack(data_dir, truth, photos, mapi, launcher, workbench)


def post_as(stack: BrowserStack, analyst: str, analysis_id: str, field: str, after: object) -> None:
    """Another analyst's change straight through mapi (a loopback client acting for ``analyst``, as a workbench
    served for them would: mapi records it under that name)."""
    with httpx.Client(base_url=stack.mapi_url, timeout=30) as http:
        current = http.get(f"/v1/analyses/{analysis_id}").json()
        edit = Edit(analyst=analyst, field=field, before=None, after=after, base_version=current["version"])
        answer = http.post(f"/v1/analyses/{analysis_id}/edits", content=edit.model_dump_json(),
                           headers={"Content-Type": "application/json", "X-Cyclops-User": analyst})
        assert answer.status_code == 200, answer.text


#: how long an ``expect(...)`` waits for the dashboard to show a change (Playwright's default is 5 s). ``make test``
#: runs the browser modules on one worker while the other analyses photos on the second core: a kernel that redraws
#: a page after a stored edit can take longer than 5 s then, and a wait that passes is as quick as before
EXPECT_TIMEOUT_MS = 20_000


def open_page(browser, url: str, ready: str, timeout: float = 60_000, **context_options):
    """A fresh browser context on ``url``, once ``ready`` (a selector) shows: (context, page); the caller closes the
    context. ``context_options`` are Playwright's (viewport, touch, downloads)."""
    context = browser.new_context(**context_options)
    page = context.new_page()
    page.set_default_timeout(timeout)
    page.goto(url)
    page.wait_for_selector(ready, timeout=120_000)
    return context, page
