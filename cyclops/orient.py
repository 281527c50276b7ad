"""Make a photo's text upright and level before OCR, without trusting EXIF.

Phones often store labels sideways. RapidOCR's detector on a small copy gives
the text boxes (``RapidEngine.read_upright`` reuses its own full-size boxes instead,
so a photo is detected once): mostly tall boxes mean the page is turned 90 or 270 degrees.
Which way round is then decided by PP-OCR's 0/180 line classifier voting on
the longest lines (about 50 ms; recognising them both ways was 10x slower). The same
boxes' slopes give the small skew angle.
"""

from __future__ import annotations

import math
import statistics

import numpy as np
from PIL import Image

from cyclops.ocr.rapid import RapidEngine, box_size, crop_quad, to_bgr

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


def _engine() -> RapidEngine:
    from cyclops.ocr import get_engine

    engine = get_engine("rapidocr")
    assert isinstance(engine, RapidEngine)
    return engine


def _probe(image: Image.Image) -> tuple[np.ndarray, list[np.ndarray]]:
    scale = min(1.0, PROBE_SIDE / max(image.size))
    small = (
        image
        if scale == 1.0
        else image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))), Image.Resampling.BILINEAR)
    )
    bgr = to_bgr(small)
    return bgr, _engine().detect(bgr)


def rotation_from_boxes(bgr: np.ndarray, boxes: list[np.ndarray], engine: RapidEngine | None = None) -> int:
    """Degrees clockwise (0, 90, 180, 270) that make upright the text in ``boxes`` detected on ``bgr``; 0 when none.

    Shared by ``detect_rotation`` (small probe) and ``RapidEngine.read_upright`` (the boxes it then reads).
    """
    sized = [(box, *box_size(box)) for box in boxes]
    lines = [(box, w, h) for box, w, h in sized if max(w, h) >= 2 * min(w, h)]
    if not lines:
        return 0
    tall = sum(max(w, h) for _, w, h in lines if h > w)
    wide = sum(max(w, h) for _, w, h in lines if w >= h)
    base = 90 if tall > wide else 0
    chosen = sorted((ln for ln in lines if (ln[2] > ln[1]) == (base == 90)), key=lambda ln: -max(ln[1], ln[2]))[:PROBE_LINES]
    crops = []
    for box, _, _ in chosen:
        b = np.asarray(box, dtype=np.float32)
        x0, y0, x1, y1 = b[:, 0].min(), b[:, 1].min(), b[:, 0].max(), b[:, 1].max()
        crop = crop_quad(bgr, np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float32))
        turned = np.rot90(crop, k=-1) if base == 90 else crop  # np.rot90 k=-1 turns clockwise
        crops.append(np.ascontiguousarray(turned))
    engine = engine or _engine()
    votes = engine.classify_upside_down(crops)
    flipped = sum(score for upside_down, score in votes if upside_down)
    kept = sum(score for upside_down, score in votes if not upside_down)
    if abs(flipped - kept) < UNSURE_MARGIN * max(flipped + kept, 1e-9):
        # the tiny classifier is unsure: read a few lines both ways round and trust the recogniser's confidence
        few = crops[:RECHECK_LINES]
        readings = engine.recognize(few + [np.ascontiguousarray(np.rot90(c, 2)) for c in few])
        kept = sum(score for _, score in readings[: len(few)])
        flipped = sum(score for _, score in readings[len(few) :])
    return base + 180 if flipped > kept else base


def detect_rotation(image: Image.Image) -> int:
    """Degrees clockwise (0, 90, 180, 270) that make the text upright; 0 when there is no text to judge by."""
    bgr, boxes = _probe(image)
    return rotation_from_boxes(bgr, boxes)


def upright(image: Image.Image) -> tuple[Image.Image, int]:
    """(image turned so its text is upright, degrees clockwise applied)."""
    degrees = detect_rotation(image)
    return rotate_clockwise(image, degrees), degrees


def detect_skew(image: Image.Image) -> float:
    """Median slope, in degrees, of the upright page's text lines (positive: lines run down to the right)."""
    _, boxes = _probe(image)
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


def deskew(image: Image.Image) -> tuple[Image.Image, float]:
    """(image levelled, degrees it was turned counter-clockwise); untouched when the skew is tiny or beyond ±10°."""
    angle = detect_skew(image)
    if abs(angle) < MIN_SKEW or abs(angle) > MAX_SKEW:
        return image, 0.0
    levelled = image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=(255, 255, 255))
    return levelled, angle
