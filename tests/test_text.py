"""The text package: one folding, term search, name similarity, language guesses and readability."""

from __future__ import annotations

import pytest

from cyclops.text.fold import digits, fold, search_key, strip_accents, words
from cyclops.text.language import detect_language, flag_language, guess_language, layout_hint
from cyclops.text.readable import is_letter_debris, is_readable, known_share
from cyclops.text.similarity import company_key, name_similarity
from cyclops.text.terms import find_exact_terms, find_terms, find_terms_fuzzy


def test_fold_keeps_per_cent_apostrophe_and_hyphen() -> None:
    assert fold("Prévient l’Asthme!") == "previent l'asthme"
    assert fold("Co-Q10 95%  ™") == "co-q10 95% tm"
    assert fold(None) == "" and fold("") == ""
    assert fold("Co-Q10 95%", keep="") == "co q10 95"


def test_search_key_spells_out_micro_and_eszett() -> None:
    assert search_key("Échinacée & MSM") == "echinacee msm"
    assert search_key("500 µg Straße") == "500 ug strasse"


def test_strip_accents_keeps_case_and_punctuation() -> None:
    assert strip_accents("Vitamine D3 équivalent, ÉTÉ") == "Vitamine D3 equivalent, ETE"
    assert strip_accents("ﬁbre") == "ﬁbre" and strip_accents("ﬁbre", compatible=True) == "fibre"


def test_words_and_digits() -> None:
    assert words("L'Échinacée, 500 mg") == ["l'échinacée", "mg"]
    assert digits("NPN 8001-2345") == "80012345" and digits(None) == ""


def test_each_layer_guesses_language_its_own_way() -> None:
    assert flag_language("Helps to maintain healthy bones") == "en"
    assert flag_language("Aide à maintenir la santé des os") == "fr"
    assert flag_language("") is None
    assert guess_language("Take 1 tablet daily with food") == "en"
    assert guess_language("Prendre 1 comprimé par jour") == "fr"
    assert guess_language("1000 IU", default="en") == "en"
    assert layout_hint("Prendre avec de la nourriture") == "fr"
    assert detect_language("NPN 80012345") is None


def test_readable_tells_text_from_debris() -> None:
    assert is_readable("Consult a health care practitioner prior to use")
    assert not is_readable("Ai e a es a e a al es aose")
    assert is_letter_debris(["Con", "t", "t", "hs"]) and not is_letter_debris(["Take", "a", "tablet"])
    assert known_share("take daily zqxv") == pytest.approx(2 / 3)


def test_terms_are_whole_words_and_tolerate_a_misread() -> None:
    assert find_terms("Treatment of arthritis", ["treat", "arthritis"]) == ["arthritis"]
    assert find_terms_fuzzy("Helps with diabctes", ["diabetes"]) == ["diabetes"]
    assert find_exact_terms("For IV use, not type IV", ["IV"], not_after=["type"]) == ["IV"]


def test_names_compare_without_order_or_legal_suffix() -> None:
    assert name_similarity("Vitamin D Sunny", "Sunny Vitamin D") == 1.0
    assert company_key("Maple Naturals Inc.") == company_key("MAPLE NATURALS LTD") == "maple naturals"
