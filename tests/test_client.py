"""MapiClient in-process and over HTTP, including an S3 outage: 503 -> outbox -> delivered after restart."""

from __future__ import annotations

import time

import pytest

from cyclops.client import AuthError, ConflictError, MapiClient, NotFound, StorageUnavailable
from cyclops.model.analysis import Analysis, Edit
from cyclops.service.operations import Services
from cyclops.settings import Settings, get_settings
from cyclops.storage import open_store
from tests.servers import free_port


def _seed(settings: Settings, analysis_id: str = "20260101T000000-c1") -> str:
    services = Services(settings)
    a = Analysis(analysis_id=analysis_id, created_at="2026-01-01T00:00:00+00:00")
    a.fields.npn.value = "80012345"
    services.store.put_analysis(a)
    services.catalog.index_analysis(a)
    return analysis_id


def test_in_process_client(configure, monkeypatch: pytest.MonkeyPatch, lnhpd_sample) -> None:
    configure(lnhpd_db=str(lnhpd_sample[0]))
    aid = _seed(get_settings())
    client = MapiClient()
    assert client.base_url is None
    assert client.get_analysis(aid).fields.npn.value == "80012345"
    updated = client.post_edit(aid, Edit(analyst="ann", field="fields.npn.value", after="80000001", base_version=0))
    assert updated.version >= 1 and updated.fields.npn.value == "80000001"  # 2 when the flags were re-checked
    with pytest.raises(ConflictError):
        client.post_edit(aid, Edit(analyst="bob", field="fields.npn.value", after="2", base_version=0))
    assert [e.analyst for e in client.edits(aid)][0] == "ann" and {e.analyst for e in client.edits(aid)} <= {"ann", "cyclops"}
    page = client.list_analyses(analyst="ann")
    assert [s.analysis_id for s in page.items] == [aid] and page.next_cursor is None
    en, _ = lnhpd_sample[1][3]
    product = client.get_product(en.licence.licence_number)
    assert product["en"].licence.lnhpd_id == en.licence.lnhpd_id and product["fr"].language == "fr"
    assert client.search_products(en.licence.product_name)[0].licence_number == en.licence.licence_number
    with pytest.raises(NotFound):
        client.get_analysis("missing")
    with pytest.raises(NotFound):
        client.photo("0" * 64)


def test_unreachable_mapi_queues_edits() -> None:
    client = MapiClient(f"http://127.0.0.1:{free_port()}", retries=2, backoff=0.01)
    with pytest.raises(StorageUnavailable):
        client.get_analysis("a1")
    with pytest.raises(StorageUnavailable, match="outbox"):
        client.post_edit("a1", Edit(analyst="ann", field="fields.npn.value", after="1", base_version=0))
    assert [(a, e.analyst) for a, e in client.pending_edits()] == [("a1", "ann")]
    assert MapiClient(client.base_url).pending_edits() != []  # durable: a new client (or process) sees it
    assert client.flush_outbox() == 0  # still down: nothing delivered, nothing lost
    assert len(client.pending_edits()) == 1


def test_edit_during_s3_outage_arrives_after_it(own_s3_server, start_mapi, tmp_path) -> None:
    bucket = own_s3_server.create_bucket()
    tokens = tmp_path / "tokens"
    tokens.write_text("tok-0123456789abcdef ann analyst\n")  # edits are recorded under the token's user
    env = {
        "CYCLOPS_DATA_DIR": str(tmp_path / "server"),
        "CYCLOPS_STORE": f"s3://{bucket}/cyclops",
        "CYCLOPS_S3_ENDPOINT_URL": own_s3_server.endpoint,
        "CYCLOPS_MAPI_TOKENS_FILE": str(tokens),
        "CYCLOPS_MAPI_WORKERS": "-1",
    }
    settings = Settings(data_dir=tmp_path / "server", store=env["CYCLOPS_STORE"], s3_endpoint_url=own_s3_server.endpoint)
    aid = _seed(settings)
    mapi = start_mapi(env)
    with pytest.raises(AuthError):
        MapiClient(mapi.url, token="wrong").get_analysis(aid)
    client = MapiClient(mapi.url, token="tok-0123456789abcdef", retries=2, backoff=0.05)
    assert client.get_analysis(aid).version == 0

    own_s3_server.stop()
    edit = Edit(analyst="ann", field="fields.npn.value", after="80099999", reason="misread", base_version=0)
    t0 = time.monotonic()
    with pytest.raises(StorageUnavailable):
        client.post_edit(aid, edit)
    assert time.monotonic() - t0 < 30
    assert len(client.pending_edits()) == 1
    assert client.flush_outbox() == 0  # still down

    own_s3_server.start()
    assert client.flush_outbox() == 1
    assert client.pending_edits() == []
    stored = open_store(settings=settings).edits(aid)
    assert [(e.analyst, e.after, e.seq) for e in stored] == [("ann", "80099999", 1)]
    assert client.get_analysis(aid).fields.npn.value == "80099999"


def test_in_process_analysis_credits_its_sender_and_faces(configure, lnhpd_sample) -> None:
    """The embedded default records who sent the photos and each photo's face, as mapi does over HTTP."""
    from cyclops.errors import BadRequest
    from tests.samples import label_photo

    configure(lnhpd_db=str(lnhpd_sample[0]))
    photo = label_photo([("NPN 80012345", (40, 40, 400, 90)), ("Vitamin D 1000 IU", (40, 120, 500, 170))])
    client = MapiClient()
    analysis = client.analyze([("front.png", photo)], faces=["front"], user="carol")
    stored = client.get_analysis(analysis.analysis_id)
    assert stored.submitted_by == "carol" and [info.face for info in stored.images] == ["front"]
    assert client.list_analyses().items[0].submitted_by == "carol"
    with pytest.raises(BadRequest):
        client.analyze([("front.png", photo)], faces=["front", "back"], user="carol")
