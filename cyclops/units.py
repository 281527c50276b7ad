"""Amounts printed on labels and in licences, brought to one unit so they can be compared.

Masses go to mg; International Units go to mg for the vitamins whose IU is defined by
mass (A, D, E). No unit library knows per-vitamin IU, and the mass table is four rows,
so both are written out here.

Sources for the IU factors:
- Vitamin A: 1 mcg retinol activity equivalent (RAE) = 3.33 IU retinol (Health Canada
  Multi-Vitamin/Mineral Supplements monograph; US NIH Office of Dietary Supplements fact sheet).
- Vitamin D: 1 mcg cholecalciferol/ergocalciferol = 40 IU (same sources).
- Vitamin E: 1 IU = 0.67 mg d-alpha-tocopherol (RRR, natural) or 0.45 mg dl-alpha-tocopherol
  (all-rac, synthetic); USP ester definitions: 1 IU = 0.736 mg d-alpha-tocopheryl acetate,
  0.826 mg d-alpha-tocopheryl succinate, 1 mg dl-alpha-tocopheryl acetate, 1.12 mg
  dl-alpha-tocopheryl succinate (US NIH ODS vitamin E fact sheet; USP).
"""

from __future__ import annotations

import math
import re

from cyclops.text.fold import strip_accents

#: canonical unit -> mg per unit
MASS_MG: dict[str, float] = {"kg": 1e6, "g": 1e3, "mg": 1.0, "mcg": 1e-3, "ng": 1e-6}

#: spelling (lower case, accents folded, no spaces/dots) -> canonical unit
_SPELLINGS: dict[str, str] = {
    "mcg": "mcg", "ug": "mcg", "µg": "mcg", "μg": "mcg", "microgram": "mcg", "micrograms": "mcg",
    "microgramme": "mcg", "microgrammes": "mcg", "mcgrae": "mcg", "ugrae": "mcg", "mcgdfe": "mcg",
    "ugdfe": "mcg", "mg": "mg", "milligram": "mg", "milligrams": "mg", "milligramme": "mg",
    "milligrammes": "mg", "mgat": "mg", "mgne": "mg", "mgdfe": "mg",
    "g": "g", "gm": "g", "gram": "g", "grams": "g", "gramme": "g", "grammes": "g",
    "kg": "kg", "kilogram": "kg", "kilograms": "kg", "ng": "ng",
    "iu": "IU", "ui": "IU", "internationalunits": "IU", "unitesinternationales": "IU",
    "ml": "mL", "millilitre": "mL", "milliliter": "mL", "millilitres": "mL", "milliliters": "mL",
    "l": "L", "litre": "L", "liter": "L", "%": "%", "percent": "%", "pourcent": "%",
    "cfu": "CFU", "ufc": "CFU",
    # homeopathic dilutions: compared as printed (12 CH is 12 CH)
    "ch": "CH", "dh": "DH", "x": "X", "lm": "LM",
}

#: multiplier words before CFU ("10 billion CFU", "10 milliards UFC")
_CFU_SCALE = {"million": 1e6, "millions": 1e6, "billion": 1e9, "billions": 1e9, "milliard": 1e9,
              "milliards": 1e9, "trillion": 1e12}

_VOLUME_ML = {"mL": 1.0, "L": 1000.0}


def _fold(text: str) -> str:
    """Accents stripped and lower case, the micro sign (and Greek mu) read as "u"."""
    return strip_accents(text.replace("µ", "u").replace("μ", "u"), compatible=True).lower()


def normalize_unit(unit: str | None) -> str | None:
    """Canonical spelling of a unit ("µg" -> "mcg", "UI" -> "IU", "ufc" -> "CFU"), None if unknown."""
    if not unit:
        return None
    raw = unit.strip()
    if raw in ("µg", "μg"):
        return "mcg"
    key = re.sub(r"[\s.]", "", _fold(raw))
    if key in _SPELLINGS:
        return _SPELLINGS[key]
    words = _fold(raw).split()
    if len(words) == 2 and words[0] in _CFU_SCALE and words[1] in ("cfu", "ufc"):
        return "CFU"
    return None


def _cfu_scale(unit: str) -> float:
    words = _fold(unit).split()
    return _CFU_SCALE.get(words[0], 1.0) if len(words) == 2 else 1.0


