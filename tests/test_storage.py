"""The object store against a local folder, a real S3 server (moto) and a real Azure Blob server (Azurite)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from cyclops.errors import ConflictError, NotFound, ObjectExists, StorageUnavailable
from cyclops.model.analysis import Analysis, Edit
from cyclops.model.ocr import Block, Document, Line, Page, Word
from cyclops.storage import Store, StoreConfigError, open_store


@pytest.fixture(params=["local", "s3", "az"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    if request.param == "local":
        return open_store(str(tmp_path / "store"))
    return open_store(request.getfixturevalue(f"{request.param}_store_url"))


def _doc() -> Document:
    page = Page(image_id="img0", width=10, height=10, blocks=[Block(lines=[Line(words=[Word(text="NPN 80012345")])])])
    return Document(engine="tesseract", engine_version="5.3.0", pages=[page])


def test_photo_is_content_addressed(store: Store) -> None:
    data = b"\xff\xd8 not really a jpeg"
    sha = store.put_photo(data)
    assert sha == hashlib.sha256(data).hexdigest()
    assert store.put_photo(data) == sha  # idempotent
    assert store.get_photo(sha) == data
    assert store.list("photos") == [sha]
    with pytest.raises(NotFound):
        store.get_photo("0" * 64)
    with pytest.raises(NotFound):
        store.get_photo("../../etc/passwd")


def test_ocr_and_analysis_round_trip(store: Store) -> None:
    sha = store.put_photo(b"photo")
    key = store.put_ocr(sha, _doc())
    assert key == f"ocr/{sha}/tesseract-5.3.0.json"
    assert store.get_ocr(sha, "tesseract", "5.3.0").pages[0].text == "NPN 80012345"
    assert store.get_ocr(sha, "rapidocr", "3.0") is None

    analysis = Analysis(analysis_id="a1")
    analysis.fields.npn.value = "80012345"
    store.put_analysis(analysis)
    store.put_analysis(analysis)  # storing an unedited analysis again is allowed
    analysis.version = 1
    with pytest.raises(ValueError):
        store.put_analysis(analysis)  # a later version is made by an edit, never written directly
    assert store.get_analysis("a1").version == 0
    assert store.analysis_ids() == ["a1"]
    with pytest.raises(NotFound):
        store.get_analysis("missing")


def test_edits_are_append_only(store: Store) -> None:
    store.put_analysis(Analysis(analysis_id="a1"))
    first = store.append_edit("a1", Edit(analyst="ann", field="fields.npn.value", after="1", base_version=0))
    second = store.append_edit("a1", Edit(analyst="bob", field="fields.npn.value", after="2", base_version=1))
    assert (first.seq, second.seq) == (1, 2)
    assert second.before == "1" and second.prev_hash == first.hash  # recorded by the store, chained
    assert [e.analyst for e in store.edits("a1")] == ["ann", "bob"]
    with pytest.raises(ObjectExists):
        store.put("analyses/a1/edits/000001.json", b"{}", exclusive=True)
    assert store.edits("a1")[0].after == "1"  # the first edit was not rewritten
    with pytest.raises(ConflictError):  # a second edit at version 1 is refused, not renumbered
        store.append_edit("a1", Edit(analyst="cy", field="fields.npn.value", after="3", base_version=1))
    with pytest.raises(ObjectExists):  # the base of an edited analysis is immutable
        store.put_analysis(Analysis(analysis_id="a1"))
    assert store.get_analysis("a1").fields.npn.value == "2"


def test_exclusive_put_is_create_only(store: Store) -> None:
    store.put("k/x.json", b"first", exclusive=True)
    with pytest.raises(ObjectExists):
        store.put("k/x.json", b"second", exclusive=True)
    assert store.get("k/x.json") == b"first"


def test_local_writes_leave_no_temporary_files(tmp_path: Path) -> None:
    store = open_store(str(tmp_path))
    store.put("x/y.json", b"1")
    store.put("x/y.json", b"2")
    assert sorted(p.name for p in (tmp_path / "x").iterdir()) == ["y.json"]
    assert store.get("x/y.json") == b"2"


def test_default_store_is_under_data_dir() -> None:
    from cyclops.settings import get_settings

    store = Store()
    assert store.root == str((get_settings().data_dir / "store").resolve())


def test_unreachable_s3_raises_storage_unavailable(own_s3_server, configure) -> None:
    bucket = own_s3_server.create_bucket()
    configure(s3_endpoint_url=own_s3_server.endpoint)
    store = open_store(f"s3://{bucket}")
    store.put("k", b"v")
    own_s3_server.stop()
    with pytest.raises(StorageUnavailable):
        store.get("k")
    with pytest.raises(StorageUnavailable):
        store.ping()
    own_s3_server.start()
    assert store.get("k") == b"v"


def test_unknown_scheme_and_missing_azure_package_are_clear() -> None:
    with pytest.raises(StoreConfigError, match="unsupported store URL"):
        open_store("ftp://host/x")
    try:
        import adlfs  # noqa: F401
    except ImportError:
        with pytest.raises(StoreConfigError, match="adlfs"):
            open_store("az://container/prefix")


def test_a_process_behind_the_log_cannot_take_a_taken_version(store: Store) -> None:
    """Two processes on one store: the one whose state is behind is stopped by the create-only write (409), then
    catches up; it never overwrites or renumbers the other's edit."""
    other = open_store(store.url)
    store.put_analysis(Analysis(analysis_id="a1"))
    assert store.get_analysis("a1").version == 0 and other.get_analysis("a1").version == 0
    other.append_edit("a1", Edit(analyst="bob", field="fields.npn.value", after="1", base_version=0))
    with pytest.raises(ConflictError):  # this process still holds version 0
        store.append_edit("a1", Edit(analyst="ann", field="fields.npn.value", after="2", base_version=0))
    assert store.append_edit("a1", Edit(analyst="ann", field="fields.npn.value", after="3", base_version=1)).seq == 2
    assert [(e.analyst, e.after) for e in other.edits("a1")] == [("bob", "1"), ("ann", "3")]
