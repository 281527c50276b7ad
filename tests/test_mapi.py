"""mapi as a real uvicorn process, spoken to over HTTP: auth, limits, edits, listing, OCR, products, health, metrics."""

from __future__ import annotations

import io
import json
import threading
import time
from pathlib import Path

import httpx
import pytest
from PIL import Image, ImageDraw, ImageFont

from cyclops.model.analysis import Analysis, Edit, Flag
from cyclops.service.operations import Services
from cyclops.settings import Settings
from tests.servers import MapiLauncher

TOKEN = "s3cret-token-of-ann-0123"
SERVICE_TOKEN = "s3cret-token-of-the-workbench-4567"  # a service: acts for the user it names (X-Cyclops-User)
REPO = Path(__file__).resolve().parents[1]


def label_png(size: tuple[int, int] = (1400, 900), lines: tuple[str, ...] = ("Vitamin D3 1000 IU", "NPN 80012345", "Acme Naturals Inc.")) -> bytes:
    img = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 44)
    for i, text in enumerate(lines):
        draw.text((60, 60 + i * 110), text, font=font, fill="black")
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def seed(settings: Settings, n: int) -> list[str]:
    """Store and index n analyses directly (the pipeline has its own tests)."""
    services = Services(settings)
    ids = []
    for i in range(n):
        a = Analysis(analysis_id=f"20260101T0000{i:02d}-seed", created_at="2026-01-01T00:00:00+00:00")
        a.fields.npn.value = f"8000000{i % 2}"
        a.fields.company.value = "Acme Naturals" if i % 2 else "Boreal Health"
        a.flags = [Flag(code="npn_missing", severity="high", message="m", message_fr="m")] if i < 2 else []
        services.store.put_analysis(a)
        services.catalog.index_analysis(a)
        ids.append(a.analysis_id)
    return ids


@pytest.fixture(scope="module")
def mapi(tmp_path_factory: pytest.TempPathFactory, lnhpd_sample):
    """One mapi for the module: token auth, tight limits, a local store, 5 seeded analyses."""
    data_dir = tmp_path_factory.mktemp("mapi-data")
    tokens = data_dir / "tokens"
    tokens.write_text(f"{TOKEN} ann analyst\n{SERVICE_TOKEN} workbench service\n")
    env = {
        "CYCLOPS_DATA_DIR": str(data_dir),
        "CYCLOPS_MAPI_TOKENS": "other",
        "CYCLOPS_MAPI_TOKENS_FILE": str(tokens),
        "CYCLOPS_MAX_PHOTOS": "2",
        "CYCLOPS_MAX_FILE_BYTES": "400000",
        "CYCLOPS_MAX_PIXELS": "2000000",
        "CYCLOPS_LNHPD_DB": str(lnhpd_sample[0]),
        "CYCLOPS_OCR_ENGINE": "tesseract",
        "OMP_THREAD_LIMIT": "1",
    }
    settings = Settings(data_dir=data_dir, lnhpd_db=lnhpd_sample[0])
    ids = seed(settings, 5)
    launcher = MapiLauncher(tmp_path_factory.mktemp("mapi-logs"))
    proc = launcher.start(env)
    proc.ids = ids  # type: ignore[attr-defined]
    yield proc
    launcher.stop_all()


@pytest.fixture()
def http(mapi) -> httpx.Client:
    with mapi.client(TOKEN) as client:
        yield client