def vitamin_of(ingredient: str | None) -> str | None:
    """Which IU-defined vitamin an ingredient name is ("A", "D", "E"), from its common or proper name."""
    if not ingredient:
        return None
    name = _fold(ingredient)
    if re.search(r"\b(cholecalciferol|ergocalciferol|vitamine? d\s*[23]?)\b", name):
        return "D"
    if re.search(r"\b(tocopher\w*|vitamine? e)\b", name):
        return "E"
    if re.search(r"\b(retin\w*|vitamine? a)\b", name):
        return "A"
    return None


def iu_factors_mg(ingredient: str | None) -> tuple[float, ...]:
    """mg per IU for an ingredient; several when the name does not say which vitamin E form."""
    vitamin = vitamin_of(ingredient)
    if vitamin == "D":
        return (0.001 / 40,)
    if vitamin == "A":
        return (0.001 / 3.33,)
    if vitamin != "E":
        return ()
    name = _fold(ingredient or "")
    synthetic = bool(re.search(r"\b(dl|all-rac)\b|dl-", name))
    if "succinate" in name:
        return (1.12,) if synthetic else (0.826,)
    if "acetate" in name:
        return (1.0,) if synthetic else (0.736,)
    if synthetic:
        return (0.45,)
    if re.search(r"\bd-|\brrr\b|d-alpha", name):
        return (0.67,)
    return (0.67, 0.45, 0.736, 0.826, 1.0)


def to_common(quantity: float, unit: str, ingredient: str | None = None) -> tuple[float, str] | None:
    """(value, unit) in the comparison unit: mg for masses (and IU of vitamins A, D, E), mL for
    volumes, CFU for counts, % as is. None when the unit is unknown or IU of another substance.
    Where vitamin E's form is not named the first (d-alpha-tocopherol) factor is used."""
    if quantity is None or unit is None or not math.isfinite(float(quantity)):
        return None
    canon = normalize_unit(unit)
    if canon is None:
        return None
    q = float(quantity)
    if canon in MASS_MG:
        return q * MASS_MG[canon], "mg"
    if canon == "IU":
        factors = iu_factors_mg(ingredient)
        return (q * factors[0], "mg") if factors else (q, "IU")
    if canon in _VOLUME_ML:
        return q * _VOLUME_ML[canon], "mL"
    if canon == "CFU":
        return q * _cfu_scale(unit), "CFU"
    return q, canon


def _candidates(quantity: float, unit: str, ingredient: str | None) -> list[tuple[float, str]]:
    canon = normalize_unit(unit)
    if canon == "IU":
        factors = iu_factors_mg(ingredient)
        if factors:
            return [(float(quantity) * f, "mg") for f in factors]
    common = to_common(quantity, unit, ingredient)
    return [common] if common else []


def same_amount(a: float, ua: str, b: float, ub: str, ingredient: str | None = None,
                rel_tol: float = 0.02) -> bool | None:
    """Whether two printed amounts are the same dose; None when they cannot be compared
    (unknown unit, mass against volume, IU of a substance with no mass definition).
    Rounding on labels (1000 IU printed as 25 mcg) is why the tolerance is relative."""
    left = _candidates(a, ua, ingredient)
    right = _candidates(b, ub, ingredient)
    comparable = [(x, y) for x in left for y in right if x[1] == y[1]]
    if not comparable:
        return None
    return any(math.isclose(x[0], y[0], rel_tol=rel_tol, abs_tol=1e-12) for x, y in comparable)


_AMOUNT = re.compile(
    r"(?P<num>\d+(?:[.,]\d+)?)\s*(?P<unit>(?:million|billion|milliards?|billions?)\s+(?:cfu|ufc)|"
    r"mcg\s*rae|µg\s*rae|μg\s*rae|mg\s*at|mg\s*ne|mcg\s*dfe|mcg|µg|μg|ug|mg|kg|g|iu|ui|ml|l|%|cfu|ufc|ch|dh)"
    r"(?![a-z])",
    re.IGNORECASE,
)


def parse_amounts(text: str | None) -> list[tuple[float, str]]:
    """Every "number unit" pair in a string such as "25 mcg (1000 IU)", units canonical.

    Used for potency text, which the extractor keeps as printed."""
    out: list[tuple[float, str]] = []
    for m in _AMOUNT.finditer(text or ""):
        unit = normalize_unit(m.group("unit"))
        if unit:
            value = float(m.group("num").replace(",", "."))
            if unit == "CFU":
                value *= _cfu_scale(m.group("unit"))
            out.append((value, unit))
    return out
