"""The one service layer behind mapi's routes, the in-process ``MapiClient``, batch runs and ``cyclops analyze``.

Routes only translate HTTP to these calls, so a dashboard without a server and a
dashboard talking to mapi get the same behaviour. CPU-heavy work (analysis, OCR)
runs through ``compute``: a ``ProcessPoolExecutor`` in mapi, inline in-process.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import Executor
from datetime import UTC, datetime
from typing import Any

from cyclops.catalog import AnalysisPage, AnalysisQuery, Catalog, open_catalog, utc_now
from cyclops.errors import (
    BadPhoto,
    BadRequest,
    ConflictError,
    CorruptRecord,
    CyclopsError,
    MapiError,
    NotFound,
    StorageUnavailable,
    to_service_error,
)
from cyclops.fieldmodel.registry import get_watcher
from cyclops.fieldmodel.shadow import record_shadow
from cyclops.lnhpd.database import LicenceDBMissing, open_database
from cyclops.model.analysis import FACES, SERVER_ANALYST, Analysis, Edit
from cyclops.model.ocr import Document
from cyclops.ocr import get_engine
from cyclops.pipeline import build_analyzer, model_provider
from cyclops.pipeline.recheck import affects_flags, rechecked
from cyclops.service import policy
from cyclops.service.context import request_id
from cyclops.service.identity import Identity
from cyclops.settings import Settings, get_settings
from cyclops.storage import Store, check_id, open_store

Photos = list[tuple[str, bytes]]
_log = logging.getLogger("cyclops.mapi.service")  # under "cyclops.mapi": mapi's JSON log handler formats its records


def new_analysis_id() -> str:
    """Time-ordered ids, so the catalogue's newest-first cursor is a plain ``_id`` comparison."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f") + "-" + uuid.uuid4().hex[:8]


def check_photos(photos: Photos, settings: Settings) -> None:
    """Refuse a request early (before storing anything) when it breaks the count or size limits."""
    if not photos:
        raise BadPhoto("no photo was sent", code="no_photos")
    if len(photos) > settings.max_photos:
        raise BadPhoto(f"{len(photos)} photos sent; at most {settings.max_photos} per product (CYCLOPS_MAX_PHOTOS)", code="too_many_photos", status=413)
    for name, data in photos:
        if len(data) > settings.max_file_bytes:
            raise BadPhoto(
                f"{name}: {len(data):,} bytes is more than the limit of {settings.max_file_bytes:,} (CYCLOPS_MAX_FILE_BYTES)",
                code="file_too_large",
                status=413,
            )
        if not data:
            raise BadPhoto(f"{name}: the file is empty", code="empty_file")


# --- work that runs in a worker process ---------------------------------------------------------

_worker_dbs: dict[str, Any] = {}


def _database() -> Any:
    """The configured LNHPD database, opened once per process and path (a new CYCLOPS_LNHPD_DB is honoured)."""
    path = str(get_settings().lnhpd_path)
    if path not in _worker_dbs:
        try:
            _worker_dbs[path] = open_database()
        except LicenceDBMissing as exc:
            raise MapiError(str(exc), code="lnhpd_missing", status=503) from None
    return _worker_dbs[path]


_worker_analyzers: dict[tuple[str, str, str], Any] = {}


def worker_analyzer(engine: str | None = None) -> Any:
    """This process's ``Analyzer`` for ``engine``, assembled once (per engine, database and cache) and then kept."""
    settings = get_settings()
    key = ((engine or settings.ocr_engine).strip().lower(), str(settings.lnhpd_path), str(settings.cache_dir))
    if key not in _worker_analyzers:
        _worker_analyzers[key] = build_analyzer(settings, engine=engine, db=_database())
    return _worker_analyzers[key]


