"""Knobs of the synthetic label generator, so benchmarks and tests can dial realism up or down."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

#: Layout families. "base" is what the OCR/extraction benchmarks use; "compact"
#: uses headings, ingredient order and paragraphing that "base" never produces,
#: so retraining tests can show a model learning a new layout.
FAMILIES: tuple[str, ...] = ("base", "compact")


class DegradationProbabilities(BaseModel):
    """Probability that each degradation is applied to one photo (0 = never, 1 = always)."""

    rotate90: float = Field(0.15, ge=0, le=1, description="Photo turned by 90, 180 or 270 degrees.")
    skew: float = Field(0.5, ge=0, le=1, description="Small in-plane rotation (up to 4 degrees).")
    perspective: float = Field(0.35, ge=0, le=1, description="Camera not square to the label.")
    curvature: float = Field(0.2, ge=0, le=1, description="Label wrapped around a bottle (cylinder).")
    blur: float = Field(0.2, ge=0, le=1, description="Slight defocus.")
    glare: float = Field(0.2, ge=0, le=1, description="A bright reflection.")
    noise: float = Field(0.3, ge=0, le=1, description="Sensor noise.")
    low_resolution: float = Field(0.1, ge=0, le=1, description="Photo taken at a lower resolution.")
    jpeg: float = Field(0.5, ge=0, le=1, description="Strong JPEG compression.")
    crop: float = Field(0.1, ge=0, le=1, description="Part of the label outside the photo (never the NPN).")
    npn_cut: float = Field(0.02, ge=0, le=1, description="The NPN cut off at the photo edge (npn_legible=False).")
    multi_face: float = Field(0.1, ge=0, le=1, description="Two faces of the package in one photo.")

    @classmethod
    def none(cls) -> DegradationProbabilities:
        return cls(**{name: 0.0 for name in cls.model_fields})


DEGRADATIONS: tuple[str, ...] = tuple(DegradationProbabilities.model_fields)

#: photo sizes by name for ``cyclops synth --size`` (width x height before any 90-degree turn)
SIZES: dict[str, tuple[int, int]] = {
    "default": (1600, 1200),
    "12mp": (4000, 3000),
    "12mp-portrait": (3000, 4000),
}

CONTAINERS: tuple[str, ...] = ("bottle", "pouch", "tub")


class Realism(BaseModel):
    """Scenes and label styles closer to inspectors' phone photos (issue 12, section 4). All 0: off.

    With every probability at 0 (the default) the generator draws no extra random number, so the existing
    benchmarks and seeds give the same bytes. ``preset()`` is what ``cyclops synth --realistic`` turns on.
    Decisions are drawn from a random stream of their own (seeded from the product seed)."""

    hand: float = Field(0.0, ge=0, le=1, description="Photo of the package held in a hand (forearm behind, fingers in front).")
    shelf: float = Field(
        0.0, ge=0, le=1, description="Package standing on a shelf among other products with text in other orientations."
    )
    turned: float = Field(
        0.0,
        ge=0,
        le=1,
        description="In a hand or shelf photo, the package lies or is held on its side: label text at 90/270 "
        "degrees while the background stays upright.",
    )
    fingers_over_text: float = Field(
        0.0, ge=0, le=1, description="In a hand photo, fingers reach over the label; words they hide leave the truth."
    )
    glare_spots: float = Field(
        0.0, ge=0, le=1, description="Sharp bright elliptical highlights on the package; words they wash out leave the truth."
    )
    supplement_facts: float = Field(
        0.0, ge=0, le=1, description="Medicinal ingredients printed as a US 'Supplement Facts' panel."
    )
    blend: float = Field(
        0.0, ge=0, le=1, description="In a Supplement Facts panel, a proprietary blend (total amount, members listed)."
    )
    bilingual_tables: float = Field(
        0.0, ge=0, le=1, description="Medicinal ingredients as an English table and a French table (not one bilingual table)."
    )
    label_extras: float = Field(
        0.0, ge=0, le=1, description="Origin, web address, route, storage, phone, lot/expiry and a UPC barcode near the claims."
    )
    stylised_front: float = Field(
        0.0, ge=0, le=1, description="Front with a large stylised product name, brand above, flavour/count below."
    )

    @property
    def enabled(self) -> bool:
        return any(getattr(self, name) > 0 for name in type(self).model_fields)

    @classmethod
    def preset(cls) -> Realism:
        """The mix of ``--realistic``: most photos hand-held or on a shelf, many US panels and stylised fronts."""
        return cls(
            hand=0.45,
            shelf=0.35,
            turned=0.25,
            fingers_over_text=0.6,
            glare_spots=0.4,
            supplement_facts=0.4,
            blend=0.5,
            stylised_front=0.7,
            bilingual_tables=0.3,
            label_extras=0.6,
        )


class SynthConfig(BaseModel):
    """Everything that shapes a synthetic product besides its licence and seed."""

    width: int = Field(1600, ge=400, le=6000, description="Photo width in pixels (before rotation).")
    height: int = Field(1200, ge=300, le=6000, description="Photo height in pixels (before rotation).")
    clean: bool = Field(False, description="No degradations at all, lossless PNG (OCR sanity checks).")
    violation_rate: float = Field(0.0, ge=0, le=1, description="Share of products with one injected compliance problem.")
    family: Literal["base", "compact"] = "base"
    degradations: DegradationProbabilities = Field(default_factory=DegradationProbabilities)
    vertical_npn: float = Field(0.2, ge=0, le=1, description="Share of fronts with the NPN printed along an edge.")
    realism: Realism = Field(
        default_factory=Realism, description="Hand/shelf scenes, glare, fingers, US panels, stylised fronts."
    )

    def probability(self, name: str) -> float:
        """Probability of one degradation, 0 when ``clean``."""
        if self.clean:
            return 0.0
        return float(getattr(self.degradations, name))

    @classmethod
    def forcing(cls, *names: str, **kwargs: object) -> SynthConfig:
        """A config where exactly the named degradations always happen (tests, demos)."""
        unknown = set(names) - set(DEGRADATIONS)
        if unknown:
            raise ValueError(f"unknown degradation(s) {sorted(unknown)}; known: {', '.join(DEGRADATIONS)}")
        probs = DegradationProbabilities.none().model_copy(update={n: 1.0 for n in names})
        return cls(degradations=probs, **kwargs)
