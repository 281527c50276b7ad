"""Typed errors of the services (store, catalogue, mapi, client), each with an HTTP status and a stable code.

They live apart from FastAPI so the storage layer, the in-process client and the
HTTP routes raise and catch the very same classes.
"""

from __future__ import annotations

from cyclops.errors import CyclopsError


class MapiError(CyclopsError):
    """Base of every service error: ``code`` is stable, ``status`` is the HTTP status mapi answers with."""

    status: int = 500
    code: str = "internal_error"

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status

    def __reduce__(self):  # keep code and status across process boundaries (ProcessPoolExecutor)
        return (_rebuild, (type(self), self.message, self.code, self.status))

    def to_json(self) -> dict[str, str]:
        return {"error": self.code, "message": self.message}


class BadRequest(MapiError):
    status, code = 422, "bad_request"


class BadPhoto(MapiError):
    """A photo was refused (corrupt, unsupported, too large, too many)."""

    status, code = 422, "bad_photo"


class InvalidEdit(MapiError):
    """An edit whose path does not exist or whose result is not a valid analysis."""

    status, code = 422, "invalid_edit"


class AuthError(MapiError):
    status, code = 401, "unauthorized"


class NotFound(MapiError):
    status, code = 404, "not_found"


class ConflictError(MapiError):
    """The edit was made on an older version of the analysis: someone else edited it first."""

    status, code = 409, "conflict"


class StorageUnavailable(MapiError):
    """The object store (or catalogue) cannot be reached right now; retry later."""

    status, code = 503, "storage_unavailable"


class Forbidden(MapiError):
    """Authenticated, but not allowed to do this (wrong role, someone else's name, a read-only part)."""

    status, code = 403, "forbidden"


class TooLarge(MapiError):
    """A request, upload or edit over its size limit."""

    status, code = 413, "request_too_large"


class RateLimited(MapiError):
    """Too many requests from one identity; ``retry_after`` seconds until the next is accepted."""

    status, code = 429, "rate_limited"
    retry_after: float = 1.0

    def with_retry(self, seconds: float) -> RateLimited:
        self.retry_after = seconds
        return self


class WorkerLost(MapiError):
    """A worker process died (killed, out of memory) or the pool cannot start; the pool is rebuilt: retry."""

    status, code = 503, "worker_lost"


class CorruptRecord(MapiError):
    """A stored record cannot be read; the log line with the request id has the details."""

    status, code = 500, "corrupt_record"


class ObjectExists(MapiError):
    """An append-only object was about to be rewritten."""

    status, code = 409, "object_exists"


#: error code -> class, so the HTTP client raises the same type the server did
BY_STATUS: dict[int, type[MapiError]] = {
    401: AuthError,
    403: AuthError,
    404: NotFound,
    409: ConflictError,
    413: BadPhoto,
    429: RateLimited,
    503: StorageUnavailable,
}


def _rebuild(cls: type[MapiError], message: str, code: str, status: int) -> MapiError:
    return cls(message, code=code, status=status)
