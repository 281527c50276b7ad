"""A photo checked while the product is still in hand: its pixels at once, then its reading.

The reading is the photo's OCR as ``Services.ocr`` makes it (stored by the photo's hash), so the analysis
that follows when the photos are sent reuses it rather than reading the photo again. A photo already
known to need retaking (too dark, washed out, blurred) is not read: the inspector takes it again anyway.
"""

from __future__ import annotations

import hashlib
import time

from cyclops.errors import CyclopsError, to_service_error
from cyclops.load import load_photo
from cyclops.model.photo_check import PhotoCheck
from cyclops.photo_quality import DEFAULTS, QualityParams, check_pixels, check_reading, photo_check, printed_npn
from cyclops.service.operations import Services, check_photos


def check_photo(services: Services, filename: str, data: bytes, *, read: bool = True, engine: str | None = None,
                params: QualityParams = DEFAULTS) -> PhotoCheck:
    """The quality verdict on one photo (first page of a PDF): pixel checks, then reading checks unless ``read``
    is False or the pixels already call for a retake."""
    t0 = time.perf_counter()
    check_photos([(filename, data)], services.settings)
    try:
        loaded = load_photo(filename, data, max_pages=1, settings=services.settings)[0]
    except CyclopsError as exc:
        raise to_service_error(exc) from None
    issues = check_pixels(loaded.image, params)
    read = read and not any(i.severity == "high" for i in issues)
    doc = services.ocr(filename, data, engine) if read else None
    if doc is not None:
        issues += check_reading(doc, params)
    result = photo_check(loaded.filename, loaded.image.size, issues, read)
    return result.model_copy(update={"sha256": hashlib.sha256(data).hexdigest(), "npn": printed_npn(doc) if doc else None,
                                     "seconds": round(time.perf_counter() - t0, 3)})
