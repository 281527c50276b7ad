"""The page arrays the engine reads (``cyclops.ocr.boxes``): OpenCV's channel swap and rotation give numpy's bytes."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from cyclops.ocr.boxes import to_bgr, turned


@pytest.mark.parametrize("mode", ["RGB", "L", "RGBA", "P"])
def test_to_bgr_is_the_image_with_its_channels_reversed(mode) -> None:
    rng = np.random.default_rng(3)
    rgb = Image.fromarray(rng.integers(0, 256, size=(301, 457, 3), dtype=np.uint8), "RGB")
    image = rgb if mode == "RGB" else rgb.convert(mode)
    got = to_bgr(image)
    assert got.dtype == np.uint8 and got.shape == (301, 457, 3) and got.flags["C_CONTIGUOUS"]
    assert np.array_equal(got, np.asarray(image.convert("RGB"))[:, :, ::-1])


@pytest.mark.parametrize("degrees", [0, 90, 180, 270, 450, -90])
def test_turned_is_the_page_turned_clockwise_in_a_contiguous_copy(degrees) -> None:
    page = np.random.default_rng(5).integers(0, 256, size=(37, 53, 3), dtype=np.uint8)
    got = turned(page, degrees)
    assert got.flags["C_CONTIGUOUS"] and not np.shares_memory(got, page)
    assert np.array_equal(got, np.rot90(page, k=-(degrees % 360) // 90))  # np.rot90: k<0 turns clockwise
    assert turned(page, 90)[0, -1].tolist() == page[0, 0].tolist()  # the top-left corner goes to the top right
