"""Orientation without EXIF: the four right angles and small skews on a rendered label, judged by the detector given."""

from __future__ import annotations

import pytest
from PIL import Image, ImageDraw, ImageFont

from cyclops.errors import OCREngineError
from cyclops.ocr import get_engine
from cyclops.ocr.orient import deskew, detect_skew, rotate_clockwise, upright
from cyclops.ocr.tesseract import TesseractEngine

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


@pytest.fixture(scope="module")
def label() -> Image.Image:
    img = Image.new("RGB", (1000, 700), "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 34)
    for i, text in enumerate(
        [
            "Vitamin D3 1000 IU",
            "NPN 80012345",
            "Recommended use: helps build bones",
            "Take one tablet daily",
            "Mises en garde: consultez",
        ]
    ):
        draw.text((60, 60 + i * 110), text, font=font, fill="black")
    return img


@pytest.fixture(scope="module")
def detector():
    return get_engine("rapidocr")


@pytest.mark.parametrize("stored", [0, 90, 180, 270])
def test_upright_undoes_each_right_angle(label, stored, detector):
    photo = rotate_clockwise(label, stored)  # the phone stored it turned this far clockwise
    fixed, applied = upright(photo, detector)
    assert (applied + stored) % 360 == 0
    assert fixed.size == label.size


def test_blank_image_is_left_alone(detector):
    blank = Image.new("RGB", (400, 300), "white")
    image, applied = upright(blank, detector)
    assert applied == 0 and image is blank
    assert deskew(blank, detector) == (blank, 0.0)


@pytest.mark.parametrize("angle", [-6.0, 4.0])
def test_deskew_levels_small_angles(label, angle, detector):
    tilted = label.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor="white")
    levelled, applied = deskew(tilted, detector)
    assert applied == pytest.approx(-angle, abs=1.0)
    assert abs(detect_skew(levelled, detector)) < 1.0


def test_rotate_clockwise_turns_the_right_way():
    img = Image.new("RGB", (4, 2), "white")
    img.putpixel((0, 0), (255, 0, 0))
    turned = rotate_clockwise(img, 90)
    assert turned.size == (2, 4) and turned.getpixel((1, 0)) == (255, 0, 0)


class CountingDetector:
    """The real RapidOCR detector, counting the detections orientation asks of it."""

    def __init__(self, inner) -> None:
        self.inner, self.detections = inner, 0

    def detect(self, bgr):
        self.detections += 1
        return self.inner.detect(bgr)

    def classify_upside_down(self, crops):
        return self.inner.classify_upside_down(crops)

    def recognize(self, crops):
        return self.inner.recognize(crops)


class FooledClassifierDetector(CountingDetector):
    """The real RapidOCR detector and recogniser with its 0/180 classifier replaced by one that votes every line
    upside down, surely: what white-on-dark print on a curved tub made the real one do (a fake: no real photo of
    it may live in the repository)."""

    def classify_upside_down(self, crops):
        return [(True, 0.95) for _ in crops]


@pytest.mark.parametrize("stored", [0, 90])
def test_a_sure_upside_down_vote_is_checked_by_reading_before_the_photo_is_turned(label, stored, detector):
    photo = rotate_clockwise(label, stored)
    _, applied = upright(photo, FooledClassifierDetector(detector))
    assert (applied + stored) % 360 == 0  # the recogniser read the lines as they are: not turned 180 more
    _, applied = upright(rotate_clockwise(label, stored + 180), FooledClassifierDetector(detector))
    assert (applied + stored + 180) % 360 == 0  # and a photo that is upside down is still turned


def test_an_engine_turns_photos_with_the_detector_it_was_given(label, detector):
    counting = CountingDetector(detector)
    engine = TesseractEngine(detector=counting)
    page, rotation = engine.read_upright(rotate_clockwise(label, 90), "img0")
    assert counting.detections == 1  # the probe ran on the detector handed in, not on one the engine found itself
    assert rotation == 270 and page.rotation == 270 and "80012345" in page.text


def test_an_engine_without_a_detector_refuses_to_guess_orientation(label):
    with pytest.raises(OCREngineError, match="without a text detector"):
        TesseractEngine().read_upright(label, "img0")


@pytest.mark.parametrize("stored", [90, 270])
def test_a_sideways_photo_is_read_from_boxes_detected_upright(label, stored, detector):
    """Lines are boxed on the page once it is upright, not boxed sideways and turned: the detector, trained on level
    lines, boxes sideways text a little differently, and on the 29 real photos turned 90 degrees that cost a tenth of
    the ingredient rows. Turned back losslessly, the photo must give the very page the upright photo gives."""
    as_shot, _ = detector.read_upright(label, "img0")
    turned_page, rotation = detector.read_upright(rotate_clockwise(label, stored), "img0")
    assert rotation == (360 - stored) % 360
    assert [(line.text, line.polygon) for line in turned_page.lines()] == [(line.text, line.polygon) for line in as_shot.lines()]
