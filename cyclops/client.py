"""``MapiClient``: the dashboard's and notebooks' way to mapi, remote (httpx) or in-process.

With a base URL (argument or ``CYCLOPS_MAPI_URL``) it speaks HTTP with timeouts and
exponential-backoff retries; without one it calls the very same service layer
the routes use (``cyclops.service.operations``). Either way, an edit that cannot be
stored because storage is down is kept in a durable SQLite outbox under
``DATA_DIR`` and delivered by ``flush_outbox()``, so no correction is lost.
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx

from cyclops.catalog import AnalysisPage, AnalysisQuery, AnalysisSummary, utc_now
from cyclops.errors import (
    AuthError,
    BadPhoto,
    ConflictError,
    InvalidEdit,
    MapiError,
    NotFound,
    StorageUnavailable,
    error_class,
)
from cyclops.lnhpd.records import LicenceBundle
from cyclops.model.analysis import Analysis, Edit
from cyclops.model.ocr import Document
from cyclops.model.photo_check import PhotoCheck
from cyclops.service.identity import Identity
from cyclops.service.operations import Services
from cyclops.service.photo_check import check_photo
from cyclops.settings import get_settings

__all__ = [
    "AnalysisPage",
    "AnalysisSummary",
    "AuthError",
    "BadPhoto",
    "ConflictError",
    "InvalidEdit",
    "MapiClient",
    "MapiError",
    "NotFound",
    "StorageUnavailable",
]

T = TypeVar("T")


def error_from_response(response: httpx.Response) -> MapiError:
    """The typed error for a mapi error response (``{"error": code, "message": ...}``)."""
    try:
        body = response.json()
        code, message = str(body.get("error", "http_error")), str(body.get("message", response.text))
    except (ValueError, AttributeError):
        code, message = "http_error", response.text[:500]
    return error_class(response.status_code, code)(message, code=code, status=response.status_code)


def _in_process(user: str | None) -> Identity:
    """Who edits when there is no server: the process's own user, who names the analyst (nothing to verify it by)."""
    return Identity(user=(user or "").strip() or "local", role="admin", via="in-process")


def _acting_for(user: str | None) -> dict[str, str]:
    """The user an edit is made for (the JupyterHub user), which mapi accepts only from a service token."""
    user = (user or "").strip()
    return {"X-Cyclops-User": user} if user and user.isascii() and user.isprintable() else {}


