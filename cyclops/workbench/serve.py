"""Start the Voila workbench with production settings (large uploads, kernel culling, preheated kernel, token).

A page's kernel ends with the page (the page's goodbye call gets through: see ``app.SHUTDOWN_JS``), or within
minutes when the page vanished without one (culling, ``kernels.WorkbenchKernelManager``). Stopping the
command (SIGTERM or SIGINT) stops Voila and every kernel it started: none is left behind as an orphan.

The token never appears on a command line (``ps`` shows every argument to every user) and is never
printed whole: it comes from ``CYCLOPS_WORKBENCH_TOKEN``, else the file ``CYCLOPS_WORKBENCH_TOKEN_FILE``
(default ``DATA_DIR/workbench-token``, created with a random token, mode 600), and reaches Voila in a
private config file. Only a real JupyterHub single-user environment (hub API token, URL and user all
set) runs without a token, since the hub authenticates; a stray ``JUPYTERHUB_API_TOKEN`` alone does not.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import cyclops
from cyclops.settings import get_settings

NOTEBOOKS = Path(cyclops.__file__).resolve().parents[1] / "notebooks"
#: the phone page an inspector takes a product's photos with, served alone (``serve_workbench(notebook=CAPTURE_NOTEBOOK)``);
#: the dashboard's own server offers it too, as ``?page=capture`` (``cyclops.workbench.entry``), linked from the worklist
CAPTURE_NOTEBOOK = NOTEBOOKS / "capture.ipynb"

#: phone JPEGs are 5-15 MB and arrive as one websocket message; tornado's default is 10 MiB
MAX_MESSAGE_BYTES = 100 * 1024 * 1024
#: a kernel with no page open, idle this long, is shut down (seconds); culling is checked every CULL_INTERVAL.
#: A page left open is never culled (cull_connected=False), however long the analyst reads.
CULL_IDLE = 180
CULL_INTERVAL = 60
#: how long Voila gets to shut its kernels down before it and they are killed (seconds)
STOP_GRACE = 10.0


log = logging.getLogger(__name__)
#: what JupyterHub sets in a single-user server it spawned (a stray API token alone is not a hub)
HUB_VARIABLES = ("JUPYTERHUB_API_TOKEN", "JUPYTERHUB_API_URL", "JUPYTERHUB_USER")


@dataclass
class WorkbenchServer:
    process: subprocess.Popen
    url: str  # with the token, ready to open (never printed whole)
    token: str
    config_dir: Path | None = field(default=None, repr=False)

    def stop(self, timeout: float = STOP_GRACE) -> None:
        """Ask Voila to stop (it shuts its kernels down), then kill whatever of it and its kernels is still alive."""
        import psutil

        try:
            family = [psutil.Process(self.process.pid), *psutil.Process(self.process.pid).children(recursive=True)]
        except psutil.NoSuchProcess:
            family = []
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)
        _gone, alive = psutil.wait_procs(family, timeout=timeout)
        for process in alive:
            try:
                process.kill()
            except psutil.NoSuchProcess:
                pass
        psutil.wait_procs(alive, timeout=timeout)
        if self.config_dir is not None:
            shutil.rmtree(self.config_dir, ignore_errors=True)


def under_jupyterhub(environ: dict[str, str] | None = None) -> bool:
    """True only in a server JupyterHub spawned: its API token, API URL and user are all set."""
    environ = os.environ if environ is None else environ
    return all(environ.get(name, "").strip() for name in HUB_VARIABLES)


def redact(token: str) -> str:
    return f"{token[:4]}…" if len(token) > 8 else "…"


def workbench_token(environ: dict[str, str] | None = None) -> tuple[str, str]:
    """(token, where it comes from): CYCLOPS_WORKBENCH_TOKEN, else the token file (created if missing); "" under JupyterHub."""
    environ = os.environ if environ is None else environ
    if under_jupyterhub(environ):
        return "", "JupyterHub authenticates"
    if environ.get("JUPYTERHUB_API_TOKEN"):
        log.warning("JUPYTERHUB_API_TOKEN is set but JUPYTERHUB_API_URL or JUPYTERHUB_USER is not: not under JupyterHub, "
                    "so the workbench keeps its token")
    settings = get_settings()
    if settings.workbench_token:
        return settings.workbench_token, "CYCLOPS_WORKBENCH_TOKEN"
    path = Path(settings.workbench_token_file or settings.data_dir / "workbench-token")
    if path.is_file() and path.read_text(encoding="utf-8").strip():
        return path.read_text(encoding="utf-8").strip(), str(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(24)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(token + "\n")
    return token, str(path)


def token_config(token: str) -> Path:
    """A private folder (mode 700) with ``voila.json`` holding the token (mode 600), for JUPYTER_CONFIG_PATH."""
    folder = Path(tempfile.mkdtemp(prefix="cyclops-voila-"))
    fd = os.open(folder / "voila.json", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({"Voila": {"token": token}}, fh)
    return folder


def voila_command(host: str, port: int, open_browser: bool, *, preheat: bool = True,
                  notebook: Path | None = None, cull_idle: int = CULL_IDLE, cull_interval: int = CULL_INTERVAL) -> list[str]:
    """The exact Voila command line (kept separate so tests can check every production setting); no token in it."""
    notebook = notebook or NOTEBOOKS / "analyst.ipynb"
    command = [
        sys.executable, "-m", "voila", str(notebook),
        f"--Voila.ip={host}", f"--Voila.port={port}", f"--Voila.open_browser={open_browser}",
        "--Voila.port_retries=0",
        f"--Voila.tornado_settings={json.dumps({'websocket_max_message_size': MAX_MESSAGE_BYTES})}",
        "--VoilaConfiguration.multi_kernel_manager_class=cyclops.workbench.kernels.WorkbenchKernelManager",
        f"--MappingKernelManager.cull_idle_timeout={cull_idle}",
        f"--MappingKernelManager.cull_interval={cull_interval}",
        "--MappingKernelManager.cull_connected=False",
        "--VoilaConfiguration.show_tracebacks=False",
        "--VoilaConfiguration.file_allowlist=[]",  # serve no files beside the notebook
        f"--VoilaConfiguration.preheat_kernel={preheat}",
        "--VoilaConfiguration.default_pool_size=1",
        "--no-browser" if not open_browser else "--Voila.open_browser=True",
    ]
    return command


def serve_workbench(host: str = "127.0.0.1", port: int = 8866, open_browser: bool = False, *,
                    token: str | None = None, wait: bool = True, preheat: bool = True,
                    env: dict[str, str] | None = None, cull_idle: int = CULL_IDLE,
                    cull_interval: int = CULL_INTERVAL, notebook: Path | None = None) -> WorkbenchServer:
    """Launch Voila on the analyst notebook; prints the URL with the token shortened and where the token is.

    Binds to loopback unless told otherwise. ``token`` (tests) overrides ``workbench_token()``.
    ``wait=False`` returns at once (tests, supervisors). With ``wait``, SIGTERM and SIGINT stop Voila and its kernels.
    ``notebook`` serves another page than the analyst's (``CAPTURE_NOTEBOOK``: the phone capture page).
    """
    source = "given"
    if token is None:
        token, source = workbench_token({**os.environ, **(env or {})})
    command = voila_command(host, port, open_browser, preheat=preheat, notebook=notebook, cull_idle=cull_idle,
                            cull_interval=cull_interval)
    child_env = {**os.environ, **(env or {})}
    config_dir = None
    if token:
        config_dir = token_config(token)
        # the kernels put it in the worklist's phone link (cyclops.workbench.phone_link), which logs the phone in;
        # an environment is private to its user (/proc/PID/environ), unlike a command line
        child_env["CYCLOPS_WORKBENCH_TOKEN"] = token
        child_env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(p for p in (str(config_dir), child_env.get("JUPYTER_CONFIG_PATH", "")) if p)
    elif not under_jupyterhub(child_env):
        raise ValueError("the workbench needs a token outside JupyterHub")
    process = subprocess.Popen(command, env=child_env)
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "") else host
    url = f"http://{shown_host}:{port}/" + (f"?token={token}" if token else "")
    where = f"the full token is in {source}" if source.startswith(("/", ".")) or os.sep in source else f"token from {source}"
    shown = f"http://{shown_host}:{port}/" + (f"?token={redact(token)}  ({where}; the login page asks for it)" if token
                                              else f"  ({source})")
    print(f"Cyclops workbench: {shown}", flush=True)
    server = WorkbenchServer(process, url, token, config_dir)
    if wait:
        wait_until_signalled(server)
    return server


def _stop_signal(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def wait_until_signalled(server: WorkbenchServer) -> None:
    """Wait for Voila to end; on SIGTERM or SIGINT (Ctrl+C) stop it and its kernels first, then exit."""
    previous = {signum: signal.signal(signum, _stop_signal) for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        server.process.wait()
    finally:
        for signum in previous:  # a second signal while stopping must not cut the stop short
            signal.signal(signum, signal.SIG_IGN)
        server.stop()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
