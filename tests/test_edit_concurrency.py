"""Edits across several real mapi processes on one store (a folder, a real S3 server process, and Azurite) and one
catalogue (embedded; with S3, a MongoDB wire-protocol server).

Each round, every process receives an edit of the same analysis at the same version at the same moment:
exactly one is accepted (200), the others get 409, the stored log equals the accepted edits, nothing is
lost and nothing answers 500. Also: a process killed between the edit and the snapshot, and idempotency keys.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from cyclops.audit import verify
from cyclops.model.analysis import Analysis, Edit
from cyclops.settings import Settings
from cyclops.storage import Store
from tests.servers import Azurite, WireMongo

ROUNDS = 100
PROCESSES = 4

#: uvicorn on a socket the parent bound to port 0 and passes down: no port is picked, then bound (no race)
_SERVE = (
    "import socket, sys, uvicorn\n"
    "sock = socket.socket(fileno=int(sys.argv[1]))\n"
    "config = uvicorn.Config('cyclops.mapi.app:create_app', factory=True, log_level='warning')\n"
    "uvicorn.Server(config).run(sockets=[sock])\n"
)

#: moto's S3 in its own process, one request at a time. Real S3 and MinIO make If-None-Match: * atomic;
#: moto's threaded server checks the condition and then writes without a lock, so it is run serially here
#: (each request is answered whole before the next is read, as an atomic conditional PUT behaves).
_S3 = (
    "import sys\n"
    "from werkzeug.serving import make_server\n"
    "from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app\n"
    "app = DomainDispatcherApplication(create_backend_app)\n"
    "if sys.argv[1:] == ['ignore-conditions']:  # an S3-compatible service without conditional writes\n"
    "    moto_app = app\n"
    "    app = lambda environ, start: moto_app({k: v for k, v in environ.items() if k != 'HTTP_IF_NONE_MATCH'}, start)\n"
    "server = make_server('127.0.0.1', 0, app, threaded=False, request_handler=MotoRequestHandler)\n"
    "print(server.socket.getsockname()[1], flush=True)\n"
    "server.serve_forever()\n"
)


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"mapi exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"mapi did not start in 90 s:\n{log.read_text(errors='replace')}")


@dataclass
class Cluster:
    """N mapi processes sharing one store and one data dir (so one embedded catalogue too)."""

    store: Store
    settings: Settings
    urls: list[str] = field(default_factory=list)
    procs: list[subprocess.Popen] = field(default_factory=list)
    logs: list[Path] = field(default_factory=list)

    def logs_text(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-3000:] for p in self.logs)

    def new_analysis(self) -> str:
        analysis_id = f"20260101T000000000000-{uuid.uuid4().hex[:8]}"
        analysis = Analysis(analysis_id=analysis_id, created_at="2026-01-01T00:00:00+00:00")
        analysis.fields.npn.value = "80000000"
        self.store.put_analysis(analysis)
        return analysis_id


def _start_cluster(n: int, env: dict[str, str], store_settings: Settings, log_dir: Path) -> Cluster:
    store = Store(env["CYCLOPS_STORE"], settings=store_settings)
    cluster = Cluster(store, store_settings)
    full_env = {
        **os.environ,
        "CYCLOPS_MAPI_WORKERS": "-1",  # no process pool: edits need none, and 2 cores are shared by n servers
        "CYCLOPS_MAPI_RATE_LIMIT": "0",
        "OMP_THREAD_LIMIT": "1",
        **env,
    }
    socks = []
    for i in range(n):
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sock.listen(256)
        socks.append(sock)
        log = log_dir / f"mapi-{i}.log"
        proc = subprocess.Popen(
            [sys.executable, "-c", _SERVE, str(sock.fileno())],
            env=full_env, cwd=log_dir, stdout=log.open("wb"), stderr=subprocess.STDOUT, pass_fds=[sock.fileno()],
        )  # fmt: skip
        cluster.urls.append(f"http://127.0.0.1:{sock.getsockname()[1]}")
        cluster.procs.append(proc)
        cluster.logs.append(log)
    for sock in socks:
        sock.close()  # the children hold their copies
    for url, proc, log in zip(cluster.urls, cluster.procs, cluster.logs):
        _wait_healthy(url, proc, log)
    return cluster


def _stop(procs: list[subprocess.Popen], *, kill: bool = False) -> None:
    """Stop processes (``kill``: at once, for servers whose state is in memory only)."""
    for proc in procs:
        if proc.poll() is None:
            proc.kill() if kill else proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def folder_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    root = tmp_path_factory.mktemp("cluster-folder")
    env = {"CYCLOPS_DATA_DIR": str(root / "data"), "CYCLOPS_STORE": str(root / "store")}
    cluster = _start_cluster(PROCESSES, env, Settings(data_dir=root / "data"), root)
    yield cluster
    _stop(cluster.procs)


@pytest.fixture(scope="module")
def s3_cluster(tmp_path_factory: pytest.TempPathFactory, _aws_env: None, wire_mongo: WireMongo) -> Iterator[Cluster]:
    """The deployment's shape: the store on S3 and the catalogue on a MongoDB wire-protocol server, both shared."""
    root = tmp_path_factory.mktemp("cluster-s3")
    s3 = subprocess.Popen([sys.executable, "-c", _S3], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        endpoint = f"http://127.0.0.1:{int(s3.stdout.readline())}"
        import boto3

        boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket="cyclops-edits")
        url = "s3://cyclops-edits/store"
        env = {"CYCLOPS_DATA_DIR": str(root / "data"), "CYCLOPS_STORE": url, "CYCLOPS_S3_ENDPOINT_URL": endpoint,
               "CYCLOPS_MONGO_URL": wire_mongo.url, "CYCLOPS_MONGO_DB": f"edits_{uuid.uuid4().hex[:8]}"}
        cluster = _start_cluster(PROCESSES, env, Settings(data_dir=root / "data", s3_endpoint_url=endpoint), root)
        try:
            yield cluster
        finally:
            _stop(cluster.procs)
    finally:
        _stop([s3], kill=True)


