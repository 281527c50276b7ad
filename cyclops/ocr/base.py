"""The interface every OCR engine implements, plus geometry helpers they share."""

from __future__ import annotations

from abc import ABC, abstractmethod

from PIL import Image

from cyclops.errors import OCREngineError
from cyclops.model.ocr import Page, Polygon, Word
from cyclops.ocr.orient import TextDetector, upright

MIN_SCORE = 0.5  # lines read with less confidence are dropped


class OCREngine(ABC):
    """Reads one upright image into the Page -> Block -> Line -> Word tree with polygons and confidences in [0, 1].

    ``detector`` is what judges a photo's orientation (``cyclops.ocr.orient``): given to the engine when it is
    built, so no engine reaches for another one by itself.
    """

    name: str = ""
    version: str = ""
    detector: TextDetector | None = None
    #: photos of one product the pipeline may read at once with this engine (``Analyzer.read_photos``); more than
    #: one only where ``read_upright`` is safe to run from several threads
    photos_at_once: int = 1

    @abstractmethod
    def read(self, image: Image.Image, image_id: str) -> Page: ...

    def read_upright(self, image: Image.Image, image_id: str) -> tuple[Page, int]:
        """(page read from ``image`` turned upright, degrees clockwise applied); coordinates are the upright image's.

        Engines that can judge orientation from their own detection override this to detect once.
        """
        if self.detector is None:
            raise OCREngineError(f"The {self.name} engine was built without a text detector, so it cannot turn photos upright.")
        turned, rotation = upright(image, self.detector)
        page = self.read(turned, image_id)
        page.rotation = rotation
        return page, rotation

    def warm_up(self) -> Page:
        """Read a small page of print once and keep nothing, so that the first photo does not pay for the runtime's
        first-call set-up (RapidOCR: about 0.75 s on 2 cores, the first read of a photo 2.2 s against 1.45 s after).
        mapi's workers and ``cyclops evaluate`` call it before their first photo."""
        from PIL import ImageDraw, ImageFont

        image = Image.new("RGB", (720, 200), "white")
        draw = ImageDraw.Draw(image)
        font = ImageFont.load_default(size=30)
        for row, text in enumerate(("Medicinal ingredients", "Vitamin D3 25 mcg (1000 IU)", "Take 1 tablet daily.")):
            draw.text((24, 16 + 60 * row), text, fill="black", font=font)
        return self.read_upright(image, "warm-up")[0]


def quad(points) -> Polygon:
    """A polygon of float (x, y) tuples from any 4x2 sequence (numpy arrays included)."""
    return [(float(p[0]), float(p[1])) for p in points]


def split_words(text: str, polygon: Polygon, confidence: float) -> list[Word]:
    """Word boxes from a line box by splitting it in proportion to character positions.

    Used when an engine gives only line boxes; the polygon's first edge (p0 -> p1) is taken
    as the reading direction, so rotated and vertical lines split correctly too.
    """
    tokens = text.split()
    if not tokens:
        return []
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = polygon[:4]
    total = max(len(text), 1)

    def at(t: float, top: bool) -> tuple[float, float]:
        if top:
            return (x0 + (x1 - x0) * t, y0 + (y1 - y0) * t)
        return (x3 + (x2 - x3) * t, y3 + (y2 - y3) * t)

    words, pos = [], 0
    for token in tokens:
        start = text.index(token, pos)
        end = start + len(token)
        pos = end
        a, b = start / total, end / total
        words.append(Word(text=token, confidence=confidence, polygon=[at(a, True), at(b, True), at(b, False), at(a, False)]))
    return words
