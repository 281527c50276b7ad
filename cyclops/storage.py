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
import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import fsspec

from cyclops.mapi.errors import MapiError, NotFound, ObjectExists, StorageUnavailable
from cyclops.model.analysis import Analysis, Edit
from cyclops.model.ocr import Document
from cyclops.settings import Settings, get_settings

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_SHA = re.compile(r"^[0-9a-f]{64}(#p\d+)?$")
_TMP_PREFIX = ".tmp-"


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
            self.fs = fsspec.filesystem(protocol, skip_instance_cache=True)
        else:
            raise StoreConfigError(f"unsupported store URL {self.url!r}: use a folder, file://, s3:// or az://")
        self._transient = _transient_errors()

    def __repr__(self) -> str:
        return f"Store({self.url!r})"

    # --- low level -----------------------------------------------------------------------------

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
        except self._transient as exc:
            if _is_precondition_failed(exc):
                raise ObjectExists(f"{key} already exists in store {self.url} and is append-only") from exc
            raise StorageUnavailable(f"store {self.url} unreachable ({type(exc).__name__}: {exc})") from exc

    def put(self, key: str, data: bytes, *, exclusive: bool = False) -> None:
        """Write one object atomically; with ``exclusive`` fail with ``ObjectExists`` if it is already there."""
        path = self._path(key)
        with self._guard(key):
            if self.protocol == "file":
                _local_atomic_write(Path(path), data, exclusive)
            elif self.protocol in ("s3", "s3a"):
                # S3 PUT is atomic; If-None-Match: * makes creation exclusive
                self.fs.pipe_file(path, data, mode="create" if exclusive else "overwrite")
            else:
                if exclusive and self.fs.exists(path):
                    raise FileExistsError(path)
                self.fs.pipe_file(path, data)

    def get(self, key: str) -> bytes:
        with self._guard(key):
            return self.fs.cat_file(self._path(key))

    def exists(self, key: str) -> bool:
        with self._guard(key):
            return bool(self.fs.exists(self._path(key)))

    def list(self, prefix: str) -> list[str]:
        """Keys directly under a folder-like prefix (files and sub-folders), sorted; [] when absent."""
        base = self._path(prefix).rstrip("/")
        with self._guard(prefix):
            try:
                entries = self.fs.ls(base, detail=False)
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
            elif not self.fs.exists(self.root.split("/", 1)[0]):
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
        if not analysis.analysis_id:
            raise ValueError("an analysis needs its analysis_id before it is stored")
        key = f"analyses/{check_id(analysis.analysis_id)}/analysis.json"
        self.put(key, analysis.model_dump_json(indent=1).encode("utf-8"))

    def get_analysis(self, analysis_id: str) -> Analysis:
        try:
            data = self.get(f"analyses/{check_id(analysis_id)}/analysis.json")
        except NotFound as exc:
            raise NotFound(f"no analysis {analysis_id}", code="analysis_not_found") from exc
        return Analysis.model_validate_json(data)

    def analysis_ids(self) -> list[str]:
        return [name for name in self.list("analyses") if _ID.match(name)]

    def append_edit(self, analysis_id: str, edit: Edit) -> Edit:
        """Append an edit as the next ``edits/{seq:06d}.json``; never rewrites an existing one."""
        prefix = f"analyses/{check_id(analysis_id)}/edits"
        seq = len([n for n in self.list(prefix) if n.endswith(".json")]) + 1
        for _ in range(20):  # a concurrent writer took the number: take the next one
            stored = edit.model_copy(update={"seq": seq})
            try:
                self.put(f"{prefix}/{seq:06d}.json", stored.model_dump_json(indent=1).encode("utf-8"), exclusive=True)
                return stored
            except ObjectExists:
                seq += 1
        raise StorageUnavailable(f"could not append an edit to {analysis_id}: too many concurrent writers")

    def edits(self, analysis_id: str) -> list[Edit]:
        prefix = f"analyses/{check_id(analysis_id)}/edits"
        names = [n for n in self.list(prefix) if n.endswith(".json")]
        return [Edit.model_validate_json(self.get(f"{prefix}/{n}")) for n in names]


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


def _is_precondition_failed(exc: BaseException) -> bool:
    text = f"{exc} {getattr(exc, '__cause__', '')}"
    return "PreconditionFailed" in text or "412" in text and "Precondition" in text


def open_store(url: str | None = None, settings: Settings | None = None) -> Store:
    """The store at ``url`` (default: ``settings.store_url``)."""
    return Store(url, settings=settings)