@pytest.fixture(scope="module")
def az_cluster(tmp_path_factory: pytest.TempPathFactory, azurite: Azurite) -> Iterator[Cluster]:
    """Azure Blob: Azurite (``make install`` puts it in .cache/azurite) as the server process, adlfs as the client."""
    root = tmp_path_factory.mktemp("cluster-az")
    container = azurite.create_container()
    env = {"CYCLOPS_DATA_DIR": str(root / "data"), "CYCLOPS_STORE": f"az://{container}/store",
           "AZURE_STORAGE_CONNECTION_STRING": azurite.connection_string}
    saved = os.environ.get("AZURE_STORAGE_CONNECTION_STRING")
    os.environ["AZURE_STORAGE_CONNECTION_STRING"] = azurite.connection_string  # for this test process's own Store
    try:
        cluster = _start_cluster(PROCESSES, env, Settings(data_dir=root / "data"), root)
        try:
            yield cluster
        finally:
            _stop(cluster.procs)
    finally:
        if saved is None:
            os.environ.pop("AZURE_STORAGE_CONNECTION_STRING", None)
        else:
            os.environ["AZURE_STORAGE_CONNECTION_STRING"] = saved


def _edit(version: int, value: str, key: str) -> str:
    return Edit(analyst="ann", field="fields.npn.value", after=value, base_version=version, idempotency_key=key).model_dump_json()


def _race(cluster: Cluster, n: int, rounds: int) -> dict[str, object]:
    """``rounds`` rounds of ``n`` simultaneous edits of one new analysis (one process each) at the same version."""
    analysis_id = cluster.new_analysis()
    urls = cluster.urls[:n]
    clients = [httpx.Client(base_url=u, timeout=60, headers={"Content-Type": "application/json"}) for u in urls]
    barrier = threading.Barrier(n)
    results: list[list[tuple[int, str, dict]]] = [[] for _ in range(rounds)]
    version = [0]
    lock = threading.Lock()

    def worker(i: int) -> None:
        for r in range(rounds):
            barrier.wait(timeout=60)
            base = version[0]
            key = f"r{r}-p{i}"
            response = clients[i].post(f"/v1/analyses/{analysis_id}/edits", content=_edit(base, f"{80000000 + r * 10 + i}", key))
            with lock:
                results[r].append((response.status_code, key, response.json()))
            barrier.wait(timeout=60)
            if i == 0:
                version[0] += sum(1 for status, _, _ in results[r] if status == 200)
            barrier.wait(timeout=60)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    for c in clients:
        c.close()
    statuses = [s for rnd in results for s, _, _ in rnd]
    accepted = [[key for s, key, _ in rnd if s == 200] for rnd in results]
    return {
        "analysis_id": analysis_id,
        "results": results,
        "statuses": statuses,
        "accepted": accepted,
        "seconds": seconds,
        # a 409 that lost at the create-only write (rather than at the version check before it)
        "lost_at_write": sum(1 for rnd in results for s, _, body in rnd if s == 409 and "saved first" in body.get("message", "")),
    }


