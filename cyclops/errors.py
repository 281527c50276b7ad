"""Typed errors shared by every area, so callers (CLI, mapi, dashboard) can map them to messages and HTTP codes.

Each error carries a stable ``code`` string that crosses the JSON boundary
unchanged, and a message that names the offending file. Every layer raises and
catches these very classes: photos and OCR, the store and catalogue, edits, the
client and mapi. ``HTTP_STATUS`` is the one table of the HTTP status each error
answers with: the service layer turns any error into a service error with it
(``to_service_error``), mapi answers with it, and the client reads it back into a class (``error_class``).
"""

from __future__ import annotations


class CyclopsError(Exception):
    """Base of every error Cyclops raises on purpose."""

    code: str = "cyclops_error"
    _status: int | None = None  # an HTTP status given when raised, instead of the class's in HTTP_STATUS

    def __init__(self, message: str, *, filename: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.filename = filename

    def __reduce__(self):  # keep the file name across process boundaries (worker pools pickle errors)
        return (_rebuild, (type(self), self.message, self.filename))

    @property
    def status(self) -> int:
        """The HTTP status mapi answers with: the one given when raised, else its code's or its class's in
        ``HTTP_STATUS``."""
        if self._status is not None:
            return self._status
        if self.code in HTTP_STATUS:
            return HTTP_STATUS[self.code]
        return next(HTTP_STATUS[cls] for cls in type(self).__mro__ if cls in HTTP_STATUS)

    def to_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.message, "filename": self.filename}


def _rebuild(cls: type[CyclopsError], message: str, filename: str | None) -> CyclopsError:
    return cls(message, filename=filename)


# --- photos and OCR engines -----------------------------------------------------------------------


class PhotoError(CyclopsError):
    """A photo that cannot be used; the rest of the upload can still be analysed."""

    code = "photo_error"


class UnsupportedFileType(PhotoError):
    code = "unsupported_file_type"


class CorruptImage(PhotoError):
    code = "corrupt_image"


class ImageTooLarge(PhotoError):
    code = "image_too_large"


class PixelBudgetExceeded(ImageTooLarge):
    """The photos of one request together hold more pixels than CYCLOPS_MAX_REQUEST_PIXELS (checked before decoding)."""

    code = "pixel_budget_exceeded"


class TooManyPhotos(PhotoError):
    code = "too_many_photos"


class EmptyDocument(PhotoError):
    code = "empty_document"


class OCREngineError(CyclopsError):
    """An OCR engine that cannot start (missing model or binary) or an unknown engine name."""

    code = "ocr_engine_error"


# --- services: store, catalogue, edits, client, mapi ------------------------------------------------


class MapiError(CyclopsError):
    """Base of every service error (named for mapi, which answers with it): ``code`` is stable, ``status`` the HTTP
    status; both may be given when raised, for a more precise code or status than the class's."""

    code: str = "internal_error"

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        if status is not None:
            self._status = status

    def __reduce__(self):  # keep code and status across process boundaries (ProcessPoolExecutor)
        return (_rebuild_service_error, (type(self), self.message, self.code, self.status))


def _rebuild_service_error(cls: type[MapiError], message: str, code: str, status: int) -> MapiError:
    return cls(message, code=code, status=status)


class BadRequest(MapiError):
    code = "bad_request"


class BadPhoto(MapiError):
    """A photo was refused (corrupt, unsupported, too large, too many)."""

    code = "bad_photo"


class InvalidEdit(MapiError):
    """An edit whose path does not exist or whose result is not a valid analysis."""

    code = "invalid_edit"


class AuthError(MapiError):
    code = "unauthorized"


class NotFound(MapiError):
    code = "not_found"


class ConflictError(MapiError):
    """The edit was made on an older version of the analysis: someone else edited it first."""

    code = "conflict"


class StorageUnavailable(MapiError):
    """The object store (or catalogue) cannot be reached right now; retry later."""

    code = "storage_unavailable"


class Forbidden(MapiError):
    """Authenticated, but not allowed to do this (wrong role, someone else's name, a read-only part)."""

    code = "forbidden"


