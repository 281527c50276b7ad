"""Search over the LNHPD copy: typo, accent and word-order tolerant; filters; synonyms; exact lookups; speed."""

from __future__ import annotations


import pytest

from cyclops.lnhpd.database import open_database
from cyclops.lnhpd.importer import import_paths
from cyclops.lnhpd.records import LicenceBundle, MedicinalIngredient, ProductLicence
from cyclops.lnhpd.sample import generate, write_api_json
from cyclops.lnhpd.synonyms import canonical_ingredient, proper_name, synonyms

# (lnhpd_id, npn, English name, French name, company, [(English ingredient, French ingredient)])
CRAFTED = [
    (1, "80012345", "Quillby Glucosamine & MSM", "Quillby Glucosamine et MSM", "Quillby Naturals Inc.",
     [("Glucosamine sulfate", "Sulfate de glucosamine"), ("Methylsulfonylmethane", "Méthylsulfonylméthane")]),
    (2, "80012346", "Quillby Glucosamine Chondroitin MSM Extra Strength", "Quillby Glucosamine Chondroïtine MSM Extra-fort", "Quillby Naturals Inc.",
     [("Glucosamine sulfate", "Sulfate de glucosamine"), ("Chondroitin sulfate", "Sulfate de chondroïtine"), ("Methylsulfonylmethane", "Méthylsulfonylméthane")]),
    (3, "80012347", "Ostrava Glucosamine", "Ostrava Glucosamine", "Ostrava Health Ltd.", [("Glucosamine sulfate", "Sulfate de glucosamine")]),
    (4, "80012348", "Ostrava Sunshine Drops", "Ostrava Gouttes Soleil", "Ostrava Health Ltd.", [("Cholecalciferol", "Cholécalciférol")]),
    (5, "80012349", "Quillby Echinacea Plus", "Quillby Échinacée Plus", "Quillby Naturals Inc.", [("Echinacea purpurea", "Échinacée pourpre")]),
    (6, "80012350", "Ostrava Immune C", "Ostrava Immunité C", "Ostrava Health Ltd.", [("Ascorbic acid", "Acide ascorbique")]),
]


def _crafted_pairs() -> list[tuple[LicenceBundle, LicenceBundle]]:
    pairs = []
    for lnhpd_id, npn, name_en, name_fr, company, ingredients in CRAFTED:
        pair = []
        for lang, name, index in (("en", name_en, 0), ("fr", name_fr, 1)):
            pair.append(LicenceBundle(
                language=lang,
                licence=ProductLicence(lnhpd_id=lnhpd_id, licence_number=npn, product_name=name, company_name=company, flag_product_status=1),
                medicinal_ingredients=[MedicinalIngredient(lnhpd_id=lnhpd_id, ingredient_name=i[index], quantity=500.0, quantity_unit_of_measure="mg")
                                       for i in ingredients],
            ))
        pairs.append((pair[0], pair[1]))
    return pairs


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    """The crafted licences among ~2,000 synthetic ones (without look-alike products, so rankings are unambiguous)."""
    tmp = tmp_path_factory.mktemp("lnhpd")
    noise = [p for p in generate(2400, seed=42)
             if not any(w in p[0].licence.product_name for w in ("Glucosamine", "MSM", "Echinacea"))]
    write_api_json(_crafted_pairs() + noise, tmp / "api")
    import_paths([tmp / "api"], tmp / "db.sqlite")
    database = open_database(tmp / "db.sqlite")
    yield database
    database.close()


@pytest.mark.parametrize("query", ["glucosamin msm", "Glucosamine & MSM", "msm glucosamine", "GLUCOSAMINE  MSM", "glucosamine et msm", "gIucosamine MSM"])
def test_typos_punctuation_and_word_order_rank_the_product_first(db, query):
    hits = db.search(query)
    assert hits[0].lnhpd_id == 1
    assert hits[0].score > hits[1].score and 0 <= hits[-1].score <= hits[0].score <= 1


@pytest.mark.parametrize("query", ["echinacee plus", "Échinacée Plus", "quillby echinacea", "echinaceaplus"])
def test_accents_and_french_names_are_found(db, query):
    assert db.search(query)[0].lnhpd_id == 5


def test_company_filter_is_fuzzy_and_excludes_others(db):
    hits = db.search("glucosamine", company="Ostrva Health")
    assert [h.lnhpd_id for h in hits] == [3]
    assert {h.lnhpd_id for h in db.search("glucosamine", company="quillby")} == {1, 2}
    assert {h.company_name for h in db.search("", company="Ostrava Health Ltd.", limit=50)} == {"Ostrava Health Ltd."}


