"""Fault injection against real mapi processes: a worker SIGKILLed mid-analysis, the main process SIGKILLed,
a hanging object store, corrupt records, unsafe start-up settings, a chunked flood over a real socket."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from cyclops.model.analysis import Analysis
from cyclops.settings import Settings, get_settings
from tests.servers import MapiLauncher, free_port
from tests.test_mapi import label_png

TOKEN = "fault-token-0123456789abcdef"


def children(pid: int) -> list[int]:
    """Live (non-zombie) child processes of ``pid`` that are pool workers (not multiprocessing's resource tracker)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z" and b"resource_tracker" not in cmdline:
            found.append(int(entry.name))
    return sorted(found)


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def wait_for(predicate, timeout: float, step: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def ready(url: str) -> dict:
    return httpx.get(f"{url}/readyz", timeout=30).json()


@pytest.fixture()
def mapi_env(tmp_path: Path, lnhpd_sample) -> dict[str, str]:
    tokens = tmp_path / "tokens"
    tokens.write_text(f"{TOKEN} ann analyst\n")
    return {
        "CYCLOPS_DATA_DIR": str(tmp_path / "data"),
        "CYCLOPS_MAPI_TOKENS_FILE": str(tokens),
        "CYCLOPS_LNHPD_DB": str(lnhpd_sample[0]),
        "CYCLOPS_OCR_ENGINE": "tesseract",
        "OMP_THREAD_LIMIT": "1",
    }


def test_worker_faults_killed_mid_analysis_idle_and_with_the_main_process(tmp_path: Path, mapi_env) -> None:
    """SIGKILL a worker mid-analysis (503 worker_lost, then the next request works), an idle one (/readyz
    rebuilds), then the main process (the workers exit with it)."""
    launcher = MapiLauncher(tmp_path)
    mapi = launcher.start({**mapi_env, "CYCLOPS_MAPI_WORKERS": "1"})
    try:
        assert wait_for(lambda: ready(mapi.url)["status"] == "ready", 90)  # pool up and models loaded
        [worker] = children(mapi.process.pid)
        # a label of 14 lines, 0.75 s to analyse with Tesseract: the kill, sent once the worker has spent 0.1 CPU s,
        # must land while it still reads (a label of two lines took 0.3 s, and once the answer came first)
        png = label_png((1800, 1600), ("Vitamin C 500 mg", "NPN 80012345", "Medicinal ingredients: Vitamin C",
                                       "Take 1 tablet daily with food.", "Keep out of reach of children.",
                                       "Acme Naturals Inc., Toronto ON", "Store at room temperature.") * 2)
        result: dict[str, httpx.Response] = {}
        with mapi.client(TOKEN, timeout=120) as http:
            thread = threading.Thread(target=lambda: result.setdefault("r", http.post("/v1/analyses", files=[("photos", ("a.png", png))])))
            start = cpu_ticks(worker)
            thread.start()
            assert wait_for(lambda: cpu_ticks(worker) > start + 10, 30, 0.02), "the worker never started the analysis"
            os.kill(worker, signal.SIGKILL)  # what the out-of-memory killer does, mid-analysis
            thread.join(60)
            lost = result["r"]
            assert lost.status_code == 503 and lost.json()["error"] == "worker_lost", lost.text
            again = http.post("/v1/analyses", files=[("photos", ("a.png", png))])
            assert again.status_code == 200, again.text
        assert wait_for(lambda: ready(mapi.url)["status"] == "ready", 30)
        [second] = children(mapi.process.pid)
        assert second != worker and not alive(worker)

        os.kill(second, signal.SIGKILL)  # idle: nobody notices but the pool's own manager thread and /readyz
        assert wait_for(lambda: ready(mapi.url)["status"] == "ready" and children(mapi.process.pid) not in ([], [second]), 60)
        workers = children(mapi.process.pid)

        mapi.process.send_signal(signal.SIGKILL)
        mapi.process.wait(10)
        assert wait_for(lambda: not any(alive(p) for p in workers), 10), [p for p in workers if alive(p)]
    finally:
        launcher.stop_all()


class HangingServer:
    """Accepts connections and never answers: an object store that hangs."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(50)
        self.port = self.sock.getsockname()[1]
        self.conns: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)

    def close(self) -> None:
        self.sock.close()
        for c in self.conns:
            c.close()


def test_hanging_store_gives_a_bounded_503_with_the_real_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, _aws_env) -> None:
    """/readyz and a read both answer 503 after one time budget (connect + read timeout, retries included), saying
    the store does not answer (not 'no bucket'). Before, s3fs' and botocore's retries each waited the whole read
    timeout again: 4 or more read timeouts for one GET (21 s at the default 5 s; 2 min before timeouts were set)."""
    from fastapi.testclient import TestClient

    from cyclops.mapi.app import create_app

    server = HangingServer()
    tokens = tmp_path / "tokens"
    tokens.write_text(f"{TOKEN} ann analyst\n")
    read_timeout = 2.0
    settings = Settings(data_dir=tmp_path, store="s3://bucket/cyclops", s3_endpoint_url=f"http://127.0.0.1:{server.port}",
                        s3_read_timeout=read_timeout, s3_connect_timeout=0.5, mapi_tokens_file=tokens)
    try:
        with TestClient(create_app(settings, workers=-1)) as client:
            r = client.get("/readyz")
            assert r.status_code == 503
            assert "does not exist" not in r.json()["storage"] and "no answer within" in r.json()["storage"], r.json()
            asked = len(server.conns)
            t0 = time.monotonic()
            got = client.get("/v1/analyses/20260101T000000-x", headers={"Authorization": f"Bearer {TOKEN}"})
            read_seconds = time.monotonic() - t0
            assert got.status_code == 503 and got.json()["error"] == "storage_unavailable", got.text
            assert "gave no answer within 2.5 s" in got.json()["message"]  # the budget, named
            assert len(server.conns) > asked  # the store was asked (and hung): not a configuration error
    finally:
        server.close()
    # it waited for the store (at least one read timeout), and not for a second full one: no multiplied retries
    assert read_timeout <= read_seconds < 2 * read_timeout + 2, read_seconds  # +2 s: slack for a busy machine


@pytest.mark.parametrize("backend", ["s3", "az"])
def test_every_store_call_has_one_time_budget(backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, _aws_env) -> None:
    """Reads, lists, existence checks and create-only writes on s3:// and az:// each give up after the budget."""
    if backend == "az":
        pytest.importorskip("adlfs", reason="adlfs is in the test extras: run make install")
    from cyclops.errors import StorageUnavailable
    from cyclops.storage import Store

    server = HangingServer()
    settings = Settings(data_dir=tmp_path, s3_endpoint_url=f"http://127.0.0.1:{server.port}", s3_read_timeout=0.6,
                        s3_connect_timeout=0.4)
    if backend == "az":
        from tests.servers import AZURITE_ACCOUNT, AZURITE_KEY

        monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", f"DefaultEndpointsProtocol=http;AccountName={AZURITE_ACCOUNT};"
                           f"AccountKey={AZURITE_KEY};BlobEndpoint=http://127.0.0.1:{server.port}/{AZURITE_ACCOUNT};")
    try:
        store = Store(f"{backend}://bucket/cyclops", settings=settings)
        assert store.budget == 1.0
        calls = [lambda: store.get("analyses/a/base.json"), lambda: store.list("analyses"), lambda: store.exists("x"),
                 store.ping, lambda: store.put("analyses/a/edits/000001.json", b"{}", exclusive=True)]
        with pytest.raises(StorageUnavailable):  # the client's first use imports and builds it: on busy cores that
            store.ping()  # alone can spend the budget before any connection, so it is not one of the timed calls
        for call in calls:
            asked = len(server.conns)
            t0 = time.monotonic()
            with pytest.raises(StorageUnavailable, match="no answer within 1 s"):
                call()
            seconds = time.monotonic() - t0
            deadline = time.monotonic() + 2  # the server's accept thread may lag the client on busy cores
            while len(server.conns) <= asked and time.monotonic() < deadline:
                time.sleep(0.05)
            assert len(server.conns) > asked  # the hanging server was asked: it is the store that hung
            assert 1.0 <= seconds < 4.0, seconds  # the budget, not a retry count times the read timeout
    finally:
        server.close()


def test_corrupt_analysis_gives_a_clear_error_without_its_contents(configure, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog) -> None:
    from fastapi.testclient import TestClient

    from cyclops.mapi.app import create_app
    from cyclops.service.operations import Services

    tokens = tmp_path / "tokens"
    tokens.write_text(f"{TOKEN} ann analyst\n")
    configure(mapi_tokens_file=str(tokens))
    settings = get_settings()
    aid = "20260101T000000-corrupt"
    Services(settings).store.put_analysis(Analysis(analysis_id=aid))
    folder = Path(settings.store_url) / "analyses" / aid
    for record in folder.glob("*.json"):
        record.write_text('{"analysis_id": "SECRET-CONTENTS", "version": "not a number", "fields": [')
    with TestClient(create_app(settings, workers=-1)) as client:
        r = client.get(f"/v1/analyses/{aid}", headers={"Authorization": f"Bearer {TOKEN}", "X-Request-ID": "req-corrupt-1"})
    assert r.status_code == 500 and r.json()["error"] == "corrupt_record", r.text
    assert "SECRET" not in r.text and "req-corrupt-1" in r.json()["message"] and r.json()["request_id"] == "req-corrupt-1"


def test_corrupt_ocr_record_is_computed_again(configure, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cyclops.model.ocr import Document
    from cyclops.service.operations import Services

    configure(ocr_engine="tesseract")
    services = Services(get_settings())
    png = label_png((700, 200), ("NPN 80012345",))
    first = services.ocr("a.png", png)
    import hashlib

    key = services.store.ocr_key(hashlib.sha256(png).hexdigest(), first.engine, first.engine_version)
    services.store.put(key, b'{"engine": "tesseract", "pages": [ broken')
    again = services.ocr("a.png", png)
    assert "80012345" in again.model_dump_json()
    assert Document.model_validate_json(services.store.get(key)).pages  # the damaged record was replaced


@pytest.mark.parametrize(("env", "host", "message"), [
    ({"mapi_tokens": ","}, "127.0.0.1", "holds no token"),
    ({"mapi_tokens": " , "}, "0.0.0.0", "holds no token"),
    ({}, "0.0.0.0", "without authentication"),
    ({}, "10.1.2.3", "without authentication"),
    ({"mapi_auth": "maybe"}, "127.0.0.1", "use 'on' or 'off'"),
])
def test_unsafe_settings_stop_mapi_from_starting(tmp_path: Path, env: dict[str, str], host: str, message: str) -> None:
    from cyclops.mapi.app import check_exposure
    from cyclops.mapi.auth import AuthConfigError

    with pytest.raises(AuthConfigError, match=message):
        check_exposure(Settings(data_dir=tmp_path, **env), host)
    check_exposure(Settings(data_dir=tmp_path), "127.0.0.1")  # loopback without tokens: allowed
    check_exposure(Settings(data_dir=tmp_path, mapi_auth="off"), "0.0.0.0")  # on purpose


def test_serve_mapi_refuses_an_open_public_address(tmp_path: Path) -> None:
    full = {k: v for k, v in os.environ.items() if not k.startswith("CYCLOPS_MAPI")}
    full.update({"CYCLOPS_DATA_DIR": str(tmp_path)})
    proc = subprocess.run([sys.executable, "-m", "cyclops.cli", "serve", "mapi", "--host", "0.0.0.0", "--port", str(free_port()),
                           "--workers", "-1"], env=full, capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 2 and "without authentication" in proc.stderr, proc.stdout + proc.stderr


def test_without_tokens_only_loopback_is_served_and_auth_off_warns(tmp_path: Path) -> None:
    import logging

    from fastapi.testclient import TestClient

    from cyclops.mapi.app import create_app

    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    logging.getLogger("cyclops.mapi").addHandler(handler)
    try:
        with TestClient(create_app(Settings(data_dir=tmp_path), workers=-1)) as remote:  # client "testclient": not loopback
            r = remote.get("/v1/analyses")
            assert r.status_code == 403 and r.json()["error"] == "auth_not_configured"
        with TestClient(create_app(Settings(data_dir=tmp_path), workers=-1), client=("127.0.0.1", 5000)) as local:
            assert local.get("/v1/analyses").status_code == 200
        with TestClient(create_app(Settings(data_dir=tmp_path, mapi_auth="off"), workers=-1)) as anyone:
            assert anyone.get("/v1/analyses").status_code == 200
    finally:
        logging.getLogger("cyclops.mapi").removeHandler(handler)
    assert any("AUTHENTICATION IS OFF" in r.getMessage() for r in records)


def test_chunked_flood_over_a_real_socket_is_cut_at_the_cap(start_mapi, mapi_env, tmp_path: Path) -> None:
    """A chunked upload without Content-Length: 413 once the cap is passed; the rest is never read or stored."""
    cap = 2_000_000
    mapi = start_mapi({**mapi_env, "CYCLOPS_MAPI_WORKERS": "-1", "CYCLOPS_MAX_REQUEST_BYTES": str(cap)})
    port = int(mapi.url.rsplit(":", 1)[1])
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall((f"POST /v1/analyses HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n"
                   "Content-Type: multipart/form-data; boundary=x\r\nTransfer-Encoding: chunked\r\n\r\n").encode())
        head = b'--x\r\nContent-Disposition: form-data; name="photos"; filename="f.png"\r\n\r\n'
        s.sendall(b"%x\r\n%s\r\n" % (len(head), head))
        chunk = b"\0" * 65536
        try:
            while sent < 50 * cap:  # 100 MB offered
                s.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent += len(chunk)
        except OSError:  # the server stopped reading and closed: expected
            pass
        s.settimeout(10)
        answer = b""
        try:
            while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
                part = s.recv(65536)
                if not part:
                    break
                answer += part
        except OSError:
            pass
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["error"] == "request_too_large"
    assert sent < 50 * cap  # cut off long before the whole flood
    assert not (Path(mapi_env["CYCLOPS_DATA_DIR"]) / "store" / "photos").exists()


def test_catalog_rebuild_builds_aside_skips_bad_objects_then_swaps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from cyclops.catalog import open_catalog
    from cyclops.cli import app
    from cyclops.errors import StorageUnavailable
    from cyclops.storage import open_store

    settings = get_settings()
    store, catalog = open_store(settings=settings), open_catalog(settings)
    ids = [f"20260101T00000{i}-r" for i in range(3)]
    for aid in ids:
        store.put_analysis(Analysis(analysis_id=aid, created_at="2026-01-01T00:00:00+00:00"))
    catalog.index_analysis(Analysis(analysis_id="20250101T000000-stale", created_at="2025-01-01T00:00:00+00:00"))
    for record in (Path(settings.store_url) / "analyses" / ids[1]).glob("*.json"):
        record.write_text("{ damaged")

    # the store fails half-way: the rebuild stops and the live catalogue is as it was
    real_get = type(store).get_analysis
    calls = {"n": 0}

    def flaky(self, analysis_id):
        calls["n"] += 1
        if calls["n"] == 2:
            raise StorageUnavailable("store down")
        return real_get(self, analysis_id)

    monkeypatch.setattr(type(store), "get_analysis", flaky)
    with pytest.raises(StorageUnavailable):
        catalog.rebuild(store)
    assert [r.analysis_id for r in catalog.list_analyses().items] == ["20250101T000000-stale"]
    monkeypatch.setattr(type(store), "get_analysis", real_get)

    result = CliRunner().invoke(app, ["catalog", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "catalogue rebuilt: 2 analyses" in result.output and f"skipped analyses/{ids[1]}" in result.output
    assert sorted(r.analysis_id for r in open_catalog(settings).list_analyses().items) == [ids[0], ids[2]]


def test_healthz_and_edits_answer_while_the_model_still_loads_fake_pool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With a pool, the field classifier loads in the background: /healthz and edits answer before it is there
    (ordering, not a timer: the load is held until the test lets it go), /readyz says "loading" until then,
    "loaded" after. Without a pool (tests, embedded use) nothing is loaded until an analysis needs it."""
    from concurrent.futures import Future

    from fastapi.testclient import TestClient

    from cyclops.fieldmodel import registry
    from cyclops.mapi import app as app_module
    from cyclops.mapi.app import create_app
    from cyclops.service.operations import Services

    class Pool:  # a fake pool (the name says so): warm-up done at once, so only the model watcher is awaited;
        # the real pool is exercised by test_worker_faults_killed_mid_analysis_idle_and_with_the_main_process
        def __init__(self, n: int) -> None:
            self.workers = n

        def start(self) -> Pool:
            return self

        def submit(self, fn, *args) -> Future:
            done: Future = Future()
            done.set_result({})
            return done

        def status(self) -> str:
            return "ok"

        def shutdown(self, **kwargs) -> None:
            pass

    release, entered = threading.Event(), threading.Event()
    real_init = registry.ModelWatcher.__init__

    def held_init(self, *args, **kwargs) -> None:
        entered.set()
        assert release.wait(60)
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(registry.ModelWatcher, "__init__", held_init)
    monkeypatch.setattr(app_module, "WorkerPool", Pool)
    tokens = tmp_path / "tokens"
    tokens.write_text(f"{TOKEN} ann analyst\n")
    settings = Settings(data_dir=tmp_path, mapi_tokens_file=tokens)
    for aid in ("a1", "a2"):
        Services(settings).store.put_analysis(Analysis(analysis_id=aid, created_at="2026-01-01T00:00:00+00:00"))
    auth = {"Authorization": f"Bearer {TOKEN}"}
    edit = {"analyst": "ann", "field": "fields.npn.value", "after": "80012345", "base_version": 0}
    try:
        with TestClient(create_app(settings, workers=1)) as client:
            assert entered.wait(30)  # the load has begun and is held
            assert client.get("/healthz").status_code == 200
            not_yet = client.get("/readyz")
            assert not_yet.status_code == 503 and not_yet.json()["models"] == "loading", not_yet.json()
            assert client.post("/v1/analyses/a1/edits", json=edit, headers=auth).status_code == 200
            assert not release.is_set()  # all of it answered while the model was still loading
            release.set()
            assert wait_for(lambda: client.get("/readyz").json()["models"] == "loaded", 60)
    finally:
        release.set()

    registry.reset_watcher()
    entered.clear()
    with TestClient(create_app(settings, workers=-1)) as client:  # no pool: nothing to wait for, loaded on first use
        ready_now = client.get("/readyz")
        assert ready_now.json()["models"] == "on first use", ready_now.json()
        assert client.post("/v1/analyses/a2/edits", json=edit, headers=auth).status_code == 200
    assert not entered.is_set()  # nothing loaded the model