@pytest.mark.parametrize("backend", ["folder", "s3", "az"])
@pytest.mark.parametrize("n", [2, 4])
def test_one_edit_per_version_across_processes(request: pytest.FixtureRequest, backend: str, n: int) -> None:
    cluster: Cluster = request.getfixturevalue(f"{backend}_cluster")
    run = _race(cluster, n, ROUNDS)
    statuses = run["statuses"]
    counts = {s: statuses.count(s) for s in set(statuses)}
    print(f"\n{backend}, {n} processes: {ROUNDS} rounds in {run['seconds']:.1f} s, statuses {counts}, "
          f"409s decided by the create-only write: {run['lost_at_write']}")  # fmt: skip
    assert set(counts) <= {200, 409}, f"{counts}\n{cluster.logs_text()}"
    assert [len(keys) for keys in run["accepted"]] == [1] * ROUNDS  # exactly one accepted per version
    assert counts[200] == ROUNDS and counts.get(409, 0) == ROUNDS * (n - 1)

    analysis_id = run["analysis_id"]
    accepted = [keys[0] for keys in run["accepted"]]
    for url in cluster.urls:  # every process, and the store read afresh, agree on the log and the analysis
        with httpx.Client(base_url=url, timeout=60) as http:
            log = http.get(f"/v1/analyses/{analysis_id}/edits").json()
            current = http.get(f"/v1/analyses/{analysis_id}").json()
        assert [e["idempotency_key"] for e in log] == accepted  # the log is the accepted edits: 0 lost, 0 extra
        assert [e["seq"] for e in log] == list(range(1, ROUNDS + 1))
        assert current["version"] == ROUNDS and current["fields"]["npn"]["value"] == log[-1]["after"]
    fresh = Store(cluster.store.url, settings=cluster.settings)  # nothing cached: derived from the store alone
    assert fresh.get_analysis(analysis_id).version == ROUNDS
    report = verify(cluster.store, [analysis_id])
    assert report.ok(), report
    # the catalogue shared by the processes (embedded; MongoDB protocol with S3) follows: never behind the store, never a 500
    with httpx.Client(base_url=cluster.urls[0], timeout=60) as http:
        rows = http.get("/v1/analyses", params={"limit": 500}).json()["items"]
    [row] = [r for r in rows if r["analysis_id"] == analysis_id]
    assert (row["version"], row["edits"]) == (ROUNDS, ROUNDS)


