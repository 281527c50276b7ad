"""Pixels and text boxes as the engines and orientation handle them: BGR arrays, box extents, flattened crops.

Below both the RapidOCR engine and ``cyclops.ocr.orient``, so orientation needs no engine module.
"""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image


def to_bgr(image: Image.Image) -> np.ndarray:
    """The image as the contiguous BGR array OpenCV and the ONNX models expect."""
    return np.ascontiguousarray(np.asarray(image.convert("RGB"))[:, :, ::-1])


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
