"""The worklist's way to the phone capture page: a link, and a QR code of it that an inspector scans with the phone.

The capture page is this same server's ``?page=capture`` (notebooks/analyst.ipynb opens it: ``cyclops.workbench.entry``),
so the phone needs the address the analyst's browser used (Voila hands the kernel the request's host and port) and,
outside JupyterHub, the workbench token, which logs the phone in. The token goes in the link and its QR code only,
never on a command line or in a log (``cyclops.workbench.serve`` hands it to the kernels in their environment).
"""

from __future__ import annotations

import html
from urllib.parse import urlencode

from cyclops.workbench.i18n import t

#: the value of ``?page=`` that opens the phone capture page instead of the dashboard
CAPTURE_PAGE = "capture"


def capture_address(host: str | None, port: str | int | None, token: str | None = None, base: str = "/") -> str | None:
    """The capture page's full address on the server at ``host``:``port``; None without a host (no request seen)."""
    host = (host or "").strip()
    if not host:
        return None
    port = str(port or "").strip()
    scheme = "https" if port == "443" else "http"
    netloc = f"[{host}]" if ":" in host else host  # an IPv6 literal
    if port and port not in ("80", "443"):
        netloc += f":{port}"
    query = {"page": CAPTURE_PAGE, **({"token": token} if token else {})}
    return f"{scheme}://{netloc}/{base.strip('/') + '/' if base.strip('/') else ''}?{urlencode(query)}"


def public_capture_address(base_url: str, token: str | None = None) -> str:
    """The capture page under the address phones reach the workbench at (``CYCLOPS_WORKBENCH_PUBLIC_URL``: behind a
    proxy or on the store's Wi-Fi, the analyst's own address, often 127.0.0.1, is no use to a phone)."""
    query = {"page": CAPTURE_PAGE, **({"token": token} if token else {})}
    return f"{base_url.rstrip('/')}/?{urlencode(query)}"


def qr_svg(address: str, scale: int = 3) -> str:
    """The address as an inline SVG QR code: 3 px a module (about 110 px), which a phone reads off a laptop's screen at
    arm's length; medium error correction survives the screen's glare."""
    import segno

    return segno.make(address, error="m").svg_inline(scale=scale, dark="#000", light="#fff")


def link_html(address: str | None, lang: str) -> str:
    """The worklist's "Capture on a phone": the link, its QR code and a line saying what it is for."""
    if not address:
        return ""
    label = html.escape(t("capture_on_phone", lang))
    return (f"<div class='cyclops-phone-link' style='display:flex;gap:10px;align-items:center'>"
            f"<div class='cyclops-capture-qr' title='{label}'>{qr_svg(address)}</div>"
            f"<div><a class='cyclops-capture-open' href='{html.escape(address, quote=True)}' target='_blank' "
            f"rel='noopener' style='color:#1565c0;text-decoration:underline;font-weight:bold'>{label}</a><br><small>{html.escape(t('capture_on_phone_help', lang))}</small></div></div>")
