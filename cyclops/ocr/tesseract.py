"""Tesseract 5 (eng+fra) through pytesseract, mapped onto the Page tree.

``OMP_THREAD_LIMIT=1`` is forced before every call: Tesseract's OpenMP threads
fight each other on a shared 2-core machine and make it several times slower.
"""

from __future__ import annotations

import os
from collections import OrderedDict

from PIL import Image

from cyclops.errors import OCREngineError
from cyclops.layout import arrange
from cyclops.model.ocr import Block, Line, Page, Word, rect, union_polygon
from cyclops.ocr.base import OCREngine
from cyclops.ocr.orient import TextDetector

LANGS = "eng+fra"


def _limit_threads() -> None:
    os.environ["OMP_THREAD_LIMIT"] = "1"


def image_to_words(image: Image.Image, config: str = "--psm 3", lang: str = LANGS) -> list[dict]:
    """Tesseract's word rows (text, conf in [0,1], box, block/par/line numbers), empty words dropped."""
    import pytesseract

    _limit_threads()
    data = pytesseract.image_to_data(image.convert("RGB"), lang=lang, config=config, output_type=pytesseract.Output.DICT)
    rows = []
    for i, text in enumerate(data["text"]):
        conf = float(data["conf"][i])
        if data["level"][i] != 5 or not str(text).strip() or conf < 0:
            continue
        x, y, w, h = data["left"][i], data["top"][i], data["width"][i], data["height"][i]
        rows.append(
            {
                "text": str(text).strip(),
                "conf": conf / 100.0,
                "box": (float(x), float(y), float(x + w), float(y + h)),
                "key": (data["block_num"][i], data["par_num"][i], data["line_num"][i]),
            }
        )
    return rows


class TesseractEngine(OCREngine):
    name = "tesseract"

    def __init__(self, detector: TextDetector | None = None) -> None:
        """``detector`` finds the text boxes that orientation is judged by (Tesseract's own layout analysis does not
        tell a label on its side from an upright one); without one, ``read_upright`` refuses."""
        import pytesseract  # imported with the engine: checking the binary and its language data is the engine's start-up

        self.detector = detector

        _limit_threads()
        try:
            self.version = str(pytesseract.get_tesseract_version())
            langs = set(pytesseract.get_languages(config=""))
        except Exception as exc:  # TesseractNotFoundError, OSError
            raise OCREngineError(f"Tesseract is not usable: {exc}") from exc
        missing = {"eng", "fra"} - langs
        if missing:
            raise OCREngineError(f"Tesseract lacks language data: {', '.join(sorted(missing))} (install tesseract-ocr-eng/-fra).")
        self.version = f"{self.version}-{LANGS}"

    def read(self, image: Image.Image, image_id: str) -> Page:
        rows = image_to_words(image)
        blocks: OrderedDict[int, OrderedDict[tuple, list[Word]]] = OrderedDict()
        for row in rows:
            block_num, par_num, line_num = row["key"]
            word = Word(text=row["text"], confidence=row["conf"], polygon=rect(*row["box"]))
            blocks.setdefault(block_num, OrderedDict()).setdefault((par_num, line_num), []).append(word)
        page_blocks = []
        for lines in blocks.values():
            block_lines = []
            for words in lines.values():
                polygon = union_polygon([w.polygon for w in words])
                conf = sum(w.confidence for w in words) / len(words)
                block_lines.append(Line(words=words, polygon=polygon, confidence=conf))
            page_blocks.append(Block(lines=block_lines, polygon=union_polygon([ln.polygon for ln in block_lines])))
        page = Page(image_id=image_id, width=image.width, height=image.height, blocks=page_blocks)
        return arrange(page, regroup=False)
