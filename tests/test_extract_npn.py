"""Licence numbers: exactly 8 digits, confusions repaired, never invented."""

from __future__ import annotations

import pytest

from cyclops.extract.lines import SourceLine
from cyclops.extract.npn import find_npn
from cyclops.normalize.licence import parse_npn
from cyclops.model.ocr import rect


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        ("NPN 80012345", "80012345", "NPN"),
        ("NPN: 8001 2345", "80012345", "NPN"),
        ("NPN80012345", "80012345", "NPN"),
        ("NPN 8OO12345", "80012345", "NPN"),
        ("N.P.N. 8OOl2345", "80012345", "NPN"),
        ("NPM# 80012345", "80012345", "NPN"),
        ("NPN/NPN 80012345 Lot 1234", "80012345", "NPN"),
        ("NPN 8001-2345", "80012345", "NPN"),
        ("NPN: #80012345", "80012345", "NPN"),  # the signs labels print between the prefix and the digits
        ("NPN No. 80012345", "80012345", "NPN"),
        ("NPN N° 8001 2345", "80012345", "NPN"),
        ("NPN - 80012345", "80012345", "NPN"),
        ("Npn 80012345", "80012345", "NPN"),  # small capitals read as lower case
        ("npn: 80012345", "80012345", "NPN"),
        ("DIN-HM 80098765", "80098765", "DIN-HM"),
        ("DIN-HM No. 80098765", "80098765", "DIN-HM"),
        ("D.I.N.-H.M. 8OO98765", "80098765", "DIN-HM"),
    ],
)
def test_parse_npn_reads_eight_digits(text: str, value: str, kind: str) -> None:
    assert parse_npn(text) == (value, kind, True)


@pytest.mark.parametrize("text", ["NPN 800123", "NPN 8001234", "NPN 8O0", "DIN-HM 8009"])
def test_partial_number_is_illegible_never_completed(text: str) -> None:
    assert parse_npn(text)[0] is None
    assert parse_npn(text)[2] is False


def test_lines_without_prefix_are_not_licence_numbers() -> None:
    assert parse_npn("Lot 12345678") is None
    assert parse_npn("Nutrition 80012345") is None and parse_npn("snpn 80012345") is None
    assert find_npn(["Lot 12345678", "Exp 2027/01"]).value is None


def test_find_npn_keeps_evidence_of_an_illegible_number() -> None:
    line = SourceLine("NPN 800123", image="img1", polygon=rect(1500, 40, 1600, 60), label="npn")
    result = find_npn([line])
    assert result.value is None and result.legible is False
    assert result.evidence[0].image == "img1" and result.evidence[0].polygon == rect(1500, 40, 1600, 60)
    fv = result.field_value()
    assert fv.value is None and fv.evidence


def test_find_npn_joins_prefix_and_number_on_separate_lines() -> None:
    result = find_npn(["Vitamin D3", "NPN", "8001 2345"])
    assert result.value == "80012345"
    assert [e.text for e in result.evidence] == ["NPN", "8001 2345"]


def test_readable_number_beats_illegible_one_on_another_photo() -> None:
    lines = [SourceLine("NPN 800123", image="img0"), SourceLine("NPN 80012345", image="img1", confidence=0.8)]
    result = find_npn(lines)
    assert result.value == "80012345" and result.legible and result.evidence[0].image == "img1"
    assert result.confidence == pytest.approx(0.8)


def test_bare_number_counts_only_on_a_line_labelled_npn() -> None:
    assert find_npn([SourceLine("80012345", label="other")]).value is None
    assert find_npn([SourceLine("8001 2345", label="npn", label_probability=0.9)]).value == "80012345"


def test_digits_left_by_a_cut_through_the_number_are_an_illegible_npn() -> None:
    from cyclops.extract.lines import SourceLine
    from cyclops.extract.npn import find_npn

    result = find_npn([SourceLine("Zinc 10 mg", label="medicinal_ingredient"), SourceLine("2345", label="npn")])
    assert result.value is None and not result.legible and result.evidence[0].text == "2345"
    assert find_npn([SourceLine("2345", label="other")]).legible  # a number elsewhere proves nothing


def test_a_number_whose_digits_were_read_unsurely_is_shown_as_read_not_proposed() -> None:
    """"NPN 80002892" printed small on a real photo (benchmarks/real_npn_printed.py) read "NPN 800029 92", the group
    "800029" at 0.40: a wrong digit, and another product's licence number. The digits are kept as read for the
    analyst (NPN_ILLEGIBLE), not proposed; the same number read surely elsewhere wins."""
    unsure = SourceLine("NPN 800029 92", image="img0", polygon=rect(900, 700, 1200, 730), label="npn", confidence=0.9,
                        number_confidence=0.404)
    result = find_npn([unsure])
    assert result.value is None and result.legible is False and result.confidence == pytest.approx(0.404)
    fv = result.field_value()
    assert fv.value is None and fv.as_read == "80002992" and fv.needs_review and fv.evidence[0].text == "NPN 800029 92"
    sure = SourceLine("NPN 80002892", image="img1", confidence=0.97, number_confidence=0.999)
    assert find_npn([unsure, sure]).value == "80002892"
    assert find_npn([SourceLine("NPN 80002892", confidence=0.9, number_confidence=0.93)]).value == "80002892"


def test_an_unsure_number_raises_npn_illegible_not_npn_missing() -> None:
    from cyclops.flags import raise_flags
    from cyclops.model.analysis import Fields, Match

    line = SourceLine("NPN 800029 92", image="img0", polygon=rect(900, 700, 1200, 730), label="npn", confidence=0.9,
                      number_confidence=0.404)
    fields = Fields(npn=find_npn([line]).field_value())
    fields.npn.illegible = True
    codes = {flag.code for flag in raise_flags(fields, Match(), None, None, [])}
    assert "NPN_ILLEGIBLE" in codes and "NPN_MISSING" not in codes


@pytest.mark.parametrize(
    ("text", "cut"),
    [("NPN 8001", "8001"), ("NPN: 800823", "800823"), ("Dose 2 capsules NPN:", ""), ("NPN 8OO1.", "8001"),
     ("DIN-HM 8009", "8009"), ("NPN 80012345", None), ("NPN 800123 Lot 4", None), ("Vitamin C 500 mg", None)],
)
def test_a_licence_number_cut_short_at_its_lines_end_is_told(text: str, cut: str | None) -> None:
    """What the engine reads again from a longer crop: a line that ends before the number's eighth digit. A number
    with text after it was not cut by its box."""
    from cyclops.normalize.licence import cut_short

    assert cut_short(text) == cut


def test_a_longer_reading_completes_a_cut_number_only_with_the_same_first_digits() -> None:
    from cyclops.normalize.licence import completes

    assert completes("8001", "NPN 80012068") and completes("8001", "NPN 8001 2068 Lot 3")
    assert not completes("8002", "NPN 80012068")  # other digits: the longer crop read something else
    assert not completes("8001", "NPN 8001 Lot 2068") and not completes("8001", "NPN 8001")
    assert completes("", "NPN: 80012345")  # the prefix alone ended its box
    # a digit made up of the next word: "S" of "Store" taken for a 5, a lone digit, a letter read inside the number
    assert not completes("8012345", "NPN 8012345 Store below 25C") and not completes("8012345", "NPN 8012345 Only")
    assert not completes("8012345", "NPN 8012345 1") and not completes("8001", "NPN 8OO12068")
    assert completes("8001", "NPN No. 8001 2068") and completes("8009", "DIN-HM 80091234")
