"""Where a 12 MP photo's fine detection pass needs to look: the parts of the page where the coarse pass saw text.

The fine pass (a second detection at a larger size) is what finds a facts panel's small print, and over a whole
3000x4000 photo it is the dearest step of reading it (2-3 CPU s). The coarse pass's probability map already shows
where text is, even print too small for it to box: a weak response (``THRESHOLD``, a sixtieth of the 0.3 that makes
a box) round small print. So the fine pass runs the network on those places only, with room round them
(``MARGIN``, ``BOX_ROOM``), cut from the very input the whole page would have been, and over the whole page where
they cover most of it anyway (``WHOLE_FROM``).

A part's map is not exactly the whole page's: the detector's squeeze-and-excitation blocks average over their
whole input, so boxes move by a few pixels. The room is generous for that reason (with less, a facts row of the
real photos, Frog Fuel's "400mcg (DFE)", was lost to such a move), and ``cyclops.ocr.passes.new_boxes`` no longer
turns on a few pixels. Measured on the 29 real development photos: benchmarks/results/ocr_speed.md.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

#: text probability (of the coarse pass's map) that marks a place where there may be print. A licence number
#: printed alone on a label's plain ground at 9-11 pixel digits (12 MP) gives the coarse map 0.001-0.016 there:
#: at 0.03 the fine pass never looked (``benchmarks/real_npn_printed.py``, printed across: 41 -> 48 of 58 read at
#: 0.005). The parts then cover 0.57 of the real photos' detector input on average, against 0.54 at 0.03
THRESHOLD = 0.005
#: how far round such a place the fine pass looks, in pixels of the coarse pass's map (about 125 page pixels
#: on a 12 MP photo read at 960): a line's ends, its neighbours, and some of the panel round it are inside
MARGIN = 30
#: room round each of the coarse pass's boxes, in its heights: the map marks only a line's core, and a large
#: line's letters are told apart by what surrounds them (a part ending at their edge cut a front's name apart)
BOX_ROOM = 1.0
#: where the parts cover at least this share of the detector's input, the whole page is detected instead. Up to
#: three quarters a part is still much cheaper (the dense backs: 0.87 s against 1.23 s at 75 %, 0.73 against 1.00 at
#: 68 %); at 92 % (a front of large type) it was dearer than the whole (1.11 against 0.99 s). Raised from 0.6 at
#: stop 29: the same real and synthetic figures (benchmarks/results/ocr_speed.md)
WHOLE_FROM = 0.8
#: the detector's input sides are multiples of this
STRIDE = 32
VERSION = f"t{THRESHOLD}m{MARGIN}b{BOX_ROOM}w{WHOLE_FROM}"

Rect = tuple[int, int, int, int]  # x0, y0, x1, y1 in page pixels, x1 and y1 exclusive


def marked_rects(prob: np.ndarray, page_height: int, page_width: int, boxes: list[np.ndarray] = ()) -> list[Rect]:
    """Page rectangles round every place where ``prob`` (the coarse map, any size) reaches ``THRESHOLD`` and
    round the coarse pass's ``boxes`` (page pixels) with ``BOX_ROOM``, each grown by ``MARGIN`` map pixels;
    rectangles that overlap are merged, so no page pixel is detected twice."""
    mask = (prob >= THRESHOLD).astype(np.uint8)
    sy, sx = page_height / prob.shape[0], page_width / prob.shape[1]
    for box in boxes:
        x0, y0 = np.min(box, axis=0)
        x1, y1 = np.max(box, axis=0)
        room = BOX_ROOM * (y1 - y0)
        cv2.rectangle(mask, (int((x0 - room) / sx), int((y0 - room) / sy)), (int((x1 + room) / sx), int((y1 + room) / sy)), 1, -1)
    if not mask.any():
        return []
    mask = cv2.dilate(mask, np.ones((2 * MARGIN + 1, 2 * MARGIN + 1), np.uint8))
    _count, _labels, stats, _centres = cv2.connectedComponentsWithStats(mask)
    rects = [(int(x * sx), int(y * sy), min(page_width, math.ceil((x + w) * sx)), min(page_height, math.ceil((y + h) * sy)))
             for x, y, w, h, _area in stats[1:]]
    return merge_overlapping(rects)


def merge_overlapping(rects: list[Rect]) -> list[Rect]:
    """The rectangles with every overlapping pair replaced by their bounding rectangle, until none overlap."""
    rects = list(rects)
    merged = True
    while merged:
        merged = False
        for i in range(len(rects)):
            for j in range(i + 1, len(rects)):
                a, b = rects[i], rects[j]
                if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
                    rects[i] = (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))
                    del rects[j]
                    merged = True
                    break
            if merged:
                break
    return sorted(rects, key=lambda r: (r[1], r[0]))


def covered(rects: list[Rect], height: int, width: int) -> float:
    """Share of a ``height`` x ``width`` image the (non-overlapping) rectangles cover."""
    return sum((x1 - x0) * (y1 - y0) for x0, y0, x1, y1 in rects) / float(height * width)


def input_rects(rects: list[Rect], page_height: int, page_width: int, input_height: int, input_width: int) -> list[Rect]:
    """Page ``rects`` in the pixels of the detector's input (the page scaled to ``input_height`` x ``input_width``),
    grown outward to its ``STRIDE`` grid, so that a part is cut where the network's own downsampling cuts the
    whole input; parts that then overlap are merged."""
    sy, sx = input_height / page_height, input_width / page_width

    def snap(lo: float, hi: float, limit: int) -> tuple[int, int]:
        return int(lo // STRIDE) * STRIDE, min(limit, math.ceil(hi / STRIDE) * STRIDE)

    snapped = []
    for x0, y0, x1, y1 in rects:
        (a, c), (b, d) = snap(x0 * sx, x1 * sx, input_width), snap(y0 * sy, y1 * sy, input_height)
        snapped.append((a, b, c, d))
    return merge_overlapping(snapped)
