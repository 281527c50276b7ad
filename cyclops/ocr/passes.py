"""Where a 12 MP photo's two detection passes disagree, and how each disagreement is settled.

The coarse pass (the detector at 960 pixels) boxes large type whole but misses or merges small print; the fine pass
(1600 pixels, where the coarse one saw text) finds it. A fine box the coarse pass missed is added; a coarse box that
may be several rows of small print, or a loose box round small print, becomes a ``Choice`` between it and the fine
rows over it, which the engine settles by reading both (``reads_better``). Pure geometry and text: the engine
(``cyclops.ocr.rapid``) runs the detector and the recogniser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from cyclops.ocr.base import MIN_SCORE
from cyclops.ocr.boxes import as_quad, box_size, is_vertical, quad_area, quad_overlap, rect_areas, rects_of, shared_areas
from cyclops.ocr.reread import line_height

#: a box of the fine pass is new text when at most this share of it lies inside the coarse pass's boxes
FINE_NEW = 0.3
#: a fine box printed along an edge at most this share inside the level coarse boxes it touches runs across them
ACROSS_INSIDE = 0.9
#: a fine box printed along an edge that reaches this many times as far as the coarse pieces inside it is the
#: whole line (the two passes' boxes of one line differ in length by a few hundredths)
RUNS_PAST = 1.1
#: a coarse box with at least this share of its area inside a new fine box is a piece of that line ("der" of
#: "Jujube Powder"): the fine box reads the line whole, so the piece is dropped rather than read twice
FINE_SWALLOWS = 0.7
#: a fine box is new text too when at most this share of it lies inside coarse boxes that are all such pieces of it:
#: it reads the whole line of which the coarse pass boxed a part (a facts row's "34 mg" round the coarse "mg", its
#: "34" boxed with the row above), and which a box a few pixels larger or smaller would have had under ``FINE_NEW``
FINE_PIECES = 0.5
#: a coarse box holding at least this share of each of two or more flat fine boxes that lie on different rows
#: is several rows of small print merged into one box (a facts panel's rows, dark-on-light or light-on-dark):
#: read whole it is noise, so the fine pass's rows replace it
FINE_ROWS_INSIDE = 0.7
#: ... and each of those rows at most this share of the coarse box's height: a tilted or curved line's own fine box
#: is nearly as tall as the coarse one, and a heading's words ("Supplement" "Facts") are not rows under it
FINE_ROW_HEIGHT = 0.6
#: ... and those rows together span at least this share of its height: a heading's box over the first rows of
#: its panel ("Supplement Facts" over "Serving size") is the heading, read whole
FINE_ROWS_SPAN = 0.55
#: a flat coarse box less than this many pixels high at the coarse detection's size holds print of 6-8 pixels
#: there: its box is loose (it reaches into the rows above and below) and often holds a piece of the row. Where
#: the fine pass's boxes cover at least FINE_COVERS of it, they are read instead (Frog Fuel's panel rows)
SMALL_AT_COARSE = 24
FINE_COVERS = 0.5
#: a photo under 2400 pixels (``cyclops.ocr.rapid.FINE_FROM``) but at least this long (one scaled down to 1600 by
#: a messaging app or e-mail, a scan, a crop) is detected a second time only when ``has_small_print``: at 960 its
#: small print is 0.6 of its size or less, and a panel's rows the coarse pass missed are found at the photo's own
#: size (Frog Fuel's panel at 1600 pixels: 19 of its rows; benchmarks/results/real_robustness.md, ``messaged``)
FINE_SMALL_FROM = 1200
#: ... where the coarse pass boxed a flat line less than this many pixels high at its size: print near the
#: smallest it finds, whose smaller or fainter neighbours it misses. A label whose smallest line is larger (the
#: synthetic labels' lines are 14 pixels high or more at 960) is read from one pass: the fine one adds 0.1-0.9 s a photo
SMALL_LINE = 12
#: ... and at least this many times as long as it is high: a lone mark ("®", a bullet, a barcode's digit) is boxed
#: that small on almost any label, and is no print the fine pass would find more of
SMALL_LINE_LENGTH = 2.0


@dataclass
class Choice:
    """Where the two detection passes disagree: the coarse pass's box (and its pieces of the fine rows) or the fine
    pass's rows, decided by reading both (``reads_better``)."""

    coarse: list[np.ndarray]
    fine: list[np.ndarray]


