"""RapidOCR for everything, Tesseract as a second opinion on lines whose digits matter (NPN, quantities).

A misread digit in an NPN or a dose is the costliest OCR error, and the two
engines fail differently; a line is re-read by Tesseract (single-line mode) and
the reading with better-formed digits wins, then the more confident one.
"""

from __future__ import annotations

import re

from PIL import Image

from cyclops.model.ocr import Line, Page, Word, bbox_of, rect, union_polygon
from cyclops.ocr.base import OCREngine
from cyclops.ocr.orient import rotate_clockwise
from cyclops.ocr.rapid import RapidEngine
from cyclops.ocr.tesseract import TesseractEngine, image_to_words

_DIGITY = re.compile(r"\d{4,}|\b(?:NPN|DIN|NPN-?HM|DIN-?HM)\b|\d\s*(?:mg|mcg|µg|μg|g|ml|mL|IU|UI)\b", re.IGNORECASE)
_LICENCE = re.compile(r"(?<!\d)\d{8}(?!\d)")
_QUANTITY = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)?\s?(?:mg|mcg|µg|μg|g|ml|mL|IU|UI)\b")


def needs_second_opinion(text: str) -> bool:
    return bool(_DIGITY.search(text))


def digit_quality(text: str) -> int:
    """How many well-formed digit tokens (8-digit licence numbers, number+unit quantities) a reading holds."""
    bad_runs = [r for r in re.findall(r"\d{5,}", text) if len(r) != 8]
    return len(_LICENCE.findall(text)) * 2 + len(_QUANTITY.findall(text)) - len(bad_runs)


def better_reading(first: tuple[str, float], second: tuple[str, float]) -> int:
    """0 if the first (text, confidence) reading is better, 1 for the second: well-formed digits first, then confidence."""
    q1, q2 = digit_quality(first[0]), digit_quality(second[0])
    if q1 != q2:
        return 0 if q1 > q2 else 1
    return 0 if first[1] >= second[1] - 0.05 else 1


class CombinedEngine(OCREngine):
    name = "combined"

    def __init__(self, rapid: RapidEngine | None = None, tesseract: TesseractEngine | None = None) -> None:
        self.rapid = rapid or RapidEngine()
        self.tesseract = tesseract or TesseractEngine(detector=self.rapid)
        self.detector = self.rapid
        self.version = f"{self.rapid.version}|tesseract-{self.tesseract.version}"

    def read(self, image: Image.Image, image_id: str) -> Page:
        return self._second_opinions(self.rapid.read(image, image_id), image)

    def read_upright(self, image: Image.Image, image_id: str) -> tuple[Page, int]:
        """RapidOCR's ``read_upright``, then Tesseract on the digit lines of the turned image."""
        page, rotation = self.rapid.read_upright(image, image_id)
        return self._second_opinions(page, rotate_clockwise(image, rotation)), rotation

    def _second_opinions(self, page: Page, image: Image.Image) -> Page:
        rgb = image.convert("RGB")
        for block in page.blocks:
            for i, line in enumerate(block.lines):
                if line.vertical or not needs_second_opinion(line.text):
                    continue
                second = self._reread(rgb, line)
                if second is not None and better_reading((line.text, line.confidence), (second.text, second.confidence)) == 1:
                    block.lines[i] = second
        return page

    def _reread(self, rgb: Image.Image, line: Line) -> Line | None:
        x0, y0, x1, y1 = bbox_of(line.polygon)
        pad = max(4.0, (y1 - y0) * 0.25)
        left, top = max(0, int(x0 - pad)), max(0, int(y0 - pad))
        crop = rgb.crop((left, top, min(rgb.width, int(x1 + pad)), min(rgb.height, int(y1 + pad))))
        rows = image_to_words(crop, config="--psm 7")
        if not rows:
            return None
        words = [
            Word(
                text=r["text"],
                confidence=r["conf"],
                polygon=rect(r["box"][0] + left, r["box"][1] + top, r["box"][2] + left, r["box"][3] + top),
            )
            for r in rows
        ]
        conf = sum(w.confidence for w in words) / len(words)
        return Line(words=words, polygon=union_polygon([w.polygon for w in words]), confidence=conf, language=line.language)
