"""The request being served, as the service layer sees it: its id, set by mapi for each request ("-" in-process).

Here rather than in mapi so a service error can name the request without importing the HTTP server.
"""

from __future__ import annotations

from contextvars import ContextVar

request_id: ContextVar[str] = ContextVar("request_id", default="-")
