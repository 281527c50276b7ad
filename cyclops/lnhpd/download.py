"""Download the LNHPD from Health Canada's API into a folder the importer reads, resumably and politely.

The API (base ``https://health-products.canada.ca/api/natural-licences/``) answers each endpoint
either with a bare JSON array or, when asked for everything, with pages
(``{"metadata": {"pagination": {"limit", "page", "total", "next", "previous"}}, "data": [...]}``,
``?page=N``). Both are followed here, whichever the server sends. A full download is hours of
requests, so every page is written as it arrives and a state file records what is done: a rerun
(after a crash, a timeout, a restarted pod) continues where it stopped. Failed requests (network
errors, 429 and 5xx) are retried with exponential backoff; requests are spaced by ``delay`` seconds.

Incremental mode (``since``): the licence list is fetched whole (it is the only index of what changed),
and every other endpoint only for licences licensed or revised on or after that date, by the API's
``?id=`` parameter. The importer upserts them into the existing database.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential

from cyclops.lnhpd.importer import LANGUAGES
from cyclops.lnhpd.records import ENDPOINTS
from cyclops.settings import get_settings

#: not .json: the importer reads every .json file of the folder
STATE_FILE = "download.state"
DEFAULT_TIMEOUT = 120.0
#: every endpoint but the licence list, fetched per licence in incremental mode
DETAIL_ENDPOINTS = [e for e in ENDPOINTS if e != "productlicence"]


class DownloadError(RuntimeError):
    """A download that cannot go on (a request refused for good, an answer that is not the API's form)."""

    code = "lnhpd_download"


@dataclass
class DownloadReport:
    files: int = 0  # files written by this run
    skipped: int = 0  # parts already done by an earlier run
    requests: int = 0
    retries: int = 0
    changed_licences: int | None = None  # in incremental mode
    seconds: float = 0.0
    endpoints: dict[str, int] = field(default_factory=dict)  # records written per endpoint


def _retryable(exc: BaseException) -> bool:
    if isinstance(exc, httpx.HTTPStatusError):
        return exc.response.status_code == 429 or exc.response.status_code >= 500
    return isinstance(exc, httpx.TransportError)


class _Client:
    """GETs JSON with spacing between requests and retries with backoff."""

    def __init__(self, base_url: str, delay: float, retries: int, timeout: float, backoff: float) -> None:
        self.base_url = base_url.rstrip("/") + "/"
        self.delay = delay
        self.retries = retries
        self.backoff = backoff
        self._http = httpx.Client(timeout=timeout, headers={"Accept": "application/json", "User-Agent": "cyclops-lnhpd-download"},
                                  follow_redirects=True)
        self._last = 0.0
        self.requests = 0
        self.failures = 0

    def close(self) -> None:
        self._http.close()

    def _get_once(self, endpoint: str, params: dict[str, Any]) -> Any:
        wait = self._last + self.delay - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self._last = time.monotonic()
        self.requests += 1
        response = self._http.get(f"{self.base_url}{endpoint}/", params=params)
        response.raise_for_status()
        try:
            return response.json()
        except ValueError as exc:
            raise DownloadError(f"{response.url}: the answer is not JSON ({response.text[:80]!r})") from exc

    def get(self, endpoint: str, **params: Any) -> Any:
        query = {**params, "type": "json"}

        def note_failure(_state: Any) -> None:
            self.failures += 1

        retrying = Retrying(
            retry=retry_if_exception(_retryable), stop=stop_after_attempt(self.retries + 1),
            wait=wait_exponential(multiplier=self.backoff, max=60 * self.backoff), before_sleep=note_failure, reraise=True,
        )
        try:
            return retrying(self._get_once, endpoint, query)
        except httpx.HTTPStatusError as exc:
            tries = self.retries if _retryable(exc) else 0
            raise DownloadError(f"{exc.request.url}: HTTP {exc.response.status_code} (after {tries} retries)") from exc
        except httpx.TransportError as exc:
            raise DownloadError(f"{exc.request.url}: {type(exc).__name__}: {exc} after {self.retries} retries") from exc


class _State:
    """What an earlier run finished, kept in ``download.state`` and rewritten after every part."""

    def __init__(self, out_dir: Path, options: dict[str, Any]) -> None:
        self.path = out_dir / STATE_FILE
        data = json.loads(self.path.read_text(encoding="utf-8")) if self.path.is_file() else {}
        if data and data.get("options") != options:
            raise DownloadError(f"{out_dir} holds a download made with other options ({data.get('options')}); use a new folder")
        self.data = data or {"options": options, "done": [], "pages": {}, "finished": False}

    def done(self, part: str) -> bool:
        return part in self.data["done"]

    def finish(self, part: str) -> None:
        self.data["done"].append(part)
        self.save()

    def save(self) -> None:
        _write_json(self.path, self.data)


def _write_json(path: Path, payload: Any) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(json.dumps(payload, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    os.replace(tmp, path)


def _is_page(payload: Any) -> bool:
    return isinstance(payload, dict) and isinstance(payload.get("data"), list) and isinstance(payload.get("metadata"), dict)


def _has_next(payload: dict[str, Any], page: int) -> bool:
    pagination = payload["metadata"].get("pagination") or {}
    if not payload["data"]:
        return False
    if "next" in pagination:
        return bool(pagination["next"])
    try:
        return page * int(pagination["limit"]) < int(pagination["total"])
    except (KeyError, TypeError, ValueError):
        return False


def _pages(client: _Client, endpoint: str, lang: str, first: int) -> Iterator[tuple[int, Any]]:
    """(page number, payload) from page ``first`` on; a bare array is the one and only "page" 0."""
    page = first
    while True:
        payload = client.get(endpoint, lang=lang, **({"page": page} if page > 1 else {}))
        if not _is_page(payload):
            if not isinstance(payload, list):
                raise DownloadError(f"{endpoint} ({lang}): expected a JSON array or an API page, got {type(payload).__name__}")
            if page > 1:
                raise DownloadError(f"{endpoint} ({lang}): page {page} is not a page")
            yield 0, payload
            return
        yield page, payload
        if not _has_next(payload, page):
            return
        page += 1


def _full_endpoint(client: _Client, state: _State, out_dir: Path, endpoint: str, lang: str, report: DownloadReport) -> None:
    part = f"{endpoint}-{lang}"
    first = state.data["pages"].get(part, 0) + 1
    for page, payload in _pages(client, endpoint, lang, first):
        records = payload if page == 0 else payload["data"]
        _write_json(out_dir / (f"{part}.json" if page == 0 else f"{part}-page{page}.json"), payload)
        report.files += 1
        report.endpoints[endpoint] = report.endpoints.get(endpoint, 0) + len(records)
        if page:
            state.data["pages"][part] = page
            state.save()


def _changed_ids(out_dir: Path, since: date) -> list[int]:
    """Licences whose licence or revision date is on or after ``since``, read from the downloaded licence list."""
    ids: set[int] = set()
    for path in sorted(out_dir.glob("productlicence-*.json")):
        payload = json.loads(path.read_text(encoding="utf-8"))
        for record in payload["data"] if _is_page(payload) else payload:
            dates = [record.get(k) for k in ("licence_date", "revised_date")]
            if any(isinstance(d, str) and d[:10] >= since.isoformat() for d in dates):
                ids.add(int(record["lnhpd_id"]))
    return sorted(ids)


def download(out_dir: Path, *, since: date | None = None, base_url: str | None = None, delay: float | None = None,
             retries: int | None = None, timeout: float = DEFAULT_TIMEOUT, backoff: float = 1.0,
             progress: Callable[[str], None] | None = None) -> DownloadReport:
    """Download every endpoint the importer reads (or, with ``since``, what changed) into ``out_dir``; resumable.

    Raises ``DownloadError`` when a request still fails after ``retries`` retries; rerunning continues.
    """
    settings = get_settings()  # the API, and what it is asked to bear: one request at a time, this many seconds apart
    base_url = base_url or settings.lnhpd_api_url
    delay = settings.lnhpd_download_delay if delay is None else delay
    retries = settings.lnhpd_download_retries if retries is None else retries
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    options = {"since": since.isoformat() if since else None, "base_url": base_url}
    state = _State(out_dir, options)
    report = DownloadReport()
    say = progress or (lambda _m: None)
    client = _Client(base_url, delay, retries, timeout, backoff)
    try:
        endpoints = ["productlicence"] if since else list(ENDPOINTS)
        for endpoint in endpoints:
            for lang in LANGUAGES:
                part = f"{endpoint}-{lang}"
                if state.done(part):
                    report.skipped += 1
                    continue
                say(f"{part}: downloading")
                _full_endpoint(client, state, out_dir, endpoint, lang, report)
                state.finish(part)
        if since:
            ids = _changed_ids(out_dir, since)
            report.changed_licences = len(ids)
            say(f"{len(ids)} licences licensed or revised since {since}")
            for lnhpd_id in ids:
                part = f"id{lnhpd_id}"
                if state.done(part):
                    report.skipped += 1
                    continue
                for endpoint in DETAIL_ENDPOINTS:
                    for lang in LANGUAGES:
                        payload = client.get(endpoint, id=lnhpd_id, lang=lang)
                        records = payload["data"] if _is_page(payload) else payload if isinstance(payload, list) else [payload]
                        _write_json(out_dir / f"{endpoint}-{lang}-id{lnhpd_id}.json", records)
                        report.files += 1
                        report.endpoints[endpoint] = report.endpoints.get(endpoint, 0) + len(records)
                state.finish(part)
        state.data["finished"] = True
        state.save()
    finally:
        client.close()
        report.requests, report.retries = client.requests, client.failures
        report.seconds = round(time.monotonic() - started, 3)
    return report