def test_a_process_killed_between_edit_and_snapshot_loses_nothing(folder_cluster: Cluster, tmp_path: Path) -> None:
    """A writer SIGKILLed right after its edit object is created (before analysis.json): readers see the edit."""
    cluster = folder_cluster
    analysis_id = cluster.new_analysis()
    script = (
        "import os, signal, sys\n"
        "from cyclops.model.analysis import Edit\n"
        "from cyclops.storage import Store\n"
        "store = Store(sys.argv[1])\n"
        "real_put = Store.put\n"
        "def put(self, key, data, *, exclusive=False):\n"
        "    real_put(self, key, data, exclusive=exclusive)\n"
        "    if '/edits/' in key:\n"
        "        os.kill(os.getpid(), signal.SIGKILL)  # the crash: the edit is written, the snapshot is not\n"
        "Store.put = put\n"
        "store.commit_edit(sys.argv[2], Edit(analyst='ann', field='fields.npn.value', after='80012345', base_version=0))\n"
    )
    done = subprocess.run([sys.executable, "-c", script, cluster.store.url, analysis_id], capture_output=True, timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stderr
    snapshot = json.loads((Path(cluster.store.root) / "analyses" / analysis_id / "analysis.json").read_text())
    assert snapshot["version"] == 0  # the crash left the snapshot behind the log
    for url in cluster.urls:
        with httpx.Client(base_url=url, timeout=60) as http:
            current = http.get(f"/v1/analyses/{analysis_id}").json()
        assert (current["version"], current["fields"]["npn"]["value"]) == (1, "80012345")
    with httpx.Client(base_url=cluster.urls[1], timeout=60) as http:  # the next edit builds on it
        r = http.post(f"/v1/analyses/{analysis_id}/edits", content=_edit(1, "80054321", "after-crash"), headers={"Content-Type": "application/json"})
        assert r.status_code == 200 and r.json()["version"] == 2
        stale = http.post(f"/v1/analyses/{analysis_id}/edits", content=_edit(0, "80099999", "stale"), headers={"Content-Type": "application/json"})
        assert stale.status_code == 409
        rows = http.get("/v1/analyses", params={"limit": 500}).json()["items"]
    [row] = [r for r in rows if r["analysis_id"] == analysis_id]
    assert (row["version"], row["edits"]) == (2, 2)  # the catalogue counts the edit whose writer died
    assert verify(cluster.store, [analysis_id]).ok()


def test_an_idempotency_key_stores_an_edit_once(folder_cluster: Cluster) -> None:
    """The same edit sent 5 times (3 at once to different processes, then 2 late retries) is stored once."""
    from cyclops.client import MapiClient

    cluster = folder_cluster
    analysis_id = cluster.new_analysis()
    body = _edit(0, "80012345", "retry-me")
    headers = {"Content-Type": "application/json"}
    answers: list[httpx.Response] = []

    def send(url: str) -> None:
        with httpx.Client(base_url=url, timeout=60) as http:
            answers.append(http.post(f"/v1/analyses/{analysis_id}/edits", content=body, headers=headers))

    threads = [threading.Thread(target=send, args=(url,)) for url in cluster.urls[:3]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with httpx.Client(base_url=cluster.urls[3], timeout=60) as http:  # someone else edits after it
        assert http.post(f"/v1/analyses/{analysis_id}/edits", content=_edit(1, "80000002", "other"), headers=headers).status_code == 200
    send(cluster.urls[0])
    send(cluster.urls[3])
    # every resend answers the stored edit's result, even after the analysis moved on
    assert [r.status_code for r in answers] == [200] * 5, [r.text for r in answers]
    assert {(r.json()["version"], r.json()["fields"]["npn"]["value"]) for r in answers} == {(1, "80012345")}
    assert [e.idempotency_key for e in cluster.store.edits(analysis_id)] == ["retry-me", "other"]  # 5 sent, 1 stored
    with httpx.Client(base_url=cluster.urls[2], timeout=60) as http:  # the key of another edit is refused
        reused = http.post(f"/v1/analyses/{analysis_id}/edits", content=_edit(2, "80077777", "retry-me"), headers=headers)
    assert reused.status_code == 422 and reused.json()["error"] == "idempotency_key_reused"

    # the client: 5 sends of one keyed edit, to different processes, all succeed and store it once
    edit = Edit(analyst="ann", field="fields.npn.value", after="80033333", base_version=2, idempotency_key="client-key")
    for url in cluster.urls + cluster.urls[:1]:
        with MapiClient(url, retries=1) as client:
            assert client.post_edit(analysis_id, edit).version == 3
    assert [e.idempotency_key for e in cluster.store.edits(analysis_id)] == ["retry-me", "other", "client-key"]


def test_services_replay_an_idempotency_key(tmp_path: Path) -> None:
    """Without the HTTP route in front: every resend of a stored key answers 200 with that edit's result."""
    from cyclops.service.operations import Services

    services = Services(Settings(data_dir=tmp_path / "data", store=str(tmp_path / "store")))
    analysis = Analysis(analysis_id="a1", created_at="2026-01-01T00:00:00+00:00")
    services.store.put_analysis(analysis)
    edit = Edit(analyst="ann", field="fields.npn.value", after="80012345", base_version=0, idempotency_key="k1")
    first = services.post_edit("a1", edit)
    services.post_edit("a1", Edit(analyst="bob", field="fields.npn.value", after="80000002", base_version=1))
    again = [services.post_edit("a1", edit) for _ in range(4)]
    assert {(a.version, a.fields.npn.value) for a in [first, *again]} == {(1, "80012345")}
    assert [e.analyst for e in services.edits("a1")] == ["ann", "bob"]  # 5 sent, 1 stored
    assert services.catalog.get("a1").version == 2


def test_a_store_that_ignores_conditional_writes_refuses_edits(_aws_env: None) -> None:
    """An S3-compatible server that ignores If-None-Match would let two edits take one version: edits are refused."""
    from cyclops.storage import StoreConfigError

    s3 = subprocess.Popen([sys.executable, "-c", _S3, "ignore-conditions"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        endpoint = f"http://127.0.0.1:{int(s3.stdout.readline())}"
        import boto3

        boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket="no-conditions")
        store = Store("s3://no-conditions/store", settings=Settings(s3_endpoint_url=endpoint))
        store.put_analysis(Analysis(analysis_id="a1"))
        with pytest.raises(StoreConfigError, match="If-None-Match"):
            store.commit_edit("a1", Edit(analyst="ann", field="fields.npn.value", after="80012345", base_version=0))
        assert store.edits("a1") == [] and store.get_analysis("a1").version == 0
    finally:
        _stop([s3], kill=True)


def test_a_catalogue_failure_never_fails_an_accepted_edit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The issue saw a 500 for an edit that had been committed (the catalogue raised): the edit is the store's; a
    catalogue that fails afterwards is logged, the edit answers with its result, and a rebuild repairs the index."""
    from cyclops.service.operations import Services

    services = Services(Settings(data_dir=tmp_path / "data", store=str(tmp_path / "store")))
    services.store.put_analysis(Analysis(analysis_id="a1", created_at="2026-01-01T00:00:00+00:00"))

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("StorageDuplicateKeyError (as the embedded catalogue raised)")

    with monkeypatch.context() as patch:
        patch.setattr(services.catalog, "index_analysis", broken)
        updated = services.post_edit("a1", Edit(analyst="ann", field="fields.npn.value", after="80012345", base_version=0))
    assert updated.version == 1 and [e.after for e in services.store.edits("a1")] == ["80012345"]
    services.catalog.rebuild(services.store)
    assert services.catalog.get("a1").version == 1
