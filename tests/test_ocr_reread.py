"""A second, reframed look at unsure lines (cyclops.ocr.reread) on lines rendered here, read by the real RapidOCR."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from rapidocr.utils.process_img import get_rotate_crop_image

from cyclops.ocr.reread import REREAD_BELOW, better, line_height, may_be_turned, reframe, turned_wrong

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def facts_rows(text: str, size: int = 30, cut: float = 0.7, margin: float = 0.8, blur: float = 2.0):
    """(bgr, box) of a facts-panel row between two close neighbours, blurred and halved, with a detector-like box
    around it: too tall (it takes in the neighbours' ascenders and descenders) and cutting into the first letter."""
    font = ImageFont.truetype(FONT, size)
    width = int(ImageDraw.Draw(Image.new("RGB", (1, 1))).textlength(text, font=font))
    img = Image.new("RGB", (width + 200, size * 6), "white")
    draw = ImageDraw.Draw(img)
    x0, y0 = 100, size * 2.5
    draw.text((x0, y0 - size * 1.05), "Serving Size 2 capsules daily", font=font, fill="black")
    draw.text((x0, y0), text, font=font, fill="black")
    draw.text((x0, y0 + size * 1.05), "Daily Value not established yet", font=font, fill="black")
    left, top, right, bottom = draw.textbbox((x0, y0), text, font=font)
    img = img.filter(ImageFilter.GaussianBlur(blur)).resize((img.width // 2, img.height // 2), Image.Resampling.BILINEAR)
    pad = margin * (bottom - top)
    start = left + cut * size * 0.6
    box = np.array([[start, top - pad], [right, top - pad], [right, bottom + pad], [start, bottom + pad]], np.float32) / 2
    return np.asarray(img)[:, :, ::-1].copy(), box


@pytest.fixture(scope="module")
def engine():
    from cyclops.ocr import get_engine

    return get_engine("rapidocr")


def test_reframe_lengthens_and_lowers_a_sloping_line_along_its_own_axes():
    box = np.array([[100, 50], [300, 70], [298, 90], [98, 70]], dtype=np.float32)
    out = reframe(box, widen=0.5, trim=0.25)
    height = line_height(box)
    assert np.linalg.norm(out[1] - out[0]) == pytest.approx(np.linalg.norm(box[1] - box[0]) + height, rel=1e-4)
    assert line_height(out) == pytest.approx(height / 2, rel=1e-4)
    slope = lambda q: (q[1][1] - q[0][1]) / (q[1][0] - q[0][0])  # noqa: E731
    assert slope(out) == pytest.approx(slope(box), rel=1e-4)


def test_a_clearly_more_confident_reading_wins_but_not_a_whim_on_digits_or_fewer_words():
    assert better(("a syvestre", 0.84), ("ema sylvestre", 0.98))
    assert not better(("a syvestre", 0.84), ("ema sylvestre", 0.85))  # within the margin: kept
    assert not better(("39", 0.68), ("00", 0.72))  # other digits need a far clearer reading
    assert better(("a ervng d t es day", 0.48), ("a serving of food contributes 2,000 calories a day", 0.96))
    assert not better(("Take with food daily", 0.80), ("Tke wth fod daly", 0.90))  # fewer known words
    assert not better(("nng", 0.40), ("   ", 0.90))


def test_upside_down_is_told_by_words_not_by_confidence_alone():
    upright = [("Mmadeelknik nia", 0.43), ("nrei, iey Hli e Hhmon", 0.40), ("Protein", 0.69)]
    turned = [("Made with love in India", 0.91), ("Ingredients: Honey, Shilajit Resin, Cinnamon.", 0.99)]
    assert turned_wrong(upright, turned)
    assert not turned_wrong(turned, upright)
    assert not turned_wrong(upright, turned, page=turned)  # the page's own well-read lines weigh against turning it
    assert turned_wrong(upright, turned, page=[(t, 0.6) for t, _ in turned])  # but not its unsure ones
    assert not turned_wrong([("Ms 0", 0.5)], [("ISO", 0.99)])  # too little text to turn a page on


@pytest.mark.parametrize(("text", "kwargs"), [("Gymnema sylvestre", {}), ("White Kidney Bean", {"cut": 0.9})])
def test_an_unsure_row_is_read_right_from_a_wider_lower_crop(engine, text, kwargs):
    bgr, box = facts_rows(text, **kwargs)
    ((first, score),) = engine.recognize([get_rotate_crop_image(bgr, box.copy())])
    assert score < REREAD_BELOW and first != text  # the detector's frame alone misreads it, unsurely
    (line,) = engine._read_boxes(bgr, [box], "img0").lines()
    assert line.text == text and line.confidence > score
    assert [w.text for w in line.words] == text.split()


def test_a_sure_row_is_left_as_first_read(engine):
    bgr, box = facts_rows("Passion Flower Extract", blur=1.0, cut=0.0, margin=0.3)
    ((first, score),) = engine.recognize([get_rotate_crop_image(bgr, box.copy())])
    assert score >= REREAD_BELOW
    (line,) = engine._read_boxes(bgr, [box], "img0").lines()
    assert (line.text, line.confidence) == (first, pytest.approx(score))


def test_a_page_read_upside_down_is_turned_by_its_unsure_lines(engine):
    rows = ["Manufactured by Azuretale Inc.", "Ingredients: Honey, Cinnamon.", "Made with love in India"]
    crops = []
    for text in rows:
        bgr, box = facts_rows(text, blur=2.0, cut=0.0, margin=0.3)
        crops.append(np.ascontiguousarray(get_rotate_crop_image(bgr, box.copy())[::-1, ::-1]))
    readings = engine.recognize(crops)
    assert engine._upside_down(list(zip(crops, readings)), readings)
    upright = [np.ascontiguousarray(c[::-1, ::-1]) for c in crops]
    assert not engine._upside_down(list(zip(upright, engine.recognize(upright))), [])
    # a page whose other lines read well as they are is not turned for a few upside-down lines on it
    label = [("Supplement Facts Serving Size Amount Per Serving Daily Value", 0.99)] * 3
    assert not engine._upside_down(list(zip(crops, readings)), readings + label)


def test_a_page_that_no_turned_reading_could_outweigh_is_not_read_upside_down():
    upright = [("Mmadeelknik nia", 0.43), ("Protein", 0.69)]
    turned = [("Made with love in India", 0.91), ("Ingredients: Honey, Shilajit Resin, Cinnamon.", 0.99)]
    label = [("Supplement Facts Serving Size Amount Per Serving Daily Value", 0.99)] * 3
    letters = sum(len(t) for t, _ in turned)
    assert turned_wrong(upright, turned) and may_be_turned(upright, letters)  # the bound never hides a turn
    assert not turned_wrong(upright, turned, page=label) and not may_be_turned(upright, letters, page=label)
    assert not may_be_turned(upright, 11)  # too few letters to turn a page on, whatever they read
    assert may_be_turned(upright, 1000, page=label)  # long enough lines could still outweigh the page


def test_the_bound_on_what_a_crop_can_read_holds_for_the_recogniser_and_spares_reading(engine, monkeypatch):
    """``most_characters`` is at least the recogniser's time steps (one character each, at most) for crops short,
    long and odd-sized; a page whose sure lines no four lines could outweigh reads nothing upside down."""
    from cyclops.ocr.rapid import most_characters

    session = engine._lanes.lanes[0].session
    for height, width in ((48, 100), (48, 320), (48, 321), (30, 700), (61, 1001), (20, 1500)):
        crop = np.full((height, width, 3), 255, np.uint8)
        scaled = int(48 * max(320 / 48, width / height))
        steps = session(np.zeros((1, 3, 48, scaled), np.float32)).shape[1]
        assert steps <= most_characters(crop) <= steps + 2
    rows = ["Manufactured by Azuretale Inc.", "Made with love in India"]
    crops = [np.ascontiguousarray(get_rotate_crop_image(*facts_rows(t, cut=0.0, margin=0.3))[::-1, ::-1]) for t in rows]
    readings = engine.recognize(crops)
    for crop, (text, _) in zip(crops, engine.recognize([c[::-1, ::-1] for c in crops])):
        assert len(text) <= most_characters(crop)
    label = [("Supplement Facts Serving Size Amount Per Serving Daily Value", 0.99)] * 3
    monkeypatch.setattr(engine, "recognize", lambda crops: pytest.fail("read upside down"))
    assert not engine._upside_down(list(zip(crops, readings)), readings + label)


def test_a_coarse_piece_of_a_line_the_fine_pass_found_whole_is_dropped():
    from cyclops.ocr.passes import swallowed

    rect = lambda x0, y0, x1, y1: np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)  # noqa: E731
    line = rect(1023, 1919, 1210, 1978)  # "Jujube Powder", found by the fine pass
    coarse = [rect(1151, 1933, 1197, 1962), rect(1023, 2000, 1210, 2050), rect(1180, 1930, 1300, 1970)]
    assert swallowed(coarse, [line]) == [0]  # "der" inside it; the next row and a box half outside stay


def test_a_coarse_box_over_several_rows_of_small_print_gives_way_to_the_fine_rows():
    """Frog Fuel's light-on-dark facts panel: at the coarse size four rows were one box, read as "二" and dropped,
    and the fine pass's rows, inside it, were not added. Geometry as detected on that 12 MP photo."""
    from cyclops.ocr.passes import merged_rows, new_boxes

    rect = lambda x0, y0, x1, y1: np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)  # noqa: E731
    blob = rect(1296, 1422, 1806, 1674)
    fine = [rect(1341, 1472, 1715, 1538), rect(1344, 1502, 1686, 1561), rect(1341, 1527, 1753, 1598),
            rect(1346, 1557, 1661, 1618)]  # Vitamin A, Vitamin C, Vitamin E, Thiamin
    one_line = rect(1351, 1450, 1453, 1496)  # "Protein": a coarse box of one row
    assert new_boxes([blob, one_line], fine) == []  # without the rule: every row lost
    assert merged_rows([blob, one_line], fine) == [0]
    assert len(new_boxes([one_line], fine)) == 4
    # pieces of one row (large type cut by the fine pass) and pieces of a vertical line keep the coarse box
    title = rect(700, 1100, 1800, 1200)
    assert merged_rows([title], [rect(710, 1105, 1200, 1195), rect(1250, 1110, 1790, 1190)]) == []
    edge = rect(2263, 842, 2318, 1308)
    assert merged_rows([edge], [rect(2265, 850, 2316, 1050), rect(2265, 1080, 2316, 1300)]) == []
    # a heading's box over the first rows of its panel is the heading (BetterAlt: "Supplement Facts", read whole)
    heading = rect(496, 626, 1976, 999)
    assert merged_rows([heading], [rect(1055, 834, 1688, 941), rect(1139, 921, 1689, 1031), rect(553, 836, 1018, 1037)]) == []
    # a tilted line's own fine box is nearly as tall as the coarse one: not a row under it (MaryRuth's claims)
    tilted = rect(650, 2611, 1826, 2931)
    assert merged_rows([tilted], [rect(765, 2553, 1720, 2804), rect(652, 2607, 1828, 2926), rect(797, 2758, 1694, 2995)]) == []


def test_a_loose_coarse_box_of_small_print_gives_way_to_the_fine_rows_it_reaches_into():
    """Frog Fuel's panel at the coarse size: print 7 pixels high, boxes loose enough to reach the rows above and
    below ("ndoxi" read for "Vitamin B6 (as Pyridoxine HCl)"); the fine pass's tight rows are read instead."""
    from cyclops.ocr.passes import small_print

    rect = lambda x0, y0, x1, y1: np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)  # noqa: E731
    scale = 960 / 4000
    loose = rect(1341, 1607, 1637, 1680)  # "Niacin (as Niacinamide)", 17 pixels high at the coarse size
    rows = [rect(1344, 1587, 1484, 1636), rect(1344, 1612, 1629, 1673), rect(1341, 1642, 1703, 1706)]
    assert small_print([loose], rows, scale) == [0]
    # one fine row over a clean coarse box: the coarse box stays (a name read whole)
    assert small_print([loose], [rows[1]], scale) == []
    # type large at the coarse size stays, whatever the fine pass found in it
    large = rect(664, 820, 1752, 930)
    assert small_print([large], [rect(664, 820, 1200, 870), rect(664, 880, 1200, 930)], scale) == []


