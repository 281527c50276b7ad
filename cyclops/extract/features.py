"""Line features for the field classifier, computed the same way from OCR pages and from synthetic truth.

A line is described by its text (char n-grams), its neighbours' words (context)
and its layout: size relative to the page's typical line, position, digit
ratio, units, headings above it, language. The same ``page_records`` serves
training (truth lines) and inference (OCR lines), so the two cannot drift apart;
``page_inputs`` gives it what the served model read of a line (``raw_line``), from
the OCR at serving time and from the analysis' lines when retraining on corrections.
"""

from __future__ import annotations

import math
import re
import statistics
from dataclasses import dataclass, field

from pydantic import BaseModel, Field
from sklearn.base import BaseEstimator, TransformerMixin

from cyclops.extract.company import COMPANY_SUFFIX, POSTAL_CODE
from cyclops.extract.dosage_form import find_form
from cyclops.extract.headings import match_heading
from cyclops.extract.ingredients import LEADER
from cyclops.extract.quantity import AMOUNT, RATIO
from cyclops.model.analysis import LabelledLine
from cyclops.model.ocr import Line, Polygon, bbox_of, text_height
from cyclops.normalize.confusions import normalize_text
from cyclops.text.fold import strip_accents

VERSION = "1"
_NPN = re.compile(r"\b(?:NPN|DIN-HM)\b")
_EIGHT = re.compile(r"(?<!\d)\d{4}\s?\d{4}(?!\d)")


@dataclass
class RawLine:
    """What both OCR and truth provide for a line."""

    text: str
    polygon: Polygon = field(default_factory=list)
    language: str | None = None
    vertical: bool = False


class LineExample(BaseModel):
    """One training example: a plain record so retraining can build them from analysts' corrections."""

    text: str
    label: str
    layout: dict[str, float] = Field(default_factory=dict)
    language: str | None = None
    product_id: str = ""
    prev_text: str = ""
    next_text: str = ""

    def model_input(self) -> dict[str, object]:
        return model_input(self.text, self.prev_text, self.next_text, self.layout)


def model_input(text: str, prev_text: str, next_text: str, layout: dict[str, float]) -> dict[str, object]:
    """The dict the Pipeline's first step reads."""
    context = " ".join(f"p_{w}" for w in _words(prev_text)) + " " + " ".join(f"n_{w}" for w in _words(next_text))
    return {"text": text, "context": context.strip(), "layout": layout}


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z]{2,}", strip_accents(text.lower()))[:8]


def text_for_model(text: str) -> str:
    """Lower case, no accents, digits as 0: "Vitamine D3 1000 UI" -> "vitamine d0 0000 iu"."""
    return re.sub(r"\d", "0", strip_accents(normalize_text(text).lower()))


def _box(polygon: Polygon, width: int, height: int) -> tuple[float, float, float, float]:
    if not polygon:
        return 0.0, 0.0, 0.0, 0.0
    x0, y0, x1, y1 = bbox_of(polygon)
    return x0 / width, y0 / height, x1 / width, y1 / height


def _thickness(line: RawLine) -> float:
    return text_height(line.polygon, line.vertical) if line.polygon else 0.0


