"""Licence matching against a real (small, synthetic) LNHPD SQLite built by the importer."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from cyclops.lnhpd import importer, sample
from cyclops.lnhpd.database import LicenceDB, open_database
from cyclops.lnhpd.records import LicenceBundle
from cyclops.match import MatchParams, match_licence, one_digit_variants
from cyclops.model.analysis import Fields, FieldValue, Ingredient, TextItem


@pytest.fixture(scope="module")
def pairs() -> list[tuple[LicenceBundle, LicenceBundle]]:
    return sample.generate(80, 11)


@pytest.fixture(scope="module")
def db(pairs, tmp_path_factory: pytest.TempPathFactory) -> LicenceDB:
    root: Path = tmp_path_factory.mktemp("lnhpd")
    paths = sample.write_api_json(pairs, root / "api")
    importer.import_paths(paths, root / "lnhpd.sqlite")
    return open_database(root / "lnhpd.sqlite")


def unique(pairs, key) -> list[LicenceBundle]:
    """Licences whose ``key`` no other licence shares (so the right answer is unambiguous)."""
    counts = Counter(key(en) for en, _ in pairs)
    return [en for en, _ in pairs if counts[key(en)] == 1 and en.active]


def label(en: LicenceBundle, *, npn: str | None = None, name: str | None = None, company: bool = True,
          ingredients: bool = True) -> Fields:
    return Fields(
        npn=FieldValue(value=npn),
        product_name=FieldValue(value=name),
        company=FieldValue(value=en.licence.company_name if company else None),
        medicinal_ingredients=[Ingredient(name=i.ingredient_name, quantity=i.quantity, unit=i.quantity_unit_of_measure)
                               for i in en.medicinal_ingredients] if ingredients else [],
    )


def typo(text: str) -> str:
    """Two OCR-like slips: l -> 1, o -> 0, a dropped letter."""
    return text.replace("l", "1", 1).replace("o", "0", 1)[:-2] + text[-1]


def test_exact_npn(pairs, db) -> None:
    en = pairs[0][0]
    match = match_licence(label(en, npn=f"NPN {en.licence.licence_number}"), db)
    assert match.method == "npn_exact" and match.score == 1.0
    assert match.lnhpd_id == en.licence.lnhpd_id and match.licence_number == en.licence.licence_number
    assert match.candidates[0].lnhpd_id == en.licence.lnhpd_id


def test_unknown_npn_still_searches(pairs, db) -> None:
    en = unique(pairs, lambda b: b.licence.product_name)[0]
    match = match_licence(label(en, npn="99999999", name=en.licence.product_name), db)
    assert match.method == "search" and match.lnhpd_id == en.licence.lnhpd_id
    assert 0.6 <= match.score <= 1.0


def test_name_with_typos(pairs, db) -> None:
    for en in unique(pairs, lambda b: b.licence.product_name)[:3]:
        fields = label(en, name=typo(en.licence.product_name), ingredients=False)
        match = match_licence(fields, db)
        assert match.method == "search" and match.lnhpd_id == en.licence.lnhpd_id, fields.product_name.value


def test_by_ingredients_and_company(pairs, db) -> None:
    key = lambda b: (b.licence.company_name, tuple(sorted(i.ingredient_name for i in b.medicinal_ingredients)))
    en = unique(pairs, key)[0]
    match = match_licence(label(en), db)  # no number, no name
    assert match.candidates[0].lnhpd_id == en.licence.lnhpd_id
    assert match.method == "search"


def test_off_by_one_npn_ranks_first_but_stays_search(pairs, db) -> None:
    numbers = {en.licence.licence_number for en, _ in pairs}
    en = unique(pairs, lambda b: b.licence.product_name)[1]
    misread = next(v for v in one_digit_variants(en.licence.licence_number) if v not in numbers)
    match = match_licence(label(en, npn=misread, name=typo(en.licence.product_name), company=False), db)
    assert match.method == "search" and match.lnhpd_id == en.licence.lnhpd_id
    assert match.candidates[0].lnhpd_id == en.licence.lnhpd_id


def test_top_candidates_always_returned(pairs, db) -> None:
    en = pairs[2][0]
    match = match_licence(label(en, npn=en.licence.licence_number, name=en.licence.product_name), db)
    assert len(match.candidates) == MatchParams().top_n
    assert len({c.lnhpd_id for c in match.candidates}) == MatchParams().top_n
    scores = [c.score for c in match.candidates[1:]]
    assert scores == sorted(scores, reverse=True) and all(0.0 <= s <= 1.0 for s in scores)


def test_no_match(db) -> None:
    fields = Fields(product_name=FieldValue(value="Zqxj Wvvk"))
    match = match_licence(fields, db)
    assert match.method == "none" and match.lnhpd_id is None and match.licence_number is None
    assert match_licence(Fields(), db).method == "none"


def test_one_digit_variants() -> None:
    variants = one_digit_variants("801")
    assert len(variants) == 27 and "802" in variants and "801" not in variants


def _twin(bundle: LicenceBundle, new_id: int, number: str, *, factor: float = 1.0, form: str | None = None,
          drop_purposes: int = 0) -> LicenceBundle:
    """A second licence of the same product name, company and ingredients (another strength or form)."""
    data = bundle.model_dump()
    data["licence"].update(lnhpd_id=new_id, licence_number=number)
    if form:
        data["licence"]["dosage_form"] = form
    for part in ("medicinal_ingredients", "non_medicinal_ingredients", "purposes", "risks", "doses", "routes"):
        for item in data[part]:
            item["lnhpd_id"] = new_id
    for item in data["medicinal_ingredients"]:
        if item["quantity"] is not None:
            item["quantity"] *= factor
    data["purposes"] = data["purposes"][drop_purposes:]
    return LicenceBundle.model_validate(data)


def test_twin_licences_told_apart_by_amounts_form_and_uses(pairs, tmp_path: Path) -> None:
    en, fr = next((en, fr) for en, fr in pairs
                  if en.active and len(en.purposes) >= 2 and any(i.quantity for i in en.medicinal_ingredients))
    strong = (_twin(en, 99000001, "80999991", factor=2), _twin(fr, 99000001, "80999991", factor=2))
    softgel = (_twin(en, 99000002, "80999992", form="Softgel", drop_purposes=1),
               _twin(fr, 99000002, "80999992", form="Capsule molle", drop_purposes=1))
    paths = sample.write_api_json([(en, fr), strong, softgel], tmp_path / "api")
    importer.import_paths(paths, tmp_path / "twins.sqlite")
    db = open_database(tmp_path / "twins.sqlite")

    for bundle in (en, strong[0]):  # no NPN printed: the printed amounts decide
        fields = label(bundle, name=bundle.licence.product_name)
        fields.dosage_form = FieldValue(value=en.licence.dosage_form)
        fields.recommended_uses = [TextItem(text=p.purpose, language="en") for p in en.purposes]
        assert match_licence(fields, db).lnhpd_id == bundle.licence.lnhpd_id

    # same amounts: the printed dosage form and uses decide
    fields = label(softgel[0], name=en.licence.product_name)
    fields.dosage_form = FieldValue(value="Softgel")
    fields.recommended_uses = [TextItem(text=p.purpose, language="en") for p in softgel[0].purposes]
    assert match_licence(fields, db).lnhpd_id == 99000002


def test_exact_name_beats_a_sister_licence_when_a_row_was_not_read(pairs, tmp_path: Path) -> None:
    # "X Zinc + Vitamin C" and "X Vitamin C": the label's zinc row was not read, so its ingredients
    # look like the sister's; the exact product name still decides
    en, fr = next((en, fr) for en, fr in pairs if en.active and len(en.medicinal_ingredients) >= 2)
    data = _twin(en, 99000003, "80999993").model_dump()
    data["licence"]["product_name"] = en.licence.product_name.replace(" ", " Plus ", 1)
    data["medicinal_ingredients"] = data["medicinal_ingredients"][:1]
    sister_en = LicenceBundle.model_validate(data)
    data_fr = _twin(fr, 99000003, "80999993").model_dump()
    data_fr["licence"]["product_name"] = data["licence"]["product_name"]
    data_fr["medicinal_ingredients"] = data_fr["medicinal_ingredients"][:1]
    sister = (sister_en, LicenceBundle.model_validate(data_fr))
    paths = sample.write_api_json([(en, fr), sister], tmp_path / "api")
    importer.import_paths(paths, tmp_path / "sisters.sqlite")
    db = open_database(tmp_path / "sisters.sqlite")
    fields = label(en, name=en.licence.product_name)
    fields.medicinal_ingredients = fields.medicinal_ingredients[:1]  # only the first row was read
    assert match_licence(fields, db).lnhpd_id == en.licence.lnhpd_id
    fields = label(sister_en, name=sister_en.licence.product_name)
    assert match_licence(fields, db).lnhpd_id == 99000003


def test_company_and_ingredient_find_the_licence_among_many_sisters(pairs, tmp_path: Path) -> None:
    # only "Maximum Strength" of the name was read; the company has 30 other "... Maximum Strength"
    # licences and 30 of other companies have the same ingredient, more than the candidate budget:
    # only the company and the ingredient together single this one out
    en, fr = next((en, fr) for en, fr in pairs if en.active and len(en.medicinal_ingredients) == 1)
    other = next(b for b, _ in pairs if b.medicinal_ingredients
                 and b.medicinal_ingredients[0].ingredient_name != en.medicinal_ingredients[0].ingredient_name)

    def renamed(bundle: LicenceBundle, new_id: int, name: str, ingredients: LicenceBundle | None = None,
                company: str | None = None) -> LicenceBundle:
        data = _twin(bundle, new_id, f"8{new_id:07d}"[-8:]).model_dump()
        data["licence"]["product_name"] = name
        data["licence"]["company_name"] = company or data["licence"]["company_name"]
        if ingredients is not None:
            data["medicinal_ingredients"] = [dict(i, lnhpd_id=new_id) for i in ingredients.model_dump()["medicinal_ingredients"]]
        return LicenceBundle.model_validate(data)

    target = (renamed(en, 98000000, f"{en.licence.product_name} Maximum Strength"),
              renamed(fr, 98000000, f"{fr.licence.product_name} Maximum Strength"))
    sisters = [(renamed(en, 98000001 + k, f"Formula {k} Maximum Strength", other),
                renamed(fr, 98000001 + k, f"Formula {k} Maximum Strength", other)) for k in range(30)]
    core = " ".join(en.licence.product_name.split()[2:4])  # "Valerian Root" of "True Harbour Valerian Root 200 mg"
    rivals = [(renamed(en, 98000101 + k, f"Rival {k} {core} Maximum Strength", company=f"Rival {k} Inc."),
               renamed(fr, 98000101 + k, f"Rival {k} {core} Maximum Strength", company=f"Rival {k} Inc."))
              for k in range(30)]
    paths = sample.write_api_json([target, *sisters, *rivals], tmp_path / "api")
    importer.import_paths(paths, tmp_path / "sisters.sqlite")
    db = open_database(tmp_path / "sisters.sqlite")
    fields = label(target[0], name="Maximum Strength")
    assert match_licence(fields, db).lnhpd_id == 98000000


def test_match_thresholds_come_from_the_params_given(pairs, db) -> None:
    en = pairs[2][0]
    fields = label(en, npn=en.licence.licence_number, name=en.licence.product_name)
    assert len(match_licence(fields, db, MatchParams(top_n=2)).candidates) == 2
    searched = match_licence(label(en, npn=None, name=en.licence.product_name), db)
    assert searched.method == "search"
    refused = match_licence(label(en, npn=None, name=en.licence.product_name), db, MatchParams(accept_score=1.01))
    assert refused.method == "none" and refused.candidates  # the same candidates, none good enough now
