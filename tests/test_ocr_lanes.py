"""Recognition lanes (``cyclops.ocr.lanes``): a page's lines shared among single-threaded sessions, read back in order."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from cyclops.ocr.lanes import Lanes


def test_each_free_lane_takes_the_heaviest_line_left() -> None:
    taken: list[int] = []
    lock = threading.Lock()

    def work(lane: str, part: list[int]) -> list[int]:
        with lock:
            taken.extend(part)
        time.sleep(0.01 * len(part))
        return part

    weights = [320.0, 900.0, 320.0, 640.0, 320.0, 400.0]
    assert Lanes(["a", "b"]).map(work, list(range(6)), weights) == list(range(6))
    assert sorted(taken) == list(range(6))  # every line read once
    assert set(taken[:2]) == {1, 3} and taken[2] == 5  # the two widest first, then the widest left


def test_no_lines_and_fewer_lines_than_lanes() -> None:
    assert Lanes(["a", "b", "c"]).map(lambda lane, part: [x * 2 for x in part], [4], [1.0]) == [8]
    assert Lanes(["a", "b"]).map(lambda lane, part: part, [], []) == []


def test_lanes_give_results_back_in_the_items_order_from_several_threads() -> None:
    seen: set[str] = set()

    def work(lane: str, part: list[int]) -> list[tuple[str, int]]:
        seen.add(threading.current_thread().name)
        time.sleep(0.01)  # long enough that both lanes take lines
        return [(lane, x * 10) for x in part]

    lanes = Lanes(["a", "b"])
    out = lanes.map(work, list(range(7)), [1.0] * 7)
    assert [x for _, x in out] == [x * 10 for x in range(7)]
    assert {lane for lane, _ in out} == {"a", "b"}
    assert all(name.startswith("ocr-lane") for name in seen)


def test_a_lane_that_loses_results_is_an_error_not_a_shifted_page() -> None:
    lanes = Lanes(["a", "b"])
    with pytest.raises(RuntimeError, match="lane"):
        lanes.map(lambda lane, part: part[:-1], list(range(4)), [1.0] * 4)


def test_two_lanes_read_what_one_session_reads() -> None:
    """The real recogniser: the same text and (to float rounding) confidence whether one lane or two read the lines."""
    from PIL import Image, ImageDraw, ImageFont

    from cyclops.ocr.rapid import RapidEngine

    crops = []
    for text in ["Vitamin D3 25 mcg (1000 IU)", "Magnesium", "Zinc 15 mg", "Take 1 capsule daily with food.", "Ashwagandha root extract"]:
        image = Image.new("RGB", (18 * len(text) + 20, 48), "white")
        ImageDraw.Draw(image).text((10, 8), text, fill="black", font=ImageFont.load_default(size=28))
        crops.append(np.asarray(image)[:, :, ::-1].copy())
    two = RapidEngine(threads=2)
    one = RapidEngine(threads=1)
    assert len(two._lanes) == 2 and len(one._lanes) == 1
    a, b = two.recognize(crops), one.recognize(crops)
    assert [t for t, _ in a] == [t for t, _ in b]
    assert "Magnesium" in a[1][0]
    assert np.allclose([s for _, s in a], [s for _, s in b], atol=1e-4)
