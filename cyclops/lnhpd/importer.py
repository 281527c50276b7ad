"""Import LNHPD JSON downloads (real or the synthetic sample) into the local SQLite copy.

Files may be bare JSON arrays or API pages (``{"metadata": {"pagination": ...},
"data": [...]}``), or a list of such pages. Every file is read and validated
before anything is written, and the whole import is one transaction, so a bad
file leaves the database exactly as it was. Rows are upserted by natural keys,
so importing the same files twice changes nothing.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from cyclops.lnhpd.records import ENDPOINTS
from cyclops.lnhpd.schema import FILL_WORDS, connect
from cyclops.lnhpd.synonyms import canonical_ingredient, synonyms
from cyclops.text.fold import digits, search_key, words

LANGUAGES = ("en", "fr")
# longest first: "nonmedicinalingredient" contains "medicinalingredient"
_ENDPOINT_NAMES = sorted(ENDPOINTS, key=len, reverse=True)
_LANG_IN_NAME = re.compile(r"(?:^|[^a-z])(?:lang[=_-]?)?(en|fr)(?:[^a-z]|$)")
#: keys that only one endpoint's records carry, for files whose name says nothing
_SIGNATURE_KEYS = [
    ("productlicence", {"licence_number"}),
    ("productrisk", {"risk_text"}),
    ("productpurpose", {"purpose"}),
    ("productdose", {"dose_id", "quantity_dose", "frequency", "population_type_desc"}),
    ("productroute", {"route_id", "route_type_desc"}),
    ("medicinalingredient", {"quantity", "potency_amount", "source_material", "quantity_unit_of_measure", "ingredient_Text"}),
    ("nonmedicinalingredient", {"ingredient_name"}),
]


class LicenceImportError(ValueError):
    """A download that can't be imported; the message names the file (and record and field)."""

    code = "lnhpd_import"


class ImportedFile(BaseModel):
    path: str
    endpoint: str
    language: str
    records: int


class ImportReport(BaseModel):
    files: list[ImportedFile] = Field(default_factory=list)
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    licences: int = 0  # licences in the database after the import

    @property
    def records(self) -> int:
        return self.inserted + self.updated + self.unchanged


