"""OCR engines behind one interface; each is built once per process because loading models is slow."""

from __future__ import annotations

import threading
from collections.abc import Callable

from cyclops.errors import OCREngineError
from cyclops.ocr.base import OCREngine
from cyclops.settings import get_settings

__all__ = ["ENGINE_NAMES", "OCREngine", "get_engine"]


# the engine modules are imported by their factories: each loads a heavy library (onnxruntime, pytesseract), and a
# process uses one or two of the three


def _rapid() -> OCREngine:
    from cyclops.ocr.rapid import RapidEngine

    return RapidEngine(threads=get_settings().ocr_threads)


def _tesseract() -> OCREngine:
    from cyclops.ocr.tesseract import TesseractEngine

    return TesseractEngine(detector=get_engine("rapidocr"))  # RapidOCR's detector judges orientation


def _combined() -> OCREngine:
    from cyclops.ocr.combined import CombinedEngine

    return CombinedEngine(get_engine("rapidocr"), get_engine("tesseract"))  # type: ignore[arg-type]


_FACTORIES: dict[str, Callable[[], OCREngine]] = {"rapidocr": _rapid, "tesseract": _tesseract, "combined": _combined}
ENGINE_NAMES: tuple[str, ...] = tuple(_FACTORIES)
_ENGINES: dict[str, OCREngine] = {}
_LOCK = threading.RLock()


def get_engine(name: str | None = None) -> OCREngine:
    """The engine called ``name`` (default: ``CYCLOPS_OCR_ENGINE``), built on first use and then shared."""
    key = (name or get_settings().ocr_engine).strip().lower()
    if key not in _FACTORIES:
        raise OCREngineError(f"Unknown OCR engine {name!r}; choose one of: {', '.join(ENGINE_NAMES)}.")
    with _LOCK:
        if key not in _ENGINES:
            _ENGINES[key] = _FACTORIES[key]()
        return _ENGINES[key]
