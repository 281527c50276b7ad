"""Dotted leaders in a line crop ("Zinc ........ 500 mg"), found on the pixels before recognition.

Why: the recogniser reads a whole table row as one line, and where the dots run
into the amount it misreads the digits with high confidence ("3 mg" as "…3g",
"600 mg" as "60 mg", "5000 mcg" as "50 g"). The same amount cropped on its own
is read correctly. So the leader is located from connected components (a run of
small blobs sitting on the text's baseline, with no letter between them) and the
row is recognised as its cells: the name, then the amount. Skipping the dots
also makes the row cheaper to read, since recognition cost grows with width.
"""

from __future__ import annotations

import cv2
import numpy as np

VERSION = "2"  # part of the OCR engine's version, so cached readings are redone when the rule changes
MIN_DOTS = 5  # fewer dots in a row are an ellipsis or punctuation, not a leader...
MIN_EDGE_DOTS = 2  # ...unless they start or end the line: the stub of a leader the detector cut (". . 20 mg")
MIN_SPAN = 1.5  # a leader is at least this many letter heights long
MAX_GAP = 1.2  # dots further apart than this many letter heights belong to two runs
MIN_CELL = 0.5  # a cell narrower than this many crop heights holds no text worth reading


def _ink(gray: np.ndarray) -> np.ndarray:
    """Binary ink mask (text = 255), whichever way round the line is printed."""
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    if (ink > 0).mean() > 0.5:  # light text on a dark ground
        ink = 255 - ink
    return ink


def leader_spans(crop: np.ndarray) -> list[tuple[int, int]]:
    """(x_start, x_end) of each dotted leader in a flat line crop, left to right; empty when there is none."""
    gray = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY) if crop.ndim == 3 else crop
    height, width = gray.shape[:2]
    if height < 8 or width < 2 * height:
        return []
    _, _, stats, _ = cv2.connectedComponentsWithStats(_ink(gray), connectivity=8)
    comps = sorted((tuple(int(v) for v in s[:4]) for s in stats[1:]), key=lambda c: c[0])  # dots of a small print are 1 px
    letters = [c for c in comps if c[3] >= 0.3 * height]
    if not letters:
        return []
    letter_h = float(np.median([c[3] for c in letters]))
    baseline = float(np.median([c[1] + c[3] for c in letters]))

    def is_dot(x: int, y: int, w: int, h: int) -> bool:
        return h <= 0.35 * letter_h and w <= 0.5 * letter_h and abs(y + h - baseline) <= 0.25 * letter_h

    spans: list[tuple[int, int]] = []
    run: list[tuple[int, int, int, int]] = []
    seen_letter = False

    def close(at_end: bool) -> None:
        if run:
            x0, x1 = run[0][0], run[-1][0] + run[-1][2]
            long = len(run) >= MIN_DOTS and x1 - x0 >= MIN_SPAN * letter_h
            stub = len(run) >= MIN_EDGE_DOTS and (not seen_letter or at_end)
            if long or stub:
                spans.append((x0, x1))
        run.clear()

    for comp in comps:
        x, _, w, h = comp
        if is_dot(*comp):
            if run and x - (run[-1][0] + run[-1][2]) > MAX_GAP * letter_h:
                close(at_end=False)
            run.append(comp)
        elif h >= 0.2 * letter_h or w >= 0.5 * letter_h:  # a letter ends the run; specks of noise do not
            close(at_end=False)
            seen_letter = True
    close(at_end=True)
    return spans


def cells(width: int, height: int, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The stretches of a crop between its leaders that are wide enough to hold text."""
    out, start = [], 0
    for x0, x1 in spans:
        if x0 - start >= MIN_CELL * height:
            out.append((start, x0))
        start = x1
    if width - start >= MIN_CELL * height:
        out.append((start, width))
    return out


def sub_box(box: np.ndarray, width: int, x0: float, x1: float) -> np.ndarray:
    """The part of a detected box (4x2, p0->p1 along the text) between crop columns x0 and x1 of its ``width``-wide crop."""
    b = np.asarray(box, dtype=np.float32)
    t0, t1 = x0 / max(width, 1), x1 / max(width, 1)
    top0, top1 = b[0] + (b[1] - b[0]) * t0, b[0] + (b[1] - b[0]) * t1
    bottom0, bottom1 = b[3] + (b[2] - b[3]) * t0, b[3] + (b[2] - b[3]) * t1
    return np.array([top0, top1, bottom1, bottom0], dtype=np.float32)
