"""mapi's side of the errors: any Cyclops error as an HTTP answer.

The error classes and the one table of their HTTP statuses live below every layer, in
``cyclops.errors``, so the store, the catalogue, the client and the routes raise and
catch the very same classes. Here they become mapi's answers: a typed service error
for an error of another area (photos, OCR engines, LNHPD), and the JSON body
``{"error": code, "message": ...}`` every error answer carries.
"""

from __future__ import annotations

from cyclops.errors import BadPhoto, BadRequest, CyclopsError, MapiError, OCREngineError, PhotoError


def to_service_error(exc: CyclopsError) -> MapiError:
    """Errors of other areas (photos, OCR engines, LNHPD) -> typed service errors, with the status
    ``cyclops.errors.HTTP_STATUS`` gives them (a photo too big: 413, another refused photo: 422)."""
    if isinstance(exc, MapiError):
        return exc
    if isinstance(exc, PhotoError):
        return BadPhoto(str(exc), code=exc.code, status=exc.status)
    if isinstance(exc, OCREngineError):
        return BadRequest(str(exc), code=exc.code)
    return MapiError(str(exc), code=exc.code, status=exc.status)


def error_body(code: str, message: str, **extra: str) -> dict[str, str]:
    """The JSON body of every error answer mapi gives."""
    return {"error": code, "message": message, **extra}