def line_layout(
    line: RawLine, width: int, height: int, median_height: float, index: int, n: int, section: str | None, max_height: float = 0.0
) -> dict[str, float]:
    """Layout and surface features of one line (all numbers; one-hot for categories)."""
    text = line.text
    norm = normalize_text(text)
    x0, y0, x1, y1 = _box(line.polygon, max(width, 1), max(height, 1))
    chars = max(len(text), 1)
    heading = match_heading(text)
    f: dict[str, float] = {
        "x0": x0, "y0": y0, "x1": x1, "y1": y1, "cx": (x0 + x1) / 2, "cy": (y0 + y1) / 2, "w": x1 - x0,
        "rel_height": (_thickness(line) / median_height) if median_height else 1.0,
        "log_len": math.log1p(len(text)),
        "n_words": min(len(text.split()), 30) / 30,
        "digit_ratio": sum(c.isdigit() for c in text) / chars,
        "upper_ratio": sum(c.isupper() for c in text) / chars,
        "punct_ratio": sum(c in ",;." for c in text) / chars,
        "has_amount": float(bool(AMOUNT.search(norm))),
        "n_amounts": min(len(AMOUNT.findall(norm)), 5) / 5,
        "has_ratio": float(bool(RATIO.search(norm))),
        "has_npn": float(bool(_NPN.search(norm))),
        "has_8digits": float(bool(_EIGHT.search(norm))),
        "has_leader": float(bool(LEADER.search(text))),
        "has_company_suffix": float(bool(COMPANY_SUFFIX.search(text))),
        "has_postal": float(bool(POSTAL_CODE.search(text))),
        "has_form": float(find_form(text) is not None) if len(text) < 60 else 0.0,
        "ends_colon": float(text.rstrip().endswith(":")),
        "ends_period": float(text.rstrip().endswith(".")),
        "starts_upper": float(text[:1].isupper()),
        "starts_lower": float(text[:1].islower()),
        "vertical": float(line.vertical),
        "index": index / max(n - 1, 1),
        "index_abs": min(index, 20) / 20,
        "page_lines": min(n, 60) / 60,  # a front panel has a handful of lines, a back panel dozens
        "of_max_height": (_thickness(line) / max_height) if max_height else 0.0,
        f"lang_{line.language or 'none'}": 1.0,
    }
    if heading:
        f[f"heading_{heading[0]}"] = 1.0
        f["heading_only"] = float(len(text.strip(" :/")) <= heading[1] + 1)
    if section:
        f[f"section_{section}"] = 1.0
    return f


def page_records(lines: list[RawLine], width: int, height: int) -> list[dict[str, object]]:
    """Model inputs for every line of one page, in reading order (neighbours and the last heading above)."""
    thick = [t for t in (_thickness(line) for line in lines) if t > 0]
    median_height = statistics.median(thick) if thick else 0.0
    max_height = max(thick) if thick else 0.0
    section: str | None = None
    records = []
    for i, line in enumerate(lines):
        heading = match_heading(line.text)
        if heading:
            section = heading[0]
        layout = line_layout(line, width, height, median_height, i, len(lines), section, max_height)
        prev_text = lines[i - 1].text if i > 0 else ""
        next_text = lines[i + 1].text if i + 1 < len(lines) else ""
        records.append({"raw": line, "layout": layout, "prev": prev_text, "next": next_text,
                        "input": model_input(line.text, prev_text, next_text, layout)})
    return records


def raw_line(line: Line | LabelledLine) -> RawLine:
    """What the classifier reads of a line: the text as OCR read it (never a repaired or corrected text),
    its box on the upright page, its language and whether it runs along an edge.

    An OCR ``Line`` at serving time and the same line kept in the analysis (``LabelledLine``) at
    retraining time give the same ``RawLine``.
    """
    text = line.text_as_read if isinstance(line, LabelledLine) else line.text
    return RawLine(text, list(line.polygon), line.language, line.vertical)


def page_inputs(lines: list[Line] | list[LabelledLine], width: int, height: int) -> list[dict[str, object]]:
    """The classifier's records for the lines of one page, in reading order: what the served model is given
    (OCR lines, ``extract.label_lines``) and what retraining rebuilds (analysis lines, ``classifier.line_records``)."""
    return page_records([raw_line(line) for line in lines], width, height)


class Pick(BaseEstimator, TransformerMixin):
    """Select one key of the model-input dicts (so a FeatureUnion can treat text, context and layout apart)."""

    def __init__(self, key: str) -> None:
        self.key = key

    def fit(self, X: list[dict[str, object]], y: object = None) -> Pick:
        return self

    def transform(self, X: list[dict[str, object]]) -> list[object]:
        return [x[self.key] for x in X]


