"""Text of other products in a shelf photo (issue 12): a neighbour's brand is not the company and a neighbour's
"Fish Oil 1000 mg" is not a medicinal ingredient. Lines placed as the OCR of such photos places them."""

from __future__ import annotations

import pytest

from cyclops.extract import fields_from_lines
from cyclops.extract.company import company_over_address, in_its_block, right_under
from cyclops.extract.ingredients import extract_ingredients, table_images
from cyclops.extract.lines import SourceLine
from cyclops.model.ocr import rect


def line(text: str, image: str, x0: float, y0: float, x1: float, y1: float, label: str = "other") -> SourceLine:
    return SourceLine(text, image=image, polygon=rect(x0, y0, x1, y1), label=label, confidence=0.97)


# a shelf photo: the label's maker block (filed as a caution by the classifier) and, far from it, a neighbour's brand
MAKER = line("Hudson Bay Botanica Corp.", "img0", 1958, 2319, 2238, 2361, label="caution")
ADDRESS = line("88 Rue Principale, Québec QC G1R 4P5", "img0", 1960, 2349, 2310, 2391, label="company")
NEIGHBOUR = line("PURE LAB", "img0", 3317, 141, 3588, 226, label="company")


def test_a_name_with_its_legal_form_over_an_address_is_the_company_whatever_it_was_filed_as() -> None:
    assert right_under(MAKER, ADDRESS, 1.5)
    assert not right_under(ADDRESS, MAKER, 1.5)  # the address is under the name, not the other way round
    found = company_over_address([NEIGHBOUR, MAKER, ADDRESS])
    assert found is not None and found.value == "Hudson Bay Botanica Corp."
    assert [e.text for e in found.evidence] == [MAKER.text, ADDRESS.text]


def test_a_neighbours_brand_filed_as_the_company_gives_way_to_the_company_over_its_address() -> None:
    assert not in_its_block(NEIGHBOUR, [NEIGHBOUR, MAKER, ADDRESS])
    fields = fields_from_lines([NEIGHBOUR, MAKER, ADDRESS])
    assert fields.company.value == "Hudson Bay Botanica Corp."


def test_a_company_in_its_own_block_stays_even_with_another_company_over_an_address() -> None:
    """The filed company printed under "Distributed by:" is kept; a second maker block elsewhere does not replace it."""
    heading = line("Distributed by:", "img1", 100, 100, 400, 140, label="company")
    filed = line("Acme Health Inc.", "img1", 100, 150, 420, 190, label="company")
    other = line("Made by Contract Labs Ltd.", "img1", 100, 900, 500, 940)
    other_address = line("12 Main St, Toronto ON M5V 2T6", "img1", 100, 950, 520, 990)
    assert in_its_block(filed, [heading, filed, other, other_address])
    fields = fields_from_lines([heading, filed, other, other_address])
    assert fields.company.value == "Acme Health Inc."


def test_without_an_address_under_any_name_the_filed_company_stays() -> None:
    fields = fields_from_lines([NEIGHBOUR, MAKER])
    assert fields.company.value == "PURE LAB"


def _table(image: str) -> list[SourceLine]:
    rows = [("Fish oil ...... 1000 mg", 400), ("Eicosapentaenoic acid ...... 400 mg", 460), ("Docosahexaenoic acid ...... 200 mg", 520)]
    return [line(text, image, 100, y, 900, y + 40, label="medicinal_ingredient") for text, y in rows]


def test_a_lone_row_on_another_photo_than_the_table_is_a_neighbours_print_not_an_ingredient() -> None:
    stray = line("Calcium 300 mg", "img2", 1811, 117, 2055, 175, label="medicinal_ingredient")
    table = _table("img1")
    assert table_images([table[0], table[1], table[2], stray]) == {"img1"}
    names = [ing.name for ing in extract_ingredients(table + [stray])]
    assert names == ["Fish oil", "Eicosapentaenoic acid", "Docosahexaenoic acid"]


def test_without_a_table_anywhere_a_lone_row_is_the_ingredient() -> None:
    """Single rows on two photos (a side panel's "Melatonin 3 mg", a front's "Vitamin C 500 mg") are kept as before."""
    side = line("Melatonin 3 mg", "img1", 100, 400, 500, 440, label="medicinal_ingredient")
    front = line("Vitamin C 500 mg", "img0", 300, 900, 800, 960, label="medicinal_ingredient")
    assert table_images([side, front]) == set()
    assert [ing.name for ing in extract_ingredients([side, front])] == ["Melatonin", "Vitamin C"]


def test_plain_text_rows_make_no_table_and_lose_nothing() -> None:
    names = [ing.name for ing in extract_ingredients(["Fish oil 1000 mg", "Zinc 10 mg"])]
    assert names == ["Fish oil", "Zinc"]


def _placed(text: str, image: str, cx: float, cy: float, rel_height: float, label: str, confidence: float) -> SourceLine:
    """A line at (cx, cy) of its photo (0-1 each way) in type ``rel_height`` times the photo's usual."""
    x, y = cx * 4000, cy * 3000
    return SourceLine(text, image=image, polygon=rect(x - 300, y - 40, x + 300, y + 40), label=label, confidence=confidence,
                      features={"cx": cx, "cy": cy, "rel_height": rel_height})


def test_centre_weight_spares_the_middle_of_the_photo_and_discounts_its_edges() -> None:
    from cyclops.extract.params import DEFAULTS
    from cyclops.extract.product_name import centre_weight

    assert centre_weight(_placed("x", "a", 0.5, 0.5, 1, "other", 1)) == 1.0
    assert centre_weight(_placed("x", "a", 0.74, 0.3, 1, "other", 1)) == 1.0  # within half-way to the edge
    assert centre_weight(_placed("x", "a", 0.95, 0.5, 1, "other", 1)) < 0.5
    assert centre_weight(_placed("x", "a", 1.0, 0.5, 1, "other", 1)) == pytest.approx(DEFAULTS.name_edge_weight)
    assert centre_weight(SourceLine("plain text")) == 1.0


def test_a_neighbours_name_at_the_edge_of_a_shelf_photo_loses_to_the_name_the_photo_is_centred_on() -> None:
    """Seed 7700's shelf photos: "Ubiquinol CoQ10" on a neighbour at the photo's edge, read more surely than the
    product's own name in stylised type in the middle."""
    from dataclasses import replace

    from cyclops.extract.params import DEFAULTS
    from cyclops.extract.product_name import extract_product_name

    own = _placed("Glacier Ginkgo Biloba 40 mg", "img1", 0.45, 0.45, 3.0, "product_name", 0.80)
    neighbour = _placed("Ubiquinol CoQ10", "img0", 0.08, 0.9, 3.2, "product_name", 0.97)
    assert extract_product_name([neighbour, own], [neighbour, own]).value == "Glacier Ginkgo Biloba 40 mg"
    # without the discount the neighbour's surer, larger print would win
    flat = replace(DEFAULTS, name_edge_weight=1.0)
    assert extract_product_name([neighbour, own], [neighbour, own], params=flat).value == "Ubiquinol CoQ10"
