"""Make a photo's text upright and level before OCR, without trusting EXIF.

Phones often store labels sideways. A text detector (``TextDetector``: RapidOCR's, handed in by
whoever builds the engine) on a small copy gives the text boxes (``RapidEngine.read_upright`` uses
its own coarse pass's boxes instead, and boxes a turned photo again once upright): mostly tall boxes mean the page is
turned 90 or 270 degrees. Which way round is then decided by the detector's 0/180 line classifier
voting on the longest lines (about 50 ms; recognising them both ways was 10x slower); an unsure vote, or one to
turn the photo 180 degrees (which it got wrong on a dark, curved label, costing a second reading of the page), is
checked by reading three lines both ways. The same
boxes' slopes give the small skew angle.
"""

from __future__ import annotations

import math
import re
import statistics
from typing import Protocol

import numpy as np
from PIL import Image

from cyclops.ocr.boxes import box_size, crop_quad, to_bgr, turned
from cyclops.text.language import common_word

#: raised when orientation decisions change: cached upright readings of older versions are not reused
VERSION = "4"
PROBE_SIDE = 640  # long side of the copy the detector sees
PROBE_LINES = 8  # longest lines that vote on 0 vs 180
UNSURE_MARGIN = 0.5  # vote margin (share of all votes) below which a few lines are also read both ways
RECHECK_LINES = 3
MAX_SKEW = 10.0
MIN_SKEW = 0.3

_TRANSPOSE = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_90}


def rotate_clockwise(image: Image.Image, degrees: int) -> Image.Image:
    """The image turned ``degrees`` (0, 90, 180, 270) clockwise, losslessly."""
    degrees %= 360
    return image if degrees == 0 else image.transpose(_TRANSPOSE[degrees])


class TextDetector(Protocol):
    """What orientation needs from an OCR model (``RapidEngine`` is one): line boxes, an upside-down vote, a reading."""

    def detect(self, bgr: np.ndarray) -> list[np.ndarray]:
        """Text line boxes (4x2 arrays, page pixels)."""
        ...

    def classify_upside_down(self, crops: list[np.ndarray]) -> list[tuple[bool, float]]:
        """For each line crop: (is it upside down, confidence)."""
        ...

    def recognize(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        """Text and confidence of line crops."""
        ...


def _probe(image: Image.Image, detector: TextDetector) -> tuple[np.ndarray, list[np.ndarray]]:
    scale = min(1.0, PROBE_SIDE / max(image.size))
    small = (
        image
        if scale == 1.0
        else image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))), Image.Resampling.BILINEAR)
    )
    bgr = to_bgr(small)
    return bgr, detector.detect(bgr)


#: share of the text (by line length) in the minority direction from which a photo is "mixed": a label on its
#: side among upright shelf text, or the reverse; then the lines are read, not counted
MIXED_SHARE = 0.25
#: lines of each direction read when a photo is mixed
MIXED_LINES = 4


def _crops(bgr: np.ndarray, chosen: list, base: int) -> list[np.ndarray]:
    """Upright-candidate crops of the chosen line boxes, turned ``base`` (0 or 90) degrees clockwise."""
    crops = []
    for box, _, _ in chosen:
        b = np.asarray(box, dtype=np.float32)
        x0, y0, x1, y1 = b[:, 0].min(), b[:, 1].min(), b[:, 0].max(), b[:, 1].max()
        crop = crop_quad(bgr, np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float32))
        crops.append(turned(crop, base))
    return crops


#: how far from the photo's centre (share of each half-side) a line may lie to be the label's own text
CENTRAL = 0.6


def _off_centre(box, width: int, height: int) -> float:
    """How far a box's centre lies from the photo's, as a share of the half-width or half-height (the larger)."""
    b = np.asarray(box, dtype=np.float32)
    return max(abs(b[:, 0].mean() - width / 2) / (width / 2), abs(b[:, 1].mean() - height / 2) / (height / 2))


def _central(lines: list, width: int, height: int) -> list:
    """Lines by length weighted towards the photo's centre: the label is what the inspector aimed at,
    the shelf and other boxes are around it."""
    cx, cy, reach = width / 2, height / 2, max((width**2 + height**2) ** 0.5 / 2, 1.0)

    def weight(line) -> float:
        b = np.asarray(line[0], dtype=np.float32)
        dx, dy = b[:, 0].mean() - cx, b[:, 1].mean() - cy
        return max(line[1], line[2]) * (1.0 - 0.6 * min(1.0, (dx * dx + dy * dy) ** 0.5 / reach))

    return sorted(lines, key=lambda line: -weight(line))


def reads_as_words(text: str, confidence: float) -> float:
    """How much of a reading is English or French words (letters of known words x confidence): text read
    the right way round is words, text read sideways or upside down is letter soup."""
    return confidence * sum(len(w) for w in re.findall(r"[^\W\d_]{3,}", text) if common_word(w))


