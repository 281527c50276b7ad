"""OCR-confusion repair, number parsing and per-language spelling correction."""

from __future__ import annotations

import pytest

from cyclops.normalize.confusions import (
    NumberError,
    normalize_codes,
    normalize_text,
    normalize_units,
    parse_number,
    repair_numbers,
)
from cyclops.normalize.spelling import SpellCorrector, UnknownLanguage, builtin_words


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("NPN 8OO12345", "NPN 80012345"),
        ("8OOl2345", "80012345"),
        ("BOO12345", "80012345"),
        ("1OOmg", "100mg"),
        ("1O|", "101"),
        ("2S mcg", "25 mcg"),
        ("Vitamin B12", "Vitamin B12"),  # a vitamin name, not a number
        ("Vitamin D3 and K2", "Vitamin D3 and K2"),
        ("Zinc 1O mg", "Zinc 10 mg"),
        ("SOLO", "SOLO"),  # no digit: a word
        ("CoQ10", "CoQ10"),
    ],
)
def test_repair_numbers_only_inside_numeric_tokens(raw: str, expected: str) -> None:
    assert repair_numbers(raw) == expected


@pytest.mark.parametrize(
    "raw", ["NPN 80012345", "NPM 80012345", "NPN# 80012345", "N.P.N. 80012345", "NPN: 80012345", "NPN/NPN 80012345", "N P N 80012345"]
)
def test_npn_prefix_variants(raw: str) -> None:
    assert normalize_codes(raw) == "NPN 80012345"


@pytest.mark.parametrize("raw", ["DIN-HM 80098765", "DIN HM 80098765", "D.I.N.-H.M. 80098765", "DINHM 80098765"])
def test_din_hm_variants(raw: str) -> None:
    assert normalize_codes(raw) == "DIN-HM 80098765"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("25 µg", "25 mcg"), ("25 μg", "25 mcg"), ("25 ug", "25 mcg"), ("25 meg", "25 mcg"), ("25mcg", "25mcg"),
        ("30 μug", "30 mcg"),
        ("1000 UI", "1000 IU"), ("1000 I.U.", "1000 IU"), ("1000 iu", "1000 IU"), ("2500 lU", "2500 IU"),
        ("5 rng", "5 mg"), ("5 MG", "5 mg"), ("15 ml", "15 mL"), ("10 UFC", "10 CFU"),
        ("omega", "omega"),
    ],
)
def test_units(raw: str, expected: str) -> None:
    assert normalize_units(raw) == expected


def test_normalize_text_combines_everything() -> None:
    assert normalize_text("N.P.N. 8OO12345 — Vitamine D3 25 µg (1 000 UI)") == "NPN 80012345 — Vitamine D3 25 mcg (1 000 IU)"


@pytest.mark.parametrize(
    ("raw", "language", "expected"),
    [
        ("2,5", None, 2.5), ("2,5", "fr", 2.5), ("0,125", None, 0.125), ("1,000", "en", 1000.0), ("1,000", "fr", 1.0),
        ("1 000", "fr", 1000.0), ("1\u00a0000", "fr", 1000.0), ("10 000 000", None, 1e7), ("1,000.5", None, 1000.5),
        ("1.000,5", None, 1000.5), ("2.5", None, 2.5), ("12", None, 12.0),
    ],
)
def test_parse_number(raw: str, language: str | None, expected: float) -> None:
    assert parse_number(raw, language) == pytest.approx(expected)


@pytest.mark.parametrize("raw", ["", "abc", "1,2,3a", "1 00"])
def test_parse_number_rejects_non_numbers(raw: str) -> None:
    with pytest.raises(NumberError):
        parse_number(raw)


@pytest.fixture(scope="module")
def corrector() -> SpellCorrector:
    return SpellCorrector({"en": {"cholecalciferol": 20, "ashwagandha": 5}, "fr": {"cholécalciférol": 20}})


def test_spelling_corrects_with_the_line_language(corrector: SpellCorrector) -> None:
    assert corrector.correct("Take with foood. Cholecalciferl supports bones", "en") == "Take with food. Cholecalciferol supports bones"
    assert corrector.correct("Prendre avec nourritur. Cholecalcifero", "fr") == "Prendre avec nourriture. Cholécalciférol"