def _expand(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.json") if p.is_file()))
        elif path.is_file():
            files.append(path)
        else:
            raise LicenceImportError(f"{path}: no such file or folder")
    return files


def _endpoint_from_path(path: Path) -> str | None:
    for part in [path.name, *(p.name for p in path.parents)]:
        name = part.lower()
        for endpoint in _ENDPOINT_NAMES:
            if endpoint in name:
                return endpoint
    return None


def _endpoint_from_keys(record: dict[str, Any]) -> str | None:
    keys = set(record)
    for endpoint, signature in _SIGNATURE_KEYS:
        if keys & signature:
            return endpoint
    return None


def _language(path: Path, lang: str | None) -> str | None:
    """From the file name ("productlicence-fr.json", "lang=fr"), else its folder ("fr/"), else ``lang``."""
    for name in (path.stem, path.parent.name):
        match = _LANG_IN_NAME.search(name.lower())
        if match:
            return match.group(1)
    return lang


def _records(path: Path, payload: Any) -> tuple[list[Any], int]:
    """The records of a file and the offset of its first record in the endpoint (for paginated pages)."""
    if isinstance(payload, dict) and "data" in payload:
        pages = [payload]
    elif isinstance(payload, list) and payload and all(isinstance(p, dict) and "data" in p and "metadata" in p for p in payload):
        pages = payload
    elif isinstance(payload, list):
        return payload, 0
    elif isinstance(payload, dict):
        return [payload], 0  # a single record, as the API returns for some id queries
    else:
        raise LicenceImportError(f"{path}: expected a JSON array of records or an API page, got {type(payload).__name__}")
    records: list[Any] = []
    offset = 0
    for number, page in enumerate(pages):
        data = page["data"]
        if not isinstance(data, list):
            raise LicenceImportError(f"{path}: page {number}: 'data' must be a list, got {type(data).__name__}")
        if number == 0:
            pagination = (page.get("metadata") or {}).get("pagination") or {}
            try:
                offset = (int(pagination.get("page", 1)) - 1) * int(pagination.get("limit", 0))
            except (TypeError, ValueError):
                offset = 0
        records.extend(data)
    return records, max(offset, 0)


def _natural_key(endpoint: str, record: dict[str, Any]) -> str:
    """What identifies a record within its licence and language, so a re-import updates it in place."""
    def pick(*names: str) -> str:
        return "|".join("" if record.get(n) is None else str(record.get(n)) for n in names)

    if endpoint == "productlicence":
        return ""
    if endpoint == "medicinalingredient":
        return pick("ingredient_name", "source_material", "potency_constituent", "extract_type_desc")
    if endpoint == "nonmedicinalingredient":
        return pick("ingredient_name")
    if endpoint == "productpurpose":
        return pick("text_id") if record.get("text_id") is not None else pick("purpose")
    if endpoint == "productrisk":
        return pick("risk_id") if record.get("risk_id") is not None else pick("risk_type_desc", "risk_text")
    if endpoint == "productdose":
        return pick("dose_id") if record.get("dose_id") is not None else json.dumps(record, sort_keys=True)
    return pick("route_id") if record.get("route_id") is not None else pick("route_type_desc")


def _read_file(path: Path, lang: str | None) -> tuple[ImportedFile, list[tuple[str, str, int, str, int, str]]]:
    try:
        payload = json.loads(path.read_bytes())
    except json.JSONDecodeError as exc:
        raise LicenceImportError(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise LicenceImportError(f"{path}: cannot read: {exc}") from exc
    raw, offset = _records(path, payload)
    endpoint = _endpoint_from_path(path)
    if endpoint is None and raw and isinstance(raw[0], dict):
        endpoint = _endpoint_from_keys(raw[0])
    if endpoint is None:
        raise LicenceImportError(f"{path}: cannot tell which LNHPD endpoint this is; name it like productlicence-en.json")
    language = _language(path, lang)
    if language not in LANGUAGES:
        raise LicenceImportError(f"{path}: cannot tell the language; put 'en' or 'fr' in the file or folder name, or pass --lang")
    model = ENDPOINTS[endpoint]
    rows = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            raise LicenceImportError(f"{path}: record {index}: expected an object, got {type(item).__name__}")
        try:
            record = model.model_validate(item)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"]) or "(record)"
            raise LicenceImportError(f"{path}: record {index}: field '{field}': {first['msg']} ({exc.error_count()} error(s) in this record)") from exc
        data = record.model_dump(mode="json", by_alias=True)
        key = _natural_key(endpoint, data)
        rows.append((endpoint, language, record.lnhpd_id, key, offset + index, json.dumps(data, ensure_ascii=False, sort_keys=True)))
    return ImportedFile(path=str(path), endpoint=endpoint, language=language, records=len(rows)), rows


def _load_endpoint(conn: sqlite3.Connection, endpoint: str, lnhpd_id: int, language: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT data FROM records WHERE endpoint = ? AND lnhpd_id = ? AND language = ? ORDER BY seq, rkey",
        (endpoint, lnhpd_id, language),
    ).fetchall()
    return [json.loads(r[0]) for r in rows]


def _refresh_licence(conn: sqlite3.Connection, lnhpd_id: int) -> None:
    """Rebuild the derived rows (licences, search_doc, search_fts) of one licence."""
    conn.execute("DELETE FROM licences WHERE lnhpd_id = ?", (lnhpd_id,))
    conn.execute("DELETE FROM search_doc WHERE lnhpd_id = ?", (lnhpd_id,))
    conn.execute("DELETE FROM search_fts WHERE rowid = ?", (lnhpd_id,))
    licences = {lang: _load_endpoint(conn, "productlicence", lnhpd_id, lang) for lang in LANGUAGES}
    licences = {lang: recs[0] for lang, recs in licences.items() if recs}
    if not licences:
        return  # ingredients etc. without a licence record yet: searchable once the licence arrives
    for lang, lic in licences.items():
        number = str(lic["licence_number"])
        conn.execute("INSERT INTO licences VALUES (?, ?, ?, ?, ?)", (lnhpd_id, lang, number, digits(number), int(lic.get("flag_product_status") != 0)))
    main = licences.get("en") or licences["fr"]
    names = list(dict.fromkeys(search_key(lic["product_name"]) for lic in licences.values()))
    company = main.get("company_name") or ""
    terms: list[str] = []
    keys: list[str] = []
    for lang in LANGUAGES:
        for ingredient in _load_endpoint(conn, "medicinalingredient", lnhpd_id, lang):
            name = ingredient["ingredient_name"]
            keys.append(canonical_ingredient(name))
            terms.extend(search_key(s) for s in sorted(synonyms(name)))
    terms = list(dict.fromkeys(t for t in terms if t))
    keys = list(dict.fromkeys(keys))
    name_norm = " | ".join(names)
    company_norm = search_key(company)
    conn.execute(
        "INSERT INTO search_doc VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (lnhpd_id, str(main["licence_number"]), main["product_name"], company, int(main.get("flag_product_status") != 0),
         name_norm, company_norm, "|".join(terms), "|".join(keys)),
    )
    conn.execute("INSERT INTO search_fts (rowid, name, company, ingredients) VALUES (?, ?, ?, ?)", (lnhpd_id, name_norm, company_norm, " | ".join(terms)))


_VOCAB_FIELDS = {
    "productlicence": ("product_name", "company_name", "dosage_form"),
    "medicinalingredient": ("ingredient_name", "source_material", "potency_constituent", "extract_type_desc"),
    "nonmedicinalingredient": ("ingredient_name",),
    "productpurpose": ("purpose",),
    "productrisk": ("risk_text", "risk_type_desc"),
    "productdose": ("population_type_desc", "uom_type_desc_quantity_dose", "uom_type_desc_frequency"),
    "productroute": ("route_type_desc",),
}


def _refresh_vocab(conn: sqlite3.Connection, language: str) -> None:
    counts: Counter[str] = Counter()
    for endpoint, data in conn.execute("SELECT endpoint, data FROM records WHERE language = ?", (language,)):
        record = json.loads(data)
        for field in _VOCAB_FIELDS[endpoint]:
            value = record.get(field)
            if isinstance(value, str):
                counts.update(words(value))
    conn.execute("DELETE FROM vocab WHERE language = ?", (language,))
    conn.executemany("INSERT INTO vocab VALUES (?, ?, ?)", ((language, w, n) for w, n in counts.items()))


def import_paths(paths: list[Path], db_path: Path, lang: str | None = None) -> ImportReport:
    """Import files and folders of LNHPD JSON into ``db_path`` (created if needed), all or nothing.

    ``lang`` ("en"/"fr") is used for files whose name doesn't say their language.
    Raises ``LicenceImportError`` naming the file, record and field of the first problem.
    """
    if lang is not None and lang not in LANGUAGES:
        raise LicenceImportError(f"language must be one of {LANGUAGES}, got {lang!r}")
    files = _expand(paths)
    if not files:
        raise LicenceImportError(f"no .json files found in {', '.join(str(p) for p in paths)}")
    report = ImportReport()
    all_rows = []
    for path in files:  # read and validate everything before touching the database
        info, rows = _read_file(path, lang)
        report.files.append(info)
        all_rows.extend(rows)

    conn = connect(db_path, create=True)
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            touched: set[int] = set()
            languages: set[str] = set()
            for endpoint, language, lnhpd_id, key, seq, data in all_rows:
                old = conn.execute(
                    "SELECT data, seq FROM records WHERE endpoint = ? AND language = ? AND lnhpd_id = ? AND rkey = ?",
                    (endpoint, language, lnhpd_id, key),
                ).fetchone()
                if old is None:
                    report.inserted += 1
                elif old[0] != data:
                    report.updated += 1
                else:
                    report.unchanged += 1
                    if old[1] == seq:
                        continue
                conn.execute(
                    "INSERT INTO records VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (endpoint, language, lnhpd_id, rkey) "
                    "DO UPDATE SET seq = excluded.seq, data = excluded.data",
                    (endpoint, language, lnhpd_id, key, seq, data),
                )
                touched.add(lnhpd_id)
                languages.add(language)
            for lnhpd_id in sorted(touched):
                _refresh_licence(conn, lnhpd_id)
            for language in sorted(languages):
                _refresh_vocab(conn, language)
            if touched:
                conn.execute("DELETE FROM search_words")
                conn.execute(FILL_WORDS.format(schema=""))
            report.licences = conn.execute("SELECT COUNT(*) FROM search_doc").fetchone()[0]
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    finally:
        conn.close()
    return report
