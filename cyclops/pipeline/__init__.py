"""Assembles the ``Analyzer`` (cyclops.pipeline.analyzer) from the settings; the few conveniences that use a default one.

This is the edge where the process-wide parts are looked up (settings, OCR engines, the registry's
served-model watcher, the configured LNHPD copy); the analyzer itself looks nothing up. mapi, the CLI,
batch runs and the benchmark build one with ``build_analyzer`` and keep it; notebooks and tests may
call ``analyze``, ``analyze_document`` or ``read_photos`` here, which build a default one each call.
"""

from __future__ import annotations

from typing import Any

from cyclops.fieldmodel.registry import get_watcher, model_for
from cyclops.lnhpd.database import open_database
from cyclops.model.analysis import Analysis
from cyclops.model.ocr import Document
from cyclops.ocr import get_engine
from cyclops.pipeline.analyzer import Analyzer, ModelProvider, Progress, fixed_model
from cyclops.pipeline.parameters import Parameters
from cyclops.settings import Settings, get_settings

#: ``build_analyzer``'s ``db`` when the configured database is wanted (None means: no database, label-only)
CONFIGURED: Any = object()


def served_model(model_version: str | None = None):
    """(field classifier, version label): the given version, else the one the registry alias serves now."""
    if model_version:
        return model_for(model_version), model_version
    return get_watcher().current()


def model_provider(model_version: str | None = None) -> ModelProvider:
    """The given version, always; else the registry watcher's current model, asked at each analysis (so a
    promotion reaches a long-lived analyzer)."""
    if model_version:
        return fixed_model(model_for(model_version), model_version)
    return lambda: get_watcher().current()


def no_database_reason(settings: Settings | None = None) -> str:
    """What an analysis without a reference database says (``Match.skipped_reason``, the CLI's warning)."""
    return (f"licence checks skipped: no LNHPD database at {(settings or get_settings()).lnhpd_path} "
            "(build one with `cyclops lnhpd setup` or `cyclops lnhpd import`)")


def reference_database(db=None, settings: Settings | None = None):
    """``db``, else the configured LNHPD copy; None when none has been built (licence checks are then skipped).

    A file that is there but is not a database built by Cyclops still raises ``LicenceDBMissing``.
    """
    if db is not None:
        return db
    settings = settings or get_settings()
    if not settings.lnhpd_path.is_file():
        return None
    return open_database(settings.lnhpd_path)


def build_analyzer(settings: Settings | None = None, *, engine: str | None = None, db: Any = CONFIGURED,
                   model_version: str | None = None, model: ModelProvider | None = None,
                   params: Parameters | None = None) -> Analyzer:
    """An analyzer of the configured parts, any of them replaced: ``engine`` by name, ``db`` (None: none,
    label-only), the classifier by ``model_version`` or a ``model`` provider, the thresholds by ``params``."""
    settings = settings or get_settings()
    return Analyzer(
        engine=get_engine(engine or settings.ocr_engine),
        model=model or model_provider(model_version),
        db=reference_database(settings=settings) if db is CONFIGURED else db,
        params=params or Parameters(),
        max_photos=settings.max_photos,
        cache_dir=settings.cache_dir,
        no_database_reason=no_database_reason(settings),
        limits=settings,
    )


def read_photos(photos: list[tuple[str, bytes]], engine_name: str | None = None, progress: Progress | None = None):
    """``Analyzer.read_photos`` with the configured parts (and engine ``engine_name``)."""
    return build_analyzer(engine=engine_name, db=None).read_photos(photos, progress)


def analyze_document(doc: Document, *, db=None, progress: Progress | None = None,
                     model_version: str | None = None) -> tuple[Analysis, dict[str, float]]:
    """``Analyzer.analyze_document`` with ``db`` (default: the configured one) and the configured parts."""
    return build_analyzer(db=reference_database(db), model_version=model_version).analyze_document(doc, progress)


def analyze_with_document(photos: list[tuple[str, bytes]], engine: str | None = None, *, db=None,
                          progress: Progress | None = None, model_version: str | None = None) -> tuple[Analysis, Document]:
    """``Analyzer.analyze_with_document`` with ``db`` (default: the configured one) and the configured parts."""
    analyzer = build_analyzer(engine=engine, db=reference_database(db), model_version=model_version)
    return analyzer.analyze_with_document(photos, progress)


def analyze(photos: list[tuple[str, bytes]], engine: str | None = None, *, db=None,
            progress: Progress | None = None, model_version: str | None = None) -> Analysis:
    """``Analyzer.analyze`` with ``db`` (default: the configured one) and the configured parts."""
    return analyze_with_document(photos, engine, db=db, progress=progress, model_version=model_version)[0]