def test_the_fine_rows_replace_a_coarse_box_only_where_they_read_better():
    """Readings from Frog Fuel's and myBrainCo's 12 MP backs: the two passes' boxes are both read, and the fine
    rows win only when they hold clearly more text read surely."""
    from cyclops.ocr.passes import reads_better

    assert reads_better([("Vitamin B6 (as Pyridoxine HCl)", 0.97), ("2mg", 1.0)], [("ndoxi", 0.67)])
    assert reads_better([("Iron", 0.99)], [("ron", 1.0)])  # a piece of the row, read surely, is still a piece
    assert reads_better([("8,888mg", 0.99), ("2,500mg", 1.0)], [("8.8mg", 0.51)])
    assert not reads_better([("Total Fat", 0.99)], [("Total Fat", 1.0)])  # the same line: the coarse box stays
    assert not reads_better([("59", 0.93)], [("5g", 0.8)])  # a little surer is not enough


def test_the_two_passes_are_settled_by_reading_and_the_page_reuses_those_readings(engine, monkeypatch):
    """A coarse box over two rows (read as one crop it is noise) against the fine pass's two rows: the rows win,
    and reading the page then recognises none of them a second time."""
    from cyclops.ocr.passes import Choice

    font = ImageFont.truetype(FONT, 28)
    img = Image.new("RGB", (900, 200), "white")
    draw = ImageDraw.Draw(img)
    rows = ["Vitamin C (as Ascorbic Acid) 60 mg", "Riboflavin 2 mg"]
    boxes = []
    for k, text in enumerate(rows):
        left, top, right, bottom = draw.textbbox((40, 40 + 40 * k), text, font=font)
        draw.text((40, 40 + 40 * k), text, font=font, fill="black")
        boxes.append(np.array([[left - 6, top - 5], [right + 6, top - 5], [right + 6, bottom + 5], [left - 6, bottom + 5]], np.float32))
    merged = np.array([[30, 30], [600, 30], [600, 120], [30, 120]], np.float32)
    bgr = np.asarray(img)[:, :, ::-1].copy()
    kept, known = engine.settle(bgr, [merged], [Choice(coarse=[merged], fine=boxes)])
    assert len(kept) == 2 and not any(np.array_equal(b, merged) for b in kept)
    asked = []
    real = engine._recognize_cells
    monkeypatch.setattr(engine, "_recognize_cells", lambda pieces, extra=(): asked.append(len(pieces)) or real(pieces, extra))
    page = engine._read_boxes(bgr, kept, "img0", known)
    assert [ln.text for ln in page.lines()] == rows
    assert asked in ([], [0])  # every row's reading came from the settling


