"""The catalogue on the embedded engine (montydb/SQLite), on a MongoDB wire-protocol server (nx-27017), on the pymongo
API (mongomock), rebuilt from a store, and written by two processes at once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cyclops.catalog import Catalog, open_catalog, summarize
from cyclops.errors import BadRequest
from cyclops.model.analysis import Analysis, Edit, Flag
from cyclops.storage import open_store


def _analysis(i: int, npn: str, company: str, flags: list[str], day: int = 1) -> Analysis:
    a = Analysis(analysis_id=f"2026010{day}T000000-{i:04d}", created_at=f"2026-01-0{day}T00:00:00+00:00")
    a.fields.npn.value = npn
    a.fields.company.value = company
    a.flags = [Flag(code=c, severity="high", message="m", message_fr="m") for c in flags]
    a.versions = {"cyclops": "0.1.0", "field_classifier": "m1"}
    return a


def _fill(cat: Catalog) -> None:
    for i in range(7):
        cat.index_analysis(_analysis(i, f"NPN 8000000{i % 3}", "Acme Naturals Inc." if i % 2 else "Boreal Health", ["npn_missing"] if i < 3 else []))
    edit = Edit(analyst="ann", field="fields.npn.value", after="1", base_version=0, seq=1, at="2026-03-01T12:00:00Z")
    a = _analysis(5, "80000002", "Acme Naturals Inc.", [], day=1)
    cat.index_analysis(a, [edit])
    cat.index_edit(a.analysis_id, edit)


def _check_queries(cat: Catalog) -> None:
    _fill(cat)
    assert len(cat.list_analyses().items) == 7
    assert {s.analysis_id[-4:] for s in cat.list_analyses(npn="80000001").items} == {"0001", "0004"}
    assert len(cat.list_analyses(company="acme naturals").items) == 3
    assert len(cat.list_analyses(flag="npn_missing").items) == 3
    assert [s.analysis_id[-4:] for s in cat.list_analyses(analyst="ann").items] == ["0005"]
    assert [s.analysis_id[-4:] for s in cat.list_analyses(since="2026-02-01").items] == ["0005"]
    assert cat.get(cat.list_analyses(analyst="ann").items[0].analysis_id).status == "in_review"
    # cursor pagination: every row once, newest first, then no cursor
    seen, cursor = [], None
    while True:
        page = cat.list_analyses(limit=3, cursor=cursor)
        seen += [s.analysis_id for s in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == sorted(seen, reverse=True) and len(seen) == len(set(seen)) == 7
    with pytest.raises(BadRequest):
        cat.list_analyses(limit=0)
    with pytest.raises(BadRequest):
        cat.list_analyses(since="last tuesday")


def test_embedded_catalogue_filters_and_cursor() -> None:
    cat = open_catalog()
    assert "montydb" in repr(cat)
    _check_queries(cat)
    # re-indexing the same analysis replaces its row (unique key), never duplicates it
    cat.index_analysis(_analysis(0, "80000000", "Boreal Health", []))
    assert len(cat.list_analyses(limit=100).items) == 7
    assert open_catalog().get("20260101T000000-0000") is not None  # persisted on disk


def test_catalogue_queries_over_the_mongodb_protocol(mongo_catalog: str) -> None:
    cat = open_catalog()
    assert repr(cat) == f"Catalog(mongodb {mongo_catalog})"
    _check_queries(cat)
    cat.index_analysis(_analysis(0, "80000000", "Boreal Health", []))  # a replace, never a second row
    assert len(cat.list_analyses(limit=100).items) == 7
    assert open_catalog().get("20260101T000000-0000").npn == "80000000"  # on the server, seen by a new client


#: one process's writes: every analysis of ``ids`` indexed at each of its versions, in a shuffled order
_WRITER = """
import random, sys
sys.path.insert(0, sys.argv[1])
from tests.test_catalog import _analysis
from cyclops.catalog import open_catalog
cat, parity = open_catalog(), int(sys.argv[2])
jobs = [(i, v) for i in range(20) for v in range(parity, 12, 2)]
random.Random(parity).shuffle(jobs)
for i, v in jobs:
    a = _analysis(i, f"8{v:07d}", "Acme", [])
    a.version = v
    cat.index_analysis(a)
"""


def test_two_processes_index_the_same_analyses(mongo_catalog: str) -> None:
    """Two replicas index the same 20 analyses at interleaved versions through one server: one row each, at the
    newest version (an older version never overwrites a newer one; a lost insert race becomes a replace)."""
    root = str(Path(__file__).resolve().parents[1])
    writers = [subprocess.Popen([sys.executable, "-c", _WRITER, root, str(parity)], stderr=subprocess.PIPE, text=True)
               for parity in (0, 1)]
    for writer in writers:
        _, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err
    rows = open_catalog().list_analyses(limit=100).items
    assert len(rows) == 20
    assert {(r.version, r.npn) for r in rows} == {(11, "80000011")}


def test_catalogue_queries_fake_mongo() -> None:
    import mongomock

    _check_queries(Catalog(mongomock.MongoClient()["cyclops"], "mongomock"))


def test_mongo_url_uses_pymongo_fake_mongo(configure, monkeypatch: pytest.MonkeyPatch) -> None:
    import mongomock


    configure(mongo_url="mongodb://db.example:27017", mongo_db="qa")
    with mongomock.patch(servers=(("db.example", 27017),)):
        cat = open_catalog()
        assert "mongodb qa" in repr(cat)
        cat.index_analysis(_analysis(1, "80000001", "Acme", ["x"]))
        assert cat.list_analyses(flag="x").items[0].npn == "80000001"


def test_summary_status() -> None:
    a = _analysis(1, "80000001", "Acme", ["x"])
    assert summarize(a).status == "new"
    edit = Edit(analyst="bob", field="flags[0].decision", after="confirmed", base_version=0, seq=1, at="2026-01-02T00:00:00+00:00")
    a.flags[0].decision = "confirmed"
    row = summarize(a, [edit])
    assert (row.status, row.open_flags, row.analysts, row.updated_at) == ("reviewed", 0, ["bob"], "2026-01-02T00:00:00+00:00")


def test_rebuild_from_store_alone(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "store"))
    for i in range(3):
        store.put_analysis(_analysis(i, f"8000000{i}", "Acme", ["npn_missing"]))
    store.append_edit("20260101T000000-0001", Edit(analyst="ann", field="fields.npn.value", after="9", base_version=0, at="2026-02-02T00:00:00Z"))
    store.put_json("analyses/20260101T000000-0002/source.json", {"source_key": "abc"})
    cat = open_catalog()
    cat.index_analysis(_analysis(9, "stale", "Gone", []))  # not in the store: must disappear
    assert cat.rebuild(store) == 3
    rows = cat.list_analyses().items
    assert sorted(r.analysis_id[-4:] for r in rows) == ["0000", "0001", "0002"]
    assert cat.list_analyses(analyst="ann").items[0].edits == 1
    assert cat.find_source("abc", "0.1.0+m1+default") == "20260101T000000-0002"  # made before thresholds were recorded: the defaults
