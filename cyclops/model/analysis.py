"""The analysis of one product: the public JSON contract (schema version 1).

One model crosses every boundary: ``cyclops analyze`` prints it, mapi returns
and stores it, the dashboard edits it and retraining learns from it.
``schema/analysis.schema.json`` in the repository is generated from it
(``cyclops schema``) and checked by a test.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from cyclops.model.ocr import Polygon

SCHEMA_VERSION = "1"

#: The label of every OCR line, shared by the synthetic ground truth, the
#: line classifier, the dashboard colours and retraining.
FIELD_LABELS: tuple[str, ...] = (
    "product_name",
    "brand",
    "company",
    "npn",
    "medicinal_ingredient",
    "non_medicinal_ingredient",
    "recommended_use",
    "dose",
    "caution",
    "other",
)

Severity = Literal["high", "medium", "low"]


class Evidence(BaseModel):
    """Where on which photo a value was read."""

    image: str  # image id, e.g. "img0"
    polygon: Polygon = Field(default_factory=list)
    text: str = ""


class FieldValue(BaseModel):
    value: str | None = None
    confidence: float = 0.0
    evidence: list[Evidence] = Field(default_factory=list)
    illegible: bool = False  # printed but unreadable (e.g. an NPN cut off at the edge): value stays None
    as_read: str | None = None  # the text as printed and read, when ``value`` was repaired, normalised or withheld
    needs_review: bool = False  # read too unsurely to propose (debris, stray glyphs): the analyst reads the photo


class Ingredient(BaseModel):
    """A medicinal ingredient as printed: "Vitamin D3 (cholecalciferol) ... 25 mcg (1000 IU)"."""

    name: str
    quantity: float | None = None
    unit: str | None = None
    potency: str | None = None  # potency, extract ratio or dried-herb equivalent, as printed
    confidence: float = 0.0
    quantity_confidence: float | None = None  # OCR confidence of the amount's digits (low: check the photo)
    evidence: list[Evidence] = Field(default_factory=list)
    as_read: str | None = None  # the row as printed and read, when spelling repair changed a word of the name
    name_fr: str | None = None  # the French name of a bilingual table's row, when English and French rows were merged
    parts: list[str] = Field(default_factory=list)  # members of a proprietary blend, printed under its total amount


class NonMedicinalIngredient(BaseModel):
    name: str
    confidence: float = 0.0
    evidence: list[Evidence] = Field(default_factory=list)
    as_read: str | None = None  # as printed and read, when spelling repair changed it


class TextItem(BaseModel):
    """A recommended use, direction or caution: one statement in one language."""

    text: str
    language: str | None = None
    confidence: float = 0.0
    evidence: list[Evidence] = Field(default_factory=list)
    compliant: bool | None = None  # the analyst's decision on a claim (None: not reviewed)
    as_read: str | None = None  # the statement as printed and read, when spelling repair changed a word


class Fields(BaseModel):
    npn: FieldValue = Field(default_factory=FieldValue)
    product_name: FieldValue = Field(default_factory=FieldValue)
    brand: FieldValue = Field(default_factory=FieldValue)
    company: FieldValue = Field(default_factory=FieldValue)
    dosage_form: FieldValue = Field(default_factory=FieldValue)
    net_quantity: FieldValue = Field(default_factory=FieldValue)
    medicinal_ingredients: list[Ingredient] = Field(default_factory=list)
    non_medicinal_ingredients: list[NonMedicinalIngredient] = Field(default_factory=list)
    recommended_uses: list[TextItem] = Field(default_factory=list)
    directions: list[TextItem] = Field(default_factory=list)
    cautions: list[TextItem] = Field(default_factory=list)


class Candidate(BaseModel):
    lnhpd_id: int
    licence_number: str
    product_name: str = ""
    company_name: str = ""
    score: float = 0.0


class Match(BaseModel):
    """Which licence the label belongs to, how it was found and how sure we are."""

    lnhpd_id: int | None = None
    licence_number: str | None = None
    method: Literal["npn_exact", "search", "analyst", "none"] = "none"
    score: float = 0.0
    candidates: list[Candidate] = Field(default_factory=list)
    #: why no licence was looked up and no licence check was run (e.g. no LNHPD database); None when they were
    skipped_reason: str | None = None


#: who the edit log names for the server's own edits (the flags re-checked after a correction), never an analyst
SERVER_ANALYST = "cyclops"


class Flag(BaseModel):
    code: str
    severity: Severity
    message: str
    message_fr: str
    evidence: list[Evidence] = Field(default_factory=list)
    licence_field: str | None = None  # e.g. "medicinalingredient.quantity"
    source: Literal["pipeline", "analyst"] = "pipeline"
    decision: Literal["confirmed", "dismissed"] | None = None
    reason: str | None = None
    #: live checks (``cyclops.pipeline.recheck``): the analysis version whose correction raised this flag (None: the analysis
    #: itself), and the one after which the rules no longer raise it (None: still raised). Kept, never deleted,
    #: so an analyst's decision on it and the four-eyes record stay attached to the same row.
    raised_at_version: int | None = None
    resolved_at_version: int | None = None

    @property
    def standing(self) -> bool:
        """Still raised: not resolved by a correction. Only standing flags need a decision, count, or reach a report."""
        return self.resolved_at_version is None

    @property
    def identity(self) -> tuple:
        """What makes a flag the same flag when the rules run again: its code and the boxes it points at (a corrected
        amount keeps the row's box, so "600 mg vs 400 mg" becoming "650 mg vs 400 mg" is the same flag); a flag with
        no box is known by its message."""
        where = tuple((e.image, tuple(map(tuple, e.polygon))) for e in self.evidence)
        return self.code, where or self.message


class NearFlag(BaseModel):
    """A flag whose verdict hangs on one threshold: a small change of it would clear the flag (``raised``) or raise
    it (a near miss). The rules are surest far from their thresholds, so these are where an analyst's eye is worth
    most (``cyclops.flags.margins``; counted in the review priority)."""

    code: str
    severity: Severity
    raised: bool  # True: raised, and cleared by the nudge; False: not raised, and raised by the nudge
    threshold: str  # the ``FlagParams`` field
    value: float  # its value in force
    nudged: float  # the nearby value that changes the verdict
    message: str = ""
    message_fr: str = ""


#: the faces of a package a photo may show (the phone capture page names each photo by one)
FACES = ("front", "back", "side", "other")
Face = Literal["front", "back", "side", "other"]


class ImageInfo(BaseModel):
    id: str
    sha256: str
    width: int
    height: int
    rotation: int = 0
    filename: str | None = None
    face: Face | None = None  # the face of the package it shows, as the inspector who took it named it


class LabelledLine(BaseModel):
    """An OCR line with the field label the classifier gave it: the boxes the dashboard draws."""

    image: str
    polygon: Polygon
    text: str
    label: str = "other"
    confidence: float = 0.0
    language: str | None = None
    ocr_text: str | None = None  # the text as OCR read it, when spelling repair changed it
    ocr_confidence: float | None = None  # how sure OCR was of the text alone (``confidence`` also weighs the label)
    vertical: bool = False  # printed along an edge (read after rotating the crop); a feature of the line classifier

    @property
    def reading_confidence(self) -> float:
        """How sure OCR was of the text alone (``ocr_confidence``), or ``confidence`` for a line without one."""
        return self.confidence if self.ocr_confidence is None else self.ocr_confidence

    @property
    def text_as_read(self) -> str:
        """The text as OCR read it, which the line classifier was given (not the spelling-repaired ``text``)."""
        return self.ocr_text if self.ocr_text is not None else self.text


class PhotoError(BaseModel):
    """A photo that could not be used; the rest of the product is still analysed."""

    filename: str
    error: str
    message: str


class Review(BaseModel):
    """Where the product stands with its analysts. Who signed off, and when, is the sign-off edit's own record
    (analyst and time set by the server), never a value typed here (cyclops.review reads it)."""

    assigned_to: str | None = None  # the analyst who takes the product from the worklist
    signed_off: bool = False  # set by an edit of its analyst once every flag is decided


class Analysis(BaseModel):
    schema_version: str = SCHEMA_VERSION
    analysis_id: str | None = None
    version: int = 0  # bumped by every accepted edit (optimistic concurrency)
    images: list[ImageInfo] = Field(default_factory=list)
    fields: Fields = Field(default_factory=Fields)
    match: Match = Field(default_factory=Match)
    flags: list[Flag] = Field(default_factory=list)
    #: flags a small change of one threshold would clear or raise (``cyclops.flags.margins``), as of the analysis
    near_flags: list[NearFlag] = Field(default_factory=list)
    lines: list[LabelledLine] = Field(default_factory=list)
    errors: list[PhotoError] = Field(default_factory=list)
    timings: dict[str, float] = Field(default_factory=dict)
    # what made it: cyclops, engine, field_classifier, and the thresholds in force: params (the whole set's
    # fingerprint) and params.extract / params.flags / params.match (each area's; cyclops.pipeline.parameters)
    versions: dict[str, str] = Field(default_factory=dict)
    created_at: str | None = None
    review: Review = Field(default_factory=Review)
    #: who sent the photos (the phone's inspector, the uploading analyst): the user mapi authenticated, never a field
    #: of the request; None for analyses made without mapi (batch runs, ``cyclops analyze``)
    submitted_by: str | None = None


class Edit(BaseModel):
    """An analyst's correction. Append-only; ``base_version`` guards against silent overwrites."""

    analyst: str
    field: str  # a dotted path into the analysis, e.g. "fields.npn.value" or "flags[2].decision"
    before: object = None
    after: object = None
    reason: str | None = None
    base_version: int
    seq: int | None = None  # assigned by the store: the version this edit made (edits/{seq:06d}.json)
    at: str | None = None  # ISO timestamp, assigned by the server
    idempotency_key: str | None = Field(None, max_length=200)  # chosen by the client: a retry returns the stored edit
    prev_hash: str | None = None  # assigned by the store: hash of the previous edit (of base.json for the first)
    result_hash: str | None = None  # assigned by the store: hash of the analysis this edit produced
    hash: str | None = None  # assigned by the store: hash of this record (without this field); see docs/storage.md
