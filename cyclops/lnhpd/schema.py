"""The SQLite layout of the local LNHPD copy, shared by the importer and the reader.

Raw records are kept as the API gave them (one table, keyed by endpoint,
language, licence and a natural key) so nothing the API adds is lost; two
derived tables make lookups fast: ``search_doc`` (one folded row per licence,
indexed by the trigram FTS5 table ``search_fts`` and the word FTS5 table
``search_words``) and ``vocab`` (word counts per language for spell correction).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

SCHEMA_VERSION = "1"

DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    endpoint TEXT NOT NULL,
    language TEXT NOT NULL,
    lnhpd_id INTEGER NOT NULL,
    rkey TEXT NOT NULL,
    seq INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (endpoint, language, lnhpd_id, rkey)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS records_by_licence ON records (lnhpd_id, language);
CREATE TABLE IF NOT EXISTS licences (
    lnhpd_id INTEGER NOT NULL,
    language TEXT NOT NULL,
    licence_number TEXT NOT NULL,
    digits TEXT NOT NULL,
    active INTEGER NOT NULL,
    PRIMARY KEY (lnhpd_id, language)
);
CREATE INDEX IF NOT EXISTS licences_by_digits ON licences (digits, language);
CREATE TABLE IF NOT EXISTS search_doc (
    lnhpd_id INTEGER PRIMARY KEY,
    licence_number TEXT NOT NULL,
    product_name TEXT NOT NULL,
    company_name TEXT NOT NULL,
    active INTEGER NOT NULL,
    name_norm TEXT NOT NULL,
    company_norm TEXT NOT NULL,
    ingredient_terms TEXT NOT NULL,
    ingredient_keys TEXT NOT NULL
);
CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(name, company, ingredients, tokenize = 'trigram');
CREATE VIRTUAL TABLE IF NOT EXISTS search_words USING fts5(name, company, ingredients, tokenize = 'unicode61');
CREATE TABLE IF NOT EXISTS vocab (
    language TEXT NOT NULL,
    word TEXT NOT NULL,
    freq INTEGER NOT NULL,
    PRIMARY KEY (language, word)
) WITHOUT ROWID;
"""


def connect(path: Path, *, create: bool = False, read_only: bool = False) -> sqlite3.Connection:
    """Open the database; ``create`` makes the file and tables when missing."""
    if read_only:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
    else:
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    if create and not read_only:
        conn.executescript(DDL)
        conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,))
    return conn


#: fills the word index from ``search_doc`` (whole, after every import: seconds at 150,000 licences)
FILL_WORDS = """INSERT INTO {schema}search_words (rowid, name, company, ingredients)
SELECT lnhpd_id, name_norm, company_norm, replace(ingredient_terms, '|', ' | ') FROM search_doc"""


def ensure_word_index(conn: sqlite3.Connection) -> None:
    """A database built before ``search_words`` existed gets one in memory, for this connection only."""
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'search_words'").fetchone():
        return
    conn.execute("CREATE VIRTUAL TABLE temp.search_words USING fts5(name, company, ingredients, tokenize = 'unicode61')")
    conn.execute(FILL_WORDS.format(schema="temp."))


def get_meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def set_meta(db_path: Path, key: str, value: str) -> None:
    """Remember a fact about the database (e.g. which sample it holds)."""
    conn = connect(db_path, create=True)
    try:
        conn.execute("INSERT INTO meta VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))
    finally:
        conn.close()
