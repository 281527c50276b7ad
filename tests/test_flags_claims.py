"""Claim support by meaning: paraphrases and OCR-damaged claims are supported, unrelated ones are not."""

from __future__ import annotations

import pytest

from cyclops.flags.claims import claim_support, claim_supports, schedule_a_hits
from cyclops.flags.params import DEFAULT_FLAGS
from cyclops.text.fold import fold
from cyclops.text.terms import find_terms

SUPPORT_THRESHOLD = DEFAULT_FLAGS.claim_supported

VITAMIN_C = [
    "Helps in the development and maintenance of bones, cartilage, teeth and gums.",
    "Source of antioxidants.",
    "Helps to prevent vitamin C deficiency.",
    "Helps in connective tissue formation.",
]
ECHINACEA_FR = [
    "Utilisé en phytothérapie pour aider à soulager les symptômes du rhume et de la grippe.",
    "Aide à soutenir le système immunitaire.",
]


@pytest.mark.parametrize(("claim", "index"), [
    ("Helps build strong bones, teeth and gums", 0),
    ("An antioxidant source", 1),
    ("Helps in the deve1opment and maintenance of b0nes, cartilage", 0),  # OCR slips
    ("Helps in the developmnt and maintenence of bones, cartilage, teeth and gums. Source of antioxidants.", 0),
    ("Helps prevent a vitamin C deficiency", 2),
])
def test_paraphrase_supported(claim: str, index: int) -> None:
    score, best = claim_support(claim, VITAMIN_C)
    assert score >= SUPPORT_THRESHOLD and best == index


@pytest.mark.parametrize("claim", [
    "Supports weight loss",
    "Boosts energy levels",
    "Helps prevent vitamin D deficiency",  # right shape, wrong nutrient
    "Helps prevent iron deficiency",
    "Helps prevent cancer",
])
def test_unrelated_claim_not_supported(claim: str) -> None:
    score, _ = claim_support(claim, VITAMIN_C)
    assert score < SUPPORT_THRESHOLD


def test_french_claims() -> None:
    assert claim_support("Aide à soulager les symptômes du rhume", ECHINACEA_FR)[0] >= SUPPORT_THRESHOLD
    assert claim_support("Soutient l'immunité", ECHINACEA_FR) == (pytest.approx(1.0), 1)
    assert claim_support("Favorise la perte de poids", ECHINACEA_FR)[0] < SUPPORT_THRESHOLD
    assert claim_support("Aide à prévenir le cancer", ECHINACEA_FR)[0] < SUPPORT_THRESHOLD


def test_edge_cases() -> None:
    assert claim_support("anything", []) == (0.0, None)
    assert claim_support("", VITAMIN_C) == (0.0, None)
    # generic wording only: compared by wording
    assert claim_support("A factor in the maintenance of good health.", ["A factor in the maintenance of good health."])[0] == 1.0
    batch = claim_supports(["Supports weight loss", "Source of antioxidants"], VITAMIN_C)
    assert batch[0][0] < SUPPORT_THRESHOLD <= batch[1][0]


def test_whole_word_terms() -> None:
    assert find_terms("Treatment of joint pain", ["treat"]) == []
    assert find_terms("Helps treat colds", ["treat"]) == ["treat"]
    assert find_terms("Relieves osteoarthritis pain", ["arthritis"]) == []
    assert find_terms("Prévient le DIABÈTE", ["diabete"]) == ["diabete"]


def test_schedule_a_hits_respects_licence_and_exceptions() -> None:
    assert [h["item"]["id"] for h in schedule_a_hits("Treats diabetes", "")] == ["diabetes"]
    assert schedule_a_hits("Treats diabetes", fold("helps support diabetes management")) == []
    assert schedule_a_hits("Helps with nicotine addiction", "") == []  # excluded by the statute
    assert [h["item"]["id"] for h in schedule_a_hits("Fights drug addiction", "")] == ["addiction"]
    assert schedule_a_hits("Aids digestion", "") == []  # "aids" is not AIDS
    assert [h["item"]["id"] for h in schedule_a_hits("Protects against AIDS", "")] == ["sexually_transmitted_diseases"]
