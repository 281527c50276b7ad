"""The analysis pipeline, assembled once from its parts: photos of one product in, one checked ``Analysis`` out.

    load (cyclops.load) -> orientation + OCR (cyclops.ocr; cached) -> layout and extraction (cyclops.extract)
    -> licence matching (cyclops.match) -> compliance flags (cyclops.flags)

An ``Analyzer`` is given everything it uses (OCR engine, field classifier, spelling corrector, reference
database, rules, thresholds) and looks nothing up while it runs, so the same photos and parts always give the
same analysis, and a benchmark or a test can swap one part. ``cyclops.pipeline.build_analyzer`` assembles
one from the settings. Without a reference database (a fresh install) the label is still read and its
label-only flags raised; matching, the licence checks and spelling repair are skipped, and
``Analysis.match.skipped_reason`` says so.
"""

from __future__ import annotations

import ctypes
import dataclasses
import functools
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from cyclops import __version__, load
from cyclops.errors import PhotoError, TooManyPhotos
from cyclops.extract import extract_fields
from cyclops.extract.lines import SourceLine
from cyclops.extract.product_name import name_as_licensed
from cyclops.flags import RULES, Rule, raise_flags
from cyclops.flags.margins import near_flags
from cyclops.match import match_licence, trusted
from cyclops.model.analysis import Analysis, ImageInfo, Match
from cyclops.model.analysis import PhotoError as PhotoErrorRecord
from cyclops.model.ocr import Document
from cyclops.normalize.spelling import corrector_for
from cyclops.ocr.base import OCREngine
from cyclops.ocr.cache import cached_read_upright
from cyclops.pipeline.parameters import Parameters
from cyclops.settings import Settings
from cyclops.text.language import load_word_lists

Progress = Callable[[str, float], None]
#: (field classifier, its version label), asked once per analysis: mapi passes its registry watcher's ``current``
ModelProvider = Callable[[], tuple[Any, str]]


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, looked up once; None off glibc."""
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


def release_memory() -> None:
    """Hand the heap freed by an analysis back to the system. glibc keeps freed arenas: a process that read
    12 MP photos stayed at ~1,040 MB between analyses, ~405 MB with this (well under a millisecond). No-op off glibc."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def _noop(stage: str, fraction: float) -> None:  # pragma: no cover - trivial
    pass


def fixed_model(model: Any, label: str) -> ModelProvider:
    """A provider that always gives the same classifier."""
    return lambda: (model, label)


