"""The catalogue: a queryable index of analyses, edits and cached OCR, through the pymongo API.

MongoDB when ``settings.mongo_url`` is set, otherwise an embedded montydb
(SQLite storage) under ``DATA_DIR/catalog``. The object store is the source of
truth; the catalogue only indexes it and can be rebuilt from it at any time
(``cyclops catalog rebuild``). Unique keys are the documents' ``_id``s, which
both engines enforce.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cyclops.errors import BadRequest, MapiError, StorageUnavailable
from cyclops.model.analysis import Analysis, Edit
from cyclops.review import high_flag_count, priority, review_state, unsure_fields
from cyclops.settings import Settings, get_settings


class AnalysisSummary(BaseModel):
    """One row of the analysis list: what the dashboard's queue shows and filters on."""

    analysis_id: str
    npn: str | None = None
    product_name: str | None = None
    company: str | None = None
    licence_number: str | None = None
    lnhpd_id: int | None = None
    flags: list[str] = Field(default_factory=list)
    open_flags: int = 0
    high_flags: int = 0  # high-severity flags not dismissed
    unsure_fields: int = 0  # values read unsurely: to read on the photo
    waiting_for_second: int = 0  # high-severity flags still waiting for a second analyst's decision
    priority: float = 0.0  # worklist order, highest first (cyclops.review.priority)
    status: str = "new"  # new | in_review | reviewed | signed_off (cyclops.review.STATUSES)
    assigned_to: str | None = None
    signed_off_by: str | None = None
    submitted_by: str | None = None  # who sent the photos (Analysis.submitted_by)
    final: bool = False  # signed off and every high-severity flag decided by two analysts
    analysts: list[str] = Field(default_factory=list)
    version: int = 0
    edits: int = 0
    created_at: str | None = None
    updated_at: str | None = None
    pipeline_version: str | None = None
    source_key: str | None = None


class AnalysisQuery(BaseModel):
    """Which analyses to list, and in what order: the one definition of the filters, read by the catalogue, mapi's
    list route (as query parameters) and the client, and used by the worklist."""

    model_config = ConfigDict(extra="forbid")

    npn: str | None = Field(None, description="NPN or DIN-HM (its digits are compared).")
    company: str | None = Field(None, description="Case-insensitive part of the company name.")
    flag: str | None = Field(None, description="A flag code the analysis carries.")
    analyst: str | None = Field(None, description="An analyst who edited the analysis.")
    since: str | None = Field(None, description="ISO date or time: analyses created or edited since.")
    status: str | None = Field(None, description="new, in_review, reviewed or signed_off.")
    order: Literal["newest", "priority"] = Field("newest", description="newest first, or most urgent first (the worklist).")
    limit: int = Field(50, ge=1, le=500, description="Rows per page.")
    cursor: str | None = Field(None, description="next_cursor of the previous page.")

    @classmethod
    def of(cls, **filters: Any) -> AnalysisQuery:
        """The query from keyword filters; a bad value is a ``BadRequest`` naming it, as over HTTP."""
        try:
            return cls(**filters)
        except ValidationError as exc:
            problem = exc.errors()[0]
            field = ".".join(str(p) for p in problem["loc"]) or "query"
            raise BadRequest(f"{field}: {problem['msg']}", code=f"bad_{field}") from None

    def params(self) -> dict[str, Any]:
        """As query parameters (what differs from the defaults)."""
        return self.model_dump(exclude_defaults=True)


