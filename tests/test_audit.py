"""The tamper-evident record: every edit is chained to the one before it, and `cyclops audit verify` names the first broken link."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cyclops.audit import verify
from cyclops.edits import canonical_hash
from cyclops.model.analysis import Analysis, Edit
from cyclops.storage import Store, open_store


def _chain(store: Store, analysis_id: str = "a1", n: int = 4) -> list[Edit]:
    analysis = Analysis(analysis_id=analysis_id, created_at="2026-01-01T00:00:00+00:00")
    store.put_analysis(analysis)
    return [
        store.append_edit(analysis_id, Edit(analyst="ann", field="fields.npn.value", after=f"8000000{i}", base_version=i))
        for i in range(n)
    ]


def _cli(store: Store, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cyclops.cli", "audit", "verify", "--store", store.url, *args], capture_output=True, text=True, timeout=120
    )


def _rewrite(path: Path, change) -> None:
    record = json.loads(path.read_text())
    change(record)
    path.write_text(json.dumps(record, indent=1))


def test_each_edit_carries_the_hash_of_the_previous_one(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "store"))
    edits = _chain(store)
    assert edits[0].prev_hash == canonical_hash(store.get_json("analyses/a1/base.json"))
    assert [e.prev_hash for e in edits[1:]] == [e.hash for e in edits[:-1]]
    report = verify(store)
    assert report.ok() and (report.analyses, report.edits) == (1, 4) and report.heads == {"a1": edits[-1].hash}
    done = _cli(store, "--heads")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"head a1 {edits[-1].hash}" in done.stdout and "ok: 1 analyses, 4 edits, 0 broken" in done.stdout


@pytest.mark.parametrize(
    ("tamper", "key", "problem"),
    [
        ("value", "edits/000002.json", "altered"),
        ("rehash", "edits/000003.json", "does not follow"),
        ("result", "edits/000002.json", "replaying it"),
        ("delete", "edits/000002.json", "missing"),
        ("base", "edits/000001.json", "does not follow"),
        ("snapshot", "analysis.json", "altered"),
    ],
)
def test_verify_names_the_first_broken_link(tmp_path: Path, tamper: str, key: str, problem: str) -> None:
    from cyclops.edits import record_hash

    store = open_store(str(tmp_path / "store"))
    _chain(store)
    _chain(store, "a2", 2)  # an intact neighbour
    folder = tmp_path / "store" / "analyses" / "a1"
    if tamper == "value":  # an edit's value changed in place
        _rewrite(folder / "edits" / "000002.json", lambda r: r.update(after="80099999"))
    elif tamper == "rehash":  # changed and re-hashed: the next link no longer matches
        _rewrite(folder / "edits" / "000002.json", lambda r: (r.update(analyst="mallory"), r.update(hash=record_hash(r))))
    elif tamper == "result":  # value changed and re-hashed, but it no longer produces the recorded analysis
        _rewrite(folder / "edits" / "000002.json", lambda r: (r.update(after="80099999"), r.update(hash=record_hash(r))))
    elif tamper == "delete":
        (folder / "edits" / "000002.json").unlink()
    elif tamper == "base":
        _rewrite(folder / "base.json", lambda r: r["fields"]["company"].update(value="Someone Else"))
    elif tamper == "snapshot":
        _rewrite(folder / "analysis.json", lambda r: r["fields"]["npn"].update(value="80099999"))
    report = verify(store)
    assert len(report.broken) == 1 and report.heads.keys() == {"a2"}
    [broken] = report.broken
    assert broken.analysis_id == "a1" and broken.key == f"analyses/a1/{key}" and problem in broken.problem
    done = _cli(store)
    assert done.returncode == 1
    assert f"BROKEN a1: analyses/a1/{key}: " in done.stdout and "1 broken" in done.stdout


def test_a_tampered_snapshot_is_not_served(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "store"))
    _chain(store, n=2)
    _rewrite(tmp_path / "store" / "analyses" / "a1" / "analysis.json", lambda r: r["fields"]["npn"].update(value="80099999"))
    fresh = open_store(str(tmp_path / "store"))  # another process: nothing cached
    assert fresh.get_analysis("a1").fields.npn.value == "80000001"


def test_unchained_analyses_fail_unless_allowed(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "store"))
    # stored before bases existed: an unedited one is chained at its first edit; an edited one cannot be
    store.put_json("analyses/unedited/analysis.json", json.loads(Analysis(analysis_id="unedited").model_dump_json()))
    assert verify(store).ok()
    edit = store.append_edit("unedited", Edit(analyst="ann", field="fields.npn.value", after="80012345", base_version=0))
    assert edit.prev_hash == canonical_hash(store.get_json("analyses/unedited/base.json"))
    assert verify(store).ok() and store.get_analysis("unedited").version == 1
    old = Analysis(analysis_id="old", version=1)
    store.put_json("analyses/old/analysis.json", json.loads(old.model_dump_json()))
    store.put_json("analyses/old/edits/000001.json", json.loads(Edit(analyst="ann", field="fields.npn.value", base_version=0, seq=1).model_dump_json()))
    assert verify(store).unchained == ["old"] and store.get_analysis("old").version == 1
    assert _cli(store).returncode == 1
    allowed = _cli(store, "--allow-unchained")
    assert allowed.returncode == 0 and "unchained old" in allowed.stdout