def test_auth_health_and_request_ids(mapi) -> None:
    assert httpx.get(f"{mapi.url}/healthz").json() == {"status": "ok"}
    no_token = httpx.get(f"{mapi.url}/v1/analyses")
    assert no_token.status_code == 401 and no_token.json()["error"] == "unauthorized"
    wrong = httpx.get(f"{mapi.url}/v1/analyses", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 403 and wrong.json()["error"] == "forbidden"
    ok = httpx.get(f"{mapi.url}/v1/analyses", headers={"Authorization": f"Bearer {TOKEN}", "X-Request-ID": "req-42"})
    assert ok.status_code == 200 and ok.headers["X-Request-ID"] == "req-42"
    assert len(httpx.get(f"{mapi.url}/healthz").headers["X-Request-ID"]) == 32
    deadline = time.monotonic() + 120  # the pool's workers load the models first: ready once they have
    while (ready := httpx.get(f"{mapi.url}/readyz", timeout=30)).status_code != 200 and time.monotonic() < deadline:
        assert ready.status_code == 503 and ready.json()["status"] == "not_ready"
        time.sleep(1)
    assert ready.status_code == 200 and ready.json()["status"] == "ready", ready.json()
    assert ready.json()["workers"] == "ok" and "store" in ready.json()
    time.sleep(0.2)
    logged = [json.loads(line) for line in mapi.logs().splitlines() if line.startswith("{")]
    assert any(entry.get("request_id") == "req-42" and entry.get("status") == 200 and entry.get("user") == "ann" for entry in logged)


def test_limits_answer_with_json_errors(http) -> None:
    small = label_png((300, 200))
    too_many = http.post("/v1/analyses", files=[("photos", (f"p{i}.png", small)) for i in range(3)])
    assert too_many.status_code == 413 and too_many.json()["error"] == "too_many_photos"
    big_file = http.post("/v1/analyses", files=[("photos", ("big.png", b"\x89PNG" + b"0" * 400_001))])
    assert big_file.status_code == 413 and big_file.json()["error"] == "file_too_large"
    huge_request = http.post("/v1/ocr", content=b"x" * 2_000_000, headers={"Content-Type": "multipart/form-data; boundary=x"})
    assert huge_request.status_code == 413 and huge_request.json()["error"] == "request_too_large"
    buf = io.BytesIO()
    Image.new("L", (2000, 1500), 255).save(buf, "PNG", optimize=True)  # 3 Mpx in a few kB: a decompression bomb in miniature
    bomb = http.post("/v1/ocr", files={"photo": ("bomb.png", buf.getvalue())})
    assert bomb.status_code == 413 and bomb.json()["error"] == "image_too_large", bomb.text
    corrupt = http.post("/v1/ocr", files={"photo": ("x.jpg", b"\xff\xd8\xff\xe0 truncated")})
    assert corrupt.status_code == 422 and corrupt.json()["error"] in ("corrupt_image", "unsupported_file_type")
    assert "x.jpg" in corrupt.json()["message"]
    missing = http.post("/v1/analyses", data={"engine": "tesseract"})
    assert missing.status_code == 422 and missing.json()["error"] == "invalid_request"


def test_edits_and_stale_version_conflict(http, mapi) -> None:
    aid = mapi.ids[4]
    first = http.post(f"/v1/analyses/{aid}/edits", json=Edit(analyst="ann", field="fields.npn.value", after="80099999", base_version=0).model_dump())
    assert first.status_code == 200 and first.json()["fields"]["npn"]["value"] == "80099999"
    # another NPN changes what the rules say (NPN not found): the re-check is the server's own edit, version 2
    assert first.json()["version"] == 2 and any(f["raised_at_version"] == 1 for f in first.json()["flags"])
    stale = http.post(f"/v1/analyses/{aid}/edits", json=Edit(analyst="bob", field="fields.npn.value", after="1", base_version=0).model_dump())
    assert stale.status_code == 409 and stale.json()["error"] == "conflict"
    bad = http.post(f"/v1/analyses/{aid}/edits", json=Edit(analyst="ann", field="fields.nope", after="1", base_version=2).model_dump())
    assert bad.status_code == 422 and bad.json()["error"] == "invalid_path"
    edits = http.get(f"/v1/analyses/{aid}/edits").json()
    assert [(e["analyst"], e["seq"], e["field"]) for e in edits] == [("ann", 1, "fields.npn.value"), ("cyclops", 2, "flags")]
    assert edits[0]["at"]
    assert http.get(f"/v1/analyses/{aid}").json()["fields"]["npn"]["value"] == "80099999"
    assert http.get("/v1/analyses/nope-404").status_code == 404
    listed = http.get("/v1/analyses", params={"analyst": "ann"}).json()["items"]
    assert [row["analysis_id"] for row in listed] == [aid] and listed[0]["status"] == "in_review"


def test_list_filters_and_cursor(http, mapi) -> None:
    assert len(http.get("/v1/analyses", params={"flag": "npn_missing"}).json()["items"]) == 2
    assert len(http.get("/v1/analyses", params={"company": "acme"}).json()["items"]) == 2
    ids, cursor = [], None
    while True:
        page = http.get("/v1/analyses", params={"limit": 2, **({"cursor": cursor} if cursor else {})}).json()
        ids += [row["analysis_id"] for row in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(ids) == sorted(mapi.ids)
    assert http.get("/v1/analyses", params={"limit": 0}).status_code == 422
    urgent = http.get("/v1/analyses", params={"order": "priority", "limit": 500}).json()["items"]
    assert [r["priority"] for r in urgent] == sorted((r["priority"] for r in urgent), reverse=True) and len(urgent) == len(mapi.ids)
    assert http.get("/v1/analyses", params={"status": "signed_off"}).json()["items"] == []
    for bad in ({"order": "alphabetical"}, {"colour": "red"}):  # one definition of the filters (AnalysisQuery): nothing else
        assert http.get("/v1/analyses", params=bad).status_code == 422


def test_products(http, lnhpd_sample) -> None:
    en, fr = lnhpd_sample[1][0]
    product = http.get(f"/v1/products/{en.licence.licence_number}").json()
    assert product["en"]["licence"]["product_name"] == en.licence.product_name
    assert product["fr"]["language"] == "fr"
    hits = http.get("/v1/products", params={"q": en.licence.product_name}).json()
    assert hits[0]["licence_number"] == en.licence.licence_number
    assert http.get("/v1/products/99999999").json()["error"] == "product_not_found"


def test_ocr_runs_off_the_event_loop_and_is_counted(http, mapi) -> None:
    png = label_png()
    result: dict[str, httpx.Response] = {}
    done = threading.Event()

    def post() -> None:
        result["r"] = http.post("/v1/ocr", files={"photo": ("label.png", png)})
        done.set()

    worker = threading.Thread(target=post)
    worker.start()
    answered_during_ocr = 0
    while not done.is_set():
        assert httpx.get(f"{mapi.url}/healthz", timeout=30).status_code == 200
        if not done.is_set():  # answered while the OCR request was still running: the event loop was free
            answered_during_ocr += 1
        time.sleep(0.05)
    worker.join()
    # ordering, not a stopwatch: /healthz answered (several times) before the OCR job finished
    assert answered_during_ocr >= 2
    doc = result["r"].json()
    assert result["r"].status_code == 200 and "80012345" in json.dumps(doc)
    again = http.post("/v1/ocr", files={"photo": ("label.png", png)})
    assert again.json() == doc  # the second read comes from the store
    import hashlib

    assert http.get(f"/v1/photos/{hashlib.sha256(png).hexdigest()}").content == png
    metrics = httpx.get(f"{mapi.url}/metrics").text
    assert 'mapi_requests_total{method="POST",route="/v1/ocr",status="200"} 2.0' in metrics
    assert 'mapi_ocr_cache_total{result="hit"} 1.0' in metrics
    assert "mapi_ocr_seconds_count 1.0" in metrics
    assert 'mapi_request_seconds_bucket{le="0.005",route="/healthz"}' in metrics


def test_analysis_end_to_end_over_http(http, mapi) -> None:
    """The real pipeline behind POST /v1/analyses (needs the shipped field classifier)."""
    png = label_png((900, 400), ("Vitamin C 500 mg", "NPN 80012345"))
    response = http.post("/v1/analyses", files=[("photos", ("front.png", png))], data={"engine": "tesseract"})
    assert response.status_code == 200, response.text
    analysis = response.json()
    assert analysis["analysis_id"] and analysis["images"][0]["filename"] == "front.png"
    assert analysis["versions"]["field_classifier"].startswith("packaged-")  # no registry yet: the packaged model
    assert http.get(f"/v1/analyses/{analysis['analysis_id']}").json()["analysis_id"] == analysis["analysis_id"]
    listed = http.get("/v1/analyses", params={"limit": 1}).json()["items"]
    assert listed[0]["analysis_id"] == analysis["analysis_id"]  # newest first


def test_the_sender_comes_from_the_credentials_and_each_photo_keeps_its_face(http, mapi) -> None:
    """POST /v1/analyses through MapiClient as the workbench's service token acting for the inspector: the analysis
    and its worklist row name her, and each photo its face; a request field naming someone else changes nothing."""
    from cyclops.client import MapiClient
    from cyclops.errors import BadRequest, MapiError

    front = label_png((900, 400), ("Vitamin C 500 mg", "NPN 80012345"))
    back = label_png((900, 300), ("Keep out of reach of children.",))
    with MapiClient(mapi.url, SERVICE_TOKEN) as client:
        analysis = client.analyze([("IMG_1.png", front), ("IMG_2.png", back)], "tesseract", faces=["front", "back"], user="ines")
        assert analysis.submitted_by == "ines"
        assert [(i.filename, i.face) for i in analysis.images] == [("IMG_1.png", "front"), ("IMG_2.png", "back")]
        stored = client.get_analysis(analysis.analysis_id)
        assert stored.submitted_by == "ines" and [i.face for i in stored.images] == ["front", "back"]
        row = next(r for r in client.list_analyses(limit=50).items if r.analysis_id == analysis.analysis_id)
        assert row.submitted_by == "ines"
        with pytest.raises(BadRequest, match="2 faces for 1 photos"):
            client.analyze([("IMG_3.png", front)], faces=["front", "back"], user="ines")
        with pytest.raises(BadRequest, match="unknown face top"):
            client.analyze([("IMG_3.png", front)], faces=["top"], user="ines")
    # an analyst's own token: the analysis is hers, whatever the request says
    answer = http.post("/v1/analyses", files=[("photos", ("front.png", front))],
                       data={"engine": "tesseract", "submitted_by": "mallory", "faces": "side"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["submitted_by"] == "ann" and answer.json()["images"][0]["face"] == "side"
    with MapiClient(mapi.url, TOKEN) as client, pytest.raises(MapiError, match="ann may not act for mallory"):
        client.analyze([("front.png", front)], "tesseract", user="mallory")  # only a service may act for another


def test_checked_in_openapi_matches_the_app() -> None:
    from cyclops.mapi.app import openapi_json

    assert (REPO / "docs" / "openapi.json").read_text() == openapi_json(), "regenerate: cyclops serve openapi > docs/openapi.json"
