"""Shared fixtures: isolated settings, a real S3 server (moto) and a real mapi process (uvicorn).

Add fixtures for other areas below the services section, keeping one section per area.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from cyclops.settings import get_settings

# --- common -----------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test gets its own data dir (never the user's home), fresh settings and a fresh model watcher."""
    from cyclops.fieldmodel.registry import reset_watcher

    monkeypatch.setenv("CYCLOPS_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    monkeypatch.setenv("OMP_THREAD_LIMIT", "1")
    get_settings.cache_clear()
    reset_watcher()
    yield
    get_settings.cache_clear()
    reset_watcher()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- services: S3 (moto) ----------------------------------------------------------------------


@dataclass
class S3Server:
    """A moto S3 server on 127.0.0.1 that a test may stop and start again (state survives a restart)."""

    port: int = 0  # 0: the server binds a free port itself (no check-then-bind race); a restart binds the same one
    _server: object | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        from moto.server import ThreadedMotoServer

        server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        server.start()
        self._server = server
        self.port = server.get_host_and_port()[1]

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def create_bucket(self) -> str:
        import boto3

        name = f"cyclops-{uuid.uuid4().hex[:12]}"
        boto3.client("s3", endpoint_url=self.endpoint).create_bucket(Bucket=name)
        return name


@pytest.fixture(scope="session")
def _aws_env() -> Iterator[None]:
    """Dummy credentials and a region for botocore (region via AWS_DEFAULT_REGION, not client_kwargs)."""
    saved = {k: os.environ.get(k) for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION")}
    os.environ.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"})
    yield
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture(scope="session")
def s3_server(_aws_env: None) -> Iterator[S3Server]:
    """One moto S3 server for the whole session. Do not stop it; use ``own_s3_server`` for outages."""
    server = S3Server()
    server.start()
    yield server
    server.stop()


@pytest.fixture()
def own_s3_server(_aws_env: None) -> Iterator[S3Server]:
    """A moto S3 server for one test, which may stop and restart it."""
    server = S3Server()
    server.start()
    yield server
    server.stop()


@pytest.fixture()
def s3_store_url(s3_server: S3Server, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh bucket on the session S3 server, configured as the store (CYCLOPS_STORE)."""
    url = f"s3://{s3_server.create_bucket()}/cyclops"
    monkeypatch.setenv("CYCLOPS_STORE", url)
    monkeypatch.setenv("CYCLOPS_S3_ENDPOINT_URL", s3_server.endpoint)
    get_settings.cache_clear()
    return url


# --- services: Azure Blob (Azurite) -----------------------------------------------------------

REPO = Path(__file__).resolve().parents[1]
#: Azurite's published development account (not a secret: every Azurite accepts it)
AZURITE_ACCOUNT = "devstoreaccount1"
AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="


def azurite_command() -> str:
    """Azurite's blob server, as ``make install`` puts it (scripts/install-azurite.sh); skips only without node."""
    import shutil

    local = REPO / ".cache" / "azurite" / "node_modules" / ".bin" / "azurite-blob"
    if local.exists():
        if shutil.which("node") is None:
            pytest.skip("node is not installed: the az:// tests need it to run Azurite")
        return str(local)
    if shutil.which("azurite-blob"):
        return shutil.which("azurite-blob")  # type: ignore[return-value]
    if shutil.which("node") is None:
        pytest.skip("node is not installed: the az:// tests need it to run Azurite (install nodejs and npm, then make install)")
    pytest.fail("Azurite is not installed: run `make install` (scripts/install-azurite.sh puts it in .cache/azurite)")


@dataclass
class Azurite:
    """A real Azure Blob protocol server (Azurite, in memory) on a port it picked itself."""

    process: subprocess.Popen
    port: int

    @property
    def connection_string(self) -> str:
        return (f"DefaultEndpointsProtocol=http;AccountName={AZURITE_ACCOUNT};AccountKey={AZURITE_KEY};"
                f"BlobEndpoint=http://127.0.0.1:{self.port}/{AZURITE_ACCOUNT};")

    def create_container(self, name: str | None = None) -> str:
        from azure.storage.blob import BlobServiceClient

        name = name or f"cyclops-{uuid.uuid4().hex[:12]}"
        BlobServiceClient.from_connection_string(self.connection_string).create_container(name)
        return name


def start_azurite(workdir: Path) -> Azurite:
    """Start Azurite (port 0: it binds a free port itself and prints it, so there is no port race)."""
    import re

    try:
        import adlfs  # noqa: F401
    except ImportError:
        pytest.fail("adlfs is not installed: run `make install` (it is in the test extras)")
    command = azurite_command()
    log = workdir / "azurite.log"
    process = subprocess.Popen(
        [command, "--blobHost", "127.0.0.1", "--blobPort", "0", "--inMemoryPersistence", "--skipApiVersionCheck"],
        stdout=log.open("wb"), stderr=subprocess.STDOUT, cwd=workdir,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = re.search(r"listens on http://127\.0\.0\.1:(\d+)", log.read_text(errors="replace"))
        if found:
            return Azurite(process, int(found.group(1)))
        if process.poll() is not None:
            break
        time.sleep(0.1)
    process.kill()
    process.wait()
    raise RuntimeError(f"Azurite did not start:\n{log.read_text(errors='replace')}")


def stop_azurite(server: Azurite) -> None:
    server.process.kill()  # its state is in memory only: nothing to flush
    server.process.wait()


@pytest.fixture(scope="session")
def azurite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Azurite]:
    """One Azurite for the whole session (the az:// counterpart of ``s3_server``)."""
    server = start_azurite(tmp_path_factory.mktemp("azurite"))
    yield server
    stop_azurite(server)


@pytest.fixture()
def az_store_url(azurite: Azurite, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh container on the session Azurite, configured as the store (CYCLOPS_STORE)."""
    url = f"az://{azurite.create_container()}/cyclops"
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", azurite.connection_string)
    monkeypatch.setenv("CYCLOPS_STORE", url)
    get_settings.cache_clear()
    return url


# --- services: mapi (uvicorn subprocess) ------------------------------------------------------



@dataclass
class MapiProcess:
    url: str
    process: subprocess.Popen
    log: Path

    def client(self, token: str | None = None, timeout: float = 60.0) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=timeout)

    def logs(self) -> str:
        return self.log.read_text(errors="replace")


class MapiLauncher:
    """Starts real mapi processes (``python -m uvicorn --factory cyclops.mapi.app:create_app``) and stops them all."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.started: list[MapiProcess] = []

    def start(self, env: dict[str, str] | None = None, app: str = "cyclops.mapi.app:create_app") -> MapiProcess:
        # the socket is bound here and handed over (uvicorn --fd): no window in which another process takes the port
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(128)
        port = listener.getsockname()[1]
        full_env = {**os.environ, "CYCLOPS_MAPI_WORKERS": "1", **(env or {})}
        log = self.log_dir / f"mapi-{port}.log"
        try:
            proc = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "--factory", app, "--fd", str(listener.fileno()), "--log-level", "warning"],
                env=full_env,
                cwd=self.log_dir,
                stdout=log.open("wb"),
                stderr=subprocess.STDOUT,
                pass_fds=[listener.fileno()],
            )
        finally:
            listener.close()
        mapi = MapiProcess(f"http://127.0.0.1:{port}", proc, log)
        self.started.append(mapi)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"mapi exited with {proc.returncode}:\n{mapi.logs()}")
            try:
                if httpx.get(f"{mapi.url}/healthz", timeout=1).status_code == 200:
                    return mapi
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"mapi did not start in 60 s:\n{mapi.logs()}")

    def stop_all(self) -> None:
        for mapi in self.started:
            mapi.process.terminate()
            try:
                mapi.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                mapi.process.kill()
                mapi.process.wait()


@pytest.fixture()
def start_mapi(tmp_path: Path) -> Iterator[Callable[..., MapiProcess]]:
    """Start real mapi processes for one test: ``start_mapi({"CYCLOPS_STORE": ...})``."""
    launcher = MapiLauncher(tmp_path)
    yield launcher.start
    launcher.stop_all()


# --- services: a small LNHPD database ------------------------------------------------------------


@pytest.fixture(scope="session")
def lnhpd_sample(tmp_path_factory: pytest.TempPathFactory):
    """A synthetic LNHPD database of 30 licences: (sqlite path, [(en, fr) bundles])."""
    from cyclops.lnhpd import importer, sample

    folder = tmp_path_factory.mktemp("lnhpd")
    pairs = sample.generate(30, 1)
    importer.import_paths(sample.write_api_json(pairs, folder / "api"), folder / "lnhpd.sqlite")
    return folder / "lnhpd.sqlite", pairs
