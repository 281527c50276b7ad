"""Start the Voila workbench with production settings (large uploads, kernel culling, preheated kernel, token)."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import cyclops

NOTEBOOKS = Path(cyclops.__file__).resolve().parents[1] / "notebooks"

#: phone JPEGs are 5-15 MB and arrive as one websocket message; tornado's default is 10 MiB
MAX_MESSAGE_BYTES = 100 * 1024 * 1024
#: an analyst's kernel idle this long is shut down (seconds); culling checked every CULL_INTERVAL
CULL_IDLE = 3600
CULL_INTERVAL = 300


@dataclass
class WorkbenchServer:
    process: subprocess.Popen
    url: str  # with the token, ready to open
    token: str

    def stop(self, timeout: float = 10.0) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)


def voila_command(host: str, port: int, open_browser: bool, token: str, *, preheat: bool = True,
                  notebook: Path | None = None) -> list[str]:
    """The exact Voila command line (kept separate so tests can check every production setting)."""
    notebook = notebook or NOTEBOOKS / "analyst.ipynb"
    command = [
        sys.executable, "-m", "voila", str(notebook),
        f"--Voila.ip={host}", f"--Voila.port={port}", f"--Voila.open_browser={open_browser}",
        "--Voila.port_retries=0",
        f"--Voila.tornado_settings={json.dumps({'websocket_max_message_size': MAX_MESSAGE_BYTES})}",
        f"--MappingKernelManager.cull_idle_timeout={CULL_IDLE}",
        f"--MappingKernelManager.cull_interval={CULL_INTERVAL}",
        "--MappingKernelManager.cull_connected=False",
        "--VoilaConfiguration.show_tracebacks=False",
        "--VoilaConfiguration.file_allowlist=[]",  # serve no files beside the notebook
        f"--VoilaConfiguration.preheat_kernel={preheat}",
        "--VoilaConfiguration.default_pool_size=1",
        "--no-browser" if not open_browser else "--Voila.open_browser=True",
    ]
    if token:
        command.append(f"--Voila.token={token}")
    return command


def serve_workbench(host: str = "127.0.0.1", port: int = 8866, open_browser: bool = False, *,
                    token: str | None = None, wait: bool = True, preheat: bool = True,
                    env: dict[str, str] | None = None) -> WorkbenchServer:
    """Launch Voila on the analyst notebook; prints the URL with its token.

    Binds to loopback unless told otherwise. Under JupyterHub (``JUPYTERHUB_API_TOKEN`` set) the hub
    authenticates, so no token is added. ``wait=False`` returns at once (tests, supervisors).
    """
    if token is None:
        token = "" if os.environ.get("JUPYTERHUB_API_TOKEN") else secrets.token_urlsafe(24)
    command = voila_command(host, port, open_browser, token, preheat=preheat)
    process = subprocess.Popen(command, env={**os.environ, **(env or {})})
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "") else host
    url = f"http://{shown_host}:{port}/" + (f"?token={token}" if token else "")
    print(f"Cyclops workbench: {url}", flush=True)
    server = WorkbenchServer(process, url, token)
    if wait:
        try:
            process.wait()
        except KeyboardInterrupt:
            server.stop()
    return server
