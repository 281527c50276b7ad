"""Which page a request to the workbench opens: the analyst's dashboard, or (``?page=capture``) the phone capture page.

One ``cyclops serve workbench`` (one port, one token, one pool of preheated kernels, one culling) serves both from
notebooks/analyst.ipynb: the kernel is built before the request (preheat), then this runs once Voila hands it the
page's address, and shows the page asked for. The worklist offers the capture page's address as a link and QR code.
"""

from __future__ import annotations

import os
from urllib.parse import parse_qs

from cyclops.settings import get_settings
from cyclops.workbench.app import Workbench
from cyclops.workbench.capture import CapturePage
from cyclops.workbench.phone_link import CAPTURE_PAGE, capture_address, public_capture_address


def wanted_page(query: str | None) -> str:
    """``capture`` when the address asks for the phone page, ``workbench`` otherwise."""
    page = (parse_qs(query or "").get("page") or [""])[0].strip().lower()
    return "capture" if page == CAPTURE_PAGE else "workbench"


def open_page(workbench: Workbench, query: str | None, environ: dict[str, str] | None = None) -> Workbench | CapturePage:
    """Show the page the address asks for. ``environ``: the kernel's, where Voila put the request's host and port."""
    environ = os.environ if environ is None else environ
    if wanted_page(query) == "capture":
        return CapturePage(workbench.session.client, inspector=workbench.session.analyst, lang=workbench.session.lang).show()
    settings = get_settings()
    address = (public_capture_address(settings.workbench_public_url, settings.workbench_token) if settings.workbench_public_url
               else capture_address(environ.get("SERVER_NAME"), environ.get("SERVER_PORT"), settings.workbench_token,
                                    environ.get("VOILA_SERVER_URL") or "/"))
    workbench.worklist.set_capture_address(address)
    workbench.show()
    workbench.open_from_query(query)
    return workbench
