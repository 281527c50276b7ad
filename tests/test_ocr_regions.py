"""The fine detection pass of a 12 MP photo runs only where the coarse pass saw text (cyclops.ocr.regions),
checked on maps made here and on a page rendered here, read by the real RapidOCR."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from cyclops.ocr.regions import BOX_ROOM, MARGIN, STRIDE, THRESHOLD, covered, input_rects, marked_rects, merge_overlapping


def test_a_weak_response_is_marked_with_its_margin_and_an_empty_map_marks_nothing():
    prob = np.zeros((192, 144), np.float32)  # a 4000x3000 page's map at about a 21st
    prob[90:92, 60:70] = THRESHOLD  # small print the coarse pass could not box: a response far under 0.3
    (x0, y0, x1, y1), = marked_rects(prob, 4000, 3000)
    px, py = 3000 / 144, 4000 / 192
    assert x0 == pytest.approx((60 - MARGIN) * px, abs=1) and x1 == pytest.approx((70 + MARGIN) * px, abs=1)
    assert y0 == pytest.approx((90 - MARGIN) * py, abs=1) and y1 == pytest.approx((92 + MARGIN) * py, abs=1)
    prob[90:92, 60:70] = THRESHOLD / 2
    assert marked_rects(prob, 4000, 3000) == []


def test_a_line_is_marked_with_room_round_its_whole_box_not_only_its_core():
    """The map marks a line's core; its box, and what the detector needs round a large line, reach beyond."""
    prob = np.zeros((192, 144), np.float32)
    box = np.array([[1200, 2000], [1800, 2000], [1800, 2100], [1200, 2100]], np.float32)  # a 100-pixel-high line
    (x0, y0, x1, y1), = marked_rects(prob, 4000, 3000, [box])
    room = BOX_ROOM * 100 + MARGIN * 4000 / 192
    assert (x0, y0) == pytest.approx((1200 - room, 2000 - room), abs=25) and (x1, y1) == pytest.approx((1800 + room, 2100 + room), abs=25)


def test_parts_are_cut_on_the_detectors_grid_and_overlapping_ones_merged():
    rects = input_rects([(100, 100, 400, 300), (350, 280, 700, 500), (2000, 3000, 2100, 3100)], 4000, 3000, 1600, 1216)
    assert all(v % STRIDE == 0 or v in (1216, 1600) for r in rects for v in r)
    assert len(rects) == 2  # the first two overlap once snapped, and are one part
    (a, b, c, d), _ = rects
    assert (a, b) == (32, 32) and c >= 700 * 1216 / 3000 and d >= 500 * 0.4
    assert merge_overlapping([(0, 0, 10, 10), (10, 0, 20, 10)]) == [(0, 0, 10, 10), (10, 0, 20, 10)]  # touching, apart
    assert covered([(0, 0, 32, 32)], 64, 64) == 0.25


@pytest.fixture(scope="module")
def engine():
    """The engine that runs the fine pass on parts (the bfloat16 pass runs the whole input: tests/test_ocr_bf16.py)."""
    from cyclops.ocr.rapid import RapidEngine

    return RapidEngine(threads=2, bf16=False)


def test_the_fine_pass_reads_only_the_marked_part_of_a_12_megapixel_page_and_finds_its_small_print(engine, monkeypatch):
    """A 3000x4000 page with one large heading and a few rows of 22-pixel print: the fine pass runs the network on
    parts of its input that together are well under half of it, and finds the small rows as the whole page's does."""
    from cyclops.ocr.rapid import FINE_SIDE, detect_at

    image = Image.new("RGB", (3000, 4000), "white")
    draw = ImageDraw.Draw(image)
    draw.text((300, 400), "MAGNESIUM", font=ImageFont.truetype("DejaVuSans-Bold.ttf", 220), fill="black")
    small = ImageFont.truetype("DejaVuSans.ttf", 24)
    for k, row in enumerate(["Magnesium glycinate 120 mg", "Melatonin 5 mg", "L-Theanine 200 mg"]):
        draw.text((1200, 2400 + 60 * k), row, font=small, fill="black")
    bgr = np.asarray(image)[:, :, ::-1].copy()
    coarse, prob = detect_at(engine._det, bgr, engine._det.limit_side_len)
    seen = []
    session = engine._fine_det.session  # the fine pass's detector (int8 where the CPU has VNNI: cyclops.ocr.int8)
    monkeypatch.setattr(engine._fine_det, "session", lambda x: seen.append(x.shape[2] * x.shape[3]) or session(x))
    fine = engine.fine_boxes(bgr, prob, coarse)
    monkeypatch.undo()
    whole = detect_at(engine._fine_det, bgr, FINE_SIDE)[0]
    assert seen and sum(seen) < 0.5 * 1216 * 1600
    rows = lambda boxes: sorted(round(b[:, 1].min() / 60) for b in boxes if 2380 <= b[:, 1].min() <= 2560)  # noqa: E731
    assert len(rows(fine)) == 3 and rows(fine) == rows(whole)
