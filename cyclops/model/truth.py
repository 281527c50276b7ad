"""Ground truth of a labelled product: what ``cyclops synth`` writes next to its
images, and the documented format of ``cyclops evaluate --truth`` for real photos.

File layout written by ``cyclops synth --out DIR``::

    DIR/<product_id>/truth.json      # ProductTruth
    DIR/<product_id>/<image_id>.jpg  # (or .png) one file per photographed face
    DIR/manifest.json                # {"seed", "n", "products": [product_id, ...]}

Polygons are in pixel coordinates of the image file as written (after every
geometric degradation, including a 90/180/270 rotation). ``rotation`` tells how
many degrees clockwise the image must be turned to make the text upright.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from cyclops.lnhpd.records import LicenceBundle
from cyclops.model.ocr import Polygon


class TruthWord(BaseModel):
    text: str
    polygon: Polygon


class TruthLine(BaseModel):
    text: str
    polygon: Polygon
    label: str  # one of cyclops.model.analysis.FIELD_LABELS
    language: str | None = None  # "en", "fr" or None (codes, numbers, names)
    words: list[TruthWord] = Field(default_factory=list)
    vertical: bool = False


class TruthImage(BaseModel):
    id: str  # e.g. "front", "back", "side1"
    file: str  # file name inside the product folder
    width: int
    height: int
    rotation: int = 0  # degrees clockwise to make the text upright
    degradations: dict[str, object] = Field(default_factory=dict)  # name -> parameters applied
    lines: list[TruthLine] = Field(default_factory=list)


class Violation(BaseModel):
    """A compliance problem deliberately injected into a synthetic label."""

    code: str  # the flag code the pipeline should raise, e.g. "QUANTITY_MISMATCH"
    detail: str = ""


class ProductTruth(BaseModel):
    product_id: str
    seed: int | None = None
    family: str = "base"  # generator layout family (retraining tests use a new one)
    licence: LicenceBundle  # the licence the label was printed from
    licence_fr: LicenceBundle | None = None
    # What is actually printed (may differ from the licence when violations are injected):
    printed: dict[str, object] = Field(default_factory=dict)
    violations: list[Violation] = Field(default_factory=list)
    images: list[TruthImage] = Field(default_factory=list)
