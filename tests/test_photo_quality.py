"""Photo quality checks (cyclops.photo_quality): pixels of images made here, readings of OCR trees made here,
and a real synthetic label read by the real OCR engine with its NPN cut by the photo's edge."""

from __future__ import annotations

import io
import time

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageFont

from cyclops.client import MapiClient
from cyclops.errors import BadPhoto
from cyclops.model.ocr import Block, Document, Line, Page, Word, rect
from cyclops.photo_quality import (
    DEFAULTS,
    MESSAGES,
    QualityParams,
    check_photo,
    check_pixels,
    check_reading,
    verdict,
)


def label(size: tuple[int, int] = (1600, 1200), text_px: int = 34) -> Image.Image:
    """A sharp, well lit label: dark print on cream paper on a green table."""
    image = Image.new("RGB", size, (70, 150, 90))
    draw = ImageDraw.Draw(image)
    w, h = size
    draw.rectangle((w // 10, h // 10, w * 9 // 10, h * 9 // 10), fill=(248, 242, 230))
    font = ImageFont.load_default(size=text_px)
    y = h // 10 + text_px
    for n in range(12):
        draw.text((w // 10 + text_px, y), f"Vitamin D3 {n} 1000 IU / Take 1 capsule daily", font=font, fill=(25, 40, 30))
        y += int(text_px * 1.5)
    return image


def codes(issues) -> list[str]:
    return [i.code for i in issues]


def test_a_sharp_well_lit_label_passes() -> None:
    assert check_pixels(label()) == []
    assert check_photo("ok.jpg", label()).verdict == "good"


def test_a_dark_photo_is_too_dark_and_only_that() -> None:
    issues = check_pixels(ImageEnhance.Brightness(label()).enhance(0.2))
    assert codes(issues) == ["too_dark"]
    assert issues[0].severity == "high" and issues[0].value < DEFAULTS.too_dark
    assert "Too dark" in issues[0].message["en"] and "Trop sombre" in issues[0].message["fr"]


def test_a_dim_but_sharp_photo_is_not_called_blurred() -> None:
    assert check_pixels(ImageEnhance.Brightness(label()).enhance(0.5)) == []


def test_a_blurred_photo_is_blurred_and_a_slightly_soft_one_is_not() -> None:
    assert codes(check_pixels(label().filter(ImageFilter.GaussianBlur(4)))) == ["blurred"]
    assert check_pixels(label().filter(ImageFilter.GaussianBlur(1))) == []


def test_a_noisy_blurred_photo_is_still_blurred() -> None:
    pixels = np.asarray(label().filter(ImageFilter.GaussianBlur(4)), dtype=np.float32)
    noisy = np.clip(pixels * 0.7 + np.random.default_rng(3).normal(0, 6, pixels.shape), 0, 255).astype(np.uint8)
    assert "blurred" in codes(check_pixels(noisy))


def test_glare_washes_the_print_out() -> None:
    washed = ImageEnhance.Contrast(ImageEnhance.Brightness(label()).enhance(1.7)).enhance(0.3)
    assert "washed_out" in codes(check_pixels(washed))


def test_thresholds_come_from_the_parameters() -> None:
    soft = label().filter(ImageFilter.GaussianBlur(1))
    assert codes(check_pixels(soft, QualityParams(blurred=1e9))) == ["blurred"]
    assert QualityParams().fingerprint() != QualityParams(min_line_px=20).fingerprint()


def test_a_twelve_megapixel_jpeg_is_judged_in_under_a_second() -> None:
    from cyclops.load import load_photo

    out = io.BytesIO()
    label((4000, 3000), text_px=80).save(out, format="JPEG", quality=90)
    t0 = time.perf_counter()
    image = load_photo("big.jpg", out.getvalue())[0].image
    issues = check_pixels(image)
    seconds = time.perf_counter() - t0
    assert issues == []
    assert seconds < 1.0, f"{seconds:.2f} s for a 12 MP photo"


# --- the reading: OCR trees made here ---------------------------------------------------------------


def page_of(lines: list[tuple[str, tuple[float, float, float, float]]], size: tuple[int, int] = (1000, 800)) -> Document:
    made = [Line(words=[Word(text=t, polygon=rect(*box)) for t in text.split()], polygon=rect(*box)) for text, box in lines]
    page = Page(image_id="img0", width=size[0], height=size[1], blocks=[Block(lines=made)])
    return Document(engine="test", engine_version="1", pages=[page])


BODY = [("Vitamin D3 1000 IU", (100, 100, 400, 130)), ("Take one capsule daily", (100, 140, 420, 170)),
        ("Prendre une capsule", (100, 180, 400, 210))]


def test_a_readable_page_has_no_reading_issue() -> None:
    assert check_reading(page_of([*BODY, ("NPN 80012345", (100, 700, 300, 730))])) == []


def test_an_npn_cut_by_the_right_edge_is_said() -> None:
    issues = check_reading(page_of([*BODY, ("NPN 800123", (800, 700, 999, 730))]))
    assert codes(issues) == ["npn_cut_off"]
    assert "NPN" in issues[0].message["en"] and "coupé" in issues[0].message["fr"]


def test_a_short_npn_away_from_the_edge_is_not_called_cut() -> None:
    """A misread inside the photo is the extractor's business (illegible), not the photographer's."""
    assert check_reading(page_of([*BODY, ("NPN 800123", (400, 400, 600, 430))])) == []


def test_a_whole_npn_at_the_edge_is_fine() -> None:
    assert check_reading(page_of([*BODY, ("NPN 80012345", (780, 700, 999, 730))])) == []


def test_small_text_and_no_text() -> None:
    tiny = [(text, (x0 / 4, y0 / 4, x1 / 4, y1 / 4)) for text, (x0, y0, x1, y1) in BODY]
    issues = check_reading(page_of(tiny))
    assert codes(issues) == ["text_too_small"] and issues[0].value == pytest.approx(7.5)
    assert "7 pixels" in issues[0].message["en"] or "8 pixels" in issues[0].message["en"]
    assert codes(check_reading(page_of([]))) == ["no_text"]


def test_every_issue_speaks_both_languages_and_the_verdict_follows_severity() -> None:
    for code, (severity, en, fr) in MESSAGES.items():
        assert severity in ("high", "medium") and en and fr and en != fr, code
    assert verdict([]) == "good"
    issues = check_reading(page_of([]))
    assert verdict(issues) == "retake"


# --- a real synthetic label, read by the real OCR engine -----------------------------------------------


@pytest.fixture(scope="module")
def front_photo() -> bytes:
    from cyclops.evaluate.run import SAMPLE_SEED
    from cyclops.lnhpd.sample import generate
    from cyclops.synth.config import SynthConfig
    from cyclops.synth.product import synthesize_product

    en, fr = generate(1, SAMPLE_SEED)[0]
    _truth, images = synthesize_product(en, fr, 500, SynthConfig(clean=True))
    return images["front"]


def test_a_real_label_cut_through_its_npn_is_told_so(front_photo: bytes) -> None:
    client = MapiClient()  # in-process: the same service mapi's /v1/photo-check calls
    whole = client.check_photo("front.png", front_photo)
    assert whole.read and whole.verdict == "good", whole.issues
    assert whole.npn is not None and len(whole.npn) == 8  # read whole: two photos, two numbers would be two products
    doc = client.ocr("front.png", front_photo)
    page = doc.pages[0]
    npn = next(line for line in page.lines() if line.text.startswith("NPN"))
    x0, x1 = npn.polygon[0][0], max(p[0] for p in npn.polygon)
    image = Image.open(io.BytesIO(front_photo)).convert("RGB")
    cut = image.crop((0, 0, int(x0 + (x1 - x0) * 0.6), image.height))  # through the number's digits
    out = io.BytesIO()
    cut.save(out, format="PNG")
    result = client.check_photo("front-cut.png", out.getvalue())
    assert "npn_cut_off" in codes(result.issues), [(i.code, i.value) for i in result.issues]
    assert result.verdict == "retake" and result.sha256 and result.width == cut.width


def test_a_dark_photo_is_not_read_and_a_non_photo_is_refused(front_photo: bytes) -> None:
    client = MapiClient()
    dark = io.BytesIO()
    ImageEnhance.Brightness(Image.open(io.BytesIO(front_photo)).convert("RGB")).enhance(0.15).save(dark, format="JPEG")
    result = client.check_photo("dark.jpg", dark.getvalue())
    assert codes(result.issues) == ["too_dark"] and not result.read
    with pytest.raises(BadPhoto):
        client.check_photo("notes.txt", b"not a photo")