@dataclass(frozen=True)
class Analyzer:
    """Everything one analysis uses; ``analyze`` runs the stages on photos, ``analyze_document`` on OCR."""

    engine: OCREngine
    model: ModelProvider
    db: Any = None  # the reference database (cyclops.lnhpd.database.LicenceDB); None: label-only
    speller: Any = None  # spelling repair (cyclops.normalize.spelling); None: the one built from the database's vocabulary
    params: Parameters = field(default_factory=Parameters)
    rules: Sequence[Rule] = RULES  # the compliance rules run (cyclops.flags.registry)
    max_photos: int = 12
    cache_dir: Path | None = None  # where OCR readings are kept
    no_database_reason: str = "licence checks skipped: no reference database"
    limits: Settings | None = None  # what a photo may weigh (CYCLOPS_MAX_PIXELS, _MAX_FILE_BYTES...); None: as configured

    def replace(self, **parts: Any) -> Analyzer:
        """The same analyzer with some parts swapped (another engine, classifier or parameter set)."""
        return dataclasses.replace(self, **parts)

    def warm_up(self) -> str:
        """Pay now for what the first product would otherwise pay for once (on a dense 12 MP product about 1.5 s:
        wordfreq's import and word lists, the spelling corrector, the engine's first runs): the classifier loaded,
        the engine's warm-up page read, then extracted, matched and flagged. mapi's workers and ``cyclops
        evaluate`` call it before their first product; a phone-sized JPEG is decoded too (``load.warm_up``), and
        the heap handed back, as after an analysis. Returns the classifier's label."""
        _, label = self.model()
        load.warm_up(self.limits)
        page = self.engine.warm_up()
        load_word_lists()
        self.analyze_document(Document(engine=self.engine.name, engine_version=self.engine.version, pages=[page]))
        release_memory()  # as after an analysis: a warmed-up worker waits at ~480 MB, not ~730
        return label

    def read_photos(self, photos: list[tuple[str, bytes]], progress: Progress | None = None):
        """Load, orient and OCR photos. Returns (Document, image infos, refused photos as typed errors, timings).

        Each photo is read as soon as it is decoded, and up to the engine's ``photos_at_once`` are read together:
        one photo's single-threaded steps (decoding, box geometry, the rules between passes) then overlap another's
        recognition, where a photo read alone leaves a core idle about a tenth of the time. Each photo is read
        exactly as it would be alone (``tests/test_pipeline_photos.py``)."""
        progress = progress or _noop
        if len(photos) > self.max_photos:
            raise TooManyPhotos(f"{len(photos)} photos sent; at most {self.max_photos} per product")
        engine = self.engine
        timings = {"load": 0.0}
        errors: list[PhotoError] = []
        loaded: list[tuple[load.LoadedImage, Future]] = []
        started = 0.0
        progress("load", 0.0)
        with ThreadPoolExecutor(max_workers=max(1, engine.photos_at_once), thread_name_prefix="ocr-photo") as pool:
            photos_in = load.iter_photos(photos, self.limits)
            while True:
                t0 = time.perf_counter()
                item = next(photos_in, None)
                timings["load"] += time.perf_counter() - t0
                if item is None:
                    break
                if isinstance(item, PhotoError):
                    errors.append(item)
                    continue
                if not loaded:
                    started = time.perf_counter()
                # one text detection per photo serves both orientation and reading
                loaded.append((item, pool.submit(cached_read_upright, engine, item.image, item.id, item.sha256,
                                                 self.cache_dir)))
            doc = Document(engine=engine.name, engine_version=engine.version)
            infos: list[ImageInfo] = []
            for i, (image, reading) in enumerate(loaded):
                progress("ocr", i / len(loaded))
                page, rotation = reading.result()
                doc.pages.append(page)
                infos.append(ImageInfo(id=image.id, sha256=image.sha256, width=page.width, height=page.height,
                                       rotation=rotation, filename=image.filename))
        progress("ocr", 1.0)
        timings["ocr"] = time.perf_counter() - started if loaded else 0.0
        doc.seconds = timings["ocr"]
        return doc, infos, errors, timings

    def read_page(self, filename: str, data: bytes) -> Document:
        """One photo's first page read as an analysis reads it (same limits, orientation and cache): mapi's /v1/ocr."""
        loaded = load.load_photo(filename, data, max_pages=1, settings=self.limits)[0]
        t0 = time.perf_counter()
        page, _ = cached_read_upright(self.engine, loaded.image, "img0", loaded.sha256, self.cache_dir)
        release_memory()
        return Document(engine=self.engine.name, engine_version=self.engine.version, pages=[page],
                        seconds=time.perf_counter() - t0)

    def analyze_document(self, doc: Document, progress: Progress | None = None) -> tuple[Analysis, dict[str, float]]:
        """Extraction, matching and flags on an OCR document (no image work: reusable from notebooks and tests)."""
        progress = progress or _noop
        params, db = self.params, self.db
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        progress("extract", 0.0)
        model, model_label = self.model()
        speller = self.speller or (corrector_for(db) if db is not None else None)
        fields, lines = extract_fields(doc, model=model, speller=speller, params=params.extract)
        timings["extract"] = time.perf_counter() - t0

        t1 = time.perf_counter()
        progress("match", 0.0)
        if db is None:
            match = Match(method="none", skipped_reason=self.no_database_reason)
        else:
            match = match_licence(fields, db, params.match)
        checked = match.lnhpd_id is not None and trusted(match, fields, params.match)  # a weak search match waits for the analyst
        licence_en = db.get_by_id(match.lnhpd_id, "en") if checked else None
        licence_fr = db.get_by_id(match.lnhpd_id, "fr") if checked else None
        if checked:  # the trusted licence's name, where the label prints it, is the printed name
            fields.product_name = name_as_licensed(
                [SourceLine.of(line) for line in lines],
                [b.licence.product_name for b in (licence_en, licence_fr) if b and b.licence.product_name],
                fields.product_name, params.extract)
        timings["match"] = time.perf_counter() - t1

        t2 = time.perf_counter()
        flags = raise_flags(fields, match, licence_en, licence_fr, lines, database=db is not None,
                            params=params.flags, rules=self.rules)
        near = near_flags(fields, match, licence_en, licence_fr, lines, database=db is not None,
                          params=params.flags, rules=self.rules)
        timings["flags"] = time.perf_counter() - t2
        versions = {"cyclops": __version__, "engine": f"{doc.engine} {doc.engine_version}", "field_classifier": model_label,
                    **params.versions()}
        analysis = Analysis(fields=fields, match=match, flags=flags, near_flags=near, lines=lines, versions=versions,
                            created_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))
        return analysis, timings

    def analyze_with_document(self, photos: list[tuple[str, bytes]],
                              progress: Progress | None = None) -> tuple[Analysis, Document]:
        """``analyze``, also returning the OCR document (mapi stores it beside the analysis)."""
        t0 = time.perf_counter()
        doc, infos, errors, timings = self.read_photos(photos, progress)
        if not infos:
            if len(errors) == 1:
                raise errors[0]
            first = errors[0] if errors else PhotoError("no photo was sent")
            combined = PhotoError("no usable photo: " + "; ".join(str(e) for e in errors), filename=first.filename)
            combined.code = first.code
            raise combined
        analysis, more = self.analyze_document(doc, progress)
        timings.update(more)
        timings["total"] = time.perf_counter() - t0
        analysis.images = infos
        analysis.errors = [PhotoErrorRecord(filename=e.filename or "", error=e.code, message=str(e)) for e in errors]
        analysis.timings = {k: round(v, 4) for k, v in timings.items()}
        release_memory()
        if progress:
            progress("done", 1.0)
        return analysis, doc

    def analyze(self, photos: list[tuple[str, bytes]], progress: Progress | None = None) -> Analysis:
        """Analyse the photos of one product. Bad photos are reported in ``errors``; the rest are analysed.

        Raises the photo's typed ``PhotoError`` only when no photo at all could be used.
        """
        return self.analyze_with_document(photos, progress)[0]