def swallowed(coarse: list[np.ndarray], added: list[np.ndarray]) -> list[int]:
    """Indices of the coarse boxes that are pieces of a line the fine pass found whole: at least
    ``FINE_SWALLOWS`` of their area inside one added fine box."""
    if not len(coarse) or not len(added):
        return []
    rects = rects_of(coarse)
    inside = shared_areas(rects, rects_of(added)) >= FINE_SWALLOWS * rect_areas(rects)[:, None]
    return [int(i) for i in np.flatnonzero(inside.any(axis=1))]


def merged_rows(coarse: list[np.ndarray], fine: list[np.ndarray]) -> list[int]:
    """Indices of the flat coarse boxes that are several rows of small print detected as one: each holds at least
    ``FINE_ROWS_INSIDE`` of two or more flat fine boxes at most ``FINE_ROW_HEIGHT`` of its height, two of which
    lie on different rows, that together span ``FINE_ROWS_SPAN`` of its height. A vertical box (a line printed
    along an edge, which the fine pass cuts in pieces) is never one."""
    flat = [b for b in fine if not is_vertical(b)]
    if not len(coarse) or not flat:
        return []
    rects, outer = rects_of(flat), rects_of(coarse)
    inside = shared_areas(rects, outer) >= FINE_ROWS_INSIDE * rect_areas(rects)[:, None]
    heights = rects[:, 3] - rects[:, 1]
    out = []
    for i, box in enumerate(coarse):
        c = outer[i]
        held = [as_quad(rects[k]) for k in np.flatnonzero(inside[:, i] & (heights <= FINE_ROW_HEIGHT * (c[3] - c[1])))]
        if is_vertical(box) or not any(_apart(a, b) for k, a in enumerate(held) for b in held[k + 1:]):
            continue
        span = min(max(r[2, 1] for r in held), c[3]) - max(min(r[0, 1] for r in held), c[1])
        if span >= FINE_ROWS_SPAN * (c[3] - c[1]):
            out.append(i)
    return out


def _apart(a: np.ndarray, b: np.ndarray) -> bool:
    """Two line boxes (tilted or not) on different rows: their centres half a line height apart or more."""
    return abs(float(np.asarray(a)[:, 1].mean() - np.asarray(b)[:, 1].mean())) >= 0.5 * min(line_height(a), line_height(b))


def small_print(coarse: list[np.ndarray], fine: list[np.ndarray], scale: float) -> list[int]:
    """Indices of the flat coarse boxes that are small print at the coarse size (``scale``: coarse pixels per
    page pixel; under ``SMALL_AT_COARSE`` high there), reach into the fine pass's boxes of two rows and are
    covered ``FINE_COVERS`` by fine boxes: the fine pass reads that print from tighter boxes. A clean coarse box
    of one line (a fine box of one row over it) stays."""
    out: list[int] = []
    if not len(coarse) or not len(fine):
        return out
    near = shared_areas(rects_of(coarse), rects_of(fine)) > 0  # quads share nothing where their rectangles do not
    for i, box in enumerate(coarse):
        if is_vertical(box) or line_height(box) * scale >= SMALL_AT_COARSE:
            continue
        area = quad_area(box)
        touching = [(f, shared) for f in (fine[k] for k in np.flatnonzero(near[i]))
                    if (shared := quad_overlap(box, f)) >= 0.1 * quad_area(f)]
        if (sum(shared for _, shared in touching) >= FINE_COVERS * area
                and any(_apart(a, b) for k, (a, _) in enumerate(touching) for b, _ in touching[k + 1:])):
            out.append(i)
    return out


