"""The regulatory reference lists: present, sourced, bilingual where they must be."""

from __future__ import annotations

import pytest

from cyclops import reference


@pytest.mark.parametrize("name", reference.NAMES)
def test_every_list_has_source_note_and_items(name: str) -> None:
    doc = reference.document(name)
    assert doc["source"].strip() and doc["note"].strip()
    items = reference.load(name)
    assert items and all(item.get("id") for item in items)
    assert len({item["id"] for item in items}) == len(items)


def test_schedule_a1_is_complete_and_bilingual() -> None:
    items = reference.load("schedule_a")
    a1 = [i for i in items if i["schedule"] == "A.1"]
    assert len(a1) == 29  # the statute lists 29 diseases
    for item in a1:
        assert item["name_en"] and item["name_fr"] and item["terms_en"]
    names = {i["name_en"].lower() for i in a1}
    assert {"asthma", "cancer", "diabetes", "obesity", "hypertension", "dementia"} <= names
    assert any(i["schedule"].startswith("A (pre-2008)") for i in items)


def test_treatment_words_in_both_languages() -> None:
    words = {w for item in reference.load("treatment_terms") for w in item["terms_en"] + item["terms_fr"]}
    assert {"cure", "treat", "treatment", "prevents", "diagnose", "mitigate", "guerit", "traitement", "prevenir"} <= words


def test_substance_lists_say_they_are_subsets() -> None:
    for name in ("prescription_drugs", "controlled_substances"):
        assert "subset" in reference.document(name)["note"].lower()
    rx = {t for item in reference.load("prescription_drugs") for t in item["terms"]}
    assert {"sildenafil", "tadalafil", "sibutramine"} <= rx


def test_load_is_cached_and_unknown_names_fail_clearly() -> None:
    assert reference.load("schedule_a") is reference.load("schedule_a")
    with pytest.raises(reference.UnknownReferenceList, match="known lists"):
        reference.load("nope")
