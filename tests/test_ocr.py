"""OCR engines on rendered labels: real RapidOCR and real Tesseract, the cache, the combined engine's digit rules."""

from __future__ import annotations

import re

import pytest
from PIL import Image, ImageDraw, ImageFont

from cyclops.errors import OCREngineError
from cyclops.model.ocr import Page, bbox_of
from cyclops.ocr import ENGINE_NAMES, get_engine
from cyclops.ocr.base import OCREngine, split_words
from cyclops.ocr.cache import cache_path, cached_read
from cyclops.ocr.combined import better_reading, digit_quality, needs_second_opinion
from cyclops.settings import get_settings

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
LINES = ["NPN 80012345", "Vitamine D3 25 µg", "Échinacée pourpre 500 mg", "Take one tablet daily with food"]


def render(lines: list[str], size=(900, 520), vertical: str | None = None) -> Image.Image:
    img = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 34)
    for i, text in enumerate(lines):
        draw.text((50, 50 + i * 90), text, font=font, fill="black")
    if vertical:
        strip = Image.new("RGB", (400, 48), "white")
        ImageDraw.Draw(strip).text((6, 5), vertical, font=ImageFont.truetype(FONT, 30), fill="black")
        img.paste(strip.rotate(90, expand=True), (size[0] - 70, 60))  # reads bottom to top along the right edge
    return img


@pytest.fixture(scope="module")
def label() -> Image.Image:
    return render(LINES)


@pytest.fixture(scope="module")
def rapid_page(label) -> Page:
    return get_engine("rapidocr").read(label, "img0")


def test_rapidocr_reads_npn_and_french_accents(rapid_page):
    text = rapid_page.text
    assert "80012345" in text
    assert "Échinacée" in text  # the bundled PP-OCRv6 dictionary has French accents
    assert re.search(r"25 [µμ]g", text)
    for line in rapid_page.lines():
        assert 0.0 <= line.confidence <= 1.0
        assert line.words and all(len(w.polygon) == 4 for w in line.words)


def test_rapidocr_word_boxes_lie_inside_their_line(rapid_page):
    [npn] = [ln for ln in rapid_page.lines() if "80012345" in ln.text]
    lx0, ly0, lx1, ly1 = bbox_of(npn.polygon)
    digits = next(w for w in npn.words if "80012345" in w.text)
    x0, y0, x1, y1 = bbox_of(digits.polygon)
    assert lx0 - 2 <= x0 < x1 <= lx1 + 2 and ly0 - 2 <= y0 < y1 <= ly1 + 2
    assert x0 > lx0 + 30  # "NPN" comes first


def test_page_round_trips_through_json(rapid_page):
    assert Page.model_validate_json(rapid_page.model_dump_json()) == rapid_page


def test_tesseract_reads_the_label(label):
    engine = get_engine("tesseract")
    page = engine.read(label, "img3")
    assert page.image_id == "img3" and (page.width, page.height) == label.size
    assert "80012345" in page.text
    assert "pourpre" in page.text and "tablet" in page.text
    assert all(0.0 <= w.confidence <= 1.0 for ln in page.lines() for w in ln.words)
    assert engine.version.startswith("5.")


def test_combined_keeps_npn_digits(label):
    page = get_engine("combined").read(label, "img0")
    assert "80012345" in page.text and "Échinacée" in page.text


def test_vertical_npn_is_read_and_marked():
    img = render(["Vitamin C 500 mg", "Take one tablet daily"], size=(800, 520), vertical="NPN 80012345")
    page = get_engine("rapidocr").read(img, "img0")
    vertical = [ln for ln in page.lines() if ln.vertical]
    assert vertical, page.text
    assert "80012345" in vertical[0].text
    x0, y0, x1, y1 = bbox_of(vertical[0].polygon)
    assert x0 > 700 and y1 - y0 > 3 * (x1 - x0)  # page coordinates, along the right edge
    assert "Vitamin C 500 mg" in page.text


def test_engines_are_built_once_and_names_checked():
    assert get_engine("rapidocr") is get_engine("RapidOCR")
    assert set(ENGINE_NAMES) == {"rapidocr", "tesseract", "combined"}
    with pytest.raises(OCREngineError, match="rapidocr, tesseract, combined"):
        get_engine("abbyy")


def test_default_engine_comes_from_settings(configure):
    configure(ocr_engine="tesseract")
    assert get_engine().name == "tesseract"