@pytest.mark.parametrize("ingredient", ["vitamin D3", "Vitamine D3", "cholecalciferol", "Cholécalciférol", "cholecalciferl"])
def test_ingredient_filter_goes_through_synonyms(db, ingredient):
    hits = db.search("ostrava", ingredient=ingredient)
    assert [h.lnhpd_id for h in hits] == [4]
    assert any(h.lnhpd_id != 4 for h in db.search("", ingredient=ingredient, limit=50))  # the synthetic D3 products too


def test_ingredient_search_does_not_confuse_similar_vitamins(db):
    assert 6 not in {h.lnhpd_id for h in db.search("ostrava", ingredient="vitamin d3")}
    assert [h.lnhpd_id for h in db.search("ostrava", ingredient="vitamin c")] == [6]


def test_licence_number_in_text_ranks_that_licence_first(db):
    assert db.search("NPN 8001 2349")[0].lnhpd_id == 5


def test_exact_lookups(db):
    assert db.get("NPN: 8001-2345").licence.product_name == "Quillby Glucosamine & MSM"
    assert db.get("80012345", "fr").medicinal_ingredients[1].ingredient_name == "Méthylsulfonylméthane"
    assert db.get("80019999") is None and db.get("no digits") is None and db.get_by_id(999, "en") is None
    assert db.count() == len(db.ids()) > 2000


def test_vocabulary_per_language(db):
    en, fr = db.vocabulary("en"), db.vocabulary("fr")
    assert en["glucosamine"] >= 3 and "chondroitin" in en
    assert "méthylsulfonylméthane" in fr and "chondroïtine" in fr and "chondroïtine" not in en


def test_synonyms_link_proper_common_and_french_names():
    key = canonical_ingredient("cholecalciferol")
    assert key == canonical_ingredient("Vitamin D3") == canonical_ingredient("Vitamine D3") == canonical_ingredient("CHOLÉCALCIFÉROL")
    assert canonical_ingredient("Vitamin D3 (cholecalciferol)") == key
    assert {"Vitamin C", "Vitamine C", "Acide ascorbique"} <= synonyms("ascorbic acid")
    assert "Méthylsulfonylméthane" in synonyms("MSM")
    assert canonical_ingredient("Vitamin C") != canonical_ingredient("Vitamin D")
    assert canonical_ingredient("Unheard-of Root") == "unheard of root" and synonyms("Unheard-of Root") == {"Unheard-of Root"}


def test_every_sample_ingredient_has_synonyms():
    names = {i.ingredient_name for en, fr in generate(300, seed=1) for i in en.medicinal_ingredients + fr.medicinal_ingredients}
    assert all(proper_name(n) is not None for n in names)
    assert all(len(synonyms(n)) > 1 for n in names - {"Calcium", "Zinc"})


def test_a_name_the_index_does_not_know_is_scanned_once_and_then_only_filtered(db, tmp_path, monkeypatch):
    """A name none of whose words the index knows (a product not in the database) makes each of a label's searches
    whose filters find nothing either score every licence of a small database: the scan is scored once per name
    and kept until the file changes, and each search gives what it gives from a handle that kept nothing."""
    import os
    import shutil

    from cyclops.lnhpd import database

    shutil.copy(db.path, tmp_path / "db.sqlite")
    scored: list[str] = []
    real = database._rerank
    monkeypatch.setattr(database, "_rerank", lambda tokens, query, docs: scored.append(query) or real(tokens, query, docs))
    handle = open_database(tmp_path / "db.sqlite")
    try:
        plain = handle.search("Imm C")
        unknown = handle.search("Imm C", ingredient="Fibregum acacia")
        assert scored == ["imm c"]  # one scan for both searches
        assert plain[0].lnhpd_id == 6 and unknown == []
        with open_database(tmp_path / "db.sqlite") as other:  # nothing kept: scans again, the same hits
            assert other.search("Imm C") == plain and other.search("Imm C", ingredient="Fibregum acacia") == []
        assert scored == ["imm c"] * 2
        stat = os.stat(tmp_path / "db.sqlite")  # the file replaced (here: touched): its scans are not reused
        os.utime(tmp_path / "db.sqlite", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
        assert handle.search("Imm C") == plain and scored == ["imm c"] * 3 and handle.reopened == 1
    finally:
        handle.close()
