"""Recognition lanes (``cyclops.ocr.lanes``): a page's lines shared among single-threaded sessions, read back in order."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from cyclops.ocr.lanes import Lanes, share


def test_share_balances_the_total_width_of_each_lane() -> None:
    weights = [900.0, 320.0, 320.0, 320.0, 640.0, 320.0]
    groups = share(weights, 2)
    assert sorted(i for g in groups for i in g) == list(range(len(weights)))
    loads = [sum(weights[i] for i in g) for g in groups]
    assert max(loads) - min(loads) <= 320.0  # a greedy split is off by at most one short line
    assert all(g == sorted(g) for g in groups)


def test_share_with_fewer_items_than_lanes_leaves_lanes_empty() -> None:
    assert sorted(map(len, share([1.0], 3))) == [0, 0, 1]
    assert share([], 2) == [[], []]


def test_lanes_give_results_back_in_the_items_order_from_several_threads() -> None:
    seen: set[str] = set()

    def work(lane: str, part: list[int]) -> list[tuple[str, int]]:
        seen.add(threading.current_thread().name)
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