class Outbox:
    """Edits waiting for storage to come back: a SQLite file, so they survive a crash or restart."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, target TEXT NOT NULL,"
                " analysis_id TEXT NOT NULL, edit TEXT NOT NULL, queued_at TEXT NOT NULL, attempts INTEGER DEFAULT 0,"
                " state TEXT DEFAULT 'pending', last_error TEXT)"
            )

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30, isolation_level=None)

    def add(self, target: str, analysis_id: str, edit: Edit, error: str) -> None:
        with self._connect() as db:
            db.execute(
                "INSERT INTO outbox (target, analysis_id, edit, queued_at, last_error) VALUES (?, ?, ?, ?, ?)",
                (target, analysis_id, edit.model_dump_json(), utc_now(), error),
            )

    def pending(self, target: str) -> list[tuple[int, str, Edit]]:
        with self._connect() as db:
            rows = db.execute("SELECT id, analysis_id, edit FROM outbox WHERE target = ? AND state = 'pending' ORDER BY id", (target,)).fetchall()
        return [(row_id, analysis_id, Edit.model_validate_json(edit)) for row_id, analysis_id, edit in rows]

    def mark(self, row_id: int, state: str, error: str | None = None) -> None:
        with self._connect() as db:
            if state == "delivered":
                db.execute("DELETE FROM outbox WHERE id = ?", (row_id,))
            else:
                db.execute("UPDATE outbox SET state = ?, last_error = ?, attempts = attempts + 1 WHERE id = ?", (state, error, row_id))

    def rejected(self, target: str) -> list[tuple[str, Edit, str]]:
        """Queued edits the server refused on delivery (e.g. a conflict): kept for the analyst to redo."""
        with self._connect() as db:
            rows = db.execute("SELECT analysis_id, edit, last_error FROM outbox WHERE target = ? AND state = 'rejected' ORDER BY id", (target,)).fetchall()
        return [(a, Edit.model_validate_json(e), err or "") for a, e, err in rows]


class MapiClient:
    """Every mapi operation; ``base_url=None`` and no ``CYCLOPS_MAPI_URL`` runs them in-process."""

    def __init__(
        self,
        base_url: str | None = None,
        token: str | None = None,
        *,
        timeout: float = 300.0,
        retries: int = 3,
        backoff: float = 0.5,
        outbox_path: Path | None = None,
    ) -> None:
        settings = get_settings()
        self.base_url = (base_url or settings.mapi_url or "").rstrip("/") or None
        self.retries = max(1, retries)
        self.backoff = backoff
        self.outbox = Outbox(outbox_path or settings.data_dir / "outbox.sqlite")
        self._target = self.base_url or f"local:{settings.store_url}"
        if self.base_url:
            token = token or settings.mapi_token
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            self._http: httpx.Client | None = httpx.Client(
                base_url=self.base_url, headers=headers, timeout=httpx.Timeout(timeout, connect=5.0)
            )
            self._services = None
        else:
            self._http = None
            self._services = Services(settings)

    def close(self) -> None:
        if self._http is not None:
            self._http.close()

    def __enter__(self) -> MapiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- transport ---

    def _request(self, method: str, path: str, *, idempotent: bool = True, **kwargs: Any) -> httpx.Response:
        """One HTTP call with retries: 5xx and connection errors for reads; 503 and refused connections for writes."""
        assert self._http is not None
        retry_status = {502, 503, 504} if idempotent else {503}
        last: Exception | None = None
        for attempt in range(self.retries):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                response = self._http.request(method, path, **kwargs)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                last = StorageUnavailable(f"mapi at {self.base_url} unreachable: {exc}", code="mapi_unreachable")
                continue
            except httpx.TransportError as exc:
                last = StorageUnavailable(f"mapi at {self.base_url} failed: {exc}", code="mapi_unreachable")
                if idempotent:
                    continue
                break
            if response.status_code < 400:
                return response
            last = error_from_response(response)
            if response.status_code not in retry_status:
                break
        assert last is not None
        raise last

    def _call(self, local: Callable[[], T], method: str, path: str, parse: Callable[[httpx.Response], T], **kwargs: Any) -> T:
        if self._services is not None:
            return local()
        return parse(self._request(method, path, **kwargs))

    # --- analyses ---

    def analyze(self, photos: list[tuple[str, bytes]], engine: str | None = None, *, faces: list[str] | None = None,
                user: str | None = None) -> Analysis:
        """Analyse one product's photos; the result carries its ``analysis_id``.

        ``faces``: the face each photo shows (front, back, side, other), in order. ``user``: whom the workbench sends
        them for (mapi credits them to that user only when this client's token may act for users, as for edits)."""
        files = [("photos", (name, data, "application/octet-stream")) for name, data in photos]
        data: dict[str, object] = {"engine": engine} if engine else {}
        if faces:
            data["faces"] = list(faces)
        return self._call(
            lambda: self._services.analyze(photos, engine, submitted_by=_in_process(user).user, faces=faces),
            "POST", "/v1/analyses", lambda r: Analysis.model_validate_json(r.content),
            files=files, data=data, headers=_acting_for(user), idempotent=False,
        )  # fmt: skip

    def get_analysis(self, analysis_id: str) -> Analysis:
        return self._call(
            lambda: self._services.get_analysis(analysis_id),
            "GET", f"/v1/analyses/{analysis_id}", lambda r: Analysis.model_validate_json(r.content),
        )  # fmt: skip

    def list_analyses(self, query: AnalysisQuery | None = None, **filters: Any) -> AnalysisPage:
        """A page of the catalogue: ``query``, or its filters as keywords (``cyclops.catalog.AnalysisQuery``)."""
        q = query or AnalysisQuery.of(**filters)
        return self._call(
            lambda: self._services.list_analyses(q),
            "GET", "/v1/analyses", lambda r: AnalysisPage.model_validate_json(r.content),
            params=q.params(),
        )  # fmt: skip

    def edits(self, analysis_id: str) -> list[Edit]:
        return self._call(
            lambda: self._services.edits(analysis_id),
            "GET", f"/v1/analyses/{analysis_id}/edits", lambda r: [Edit.model_validate(e) for e in r.json()],
        )  # fmt: skip

    def _send_edit(self, analysis_id: str, edit: Edit) -> Analysis:
        # with an idempotency key a resend is harmless, so lost answers (timeouts, 502/504) are retried too
        return self._call(
            lambda: self._services.edit_as(_in_process(edit.analyst), analysis_id, edit),  # same rules as over HTTP
            "POST", f"/v1/analyses/{analysis_id}/edits", lambda r: Analysis.model_validate_json(r.content),
            content=edit.model_dump_json(), headers={"Content-Type": "application/json", **_acting_for(edit.analyst)},
            idempotent=bool(edit.idempotency_key),
        )  # fmt: skip

    def post_edit(self, analysis_id: str, edit: Edit) -> Analysis:
        """Store a correction. ``ConflictError`` on a stale ``base_version``; ``StorageUnavailable``
        when storage (or mapi) is down, after queuing the edit in the outbox for ``flush_outbox``.

        The edit gets an ``idempotency_key`` (unless it has one), kept in the outbox with it, so a retry whose
        first try did get through returns the stored edit's result instead of storing it twice."""
        if not edit.idempotency_key:
            edit = edit.model_copy(update={"idempotency_key": uuid.uuid4().hex})
        try:
            return self._send_edit(analysis_id, edit)
        except ConflictError:
            # a resend whose first try got through (its answer was lost) is not a conflict
            if self._already_stored(analysis_id, edit):
                return self.get_analysis(analysis_id)
            raise
        except StorageUnavailable as exc:
            self.outbox.add(self._target, analysis_id, edit, str(exc))
            raise StorageUnavailable(f"{exc.message}; the edit is kept in the outbox and will be sent by flush_outbox()", code=exc.code) from exc

    def flush_outbox(self) -> int:
        """Send queued edits in order; returns how many were delivered. Stops at the first outage."""
        delivered = 0
        for row_id, analysis_id, edit in self.outbox.pending(self._target):
            try:
                self._send_edit(analysis_id, edit)
            except StorageUnavailable:
                break
            except ConflictError as exc:
                if self._already_stored(analysis_id, edit):  # the first try got through but its answer was lost
                    self.outbox.mark(row_id, "delivered")
                    delivered += 1
                else:
                    self.outbox.mark(row_id, "rejected", str(exc))
                continue
            except MapiError as exc:
                self.outbox.mark(row_id, "rejected", str(exc))
                continue
            self.outbox.mark(row_id, "delivered")
            delivered += 1
        return delivered

    def pending_edits(self) -> list[tuple[str, Edit]]:
        return [(a, e) for _, a, e in self.outbox.pending(self._target)]

    def _already_stored(self, analysis_id: str, edit: Edit) -> bool:
        if edit.idempotency_key:
            return any(e.idempotency_key == edit.idempotency_key for e in self.edits(analysis_id))
        key = (edit.analyst, edit.field, json.dumps(edit.after, sort_keys=True), edit.base_version)
        return any((e.analyst, e.field, json.dumps(e.after, sort_keys=True), e.base_version) == key for e in self.edits(analysis_id))

    # --- products, OCR, photos ---

    def get_product(self, licence_number: str) -> dict[str, Any]:
        def parse(r: httpx.Response) -> dict[str, Any]:
            return {lang: LicenceBundle.model_validate(b) if b else None for lang, b in r.json().items()}

        return self._call(lambda: self._services.get_product(licence_number), "GET", f"/v1/products/{licence_number}", parse)

    def search_products(self, q: str, company: str | None = None, ingredient: str | None = None, limit: int = 10) -> list[Any]:
        from cyclops.lnhpd.database import SearchHit  # the LNHPD reader takes half a second to import; only searches need it

        params = {k: v for k, v in {"q": q, "company": company, "ingredient": ingredient, "limit": limit}.items() if v is not None}
        return self._call(
            lambda: self._services.search_products(q, company=company, ingredient=ingredient, limit=limit),
            "GET", "/v1/products", lambda r: [SearchHit.model_validate(h) for h in r.json()], params=params,
        )  # fmt: skip

    def ocr(self, filename: str, data: bytes, engine: str | None = None) -> Document:
        return self._call(
            lambda: self._services.ocr(filename, data, engine),
            "POST", "/v1/ocr", lambda r: Document.model_validate_json(r.content),
            files={"photo": (filename, data, "application/octet-stream")}, data={"engine": engine} if engine else {},
            idempotent=False,
        )  # fmt: skip

    def check_photo(self, filename: str, data: bytes, *, read: bool = True, engine: str | None = None) -> PhotoCheck:
        """The quality verdict on one photo (too dark, washed out, blurred; with ``read``, text too small and NPN cut off)."""
        form = {"read": "true" if read else "false", **({"engine": engine} if engine else {})}
        return self._call(
            lambda: check_photo(self._services, filename, data, read=read, engine=engine),
            "POST", "/v1/photo-check", lambda r: PhotoCheck.model_validate_json(r.content),
            files={"photo": (filename, data, "application/octet-stream")}, data=form,
        )  # fmt: skip

    def photo(self, sha256: str) -> bytes:
        return self._call(lambda: self._services.photo(sha256), "GET", f"/v1/photos/{sha256}", lambda r: r.content)
