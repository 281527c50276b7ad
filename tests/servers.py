"""Real servers the tests start: moto S3, Azurite (Azure Blob), a MongoDB wire-protocol server, mapi under uvicorn; and a
free port.

Plain classes and functions, imported by conftest.py's fixtures and by tests that start their own
(``from tests.servers import MapiLauncher``); fixtures themselves live in conftest.py only.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

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

REPO = Path(__file__).resolve().parents[1]
#: Azurite's published development account (not a secret: every Azurite accepts it)
AZURITE_ACCOUNT = "devstoreaccount1"
AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="


def azurite_command() -> str:
    """Azurite's blob server, as ``make install`` puts it (scripts/install-azurite.sh); fails, naming what is missing, without node."""
    local = REPO / ".cache" / "azurite" / "node_modules" / ".bin" / "azurite-blob"
    if local.exists():
        if shutil.which("node") is None:
            pytest.fail("node is not installed: the az:// tests need it to run Azurite (make install installs it as root)")
        return str(local)
    if shutil.which("azurite-blob"):
        return shutil.which("azurite-blob")  # type: ignore[return-value]
    if shutil.which("node") is None:
        pytest.fail("node is not installed: the az:// tests need it to run Azurite (install nodejs and npm, then make install)")
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

@dataclass
class WireMongo:
    """A server speaking MongoDB's wire protocol (nx-27017: pymongo's own protocol over SQLite storage) in its own
    process. No MongoDB server can be installed here (Debian ships none; the PyPI and npm ones download it at run
    time), so the catalogue's MongoDB path is tested against this one: real sockets, real pymongo, real commands."""

    process: subprocess.Popen
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/"


def start_wire_mongo(workdir: Path) -> WireMongo:
    """Start nx-27017 (installed with the test extras) on a free port, storing in ``workdir``."""
    command = Path(sys.executable).parent / "nx-27017"
    if not command.exists():
        pytest.fail("nx-27017 is not installed: run `make install` (it is in the test extras)")
    port = free_port()
    log = workdir / "nx-27017.log"
    process = subprocess.Popen([str(command), "--db", str(workdir / "catalog.db"), "--pid-file", str(workdir / "nx-27017.pid"),
                                "--host", "127.0.0.1", "-p", str(port)],
                               stdout=log.open("wb"), stderr=subprocess.STDOUT, cwd=workdir)
    import pymongo

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with pymongo.MongoClient(f"mongodb://127.0.0.1:{port}/", serverSelectionTimeoutMS=500) as client:
                client.admin.command("ping")
            return WireMongo(process, port, log)
        except pymongo.errors.PyMongoError:
            time.sleep(0.2)
    process.kill()
    process.wait()
    raise RuntimeError(f"nx-27017 did not start:\n{log.read_text(errors='replace')}")


def stop_wire_mongo(server: WireMongo) -> None:
    terminate(server.process)


def terminate(process: subprocess.Popen, timeout: float = 10) -> None:
    """Ask a server process to stop; kill it if it has not within ``timeout`` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()

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
            terminate(mapi.process)