class CountingEngine(OCREngine):
    """A real engine wrapped to count how often it actually reads."""

    def __init__(self, inner: OCREngine) -> None:
        self.inner, self.name, self.version, self.calls = inner, inner.name, inner.version, 0

    def read(self, image, image_id):
        self.calls += 1
        return self.inner.read(image, image_id)


def test_cache_hit_on_second_read():
    label = render(["NPN 80012345"], size=(420, 110))
    engine = CountingEngine(get_engine("tesseract"))
    first = cached_read(engine, label, "img0", "abc123")
    second = cached_read(engine, label, "img5", "abc123")
    assert engine.calls == 1
    assert second.image_id == "img5" and second.text == first.text
    path = cache_path(engine, "abc123")
    assert path.is_file() and get_settings().cache_dir in path.parents  # under the configured cache
    cached_read(engine, label, "img0", "abc123", rotation=90)  # another orientation is another entry
    assert engine.calls == 2
    path.write_text("{broken", encoding="utf-8")  # a damaged entry is recomputed, not fatal
    assert cached_read(engine, label, "img0", "abc123").text == first.text
    assert engine.calls == 3


def test_split_words_follows_character_positions():
    words = split_words("NPN 80012345", [(0, 0), (120, 0), (120, 10), (0, 10)], 0.9)
    assert [w.text for w in words] == ["NPN", "80012345"]
    assert bbox_of(words[0].polygon) == (0, 0, 30, 10)
    assert bbox_of(words[1].polygon) == (40, 0, 120, 10)
    down = split_words("AB CD", [(10, 0), (10, 50), (0, 50), (0, 0)], 0.9)  # reading down the page
    assert bbox_of(down[1].polygon)[1] == pytest.approx(30)


def test_digit_rules_prefer_well_formed_readings():
    assert needs_second_opinion("NPN 8OO12345") and needs_second_opinion("500 mg") and not needs_second_opinion("Take daily")
    assert digit_quality("NPN 80012345") > digit_quality("NPN 800123456")
    assert better_reading(("NPN 8001234", 0.99), ("NPN 80012345", 0.7)) == 1
    assert better_reading(("NPN 80012345", 0.95), ("NPN 80012345", 0.6)) == 0


def test_draw_boxes_colours_by_label():
    from PIL import ImageColor

    from cyclops.model.analysis import FIELD_LABELS
    from cyclops.model.ocr import rect
    from cyclops.render import FIELD_COLOURS, draw_boxes

    assert set(FIELD_COLOURS) == set(FIELD_LABELS)
    assert len(set(FIELD_COLOURS.values())) == len(FIELD_COLOURS)
    base = Image.new("RGB", (400, 300), "white")
    out = draw_boxes(
        base, [(rect(20, 40, 120, 90), "npn", "NPN 80012345"), (rect(200, 150, 300, 250), "caution", None)], highlight=1
    )
    assert out.size == base.size and base.getpixel((20, 60)) == (255, 255, 255)  # the input is untouched
    assert out.getpixel((20, 60)) == ImageColor.getrgb(FIELD_COLOURS["npn"])  # outline
    npn_fill, caution_fill = out.getpixel((70, 80)), out.getpixel((250, 200))
    assert npn_fill != (255, 255, 255) and npn_fill[0] > npn_fill[2]  # light orange tint
    assert sum(caution_fill) < sum(npn_fill)  # the highlighted box is filled more strongly
    assert out.getpixel((350, 20)) == (255, 255, 255)
    assert draw_boxes(base, [(rect(1, 1, 5, 5), "new_label", None), ([], "npn", None)]).size == base.size


@pytest.mark.parametrize("stored", [90, 180, 270])
def test_read_upright_boxes_a_turned_photo_upright_and_reads_it(label, stored, monkeypatch):
    from cyclops.ocr.orient import rotate_clockwise

    engine = get_engine("rapidocr")
    calls = []
    real_fine = engine._with_fine
    monkeypatch.setattr(engine, "_with_fine", lambda bgr, boxes, prob: calls.append(bgr.shape[:2]) or real_fine(bgr, boxes, prob))
    page, rotation = engine.read_upright(rotate_clockwise(label, stored), "img3")
    assert calls == [(label.height, label.width)]  # the boxes that are read were detected on the upright photo, once
    assert (rotation + stored) % 360 == 0 and page.rotation == rotation
    assert (page.width, page.height) == label.size  # coordinates of the upright image
    assert "80012345" in page.text and "Échinacée" in page.text
    npn = next(ln for ln in page.lines() if "80012345" in ln.text)
    x0, y0, _, _ = bbox_of(npn.polygon)
    assert 30 < x0 < 80 and 30 < y0 < 70  # where render() drew it (x=50, y=50), not where the turned photo had it