def _mixed_rotation(bgr: np.ndarray, lines: list, detector: TextDetector) -> int:
    """A photo whose text runs two ways: read the central lines of each direction both ways round and keep
    the turn that reads as words (the label's own text decides, not the number of boxes)."""
    height, width = bgr.shape[:2]
    crops: list[np.ndarray] = []
    turns: list[int] = []
    for base in (0, 90):
        group = [ln for ln in lines if (ln[2] > ln[1]) == (base == 90)]
        few = _crops(bgr, _central(group, width, height)[:MIXED_LINES], base)
        crops += few + [turned(c, 180) for c in few]
        turns += [base] * len(few) + [base + 180] * len(few)
    scores: dict[int, float] = {}
    for turn, (text, confidence) in zip(turns, detector.recognize(crops)):
        scores[turn] = scores.get(turn, 0.0) + reads_as_words(text, confidence)
    return max(scores, key=lambda turn: (scores[turn], -turn)) if scores else 0


def rotation_from_boxes(bgr: np.ndarray, boxes: list[np.ndarray], detector: TextDetector) -> int:
    """Degrees clockwise (0, 90, 180, 270) that make upright the text in ``boxes`` detected on ``bgr``; 0 when none.

    Shared by ``detect_rotation`` (small probe) and ``RapidEngine.read_upright`` (the boxes it then reads).
    A photo whose text runs mostly one way is judged by PP-OCR's 0/180 classifier on its longest lines;
    a mixed one (a label on its side among upright boxes) by reading its central lines every way round.
    """
    sized = [(box, *box_size(box)) for box in boxes]
    lines = [(box, w, h) for box, w, h in sized if max(w, h) >= 2 * min(w, h)]
    if not lines:
        return 0
    tall = sum(max(w, h) for _, w, h in lines if h > w)
    wide = sum(max(w, h) for _, w, h in lines if w >= h)
    if min(tall, wide) >= MIXED_SHARE * (tall + wide):
        # text runs two ways: the label is what the inspector aimed at, so its central text decides
        height, width = bgr.shape[:2]
        central = [ln for ln in lines if _off_centre(ln[0], width, height) < CENTRAL]
        tall = sum(max(w, h) for _, w, h in central if h > w)
        wide = sum(max(w, h) for _, w, h in central if w >= h)
        if not central or min(tall, wide) >= MIXED_SHARE * (tall + wide):
            return _mixed_rotation(bgr, central or lines, detector)
        lines = central
    base = 90 if tall > wide else 0
    chosen = sorted((ln for ln in lines if (ln[2] > ln[1]) == (base == 90)), key=lambda ln: -max(ln[1], ln[2]))[:PROBE_LINES]
    crops = _crops(bgr, chosen, base)
    votes = detector.classify_upside_down(crops)
    flipped = sum(score for upside_down, score in votes if upside_down)
    kept = sum(score for upside_down, score in votes if not upside_down)
    if flipped > kept or abs(flipped - kept) < UNSURE_MARGIN * max(flipped + kept, 1e-9):
        # the tiny classifier is unsure, or says upside down, which a phone's photo seldom is and which, when wrong,
        # costs a second reading of the whole page (white-on-dark print on a curved tub fooled it 7 lines to 1):
        # read a few lines both ways round and trust the recogniser's confidence
        few = crops[:RECHECK_LINES]
        readings = detector.recognize(few + [turned(c, 180) for c in few])
        kept = sum(score for _, score in readings[: len(few)])
        flipped = sum(score for _, score in readings[len(few) :])
    return base + 180 if flipped > kept else base


def detect_rotation(image: Image.Image, detector: TextDetector) -> int:
    """Degrees clockwise (0, 90, 180, 270) that make the text upright; 0 when there is no text to judge by."""
    bgr, boxes = _probe(image, detector)
    return rotation_from_boxes(bgr, boxes, detector)


def upright(image: Image.Image, detector: TextDetector) -> tuple[Image.Image, int]:
    """(image turned so its text is upright, degrees clockwise applied)."""
    degrees = detect_rotation(image, detector)
    return rotate_clockwise(image, degrees), degrees


def detect_skew(image: Image.Image, detector: TextDetector) -> float:
    """Median slope, in degrees, of the upright page's text lines (positive: lines run down to the right)."""
    _, boxes = _probe(image, detector)
    angles = []
    for box in boxes:
        w, h = box_size(box)
        if w < 3 * h:
            continue
        b = np.asarray(box, dtype=np.float64)
        dx, dy = b[1] - b[0]
        if dx <= 0:
            continue
        angles.append(math.degrees(math.atan2(dy, dx)))
    return statistics.median(angles) if angles else 0.0


def deskew(image: Image.Image, detector: TextDetector) -> tuple[Image.Image, float]:
    """(image levelled, degrees it was turned counter-clockwise); untouched when the skew is tiny or beyond ±10°."""
    angle = detect_skew(image, detector)
    if abs(angle) < MIN_SKEW or abs(angle) > MAX_SKEW:
        return image, 0.0
    levelled = image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=(255, 255, 255))
    return levelled, angle