def has_small_print(coarse: list[np.ndarray], scale: float) -> bool:
    """Whether the coarse pass boxed a flat line under ``SMALL_LINE`` pixels high at its size (``scale``: coarse
    pixels per page pixel) and ``SMALL_LINE_LENGTH`` times as long: where a photo of 1200 to 2400 pixels has small
    print, the fine pass is worth its time."""
    return any(not is_vertical(box) and (height := line_height(box)) * scale < SMALL_LINE
               and float(np.linalg.norm(np.asarray(box)[1] - np.asarray(box)[0])) >= SMALL_LINE_LENGTH * height
               for box in coarse)


def new_boxes(coarse: list[np.ndarray], fine: list[np.ndarray]) -> list[np.ndarray]:
    """The boxes of the finer detection that the coarse one missed (small print): at most ``FINE_NEW`` of their
    area inside the coarse boxes, or at most ``FINE_PIECES`` inside coarse boxes that are all pieces of them (see
    ``swallowed``; along an edge, also where it reaches past them, ``runs_past``), or running across them
    (``runs_across``). Coarse boxes win elsewhere, so large type is read
    whole rather than as the pieces a fine pass may cut it into."""
    if not len(coarse) or not len(fine):
        return list(fine)
    rects, outer = rects_of(fine), rects_of(coarse)
    shared, area, outer_area = shared_areas(rects, outer), rect_areas(rects), rect_areas(outer)
    out = []
    for k, box in enumerate(fine):
        touched = np.flatnonzero(shared[k] > 0)
        held = sum(float(shared[k, j]) for j in touched)  # in order, as a sum over every coarse box adds
        pieces = all(shared[k, j] >= FINE_SWALLOWS * outer_area[j] for j in touched)
        over = [coarse[j] for j in touched]
        if held <= FINE_NEW * area[k] or (pieces and (held <= FINE_PIECES * area[k] or runs_past(box, over))) \
                or runs_across(box, over):
            out.append(box)
    return out


def runs_past(box: np.ndarray, pieces: list[np.ndarray]) -> bool:
    """Whether a fine box printed along an edge reaches ``RUNS_PAST`` times as far as the coarse boxes inside it,
    which run the same way: the coarse pass boxed part of that line ("NPN: 80933" of "NPN: 80933139" printed up a
    label's side), and the fine box reads it whole (the pieces are then dropped, ``swallowed``). Lines printed along
    an edge only: a level line's pieces are settled by reading both sides (``Choice``)."""
    return (is_vertical(box) and bool(pieces) and all(is_vertical(b) for b in pieces)
            and box_size(box)[1] >= RUNS_PAST * sum(box_size(b)[1] for b in pieces))


def runs_across(box: np.ndarray, coarse: list[np.ndarray]) -> bool:
    """Whether a fine box is a line printed along an edge (``is_vertical``) that runs across the level lines the
    coarse pass boxed over it: those are read level, so text running up or down through their boxes is not read by
    them. A licence number or lot printed up a label's side, next to a line of large type whose loose box (or, the
    photo held askew, whose tilted box's rectangle) reaches over it, was otherwise dropped as read already
    (``benchmarks/real_npn_printed.py``, running up: 2 of the 6 numbers missed at 11-pixel digits; 0.63 and 0.72 of
    them inside the level line's box). A tall piece of a level line's own large letters (an "I" of a heading) lies
    wholly inside it, more than ``ACROSS_INSIDE``, and stays that line's."""
    return (is_vertical(box) and bool(coarse) and not any(is_vertical(b) for b in coarse)
            and sum(quad_overlap(box, b) for b in coarse) <= ACROSS_INSIDE * quad_area(box))


