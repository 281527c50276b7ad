"""Read access to the local LNHPD copy: exact licence lookups and fuzzy product search.

Search has two stages: the trigram FTS5 index finds candidates that have every query word or one close
to it (``candidates``: robust to OCR typos, accents and word order, since everything is folded first,
and fast at the real LNHPD's size), then rapidfuzz re-ranks them word by word so that
"glucosamin msm" and "msm glucosamine" both put the Glucosamine & MSM product first.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel
from rapidfuzz import fuzz, process

from cyclops.lnhpd.candidates import BROAD, WordIndex, company_filter, ingredient_filter, text_queries
from cyclops.lnhpd.records import ENDPOINTS, LicenceBundle
from cyclops.lnhpd.schema import connect, ensure_word_index, get_meta
from cyclops.lnhpd.synonyms import canonical_ingredient, synonyms
from cyclops.settings import get_settings
from cyclops.text.fold import digits, search_key

#: most candidates the FTS stage hands to re-ranking
CANDIDATES = 200
#: the strictest full-text query that finds this many candidates is enough (looser ones are not asked)
ENOUGH_CANDIDATES = 50
#: a query with no searchable word scores every licence, but only in a database this small
SCAN_ALL_MAX = 5000
#: queries whose scan of every licence is kept (``LicenceDB._scanned``)
SCANS_KEPT = 16
_COMPANY_CUTOFF = 85.0
_INGREDIENT_CUTOFF = 92.0
_WORD_CUTOFF = 80.0
_BUNDLE_FIELD = {
    "medicinalingredient": "medicinal_ingredients",
    "nonmedicinalingredient": "non_medicinal_ingredients",
    "productpurpose": "purposes",
    "productrisk": "risks",
    "productdose": "doses",
    "productroute": "routes",
}


class LicenceDBMissing(FileNotFoundError):
    """The reference database hasn't been built on this machine yet."""

    code = "lnhpd_missing"


class SearchHit(BaseModel):
    lnhpd_id: int
    licence_number: str
    product_name: str
    company_name: str
    active: bool
    score: float  # in [0, 1], best first


