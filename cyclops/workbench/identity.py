"""Who the analyst is. It comes from the server, never from a text box, so edits can be trusted."""

from __future__ import annotations

import getpass
import os

from cyclops.settings import get_settings


def current_analyst() -> str:
    """JupyterHub's user when served by a hub, else the configured analyst, else the OS account."""
    hub_user = os.environ.get("JUPYTERHUB_USER", "").strip()
    if hub_user:
        return hub_user
    configured = (get_settings().analyst or "").strip()
    if configured:
        return configured
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        return "unknown"