class AnalysisPage(BaseModel):
    items: list[AnalysisSummary] = Field(default_factory=list)
    next_cursor: str | None = None


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def normalize_time(text: str) -> str:
    """Any ISO-8601 date or time -> UTC ``YYYY-MM-DDTHH:MM:SS+00:00``, so strings compare in time order."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (TypeError, ValueError) as exc:
        raise BadRequest(f"not an ISO-8601 date or time: {text!r}", code="bad_since") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def pipeline_version_of(versions: dict[str, str]) -> str:
    """The pipeline version an analysis was made with: code, classifier and thresholds (what changes results)."""
    return f"{versions.get('cyclops', '?')}+{versions.get('field_classifier', '?')}+{versions.get('params', 'default')}"


def summarize(analysis: Analysis, edits: Iterable[Edit] = (), source_key: str | None = None) -> AnalysisSummary:
    """The catalogue row of an analysis and its edits."""
    edits = list(edits)
    created = normalize_time(analysis.created_at) if analysis.created_at else None
    stamps = [normalize_time(e.at) for e in edits if e.at]
    state = review_state(analysis, edits)
    npn = analysis.fields.npn.value
    return AnalysisSummary(
        analysis_id=analysis.analysis_id or "",
        npn=re.sub(r"\D", "", npn) or None if npn else None,
        product_name=analysis.fields.product_name.value,
        company=analysis.fields.company.value,
        licence_number=analysis.match.licence_number,
        lnhpd_id=analysis.match.lnhpd_id,
        flags=sorted({f.code for f in analysis.flags if f.standing}),
        open_flags=state.open_flags,
        high_flags=high_flag_count(analysis),
        unsure_fields=unsure_fields(analysis),
        waiting_for_second=len(state.waiting_for_second),
        priority=priority(analysis),
        status=state.status,
        assigned_to=state.assigned_to,
        signed_off_by=state.signed_off_by,
        submitted_by=analysis.submitted_by,
        final=state.final,
        analysts=sorted({e.analyst for e in edits}),
        version=analysis.version,
        edits=len(edits),
        created_at=created,
        updated_at=max([s for s in [created, *stamps] if s], default=None),
        pipeline_version=pipeline_version_of(analysis.versions),
        source_key=source_key,
    )


def _duplicate_key_errors() -> tuple[type[BaseException], ...]:
    """What a lost insert race raises: pymongo's and montydb's duplicate-key errors (montydb's storage one too)."""
    errors: list[type[BaseException]] = []
    try:
        from pymongo.errors import DuplicateKeyError

        errors.append(DuplicateKeyError)
    except ImportError:  # pragma: no cover
        pass
    try:
        from montydb.errors import DuplicateKeyError as MontyDuplicate
        from montydb.storage import StorageDuplicateKeyError

        errors += [MontyDuplicate, StorageDuplicateKeyError]
    except ImportError:  # pragma: no cover
        pass
    return tuple(errors)


def _guarded(method):
    """Serialise access (the embedded engine is not thread-safe) and map connection errors to 503."""

    def wrapper(self: Catalog, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            try:
                return method(self, *args, **kwargs)
            except self._transient as exc:
                raise StorageUnavailable(f"catalogue unreachable: {exc}") from exc

    wrapper.__name__ = method.__name__
    wrapper.__doc__ = method.__doc__
    return wrapper


class Catalog:
    """Index over a pymongo-compatible database (``pymongo``, ``montydb`` or ``mongomock``)."""

    def __init__(self, database: Any, description: str = "") -> None:
        self.db = database
        self.description = description
        self.analyses = database["analyses"]
        self.edit_rows = database["edits"]
        self.ocr = database["ocr"]
        self.failures = database["batch_failures"]
        self._lock = threading.RLock()
        try:
            from pymongo.errors import ConnectionFailure, ServerSelectionTimeoutError

            self._transient: tuple[type[BaseException], ...] = (ConnectionFailure, ServerSelectionTimeoutError)
        except ImportError:  # pragma: no cover
            self._transient = ()
        self._duplicate = _duplicate_key_errors()

    def __repr__(self) -> str:
        return f"Catalog({self.description})"

    @_guarded
    def ping(self) -> None:
        """Raise ``StorageUnavailable`` unless the catalogue answers (for /readyz)."""
        self.analyses.find_one({})

    @_guarded
    def index_analysis(self, analysis: Analysis, edits: Iterable[Edit] = (), source_key: str | None = None) -> AnalysisSummary:
        """Insert or replace the row of an analysis (keeps an earlier ``source_key`` when none is given)."""
        if source_key is None:
            old = self.analyses.find_one({"_id": analysis.analysis_id}, {"source_key": 1})
            source_key = old.get("source_key") if old else None
        row = summarize(analysis, edits, source_key)
        self._upsert(self.analyses, {"_id": row.analysis_id, **row.model_dump()}, version=row.version)
        return row

    def _upsert(self, collection: Any, doc: dict[str, Any], *, version: int | None = None) -> None:
        """Insert or replace ``doc``; with ``version``, never replace a row of a newer version.

        Safe when several processes index the same document at once: a lost insert race (duplicate key, which
        MongoDB and the embedded engine both raise) becomes a replace, and an older version never overwrites a newer.
        """
        query: dict[str, Any] = {"_id": doc["_id"]}
        if version is not None:
            query["version"] = {"$lte": version}
        for _ in range(3):
            if collection.replace_one(query, doc).matched_count:
                return
            if version is not None and collection.find_one({"_id": doc["_id"]}, {"_id": 1}) is not None:
                return  # a newer version is indexed already
            try:
                collection.insert_one(doc)
                return
            except self._duplicate:
                continue  # another process inserted it between our two calls: replace it now
        raise StorageUnavailable(f"catalogue: could not index {doc['_id']} (too many concurrent writers)")

    @_guarded
    def index_edit(self, analysis_id: str, edit: Edit) -> None:
        if edit.seq is None:
            raise ValueError("only stored edits (with a seq) are indexed")
        doc = {"_id": f"{analysis_id}/{edit.seq:06d}", "analysis_id": analysis_id, **edit.model_dump(mode="json")}
        self._upsert(self.edit_rows, doc)

    @_guarded
    def index_ocr(self, sha256: str, engine: str, version: str, key: str) -> None:
        doc = {"_id": key, "sha256": sha256, "engine": engine, "version": version, "key": key}
        self._upsert(self.ocr, doc)

    @_guarded
    def get(self, analysis_id: str) -> AnalysisSummary | None:
        doc = self.analyses.find_one({"_id": analysis_id})
        return AnalysisSummary.model_validate({k: v for k, v in doc.items() if k != "_id"}) if doc else None

    @_guarded
    def find_source(self, source_key: str, pipeline_version: str) -> str | None:
        """The id of an analysis of the same photos made by the same pipeline version (batch resume)."""
        doc = self.analyses.find_one({"source_key": source_key, "pipeline_version": pipeline_version})
        return doc["_id"] if doc else None

    @_guarded
    def record_failure(self, source_key: str, source: str, error: str, pipeline_version: str) -> None:
        doc = {"_id": f"{source_key}/{pipeline_version}", "source": source, "error": error, "at": utc_now()}
        self.failures.replace_one({"_id": doc["_id"]}, doc, upsert=True)

    @_guarded
    def list_analyses(self, query: AnalysisQuery | None = None, **filters: Any) -> AnalysisPage:
        """Newest first, or ``order="priority"``: most urgent first (the worklist; ties newest first), so the products
        most likely wrong are on the first page however many there are. ``next_cursor`` is None on the last page.
        ``query`` or the same filters as keywords (``AnalysisQuery``); ``company`` matches a case-insensitive
        substring; ``status`` is one of ``cyclops.review.STATUSES``."""
        q = query or AnalysisQuery.of(**filters)
        npn, company, flag, analyst, since = q.npn, q.company, q.flag, q.analyst, q.since
        status, order, limit, cursor = q.status, q.order, q.limit, q.cursor
        clauses: list[dict[str, Any]] = []
        if status:
            clauses.append({"status": status})
        if npn:
            clauses.append({"npn": re.sub(r"\D", "", npn)})
        if company:
            clauses.append({"company": {"$regex": re.escape(company), "$options": "i"}})
        if flag:
            clauses.append({"flags": flag})
        if analyst:
            clauses.append({"analysts": analyst})
        if since:
            clauses.append({"updated_at": {"$gte": normalize_time(since)}})
        if cursor and order == "priority":  # "<priority>|<id>" of the last row shown
            last_priority, _, last_id = cursor.partition("|")
            try:
                value = float(last_priority)
            except ValueError as exc:
                raise BadRequest(f"not a cursor of this order: {cursor!r}", code="bad_cursor") from exc
            clauses.append({"$or": [{"priority": {"$lt": value}}, {"priority": value, "_id": {"$lt": last_id}}]})
        elif cursor:
            clauses.append({"_id": {"$lt": cursor}})
        query = {"$and": clauses} if clauses else {}
        sort = [("priority", -1), ("_id", -1)] if order == "priority" else [("_id", -1)]
        docs = list(self.analyses.find(query).sort(sort).limit(limit + 1))
        items = [AnalysisSummary.model_validate({k: v for k, v in d.items() if k != "_id"}) for d in docs[:limit]]
        next_cursor = None
        if len(docs) > limit:
            last = items[-1]
            next_cursor = f"{last.priority!r}|{last.analysis_id}" if order == "priority" else last.analysis_id
        return AnalysisPage(items=items, next_cursor=next_cursor)

    @_guarded
    def clear(self) -> None:
        for collection in (self.analyses, self.edit_rows, self.ocr):
            if collection.find_one({}) is not None:  # montydb fails on delete_many of a never-written collection
                collection.delete_many({})

    def rebuild(self, store: Any, skipped: list[tuple[str, str]] | None = None) -> int:
        """Re-index everything from the object store alone; returns the number of analyses.

        Built aside (collections ``rebuild_*``), then swapped in, so the live catalogue serves until the new one
        is complete and a failed rebuild leaves it as it was. An object that cannot be read is skipped and
        listed in ``skipped`` as (key, reason) rather than ending the rebuild.
        """
        skipped = skipped if skipped is not None else []
        aside = Catalog(_Prefixed(self.db, "rebuild_"), f"{self.description} (rebuild)")
        aside.clear()
        count = 0
        for analysis_id in store.analysis_ids():
            try:
                analysis = store.get_analysis(analysis_id)
                edits = store.edits(analysis_id)
                source_key = None
                if store.exists(f"analyses/{analysis_id}/source.json"):
                    source_key = store.get_json(f"analyses/{analysis_id}/source.json").get("source_key")
            except MapiError as exc:
                if exc.status == 503:  # the store is down: stop, the live catalogue is untouched
                    raise
                skipped.append((f"analyses/{analysis_id}", exc.message))
                continue
            except ValueError as exc:  # damaged JSON or a record that no longer validates
                skipped.append((f"analyses/{analysis_id}", f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"))
                continue
            aside.index_analysis(analysis, edits, source_key)
            for edit in edits:
                aside.index_edit(analysis_id, edit)
            count += 1
        for sha in store.list("ocr"):
            for name in store.list(f"ocr/{sha}"):
                if name.endswith(".json") and "-" in name:
                    engine, version = name[: -len(".json")].split("-", 1)
                    aside.index_ocr(sha, engine, version, f"ocr/{sha}/{name}")
        self._swap_in(aside)
        return count

    @_guarded
    def _swap_in(self, aside: Catalog) -> None:
        """Replace the live collections by the rebuilt ones (a rename on MongoDB, a copy elsewhere)."""
        with self._lock:
            for name in ("analyses", "edits", "ocr"):
                source, target = aside.db[name], self.db[name]
                if type(source).__module__.startswith("pymongo"):  # MongoDB: an atomic rename per collection
                    if source.find_one({}) is not None:
                        source.rename(target.name, dropTarget=True)
                    elif target.find_one({}) is not None:
                        target.delete_many({})
                    continue
                docs = list(source.find({}))
                if target.find_one({}) is not None:
                    target.delete_many({})
                if docs:
                    target.insert_many(docs)
                if docs:
                    source.delete_many({})


class _Prefixed:
    """A database view whose collections carry a prefix (the catalogue being rebuilt aside)."""

    def __init__(self, database: Any, prefix: str) -> None:
        self._db, self._prefix = database, prefix

    def __getitem__(self, name: str) -> Any:
        return self._db[self._prefix + name]


def open_catalog(settings: Settings | None = None) -> Catalog:
    """MongoDB at ``settings.mongo_url``, or the embedded catalogue under ``DATA_DIR/catalog``."""
    settings = settings or get_settings()
    if settings.mongo_url:
        import pymongo

        # bounded waits: a MongoDB that accepts and then hangs answers 503, not never
        client = pymongo.MongoClient(settings.mongo_url, serverSelectionTimeoutMS=3000, connectTimeoutMS=3000,
                                     socketTimeoutMS=10_000, tz_aware=True)
        return Catalog(client[settings.mongo_db], f"mongodb {settings.mongo_db}")
    from montydb import MontyClient, set_storage

    folder = settings.data_dir / "catalog"
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "monty.storage.cfg").exists():
        set_storage(str(folder), storage="sqlite")
    client = MontyClient(str(folder))
    return Catalog(client[settings.mongo_db], f"montydb {folder}")
