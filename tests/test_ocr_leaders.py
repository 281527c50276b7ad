"""Dotted leaders found on the pixels of a rendered line, and rows read as their cells."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from cyclops.ocr.leaders import cells, leader_spans, sub_box

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def row(parts: list[str], size: int = 22, gap: int = 7) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """A line crop of text parts joined by dotted leaders (a part "..." means a leader); returns (bgr, leader x ranges)."""
    font = ImageFont.truetype(FONT, size)
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    widths = [probe.textlength(p, font=font) if p != "..." else 300 for p in parts]
    img = Image.new("RGB", (int(sum(widths) + 16 * len(parts) + 20), int(size * 1.6)), "white")
    draw = ImageDraw.Draw(img)
    x, truth = 10.0, []
    for part, width in zip(parts, widths):
        if part == "...":
            start = x
            while x < start + width:
                draw.text((x, 4), ".", font=font, fill="black")
                x += gap
            truth.append((start, x))
        else:
            draw.text((x, 4), part, font=font, fill="black")
            x += width
        x += 8
    return np.asarray(img)[:, :, ::-1].copy(), truth


def test_leader_between_name_and_amount_is_found_where_it_was_drawn():
    crop, truth = row(["Zinc", "...", "500 mg"])
    spans = leader_spans(crop)
    assert len(spans) == 1
    (x0, x1), (t0, t1) = spans[0], truth[0]
    assert abs(x0 - t0) < 8 and abs(x1 - t1) < 12


@pytest.mark.parametrize(
    "text",
    ["Take 2 tablets once daily with food.", "Vitamin C 0.5 g, zinc 2.5 mg", "Wait... then stop", "i.e. e.g. a.m. p.m. use"],
)
def test_text_without_leaders_has_none(text):
    crop, _ = row([text])
    assert leader_spans(crop) == []


def test_two_leaders_give_three_cells():
    crop, _ = row(["Fish oil", "...", "EPA", "...", "600 mg"])
    spans = leader_spans(crop)
    assert len(spans) == 2
    height, width = crop.shape[:2]
    parts = cells(width, height, spans)
    assert len(parts) == 3 and parts[0][0] == 0 and parts[-1][1] == width


def test_stub_of_a_leader_at_the_start_of_an_amount_box_is_cut():
    crop, _ = row([". .", "20 mg"])
    spans = leader_spans(crop)
    assert len(spans) == 1 and spans[0][0] < 20


def test_light_text_on_dark_ground():
    crop, _ = row(["Zinc", "...", "500 mg"])
    assert len(leader_spans(255 - crop)) == 1


def test_sub_box_maps_crop_columns_onto_a_tilted_box():
    box = np.array([[100, 50], [300, 70], [298, 90], [98, 70]], dtype=np.float32)
    part = sub_box(box, 200, 100, 200)
    assert np.allclose(part[0], [200, 60]) and np.allclose(part[1], [300, 70]) and np.allclose(part[3], [198, 80])


def test_rapidocr_reads_a_leader_row_as_name_leader_amount():
    """A detected box spanning the whole row is recognised as its cells, with a leader word between them."""
    from cyclops.ocr import get_engine

    crop, truth = row(["Eicosapentaenoic acid / Acide eicosapentaénoïque", "...", "600 mg"], gap=6)
    height, width = crop.shape[:2]
    box = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    (line,) = get_engine("rapidocr")._read_boxes(crop, [box], "img0").lines()
    assert "Eicosapentaenoic" in line.text and line.text.endswith("...... 600 mg")
    leader = next(w for w in line.words if w.text == "......")
    assert abs(leader.polygon[0][0] - truth[0][0]) < 8  # the leader word sits on the dots
    amount = next(w for w in line.words if w.text.startswith("600"))
    assert min(p[0] for p in amount.polygon) > truth[0][1] - 4  # and the amount after them
