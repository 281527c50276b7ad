"""Object storage for photos, OCR, analyses and edits: one ``Store`` over fsspec.

Local folders (the default), ``s3://bucket/prefix`` (MinIO or AWS, via s3fs) and
``az://container/prefix`` (via the optional ``adlfs``) all share one layout,
documented in ``docs/storage.md``. Writes are atomic (temp file + rename locally,
a single PUT on object stores) so a reader never sees half an object, and edits
are append-only: creating an edit object that already exists fails.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import fsspec

from cyclops.edits import analysis_hash, apply_edit, canonical_hash, record_hash, value_at
from cyclops.errors import BadRequest, ConflictError, MapiError, NotFound, ObjectExists, StorageUnavailable
from cyclops.model.analysis import Analysis, Edit
from cyclops.model.ocr import Document
from cyclops.settings import Settings, get_settings

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_SHA = re.compile(r"^[0-9a-f]{64}(#p\d+)?$")
_TMP_PREFIX = ".tmp-"
#: an edit object's name: the version it made, zero-padded (``000001.json`` made version 1)
_EDIT_NAME = re.compile(r"^(\d{6,})\.json$")
log = logging.getLogger("cyclops.storage")


class StoreConfigError(MapiError):
    """The store URL cannot be used (unknown scheme, missing optional package)."""

    status, code = 500, "store_config"


def check_id(analysis_id: str) -> str:
    """Analysis ids become object keys: refuse anything that could escape its folder."""
    if not isinstance(analysis_id, str) or not _ID.match(analysis_id):
        raise NotFound(f"no analysis {analysis_id!r} (ids are letters, digits, '.', '_' and '-')", code="analysis_not_found")
    return analysis_id


def check_sha(sha256: str) -> str:
    if not isinstance(sha256, str) or not _SHA.match(sha256):
        raise NotFound(f"no photo {sha256!r} (expected 64 lowercase hex digits)", code="photo_not_found")
    return sha256


def _safe(part: str) -> str:
    """Engine names and versions go into keys: keep them to a portable alphabet."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", part).strip("_") or "unknown"


def _transient_errors() -> tuple[type[BaseException], ...]:
    """Exceptions that mean 'the store cannot be reached', whichever backend raised them."""
    errors: list[type[BaseException]] = [OSError, TimeoutError]
    try:
        from botocore.exceptions import BotoCoreError

        errors.append(BotoCoreError)
    except ImportError:  # pragma: no cover - s3fs is a dependency
        pass
    try:
        from aiohttp import ClientError

        errors.append(ClientError)
    except ImportError:  # pragma: no cover
        pass
    return tuple(errors)