def test_rotate_boxes_keeps_reading_direction():
    import numpy as np

    from cyclops.ocr.rapid import rotate_boxes

    box = np.array([[10, 20], [110, 20], [110, 40], [10, 40]], dtype=np.float32)  # wide line, p0 top-left
    (turned,) = rotate_boxes([box], 90, width=200, height=100)
    assert turned.tolist() == [[60, 10], [80, 10], [80, 110], [60, 110]]  # tall now, corners clockwise from its top-left
    (back,) = rotate_boxes(rotate_boxes([box], 90, 200, 100), 270, 100, 200)
    assert back.tolist() == box.tolist()
    (flipped,) = rotate_boxes([box], 180, 200, 100)
    assert flipped[0].tolist() == [90, 60]  # the old bottom-right corner is the new top-left


def test_cached_read_upright_reuses_the_entry(label):
    from cyclops.ocr.cache import cached_read_upright
    from cyclops.ocr.orient import rotate_clockwise

    class Counting(CountingEngine):
        def read_upright(self, image, image_id):
            self.calls += 1
            return self.inner.read_upright(image, image_id)

    engine = Counting(get_engine("rapidocr"))
    photo = rotate_clockwise(label, 90)
    page, rotation = cached_read_upright(engine, photo, "img0", "sha-x")
    again, rotation_again = cached_read_upright(engine, photo, "img7", "sha-x")
    assert engine.calls == 1 and rotation == rotation_again == 270
    assert again.image_id == "img7" and again.text == page.text
    assert cache_path(engine, "sha-x", "auto-4").is_file()  # orientation VERSION 4: an upside-down vote is read to check it


def test_combined_read_upright_turns_before_second_opinions(label):
    from cyclops.ocr.orient import rotate_clockwise

    page, rotation = get_engine("combined").read_upright(rotate_clockwise(label, 180), "img0")
    assert rotation == 180 and "80012345" in page.text


def test_default_read_upright_for_tesseract(label):
    from cyclops.ocr.orient import rotate_clockwise

    page, rotation = get_engine("tesseract").read_upright(rotate_clockwise(label, 270), "img0")
    assert rotation == 90 and page.rotation == 90 and "80012345" in page.text


def test_rapidocr_reads_amounts_after_dotted_leaders():
    img = Image.new("RGB", (1200, 260), "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 22)
    rows = [("Zinc", "500 mg"), ("Cholecalciferol / Cholécalciférol", "2500 IU"), ("Ascorbic acid", "1000 mg")]
    for i, (name, amount) in enumerate(rows):
        y = 40 + i * 60
        draw.text((40, y), name, font=font, fill="black")
        right = 1160 - draw.textlength(amount, font=font)
        x = 40 + draw.textlength(name, font=font) + 8
        while x < right - 4:  # dots right up to the amount
            draw.text((x, y), ".", font=font, fill="black")
            x += 7
        draw.text((right, y), amount, font=font, fill="black")
    from cyclops.normalize.confusions import normalize_text

    # a row whose long leader outweighs its short name ("Zinc") needs the lowered box threshold to be found
    text = normalize_text(" ".join(line.text for line in get_engine("rapidocr").read(img, "img0").lines()))
    for _, amount in rows:
        assert amount in text


def test_every_engine_version_fits_in_a_stored_pages_file_name(tmp_path):
    """The store keeps a page read as ``ocr/<photo>/<engine>-<version>.json``: a file name, 255 bytes at most on
    the local disk (and beside it the temporary name it is written under). Spelt out, the rapidocr version grew past
    that with each setting, and every analysis failed to store its pages. The version now names the models and a
    digest of the settings, which the engine spells out beside it; a setting changed changes the version."""
    import hashlib

    from cyclops.ocr.rapid import RapidEngine
    from cyclops.storage import open_store

    store = open_store(f"file://{tmp_path}")
    sha = "ab" * 32
    for name in ENGINE_NAMES:
        engine = get_engine(name)
        for suffix in ("", "-fineq8v9", "-bf16v9"):  # what an int8 or a bfloat16 host adds
            version = engine.version + suffix
            assert len(store.ocr_key(sha, engine.name, version).rsplit("/", 1)[1].encode()) <= 200
    rapid = get_engine("rapidocr")
    assert isinstance(rapid, RapidEngine) and "reread" in rapid.settings
    assert f"-s{hashlib.sha256(rapid.settings.encode()).hexdigest()[:12]}" in rapid.version
