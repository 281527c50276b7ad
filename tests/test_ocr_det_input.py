"""The detector's input through a lookup table (``cyclops.ocr.det_input``) is rapidocr's own, value for value."""

from __future__ import annotations

import numpy as np
import pytest
from rapidocr.ch_ppocr_det.utils import DetPreProcess

from cyclops.ocr.det_input import detector_input


@pytest.mark.parametrize(
    ("side", "mean", "std"),
    [(960, [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]), (1600, None, None), (736, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225])],
)
def test_the_tensor_is_rapidocrs_to_the_bit_and_contiguous(side, mean, std) -> None:
    rng = np.random.default_rng(7)
    bgr = rng.integers(0, 256, size=(1517, 2023, 3), dtype=np.uint8)
    bgr[:40] = 255  # both ends of the range
    bgr[-40:] = 0
    expected = DetPreProcess(side, "max", mean, std)(bgr)
    got = detector_input(bgr, side, mean, std)
    assert got.dtype == np.float32 and got.shape == expected.shape
    assert got.flags["C_CONTIGUOUS"]
    assert np.array_equal(got, expected)


def test_an_image_too_small_for_the_network_gives_none_as_rapidocr_does() -> None:
    tiny = np.zeros((10, 12, 3), dtype=np.uint8)
    assert DetPreProcess(960, "max", None, None)(tiny) is None
    assert detector_input(tiny, 960) is None