def warm_up() -> dict[str, str]:
    """Assemble this worker's analyzer and warm it up (``Analyzer.warm_up``: models loaded, a small page read and
    analysed, a phone-sized photo decoded and detected), once per worker so that the first request is not slow."""
    analyzer = worker_analyzer()
    label = analyzer.warm_up()
    return {"field_classifier": label, "engine": f"{analyzer.engine.name} {analyzer.engine.version}"}


def served_model_version() -> str:
    """Label of the field classifier the registry alias serves now (watched in the serving process)."""
    return get_watcher().current()[1]


def run_analysis(photos: Photos, engine: str | None, model_version: str | None = None) -> tuple[str, str]:
    """Load, OCR and analyse one product; returns (analysis JSON, OCR document JSON), which cross the process pool as text.

    ``model_version`` is the classifier the serving process's registry watcher names (workers get the label, not the model).
    """
    try:
        analyzer = worker_analyzer(engine)
        if model_version:
            analyzer = analyzer.replace(model=model_provider(model_version))
        analysis, doc = analyzer.analyze_with_document(photos)
    except CyclopsError as exc:
        raise to_service_error(exc) from None
    return analysis.model_dump_json(), doc.model_dump_json()


def run_ocr(filename: str, data: bytes, engine: str | None) -> str:
    """OCR one photo (first page of a PDF) as an analysis reads it; returns the document JSON."""
    try:
        doc = build_analyzer(get_settings(), engine=engine, db=None).read_page(filename, data)
    except CyclopsError as exc:
        raise to_service_error(exc) from None
    return doc.model_dump_json()


def analyze_into_store(
    store: Store,
    settings: Settings,
    photos: Photos,
    engine: str | None = None,
    *,
    compute: Callable[..., Any] | None = None,
    source_key: str | None = None,
    submitted_by: str | None = None,
    faces: list[str] | None = None,
) -> tuple[Analysis, list[tuple[str, str, str, str]]]:
    """Analyse one product and store photos, OCR and analysis (no catalogue: batch workers call this too).

    ``submitted_by`` (who sent the photos: the caller's identity, never a request field) and ``faces`` (the face
    each photo shows, in their order) are stored in the analysis. Returns the analysis and the OCR objects
    written, as (sha256, engine, version, key).
    """
    check_photos(photos, settings)
    face_of = faces_of(photos, faces)
    store.ping()  # an unreachable store fails before minutes of OCR
    analysis_json, doc_json = (compute or (lambda fn, *a: fn(*a)))(run_analysis, photos, engine, served_model_version())
    analysis = Analysis.model_validate_json(analysis_json)
    doc = Document.model_validate_json(doc_json)
    used = {info.sha256.split("#", 1)[0] for info in analysis.images}
    for _, data in photos:  # only photos the analysis used: a refused file is never stored
        if hashlib.sha256(data).hexdigest() in used:
            store.put_photo(data)
    analysis.analysis_id = new_analysis_id()
    analysis.created_at = analysis.created_at or utc_now()
    analysis.submitted_by = submitted_by
    for info in analysis.images:  # a PDF's pages are "<sha256>#<page>": each page shows its file's face
        info.face = face_of.get(info.sha256.split("#", 1)[0])  # type: ignore[assignment]
    shas = {info.id: info.sha256 for info in analysis.images}
    written = []
    for page in doc.pages:
        if page.image_id in shas:
            single = Document(engine=doc.engine, engine_version=doc.engine_version, pages=[page])
            written.append((shas[page.image_id], doc.engine, doc.engine_version, store.put_ocr(shas[page.image_id], single)))
    if source_key:
        store.put_json(f"analyses/{analysis.analysis_id}/source.json", {"source_key": source_key})
    store.put_analysis(analysis)
    return analysis, written