def choices(boxes: list[np.ndarray], fine: list[np.ndarray], scale: float) -> tuple[list[np.ndarray], list[Choice]]:
    """(boxes, choices) of a 12 MP photo from its coarse pass's ``boxes`` and its fine pass's (``scale``: coarse
    pixels per page pixel): the coarse boxes with the fine pass's small print they missed (``new_boxes``), and
    each coarse box that may be several rows or loose small print (``merged_rows``, ``small_print``) as a choice
    with the fine rows over it, for the engine to settle by reading both. The boxes hold each choice's coarse side,
    unsorted."""
    doubtful = sorted(set(merged_rows(boxes, fine)) | set(small_print(boxes, fine, scale)))
    sure = [b for i, b in enumerate(boxes) if i not in doubtful]
    added = new_boxes(sure, fine)
    found = [Choice(coarse=[boxes[i]], fine=[]) for i in doubtful]
    plain = []
    near = shared_areas(rects_of(added), rects_of([c.coarse[0] for c in found])) > 0
    for k, box in enumerate(added):
        shares = [quad_overlap(box, c.coarse[0]) if near[k, j] else 0.0 for j, c in enumerate(found)]
        if shares and max(shares) >= 0.1 * quad_area(box):
            found[int(np.argmax(shares))].fine.append(box)
        else:
            plain.append(box)
    found = [c for c in found if c.fine]
    pieces = set(swallowed(sure, plain))
    for choice in found:  # a coarse piece of a fine row belongs to the coarse side of that choice
        held = set(swallowed(sure, choice.fine)) - pieces
        choice.coarse += [sure[i] for i in sorted(held)]
        pieces |= held
    kept = [b for i, b in enumerate(sure) if i not in pieces] + plain + [b for c in found for b in c.coarse]
    kept += [boxes[i] for i in doubtful if not any(boxes[i] is c.coarse[0] for c in found)]
    return kept, found


#: the fine rows replace the coarse side when they hold this much more text read surely (characters x confidence)
FINE_READS_MORE = 1.2
#: a coarse side read this surely, against fine rows no more and no wider, keeps its box without the rows being read
COARSE_SURE = 0.97


def reads_better(fine: list[tuple[str, float]], coarse: list[tuple[str, float]]) -> bool:
    """Whether the fine rows' readings hold ``FINE_READS_MORE`` times the surely read text of the coarse side's:
    "ndoxi" (0.67) against "Vitamin B6 (as Pyridoxine HCl)" (0.97); a piece ("ron") against its row ("Iron")."""
    def sure_text(readings: list[tuple[str, float]]) -> float:
        return sum(len(re.findall(r"\w", text)) * score for text, score in readings if score >= MIN_SCORE)

    return sure_text(fine) > FINE_READS_MORE * sure_text(coarse)


def coarse_holds(coarse: list[tuple[str, float]], choice: Choice) -> bool:
    """Whether the coarse side of a choice, read as ``coarse``, wins without its fine rows being read: every cell
    read surely (``COARSE_SURE``) and the fine side no more boxes and no wider, so that it cannot hold
    ``FINE_READS_MORE`` times the text ("OR PRESERVATIVES" over one fine box of the same row). On the real photos
    this spares reading the fine side of 202 of 456 choices; reading them had changed one decision ("21" / "21N")."""
    def width(boxes: list[np.ndarray]) -> float:
        return sum(float(np.linalg.norm(b[1] - b[0])) for b in boxes)

    return (bool(coarse) and all(score >= COARSE_SURE for _, score in coarse) and len(choice.fine) <= len(choice.coarse)
            and width(choice.fine) <= width(choice.coarse))


def readings(known: dict[bytes, tuple[list, list]], boxes: list[np.ndarray]) -> list[tuple[str, float]]:
    """The (text, confidence) of every cell of ``boxes``, as ``RapidEngine._read_cells`` read them."""
    return [(text, score) for b in boxes for text, score, _ in known[b.tobytes()][1]]
