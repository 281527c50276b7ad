"""Layout: blocks in reading order, EN | FR columns, languages and relative font sizes."""

from __future__ import annotations

import pytest
from PIL import Image, ImageDraw, ImageFont

from cyclops.layout import arrange, detect_language, line_features
from cyclops.model.ocr import Block, Line, Page, Word, rect
from cyclops.ocr import get_engine

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
EN = ["Recommended use:", "Helps to maintain healthy bones", "and teeth. Take one tablet", "daily with food."]
FR = ["Usage recommandé :", "Aide à maintenir la santé des os", "et des dents. Prendre un", "comprimé par jour."]


def line(text: str, x: float, y: float, height: float = 20, char: float = 10) -> Line:
    words, cursor = [], x
    for token in text.split():
        words.append(Word(text=token, polygon=rect(cursor, y, cursor + char * len(token), y + height)))
        cursor += char * (len(token) + 1)
    return Line(words=words, polygon=rect(x, y, cursor - char, y + height))


def test_side_by_side_columns_become_two_blocks_with_languages():
    lines = [line(t, 20, 100 + i * 26) for i, t in enumerate(EN)] + [line(t, 420, 100 + i * 26) for i, t in enumerate(FR)]
    shuffled = lines[::2] + lines[1::2]
    page = arrange(Page(image_id="img0", width=800, height=400, blocks=[Block(lines=shuffled)]))
    assert len(page.blocks) == 2
    english, french = page.blocks
    assert english.language == "en" and french.language == "fr"
    assert [ln.text for ln in english.lines] == EN and [ln.text for ln in french.lines] == FR


def test_title_above_columns_comes_first():
    title = line("VITAMIN D3 1000 IU", 200, 20, height=40, char=20)
    lines = [line(t, 20, 100 + i * 26) for i, t in enumerate(EN)] + [line(t, 420, 100 + i * 26) for i, t in enumerate(FR)]
    page = arrange(Page(image_id="img0", width=800, height=400, blocks=[Block(lines=lines[::-1] + [title])]))
    assert page.blocks[0].lines[0].text == "VITAMIN D3 1000 IU"
    assert [b.language for b in page.blocks[1:]] == ["en", "fr"]
    assert line_features(page, page.blocks[0].lines[0])["rel_font_size"] == pytest.approx(2.0)


def test_narrow_quantity_column_stays_with_its_names():
    rows = [("Vitamin D3", "25 µg"), ("Calcium", "500 mg"), ("Magnesium", "250 mg")]
    lines = []
    for i, (name, qty) in enumerate(rows):
        lines += [line(name, 20, 100 + i * 26), line(qty, 600, 100 + i * 26)]
    page = arrange(Page(image_id="img0", width=800, height=400, blocks=[Block(lines=lines)]))
    assert len(page.blocks) == 1
    assert [ln.text for ln in page.blocks[0].lines] == ["Vitamin D3", "25 µg", "Calcium", "500 mg", "Magnesium", "250 mg"]


def test_vertical_lines_get_their_own_block():
    upright = line("Take one tablet daily", 20, 100)
    edge = Line(words=[Word(text="NPN"), Word(text="80012345")], polygon=rect(760, 50, 790, 350), vertical=True)
    page = arrange(Page(image_id="img0", width=800, height=400, blocks=[Block(lines=[edge, upright])]))
    assert [b.lines[0].text for b in page.blocks] == ["Take one tablet daily", "NPN 80012345"]
    assert page.blocks[1].language is None


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Helps to maintain healthy bones and teeth", "en"),
        ("Aide à maintenir la santé des os et des dents", "fr"),
        ("Consultez un praticien", "fr"),
        ("Keep out of reach of children", "en"),
        ("NPN 80012345", None),
        ("500 mg", None),
        ("", None),
    ],
)
def test_detect_language(text, language):
    assert detect_language(text) == language


def test_rendered_bilingual_label_through_rapidocr():
    img = Image.new("RGB", (1200, 420), "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 30)
    for i, (en, fr) in enumerate(zip(EN, FR)):
        draw.text((40, 60 + i * 44), en, font=font, fill="black")
        draw.text((660, 60 + i * 44), fr, font=font, fill="black")
    page = get_engine("rapidocr").read(img, "img0")
    assert [b.language for b in page.blocks] == ["en", "fr"]
    assert page.blocks[0].lines[0].text.startswith("Recommended")
    assert page.blocks[1].lines[-1].text.startswith("comprim")