def test_a_coarse_box_read_surely_keeps_its_place_without_its_fine_row_being_read(engine, monkeypatch):
    """"OR PRESERVATIVES" read surely from the coarse box, against one fine box of the same row no wider: the fine
    row cannot hold 1.2 times the text, so it is not recognised; fine rows wider or more than the coarse side, or a
    coarse side read less surely, are still read."""
    from cyclops.ocr.passes import Choice, coarse_holds

    font = ImageFont.truetype(FONT, 28)
    img = Image.new("RGB", (700, 160), "white")
    draw = ImageDraw.Draw(img)
    left, top, right, bottom = draw.textbbox((40, 40), "OR PRESERVATIVES", font=font)
    draw.text((40, 40), "OR PRESERVATIVES", font=font, fill="black")
    coarse = np.array([[left - 8, top - 7], [right + 8, top - 7], [right + 8, bottom + 7], [left - 8, bottom + 7]], np.float32)
    fine = np.array([[left - 5, top - 4], [right + 5, top - 4], [right + 5, bottom + 4], [left - 5, bottom + 4]], np.float32)
    bgr = np.asarray(img)[:, :, ::-1].copy()
    asked = []
    real = engine._recognize_cells
    monkeypatch.setattr(engine, "_recognize_cells", lambda pieces, extra=(): asked.append(len(pieces)) or real(pieces, extra))
    kept, known = engine.settle(bgr, [coarse], [Choice(coarse=[coarse], fine=[fine])])
    assert len(kept) == 1 and np.array_equal(kept[0], coarse) and asked == [1, 0]
    assert known[coarse.tobytes()][1][0][0] == "OR PRESERVATIVES"
    wider = fine.copy()
    wider[[1, 2], 0] += 60
    assert not coarse_holds([("OR PRESERVATIVES", 0.99)], Choice(coarse=[coarse], fine=[wider]))
    assert not coarse_holds([("OR PRESERVATIVES", 0.9)], Choice(coarse=[coarse], fine=[fine]))
    assert not coarse_holds([("OR", 0.99)], Choice(coarse=[coarse], fine=[fine, fine]))


