"""Pixels and text boxes as the engines and orientation handle them: BGR arrays, box extents, flattened crops.

Below both the RapidOCR engine and ``cyclops.ocr.orient``, so orientation needs no engine module.
"""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image


def to_bgr(image: Image.Image) -> np.ndarray:
    """The image as the contiguous BGR array OpenCV and the ONNX models expect. OpenCV swaps the channels: numpy's
    copy of a reversed view took 0.25 s a 12 MP photo, this 0.08 s (the same bytes)."""
    rgb = image if image.mode == "RGB" else image.convert("RGB")
    return cv2.cvtColor(np.asarray(rgb), cv2.COLOR_RGB2BGR)


_TURNS = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}


def turned(bgr: np.ndarray, degrees: int) -> np.ndarray:
    """``bgr`` turned ``degrees`` (0, 90, 180, 270) clockwise, as a new contiguous array. OpenCV's rotation: a 12 MP
    photo in 0.02-0.06 s, where a contiguous copy of numpy's rotated view took 0.14-0.22 s (the same bytes)."""
    degrees %= 360
    return bgr.copy() if degrees == 0 else cv2.rotate(bgr, _TURNS[degrees])


def crop_quad(img: np.ndarray, box: np.ndarray) -> np.ndarray:
    """The region of a (rotated) box warped flat, in the box's own orientation (p0->p1 along the top)."""
    box = np.asarray(box, dtype=np.float32)
    width = int(max(np.linalg.norm(box[0] - box[1]), np.linalg.norm(box[2] - box[3]), 1))
    height = int(max(np.linalg.norm(box[0] - box[3]), np.linalg.norm(box[1] - box[2]), 1))
    dst = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(box, dst)
    return cv2.warpPerspective(img, matrix, (width, height), borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_CUBIC)


def box_size(box) -> tuple[float, float]:
    """(extent along x, extent along y) of a box."""
    b = np.asarray(box, dtype=np.float32)
    return float(b[:, 0].max() - b[:, 0].min()), float(b[:, 1].max() - b[:, 1].min())
