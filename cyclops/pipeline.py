"""The analysis pipeline: photos of one product in, one checked ``Analysis`` out.

Each stage lives in its own module and is testable alone; this module only
composes them and times them:

    load (cyclops.load) -> orientation + OCR (cyclops.ocr, cyclops.ocr.orient; cached)
    -> layout (cyclops.layout) -> extraction (cyclops.extract)
    -> licence matching (cyclops.match) -> compliance flags (cyclops.flags)

Without a reference database (a fresh install: no LNHPD copy built yet) the label is still
read and its label-only flags raised; licence matching, the checks against the licence and
spelling repair are skipped, and ``Analysis.match.skipped_reason`` says so.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timezone

from cyclops import __version__, load
from cyclops.errors import PhotoError, TooManyPhotos
from cyclops.extract import extract_fields
from cyclops.fieldmodel.registry import get_watcher, model_for
from cyclops.flags import raise_flags
from cyclops.lnhpd.database import open_database
from cyclops.match import match_licence, trusted
from cyclops.model.analysis import Analysis, ImageInfo, Match
from cyclops.model.analysis import PhotoError as PhotoErrorRecord
from cyclops.model.ocr import Document
from cyclops.normalize.spelling import corrector_for
from cyclops.ocr import get_engine
from cyclops.ocr.cache import cached_read_upright
from cyclops.settings import get_settings

Progress = Callable[[str, float], None]


def _noop(stage: str, fraction: float) -> None:  # pragma: no cover - trivial
    pass


def read_photos(photos: list[tuple[str, bytes]], engine_name: str | None = None, progress: Progress | None = None):
    """Load, orient and OCR photos. Returns (Document, image infos, refused photos as typed errors, timings)."""
    progress = progress or _noop
    settings = get_settings()
    if len(photos) > settings.max_photos:
        raise TooManyPhotos(f"{len(photos)} photos sent; at most {settings.max_photos} per product")
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    progress("load", 0.0)
    images, errors = load.load_photos(photos)
    timings["load"] = time.perf_counter() - t0

    engine = get_engine(engine_name)
    t1 = time.perf_counter()
    doc = Document(engine=engine.name, engine_version=engine.version)
    infos: list[ImageInfo] = []
    for i, loaded in enumerate(images):
        progress("ocr", i / max(len(images), 1))
        # one text detection per photo serves both orientation and reading
        page, rotation = cached_read_upright(engine, loaded.image, loaded.id, loaded.sha256)
        doc.pages.append(page)
        infos.append(
            ImageInfo(
                id=loaded.id,
                sha256=loaded.sha256,
                width=page.width,
                height=page.height,
                rotation=rotation,
                filename=loaded.filename,
            )
        )
    progress("ocr", 1.0)
    timings["ocr"] = time.perf_counter() - t1
    doc.seconds = timings["ocr"]
    return doc, infos, errors, timings


def served_model(model_version: str | None = None):
    """(field classifier, version label): the given version, else the one the registry alias serves now."""
    if model_version:
        return model_for(model_version), model_version
    return get_watcher().current()


def no_database_reason() -> str:
    """What an analysis without a reference database says (``Match.skipped_reason``, the CLI's warning)."""
    return (f"licence checks skipped: no LNHPD database at {get_settings().lnhpd_path} "
            "(build one with `cyclops lnhpd setup` or `cyclops lnhpd import`)")


def reference_database(db=None):
    """``db``, else the configured LNHPD copy; None when none has been built (licence checks are then skipped).

    A file that is there but is not a database built by Cyclops still raises ``LicenceDBMissing``.
    """
    if db is not None:
        return db
    if not get_settings().lnhpd_path.is_file():
        return None
    return open_database()


def analyze_document(doc: Document, *, db=None, progress: Progress | None = None,
                     model_version: str | None = None) -> tuple[Analysis, dict[str, float]]:
    """Extraction, matching and flags on an OCR document (no image work: reusable from notebooks and tests).

    ``db`` is the reference database (default: the configured one). Where none has been built, the
    fields and the label-only flags are still given; matching, the licence checks and spelling repair
    are skipped and ``match.skipped_reason`` says so.
    ``model_version`` picks the field classifier (a label from ``cyclops.fieldmodel.registry``);
    by default the model the registry alias serves, or the packaged one.
    """
    progress = progress or _noop
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    progress("extract", 0.0)
    model, model_label = served_model(model_version)
    db = reference_database(db)
    fields, lines = extract_fields(doc, model=model, speller=corrector_for(db) if db is not None else None)
    timings["extract"] = time.perf_counter() - t0

    t1 = time.perf_counter()
    progress("match", 0.0)
    if db is None:
        match = Match(method="none", skipped_reason=no_database_reason())
    else:
        match = match_licence(fields, db)
    checked = match.lnhpd_id is not None and trusted(match, fields)  # a weak search match waits for the analyst
    licence_en = db.get_by_id(match.lnhpd_id, "en") if checked else None
    licence_fr = db.get_by_id(match.lnhpd_id, "fr") if checked else None
    timings["match"] = time.perf_counter() - t1

    t2 = time.perf_counter()
    flags = raise_flags(fields, match, licence_en, licence_fr, lines, database=db is not None)
    timings["flags"] = time.perf_counter() - t2
    analysis = Analysis(
        fields=fields,
        match=match,
        flags=flags,
        lines=lines,
        versions={"cyclops": __version__, "engine": f"{doc.engine} {doc.engine_version}", "field_classifier": model_label},
        created_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
    )
    return analysis, timings


def analyze_with_document(
    photos: list[tuple[str, bytes]],
    engine: str | None = None,
    *,
    db=None,
    progress: Progress | None = None,
    model_version: str | None = None,
) -> tuple[Analysis, Document]:
    """``analyze``, also returning the OCR document (mapi stores it beside the analysis)."""
    t0 = time.perf_counter()
    doc, infos, errors, timings = read_photos(photos, engine, progress)
    if not infos:
        if len(errors) == 1:
            raise errors[0]
        first = errors[0] if errors else PhotoError("no photo was sent")
        combined = PhotoError("no usable photo: " + "; ".join(str(e) for e in errors), filename=first.filename)
        combined.code = first.code
        raise combined
    analysis, more = analyze_document(doc, db=db, progress=progress, model_version=model_version)
    timings.update(more)
    timings["total"] = time.perf_counter() - t0
    analysis.images = infos
    analysis.errors = [PhotoErrorRecord(filename=e.filename or "", error=e.code, message=str(e)) for e in errors]
    analysis.timings = {k: round(v, 4) for k, v in timings.items()}
    if progress:
        progress("done", 1.0)
    return analysis, doc


def analyze(
    photos: list[tuple[str, bytes]],
    engine: str | None = None,
    *,
    db=None,
    progress: Progress | None = None,
    model_version: str | None = None,
) -> Analysis:
    """Analyse the photos of one product. Bad photos are reported in ``errors``; the rest are analysed.

    Raises the photo's typed ``PhotoError`` only when no photo at all could be used.
    """
    return analyze_with_document(photos, engine, db=db, progress=progress, model_version=model_version)[0]