def faces_of(photos: Photos, faces: list[str] | None) -> dict[str, str]:
    """{photo sha256: face}: the face each photo shows, given in the photos' order (none given: none known)."""
    if not faces:
        return {}
    if len(faces) != len(photos):
        raise BadRequest(f"{len(faces)} faces for {len(photos)} photos: give one face per photo, in their order")
    unknown = sorted({f for f in faces if f not in FACES})
    if unknown:
        raise BadRequest(f"unknown face {', '.join(unknown)}: one of {', '.join(FACES)}")
    return {hashlib.sha256(data).hexdigest(): face for (_name, data), face in zip(photos, faces, strict=True)}


# --- the service --------------------------------------------------------------------------------


class Services:
    """Store + catalogue + compute: every operation mapi offers, callable in-process."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        store: Store | None = None,
        catalog: Catalog | None = None,
        executor: Executor | None = None,
        db: Any = None,
        on_ocr: Callable[[float, bool], None] | None = None,
    ) -> None:
        self.settings = settings or get_settings()
        self._store = store
        self._catalog = catalog
        self.executor = executor
        self._db = db
        self.on_ocr = on_ocr or (lambda seconds, cache_hit: None)
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = open_store(settings=self.settings)
        return self._store

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            self._catalog = open_catalog(self.settings)
        return self._catalog

    @property
    def db(self) -> Any:
        if self._db is None:
            self._db = _database()
        return self._db

    def compute(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run CPU-heavy work in the process pool when there is one."""
        if self.executor is None:
            return fn(*args)
        return self.executor.submit(fn, *args).result()

    def _lock(self, analysis_id: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(analysis_id, threading.Lock())

    # --- analyses ---

    def analyze(self, photos: Photos, engine: str | None = None, *, source_key: str | None = None,
                submitted_by: str | None = None, faces: list[str] | None = None) -> Analysis:
        """Analyse one product; stores its photos, OCR and analysis (with who sent it and each photo's face), and
        indexes it."""
        analysis, ocr_keys = analyze_into_store(self.store, self.settings, photos, engine, compute=self.compute,
                                                source_key=source_key, submitted_by=submitted_by, faces=faces)
        self.on_ocr(float(analysis.timings.get("ocr", 0.0)), False)
        self.index(analysis, ocr_keys, source_key)
        # the challenger's labels, stored beside the champion's, never shown; best effort, off the analyst's clock
        threading.Thread(target=record_shadow, args=(analysis, self.store, self.settings.tracking_uri), daemon=True).start()
        return analysis

    def index(self, analysis: Analysis, ocr_keys: list[tuple[str, str, str, str]], source_key: str | None = None) -> None:
        """Catalogue a freshly stored analysis and its OCR (the catalogue is written from one process only)."""
        for sha, engine_name, version, key in ocr_keys:
            self.catalog.index_ocr(sha, engine_name, version, key)
        self.catalog.index_analysis(analysis, [], source_key)

    def get_analysis(self, analysis_id: str) -> Analysis:
        try:
            return self.store.get_analysis(analysis_id)
        except ValueError as exc:  # pydantic's ValidationError, a JSON decode error: the record is damaged
            _log.error("analysis %s: stored record does not parse (%s, %s)", analysis_id, type(exc).__name__,
                       str(exc).splitlines()[0][:200])
            raise CorruptRecord(f"the stored analysis {analysis_id} is damaged and cannot be read; the server log has the "
                                f"details under request id {request_id.get()}") from None

    def list_analyses(self, query: AnalysisQuery) -> AnalysisPage:
        return self.catalog.list_analyses(query)

    def post_edit(self, analysis_id: str, edit: Edit) -> Analysis:
        """Commit one correction and index it; a stale ``base_version`` raises ``ConflictError``.

        Safe across processes and replicas: the store accepts only the first edit at each version (a create-only
        write), and the analysis is derived from the edit log. The server sets ``before``, ``at``, ``seq`` and the
        chain hashes; an ``idempotency_key`` already stored returns that edit's result instead of a second edit.
        """
        check_id(analysis_id)
        clean = edit.model_copy(update={"seq": None, "at": None, "before": None, "prev_hash": None, "result_hash": None, "hash": None})
        with self._lock(analysis_id):  # one edit at a time per process; the store arbitrates between processes
            stored, updated, replayed = self.store.commit_edit(analysis_id, clean, at=utc_now())
            self._index_edit(analysis_id, stored)  # a replay too: its first try may have died before indexing
            if not replayed and affects_flags(stored.field):
                updated = self._recheck(analysis_id, updated)
        return updated

    def _recheck(self, analysis_id: str, analysis: Analysis) -> Analysis:
        """Live checks: the rules run again on the corrected analysis; a change of the flags, then of the flags near
        their thresholds, is committed as the server's own edit (``cyclops.pipeline.recheck``). Losing the race to
        another edit is fine: that edit re-checks in turn."""
        db = self.db if self.settings.lnhpd_path.is_file() or self._db is not None else None
        for field, fresh in zip(("flags", "near_flags"), rechecked(analysis, db)):
            if fresh is None:
                continue
            edit = Edit(analyst=SERVER_ANALYST, field=field, after=[f.model_dump(mode="json") for f in fresh],
                        base_version=analysis.version, reason="checks re-run after a correction")
            try:
                stored, analysis, _ = self.store.commit_edit(analysis_id, edit, at=utc_now())
            except ConflictError:
                return analysis
            self._index_edit(analysis_id, stored)
        return analysis

    def _index_edit(self, analysis_id: str, stored: Edit) -> None:
        """Index an accepted edit. The catalogue is rebuildable from the store, so a failure here is logged, not raised."""
        try:
            edits, current = self.store.committed_log(analysis_id)
            self.catalog.index_analysis(current, edits)
            self.catalog.index_edit(analysis_id, stored)
        except Exception:  # noqa: BLE001 - an accepted edit must never become an error
            _log.warning("edit %s of %s is stored but not indexed (cyclops catalog rebuild repairs it)", stored.seq, analysis_id, exc_info=True)

    def edits(self, analysis_id: str) -> list[Edit]:
        self.store.get_analysis(analysis_id)  # 404 for an unknown analysis rather than []
        return self.store.edits(analysis_id)

    def edit_as(self, identity: Identity, analysis_id: str, edit: Edit) -> Analysis:
        """``post_edit`` on behalf of a caller (``cyclops.service.identity.Identity``): the analyst is the caller, and
        read-only parts, pipeline flags, the four-eyes rule and the value's size are checked first
        (``cyclops.service.policy``). mapi's route and the in-process client both come through here."""
        current = self.get_analysis(analysis_id)
        if edit.base_version != current.version:
            if not edit.idempotency_key:
                raise ConflictError(
                    f"edit of {edit.field} is based on version {edit.base_version} but the analysis is at version "
                    f"{current.version}: reload it and apply the correction again")
            # a keyed resend of an edit already stored: post_edit answers the stored result (and refuses anything
            # else as stale, so nothing unchecked is ever applied); the rules saw the edit when it was first made
            return self.post_edit(analysis_id, policy.claimed_by(identity, edit))
        history = self.edits(analysis_id) if policy.needs_history(edit) else []
        return self.post_edit(analysis_id, policy.check_edit(identity, current, edit, history, self.settings))

    # --- OCR and photos ---

    def ocr(self, filename: str, data: bytes, engine: str | None = None) -> Document:
        """OCR one photo, reusing the stored result of the same photo and engine when there is one."""
        check_photos([(filename, data)], self.settings)
        sha = hashlib.sha256(data).hexdigest()

        try:
            ocr_engine = get_engine(engine)
        except CyclopsError as exc:
            raise to_service_error(exc) from None
        try:
            cached = self.store.get_ocr(sha, ocr_engine.name, ocr_engine.version)
        except ValueError as exc:  # a damaged OCR record: computed again and overwritten below
            _log.warning("OCR record of %s is damaged (%s); computing it again", sha, type(exc).__name__)
            cached = None
        if cached is not None:
            self.on_ocr(0.0, True)
            return cached
        doc = Document.model_validate_json(self.compute(run_ocr, filename, data, engine))
        self.store.put_photo(data)  # after the photo was read: a refused file is never stored
        key = self.store.put_ocr(sha, doc)
        self.catalog.index_ocr(sha, doc.engine, doc.engine_version, key)
        self.on_ocr(doc.seconds, False)
        return doc

    def photo(self, sha256: str) -> bytes:
        return self.store.get_photo(sha256)

    # --- licences ---

    def get_product(self, licence_number: str) -> dict[str, Any]:
        if not re.search(r"\d", licence_number or ""):
            raise NotFound(f"{licence_number!r} is not a licence number", code="product_not_found")
        bundles = {lang: self.db.get(licence_number, lang) for lang in ("en", "fr")}
        if bundles["en"] is None and bundles["fr"] is None:
            raise NotFound(f"no licence {licence_number} in the LNHPD database", code="product_not_found")
        return bundles

    def search_products(self, q: str = "", company: str | None = None, ingredient: str | None = None, limit: int = 10) -> list[Any]:
        if not 1 <= limit <= 100:
            raise BadRequest(f"limit must be between 1 and 100, not {limit}", code="bad_limit")
        return self.db.search(q, company=company, ingredient=ingredient, limit=limit)

    # --- health ---

    def ready(self) -> dict[str, str]:
        """Storage and catalogue reachable (raises ``StorageUnavailable`` naming the real reason otherwise)."""
        probe_store(self.store)
        self.catalog.ping()
        if self._db is None and not self.settings.lnhpd_path.is_file():
            raise MapiError(f"no LNHPD database at {self.settings.lnhpd_path}", code="lnhpd_missing", status=503)
        return {"store": self.store.url, "catalog": repr(self.catalog), "lnhpd": str(self.settings.lnhpd_path)}


def _reason(exc: BaseException) -> str:
    """What went wrong talking to a store, in words (timeouts and refusals told apart)."""
    chain, seen = [], exc
    while seen is not None and len(chain) < 5:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
    names = " ".join(type(e).__name__ for e in chain)
    text = " ".join(str(e) for e in chain)
    if "ConnectTimeout" in names or "Connect timeout" in text:
        return "connecting timed out"
    if "ReadTimeout" in names or "Read timeout" in text or "TimeoutError" in names:
        return "it accepted the connection but gave no answer in time (read timeout)"
    if "EndpointConnectionError" in names or "ConnectionRefused" in names or "Connection refused" in text:
        return "connection refused"
    if "NoCredentials" in names:
        return "no credentials (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)"
    return f"{type(exc).__name__}: {str(exc)[:200]}"


def probe_store(store: Store) -> None:
    """Raise ``StorageUnavailable`` saying why the store cannot be used: missing bucket, denied, timeout, refused."""

    if store.protocol not in ("s3", "s3a"):
        store.ping()
        return
    bucket = store.root.split("/", 1)[0]
    try:
        store.fs.call_s3("head_bucket", Bucket=bucket)
    except FileNotFoundError:
        raise StorageUnavailable(f"store {store.url}: bucket {bucket} does not exist") from None
    except PermissionError:
        raise StorageUnavailable(f"store {store.url}: access to bucket {bucket} is denied (check the keys)") from None
    except Exception as exc:  # noqa: BLE001 - every other failure is "unreachable", with its reason
        raise StorageUnavailable(f"store {store.url} unreachable: {_reason(exc)}") from None


def source_key_of(photos: Photos) -> str:
    """A product's identity for batch resume: the hash of its photos' hashes, in any order."""
    hashes = sorted(hashlib.sha256(data).hexdigest() for _, data in photos)
    return hashlib.sha256("\n".join(hashes).encode()).hexdigest()
