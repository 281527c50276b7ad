"""The Ingredients page and the flags judge a label's ingredients with one pairing: a row shows
"quantity differs" exactly when QUANTITY_MISMATCH is raised, "only on the label" exactly when
INGREDIENT_NOT_LICENSED is, and where the flags hold back the row says "not compared"."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest

from cyclops.compare.ingredients import compare_ingredients
from cyclops.compare.params import ComparisonParams
from cyclops.flags import raise_flags
from cyclops.lnhpd.records import LicenceBundle, MedicinalIngredient, ProductLicence
from cyclops.model.analysis import Evidence, Fields, FieldValue, Ingredient, LabelledLine, Match
from cyclops.model.ocr import rect
from cyclops.workbench.compare import pair_ingredients, same_quantity

LID = 7654321
NPN = "80098765"


def mi(name: str, quantity: float | None = None, unit: str | None = "mg", **extra: object) -> MedicinalIngredient:
    return MedicinalIngredient(lnhpd_id=LID, ingredient_name=name, quantity=quantity, quantity_unit_of_measure=unit, **extra)


def bundle(language: str, ingredients: list[MedicinalIngredient]) -> LicenceBundle:
    return LicenceBundle(language=language, medicinal_ingredients=ingredients,
                         licence=ProductLicence(lnhpd_id=LID, licence_number=NPN, product_name="Test Product"))


def printed(name: str, quantity: float | None, unit: str | None, row: int, *, read: float = 0.95,
            amount_read: float | None = None) -> tuple[Ingredient, LabelledLine]:
    """A printed ingredient and the photo line it was read from, read with confidence ``read``."""
    text = f"{name} {quantity:g} {unit}" if quantity is not None else name
    polygon = rect(10, 30 * row, 400, 30 * row + 20)
    line = LabelledLine(image="img0", polygon=polygon, text=text, label="medicinal_ingredient", confidence=read)
    ing = Ingredient(name=name, quantity=quantity, unit=unit, confidence=read, quantity_confidence=amount_read,
                     evidence=[Evidence(image="img0", polygon=polygon, text=text)])
    return ing, line


@dataclass
class Case:
    label: list[tuple[Ingredient, LabelledLine]]
    en: list[MedicinalIngredient]
    fr: list[MedicinalIngredient] = field(default_factory=list)
    states: list[str] = field(default_factory=list)  # the rows the page must show, label rows first


VITAMIN_D_EN = [mi("Cholecalciferol", 25, "µg"), mi("Calcium carbonate", 1250, "mg", potency_amount=500,
                                                  potency_unit_of_measure="mg", potency_constituent="Calcium")]
VITAMIN_D_FR = [mi("Cholécalciférol", 25, "µg"), mi("Carbonate de calcium", 1250, "mg", potency_amount=500,
                                                  potency_unit_of_measure="mg", potency_constituent="Calcium")]
GINKGO = [mi("Ginkgo biloba", None, "mg", quantity_minimum=60, quantity_maximum=120)]
TWO = [mi("Magnesium citrate", 100, "mg"), mi("Zinc gluconate", 50, "mg")]

CASES = {
    "synonyms and a unit conversion (IU, mcg, mg)": Case(
        [printed("Vitamin D3", 1000, "IU", 1), printed("Calcium carbonate", 1.25, "g", 2)],
        VITAMIN_D_EN, VITAMIN_D_FR, ["matched", "matched"]),
    "French names, micrograms": Case(
        [printed("Cholécalciférol", 25, "mcg", 1), printed("Carbonate de calcium", 1250, "mg", 2)],
        VITAMIN_D_EN, VITAMIN_D_FR, ["matched", "matched"]),
    "a converted amount that differs": Case(
        [printed("Vitamin D3", 2000, "IU", 1), printed("Calcium carbonate", 0.6, "g", 2)],
        VITAMIN_D_EN, VITAMIN_D_FR, ["mismatch", "mismatch"]),
    "within the licensed range": Case([printed("Ginkgo biloba", 80, "mg", 1)], GINKGO, [], ["matched"]),
    "outside the licensed range": Case([printed("Ginkgo biloba", 200, "mg", 1)], GINKGO, [], ["mismatch"]),
    "an amount read unsurely": Case([printed("Ginkgo biloba", 200, "mg", 1, amount_read=0.3)], GINKGO, [], ["not_compared"]),
    "an unlicensed ingredient": Case(
        [printed("Ginkgo biloba", 120, "mg", 1), printed("Melatonin", 3, "mg", 2)], GINKGO, [], ["matched", "label_only"]),
    "an unlicensed name read unsurely": Case(
        [printed("Ginkgo biloba", 120, "mg", 1), printed("Melatonin", 3, "mg", 2, read=0.3)], GINKGO, [],
        ["matched", "not_compared"]),
    "a potency constituent printed as its own row": Case(
        [printed("Cholecalciferol", 25, "mcg", 1), printed("Calcium carbonate", 1250, "mg", 2), printed("Calcium", 500, "mg", 3)],
        VITAMIN_D_EN, VITAMIN_D_FR, ["matched", "matched", "not_compared"]),
    "a neighbour's amount read into a row": Case(
        [printed("Magnesium citrate", 50, "mg", 1), printed("Zinc gluconate", 20, "mg", 2)], TWO, [],
        ["not_compared", "mismatch"]),
    "a licensed ingredient not printed": Case(
        [printed("Magnesium citrate", 100, "mg", 1)], TWO, [], ["matched", "licence_only"]),
}

_MISMATCH = re.compile(r"^(?P<name>.+): the label says ")
_UNLICENSED = re.compile(r"^Medicinal ingredient (?P<name>.+) on the label is not in the licence\.$")


def _flagged(flags, code: str, pattern: re.Pattern[str]) -> list[str]:
    return sorted(pattern.match(f.message)["name"] for f in flags if f.code == code)


@pytest.mark.parametrize("name", list(CASES))
def test_page_rows_and_flags_agree(name: str) -> None:
    case = CASES[name]
    ingredients = [ing for ing, _ in case.label]
    lines = [line for _, line in case.label]
    en, fr = bundle("en", case.en), (bundle("fr", case.fr) if case.fr else None)
    flags = raise_flags(Fields(npn=FieldValue(value=NPN), medicinal_ingredients=ingredients),
                        Match(lnhpd_id=LID, licence_number=NPN, method="npn_exact", score=1.0), en, fr, lines)
    rows = pair_ingredients(ingredients, en.medicinal_ingredients, fr.medicinal_ingredients if fr else None, lines)

    assert [r.state for r in rows] == case.states
    differs = sorted(r.label.name for r in rows if r.state == "mismatch")
    only_on_label = sorted(r.label.name for r in rows if r.state == "label_only")
    assert differs == _flagged(flags, "QUANTITY_MISMATCH", _MISMATCH)
    assert only_on_label == _flagged(flags, "INGREDIENT_NOT_LICENSED", _UNLICENSED)


def test_same_quantity_converts_units_and_reads_ranges() -> None:
    assert same_quantity(Ingredient(name="Vitamin D3", quantity=1000, unit="IU"), VITAMIN_D_EN[0])
    assert not same_quantity(Ingredient(name="Vitamin D3", quantity=2000, unit="IU"), VITAMIN_D_EN[0])
    assert same_quantity(Ingredient(name="Ginkgo", quantity=100, unit="mg"), GINKGO[0])


def test_the_rows_follow_the_comparison_thresholds_they_are_given() -> None:
    """An amount read at 0.45 is "not compared" by default and "mismatch" once 0.4 counts as sure; a name
    one letter off stops pairing when names must be identical."""
    ing, line = printed("Magnesium citrate", 150, "mg", 1, amount_read=0.45)
    assert compare_ingredients([ing], TWO, lines=[line]).rows[0].state == "not_compared"
    assert compare_ingredients([ing], TWO, lines=[line], params=ComparisonParams(sure_amount=0.4)).rows[0].state == "mismatch"
    ing, line = printed("Magnesium citrat", 100, "mg", 1)
    assert compare_ingredients([ing], TWO, lines=[line]).rows[0].state == "matched"
    strict = ComparisonParams(pair_similarity=1.0, weak_pair_similarity=1.0, amount_pair_similarity=1.0)
    assert compare_ingredients([ing], TWO, lines=[line], params=strict).pairing.pairs == []
