"""A hostile-input corpus against mapi (in-process ASGI, the whole middleware stack): each case gets its clear 4xx.

Files are generated here, small and fast: decompression bombs (PNG, JPEG, TIFF, WebP headers that
promise gigapixels), disguised formats, PDFs of huge or many pages, multi-frame TIFFs over the
budget, damaged files, hostile file names; requests: oversized and chunked bodies, forged
identities (tokens, headers, JWTs), forged or read-only edit fields, pipeline flags, the
four-eyes rule and the rate limit. Nothing refused may end up in the store.
"""

from __future__ import annotations

import base64
import io
import json
import struct
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from cyclops.settings import Settings, get_settings

ANN = "ann-token-0123456789abcdef"  # analyst
RITA = "rita-token-0123456789abcdef"  # reviewer
ROY = "roy-token-0123456789abcdef"  # reviewer, who confirmed the flag first
SVC = "svc-token-0123456789abcdef"  # service (the workbench)
ISSUER, AUDIENCE = "https://idp.example", "cyclops-mapi"
AID = "20260101T000000-hostile"  # seeded: a pipeline high flag confirmed once by roy, a low flag, one line


# --- generated files ------------------------------------------------------------------------------


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def png_header_only(width: int, height: int, bad_crc: bool = False) -> bytes:
    ihdr = _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
    if bad_crc:
        ihdr = ihdr[:-4] + b"\0\0\0\0"
    idat = zlib.compress(b"\x00" + b"\x00" * (min(width, 4096) // 8 + 1))
    return b"\x89PNG\r\n\x1a\n" + ihdr + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def encode(image: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    image.save(buf, fmt, **kw)
    return buf.getvalue()


def small_png(size: tuple[int, int] = (40, 30)) -> bytes:
    return encode(Image.new("RGB", size, "white"), "PNG")


def jpeg_claiming(width: int, height: int) -> bytes:
    data = bytearray(encode(Image.new("RGB", (16, 16), "white"), "JPEG"))
    sof = data.index(b"\xff\xc0")
    data[sof + 5: sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def tiff_claiming(width: int, height: int) -> bytes:
    data = bytearray(encode(Image.new("L", (10, 10), 255), "TIFF"))
    (ifd,) = struct.unpack("<I", data[4:8])
    (count,) = struct.unpack("<H", data[ifd: ifd + 2])
    for i in range(count):
        at = ifd + 2 + 12 * i
        tag, kind = struct.unpack("<HH", data[at: at + 4])
        if tag in (256, 257):
            value = width if tag == 256 else height
            data[at + 8: at + 12] = struct.pack("<HH", value, 0) if kind == 3 else struct.pack("<I", value)
    return bytes(data)


def webp_claiming(width: int, height: int) -> bytes:
    vp8x = b"VP8X" + struct.pack("<I", 10) + b"\0\0\0\0" + (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    body = b"WEBP" + vp8x
    return b"RIFF" + struct.pack("<I", len(body)) + body


def tiff_frames(n: int, size: tuple[int, int]) -> bytes:
    frames = [Image.new("L", size, 40 * i % 255) for i in range(n)]
    return encode(frames[0], "TIFF", save_all=True, append_images=frames[1:], compression="tiff_deflate")


def pdf(pages: int, width: float = 612, height: float = 792) -> bytes:
    """A minimal PDF with ``pages`` blank pages of ``width`` x ``height`` points."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{3 + i} 0 R" for i in range(pages))
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode())
    for _ in range(pages):
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width} {height}] >>".encode())
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def bmp_claiming(width: int, height: int) -> bytes:
    """A BMP's two headers promising ``width`` x ``height`` 24-bit pixels, and none of them."""
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, 0, 2835, 2835, 0, 0)
    return b"BM" + struct.pack("<IHHI", 14 + len(info), 0, 0, 14 + len(info)) + info


#: a real HEIC photo (tests/data/make_heic.py)
HEIC = (Path(__file__).parent / "data" / "label.heic").read_bytes()

# limits of the app under test: small, so bombs are cheap to make
MAX_FILE = 300_000
MAX_PIXELS = 2_000_000
MAX_REQUEST_PIXELS = 5_000_000
MAX_PHOTOS = 4

#: (case id, [(file name, bytes)], HTTP status, error codes accepted)
FILE_CASES: list[tuple[str, list[tuple[str, bytes]], int, set[str]]] = [
    ("png-bomb-20k", [("bomb.png", png_header_only(20_000, 20_000))], 413, {"image_too_large"}),
    ("png-bomb-2k", [("bomb.png", png_header_only(2_000, 1_500))], 413, {"image_too_large"}),
    ("png-bomb-wide", [("wide.png", png_header_only(1_000_000, 3))], 413, {"image_too_large"}),
    ("png-bomb-tall", [("tall.png", png_header_only(3, 1_000_000))], 413, {"image_too_large"}),
    ("png-bad-crc", [("crc.png", png_header_only(100, 100, bad_crc=True))], 422, {"corrupt_image"}),
    ("jpeg-bomb", [("bomb.jpg", jpeg_claiming(60_000, 60_000))], 413, {"image_too_large"}),
    ("jpeg-bomb-2k", [("bomb.jpg", jpeg_claiming(2_000, 1_200))], 413, {"image_too_large"}),
    ("tiff-bomb", [("bomb.tif", tiff_claiming(50_000, 50_000))], 413, {"image_too_large"}),
    ("webp-bomb", [("bomb.webp", webp_claiming(16_000, 16_000))], 413, {"image_too_large", "corrupt_image"}),
    ("tiff-30-frames", [("many.tif", tiff_frames(30, (20, 20)))], 413, {"too_many_photos"}),
    ("tiff-frames-over-budget", [("big.tif", tiff_frames(3, (1_900, 1_000)))], 413, {"pixel_budget_exceeded"}),
    ("pdf-12-huge-pages", [("huge.pdf", pdf(12, 14_400, 14_400))], 413, {"too_many_photos", "pixel_budget_exceeded"}),
    ("pdf-3-huge-pages", [("huge.pdf", pdf(3, 14_400, 14_400))], 413, {"pixel_budget_exceeded"}),
    ("pdf-200-pages", [("many.pdf", pdf(200))], 413, {"too_many_photos"}),
    ("pdf-catalog-only", [("flat.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")],
     422, {"corrupt_image", "empty_document"}),
    ("pdf-no-pages", [("empty.pdf", pdf(0))], 422, {"empty_document"}),
    ("pdf-damaged", [("cut.pdf", pdf(2)[:60])], 422, {"corrupt_image", "empty_document"}),
    ("pdf-magic-garbage", [("x.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 20)], 422, {"corrupt_image"}),
    ("budget-pdf-and-tiff", [("a.pdf", pdf(3, 14_400, 14_400)), ("b.tif", tiff_frames(3, (1_900, 1_000)))], 413,
     {"pixel_budget_exceeded"}),
    ("text-as-jpg", [("label.jpg", b"just some text, not a photo\n" * 10)], 422, {"unsupported_file_type"}),
    ("html-as-png", [("label.png", b"<html><script>alert(1)</script></html>")], 422, {"unsupported_file_type"}),
    ("svg-as-png", [("label.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')], 422, {"unsupported_file_type"}),
    ("gif-as-jpg", [("label.jpg", encode(Image.new("P", (10, 10)), "GIF"))], 422, {"unsupported_file_type"}),
    ("zip-as-pdf", [("label.pdf", b"PK\x03\x04" + b"\0" * 200)], 422, {"unsupported_file_type"}),
    ("elf-as-png", [("label.png", b"\x7fELF\x02\x01\x01" + b"\0" * 200)], 422, {"unsupported_file_type"}),
    ("exe-as-jpg", [("label.jpg", b"MZ\x90\x00" + b"\0" * 200)], 422, {"unsupported_file_type"}),
    ("bmp-bomb", [("bomb.bmp", bmp_claiming(50_000, 50_000))], 413, {"image_too_large"}),
    ("bmp-truncated", [("cut.bmp", encode(Image.new("RGB", (200, 200)), "BMP")[:400])], 422, {"corrupt_image"}),
    ("heic-truncated", [("IMG_1.HEIC", HEIC[: len(HEIC) // 3])], 422, {"corrupt_image"}),
    ("heic-magic-garbage", [("IMG_2.HEIC", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(range(256)) * 4)],
     422, {"corrupt_image"}),
    ("jpeg-truncated", [("cut.jpg", b"\xff\xd8\xff\xe0 truncated")], 422, {"corrupt_image"}),
    ("png-truncated", [("cut.png", small_png()[:40])], 422, {"corrupt_image"}),
    ("tiff-magic-garbage", [("x.tif", b"II*\x00" + bytes(range(256)) * 4)], 422, {"corrupt_image"}),
    ("webp-magic-garbage", [("x.webp", b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x01" * 40)], 422, {"corrupt_image"}),
    ("png-then-pdf-polyglot", [("poly.pdf", small_png()[:30] + b"%PDF-1.4 trailer")], 422, {"corrupt_image"}),
    ("empty-file", [("empty.png", b"")], 422, {"empty_file"}),
    ("file-over-cap", [("big.png", b"\x89PNG\r\n\x1a\n" + b"0" * MAX_FILE)], 413, {"file_too_large"}),
    ("too-many-photos", [(f"p{i}.png", small_png()) for i in range(MAX_PHOTOS + 1)], 413, {"too_many_photos"}),
]
HOSTILE_NAMES = [
    "../../etc/passwd",
    "..\\..\\windows\\system32\\config\\sam",
    "evil\x00.png",
    "line\r\nX-Injected: yes.png",
    "\u202egnp.exe",
    "a" * 1000 + ".png",
    "/absolute/path/label.png",
    "<script>alert(1)</script>.png",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "CON.png",
]
for i, name in enumerate(HOSTILE_NAMES):
    FILE_CASES.append((f"hostile-name-{i}", [(name, b"not an image at all")], 422, {"unsupported_file_type"}))


# --- the app under test ---------------------------------------------------------------------------


@dataclass
class Keys:
    private: object
    other: object
    jwks_file: Path


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Keys:
    """An RSA key made here, its JWKS in a file, and a second key the server does not know."""
    import jwt
    from cryptography.hazmat.primitives.asymmetric import rsa

    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key()))
    jwk.update({"kid": "test-key", "use": "sig", "alg": "RS256"})
    path = tmp_path_factory.mktemp("jwks") / "jwks.json"
    path.write_text(json.dumps({"keys": [jwk]}))
    return Keys(private, other, path)


def make_jwt(key: object, *, user: str = "carol", roles: list[str] | None = None, issuer: str = ISSUER,
             audience: str = AUDIENCE, expires_in: float = 300, alg: str = "RS256", kid: str = "test-key") -> str:
    import jwt

    claims = {"sub": f"sub-{user}", "preferred_username": user, "iss": issuer, "aud": audience,
              "exp": int(time.time() + expires_in), "iat": int(time.time()), "roles": roles or ["analyst"]}
    return jwt.encode(claims, key, algorithm=alg, headers={"kid": kid})


def seed(settings: Settings) -> None:
    from cyclops.model.analysis import Analysis, Edit, Flag, ImageInfo, LabelledLine
    from cyclops.service.operations import Services

    services = Services(settings)
    a = Analysis(analysis_id=AID, created_at="2026-01-01T00:00:00+00:00")
    a.images = [ImageInfo(id="img0", sha256="a" * 64, width=10, height=10)]
    a.versions = {"field_classifier": "packaged-1.0.0"}
    a.timings = {"ocr": 1.0}
    a.lines = [LabelledLine(image="img0", polygon=[[0, 0], [1, 0], [1, 1], [0, 1]], text="NPN 80012345", label="npn")]
    a.flags = [Flag(code="NPN_MISMATCH", severity="high", message="m", message_fr="m"),
               Flag(code="FRENCH_MISSING", severity="low", message="m", message_fr="m")]
    services.store.put_analysis(a)
    services.catalog.index_analysis(a)
    services.post_edit(AID, Edit(analyst="roy", field="flags[0].decision", after="confirmed", base_version=0))


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory, keys: Keys, lnhpd_sample) -> Iterator[Settings]:
    root = tmp_path_factory.mktemp("hostile")
    tokens = root / "tokens"
    tokens.write_text(f"{ANN} ann analyst\n{RITA} rita reviewer\n{ROY} roy reviewer\n{SVC} workbench service\n"
                      "# a comment line\n")
    values = {
        "CYCLOPS_DATA_DIR": str(root / "data"),
        "CYCLOPS_MAPI_TOKENS_FILE": str(tokens),
        "CYCLOPS_OIDC_JWKS": str(keys.jwks_file),
        "CYCLOPS_OIDC_ISSUER": ISSUER,
        "CYCLOPS_OIDC_AUDIENCE": AUDIENCE,
        "CYCLOPS_MAX_FILE_BYTES": str(MAX_FILE),
        "CYCLOPS_MAX_PIXELS": str(MAX_PIXELS),
        "CYCLOPS_MAX_REQUEST_PIXELS": str(MAX_REQUEST_PIXELS),
        "CYCLOPS_MAX_PHOTOS": str(MAX_PHOTOS),
        "CYCLOPS_MAX_EDIT_BYTES": "4096",
        "CYCLOPS_MAPI_RATE_LIMIT": "0",
        "CYCLOPS_LNHPD_DB": str(lnhpd_sample[0]),
        "CYCLOPS_OCR_ENGINE": "tesseract",
    }
    with pytest.MonkeyPatch.context() as mp:
        for k, v in values.items():
            mp.setenv(k, v)
        get_settings.cache_clear()
        settings = Settings()
        seed(settings)
        yield settings
    get_settings.cache_clear()


@pytest.fixture(scope="module")
def client(env: Settings) -> Iterator[TestClient]:
    from cyclops.mapi.app import create_app

    with TestClient(create_app(env, workers=-1), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(autouse=True)
def _module_env(configure, env: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """The conftest gives every test its own data dir; this module's app keeps the module's."""
    configure(data_dir=str(env.data_dir))


def auth(token: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **headers}


def stored_photos(settings: Settings) -> list[str]:
    folder = Path(settings.store_url) / "photos"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# --- files ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("files", "status", "codes"), [c[1:] for c in FILE_CASES], ids=[c[0] for c in FILE_CASES])
def test_hostile_file_is_refused(client: TestClient, env: Settings, files, status, codes) -> None:
    before = stored_photos(env)
    response = client.post("/v1/analyses", headers=auth(ANN), files=[("photos", (n, d, "application/octet-stream")) for n, d in files])
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] in codes, body
    assert "/" not in body["message"].split(":")[0] and "\x00" not in body["message"] and "\r\n" not in body["message"]
    assert len(body["message"]) < 2000
    assert stored_photos(env) == before  # refused files are never stored


def test_hostile_file_refused_by_ocr_too(client: TestClient, env: Settings) -> None:
    response = client.post("/v1/ocr", headers=auth(ANN), files={"photo": ("bomb.png", png_header_only(20_000, 20_000))})
    assert response.status_code == 413 and response.json()["error"] == "image_too_large"
    assert stored_photos(env) == []


def test_bomb_is_refused_without_decoding_a_pixel(configure, monkeypatch: pytest.MonkeyPatch) -> None:
    """Instrumentation rather than a stopwatch: neither Pillow's decoder nor PDFium's renderer runs."""
    import pypdfium2 as pdfium
    from PIL import ImageFile

    from cyclops import load
    from cyclops.errors import ImageTooLarge

    calls: list[str] = []
    real_load, real_render = ImageFile.ImageFile.load, pdfium.PdfPage.render
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: calls.append("decode") or real_load(self))
    monkeypatch.setattr(pdfium.PdfPage, "render", lambda self, *a, **k: calls.append("render") or real_render(self, *a, **k))
    configure(max_pixels=str(MAX_PIXELS), max_request_pixels=str(MAX_REQUEST_PIXELS))
    for name, data in [("a.png", png_header_only(20_000, 20_000)), ("b.jpg", jpeg_claiming(60_000, 60_000)),
                       ("c.tif", tiff_frames(3, (1_900, 1_000))), ("d.pdf", pdf(3, 14_400, 14_400))]:
        with pytest.raises(ImageTooLarge):
            load.load_photo(name, data)
    assert calls == []
    images = load.load_photo("ok.pdf", pdf(2))  # the instruments do see real work
    assert len(images) == 2 and calls == ["render", "render"]


def test_pixel_budget_is_shared_by_the_files_of_a_request(configure, monkeypatch: pytest.MonkeyPatch) -> None:
    """Three photos that each fit, but not together: the third is refused before it is decoded."""
    from cyclops import load

    configure(max_pixels=str(MAX_PIXELS), max_request_pixels=str(MAX_REQUEST_PIXELS))
    photo = encode(Image.new("L", (1_600, 1_200), 255), "PNG")
    images, errors = load.load_photos([("a.png", photo), ("b.png", photo), ("c.png", photo)])
    assert [i.filename for i in images] == ["a.png", "b.png"]
    assert [(e.code, e.filename) for e in errors] == [("pixel_budget_exceeded", "c.png")]


# --- requests over the limits ---------------------------------------------------------------------


def test_chunked_upload_over_the_cap_is_cut_off(client: TestClient, env: Settings) -> None:
    sent = {"bytes": 0}
    cap = env.request_byte_limit

    def flood() -> Iterator[bytes]:
        yield b"--x\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"f.png\"\r\n\r\n"
        for _ in range(cap // 65536 + 50):
            sent["bytes"] += 65536
            yield b"\0" * 65536

    response = client.post("/v1/analyses", headers={**auth(ANN), "Content-Type": "multipart/form-data; boundary=x"}, content=flood())
    assert response.status_code == 413 and response.json()["error"] == "request_too_large"
    assert stored_photos(env) == []


def test_declared_length_over_the_cap_is_refused_unread(client: TestClient, env: Settings) -> None:
    response = client.post("/v1/analyses", headers={**auth(ANN), "Content-Type": "multipart/form-data; boundary=x"},
                           content=b"x" * (env.request_byte_limit + 1))
    assert response.status_code == 413 and response.json()["error"] == "request_too_large"


def edit(field: str, after: object, base_version: int = 1, analyst: str = "", **extra: object) -> dict:
    return {"analyst": analyst, "field": field, "after": after, "base_version": base_version, **extra}


EDIT_CASES: list[tuple[str, str, dict, int, str]] = [
    # (case, token, edit, status, code)
    ("value-over-cap", ANN, edit("fields.npn.value", "9" * 5000), 413, "edit_too_large"),
    ("nested-value-over-cap", ANN, edit("fields.cautions[+]", {"text": "x" * 5000}), 413, "edit_too_large"),
    ("body-over-cap", ANN, edit("fields.npn.value", "9" * 400_000), 413, "request_too_large"),
    ("reason-over-cap", ANN, edit("fields.npn.value", "1", reason="r" * 5000), 413, "edit_too_large"),
    ("forged-analyst", ANN, edit("fields.npn.value", "1", analyst="bob"), 403, "analyst_mismatch"),
    ("forged-analyst-reviewer", ANN, edit("flags[0].decision", "confirmed", analyst="rita"), 403, "analyst_mismatch"),
    ("read-only-versions", ANN, edit("versions.field_classifier", "mine"), 422, "read_only_field"),
    ("read-only-image-sha", ANN, edit("images[0].sha256", "b" * 64), 422, "read_only_field"),
    ("read-only-images", ANN, edit("images", []), 422, "read_only_field"),
    ("read-only-timings", ANN, edit("timings.ocr", 0.0), 422, "read_only_field"),
    ("read-only-errors", ANN, edit("errors[+]", {"filename": "x", "error": "e", "message": "m"}), 422, "read_only_field"),
    ("read-only-id", ANN, edit("analysis_id", "other"), 422, "read_only_field"),
    ("read-only-version", ANN, edit("version", 99), 422, "read_only_field"),
    ("read-only-created", ANN, edit("created_at", "1999-01-01"), 422, "read_only_field"),
    ("read-only-line-polygon", ANN, edit("lines[0].polygon", []), 422, "read_only_field"),
    ("read-only-line-whole", ANN, edit("lines[0]", None), 422, "read_only_field"),
    ("pipeline-flag-added", ANN, edit("flags[+]", {"code": "X", "severity": "high", "message": "m", "message_fr": "m",
                                                    "source": "pipeline"}), 403, "pipeline_flag"),
    ("flag-added-without-source", ANN, edit("flags[+]", {"code": "X", "severity": "high", "message": "m", "message_fr": "m"}),
     403, "pipeline_flag"),
    ("pipeline-flag-source", ANN, edit("flags[1].source", "analyst"), 403, "pipeline_flag"),
    ("pipeline-flag-code", ANN, edit("flags[1].code", "NOTHING"), 403, "pipeline_flag"),
    ("pipeline-flag-severity", ANN, edit("flags[1].severity", "low"), 403, "pipeline_flag"),
    ("pipeline-flag-deleted", ANN, edit("flags[1]", None), 403, "pipeline_flag"),
    ("pipeline-flag-replaced", ANN, edit("flags[1]", {"code": "X", "severity": "low", "message": "m", "message_fr": "m",
                                                      "source": "analyst"}), 403, "pipeline_flag"),
    ("flags-wholesale", ANN, edit("flags", []), 403, "pipeline_flag"),
    ("second-confirmation-by-analyst", ANN, edit("flags[0].decision", "confirmed"), 403, "reviewer_required"),
    ("second-confirmation-same-reviewer", ROY, edit("flags[0].decision", "confirmed"), 403, "same_reviewer"),
    ("dunder-path", ANN, edit("fields.__class__", "x"), 422, "invalid_path"),
    ("path-injection", ANN, edit("fields.npn.value; rm -rf /", "x"), 422, "invalid_path"),
    ("stale-version", ANN, edit("fields.npn.value", "1", base_version=0), 409, "conflict"),
]


@pytest.mark.parametrize(("token", "body", "status", "code"), [c[1:] for c in EDIT_CASES], ids=[c[0] for c in EDIT_CASES])
def test_forged_or_oversized_edit_is_refused(client: TestClient, token: str, body: dict, status: int, code: str) -> None:
    response = client.post(f"/v1/analyses/{AID}/edits", headers=auth(token), json=body)
    assert response.status_code == status, response.text
    assert response.json()["error"] == code
    assert client.get(f"/v1/analyses/{AID}", headers=auth(ANN)).json()["version"] == 1  # nothing was applied


REQUEST_CASES: list[tuple[str, dict[str, str], str, int, str]] = [
    # (case, headers, path, status, code)
    ("no-token", {}, "/v1/analyses", 401, "unauthorized"),
    ("basic-auth", {"Authorization": "Basic YW5uOnB3"}, "/v1/analyses", 401, "unauthorized"),
    ("empty-bearer", {"Authorization": "Bearer "}, "/v1/analyses", 401, "unauthorized"),
    ("wrong-token", auth("nope-nope-nope-nope"), "/v1/analyses", 403, "forbidden"),
    ("token-prefix", auth(ANN[:-1]), "/v1/analyses", 403, "forbidden"),
    ("token-suffix", auth(ANN + "x"), "/v1/analyses", 403, "forbidden"),
    ("analyst-acting-for-other", auth(ANN, **{"X-Cyclops-User": "rita"}), "/v1/analyses", 403, "cannot_act_for_others"),
    ("reviewer-acting-for-other", auth(RITA, **{"X-Cyclops-User": "ann"}), "/v1/analyses", 403, "cannot_act_for_others"),
    ("acting-user-control-chars", auth(SVC, **{"X-Cyclops-User": "ann\tx"}), "/v1/analyses", 403, "invalid_user"),
    ("traversal-analysis-id", auth(ANN), "/v1/analyses/..%2F..%2Fetc%2Fpasswd", 404, "not_found"),
    ("traversal-photo", auth(ANN), "/v1/photos/..%2F..%2Fetc%2Fpasswd", 404, "not_found"),
    ("bad-photo-sha", auth(ANN), "/v1/photos/not-a-sha", 404, "photo_not_found"),
]


@pytest.mark.parametrize(("headers", "path", "status", "code"), [c[1:] for c in REQUEST_CASES], ids=[c[0] for c in REQUEST_CASES])
def test_forged_request_is_refused(client: TestClient, headers: dict, path: str, status: int, code: str) -> None:
    response = client.get(path, headers=headers)
    assert response.status_code == status, response.text
    assert response.json()["error"] == code


def test_unauthenticated_upload_is_refused_before_its_body_is_read(client: TestClient, env: Settings) -> None:
    read = {"chunks": 0}

    def body() -> Iterator[bytes]:
        for _ in range(100):
            read["chunks"] += 1
            yield b"\0" * 65536

    response = client.post("/v1/analyses", headers={"Content-Type": "multipart/form-data; boundary=x"}, content=body())
    assert response.status_code == 401 and response.json()["error"] == "unauthorized"
    assert stored_photos(env) == []


JWT_CASES: list[tuple[str, Callable[[Keys], str], int, str]] = [
    ("jwt-unknown-key", lambda k: make_jwt(k.other), 401, "invalid_token"),
    ("jwt-unknown-kid", lambda k: make_jwt(k.private, kid="other"), 401, "invalid_token"),
    ("jwt-expired", lambda k: make_jwt(k.private, expires_in=-3600), 401, "invalid_token"),
    ("jwt-wrong-audience", lambda k: make_jwt(k.private, audience="someone-else"), 401, "invalid_token"),
    ("jwt-wrong-issuer", lambda k: make_jwt(k.private, issuer="https://evil.example"), 401, "invalid_token"),
    ("jwt-alg-none", lambda k: _unsigned_jwt(), 401, "invalid_token"),
    ("jwt-hs256-public-key", lambda k: _hs256_with_public_key(k), 401, "invalid_token"),
    ("jwt-tampered-payload", lambda k: _tampered(make_jwt(k.private)), 401, "invalid_token"),
]


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _unsigned_jwt() -> str:
    claims = {"preferred_username": "mallory", "iss": ISSUER, "aud": AUDIENCE, "exp": int(time.time()) + 300, "roles": ["admin"]}
    return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."


def _hs256_with_public_key(keys: Keys) -> str:
    import hashlib
    import hmac

    from cryptography.hazmat.primitives import serialization

    public = keys.private.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    claims = {"preferred_username": "mallory", "iss": ISSUER, "aud": AUDIENCE, "exp": int(time.time()) + 300, "roles": ["admin"]}
    signing = f"{_b64({'alg': 'HS256', 'typ': 'JWT', 'kid': 'test-key'})}.{_b64(claims)}"
    signature = base64.urlsafe_b64encode(hmac.new(public, signing.encode(), hashlib.sha256).digest()).rstrip(b"=").decode()
    return f"{signing}.{signature}"


def _tampered(token: str) -> str:
    head, payload, sig = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["roles"] = ["admin"]
    return f"{head}.{_b64(claims)}.{sig}"


@pytest.mark.parametrize(("make", "status", "code"), [c[1:] for c in JWT_CASES], ids=[c[0] for c in JWT_CASES])
def test_forged_jwt_is_refused(client: TestClient, keys: Keys, make, status: int, code: str) -> None:
    response = client.get("/v1/analyses", headers=auth(make(keys)))
    assert response.status_code == status, response.text
    assert response.json()["error"] == code


# --- what is allowed --------------------------------------------------------------------------------


def test_identity_roles_and_four_eyes(client: TestClient, keys: Keys) -> None:
    """A verified JWT, a service acting for its user, and the second confirmation by another reviewer."""
    carol = make_jwt(keys.private, user="carol", roles=["reviewer"])
    assert client.get("/v1/analyses", headers=auth(carol)).status_code == 200
    current = client.get(f"/v1/analyses/{AID}", headers=auth(ANN)).json()
    v = current["version"]
    # the workbench (a service token) acts for the JupyterHub user: the edit is hers, and before is the server's
    r = client.post(f"/v1/analyses/{AID}/edits", headers=auth(SVC, **{"X-Cyclops-User": "ann"}),
                    json=edit("fields.npn.value", "80012345", base_version=v, before="forged"))
    assert r.status_code == 200, r.text
    v = r.json()["version"]  # the server may re-check the flags after a correction (one more version)
    # the second confirmation of the high flag by a reviewer who is not roy, with a JWT
    r = client.post(f"/v1/analyses/{AID}/edits", headers=auth(carol), json=edit("flags[0].decision", "confirmed", base_version=v))
    assert r.status_code == 200, r.text
    v = r.json()["version"]
    # an analyst's own flag: added, then edited and deleted by them
    flag = {"code": "MINE", "severity": "low", "message": "m", "message_fr": "m", "source": "analyst"}
    r = client.post(f"/v1/analyses/{AID}/edits", headers=auth(ANN), json=edit("flags[+]", flag, base_version=v))
    assert r.status_code == 200, r.text
    v = r.json()["version"]
    mine = len(r.json()["flags"]) - 1  # appended last
    r = client.post(f"/v1/analyses/{AID}/edits", headers=auth(ANN), json=edit(f"flags[{mine}].message", "mine", base_version=v))
    assert r.status_code == 200, r.text
    edits = client.get(f"/v1/analyses/{AID}/edits", headers=auth(ANN)).json()
    edits = [e for e in edits if e["analyst"] != "cyclops"]  # the server's re-checks aside
    assert [(e["analyst"], e["field"]) for e in edits] == [
        ("roy", "flags[0].decision"), ("ann", "fields.npn.value"), ("carol", "flags[0].decision"),
        ("ann", "flags[+]"), ("ann", f"flags[{mine}].message")]
    assert edits[1]["before"] != "forged"


def test_rate_limit_answers_429_with_retry_after(env: Settings) -> None:
    from cyclops.mapi.app import create_app

    app = create_app(env.model_copy(update={"mapi_rate_limit": 0.5, "mapi_rate_burst": 3}), workers=-1)
    with TestClient(app) as c:
        codes = [c.get("/v1/analyses", headers=auth(ANN)).status_code for _ in range(4)]
        other = c.get("/v1/analyses", headers=auth(RITA))  # buckets are per identity
        limited = c.get("/v1/analyses", headers=auth(ANN))
    assert codes == [200, 200, 200, 429] and other.status_code == 200
    assert limited.json()["error"] == "rate_limited" and int(limited.headers["Retry-After"]) >= 1


def test_corpus_is_large_enough() -> None:
    assert len(FILE_CASES) + len(EDIT_CASES) + len(REQUEST_CASES) + len(JWT_CASES) + 5 >= 60


def test_jwks_from_a_url_and_an_unreachable_identity_provider(env: Settings, keys: Keys) -> None:
    """The JWKS fetched over HTTP (cached by PyJWT); an identity provider that is down gives 503, not 500."""
    import http.server
    import threading

    from cyclops.mapi.app import create_app
    from tests.servers import free_port

    body = keys.jwks_file.read_bytes()

    class JWKS(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), JWKS)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/jwks.json"
        with TestClient(create_app(env.model_copy(update={"oidc_jwks": url}), workers=-1)) as c:
            assert c.get("/v1/analyses", headers=auth(make_jwt(keys.private, user="dora"))).status_code == 200
            assert c.get("/v1/analyses", headers=auth(make_jwt(keys.other))).status_code == 401
    finally:
        server.shutdown()
    down = f"http://127.0.0.1:{free_port()}/jwks.json"
    with TestClient(create_app(env.model_copy(update={"oidc_jwks": down}), workers=-1)) as c:
        r = c.get("/v1/analyses", headers=auth(make_jwt(keys.private)))
    assert r.status_code == 503 and r.json()["error"] == "jwks_unavailable", r.text


def test_a_keyed_resend_of_a_high_flag_confirmation_replays(client: TestClient) -> None:
    """The client's outbox resends a confirmation whose answer was lost: the stored result, not 'same reviewer'."""
    from cyclops.service.operations import Services

    aid = "20260101T000000-replay"
    services = Services(get_settings())
    from cyclops.model.analysis import Analysis, Flag

    a = Analysis(analysis_id=aid, created_at="2026-01-01T00:00:00+00:00",
                 flags=[Flag(code="NPN_MISMATCH", severity="high", message="m", message_fr="m")])
    services.store.put_analysis(a)
    body = edit("flags[0].decision", "confirmed", base_version=0, idempotency_key="outbox-1")
    first = client.post(f"/v1/analyses/{aid}/edits", headers=auth(ROY), json=body)
    again = client.post(f"/v1/analyses/{aid}/edits", headers=auth(ROY), json=body)
    assert first.status_code == again.status_code == 200, again.text
    assert again.json()["version"] == 1
    forged = client.post(f"/v1/analyses/{aid}/edits", headers=auth(ROY), json={**body, "analyst": "rita"})
    assert forged.status_code == 403 and forged.json()["error"] == "analyst_mismatch"
    stale = client.post(f"/v1/analyses/{aid}/edits", headers=auth(ROY), json={**body, "idempotency_key": "new", "after": "dismissed"})
    assert stale.status_code == 409  # a stale edit with a fresh key is not a replay
