"""Compliance problems injected on purpose, each recorded with the flag code the pipeline should raise."""

from __future__ import annotations

import random
import re

from cyclops.model.truth import Violation
from cyclops.synth.content import LabelContent, Statement

#: (English, French, keywords that, if present in a licensed use, would make the claim licensed)
UNLICENSED_CLAIMS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Supports weight loss.", "Favorise la perte de poids.", ("weight",)),
    ("Boosts energy and mental focus.", "Stimule l'énergie et la concentration.", ("energy", "focus", "cognitive")),
    ("Promotes hair growth.", "Favorise la croissance des cheveux.", ("hair",)),
    ("Improves sleep quality.", "Améliore la qualité du sommeil.", ("sleep",)),
    ("Helps build muscle mass.", "Aide à développer la masse musculaire.", ("muscle",)),
)

#: Schedule A (Food and Drugs Act) diseases in a preventive/treatment claim
SCHEDULE_A_CLAIMS: tuple[tuple[str, str], ...] = (
    ("Helps prevent cancer.", "Aide à prévenir le cancer."),
    ("Treats diabetes.", "Traite le diabète."),
    ("Cures arthritis.", "Guérit l'arthrite."),
    ("Helps prevent heart disease.", "Aide à prévenir les maladies cardiaques."),
    ("Treats hypertension.", "Traite l'hypertension."),
)

VIOLATION_CODES: tuple[str, ...] = ("QUANTITY_MISMATCH", "FRENCH_MISSING", "CLAIM_NOT_LICENSED", "SCHEDULE_A_TERM", "NPN_MISSING")


def wrong_quantity(content: LabelContent, rng: random.Random) -> Violation | None:
    candidates = [i for i, row in enumerate(content.ingredients) if row.quantity]
    if not candidates:
        return None
    row = content.ingredients[rng.choice(candidates)]
    factor = rng.choice((0.5, 2.0, 10.0, 0.1, 1.5))
    licensed = row.quantity
    printed = round(licensed * factor, 3)
    row.quantity = int(printed) if printed == int(printed) else printed
    # a potency in brackets would contradict the new amount; drop it so the label stays self-consistent
    row.potency = row.potency_fr = None
    return Violation(
        code="QUANTITY_MISMATCH", detail=f"{row.name}: licensed {licensed:g} {row.unit}, printed {row.quantity:g} {row.unit}"
    )


def drop_french(content: LabelContent, rng: random.Random) -> Violation | None:
    sections = [name for name in ("uses", "directions", "cautions") if getattr(content, name)]
    if not sections:
        return None
    section = rng.choice(sections)
    for s in getattr(content, section):
        s.fr = None
    return Violation(code="FRENCH_MISSING", detail=f"{section} printed in English only")


def unlicensed_claim(content: LabelContent, rng: random.Random) -> Violation | None:
    licensed = " ".join((s.en or "") for s in content.uses).lower()
    options = [c for c in UNLICENSED_CLAIMS if not any(re.search(rf"\b{k}", licensed) for k in c[2])]
    if not options:
        return None
    en, fr, _ = rng.choice(options)
    content.uses.append(Statement(en, fr))
    return Violation(code="CLAIM_NOT_LICENSED", detail=en)


def schedule_a_claim(content: LabelContent, rng: random.Random) -> Violation:
    en, fr = rng.choice(SCHEDULE_A_CLAIMS)
    content.uses.append(Statement(en, fr))
    return Violation(code="SCHEDULE_A_TERM", detail=en)


def missing_npn(content: LabelContent, rng: random.Random) -> Violation:
    content.npn = None
    return Violation(code="NPN_MISSING", detail="no licence number printed")


_INJECTORS = {
    "QUANTITY_MISMATCH": wrong_quantity,
    "FRENCH_MISSING": drop_french,
    "CLAIM_NOT_LICENSED": unlicensed_claim,
    "SCHEDULE_A_TERM": schedule_a_claim,
    "NPN_MISSING": missing_npn,
}


def inject(content: LabelContent, rng: random.Random, code: str | None = None) -> list[Violation]:
    """Inject one violation (``code``, or one chosen at random that applies), editing ``content`` in place."""
    if code is not None and code not in _INJECTORS:
        raise ValueError(f"unknown violation code {code!r}; known: {', '.join(VIOLATION_CODES)}")
    order = [code] if code else rng.sample(VIOLATION_CODES, len(VIOLATION_CODES))
    for name in order:
        violation = _INJECTORS[name](content, rng)
        if violation is not None:
            return [violation]
    return []
