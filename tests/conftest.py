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
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from cyclops.settings import get_settings

# --- common -----------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test gets its own data dir (never the user's home), fresh settings and a fresh model watcher."""
    from cyclops.retrain.registry import reset_watcher

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

    port: int = field(default_factory=free_port)
    _server: object | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        from moto.server import ThreadedMotoServer

        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self._server.start()

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


# --- services: mapi (uvicorn subprocess) ------------------------------------------------------

REPO = Path(__file__).resolve().parents[1]


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
