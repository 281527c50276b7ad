"""Typed errors shared by every area, so callers (CLI, mapi, dashboard) can map them to messages and HTTP codes.

Each error carries a stable ``code`` string that crosses the JSON boundary
unchanged, and a message that names the offending file.
"""

from __future__ import annotations


class CyclopsError(Exception):
    """Base of every error Cyclops raises on purpose."""

    code: str = "cyclops_error"

    def __init__(self, message: str, *, filename: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.filename = filename

    def __reduce__(self):  # keep the file name across process boundaries (worker pools pickle errors)
        return (_rebuild, (type(self), self.message, self.filename))

    def to_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.message, "filename": self.filename}


def _rebuild(cls: type[CyclopsError], message: str, filename: str | None) -> CyclopsError:
    return cls(message, filename=filename)


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