class TooLarge(MapiError):
    """A request, upload or edit over its size limit."""

    code = "request_too_large"


class RateLimited(MapiError):
    """Too many requests from one identity; ``retry_after`` seconds until the next is accepted."""

    code = "rate_limited"
    retry_after: float = 1.0

    def with_retry(self, seconds: float) -> RateLimited:
        self.retry_after = seconds
        return self


class WorkerLost(MapiError):
    """A worker process died (killed, out of memory) or the pool cannot start; the pool is rebuilt: retry."""

    code = "worker_lost"


class CorruptRecord(MapiError):
    """A stored record cannot be read; the log line with the request id has the details."""

    code = "corrupt_record"


class ObjectExists(MapiError):
    """An append-only object was about to be rewritten."""

    code = "object_exists"


#: the HTTP status of each error, by code for the codes that carry their own, else by class (a class not listed
#: answers with its nearest listed base's); an error raised with a ``status`` of its own keeps that one
HTTP_STATUS: dict[type[CyclopsError] | str, int] = {
    # a photo or request too big, whichever class carries the code (a PhotoError summing up several photos takes
    # the first one's code; mapi's own photo checks raise BadPhoto)
    ImageTooLarge.code: 413,
    PixelBudgetExceeded.code: 413,
    TooManyPhotos.code: 413,
    "file_too_large": 413,
    "request_too_large": 413,
    CyclopsError: 500,
    PhotoError: 422,
    OCREngineError: 422,
    MapiError: 500,
    BadRequest: 422,
    BadPhoto: 422,
    InvalidEdit: 422,
    AuthError: 401,
    Forbidden: 403,
    NotFound: 404,
    ConflictError: 409,
    ObjectExists: 409,
    TooLarge: 413,
    RateLimited: 429,
    StorageUnavailable: 503,
    WorkerLost: 503,
    CorruptRecord: 500,
}

#: codes of a refused photo or upload: the classes' above, and those mapi's photo checks raise as ``BadPhoto``
PHOTO_CODES = frozenset(
    {cls.code for cls in (BadPhoto, PhotoError, UnsupportedFileType, CorruptImage, ImageTooLarge, PixelBudgetExceeded,
                          TooManyPhotos, EmptyDocument, TooLarge)}
    | {"no_photos", "empty_file", "file_too_large"}
)
#: codes of a refused edit (``InvalidEdit``)
EDIT_CODES = frozenset({InvalidEdit.code, "invalid_path", "invalid_value", "read_only_field"})


def error_class(status: int, code: str) -> type[MapiError]:
    """The class a client raises for an error answer of mapi (``{"error": code, ...}`` with this HTTP status).

    The status is read back through ``HTTP_STATUS``. A client cannot tell apart the errors that share a status,
    so it raises the widest: 401 and 403 are an ``AuthError``, any 413 a ``BadPhoto``, 503 ``StorageUnavailable``;
    then a refused photo's or edit's code decides, then 400 and 422 are a ``BadRequest``, anything else a
    ``MapiError`` with that status.
    """
    if status in (HTTP_STATUS[AuthError], HTTP_STATUS[Forbidden]):
        return AuthError
    for cls in (NotFound, ConflictError, StorageUnavailable):
        if status == HTTP_STATUS[cls]:
            return cls
    if status == HTTP_STATUS[TooLarge] or code in PHOTO_CODES:
        return BadPhoto
    if code in EDIT_CODES:
        return InvalidEdit
    if status in (400, HTTP_STATUS[BadRequest]):
        return BadRequest
    return MapiError


def to_service_error(exc: CyclopsError) -> MapiError:
    """Errors of other areas (photos, OCR engines, LNHPD) -> typed service errors, with the status
    ``HTTP_STATUS`` gives them (a photo too big: 413, another refused photo: 422)."""
    if isinstance(exc, MapiError):
        return exc
    if isinstance(exc, PhotoError):
        return BadPhoto(str(exc), code=exc.code, status=exc.status)
    if isinstance(exc, OCREngineError):
        return BadRequest(str(exc), code=exc.code)
    return MapiError(str(exc), code=exc.code, status=exc.status)