def test_spelling_keeps_languages_apart(corrector: SpellCorrector) -> None:
    # a word of either language stays as printed: labels mix both on one line
    assert corrector.correct("Vitamine recommandé", "fr") == "Vitamine recommandé"
    assert corrector.correct("Vitamine", "en") == "Vitamine"
    assert corrector.correct("Vitamin D3 / Vitamine D3", "fr") == "Vitamin D3 / Vitamine D3"
    # an unknown word takes the nearer language's word, the line's own language on a tie
    both = SpellCorrector({"en": {"ascorbic": 5, "acid": 5}, "fr": {"acide": 5, "ascorbique": 5}})
    assert both.correct("Ascoric acid / Acide ascorbiqu", "en") == "Ascorbic acid / Acide ascorbique"


def test_spelling_never_touches_numbers_codes_or_unknown_language(corrector: SpellCorrector) -> None:
    assert corrector.correct("NPN 8OO12345 B12 1OOmg", "en") == "NPN 8OO12345 B12 1OOmg"
    assert corrector.correct("Cholecalciferl", None) == "Cholecalciferl"
    assert corrector.correct_word("zzzzqqqq", "en") == "zzzzqqqq"


def test_spelling_uses_a_vocabulary_source() -> None:
    class Vocab:
        def vocabulary(self, language: str) -> dict[str, int]:
            return {"en": {"echinacea": 10}, "fr": {"échinacée": 10}}[language]

    sc = SpellCorrector.from_database(Vocab())
    assert sc.correct("Echinacae", "en") == "Echinacea"
    assert sc.correct("echinacee", "fr") == "échinacée"


def test_builtin_words_are_shipped_and_unknown_language_is_refused() -> None:
    assert "directions" in builtin_words("en") and "mode" in builtin_words("fr")
    with pytest.raises(UnknownLanguage):
        builtin_words("de")


def test_spelling_leaves_real_words_the_licences_do_not_use(corrector: SpellCorrector) -> None:
    # "arthrite" and "mass" are one or two edits from licence words, but they are French and English words
    assert corrector.correct("Guérit l'arthrite.", "fr") == "Guérit l'arthrite."
    assert corrector.correct("Helps build muscle mass.", "en") == "Helps build muscle mass."


def test_an_everyday_word_one_edit_away_outranks_a_dictionary_word_two_edits_away() -> None:
    """Frog Fuel's caution read "... on ontainer." had become the French "entraîner" (two edits, in the dictionary),
    while "container" (one edit) is an everyday word the dictionaries lack."""
    from cyclops.normalize.spelling import common_neighbour, one_edit

    sc = SpellCorrector({"en": {"essentials": 50}, "fr": {"entraîner": 50}})
    assert "container" in one_edit("ontainer") and "ontainr" in one_edit("ontainer")
    assert common_neighbour("ontainer") == "container"
    assert sc.correct("Discard after expiration date on ontainer.", "en") == "Discard after expiration date on container."
    assert sc.correct("tEssential Amino Acid", "en") == "essential Amino Acid"  # not "essentials" (two edits)
    # the nearer word is the one checked for another compound: Walgreens' "Choride" is "Chloride", whereas the
    # dictionaries' "choline" (two edits) names another substance and had left it as read
    assert sc.correct("Potassium Choride", "en") == "Potassium Chloride"
    # a dictionary word one edit away is still the repair, and nothing common lies near a misread ingredient
    assert sc.correct("Entrainr", "fr") == "Entraîner"
    assert common_neighbour("cholecalciferl") is None


def test_pipeline_lines_keep_what_ocr_read_when_spelling_changes_them(corrector: SpellCorrector) -> None:
    from cyclops.extract import repair_spelling
    from cyclops.extract.lines import SourceLine

    lines = [SourceLine("Take with foood.", label="dose", language="en"), SourceLine("Cholecalciferl", label="product_name", language="en")]
    read = repair_spelling(lines, corrector)
    assert lines[0].text == "Take with food." and read == {0: "Take with foood."}
    assert lines[1].text == "Cholecalciferl"  # product names are not dictionary words


@pytest.mark.parametrize(("read", "language", "repaired"), [
    ("lodine 150 mcg", "en", "iodine 150 mcg"),  # the case of the letter as read
    ("Saccharomyces boulardi", "en", "Saccharomyces boulardii"),
    ("Vitamin D (as Cholecalciterol)", "en", "Vitamin D (as Cholecalciferol)"),
    ("Chondroitine", "fr", "Chondroïtine"),
    ("PREBIOTICS", "en", "PREBIOTICS"),  # known: not "repaired" into probiotics
])
def test_ingredient_words_are_repaired_without_a_full_database(read: str, language: str, repaired: str) -> None:
    """The shipped word lists hold common medicinal ingredient words, so a sample database is enough."""
    from cyclops.normalize.spelling import SpellCorrector

    assert SpellCorrector().correct(read, language) == repaired
