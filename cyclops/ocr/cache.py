"""OCR results cached on disk, keyed by photo hash + engine + engine version + rotation.

OCR is the slowest step and the same photo is analysed again after every
retraining or re-run, so a JSON file per key under ``cache_dir/ocr`` saves it.
Writes are atomic (temp file + ``os.replace``) so concurrent workers never read half a file.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from PIL import Image
from pydantic import ValidationError

from cyclops.model.ocr import Page
from cyclops.ocr.base import OCREngine
from cyclops.ocr.orient import VERSION as ORIENT_VERSION
from cyclops.settings import get_settings


def cache_path(engine: OCREngine, sha256: str, rotation: int | str = 0, cache_dir: Path | None = None) -> Path:
    """Where one reading is kept: under ``cache_dir`` (an analyzer's; default: the configured one)."""
    key = hashlib.sha256(f"{sha256}|{engine.name}|{engine.version}|{rotation}".encode()).hexdigest()
    return (cache_dir or get_settings().cache_dir) / "ocr" / key[:2] / f"{key}.json"


def _load(path: Path, image_id: str) -> Page | None:
    if path.is_file():
        try:
            page = Page.model_validate_json(path.read_text(encoding="utf-8"))
            return page.model_copy(update={"image_id": image_id})
        except (ValidationError, OSError, ValueError):
            pass  # a damaged entry is simply recomputed
    return None


def cached_read(engine: OCREngine, image: Image.Image, image_id: str, sha256: str, rotation: int = 0,
                cache_dir: Path | None = None) -> Page:
    """``engine.read`` unless this photo (after ``rotation``) was read by this engine version before."""
    path = cache_path(engine, sha256, rotation, cache_dir)
    page = _load(path, image_id)
    if page is None:
        page = engine.read(image, image_id)
        _store(path, page)
    return page


def cached_read_upright(engine: OCREngine, image: Image.Image, image_id: str, sha256: str,
                        cache_dir: Path | None = None) -> tuple[Page, int]:
    """``engine.read_upright`` (orientation found from the coarse detection pass, then text read) unless cached; ``image`` as stored."""
    path = cache_path(engine, sha256, f"auto-{ORIENT_VERSION}", cache_dir)
    page = _load(path, image_id)
    if page is None:
        page, _ = engine.read_upright(image, image_id)
        _store(path, page)
    return page, page.rotation


def _store(path: Path, page: Page) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(page.model_dump_json())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
