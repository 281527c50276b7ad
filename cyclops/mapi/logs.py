"""Structured JSON logs with the request id of the request being served."""

from __future__ import annotations

import logging
import sys

from pythonjsonlogger.json import JsonFormatter

from cyclops.service.context import request_id

logger = logging.getLogger("cyclops.mapi")


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


def configure_logging(level: int = logging.INFO) -> None:
    """One JSON object per line on stderr; idempotent (create_app may be called more than once)."""
    if any(getattr(h, "_cyclops", False) for h in logger.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s"))
    handler.addFilter(_RequestIdFilter())
    handler._cyclops = True  # type: ignore[attr-defined]
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False