def test_the_rectangles_shared_areas_are_each_pairs_overlap():
    """``shared_areas``, one numpy step for the fine pass's box-by-box geometry, against the plain overlap of each pair
    of bounding rectangles (tilted and touching boxes, empty lists); ``rects_of`` bounds any quad."""
    from cyclops.ocr.boxes import rect_of, rects_of, shared_areas

    rng = np.random.default_rng(7)

    def quad(x: float, y: float, w: float, h: float, tilt: float) -> np.ndarray:
        turn = np.array([[np.cos(tilt), np.sin(tilt)], [-np.sin(tilt), np.cos(tilt)]], np.float32)
        return (np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32) @ turn + [x, y]).astype(np.float32)

    boxes = [quad(*rng.uniform(0, 500, 2), *rng.uniform(5, 300, 2), rng.normal(0, 0.1)) for _ in range(40)]
    boxes += [quad(100, 100, 50, 20, 0), quad(150, 100, 50, 20, 0)]  # touching: nothing shared
    rects = rects_of(boxes)
    assert np.array_equal(rects, np.array([[r[0, 0], r[0, 1], r[2, 0], r[2, 1]] for r in map(rect_of, boxes)]))
    shared = shared_areas(rects, rects[::-1])
    for i, a in enumerate(rects):
        for j, b in enumerate(rects[::-1]):
            width = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
            height = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
            assert shared[i, j] == pytest.approx(width * height, rel=1e-6)
    assert shared[-2, 0] == 0 and shared[-2, 1] == 1000 and shared.max() > 0 and (shared == 0).sum() > 0
    assert shared_areas(rects_of([]), rects).shape == (0, len(boxes))