def _identity(path: Path) -> tuple[int, int, int] | None:
    """What tells a replaced file from the one opened: device, inode and modification time (None: gone)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_mtime_ns)


class LicenceDB:
    """A read-only view of the SQLite file built by ``cyclops lnhpd import``; safe to share across threads.

    A refresh replaces the file by rename (``cyclops lnhpd import`` builds beside it), and a long-lived
    handle (mapi's workers hold one per process) must see the new licences without a restart: every
    query first compares the file's identity with the one opened and reopens when it changed. A stat
    costs microseconds; a handle whose file was removed keeps reading the copy it has open.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._identity = _identity(path)
        self._conn = connect(path, read_only=True)
        self._vocab: dict[str, dict[str, int]] = {}
        self._words: WordIndex | None = None
        self._scans: dict[str, tuple[list[dict[str, Any]], dict[int, float | None]]] = {}
        self.reopened = 0  # how many times a replaced file was picked up

    def close(self) -> None:
        self._conn.close()

    def _current(self) -> sqlite3.Connection:
        """The connection to the file now at ``path`` (call with the lock held)."""
        identity = _identity(self.path)
        if identity is not None and identity != self._identity:
            try:
                conn = connect(self.path, read_only=True)
                conn.execute("SELECT COUNT(*) FROM search_doc").fetchone()
            except sqlite3.DatabaseError:
                return self._conn  # half-written or foreign file: keep serving the one we have
            self._conn.close()
            self._conn, self._identity, self._vocab, self._words, self._scans = conn, identity, {}, None, {}
            self.reopened += 1
        return self._conn

    def __enter__(self) -> LicenceDB:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._current().execute(sql, params).fetchall()

    def meta(self, key: str) -> str | None:
        with self._lock:
            return get_meta(self._current(), key)

    # exact lookups -------------------------------------------------------------------------

    def get(self, licence_number: str, language: str = "en") -> LicenceBundle | None:
        """The licence with this NPN/DIN-HM (digits only compared; active and newest first), or None."""
        wanted = digits(licence_number)
        if not wanted:
            return None
        rows = self._query(
            "SELECT lnhpd_id FROM licences WHERE digits = ? AND language = ? ORDER BY active DESC, lnhpd_id DESC LIMIT 1",
            (wanted, language),
        )
        return self.get_by_id(rows[0][0], language) if rows else None

    def get_by_id(self, lnhpd_id: int, language: str = "en") -> LicenceBundle | None:
        """Everything about one licence in one language, or None when the database lacks it in that language."""
        rows = self._query(
            "SELECT endpoint, data FROM records WHERE lnhpd_id = ? AND language = ? ORDER BY endpoint, seq, rkey",
            (int(lnhpd_id), language),
        )
        parts: dict[str, list[Any]] = {}
        for endpoint, data in rows:
            parts.setdefault(endpoint, []).append(ENDPOINTS[endpoint].model_validate(json.loads(data)))
        if "productlicence" not in parts:
            return None
        fields = {field: parts.get(endpoint, []) for endpoint, field in _BUNDLE_FIELD.items()}
        return LicenceBundle(language=language, licence=parts["productlicence"][0], **fields)

    def count(self) -> int:
        return self._query("SELECT COUNT(*) FROM search_doc")[0][0]

    def ids(self) -> list[int]:
        return [r[0] for r in self._query("SELECT lnhpd_id FROM search_doc ORDER BY lnhpd_id")]

    def vocabulary(self, language: str) -> dict[str, int]:
        """Word -> frequency over every text of the language (names, ingredients, uses, risks), lower case."""
        with self._lock:
            conn = self._current()  # a replaced file empties the cache
            if language not in self._vocab:
                self._vocab[language] = dict(conn.execute("SELECT word, freq FROM vocab WHERE language = ?", (language,)).fetchall())
            return self._vocab[language]

    # search ----------------------------------------------------------------------------------

    def _word_index(self) -> WordIndex:
        """Built on first search from the searchable text (about a second at 150,000 licences), kept until the file changes."""
        with self._lock:
            conn = self._current()
            if self._words is None:
                ensure_word_index(conn)
                rows = conn.execute("SELECT name_norm, company_norm, ingredient_terms FROM search_doc")
                self._words = WordIndex(" ".join(row) for row in rows)
            return self._words

    def _candidate_ids(self, query: str, company_q: str, ingredient_terms: list[str]) -> list[int]:
        """Licence ids from the full-text index, strictest query first, until enough (see ``candidates``)."""
        index = self._word_index()
        filters = [f for f in (company_filter(company_q, index), ingredient_filter(ingredient_terms, index)) if f]
        ids: dict[int, None] = {}
        for text, bound in list(text_queries(query, index)) or [(None, BROAD + 1)]:
            parts = ([f"({text})"] if text else []) + filters
            broad = bound > BROAD
            if not parts or (broad and ids):
                break
            order = "" if broad else " ORDER BY rank"
            rows = self._query(f"SELECT rowid FROM search_words WHERE search_words MATCH ?{order} LIMIT ?",
                               (" AND ".join(parts), CANDIDATES - len(ids)))
            ids.update((r[0], None) for r in rows)
            if len(ids) >= ENOUGH_CANDIDATES:
                break
        return list(ids)

    def search(self, text: str = "", company: str | None = None, ingredient: str | None = None, limit: int = 10) -> list[SearchHit]:
        """Licences ranked by how well their name, company and ingredients match ``text``, best first.

        ``company`` and ``ingredient`` filter (fuzzily; ingredients through their synonyms:
        "vitamin d3" finds cholecalciferol). A licence number in ``text`` ranks that licence first.
        """
        query = search_key(text)
        company_q = search_key(company or "")
        ingredient_terms = sorted({search_key(s) for s in synonyms(ingredient)} if ingredient and ingredient.strip() else set())
        ingredient_key = canonical_ingredient(ingredient) if ingredient_terms else None
        if not (query or company_q or ingredient_terms) or limit < 1:
            return []

        ids = self._candidate_ids(query, company_q, ingredient_terms)
        number = digits(text)
        if len(number) >= 6:
            ids = [r[0] for r in self._query("SELECT DISTINCT lnhpd_id FROM licences WHERE digits = ?", (number,))] + ids
        q_tokens = query.split()
        if not ids and query and self.count() <= SCAN_ALL_MAX:  # no word found at all (very short or garbled query)
            docs, scores = self._scanned(query, q_tokens)
        elif not ids:
            return []
        else:
            docs = self._docs(list(dict.fromkeys(ids)))
            scores = _rerank(q_tokens, query, docs) if q_tokens else {}
        hits: list[SearchHit] = []
        for doc in docs:
            if company_q and fuzz.partial_ratio(company_q, doc["company_norm"]) < _COMPANY_CUTOFF:
                continue
            if ingredient_key and not self._has_ingredient(doc, ingredient_key, ingredient_terms):
                continue
            if number and len(number) >= 6 and digits(doc["licence_number"]) == number:
                score = 1.0
            elif q_tokens:
                score = scores[doc["lnhpd_id"]]
                if score is None:
                    continue
            else:
                score = 1.0 if doc["active"] else 0.95
            hits.append(SearchHit(
                lnhpd_id=doc["lnhpd_id"], licence_number=doc["licence_number"], product_name=doc["product_name"],
                company_name=doc["company_name"], active=bool(doc["active"]), score=round(min(max(score, 0.0), 1.0), 4),
            ))
        hits.sort(key=lambda h: (-h.score, not h.active, h.product_name, h.lnhpd_id))
        return hits[:limit]

    def _scanned(self, query: str, q_tokens: list[str]) -> tuple[list[dict[str, Any]], dict[int, float | None]]:
        """Every licence and its score against ``query`` (``_rerank``), kept per query until the file changes: a
        label's searches repeat its name with other filters, and in a database of 2,000 licences a name none of
        whose words the index knows (a product not in it) took 50 ms a scan, five scans a label."""
        with self._lock:
            self._current()  # a replaced file empties the kept scans
            identity, kept = self._identity, self._scans.get(query)
        if kept is None:
            docs = self._docs([r[0] for r in self._query("SELECT lnhpd_id FROM search_doc")])
            kept = (docs, _rerank(q_tokens, query, docs))
            with self._lock:
                if self._identity == identity:  # not a file replaced meanwhile
                    while len(self._scans) >= SCANS_KEPT:
                        del self._scans[next(iter(self._scans))]  # the oldest
                    self._scans[query] = kept
        return kept

    def _docs(self, ids: list[int]) -> list[dict[str, Any]]:
        columns = ["lnhpd_id", "licence_number", "product_name", "company_name", "active", "name_norm", "company_norm", "ingredient_terms", "ingredient_keys"]
        docs: list[dict[str, Any]] = []
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            rows = self._query(f"SELECT {', '.join(columns)} FROM search_doc WHERE lnhpd_id IN ({', '.join('?' * len(chunk))})", tuple(chunk))
            docs.extend(dict(zip(columns, row)) for row in rows)
        return docs

    @staticmethod
    def _has_ingredient(doc: dict[str, Any], key: str, terms: list[str]) -> bool:
        if key in doc["ingredient_keys"].split("|"):
            return True
        if len(terms) > 1:  # a known ingredient: its synonyms decide ("vitamin d" must not fuzzily match "vitamin c")
            return False
        doc_terms = doc["ingredient_terms"].split("|")
        return process.extractOne(terms[0], doc_terms, scorer=fuzz.ratio, score_cutoff=_INGREDIENT_CUTOFF) is not None


def _rerank(q_tokens: list[str], query: str, docs: list[dict[str, Any]]) -> dict[int, float | None]:
    """Word coverage (each query word's best match in name, company or ingredients) plus whole-name similarity.

    All word similarities are computed in one rapidfuzz ``cdist`` call over the
    candidates' distinct words, which keeps a search well under 50 ms. A licence
    none of whose words resembles any query word (best ratio < 80) scores None: not a hit.
    """
    vocabulary: dict[str, int] = {}
    field_texts = [
        [doc["name_norm"].replace("|", " ").split() for doc in docs],
        [doc["company_norm"].split() for doc in docs],
        [doc["ingredient_terms"].replace("|", " ").split() for doc in docs],
    ]
    for texts in field_texts:
        for ws in texts:
            for w in ws:
                vocabulary.setdefault(w, len(vocabulary))
    words = list(vocabulary)
    sentinel = len(words)  # a column of zeros for a doc with no words in a field
    matrix = np.zeros((len(q_tokens), sentinel + 1), dtype=np.float32)
    if words:
        matrix[:, :sentinel] = process.cdist(q_tokens, words, scorer=fuzz.ratio, dtype=np.float32, workers=1)
    for i, token in enumerate(q_tokens):  # a cut-off word ("glucos") is still that word
        if len(token) >= 3:
            prefix = np.fromiter((w.startswith(token) for w in words), dtype=bool, count=len(words))
            matrix[i, :sentinel][prefix] = np.maximum(matrix[i, :sentinel][prefix], 95.0)
    best = np.zeros((len(q_tokens), len(docs)), dtype=np.float32)
    for weight, texts in zip((1.0, 0.9, 0.85), field_texts):  # name, company, ingredients
        columns: list[int] = []
        offsets: list[int] = []
        for ws in texts:
            offsets.append(len(columns))
            columns.extend([vocabulary[w] for w in ws] or [sentinel])
        per_doc = np.maximum.reduceat(matrix[:, columns], offsets, axis=1)
        best = np.maximum(best, weight * per_doc)
    coverage = best.mean(axis=0) / 100.0
    relevant = best.max(axis=0) >= _WORD_CUTOFF
    scores: dict[int, float | None] = {}
    for doc, cov, ok in zip(docs, coverage, relevant):
        if not ok:
            scores[doc["lnhpd_id"]] = None
            continue
        similarity = max(fuzz.token_sort_ratio(query, n.strip()) for n in doc["name_norm"].split("|")) / 100.0
        scores[doc["lnhpd_id"]] = 0.75 * float(cov) + 0.25 * similarity
    return scores


def open_database(path: Path | None = None) -> LicenceDB:
    """Open the LNHPD copy (default: the configured ``lnhpd_path``); raises ``LicenceDBMissing`` if not built."""
    db_path = Path(path) if path is not None else get_settings().lnhpd_path
    if not db_path.is_file():
        raise LicenceDBMissing(
            f"No LNHPD database at {db_path}. Build one with `cyclops lnhpd setup` (synthetic sample) "
            f"or `cyclops lnhpd import PATH...` (real downloads), or set CYCLOPS_LNHPD_DB."
        )
    try:
        db = LicenceDB(db_path)
        db.count()
    except sqlite3.DatabaseError as exc:
        raise LicenceDBMissing(f"{db_path} is not an LNHPD database built by Cyclops: {exc}") from exc
    return db