class Store:
    """Photos, OCR, analyses and edits under one URL. Keys are '/'-separated, relative to the URL."""

    def __init__(self, url: str | None = None, *, settings: Settings | None = None) -> None:
        settings = settings or get_settings()
        self.url = url or settings.store_url
        protocol, _, rest = self.url.partition("://")
        if not rest:  # a plain folder
            protocol, rest = "file", self.url
        self.protocol = protocol
        if protocol == "file":
            self.root = str(Path(rest).expanduser().resolve())
            self.fs = fsspec.filesystem("file")
        elif protocol in ("s3", "s3a"):
            self.root = rest.strip("/")
            client_kwargs = {"endpoint_url": settings.s3_endpoint_url} if settings.s3_endpoint_url else {}
            self.fs = fsspec.filesystem(
                "s3",
                client_kwargs=client_kwargs,
                # bounded waits: a hanging store answers 503 in seconds, not minutes (CYCLOPS_S3_*_TIMEOUT)
                config_kwargs={"connect_timeout": settings.s3_connect_timeout, "read_timeout": settings.s3_read_timeout,
                               "retries": {"max_attempts": 1}},
                skip_instance_cache=True,
                use_listings_cache=False,
            )
            self.fs.retries = 2  # s3fs' own retry loop; the client's outbox handles longer outages
        elif protocol in ("az", "abfs", "abfss"):
            try:
                import adlfs  # noqa: F401
            except ImportError as exc:
                raise StoreConfigError(
                    f"store {self.url!r} needs the optional package adlfs: pip install 'cyclops[azure]'"
                ) from exc
            self.root = rest.strip("/")
            self.fs = fsspec.filesystem(protocol, skip_instance_cache=True, use_listings_cache=False)  # other replicas write too
        else:
            raise StoreConfigError(f"unsupported store URL {self.url!r}: use a folder, file://, s3:// or az://")
        self._transient = _transient_errors()
        # One time budget per store call, retries included (s3fs and botocore retry inside, and each try may wait
        # the whole read timeout): a hanging store answers 503 after connect + read timeout, not a multiple of it.
        # Fast failures (a refused or reset connection) are still retried within it; clients and the outbox retry
        # after a 503, and keyed edits replay, so a write cut off after it landed is not stored twice.
        self.budget: float | None = None
        if protocol != "file":
            self.budget = settings.s3_connect_timeout + settings.s3_read_timeout
        # s3fs asks for an object's size (HEAD, and a LIST when it is missing) before reading it in parallel
        # ranges; objects here are small, so one GET each (a missing key: one 404)
        self._read_kw: dict[str, Any] = {"max_concurrency": 1} if self.protocol in ("s3", "s3a") else {}
        self._read_kw.update(self._limit())
        # edits are immutable once created, so a process may keep what it read; plus the latest derived state
        self._records: dict[tuple[str, int], dict[str, Any]] = {}
        self._states: dict[str, tuple[int, str | None, Analysis]] = {}
        self._known: dict[str, int] = {}  # analysis id -> edits 1..n known to exist
        self._create_only_ok = False
        self._cache_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Store({self.url!r})"

    # --- low level -----------------------------------------------------------------------------

    def _limit(self, nbytes: int = 0) -> dict[str, float]:
        """``timeout=`` for an fsspec call on an object store: the budget, plus a second per MB sent."""
        return {} if self.budget is None else {"timeout": self.budget + nbytes / 1_000_000}

    def _path(self, key: str) -> str:
        return f"{self.root}/{key.strip('/')}" if key else self.root

    @contextmanager
    def _guard(self, key: str) -> Iterator[None]:
        """Turn backend exceptions into the service's typed errors."""
        try:
            yield
        except MapiError:
            raise
        except FileNotFoundError as exc:
            raise NotFound(f"{key} not found in store {self.url}") from exc
        except FileExistsError as exc:
            raise ObjectExists(f"{key} already exists in store {self.url} and is append-only") from exc
        except Exception as exc:
            if type(exc).__name__ == "ResourceExistsError" or _is_precondition_failed(exc):  # azure.core, any backend
                raise ObjectExists(f"{key} already exists in store {self.url} and is append-only") from exc
            if isinstance(exc, TimeoutError) and self.budget is not None:
                raise StorageUnavailable(f"store {self.url} gave no answer within {self.budget:g} s (connect + read "
                                         "timeout, retries included)") from exc
            if isinstance(exc, self._transient):
                raise StorageUnavailable(f"store {self.url} unreachable ({type(exc).__name__}: {exc})") from exc
            raise

    def put(self, key: str, data: bytes, *, exclusive: bool = False) -> None:
        """Write one object atomically; with ``exclusive`` fail with ``ObjectExists`` if it is already there."""
        path = self._path(key)
        with self._guard(key):
            if self.protocol == "file":
                _local_atomic_write(Path(path), data, exclusive)
            elif self.protocol in ("s3", "s3a"):
                # S3 PUT is atomic; If-None-Match: * makes creation exclusive (412 when the key exists)
                for attempt in range(4):
                    try:
                        self.fs.pipe_file(path, data, mode="create" if exclusive else "overwrite", **self._limit(len(data)))
                        break
                    except self._transient as exc:
                        # 409 ConditionalRequestConflict: a concurrent conditional write is in flight; AWS says retry
                        if not (exclusive and "ConditionalRequestConflict" in f"{exc} {exc.__cause__}") or attempt == 3:
                            raise
                        time.sleep(0.05 * (attempt + 1))
            elif exclusive:
                # Azure Blob: overwrite=False sends If-None-Match: * (atomic on the service)
                self.fs.pipe_file(path, data, overwrite=False, **self._limit(len(data)))
            else:
                self.fs.pipe_file(path, data, **self._limit(len(data)))

    def get(self, key: str) -> bytes:
        with self._guard(key):
            return self.fs.cat_file(self._path(key), **self._read_kw)

    def exists(self, key: str) -> bool:
        with self._guard(key):
            return bool(self.fs.exists(self._path(key), **self._limit()))

    def list(self, prefix: str) -> list[str]:
        """Keys directly under a folder-like prefix (files and sub-folders), sorted; [] when absent."""
        base = self._path(prefix).rstrip("/")
        with self._guard(prefix):
            try:
                entries = self.fs.ls(base, detail=False, **self._limit())
            except FileNotFoundError:
                return []
        names = sorted(e.rstrip("/").rsplit("/", 1)[-1] for e in entries)
        return [n for n in names if n and not n.startswith(_TMP_PREFIX)]

    def put_json(self, key: str, obj: Any, *, exclusive: bool = False) -> None:
        self.put(key, json.dumps(obj, ensure_ascii=False, indent=1).encode("utf-8"), exclusive=exclusive)

    def get_json(self, key: str) -> Any:
        return json.loads(self.get(key))

    def ping(self) -> None:
        """Raise ``StorageUnavailable`` unless the store answers (for /readyz and early 503s)."""
        with self._guard(""):
            if self.protocol == "file":
                Path(self.root).mkdir(parents=True, exist_ok=True)
            elif not self.fs.exists(self.root.split("/", 1)[0], **self._limit()):
                raise StorageUnavailable(f"store {self.url}: bucket or container does not exist")

    # --- layout --------------------------------------------------------------------------------

    def put_photo(self, data: bytes) -> str:
        """Store a photo under its content hash (idempotent) and return the hash."""
        sha = hashlib.sha256(data).hexdigest()
        key = f"photos/{sha}"
        if not self.exists(key):
            self.put(key, data)
        return sha

    def get_photo(self, sha256: str) -> bytes:
        check_sha(sha256)
        try:
            return self.get(f"photos/{sha256.split('#', 1)[0]}")
        except NotFound as exc:
            raise NotFound(f"no photo {sha256} in store", code="photo_not_found") from exc

    def ocr_key(self, sha256: str, engine: str, version: str) -> str:
        return f"ocr/{_safe(check_sha(sha256))}/{_safe(engine)}-{_safe(version)}.json"

    def put_ocr(self, sha256: str, doc: Document) -> str:
        key = self.ocr_key(sha256, doc.engine, doc.engine_version)
        self.put(key, doc.model_dump_json().encode("utf-8"))
        return key

    def get_ocr(self, sha256: str, engine: str, version: str) -> Document | None:
        try:
            return Document.model_validate_json(self.get(self.ocr_key(sha256, engine, version)))
        except NotFound:
            return None

    def put_analysis(self, analysis: Analysis) -> None:
        """Store a new analysis: its immutable ``base.json`` (version 0) and the ``analysis.json`` snapshot.

        The base is created once; storing it again is allowed only while the analysis has no edits. Edits go
        through ``commit_edit``, never through here: a version above 0 is refused.
        """
        if not analysis.analysis_id:
            raise ValueError("an analysis needs its analysis_id before it is stored")
        if analysis.version != 0:
            raise ValueError("only version 0 is stored directly; edits are committed with Store.commit_edit")
        prefix = f"analyses/{check_id(analysis.analysis_id)}"
        data = analysis.model_dump_json(indent=1).encode("utf-8")
        try:
            self.put(f"{prefix}/base.json", data, exclusive=True)
        except ObjectExists:
            if self._edit_seqs(analysis.analysis_id):
                raise ObjectExists(f"analysis {analysis.analysis_id} has edits: its base cannot be replaced") from None
            self.put(f"{prefix}/base.json", data)
        with self._cache_lock:
            self._states.pop(analysis.analysis_id, None)
            self._known.pop(analysis.analysis_id, None)
        self.put(f"{prefix}/analysis.json", data)

    def get_analysis(self, analysis_id: str) -> Analysis:
        """The current analysis: the base with every edit applied (a snapshot is used only when the log vouches for it)."""
        return self._derive(analysis_id)[1]

    def analysis_ids(self) -> list[str]:
        return [name for name in self.list("analyses") if _ID.match(name)]

    # --- the edit log --------------------------------------------------------------------------

    def _edit_seqs(self, analysis_id: str) -> list[int]:
        """Numbers of the stored edits, 1..n without gaps (a gap ends the log: ``cyclops audit verify`` reports it)."""
        names = self.list(f"analyses/{check_id(analysis_id)}/edits")
        seqs = sorted(int(m.group(1)) for m in map(_EDIT_NAME.match, names) if m)
        n = next((i for i, s in enumerate(seqs) if s != i + 1), len(seqs))
        if n < len(seqs):
            log.warning("edit log of %s has a gap after edit %d: later edits are ignored", analysis_id, n)
        return seqs[:n]

    def edit_records(self, analysis_id: str, *, probe: bool = True) -> list[dict[str, Any]]:
        """The stored edit records (plain JSON, as hashed) in version order; each object is read once per process.

        The first call lists the log; later ones only ask for the next numbers (one GET each, and one that finds
        nothing), so a long log costs no listing per edit. ``probe=False``: the records this process knows, without
        asking for newer ones (a caller whose create-only write will catch a newer edit anyway).
        """
        prefix = f"analyses/{check_id(analysis_id)}/edits"
        with self._cache_lock:
            known = self._known.get(analysis_id)
        if known is not None:
            seq = known + 1
            while probe:
                try:
                    data = self.get(f"{prefix}/{seq:06d}.json")
                except NotFound:
                    break
                with self._cache_lock:
                    self._records[(analysis_id, seq)] = json.loads(data)
                seq += 1
            with self._cache_lock:
                self._known[analysis_id] = max(self._known.get(analysis_id, 0), seq - 1)
                records = [self._records.get((analysis_id, s)) for s in range(1, seq)]
            if all(r is not None for r in records):
                return records  # type: ignore[return-value]
        seqs = self._edit_seqs(analysis_id)
        with self._cache_lock:
            missing = [s for s in seqs if (analysis_id, s) not in self._records]
        if missing:
            paths = {self._path(f"{prefix}/{s:06d}.json"): s for s in missing}
            with self._guard(prefix):
                if len(paths) == 1:
                    [(path, seq)] = paths.items()
                    fetched = {path: self.fs.cat_file(path, **self._read_kw)}
                else:
                    fetched = self.fs.cat(list(paths), **self._read_kw)  # concurrent on object stores
            with self._cache_lock:
                if len(self._records) > 50_000:
                    self._records.clear()
                    self._known.clear()
                for path, data in fetched.items():
                    self._records[(analysis_id, paths[path])] = json.loads(data)
        with self._cache_lock:
            self._known[analysis_id] = len(seqs)
            return [self._records[(analysis_id, s)] for s in seqs if (analysis_id, s) in self._records]

    def edits(self, analysis_id: str) -> list[Edit]:
        return [Edit.model_validate(r) for r in self.edit_records(analysis_id)]

    def base_hash(self, analysis_id: str) -> str | None:
        """Hash of ``base.json`` (the first link of the chain); None for an analysis stored before bases existed."""
        try:
            return canonical_hash(self.get_json(f"analyses/{check_id(analysis_id)}/base.json"))
        except NotFound:
            return None

    def _read_analysis(self, key: str, *, strict: bool = False) -> tuple[Analysis, str] | None:
        try:
            data = self.get(key)
        except NotFound:
            return None
        try:
            return Analysis.model_validate_json(data), canonical_hash(json.loads(data))
        except ValueError:
            if strict or key.endswith("/base.json"):  # nothing to fall back on: the caller answers "corrupt record"
                raise
            log.warning("%s is not a valid analysis: ignored", key)
            return None

    def _derive(self, analysis_id: str, *, probe: bool = True) -> tuple[list[dict[str, Any]], Analysis, str | None]:
        """(edit records, current analysis, hash of the chain's last link) of one analysis.

        Start from the newest state known to match the log (this process's last one, else the ``analysis.json``
        snapshot if its hash is the ``result_hash`` of the edit at its version, else ``base.json``) and apply the
        edits after it in order. A snapshot behind the log is brought up to date; one the log does not vouch for
        is ignored.
        """
        prefix = f"analyses/{check_id(analysis_id)}"
        records = self.edit_records(analysis_id, probe=probe)
        n = len(records)
        start: tuple[int, Analysis] | None = None
        head: str | None = None
        with self._cache_lock:
            cached = self._states.get(analysis_id)
        if cached and cached[0] <= n and (cached[0] == 0 or records[cached[0] - 1].get("hash") == cached[1]):
            start = (cached[0], cached[2].model_copy(deep=True))
            head = cached[1]
        if start is None and n:
            snap = self._read_analysis(f"{prefix}/analysis.json")
            if snap and 0 < snap[0].version <= n and records[snap[0].version - 1].get("result_hash") == analysis_hash(snap[0]):
                start, head = (snap[0].version, snap[0]), records[snap[0].version - 1].get("hash")
        if start is None:
            base = self._read_analysis(f"{prefix}/base.json")
            if base is not None:
                start, head = (0, base[0]), base[1]
            else:  # stored before bases existed: trust the snapshot, replay what is after it
                snap = self._read_analysis(f"{prefix}/analysis.json", strict=True)
                if snap is None:
                    raise NotFound(f"no analysis {analysis_id}", code="analysis_not_found")
                v = min(snap[0].version, n)
                start, head = (v, snap[0]), (records[v - 1].get("hash") if v else None)
        version, analysis = start
        legacy = head is None
        for record in records[version:]:
            try:
                analysis = apply_edit(analysis, Edit.model_validate(record))
            except MapiError:
                if not legacy:
                    raise
                log.warning("edit %s of legacy analysis %s does not apply: stopped there", record.get("seq"), analysis_id)
                break
            version, head = version + 1, record.get("hash")
        with self._cache_lock:
            if len(self._states) > 256:
                self._states.clear()
            if not legacy:
                self._states[analysis_id] = (version, head, analysis.model_copy(deep=True))
        return records[:version], analysis, head

    def analysis_at(self, analysis_id: str, version: int) -> Analysis:
        """The analysis as it was at ``version`` (the base with the first ``version`` edits)."""
        records, current, _ = self._derive(analysis_id)
        if version == current.version:
            return current
        base = self._read_analysis(f"analyses/{check_id(analysis_id)}/base.json")
        if base is None or not 0 <= version <= len(records):
            raise NotFound(f"analysis {analysis_id} has no stored version {version}", code="analysis_not_found")
        analysis = base[0]
        for record in records[:version]:
            analysis = apply_edit(analysis, Edit.model_validate(record))
        return analysis

    def commit_edit(self, analysis_id: str, edit: Edit, *, at: str | None = None) -> tuple[Edit, Analysis, bool]:
        """Accept an edit only if it is the first at its version: returns (stored edit, analysis after it, replayed).

        The edit object ``edits/{version:06d}.json`` is created with a create-only write (the one commit point);
        ``analysis.json`` is refreshed afterwards as a cache. ``replayed`` is True when an edit with the same
        ``idempotency_key`` was already stored: its result is returned and nothing is written.
        Raises ``ConflictError`` (stale version, or another writer took the version first) and ``InvalidEdit``.
        """
        prefix = f"analyses/{check_id(analysis_id)}"
        self.ensure_create_only()
        with self._cache_lock:
            state = self._states.get(analysis_id)
        for attempt in range(2):
            # a process whose state is already at the edit's version (mapi's route just read it) need not ask the
            # store for newer edits first: if there is one, the create-only write below fails and the second
            # attempt reads the log afresh (one request fewer per edit on an object store)
            probe = attempt > 0 or state is None or state[0] != edit.base_version
            records, current, head = self._derive(analysis_id, probe=probe)
            if head is None and not records and current.version == 0:
                head = self._adopt_base(analysis_id)  # stored before bases existed and never edited: chain it now
            if edit.idempotency_key:
                for record in records:
                    if record.get("idempotency_key") == edit.idempotency_key:
                        if (record.get("field"), record.get("after")) != (edit.field, edit.model_dump(mode="json")["after"]):
                            raise BadRequest(
                                f"idempotency key {edit.idempotency_key!r} was used for another edit", code="idempotency_key_reused"
                            )
                        return Edit.model_validate(record), self.analysis_at(analysis_id, record["seq"]), True
            if attempt:
                raise ConflictError(
                    f"another edit of analysis {analysis_id} was saved first at version {len(records)}: reload it and apply "
                    "the correction again"
                )
            updated = apply_edit(current, edit)  # ConflictError on a stale base_version, InvalidEdit
            seq = len(records) + 1
            snapshot = updated.model_dump_json(indent=1).encode("utf-8")
            record = edit.model_dump(mode="json")
            record.update(
                seq=seq,
                at=at or _utc_now(),
                before=value_at(current, edit.field),
                idempotency_key=edit.idempotency_key or uuid.uuid4().hex,
                prev_hash=head,
                result_hash=analysis_hash(updated),
                hash=None,
            )
            record["hash"] = record_hash(record)
            try:
                self.put(f"{prefix}/edits/{seq:06d}.json", json.dumps(record, ensure_ascii=False, indent=1).encode("utf-8"), exclusive=True)
            except ObjectExists:
                # lost the race for this version (or our own earlier try got through): look again
                edit = edit.model_copy(update={"idempotency_key": record["idempotency_key"]})
                continue
            with self._cache_lock:
                self._records[(analysis_id, seq)] = record
                self._known[analysis_id] = max(self._known.get(analysis_id, 0), seq)
                self._states[analysis_id] = (seq, record["hash"], updated.model_copy(deep=True))
            try:  # only a cache: readers replay the log when it is missing or behind
                self.put(f"{prefix}/analysis.json", snapshot)
            except MapiError as exc:
                log.warning("edit %d of %s is stored but its snapshot was not written: %s", seq, analysis_id, exc)
            return Edit.model_validate(record), updated, False
        raise AssertionError("unreachable")

    def committed_log(self, analysis_id: str) -> tuple[list[Edit], Analysis]:
        """(edits, analysis) as this process last derived or committed them (for indexing; reads the store only
        when this process has no state of the analysis)."""
        with self._cache_lock:
            state = self._states.get(analysis_id)
            records = [self._records.get((analysis_id, s)) for s in range(1, state[0] + 1)] if state else [None]
        if state is None or any(r is None for r in records):
            records, current, _ = self._derive(analysis_id)
        else:
            current = state[2].model_copy(deep=True)
        return [Edit.model_validate(r) for r in records], current

    def _adopt_base(self, analysis_id: str) -> str:
        """Make the snapshot of an unedited analysis stored before ``base.json`` existed its base; returns its hash."""
        prefix = f"analyses/{check_id(analysis_id)}"
        data = self.get(f"{prefix}/analysis.json")
        if Analysis.model_validate_json(data).version != 0:
            raise ConflictError(f"analysis {analysis_id} has no base and is not at version 0: it cannot be chained")
        try:
            self.put(f"{prefix}/base.json", data, exclusive=True)
        except ObjectExists:
            pass  # another process adopted it first (from the same unedited snapshot)
        return canonical_hash(self.get_json(f"{prefix}/base.json"))

    def ensure_create_only(self) -> None:
        """Check once per process that the backend refuses a second create-only write of a key.

        Edits are safe across processes only if it does; an S3-compatible service that ignores ``If-None-Match``
        would let two edits take one version silently, so edits are refused with a clear error instead.
        """
        if self._create_only_ok:
            return
        key = f"_probe/create-only-{uuid.uuid4().hex}"
        self.put(key, b"1", exclusive=True)
        try:
            self.put(key, b"2", exclusive=True)
        except ObjectExists:
            self._create_only_ok = True
            return
        finally:
            try:
                self.fs.rm_file(self._path(key), **self._limit())
            except Exception:  # noqa: BLE001 - a leftover probe object is harmless
                pass
        raise StoreConfigError(
            f"store {self.url} does not refuse a second create-only write (If-None-Match: * ignored): edits would not "
            "be safe across processes. Use AWS S3, MinIO 2024-08 or later, Azure Blob, or a local folder."
        )

    def append_edit(self, analysis_id: str, edit: Edit) -> Edit:
        """Commit an edit (see ``commit_edit``) and return it as stored."""
        return self.commit_edit(analysis_id, edit, at=edit.at)[0]


def _utc_now() -> str:
    from datetime import datetime, timezone

    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _local_atomic_write(path: Path, data: bytes, exclusive: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f"{_TMP_PREFIX}{uuid.uuid4().hex}"
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if exclusive:
            os.link(tmp, path)  # fails with FileExistsError if a concurrent writer got there first
        else:
            os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    if exclusive:  # a create-only object is a commit (an edit): its name must survive a power cut too
        fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _is_precondition_failed(exc: BaseException) -> bool:
    text = f"{exc} {getattr(exc, '__cause__', '')}"
    return "PreconditionFailed" in text or "412" in text and "Precondition" in text


def open_store(url: str | None = None, settings: Settings | None = None) -> Store:
    """The store at ``url`` (default: ``settings.store_url``)."""
    return Store(url, settings=settings)
