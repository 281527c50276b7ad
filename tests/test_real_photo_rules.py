"""What real phone photos need (issue 12, section 2), each on a crafted case that fails without the rule:
ingredient panels read by their layout, blends, bilingual rows, product names, claims only, debris
withheld, spelling repair that keeps what was printed, NPNs that are NPNs, English-only labels, weak
licence matches, and small print on 12 MP photos."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from cyclops.extract import fields_from_lines, keep_as_read, word_swaps
from cyclops.extract.brand import brand_over_name, extract_brand
from cyclops.extract.company import company_elsewhere, extract_company, is_address
from cyclops.extract.dosage_form import extract_dosage_form
from cyclops.extract.ingredients import extract_ingredients, not_an_ingredient, pair_cells, parse_ingredient_text
from cyclops.extract.lines import SourceLine
from cyclops.extract.non_medicinal import extract_non_medicinal, split_non_medicinal
from cyclops.extract.npn import find_npn
from cyclops.extract.panel import blend_members, daily_value_cells, find_panels, label_panels, member_names, nest_sub_blends
from cyclops.extract.product_name import extract_product_name, name_as_licensed, name_like
from cyclops.extract.headings import misread_heading, section_said
from cyclops.extract.statements import (is_caution, is_claim, is_statement, label_by_headings, label_front_claims,
                                        label_wrapped_sentences, moved_direction)
from cyclops.flags import raise_flags
from cyclops.match import trusted
from cyclops.model.analysis import Fields, FieldValue, Ingredient, LabelledLine, Match
from cyclops.model.ocr import rect
from cyclops.normalize.spelling import SpellCorrector


def line(text: str, left: float, top: float, right: float, bottom: float, label: str = "other", image: str = "img1",
         confidence: float = 0.95, **features: float) -> SourceLine:
    """An OCR line at a box; ``features`` are layout features (rel_height, page shares x0..y1)."""
    return SourceLine(text, image=image, polygon=rect(left, top, right, bottom), label=label, confidence=confidence,
                      features=dict(features))


# --- ingredient panels --------------------------------------------------------------------------------------


def supplement_facts() -> list[SourceLine]:
    """A US Supplement Facts panel as OCR returns it from a phone photo: cells, a %DV column, headers,
    macronutrients, rows the classifier filed under cautions and non-medicinal ingredients."""
    return [
        line("Supplement Facts", 100, 100, 600, 150, "recommended_use"),
        line("Serving Size 1 Scoop (10 g)", 100, 160, 500, 185, "caution"),
        line("Servings Per Container 30", 100, 190, 450, 215, "caution"),
        line("Amount Per Serving", 100, 225, 350, 250, "medicinal_ingredient"),
        line("% Daily Value", 560, 225, 700, 250, "caution"),
        line("Calories 15", 100, 260, 300, 285, "caution"),
        line("Total Carbohydrate 3 g", 100, 290, 400, 315, "medicinal_ingredient"),
        line("1%", 600, 290, 640, 315, "medicinal_ingredient"),
        line("Vitamin D3 (as cholecalciferol)", 100, 320, 420, 345, "caution"),
        line("25 mcg (1000 IU)", 430, 320, 560, 345, "company"),
        line("125%", 600, 320, 650, 345, "medicinal_ingredient"),
        line("Zinc (as zinc citrate) 11 mg", 100, 350, 500, 375, "non_medicinal_ingredient"),
        line("100%", 600, 350, 650, 375, "medicinal_ingredient"),
        line("L-Glutamine", 100, 380, 260, 405, "caution"),
        line("1.9 g", 430, 380, 490, 405, "medicinal_ingredient"),
        line("†", 600, 380, 615, 405, "other"),
        line("† Daily Value not established.", 100, 420, 500, 445, "caution"),
        line("Other ingredients: citric acid, stevia.", 100, 450, 560, 475, "non_medicinal_ingredient"),
    ]


def test_supplement_facts_rows_are_ingredients_and_headers_are_not() -> None:
    lines = supplement_facts()
    fields = fields_from_lines(_post(lines))
    got = {(i.name, i.quantity, i.unit, i.potency) for i in fields.medicinal_ingredients}
    assert got == {("Vitamin D3 (as cholecalciferol)", 25, "mcg", "1000 IU"), ("Zinc (as zinc citrate)", 11, "mg", None),
                   ("L-Glutamine", 1.9, "g", None)}


def _post(lines: list[SourceLine]) -> list[SourceLine]:
    from cyclops.extract import _post_rules

    return _post_rules(lines)


@pytest.mark.parametrize("row", ["Cholestrol 0mg", "Includes 6.6 g", "Includes 4g Added Sugars", "Carbohydrat 3 g"])
def test_nutrition_rows_misread_or_cut_are_no_ingredients(row: str) -> None:
    """BetterAlt's panel: "Cholesterol" read one letter short, "Includes 6.6 g Added Sugars" cut after its amount."""
    lines = supplement_facts()
    lines.insert(7, line(row, 100, 292, 400, 312, "medicinal_ingredient"))
    names = [i.name for i in fields_from_lines(_post(lines)).medicinal_ingredients]
    assert len(names) == 3 and row.split()[0] not in " ".join(names)


def test_letter_debris_with_an_amount_sign_is_no_ingredient() -> None:
    """Frog Fuel's blurred panel gave a row "g (NE)": no word of three letters, so nothing to propose; "DHA" and
    "CoQ10" are words."""
    from cyclops.extract.ingredients import not_an_ingredient

    assert not_an_ingredient("g (NE)") and not_an_ingredient("Zn B")
    assert not any(not_an_ingredient(name) for name in ("DHA", "CoQ10", "Vitamin B6", "Zinc"))


def test_an_ingredient_spelled_near_a_nutrient_stays_an_ingredient() -> None:
    from cyclops.extract.panel import is_nutrition_row

    assert not any(is_nutrition_row(name) for name in ("Proteinase", "Lipase", "Chondroitin", "Calcium", "Inositol"))


def test_panel_reaches_its_end_line_and_knows_its_daily_value_column() -> None:
    lines = supplement_facts()
    (panel,) = find_panels(lines)
    assert panel.daily_values
    assert panel.box[3] < 450  # "Other ingredients" is after the end line, outside
    cells = {c.text for c in daily_value_cells(lines, [panel])}
    assert cells == {"1%", "125%", "100%", "†"}
    label_panels(lines, [panel])
    labels = {ln.text: ln.label for ln in lines}
    assert labels["Serving Size 1 Scoop (10 g)"] == labels["Calories 15"] == labels["Total Carbohydrate 3 g"] == "other"
    assert labels["25 mcg (1000 IU)"] == labels["Zinc (as zinc citrate) 11 mg"] == "medicinal_ingredient"


def test_a_direction_printed_beside_a_panel_is_no_row() -> None:
    """myBrainCo's directions run beside its panel: "dinner, blend 1 scoop (10 g) into 200 mL of water," has
    amounts but is an instruction, not an ingredient row."""
    lines = supplement_facts() + [line("dinner, blend 1 scoop (10 g) into 200 mL of water,", 100, 300, 600, 320, "dose")]
    label_panels(lines)
    assert lines[-1].label == "dose"


def test_a_direction_filed_as_a_row_gives_no_piece_of_itself() -> None:
    """myBrainCo's directions, dimmed: "dinner, blend I scoop (10g) into 200 mL of water," filed as an ingredient
    row; its two amounts split it at the comma, and "dinner" was proposed as an ingredient without an amount."""
    rows = [line("dinner, blend I scoop (10g) into 200 mL of water,", 549, 1664, 1387, 1768, "medicinal_ingredient"),
            line("Vitamin C 500 mg, Zinc 10 mg", 549, 1790, 1387, 1830, "medicinal_ingredient")]
    assert [(i.name, i.quantity) for i in extract_ingredients(rows)] == [("Vitamin C", 500), ("Zinc", 10)]


@pytest.mark.parametrize("name", ["NON GMO", "GLUTEN-FREE", "KETO-FRIENDLY", "Sans OGM", "Zero Sugar"])
def test_a_seal_beside_the_table_is_no_ingredient(name: str) -> None:
    """Frog Fuel's back photographed from below: the "NON GMO" badge beside the table was filed as a row."""
    assert not_an_ingredient(name)


def test_a_lot_or_expiry_code_stamped_on_the_panel_is_no_ingredient() -> None:
    """Neuro's back with a phone's noise: the stamped "EXP:04 ... R11:5" over the facts panel became a row "EXP:04 R"
    without an amount."""
    rows = [line("EXP:04 ...... R11:5 ......", 779, 1083, 1530, 1192, "medicinal_ingredient"),
            line("Vitamin D3 (as cholecalciferol) 125 mcg", 779, 1250, 1530, 1330, "medicinal_ingredient")]
    assert [i.name for i in extract_ingredients(rows)] == ["Vitamin D3 (as cholecalciferol)"]
    assert all(not_an_ingredient(code) for code in ("LOT 23051A", "Exp. 2027/05", "Best before 05/2027", "Péremption 2027"))
    assert not any(not_an_ingredient(name) for name in ("Bifidobacterium lactis BB-12", "Lotus seed", "Expanded Perlite"))


def test_a_name_s_tail_boxed_with_the_amount_still_pairs_the_row() -> None:
    """Blurred, myBrainCo's "Zinc (from inactive Saccharomyces cerevisiae, oxide) 1.2 mg" was boxed as "Zinc (from
    inactive Saccharomyces cer" | "de) 1.2 mg": the right cell was taken for a whole row named "de)", refused, and
    Zinc was lost."""
    rows = [line("Biotin (as D-Biotin)", 1376, 2100, 1800, 2170, "medicinal_ingredient"),
            line("300 mcg", 1990, 2100, 2150, 2170, "medicinal_ingredient"),
            line("Zinc (from inactive Saccharomyces cer", 1376, 2187, 1935, 2263, "caution"),
            line("de) 1.2 mg", 1973, 2187, 2159, 2263, "medicinal_ingredient")]
    assert pair_cells(rows) == {1: [0], 3: [2]}  # the tail's cell is the amount's, its name the cell to its left
    found = [(i.name, i.quantity, i.unit) for i in extract_ingredients(rows)]
    assert found == [("Biotin (as D-Biotin)", 300, "mcg"), ("Zinc (from inactive Saccharomyces cer de)", 1.2, "mg")]


def test_debris_between_a_row_s_name_and_its_amount_does_not_take_the_amount() -> None:
    """Noisy, myBrainCo's Zinc row read "Zinc (from inactive Saccharose ...... es ce" | "ae" | "1.2 mg": the debris
    "ae" stood between the name and the amount, so the name was taken for a cell of another column and lost."""
    rows = [line("Zinc (from inactive Saccharose ...... es ce", 1376, 2187, 1935, 2263, "caution"),
            line("ae", 1978, 2196, 2037, 2249, "medicinal_ingredient"),
            line("1.2 mg", 2020, 2196, 2156, 2258, "medicinal_ingredient"),
            line("Selenium (as L-Selenomethionine)", 1376, 2280, 1900, 2350, "medicinal_ingredient"),
            line("55 mcg", 2020, 2285, 2156, 2345, "medicinal_ingredient")]
    assert pair_cells(rows) == {2: [0, 1], 4: [3]}  # the amount's cells: the name and the debris beside it
    found = [(i.name.split(" (")[0], i.quantity, i.unit) for i in extract_ingredients(rows)]
    assert found == [("Zinc", 1.2, "mg"), ("Selenium", 55, "mcg")]


@pytest.mark.parametrize(("read", "name"), [("Vitamin 86 (as Pyridoxal-5-Phosphate)", "Vitamin B6 (as Pyridoxal-5-Phosphate)"),
                                           ("Vitamin 812", "Vitamin B12"), ("Vitamine 89 (acide folique)", "Vitamine B9 (acide folique)")])
def test_a_b_vitamin_whose_letter_was_read_as_an_8(read: str, name: str) -> None:
    """Natural Stacks' panel sent small (1600 pixels, quality 70) read "Vitamin 86 (as Pyridoxal-5-Phosphate) 5 mg":
    no vitamin is numbered 86. The row keeps the print as read."""
    found = parse_ingredient_text(f"{read} 5 mg")
    assert found.name == name and found.as_read == read
    assert parse_ingredient_text("Vitamin 8 (as thiamine) 5 mg").name == "Vitamin 8 (as thiamine)"


@pytest.mark.parametrize(("read", "name"), [("amin B. (as Methylcobalamin)", "Vitamin B12 (as Methylcobalamin)"),
                                           ("amn D (as Cholecalciferol)", "Vitamin D (as Cholecalciferol)"),
                                           ("tamine C (acide ascorbique)", "Vitamine C (acide ascorbique)"),
                                           ("itamin K2 (as MK-7)", "Vitamin K2 (as MK-7)"),
                                           ("amin B-12 (as Cyanocobalamin)", "Vitamin B-12 (as Cyanocobalamin)"),
                                           ("itamine D3 (cholécalciférol)", "Vitamine D3 (cholécalciférol)")])
def test_a_vitamin_whose_word_lost_its_first_letters(read: str, name: str) -> None:
    """Frog Fuel's and MaryRuth's panels sent small (1600 pixels) read "amin B. (as Methylcobalamin) 15 mcg" and
    "amn D (as Cholecalciferol) 20 mcg": the rows' starts were lost, and no row was Vitamin B12 or D."""
    found = parse_ingredient_text(f"{read} 15 mcg")
    assert found.name == name and found.as_read == read
    for other in ("Amino Acid Complex", "Inositol B (as myo-inositol)", "Ginger A", "Vitamin D3", "Amino A-Z", "Admin C",
                  "Min D"):
        assert parse_ingredient_text(f"{other} 15 mcg").name == other


def test_names_that_start_like_a_seal_are_ingredients() -> None:
    assert not any(not_an_ingredient(name) for name in ("Organic Spirulina", "Soy Lecithin", "Vitamin C"))


def test_a_title_boxed_line_by_line_opens_the_panel() -> None:
    """Frog Fuel's back, blurred a little (boxes as read): "SUPPLEMENT" over "FACTS", "Amount Per Serving" read as
    "unt Per" and "ng", so no line holds a whole title; the classifier filed every row as a caution."""
    def back(first: str, second: str) -> list[SourceLine]:
        return [line(first, 1355, 1233, 1649, 1292), line(second, 1355, 1267, 1517, 1325),
                line("unt Per", 1866, 1350, 1956, 1392, "caution"), line("%DV", 2071, 1362, 2126, 1396),
                line("Vitamin C (as Ascorbic Acid)", 1341, 1499, 1691, 1566, "caution"),
                line("60mg", 1878, 1528, 1963, 1584, "caution"), line("67%", 2044, 1542, 2118, 1586),
                line("Biotin", 1355, 1600, 1423, 1629, "caution"), line("300mcg", 1871, 1598, 1980, 1650, "caution")]
    lines = back("SUPPLEMENT", "FACTS")
    (panel,) = find_panels(lines)
    assert panel.title.text == "SUPPLEMENT" and panel.daily_values
    label_panels(lines, [panel])
    assert [ln.text for ln in lines if ln.label == "medicinal_ingredient"] == ["60mg", "300mcg"]
    assert find_panels(back("INGRÉDIENTS", "MÉDICINAUX"))
    assert not find_panels(back("SUPPLEMENT", "PROTEIN"))  # no title once joined
    apart = back("SUPPLEMENT", "FACTS")
    apart[1] = line("FACTS", 1700, 1267, 1862, 1325)  # not under it: a word elsewhere on the row
    assert not find_panels(apart)


def test_a_canadian_table_keeps_percent_amounts() -> None:
    """A "Medicinal ingredients" table has no % Daily Value column: "2.5 %" is an amount there."""
    lines = [line("Medicinal ingredients:", 100, 100, 400, 130, "medicinal_ingredient"),
             line("Zinc oxide 20 %", 100, 140, 400, 165, "caution"),
             line("Non-medicinal ingredients: water", 100, 180, 500, 205, "non_medicinal_ingredient")]
    fields = fields_from_lines(_post(lines))
    assert [(i.name, i.quantity, i.unit) for i in fields.medicinal_ingredients] == [("Zinc oxide", 20, "%")]


@pytest.mark.parametrize(("row", "quantity", "unit", "potency"), [
    ("Vitamin A 1050 mcg 117%", 1050, "mcg", None),  # the %DV after the amount is no potency
    ("Vitamin D3 25 mcg (1000 IU) 125%", 25, "mcg", "1000 IU"),
    ("Selenium (as L-selenomethionine) 55 mog 100%", 55, "mcg", None),  # "mog": the unit misread
    ("Pine Bark Extract [98% Proanthocyanidins]", None, None, "[98% Proanthocyanidins]"),
])
def test_facts_rows(row: str, quantity: float | None, unit: str | None, potency: str | None) -> None:
    ing = parse_ingredient_text(row)
    assert ing is not None and (ing.quantity, ing.unit, ing.potency) == (quantity, unit, potency)


def test_a_blend_is_one_ingredient_with_its_members_as_parts() -> None:
    lines = [
        line("Supplement Facts", 100, 100, 500, 140),
        line("Proprietary Blend", 100, 160, 330, 185, "medicinal_ingredient"),
        line("575 mg", 450, 160, 530, 185, "medicinal_ingredient"),
        line("N-Acetyl-L-Tyrosine, L-Theanine, Velvet Bean", 100, 190, 440, 212, "non_medicinal_ingredient"),
        line("(Mucuna pruriens), Turmeric Root Extract", 100, 215, 440, 237, "caution"),
        line("Anhydrous Caffeine", 100, 245, 330, 270, "medicinal_ingredient"),
        line("100 mg", 450, 245, 530, 270, "medicinal_ingredient"),
    ]
    members = blend_members(lines)
    assert [ln.text for ln in members[id(lines[1])]] == [lines[3].text, lines[4].text]
    fields = fields_from_lines(_post(lines))
    blend, caffeine = fields.medicinal_ingredients
    assert (blend.name, blend.quantity, blend.unit) == ("Proprietary Blend", 575, "mg")
    assert blend.parts == ["N-Acetyl-L-Tyrosine", "L-Theanine", "Velvet Bean (Mucuna pruriens)", "Turmeric Root Extract"]
    assert (caffeine.name, caffeine.quantity) == ("Anhydrous Caffeine", 100)
    assert not fields.non_medicinal_ingredients  # the members are not non-medicinal ingredients either
    assert member_names([SourceLine("contains: Reishi, Maitake (fruiting body); Chaga")]) == ["Reishi", "Maitake (fruiting body)", "Chaga"]


def test_the_wrapped_tail_of_a_long_member_list_is_no_row_of_its_own() -> None:
    """Frog Fuel's fruit and vegetable blend lists its members over many lines; one line, indented apart from the
    rest, began "L.)(Fruit) Powder, Açai ..." (closing the bracket of "Goji (Lycium barbarum" above) and was
    proposed as an ingredient without an amount. A name that closes a bracket it never opened continues the line
    above. With its own amount such a line is still a row."""
    from cyclops.text.brackets import closes_unopened

    assert closes_unopened("L.)(Fruit) Powder, Açai (Euterpe oleracea)(Fruit) Extract")
    assert closes_unopened("root extract] 4:1")
    assert not any(closes_unopened(name) for name in ("Goji (Lycium barbarum", "Vitamin D (as cholecalciferol)",
                                                       "Beet (Beta vulgaris L.)(Root) Powder"))
    rows = [
        line("Vitamin C (as ascorbic acid)", 100, 160, 400, 185, "medicinal_ingredient"),
        line("60 mg", 450, 160, 530, 185, "medicinal_ingredient"),
        line("L.)(Fruit) Powder, Acai (Euterpe oleracea)(Fruit) Extract", 140, 190, 440, 212, "medicinal_ingredient"),
        line("Zinc (as zinc citrate) 11 mg", 100, 250, 530, 275, "medicinal_ingredient"),
        line("root extract) 100 mg", 100, 310, 530, 335, "medicinal_ingredient"),
    ]
    got = [(i.name, i.quantity) for i in extract_ingredients(rows)]
    assert ("Vitamin C (as ascorbic acid)", 60) in got and ("Zinc (as zinc citrate)", 11) in got
    assert not any(name.startswith("L.)") for name, _ in got)
    assert any(quantity == 100 for _, quantity in got)  # the tail with an amount stays a row


def test_sub_blends_that_add_up_to_a_blend_are_its_parts() -> None:
    rows = [Ingredient(name="Zinc", quantity=11, unit="mg"),
            Ingredient(name="SNAP Prostate Health Blend", quantity=2, unit="g"),
            Ingredient(name="Prostate Support Mushroom Blend", quantity=900, unit="mg", parts=["Maitake", "Reishi"]),
            Ingredient(name="Urinary Support Blend", quantity=600, unit="mg", parts=["Saw palmetto", "Nettle"]),
            Ingredient(name="Antioxidant Blend", quantity=500, unit="mg"),
            Ingredient(name="Energy Blend", quantity=300, unit="mg")]
    nested = nest_sub_blends(rows)
    assert [(i.name, i.quantity) for i in nested] == [("Zinc", 11), ("SNAP Prostate Health Blend", 2), ("Energy Blend", 300)]
    assert nested[1].parts == ["Maitake", "Reishi", "Saw palmetto", "Nettle", "Antioxidant Blend"]
    # blends that do not add up to the one above stay ingredients of their own
    apart = [Ingredient(name="Focus Blend", quantity=500, unit="mg"), Ingredient(name="Calm Blend", quantity=300, unit="mg")]
    assert nest_sub_blends(apart) == apart


def test_a_sub_blend_whose_blend_is_misread_by_a_letter_is_still_a_blend() -> None:
    """Snap's back turned or tilted: "Antioxidant Blend" read "Antioxidant Blond". Its row is still a blend, so the
    sub-blends add up to the blend above and its members are parts, not rows without amounts."""
    rows = [Ingredient(name="SNAP Prostate Health Blend", quantity=2000, unit="mg"),
            Ingredient(name="Prostate Support Mushroom Blend", quantity=900, unit="mg"),
            Ingredient(name="Urinary Support Blend", quantity=600, unit="mg"),
            Ingredient(name="Antioxidant Blond", quantity=500, unit="mg")]
    assert [(i.name, i.quantity) for i in nest_sub_blends(rows)] == [("SNAP Prostate Health Blend", 2000)]
    panel = [line("Antioxidant Blond 500 mg", 100, 100, 600, 130, "medicinal_ingredient"),
             line("Green tea leaf extract, Turmeric root extract", 120, 135, 700, 165, "medicinal_ingredient"),
             line("Blood Orange 20 mg", 100, 200, 400, 230, "medicinal_ingredient")]
    members = blend_members(panel)
    assert [[m.text for m in found] for found in members.values()] == [["Green tea leaf extract, Turmeric root extract"]]
    assert id(panel[0]) in members  # "Blood" is no misread "Blend": two letters differ


def test_english_and_french_rows_of_one_substance_are_one_ingredient_with_both_names() -> None:
    rows = [SourceLine("Turmeric 400 mg", language="en"), SourceLine("Vitamin D3 25 mcg", language="en"),
            SourceLine("Curcuma 400 mg", language=None), SourceLine("Vitamine D3 25 mcg", language="fr")]
    got = [(i.name, i.name_fr, i.quantity) for i in extract_ingredients(rows)]
    assert got == [("Turmeric", "Curcuma", 400), ("Vitamin D3", "Vitamine D3", 25)]


# --- product name, claims, debris ---------------------------------------------------------------------------


def test_product_name_is_not_the_brand_the_count_the_flavour_or_a_slogan() -> None:
    front = [
        line("JOCKO", 100, 100, 500, 220, "product_name", image="front", rel_height=2.4),
        line("CREATINE", 100, 240, 520, 360, "non_medicinal_ingredient", image="front", rel_height=2.4),
        line("BLUE RASPBERRY", 100, 380, 400, 430, "product_name", image="front", rel_height=1.6),
        line("90 SERVINGS", 100, 440, 300, 480, "product_name", image="front", rel_height=1.3),
        line("Think & feel your best", 100, 490, 400, 530, "recommended_use", image="front", rel_height=1.5),
        line("Distributed by Jocko Fuel LLC", 100, 100, 400, 120, "company", image="back", rel_height=1.0),
        line("www.jockofuel.com", 100, 130, 300, 150, "other", image="back", rel_height=1.0),
    ]
    names = [ln for ln in front if ln.label == "product_name"]
    assert extract_product_name(names, front, None, set()).value == "CREATINE"
    # without the whole label, the classifier's lines alone: the count and the flavour are still refused
    assert extract_product_name([front[2], front[3]]).value is None


@pytest.mark.parametrize("claim", ["CLINICALLY SHOWN WOMEN TO", "INCREASE SKIN ELASTICITY", "IMPROVE SKIN FIRMNESS",
                                   "Reduces fine wrinkles", "Aide à réduire le stress", "Améliore le sommeil"])
def test_a_claim_in_large_type_is_no_product_name(claim: str) -> None:
    """Noisy and tilted, MaryRuth's front lost its name's middle line, and its claims in large type ("CLINICALLY SHOWN
    WOMEN TO" over "INCREASE SKIN ELASTICITY") became the product name. A name names; it makes no claim."""
    assert not name_like(claim)
    assert name_like("Sleep Aid") and name_like("Aide digestive") and name_like("Enhanced Magnesium")


@pytest.mark.parametrize("flavour", ["BLUE RASPBERR", "Vanila Cinnamn", "Framboise bleue", "Menthe poivrée"])
def test_a_flavour_misread_by_a_letter_or_printed_in_french_is_no_product_name(flavour: str) -> None:
    """Poggers' front turned 90 degrees read "BLUE RASPBERR", which became the product name; a word that is a word
    ("GREENS", "Lemons") is not taken for a misread flavour."""
    assert not name_like(flavour, strict=False)
    assert name_like("Performance GREENS", strict=False) and name_like("Sleep Drink Mix")


def test_the_maker_named_as_read_on_the_back_is_no_product_name() -> None:
    """OCR drops letters of "Distributed by JOCKO FUEL": the maker's line still tells the brand."""
    lines = [
        line("JOCKO", 100, 100, 500, 220, "product_name", image="front", rel_height=2.4),
        line("CREATINE", 100, 240, 520, 360, "non_medicinal_ingredient", image="front", rel_height=2.4),
        line("Distibutedby JOCO FUEL LC JAY ME 04239", 100, 100, 400, 120, "other", image="back", rel_height=1.7),
    ]
    assert extract_product_name([lines[0]], lines, None, {"back"}).value == "CREATINE"


def test_a_back_alone_proposes_no_name_from_its_lists() -> None:
    """A product photographed from the back only: the large words of its ingredient list are no name."""
    back = [line("Supplement Facts", 100, 50, 500, 100, "other", image="back", rel_height=2.1),
            line("FD&C yellow no .6 la", 100, 600, 400, 640, "non_medicinal_ingredient", image="back", rel_height=1.7)]
    assert extract_product_name([], back, None, {"back"}).value is None


def test_a_name_wraps_over_one_word_lines_whatever_language_each_word_seems() -> None:
    """"fem" / "dophilus" read as French and "Ultra" as English are one name; the smaller brand above is not in it."""
    lines = [line("Jarrow", 930, 900, 1300, 1000, "other", image="front", rel_height=1.5),
             line("fem", 932, 1066, 1471, 1382, "product_name", image="front", rel_height=2.6),
             line("dophilus", 1021, 1204, 2145, 1608, "product_name", image="front", rel_height=3.3),
             line("Ultra", 1234, 1527, 1796, 1785, "other", image="front", rel_height=2.1)]
    for ln, lang in zip(lines, ("en", "fr", "fr", "en")):
        ln.language = lang
    assert extract_product_name(lines[1:3], lines, None, set()).value == "fem dophilus Ultra"


@pytest.mark.parametrize("height, found", [(0.95, True), (0.88, True), (0.7, False)])
def test_a_name_printed_smaller_than_the_brand_is_found(height: float, found: bool) -> None:
    """NEEDED's front: the brand is the largest line (its mail address on the back says so), the name smaller.
    Also when the name's box measures a little under the photo's usual type (a detector in bfloat16 moves corners
    by a pixel or two: MaryRuth's name line measured 0.915, then 0.899), but not in small print."""
    lines = [line("NEEDED.", 600, 780, 2160, 1300, "non_medicinal_ingredient", image="front", rel_height=1.4),
             line("Collagen Protein", 640, 2820, 1260, 3170, "other", image="front", rel_height=height),
             line("NET WT. 15.0 OZ (450 G)", 640, 3200, 1260, 3300, "product_name", image="front", rel_height=1.0),
             line("1-866-633-3010|hello@thisisneeded.com", 850, 1780, 1660, 1880, "other", image="back", rel_height=1.4)]
    name = extract_product_name([lines[2]], lines, None, {"back"}).value
    assert (name == "Collagen Protein") is found


def _ribbon(text: str, angle: float, image: str = "front") -> SourceLine:
    """A line 300 pixels long and 60 high whose top edge runs ``angle`` degrees from level (negative: rising)."""
    import math

    dx, dy = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    x0, y0 = 400.0, 700.0
    corners = [(x0, y0), (x0 + 300 * dx, y0 + 300 * dy), (x0 + 300 * dx - 60 * dy, y0 + 300 * dy + 60 * dx),
               (x0 - 60 * dy, y0 + 60 * dx)]
    return SourceLine(text, image=image, polygon=[list(c) for c in corners], label="other", confidence=0.85,
                      features={"rel_height": 3.0})


def test_a_byline_set_at_an_angle_is_no_product_name() -> None:
    """ROOT's front prints "BY DR. CRISTINA RAHM" on a ribbon at about 34 degrees, its box larger than the name's.
    Sent at 1600 pixels it read "Y DR CRIS INA RAM" (its "BY" lost), which became the product name. A name runs
    with the label's text; a photo held askew turns all of it alike, and keeps its name."""
    from cyclops.extract.product_name import off_level, text_angles

    lines = [_ribbon("Y DR CRIS INA RAM", -34.0),
             line("S C U L P T™", 452, 863, 682, 912, "other", image="front", rel_height=1.2),
             line("DIETARY SUPPLEMENT", 440, 930, 690, 960, "other", image="front", rel_height=0.9)]
    assert extract_product_name([], lines, None, set()).value == "SCULPT™"
    level = [_ribbon("Y DR CRIS INA RAM", 0.0), *lines[1:]]  # the same line printed level: the largest, so the name
    assert extract_product_name([], level, None, set()).value == "Y DR CRIS INA RAM"
    askew = [_ribbon("SCULPT", -30.0), _ribbon("DIETARY SUPPLEMENT", -31.0), _ribbon("Capsules 60", -29.0)]
    assert text_angles(askew) == {"front": pytest.approx(-30.0)}
    assert not off_level(askew[0], text_angles(askew)["front"])
    assert off_level(_ribbon("BY DR. CRISTINA RAHM", -34.0), 0.0) and not off_level(_ribbon("Sculpt", -15.0), 0.0)
    assert not off_level(_ribbon("Sculpt", 178.0), -178.0)  # angles either side of 180 are 4 degrees apart


def test_a_letter_spaced_name_is_one_word_and_a_line_beside_it_is_not_its_next_line() -> None:
    """Root's "S C U L P T™" is printed letter-spaced; "Mate" ("Made in" misread) on the side panel starts one text
    height right of the name's end and below it: not the name's second line."""
    front = [line("S C U L P T™", 1129, 2158, 1705, 2280, "other", image="front", rel_height=1.4),
             line("DIETARY SUPPLEMENT", 1149, 2340, 1646, 2460, "other", image="front", rel_height=1.4),
             line("Mate", 1747, 2400, 1894, 2518, "non_medicinal_ingredient", image="front", rel_height=1.3)]
    found = extract_product_name([], front, None, set())
    assert found.value == "SCULPT™" and found.evidence[0].text == "S C U L P T™"  # the text as read stays the evidence


def test_a_logo_read_as_letters_is_no_name() -> None:
    lines = [line("R0°", 1320, 1680, 1660, 1940, "product_name", image="front", rel_height=2.4),
             line("OT", 1330, 1890, 1630, 2130, "product_name", image="front", rel_height=2.2),
             line("VENTURES", 1650, 2010, 1800, 2190, "other", image="front", rel_height=1.6)]
    assert extract_product_name(lines[:2], lines, None, set()).value is None


def test_the_trusted_licence_name_finds_its_lines_on_the_label() -> None:
    """A name wrapped over four lines is read whole once the licence says what to look for; the English
    name is kept over the French one printed below it; a label printing another name keeps its own."""
    front = [line("Pacific Fern", 100, 100, 600, 150, "product_name", image="front"),
             line("Glucosamine Chondroitin", 100, 160, 600, 210, "product_name", image="front"),
             line("MSM", 100, 220, 600, 270, "product_name", image="front"),
             line("Once Daily", 100, 280, 600, 330, "other", image="front"),
             line("Pacific Fern Glucosamine Chondroïtine MSM Une fois par jour", 100, 340, 600, 390, "product_name",
                  image="front"),
             line("Take 1 tablet daily with food.", 100, 700, 600, 730, "dose", image="front")]
    found = extract_product_name(front[:3], front, None, set())
    assert found.value == "Pacific Fern Glucosamine Chondroitin MSM"
    names = ["Pacific Fern Glucosamine Chondroitin MSM Once Daily", "Pacific Fern Glucosamine Chondroïtine MSM Une fois par jour"]
    licensed = name_as_licensed(front, names, found)
    assert licensed.value == "Pacific Fern Glucosamine Chondroitin MSM Once Daily"
    assert [e.text for e in licensed.evidence] == ["Pacific Fern", "Glucosamine Chondroitin", "MSM", "Once Daily"]
    other = FieldValue(value="Bay Leaf Joint Formula")
    assert name_as_licensed([line("Bay Leaf Joint Formula", 100, 100, 600, 150, image="front")], names, other) is other


def test_a_bilingual_front_gives_the_licence_s_english_name_and_a_french_only_label_its_french_one() -> None:
    names = ["Boreal Selenium Extra Strength", "Boreal Sélénium Extra-fort"]
    front = [line("Boreal", 100, 60, 400, 100, "brand", image="front"),
             line("Boreal Selenium Extra Strength", 100, 120, 700, 170, "product_name", image="front"),
             line("Boreal Sélénium Extra-fort", 100, 400, 700, 450, "product_name", image="front")]
    french = FieldValue(value="Boreal Sélénium Extra-fort", evidence=[front[2].evidence])
    assert name_as_licensed(front, names, french).value == "Boreal Selenium Extra Strength"
    only_french = [front[0], front[2]]
    kept = name_as_licensed(only_french, names, french)
    assert kept.value == "Boreal Sélénium Extra-fort"
    blurred = FieldValue(value="Boreal Selenum Extra-frt")  # the French name read badly: the lines that print it
    assert name_as_licensed(only_french, names, blurred).value == "Boreal Sélénium Extra-fort"


def test_a_lone_coined_word_is_the_brand_s_mark_not_the_name() -> None:
    """POGGERS over "SLEEPDRINK MIX"; BetterAlt over "Himalayan Shilajit / Honey Sticks", with a small
    selling point ("Fulvic") filed as the name; a coined word inside a name ("fem dophilus") stays."""
    poggers = [line("POGGERS", 778, 2227, 1783, 2569, "product_name", image="front", rel_height=2.7),
               line("SLEEPDRINK MIX", 1012, 2469, 1574, 2610, "other", image="front", rel_height=1.1),
               line("BLUE RASPBERRY", 900, 2700, 1700, 2800, "other", image="front", rel_height=1.7)]
    assert extract_product_name(poggers[:1], poggers, None, set()).value == "SLEEPDRINK MIX"
    betteralt = [line("BetterAlt", 600, 500, 1400, 700, "non_medicinal_ingredient", image="front", rel_height=1.9),
                 line("Himalayan Shilajit", 600, 720, 1400, 840, "recommended_use", image="front", rel_height=1.2),
                 line("Honey Sticks", 600, 850, 1400, 980, "other", image="front", rel_height=1.26),
                 line("Fulvic", 600, 1500, 900, 1580, "product_name", image="front", rel_height=0.8)]
    assert extract_product_name(betteralt[3:], betteralt, None, set()).value == "Himalayan Shilajit Honey Sticks"
    alone = [line("CYMBIOTIKA", 100, 100, 600, 200, "product_name", image="front", rel_height=1.7)]
    assert extract_product_name(alone, alone, None, set()).value == "CYMBIOTIKA"  # nothing else: the mark is proposed


@pytest.mark.parametrize("text, size", [("GMO", 0.7), ("GMP", 1.2), ("CERT", 1.0), ("IU D3", 1.0), ("FOR", 2.1), ("ON", 1.1),
                                        ("DAY", 1.0), ("RAHM", 0.5), ("Nat", 0.3), ("SOY", 0.84), ("DAIRY", 1.0),
                                        ("OU ...... R PROT", 1.8)])
def test_seals_units_everyday_words_and_fine_print_are_no_brand(text: str, size: float) -> None:
    """What real photos filed as the brand: seals, units, everyday words, debris in fine print, the allergens of a
    "free from" badge, a table row with its dotted leader."""
    lines = [line(text, 100, 100, 300, 140, "brand", image="front", rel_height=size)]
    assert extract_brand(lines).value is None


def test_a_brand_printed_as_large_as_the_text_is_kept() -> None:
    assert extract_brand([line("SNAP", 100, 100, 300, 140, "brand", image="front", rel_height=0.8)]).value == "SNAP"
    assert extract_brand(["Rideau"]).value == "Rideau"  # text alone (no layout): plausibility only


def test_the_mark_the_name_rule_sets_aside_is_the_brand() -> None:
    """POGGERS (a lone coined word over the name) is the brand when nothing filed as one reads as one; the
    maker's web line and a word of the name are not."""
    lines = [line("POGGERS", 778, 2227, 1783, 2569, "product_name", image="front", rel_height=2.7),
             line("SLEEPDRINK MIX", 1012, 2469, 1574, 2610, "other", image="front", rel_height=1.1),
             line("GMO", 100, 3000, 200, 3040, "brand", image="front", rel_height=0.6),
             line("www.poggers.com", 100, 3100, 600, 3200, "other", image="front", rel_height=1.5)]
    fields = fields_from_lines(lines)
    assert fields.product_name.value == "SLEEPDRINK MIX"
    assert fields.brand.value == "POGGERS"
    web = [line("SLEEPDRINK MIX", 1012, 2469, 1574, 2610, "product_name", image="front", rel_height=1.1),
           line("www.poggers.com", 100, 3100, 600, 3200, "other", image="front", rel_height=1.5)]
    assert fields_from_lines(web).brand.value is None


@pytest.mark.parametrize("mark, box, brand", [
    ("POGGERS", (778, 2227, 1783, 2569), "POGGERS"),  # letters 0.42 as wide as tall: faces the camera
    ("MENTALDRIVE", (931, 2709, 1702, 2976), "MENTALDRIVE"),  # a condensed face, 0.26
    ("Suggesal", (1824, 1437, 1962, 1538), None),  # 0.17: "Suggested" running round a bottle's edge
    ("rtuming.*", (903, 1604, 1031, 1667), None),  # a starred claim's tail ("returning.*")
])
def test_a_mark_squeezed_by_the_bottle_s_curve_or_ending_a_claim_is_no_brand(mark: str, box: tuple, brand: str | None) -> None:
    """Real boxes (Root Sculpt's front, whose side panel curves away; POGGERS' and Natural Stacks' fronts)."""
    lines = [line(mark, *box, "other", image="front", rel_height=2.0),
             line("Sculpt", 900, 2900, 1500, 3100, "product_name", image="front", rel_height=2.5)]
    assert fields_from_lines(lines).brand.value == brand


def test_a_qualifier_printed_above_the_name_in_smaller_type_is_part_of_it() -> None:
    """"MULTI-ACTION" over "GUT REPAIR", "LIPOSOMAL" over "Glutathione" (boxes as read on the real fronts); a brand's
    coined words above the name, a selling point below it and a line beside it are not."""
    gut = [line("MULTI-ACTION", 769, 1882, 1502, 2043, "other", image="front", rel_height=1.0),
           line("GUT REPAIR", 325, 2014, 1950, 2344, "product_name", image="front", rel_height=2.1)]
    assert extract_product_name(gut[1:], gut, None, set()).value == "MULTI-ACTION GUT REPAIR"
    lipo = [line("LIPOSOMAL", 1359, 1571, 1764, 1654, "other", image="front", rel_height=0.9),
            line("Glutathione", 1175, 1624, 1949, 1797, "recommended_use", image="front", rel_height=1.9)]
    assert extract_product_name([], lipo, None, set()).value == "LIPOSOMAL Glutathione"
    vita = [line("Vita PLynxera", 1201, 1033, 1726, 1142, "other", image="front", rel_height=1.2),
            line("Myo & D-Chiro Inositol", 1100, 1160, 1800, 1300, "other", image="front", rel_height=1.5)]
    assert extract_product_name([], vita, None, set()).value == "Myo & D-Chiro Inositol"  # a hyphenated compound is a word
    below = [line("Himalayan Shilajit", 699, 1300, 1854, 1454, "product_name", image="front", rel_height=1.2),
             line("Fulvic", 946, 1460, 1210, 1540, "other", image="front", rel_height=0.8)]
    assert extract_product_name(below[:1], below, None, set()).value == "Himalayan Shilajit"
    beside = [line("Natural Energy", 1790, 2034, 2300, 2118, "other", image="front", rel_height=1.0),
              line("SCULPT", 1129, 2158, 1705, 2280, "product_name", image="front", rel_height=1.4)]
    assert extract_product_name(beside[1:], beside, None, set()).value == "SCULPT"


def test_a_stylised_name_keeps_its_small_qualifier_and_joined_line_but_not_the_logo_above() -> None:
    """Frog Fuel's front (boxes as read): "PERFORMANCE" in small type over a huge "GREENS" whose loose box reaches
    over it, "+PROTEIN" under it; the "FROG FUEL" logo above is cut off from the name by "PERFORMANCE"."""
    frog = [line("FR O G", 715, 1170, 1825, 1451, "medicinal_ingredient", image="front", rel_height=3.3),
            line("FIEL", 715, 1357, 1748, 1684, "medicinal_ingredient", image="front", confidence=0.83, rel_height=3.8),
            line("GREENS", 812, 1982, 1736, 2489, "non_medicinal_ingredient", image="front", rel_height=6.0),
            line("PERFORMANCE", 886, 1954, 1662, 2062, "other", image="front", rel_height=1.3),
            line("+PROT EIN", 848, 2404, 1683, 2542, "other", image="front", rel_height=1.7)]
    assert extract_product_name([], frog, None, set()).value == "PERFORMANCE GREENS +PROT EIN"


def test_a_name_ends_in_the_form_printed_under_it_but_not_in_the_strength() -> None:
    """Vita PLynxera's front (boxes as read): "Liquid Drops 2000 mg" under the name is its form, then its
    strength; a count ("60 Capsules") or another word before the form ("Ashwagandha Capsules 600 mg") is not."""
    def front(under: str) -> list[SourceLine]:
        return [line("Vita PLynxera", 1201, 1033, 1726, 1142, image="front", rel_height=1.0),
                line("Myo & D-Chiro Inositol", 1082, 1179, 1875, 1321, "product_name", image="front", rel_height=1.3),
                line(under, 1129, 1312, 1811, 1412, image="front", rel_height=0.9),
                line("40:1Ratio Advanced Formula Max Strengthen", 1073, 1420, 1854, 1513, image="front", rel_height=0.8)]
    drops = front("Liquid Drops 2000 mg")
    assert extract_product_name(drops[1:2], drops, "Vita PLynxera", set()).value == "Myo & D-Chiro Inositol Liquid Drops"
    french = front("Capsules végétales 500 mg")
    assert extract_product_name(french[1:2], french, None, set()).value == "Myo & D-Chiro Inositol Capsules végétales"
    for under in ("60 Capsules", "Ashwagandha Capsules 600 mg", "Liquid Drops", "Liquid Drops 60 mL"):
        lines = front(under)
        assert extract_product_name(lines[1:2], lines, None, set()).value == "Myo & D-Chiro Inositol", under
    # blurred, the form's line was filed as the name too, and is part of the name's run: its strength still is not
    filed = front("Liquid Drops 2000 mg")
    assert extract_product_name(filed[1:3], filed, None, set()).value == "Myo & D-Chiro Inositol Liquid Drops"


def test_a_coined_line_centred_over_the_name_is_the_brand() -> None:
    """Vita PLynxera's front (boxes as read): the brand over the name in smaller type, filed as nothing; a
    qualifier made of words ("LIPOSOMAL" over "Glutathione") is no brand, nor a coined line off to the side."""
    def front(over: str, left: float = 1201) -> list[SourceLine]:
        return [line(over, left, 1033, left + 525, 1142, image="front", rel_height=1.0),
                line("Myo & D-Chiro Inositol", 1082, 1179, 1875, 1321, "product_name", image="front", rel_height=1.3)]
    vita = front("Vita PLynxera")
    name = extract_product_name(vita[1:], vita, None, set())
    assert name.value == "Myo & D-Chiro Inositol"
    assert brand_over_name(vita, name).value == "Vita PLynxera"
    assert fields_from_lines(vita).brand.value == "Vita PLynxera"
    for over, left in (("LIPOSOMAL", 1201), ("Vita PLynxera", 2200)):
        lines = front(over, left)
        assert brand_over_name(lines, extract_product_name(lines[1:], lines, None, set())).value is None, over


def test_a_line_cut_off_before_what_it_introduces_ends_no_name() -> None:
    """MaryRuth's front, photographed from below: the slogan "CLINICALLY SHOWN WOMEN TO", filed as the name, beat
    the name; Natural Stacks' blurred "Morning Support For" (its colon lost) ran on from the name; a dotted
    leader's row is a table's, never a name. "Vitamin A" ends in a vitamin's letter, not an article."""
    mary = [line("Liquid Nighttime", 666, 1685, 1759, 1920, image="front", rel_height=0.92),
            line("ULTIMINERAL", 818, 1846, 1769, 2150, "product_name", image="front", rel_height=1.3),
            line("+Skin Renew", 695, 2130, 1764, 2395, image="front", rel_height=1.0),
            line("CLINICALLY SHOWN WOMEN TO", 591, 2800, 1881, 3100, "product_name", image="front", rel_height=1.5)]
    assert extract_product_name([mary[1], mary[3]], mary, None, set()).value == "Liquid Nighttime ULTIMINERAL +Skin Renew"
    stacks = [line("DOPAMINE BRAIN FOOD", 600, 1000, 1400, 1120, "product_name", image="front", rel_height=1.2),
              line("Morning Support For", 650, 1130, 1350, 1240, "product_name", image="front", rel_height=1.1)]
    assert extract_product_name(stacks, stacks, None, set()).value == "DOPAMINE BRAIN FOOD"
    assert not name_like("DOPAMINE ...... BRAIN FOOD", strict=False)
    vitamin = [line("Vitamin A", 600, 1000, 1400, 1120, "product_name", image="front", rel_height=1.2)]
    assert extract_product_name(vitamin, vitamin, None, set()).value == "Vitamin A"


def test_a_brand_over_the_name_that_joined_its_run_is_set_apart() -> None:
    """Vita PLynxera's front, tilted 4 degrees: the brand over the name joined the name's run; a qualifier of words
    ("MULTI-ACTION") and a short first word ("fem" over "dophilus") stay the name's."""
    vita = [line("Vita PLynxera", 1201, 1033, 1726, 1142, "product_name", image="front", rel_height=1.0),
            line("Myo & D-Chiro Inositol", 1082, 1150, 1875, 1292, "product_name", image="front", rel_height=1.3)]
    assert extract_product_name(vita, vita, None, set()).value == "Myo & D-Chiro Inositol"
    assert fields_from_lines(vita).brand.value == "Vita PLynxera"
    gut = [line("MULTI-ACTION", 900, 1000, 1500, 1160, "product_name", image="front", rel_height=1.0),
           line("GUT REPAIR", 800, 1170, 1600, 1500, "product_name", image="front", rel_height=2.0)]
    assert extract_product_name(gut, gut, None, set()).value == "MULTI-ACTION GUT REPAIR"
    jarrow = [line("fem", 900, 1000, 1200, 1316, "product_name", image="front", rel_height=1.6),
              line("dophilus", 800, 1320, 1600, 1724, "product_name", image="front", rel_height=2.1),
              line("Ultra", 900, 1730, 1300, 1988, "product_name", image="front", rel_height=1.3)]
    assert extract_product_name(jarrow, jarrow, None, set()).value == "fem dophilus Ultra"


def test_a_garbled_dietary_supplement_is_no_name() -> None:
    """MaryRuth's front, blurred a little: "Dietary Supplement" read "Dietary Supent" in large type became the name."""
    front = [line("Liquid Nighttime", 666, 1685, 1759, 1920, image="front", rel_height=0.92),
             line("ULTIMINERAL", 818, 1846, 1769, 2150, "product_name", image="front", rel_height=1.3),
             line("+Skin Renew", 695, 2130, 1764, 2395, image="front", rel_height=1.0),
             line("Dietary Supent", 780, 3196, 1790, 3616, "non_medicinal_ingredient", image="front", rel_height=1.6)]
    assert extract_product_name(front[1:2], front, None, set()).value == "Liquid Nighttime ULTIMINERAL +Skin Renew"
    assert not name_like("Dictary Suppleme nt") and not name_like("Supplement Fact5")
    assert name_like("Sleep Supplement") and name_like("Nutrition Booster")


def test_a_logo_s_letters_read_apart_do_not_start_the_name() -> None:
    """ROOT's front, blurred a little: the logo read "R0°" and "OT", filed as the name over "ZERO-IN"."""
    front = [line("R0°", 1322, 1681, 1665, 1944, "product_name", image="front", confidence=0.90, rel_height=2.0),
             line("OT", 1334, 1888, 1628, 2133, "product_name", image="front", rel_height=1.9),
             line("ZERO-IN", 1180, 2325, 1811, 2562, "product_name", image="front", rel_height=1.8)]
    assert extract_product_name(front, front, None, set()).value == "ZERO-IN"
    vitamins = [line("Vitamins", 561, 2011, 1672, 2314, "product_name", image="front", rel_height=2.3),
                line("D3 & K2", 581, 2264, 1609, 2594, "product_name", image="front", confidence=0.90, rel_height=2.5)]
    assert extract_product_name(vitamins, vitamins, None, set()).value == "Vitamins D3 & K2"


def test_claims_under_a_slogan_are_not_the_name_s_next_lines() -> None:
    """MaryRuth's curved front: a list of claims in type as large as the name follows it, but the slogan printed
    between them ("CONTAINS SEPITONE, CLINICALLY SHOWN IN WOMEN TO") ends the name."""
    mary = [line("Liquid Nighttime", 666, 1685, 1759, 1920, image="front", rel_height=0.92),
            line("LTIMINERAL", 869, 1846, 1769, 2145, "non_medicinal_ingredient", image="front", rel_height=1.32),
            line("+Skin Renew", 699, 2134, 1764, 2396, image="front", rel_height=1.0),
            line("CLINICALLY SHOWN WOMEN TO", 591, 2395, 1881, 2718, image="front", confidence=0.93, rel_height=1.13),
            line("CONTAINS SEPITONE~,", 776, 2342, 1730, 2566, image="front", rel_height=0.79),
            line("VIMPROVIE SKIN FIRMNESS& TEXTURE", 650, 2611, 1826, 2931, "non_medicinal_ingredient", image="front",
                 confidence=0.92, rel_height=1.09),
            line("VINCREASE SKIN ELASTICITY", 759, 2549, 1718, 2809, "non_medicinal_ingredient", image="front",
                 rel_height=0.88)]
    assert extract_product_name([], mary, None, set()).value == "Liquid Nighttime LTIMINERAL +Skin Renew"


def test_a_large_name_wraps_onto_a_line_a_little_smaller() -> None:
    """BetterAlt's "Himalayan Shilajit" is printed a shade smaller than "Honey Sticks" under it: one name, whichever
    side of the large-type threshold each falls; a subtitle in clearly smaller type under a name is not part of it."""
    honey = [line("Himalayan Shilajit", 699, 1300, 1854, 1454, "recommended_use", image="front", rel_height=1.29),
             line("Honey Sticks", 822, 1441, 1713, 1604, "other", image="front", rel_height=1.33)]
    assert extract_product_name([], honey, None, set()).value == "Himalayan Shilajit Honey Sticks"
    snap = [line("Prostate", 1074, 1608, 1975, 1904, image="front", rel_height=1.73),
            line("Health", 1126, 1809, 1892, 2099, image="front", rel_height=1.82),
            line("+ Mushroom Blend + Saw Palmetto", 1046, 2039, 1980, 2236, image="front", rel_height=1.0)]
    assert extract_product_name([], snap, None, set()).value == "Prostate Health"


def test_a_name_s_lines_are_one_language_by_their_own_words_not_their_block_s() -> None:
    """A bilingual front: the English name's first line tells no language (brand and ingredient words) though its
    block reads French; it goes on with "Once Daily", and the French name under it is another candidate."""
    front = [line("Pacific Fern Glucosamine Chondroitin MSM", 93, 250, 1399, 323, "product_name", image="front", rel_height=1.27),
             line("Once Daily", 91, 334, 441, 428, "product_name", image="front", rel_height=1.5),
             line("Pacific Fern Glucosamine Chondroïtine MSM Une fois par jour", 93, 414, 1164, 500, "product_name",
                  image="front", rel_height=0.94)]
    for ln, language in zip(front, ("fr", "en", "en")):
        ln.language = language  # as the page's blocks set them
    assert extract_product_name(front, front, None, set()).value == "Pacific Fern Glucosamine Chondroitin MSM Once Daily"


def test_a_mark_under_the_name_and_a_continuation_above_it_are_left_out() -> None:
    stacks = [line("DOPAMINE", 500, 1000, 1200, 1100, "product_name", image="front", rel_height=1.2),
              line("BRAIN FOOD", 500, 1110, 1200, 1220, "product_name", image="front", rel_height=1.3),
              line("MENTALDRIVE", 500, 1230, 1200, 1330, "product_name", image="front", rel_height=1.2)]
    assert extract_product_name(stacks, stacks, None, set()).value == "DOPAMINE BRAIN FOOD"
    root = [line("WITH DRC", 1175, 2200, 1812, 2300, "product_name", image="front", rel_height=1.2),
            line("ZERO-IN", 1175, 2320, 1812, 2568, "product_name", image="front", rel_height=2.25)]
    assert extract_product_name(root, root, None, set()).value == "ZERO-IN"
    wrapped = [line("Vitamin C", 500, 1000, 1200, 1100, "product_name", image="front", rel_height=2.0),
               line("with D3 Adult", 500, 1110, 1200, 1200, "product_name", image="front", rel_height=1.6)]
    assert extract_product_name(wrapped, wrapped, None, set()).value == "Vitamin C with D3 Adult"


def test_a_licensed_name_may_carry_its_brand_and_strength() -> None:
    lines = [line("Laurentia Vitamin D3 25 μg", 100, 100, 600, 160, "product_name", rel_height=1.7),
             line("Laurentian", 100, 40, 300, 90, "brand", rel_height=1.4),
             line("Laurentian Health Products Inc.", 100, 700, 400, 720, "company", rel_height=1.0)]
    assert extract_product_name([lines[0]], lines, "Laurentian", set()).value == "Laurentia Vitamin D3 25 μg"


def test_a_wrapped_sentence_takes_the_label_of_its_start() -> None:
    """Vita PLynxera's facts panel footnote: its second line was filed as a recommended use."""
    lines = [line("a serving of food contributes to a daily diet. 2,000 calories a day", 1003, 2037, 1900, 2080, "caution"),
             line("is used for generalnutrition advice.", 998, 2087, 1700, 2130, "recommended_use"),
             line("Helps support calcium absorption.", 998, 2300, 1700, 2340, "recommended_use"),  # a sentence of its own
             line("and utilization.", 998, 2350, 1400, 2390, "caution")]  # carries on the use above
    labelled = label_wrapped_sentences(lines)
    assert [item.label for item in labelled] == ["caution", "caution", "recommended_use", "caution"]
    lines[2].text = "Helps support calcium absorption"  # unfinished: its tail follows it
    assert label_wrapped_sentences(lines)[3].label == "recommended_use"


def test_debris_between_repeated_small_words_is_no_statement() -> None:
    assert not is_statement("atebo dy in en the ton n inult-fa ceted in the leget in g the")
    assert is_statement("Take one capsule with the evening meal and the morning meal.")


@pytest.mark.parametrize(("text", "claim"), [
    ("Helps to maintain healthy bones.", True),
    ("Aide à maintenir la santé des os.", True),
    ("Product of Canada", False),
    ("Made in USA with globally sourced ingredients", False),
    ("us.mybrainco.com", False),
    ("Oral / Orale", False),
    ("Store below 25 °C in a dry place.", False),
    ("Supplement Facts", False),
    ("These statements have not been evaluated by the Food and Drug Administration.", False),
    ("123 Main Street, Toronto, ON M5V 1A1", False),
])
def test_recommended_uses_are_claims_only(text: str, claim: bool) -> None:
    assert is_claim(text) is claim


def test_recommended_uses_field_drops_what_is_no_claim() -> None:
    lines = [SourceLine("Product of Canada", label="recommended_use", language="en"),
             SourceLine("Helps to support joint health.", label="recommended_use", language="en")]
    assert [u.text for u in fields_from_lines(lines).recommended_uses] == ["Helps to support joint health."]


@pytest.mark.parametrize("text", ["C", "Exp:07/2026", "R/2/11522/6013", "5g", "Corporation", "OT"])
def test_company_debris_is_withheld_and_marked_for_review(text: str) -> None:
    fv = extract_company([line(text, 100, 100, 300, 130, "company", confidence=0.9)])
    assert fv.value is None and fv.needs_review and fv.as_read == text and fv.evidence


@pytest.mark.parametrize("text", ["MADU.S.A.", "Made in U.S.A."])
def test_a_country_is_no_company_s_legal_form(text: str) -> None:
    """"U.S.A." ends with the letters of "S.A." (société anonyme), which is no reason to take it for a company."""
    fv = extract_company([line(text, 100, 100, 300, 130, "company", confidence=0.9)])
    assert fv.value is None and fv.needs_review and fv.as_read == text
    assert extract_company([line("Nestlé S.A.", 100, 100, 300, 130, "company", confidence=0.9)]).value == "Nestlé S.A."


def test_a_company_boxed_apart_from_its_legal_form_is_joined_on_its_row() -> None:
    """Frog Fuel's back prints "OP2 LABS", which the detector boxed as "OP2" and "LABS" (wider spaced than one box's
    words): the form alone is no name, the piece just left of it on its row is its name."""
    op2, labs = line("OP2", 649, 3612, 708, 3638, "company", confidence=1.0), line("LABS", 718, 3612, 792, 3640, "company", confidence=1.0)
    fv = extract_company([labs, op2])
    assert fv.value == "OP2 LABS" and {e.text for e in fv.evidence} >= {"OP2", "LABS"}
    # a piece on another row, or far to the left, is not its name: the form alone stays withheld
    for other in (line("OP2", 649, 3700, 708, 3726, "company", confidence=1.0), line("OP2", 400, 3612, 459, 3638, "company", confidence=1.0)):
        fv = extract_company([labs, other])
        assert fv.value is None and fv.needs_review


def test_company_low_confidence_is_withheld() -> None:
    fv = extract_company([line("Northleaf Naturals Inc.", 100, 100, 300, 130, "company", confidence=0.34)])
    assert fv.value is None and fv.needs_review


def test_a_real_company_is_proposed() -> None:
    fv = extract_company([line("Distributed by: Northleaf Naturals Inc.", 100, 100, 400, 130, "company"),
                          line("123 Main St., Toronto, ON M5V 1A1", 100, 135, 400, 160, "company")])
    assert fv.value == "Northleaf Naturals Inc." and not fv.needs_review


@pytest.mark.parametrize("text, company", [
    ("Distributed by NeuroGum, Inc. Las Vegas, NV 89103", "NeuroGum, Inc."),  # no colon after the lead
    ("Diatributed by Snap Supplementse", "Snap Supplementse"),  # the lead's first word misread; the name as read
    ("Distribué par Santé Boréale Ltée", "Santé Boréale Ltée"),
    ("Manufactured for: Root Wellness, LLC Franklin, TN, USA", "Root Wellness, LLC"),
    (":NS 360,Inc, 4241 2h Ave W Seatte A 989", "NS 360,Inc"),  # a short name: its legal form and address say it is one
])
def test_a_company_line_filed_elsewhere_is_found_by_its_lead(text: str, company: str) -> None:
    """Labels print "Distributed by X" with no colon, and OCR slips a letter in it: the line still says who makes
    the product, whatever the classifier filed it as."""
    found = company_elsewhere([line(text, 100, 100, 500, 130, "other")])
    assert found is not None and found.value == company


@pytest.mark.parametrize("text", ["Made by hand in small batches", "Distributor of fine teas", "Take 1 capsule daily",
                                  "C Inc., 12 Main Street", "NS 360, Inc"])  # a letter of debris; no address to vouch
def test_no_company_lead_no_company(text: str) -> None:
    assert company_elsewhere([line(text, 100, 100, 500, 130, "other")]) is None


def test_a_us_state_and_zip_is_an_address_not_a_claim() -> None:
    assert not is_claim("Las Vegas, NV 89103")
    assert is_claim("Helps to support immune function.")


# --- cautions and directions -------------------------------------------------------------------------------


@pytest.mark.parametrize("text, caution", [
    ("Keep out of reach of children.", True),
    ("For adults only.", True),
    ("Refrigerate after opening.", True),
    ("Manufactured in a facility that also processes milk, soy and peanuts.", True),
    ("Some individuals may experience mild digestive discomfort.", True),
    ("Ne pas utiliser si vous êtes enceinte ou allaitez.", True),
    ("Une hypersensibilité, comme une allergie, peut se manifester; si tel est le cas, cessez l'utilisation.", True),
    ("Stop settling.", False),  # marketing copy
    ("Produced using natural, certified organic and proprietary ingredients.", False),
    ("This product is not intended to diagnose, treat, cure, or prevent any disease.", False),
    ("These statements have not been evaluated by the Food and Drug Administration.", False),
    ("For all enquiries email: support@example.com", False),
])
def test_cautions_are_warnings_storage_and_allergens_only(text: str, caution: bool) -> None:
    assert is_caution(text) is caution


def test_a_direction_filed_among_the_cautions_moves_to_the_directions() -> None:
    lines = [line("Combine 1 scoop with 10-12 ounces of water.", 100, 100, 500, 120, "caution"),
             line("Start thriving.", 100, 400, 300, 420, "caution"),
             line("Keep out of reach of children.", 100, 700, 500, 720, "caution")]
    for source in lines:
        source.language = "en"
    fields = fields_from_lines(lines)
    assert [c.text for c in fields.cautions] == ["Keep out of reach of children."]
    assert [d.text for d in fields.directions] == ["Combine 1 scoop with 10-12 ounces of water."]
    assert not moved_direction("Take at least 2 hours before or after other medications.")  # a caution that says "take"


@pytest.mark.parametrize("text, label, said", [
    ("Suggested Use: Take one (1) capsule daily.", "other", "dose"),  # a US label's directions
    ("Suggested Use: Take one (1) capsule daily.", "caution", "dose"),
    ("Allergen Warning: Made on shared equipment with milk.", "recommended_use", "caution"),
    ("Recommended use: Helps to support joint health.", "caution", "recommended_use"),
    ("Directions:", "other", None),  # a heading alone keeps its label
    ("Directions: Take 1 capsule daily.", "medicinal_ingredient", None),  # not a statement label
    ("Take one capsule daily.", "other", None),
])
def test_a_heading_that_opens_a_line_says_its_section(text: str, label: str, said: str | None) -> None:
    assert section_said(text, label) == said


@pytest.mark.parametrize("text, heading", [
    ("gsted Use: Take one capsule morning and evening ach dy", ("dose", 10)),  # Root Sculpt's back, "Sug" cut off
    ("ections: Take 2 capsules daily.", ("dose", 8)),
    ("autions: Consult a doctor if pregnant.", ("caution", 8)),
    ("stribued by: ACME Inc.", ("company", 12)),
    ("sage: 10 mg", None),  # a herb: a word of its own
    ("nesium: 100 mg", None),  # the tail of no heading
    ("arnings Do not use", None),  # a cut heading needs its colon
    ("gsted", None),
])
def test_a_heading_cut_short_at_the_photos_edge_is_still_one(text: str, heading: tuple[str, int] | None) -> None:
    """A curved label's line loses its first letters at the photo's edge, its heading with them; restored, the rest
    reads as a heading of the list, and the line's section follows."""
    from cyclops.extract.headings import find_heading, match_heading

    assert find_heading(text) == heading
    assert match_heading(text) is None  # the classifier's features keep the headings it was trained on
    if heading is not None and heading[0] == "dose":
        assert section_said(text, "other") == "dose"


def test_a_capitals_heading_runs_into_its_text_and_carries_its_sentence() -> None:
    """"DIRECTIONS FOR USE Before breakfast or after" / "dinner, blend 1 scoop..." filed as cautions on a real tub:
    the heading in capitals has no colon, and the sentence it opens carries on the next line."""
    lines = [line("DIRECTIONS FOR USE Before breakfast or after", 100, 100, 500, 120, "caution"),
             line("dinner, blend 1 scoop (10 g) into 200 mL of water.", 100, 125, 500, 145, "caution"),
             line("Keep out of reach of children.", 100, 150, 500, 170, "caution")]
    assert [source.label for source in label_by_headings(lines)] == ["dose", "dose", "caution"]
    assert section_said("DOSE ITIS ADVISABLE TO CONSULT", "caution") is None  # capitals all along: no heading


def test_starred_claims_on_a_front_are_recommended_uses_one_each() -> None:
    """A US front lists its claims as starred phrases ("Cycle Regulation*"), which the classifier filed as nothing;
    on a photo with a facts panel the asterisk marks an ingredient instead."""
    front = [line("Cycle Regulation*", 100, 100, 300, 120, image="front"),
             line("Support Ovarian*", 100, 125, 300, 145, image="front"),
             line("Honey*", 100, 150, 200, 170, image="front"),  # one word: an ingredient's mark
             line("Ashwagandha Root Extract*", 100, 100, 400, 120, image="back")]
    labels = [source.label for source in label_front_claims(front, {"back"})]
    assert labels == ["recommended_use", "recommended_use", "other", "other"]
    for source in front:
        source.language = "en"
    uses = fields_from_lines([source for source in front if source.label == "recommended_use"]).recommended_uses
    assert [use.text for use in uses] == ["Cycle Regulation*", "Support Ovarian*"]


def test_claims_led_by_their_verb_on_a_front_are_recommended_uses() -> None:
    """MaryRuth's front lists "✓ INCREASE SKIN ELASTICITY", "✓ REDUCE FINE WRINKLES", OCR reading each check mark as
    a "V" joined to the verb, and the classifier filed them as non-medicinal ingredients."""
    front = [line("VINCREASE SKIN ELASTICITY", 100, 100, 300, 120, "non_medicinal_ingredient", image="front"),
             line("✓ Supports Healthy Prostate", 100, 125, 300, 145, image="front"),
             line("Aide à maintenir la santé des os", 100, 150, 400, 170, image="front"),
             line("Reduce the dose if drowsy", 100, 175, 400, 195, "caution", image="front"),  # it warns
             line("Supports:", 100, 200, 200, 220, image="front"),  # a heading, one word
             line("Vitamin C Tablets", 100, 225, 300, 245, image="front"),  # "V" starts a word, no verb follows
             line("Supports 500 mg", 100, 250, 300, 270, image="front"),  # a figure
             line("Increase Magnesium Citrate", 100, 100, 400, 120, image="back")]  # on the facts panel's photo
    labels = [source.label for source in label_front_claims(front, {"back"})]
    assert labels == ["recommended_use"] * 3 + ["caution", "other", "other", "other", "other"]


def test_claims_one_to_a_line_are_one_use_each() -> None:
    """MaryRuth's front prints "✓ INCREASE SKIN ELASTICITY" over "✓ REDUCE FINE WRINKLES" with no full stop: two
    claims, not one; a line that ends mid-phrase ("HELPS MAINTAIN AND", "Helps") carries on below."""
    def uses(*texts: str) -> list[str]:
        front = [line(text, 100, 100 + 25 * k, 400, 120 + 25 * k, "recommended_use", image="front")
                 for k, text in enumerate(texts)]
        for source in front:
            source.language = "en"
        return [use.text for use in fields_from_lines(front).recommended_uses]

    assert uses("INCREASE SKIN ELASTICITY", "REDUCE FINE WRINKLES") == ["INCREASE SKIN ELASTICITY", "REDUCE FINE WRINKLES"]
    assert uses("Supports Healthy Prostate", "Supports Bladder Function") == ["Supports Healthy Prostate",
                                                                             "Supports Bladder Function"]
    assert uses("HELPS MAINTAIN AND", "SUPPORT HEALTHY BONES") == ["HELPS MAINTAIN AND SUPPORT HEALTHY BONES"]
    assert uses("Helps", "Support healthy bones.") == ["Helps Support healthy bones."]
    assert uses("Helps to maintain healthy", "bones and teeth.") == ["Helps to maintain healthy bones and teeth."]


def test_a_claim_whose_verb_ocr_slipped_on_is_a_use_once_repaired() -> None:
    """MaryRuth's front: "✓ IMPROVE SKIN FIRMNESS & TEXTURE" read as "VIMPROVIE ...", filed as a non-medicinal
    ingredient; spelling repair makes it "IMPROVE ...", and the front-claims rule then sees its verb."""
    from cyclops.extract import repair_spelling

    front = [line("VIMPROVIE SKIN FIRMNESS & TEXTURE", 100, 100, 400, 120, "non_medicinal_ingredient", image="front"),
             line("Take 1 capsule", 100, 100, 400, 120, "dose", image="back")]
    for source in front:
        source.language = "en"
    speller = SpellCorrector({"en": {"improve": 50, "skin": 50, "firmness": 20, "texture": 30, "take": 50}, "fr": {}})
    assert repair_spelling(front, speller) == {0: "VIMPROVIE SKIN FIRMNESS & TEXTURE"}
    assert [(source.text, source.label) for source in front] == [("IMPROVE SKIN FIRMNESS & TEXTURE", "recommended_use"),
                                                                ("Take 1 capsule", "dose")]


# --- net quantity ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("texts, net", [
    (["Serving Size 6g", "NET WT.126 G/4.44 OZ"], "126 g"),  # the serving size is read first, the net quantity wins
    (["Serving size: 1 stick (8g)", "Net quantity: 30 sticks"], "30"),
    (["Serving Size: 1 Scoop (5g)", "NetWt 25.4oz."], "25.4 oz"),  # ounces only: kept in ounces, "oz" not "0z"
    (["90 Softgels / Capsules molles"], "90"),
    (["Serving Size 1 Scoop (10 g)", "Servings Per Container 31"], None),
])
def test_the_net_quantity_is_the_content_not_a_serving(texts: list[str], net: str | None) -> None:
    _, found = extract_dosage_form([line(text, 100, 100 + 40 * i, 500, 130 + 40 * i) for i, text in enumerate(texts)])
    assert found.value == net


@pytest.mark.parametrize("texts, net, review", [
    (["90 Pieces", "Total Carbohydrate 2g", "Sugar Alcohol 2g"], "90", False),  # a count word; nutrition rows are none
    (["5G", "NETWT 16 6 O 454 )]"], None, True),  # the content's line reads as no amount: no badge instead
    (["NET CONTENTS:", "60 capsules"], "60", False),  # a bare mark heads the line under it
    (["NET WT 16 OZ", "Poids net 454 g"], "16 oz", False),
])
def test_the_net_quantity_comes_from_the_line_that_says_so(texts: list[str], net: str | None, review: bool) -> None:
    _, found = extract_dosage_form([line(text, 100, 100 + 40 * i, 500, 130 + 40 * i) for i, text in enumerate(texts)])
    assert (found.value, found.needs_review) == (net, review)


def test_a_line_that_says_it_is_the_net_quantity_counts_whatever_it_was_filed_as() -> None:
    lines = [line("24g", 100, 100, 200, 130), line("NetWt 25.4oz.", 100, 300, 300, 330, "non_medicinal_ingredient")]
    assert extract_dosage_form(lines)[1].value == "25.4 oz"


@pytest.mark.parametrize("texts, form, confidence", [
    (["NET WT. 16 OZ (454 G)", "Serving Size: 1 Scoop (5g)"], "Powder", 0.475),  # implied by the scoop: unsure
    (["dinner, blend 1 scoop (10 g) into 200 mL of water,"], "Powder", 0.475),
    (["Prendre 1 mesure (5 g) par jour"], "Powder", 0.475),
    (["Sleep Drink Mix", "NET WT. 126 G"], "Powder", 0.57),  # named
    (["60 Capsules", "Serving Size 1 Scoop"], "Capsule", 0.855),  # a form printed wins over one implied
    (["NET WT. 450 G", "Take as directed"], None, 0.0),
    (["Dans une certaine mesure, le produit"], None, 0.0),  # "mesure" without a count is no measure
])
def test_a_powder_is_implied_by_its_scoop(texts: list[str], form: str | None, confidence: float) -> None:
    found, _ = extract_dosage_form([line(text, 100, 100 + 40 * i, 500, 130 + 40 * i) for i, text in enumerate(texts)])
    assert found.value == form
    assert found.confidence == pytest.approx(confidence, abs=0.001)  # line confidence 0.95 x the weight


def test_the_list_is_the_run_under_its_heading_not_lines_filed_there_elsewhere() -> None:
    """Gut Repair's back (a QR caption inside the list, a full stop read for a comma, a trademark notice under it)
    and its front's name lines, which the classifier filed as non-medicinal; Natural Stacks' web line ends its list."""
    nm = "non_medicinal_ingredient"
    lines = [line("CYMBIOTIKA LIPOSOMAL", 900, 500, 1700, 640, nm, image="front"),
             line("Other Ingredients: Natural Berry Flovor.", 900, 2000, 1700, 2040, nm, image="back"),
             line("Scan Me", 1800, 2030, 1950, 2060, nm, image="back"),
             line("Natural Vanilla Flavor, Organic Stevia", 900, 2050, 1700, 2090, nm, image="back"),
             line("Fibregum is a trademark of Nexira", 900, 2100, 1700, 2140, nm, image="back"),
             line("Sunfiber is a registered name", 900, 2150, 1700, 2190, nm, image="back"),
             line("wWw NATURALSTACKS", 900, 2300, 1700, 2340, nm, image="back")]
    assert [n.name for n in extract_non_medicinal(lines)] == ["Natural Berry Flovor", "Natural Vanilla Flavor", "Organic Stevia"]


def test_an_importers_place_and_postcode_beside_the_list_is_not_an_ingredient() -> None:
    """BetterAlt's back read upright: the importer's address in the next column, a line under the list."""
    nm = "non_medicinal_ingredient"
    lines = [line("Ingredients: Honey, Shilajit Resin, Cinnamon.", 583, 1772, 1300, 1810, nm),
             line("Dover, Kent - 19904.", 1354, 2017, 1800, 2055, nm),
             line("838 Walker Road Suite 212,", 1354, 1959, 1900, 1997, nm)]
    assert [n.name for n in extract_non_medicinal(lines)] == ["Honey", "Shilajit Resin", "Cinnamon"]
    assert is_address("Gurugram, Haryana- 122050") and is_address("Dover, Kent - 19904.")
    assert not is_address("Vitamin D3, Cholecalciferol 1000 IU") and not is_address("Bacillus coagulans - 2 billion CFU")


def test_a_label_without_a_list_heading_keeps_only_runs_that_read_as_lists() -> None:
    nm = "non_medicinal_ingredient"
    lines = [line("CYMBIOTIKA", 900, 500, 1700, 640, nm), line("LIPOSOMAL", 900, 660, 1700, 800, nm),
             line("Hypromellose (Capsule), Silicon Dioxide", 900, 2000, 1700, 2040, nm, image="back")]
    assert [n.name for n in extract_non_medicinal(lines)] == ["Hypromellose (Capsule)", "Silicon Dioxide"]
    assert extract_non_medicinal([line("OTHER INGREDIENTS: NONE", 900, 2000, 1700, 2040, nm)]) == []


@pytest.mark.parametrize("text, names", [
    ("diet. Other i dients: Citric Acid, N&A Flavor", ["Citric Acid", "N&A Flavor"]),  # a heading inside the line
    ("BetterAlt ...... Acid* Ingredients: Honey, Cinnamon.", ["Honey", "Cinnamon"]),
    ("Silicon Dioxide, Ascorbyl Palmitate, www.naturalstacks.com", ["Silicon Dioxide", "Ascorbyl Palmitate"]),
    ("Ingrédients non médicinaux : cellulose, silice", ["cellulose", "silice"]),
])
def test_non_medicinal_ingredients_start_after_their_heading(text: str, names: list[str]) -> None:
    assert split_non_medicinal(text) == names


@pytest.mark.parametrize("text, names", [
    ("Other in dents: Citric Acid, N&A Flavor", ["Citric Acid", "N&A Flavor"]),  # Poggers' back, another reading
    ("diet. Othr Ingredents: Silica, Rice Flour", ["Silica", "Rice Flour"]),
    ("Autres ingrédiens : cellulose, silice", ["cellulose", "silice"]),
    ("Contains: milk, soy", ["Contains: milk", "soy"]),  # no list heading: the colon is the text's
])
def test_a_list_heading_misread_by_ocr_still_opens_the_list(text: str, names: list[str]) -> None:
    assert split_non_medicinal(text) == names
    nm = "non_medicinal_ingredient"
    assert misread_heading("Medicnal Ingredents: Zinc", nm) is None  # the medicinal heading, misread: not this list's
    assert misread_heading("Medicnal Ingredents: Zinc", "medicinal_ingredient") == len("Medicnal Ingredents:")
    assert misread_heading("Allergen warning: milk", nm) is None


def test_a_list_line_read_before_its_heading_on_a_tilted_photo_is_still_the_lists() -> None:
    """Poggers' back tilted: OCR gave the list's second line before its heading line; it lies under the heading, so
    it is the list's tail. "diet." above the heading stays out."""
    nm = "non_medicinal_ingredient"
    lines = [line("diet.", 1036, 2050, 1095, 2090, nm),
             SourceLine("Silicon Dioxide, Polydextrose, Vegetable Juic", image="img1", label=nm, confidence=0.95,
                        polygon=[(1175, 2309), (1714, 2253), (1719, 2306), (1181, 2362)]),
             SourceLine("Other i dents: Citric Acid, N&A Flavor, S", image="img1", label=nm, confidence=0.95,
                        polygon=[(1176, 2279), (1698, 2224), (1703, 2270), (1180, 2325)])]
    assert [n.name for n in extract_non_medicinal(lines)] == ["Citric Acid", "N&A Flavor", "S Silicon Dioxide",
                                                               "Polydextrose", "Vegetable Juic"]


@pytest.mark.parametrize("text, names", [
    ("(vegetable source), bamboo extract.", ["bamboo extract"]),  # Snap's back: the name before it was not read
    ("Other ingredients: magnesium stearate, (vegetable source), silica", ["magnesium stearate (vegetable source)",
                                                                          "silica"]),
    ("Hypromellose (Capsule), Silicon Dioxide", ["Hypromellose (Capsule)", "Silicon Dioxide"]),
])
def test_a_bracketed_qualifier_alone_is_no_ingredient(text: str, names: list[str]) -> None:
    assert split_non_medicinal(text) == names


def test_a_line_that_carries_on_a_sentence_is_no_ingredient_and_a_list_s_and_is_no_name() -> None:
    """Frog Fuel tilted: "NO ARTIFICIAL FLAVORS, COLORS" / "OR PRESERVATIVES", the second line paired with an amount
    beside it, is the rest of a claim; a list's "..., and Zinc 10 mg" names Zinc."""
    assert not extract_ingredients([line("OR PRESERVATIVES 3500 mg", 100, 100, 400, 120, "medicinal_ingredient")])
    names = [i.name for i in extract_ingredients([line("Vitamin C 500 mg, and Zinc 10 mg", 100, 100, 600, 120,
                                                       "medicinal_ingredient")])]
    assert names == ["Vitamin C", "Zinc"]
    assert split_non_medicinal("Other ingredients: Xanthan Gum, and Evaporated Sea Water.") == ["Xanthan Gum",
                                                                                               "Evaporated Sea Water"]


@pytest.mark.parametrize(("text", "names"), [
    ("Other Ingredients: Pectin Citric Acid", ["Pectin", "Citric Acid"]),  # Vita's list, its comma not read
    ("Potassium Chloride Dicalcium Phosphate, Ascorbic Acid", ["Potassium Chloride", "Dicalcium Phosphate", "Ascorbic Acid"]),
    ("Ingrédients non médicinaux : stéarate de magnésium silice", ["stéarate de magnésium", "silice"]),
    # one known name, a name not known, or a bracketed one: whole
    ("Other ingredients: Vegetable Glycerin, Sodium Chloride", ["Vegetable Glycerin", "Sodium Chloride"]),
    ("Other ingredients: Microcrystalline Ce Fumarate", ["Microcrystalline Ce Fumarate"]),
    ("Other ingredients: Rice Flour (organic) Pectin", ["Rice Flour (organic) Pectin"]),
])
def test_a_list_whose_comma_was_not_read_is_split_between_known_names(text: str, names: list[str]) -> None:
    assert split_non_medicinal(text) == names


def test_a_sentence_end_above_a_misread_list_heading_is_no_ingredient() -> None:
    """Poggers' back: "diet." (the end of the disclaimer) sits over "Other in dents: Citric Acid, ...": once the
    misread heading opens the list, the line above it is no part of it."""
    nm = "non_medicinal_ingredient"
    lines = [line("diet.", 1036, 2070, 1095, 2110, nm),
             line("Other in dents: Citric Acid, N&A Flavor, S", 1028, 2132, 1552, 2193, nm),
             line("Silicon Dioxide, Polydextrose", 1026, 2169, 1567, 2228, nm)]
    assert [n.name for n in extract_non_medicinal(lines)] == ["Citric Acid", "N&A Flavor", "S Silicon Dioxide",
                                                               "Polydextrose"]


# --- spelling repair keeps what was printed ------------------------------------------------------------------


def test_spelling_never_turns_one_compound_into_another() -> None:
    speller = SpellCorrector({"en": {"sulfate": 500, "glucosamine": 500}, "fr": {}})
    assert speller.correct("Dimethyl sulfone", "en") == "Dimethyl sulfone"
    assert speller.correct("Glucosamne sulfate", "en") == "Glucosamine sulfate"
    speller = SpellCorrector({"en": {"calcium": 900, "probiotics": 900}, "fr": {}})
    assert speller.correct("Calcium (as Dicalcium Phosphate)", "en") == "Calcium (as Dicalcium Phosphate)"
    assert speller.correct("PREBIOTICS", "en") == "PREBIOTICS"
    assert speller.correct("Calcim", "en") == "Calcium"


def test_repaired_values_keep_the_text_as_read() -> None:
    read = SourceLine("Glucosamne sulfate 500 mg", image="img0", polygon=rect(0, 0, 300, 20), label="medicinal_ingredient",
                      language="en")
    fixed = SourceLine("Glucosamine sulfate 500 mg", image="img0", polygon=rect(0, 0, 300, 20), label="medicinal_ingredient",
                       language="en")
    fields = fields_from_lines([fixed])
    keep_as_read(fields, {("img0", tuple(map(tuple, fixed.polygon))): word_swaps(read.text, fixed.text)})
    (ing,) = fields.medicinal_ingredients
    assert ing.name == "Glucosamine sulfate" and ing.as_read == "Glucosamne sulfate"


def test_a_facts_row_keeps_the_text_its_name_cell_was_read_as() -> None:
    """A row cites the union of its name and amount cells; the name cell's repair is still shown as read."""
    mi = "medicinal_ingredient"
    name = line("Vitamin D (as Cholecalciferol)", 100, 100, 400, 125, mi)
    rows = [name, line("20 mcg", 600, 100, 680, 125, mi), line("Zinc (as Zinc Citrate)", 100, 140, 400, 165, mi),
            line("8 mg", 600, 140, 680, 165, mi)]
    fields = fields_from_lines(rows)
    keep_as_read(fields, {("img1", tuple(map(tuple, name.polygon))): word_swaps("Vamn D (as Cholecalciterol)", name.text)})
    vitamin, zinc = fields.medicinal_ingredients
    assert (vitamin.name, vitamin.quantity, vitamin.unit) == ("Vitamin D (as Cholecalciferol)", 20, "mcg")
    assert vitamin.as_read == "Vamn D (as Cholecalciterol)" and zinc.as_read is None


@pytest.mark.parametrize(("text", "language", "repaired"), [
    ("Vamn D (as Cholecalciferol) 20 mcg", "en", "Vitamin D (as Cholecalciferol) 20 mcg"),
    ("VIAMN B12 2.4 mcg", "en", "VITAMIN B12 2.4 mcg"),
    ("Vtamine D3 25 mcg", "fr", "Vitamine D3 25 mcg"),
    ("Thiamin B1 2 mg", "en", "Thiamin B1 2 mg"),  # a known word is never taken for another
    ("Calcium D-Glucarate 50 mg", "en", "Calcium D-Glucarate 50 mg"),  # a name's initial is no vitamin's letter
    ("Vamn Dioxide", "en", "Vamn Dioxide"),
])
def test_a_word_like_vitamin_before_a_vitamin_s_letter_is_vitamin(text: str, language: str, repaired: str) -> None:
    """Small print's "Vamn D" is three edits from "Vitamin", beyond a word-by-word repair; before a vitamin's letter
    it can be nothing else."""
    speller = SpellCorrector({"en": {"thiamin": 500, "calcium": 900}, "fr": {}})
    assert speller.correct(text, language) == repaired


@pytest.mark.parametrize(("text", "repaired"), [
    ("Magnes m 34 mg", "Magnesium 34 mg"),  # small print's narrow "iu" read as a gap
    ("Glucosamin e sulfate", "Glucosamine sulfate"),
    ("Calcium a day", "Calcium a day"),  # a known word and a word of its own stay apart
    ("Ashwagandh a root", "Ashwagandha a root"),  # "a" is a word: only the word-by-word repair
    ("Chromium pic", "Chromium pic"),
    ("Magnesi um", "Magnesium um"),  # "um" is a word: the word alone is repaired, nothing joined
])
def test_a_word_split_before_a_few_letters_is_joined(text: str, repaired: str) -> None:
    """Poggers' panel, saved again or tilted, read "Magnes m 34 mg": no repair of one word reaches "Magnesium"."""
    speller = SpellCorrector({"en": {"magnesium": 500, "glucosamine": 500, "sulfate": 500, "calcium": 900,
                                     "ashwagandha": 50, "chromium": 50}, "fr": {}})
    assert speller.correct(text, "en") == repaired


def test_a_joined_word_keeps_what_was_read() -> None:
    """The joined word's ``as_read`` is both pieces, the other repairs word for word."""
    assert word_swaps("Magnes m 34 mg", "Magnesium 34 mg") == [("Magnesium", "Magnes m")]
    assert word_swaps("Vamn D (as Cholecalciterol)", "Vitamin D (as Cholecalciferol)") == [
        ("Vitamin", "Vamn"), ("Cholecalciferol", "Cholecalciterol")]


# --- the NPN -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["Lot 12345678", "Tel 1-800-555-1234 12345678", "Lic. No. 12345678", "UPC 012345678905",
                                  "FSSAI 10019022009963"])
def test_other_numbers_are_not_npns(text: str) -> None:
    assert find_npn([line(text, 100, 100, 400, 130, "npn")]).value is None


def test_an_npn_the_label_presents_as_such_is_read() -> None:
    assert find_npn([line("NPN 80012345", 100, 100, 400, 130, "company")]).value == "80012345"
    assert find_npn([line("8001 2345", 100, 100, 400, 130, "npn")]).value == "80012345"  # alone in its box


def test_digits_in_the_middle_of_the_photo_are_no_cut_npn() -> None:
    middle = line("4546", 100, 100, 200, 130, "npn", x0=0.3, y0=0.5, x1=0.4, y1=0.53)
    edge = line("2345", 100, 100, 200, 130, "npn", x0=0.9, y0=0.5, x1=0.995, y1=0.53)
    assert find_npn([middle]).legible
    assert not find_npn([edge]).legible


# --- flags from the text read well ---------------------------------------------------------------------------


def _labelled(text: str, image: str = "img0", label: str = "other", confidence: float = 0.6,
              ocr: float = 0.95) -> LabelledLine:
    return LabelledLine(image=image, polygon=rect(0, 0, 10, 10), text=text, label=label, confidence=confidence,
                        ocr_confidence=ocr, language="en")


ENGLISH_PANEL = ["Supplement Facts", "Serving Size 3 Capsules", "Amount Per Serving", "Other ingredients: cellulose",
                 "Keep out of reach of children", "Store in a cool dry place", "Daily Value not established"]


def test_an_english_only_label_is_french_missing_despite_debris_on_a_photo() -> None:
    lines = [_labelled(t) for t in ENGLISH_PANEL] + [_labelled(t, image="img1", ocr=0.4) for t in
                                                     ["Gt Epa compr sie d rob r", "ct e ts x qz", "Vve no erobihed"]]
    lines += [_labelled("Clinically studied strains for women", image="img1")]  # that photo has text read well too
    codes = {f.code for f in raise_flags(Fields(), Match(), None, None, lines)}
    assert {"FRENCH_MISSING", "NPN_MISSING"} <= codes


def test_a_badly_read_english_label_with_a_few_lines_read_well_is_french_missing() -> None:
    """Root Sculpt: a curved side read as debris, four English lines read well and not one French word."""
    read_well = ["Suggested Use: Take one capsule morning and evening each day", "Supplement Facts", "DIETARY SUPPLEMENT",
                 "Amount Per Serving"]
    debris = ["atebo dy in", "inult-fa ceted", "laylies a esebished.", "Seniphs"]
    lines = [_labelled(t) for t in read_well] + [_labelled(t, label="recommended_use", ocr=0.8) for t in debris]
    assert "FRENCH_MISSING" in {f.code for f in raise_flags(Fields(), Match(), None, None, lines)}


def test_short_french_words_in_debris_are_no_french_read_well() -> None:
    """Root Sculpt scaled down: a debris line read at 0.72, "isnulb-fac êtes", holds two short French words ("fac",
    "êtes"); French read well needs words of four letters or more, as a sentence has."""
    read_well = ["Suggested Use: Take one capsule morning and evening each day", "Supplement Facts", "DIETARY SUPPLEMENT",
                 "Amount Per Serving"]
    lines = [_labelled(t) for t in read_well] + [_labelled("isnulb-fac êtes", label="recommended_use", ocr=0.72)]
    assert "FRENCH_MISSING" in {f.code for f in raise_flags(Fields(), Match(), None, None, lines)}
    lines += [_labelled("Prendre une capsule deux fois par jour", label="dose", ocr=0.9)]
    assert "FRENCH_MISSING" not in {f.code for f in raise_flags(Fields(), Match(), None, None, lines)}


def test_a_bilingual_label_is_not_french_missing() -> None:
    french = ["Renseignements sur le produit", "Garder hors de la portée des enfants", "Conserver dans un endroit sec",
              "Ingrédients non médicinaux : cellulose", "Prendre avec de la nourriture"]
    lines = [_labelled(t) for t in ENGLISH_PANEL] + [_labelled(t) for t in french]
    assert "FRENCH_MISSING" not in {f.code for f in raise_flags(Fields(), Match(), None, None, lines)}


def test_a_face_with_nothing_read_well_excuses_the_french() -> None:
    lines = [_labelled(t) for t in ENGLISH_PANEL] + [_labelled(t, image="img1", ocr=0.4) for t in
                                                     ["Gt Epa compr sie d rob r", "ct e ts x qz", "Vve no erobihed"]]
    assert "FRENCH_MISSING" not in {f.code for f in raise_flags(Fields(), Match(), None, None, lines)}


def test_a_front_of_short_lines_read_surely_does_not_excuse_the_french() -> None:
    """Poggers scaled down: its front reads surely ("POGGERS", "BLUE RASPBERRY", "SERVINGS") but no line has two
    clearly English words once "DIETARY SUPPLEMENT" is read as one. Sure readings that tell no language are a
    front's brand and flavour, not French that was missed."""
    front = [_labelled(t, image="img1", ocr=ocr) for t, ocr in
             [("POGGERS", 0.97), ("SLEEPDRINK MIX", 0.69), ("DIETARYSUPPLEMENT", 0.95), ("BLUE RASPBERRY", 0.91),
              ("SERVINGS", 0.98), ("NET WT.126 G/4.44 OZ", 0.37)]]
    lines = [_labelled(t) for t in ENGLISH_PANEL] + front
    assert "FRENCH_MISSING" in {f.code for f in raise_flags(Fields(), Match(), None, None, lines)}


# --- licence matches --------------------------------------------------------------------------------------------


def test_a_weak_search_match_is_not_checked_before_the_analyst_confirms_it() -> None:
    fields = Fields(npn=FieldValue())
    assert not trusted(Match(lnhpd_id=1, licence_number="80958031", method="search", score=0.76), fields)
    assert trusted(Match(lnhpd_id=1, licence_number="80958031", method="search", score=0.95), fields)
    assert trusted(Match(lnhpd_id=1, licence_number="80012345", method="npn_exact", score=1.0), fields)
    slip = Fields(npn=FieldValue(value="80012346"))
    assert trusted(Match(lnhpd_id=1, licence_number="80012345", method="search", score=0.7), slip)


def test_unconfirmed_match_raises_no_licence_comparison(lnhpd_sample) -> None:
    """A US product that matched a sister licence by search gets no QUANTITY_MISMATCH about that licence."""
    from cyclops.model.ocr import Block, Document, Line, Page, Word
    from cyclops.pipeline import analyze_document

    texts = ["Supplement Facts", "Vitamin D3 263 mcg", "Vitamin K2 200 mcg", "Keep out of reach of children.",
             "Made in USA", "Take two pieces daily.", "Store in a cool dry place.", "Serving Size 2 Pieces",
             "Other ingredients: sorbitol, natural flavors."]
    page = Page(image_id="img0", width=1000, height=1000, blocks=[Block(lines=[
        Line(words=[Word(text=t, polygon=rect(100, 100 + 40 * k, 600, 130 + 40 * k), confidence=0.95)],
             polygon=rect(100, 100 + 40 * k, 600, 130 + 40 * k), confidence=0.95, language="en") for k, t in enumerate(texts)])])
    from cyclops.lnhpd.database import open_database

    analysis, _ = analyze_document(Document(engine="test", engine_version="0", pages=[page]), db=open_database(lnhpd_sample[0]))
    if analysis.match.method == "search":
        assert analysis.match.score >= 0.85 or not {f.code for f in analysis.flags} & {
            "QUANTITY_MISMATCH", "INGREDIENT_NOT_ON_LABEL", "INGREDIENT_NOT_LICENSED", "CAUTIONS_MISSING"}
    assert "NPN_MISSING" in {f.code for f in analysis.flags}


# --- 12 MP photos -------------------------------------------------------------------------------------------


def test_fine_boxes_add_only_what_the_coarse_pass_missed() -> None:
    from cyclops.ocr.passes import new_boxes

    coarse = [np.array([[0, 0], [100, 0], [100, 20], [0, 20]], dtype=np.float32)]
    inside = np.array([[10, 2], [60, 2], [60, 18], [10, 18]], dtype=np.float32)
    elsewhere = np.array([[0, 200], [80, 200], [80, 210], [0, 210]], dtype=np.float32)
    assert [b.tolist() for b in new_boxes(coarse, [inside, elsewhere])] == [elsewhere.tolist()]


def test_a_fine_box_holding_a_coarse_piece_of_its_line_is_new_a_fine_copy_of_a_coarse_line_is_not() -> None:
    """A facts row's "34 mg": the coarse pass boxed "mg" alone (its "34" went into the row above's box); the fine
    box of the whole row holds that piece, a third of its area, and is new text wherever the few pixels by which
    boxes move put that share. A fine box round a coarse line a little larger is the same line, not new."""
    from cyclops.ocr.passes import new_boxes

    def rect(x0, y0, x1, y1):
        return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float32)

    mg = rect(1415, 1746, 1457, 1779)
    for row in (rect(1368, 1734, 1466, 1788), rect(1372, 1740, 1465, 1785)):  # 26 % and 33 % of it is the "mg"
        assert len(new_boxes([mg], [row])) == 1
    line = rect(100, 100, 400, 130)
    assert new_boxes([line], [rect(98, 98, 404, 133)]) == []
    other_row = rect(1300, 1700, 1440, 1760)  # a coarse box only partly inside: not a piece, and the share counts
    assert new_boxes([mg, other_row], [rect(1368, 1734, 1466, 1788)]) == []


def test_a_line_running_up_inside_a_level_lines_box_is_new_text() -> None:
    """A licence number printed up a label's side, inside the rectangle of a tilted line of large type (the
    coordinates of a development photo with "NPN 80677524" printed running up): the level line is read level, so the
    number is not read by it and the fine box is new. Inside a coarse box that runs up the page too, it is the same
    line, read by that box."""
    from cyclops.ocr.passes import new_boxes, runs_across

    def rect(x0, y0, x1, y1):
        return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float32)

    tilted = np.array([[961, 2625], [1851, 2720], [1824, 2962], [934, 2867]], dtype=np.float32)
    running_up = rect(1734, 2875, 1769, 3000)
    assert runs_across(running_up, [tilted])
    assert [b.tolist() for b in new_boxes([tilted], [running_up])] == [running_up.tolist()]
    edge = rect(1730, 2860, 1775, 3010)  # the coarse pass boxed the number itself, up the page
    assert not runs_across(running_up, [tilted, edge])
    assert new_boxes([tilted, edge], [running_up]) == []
    level_piece = rect(1000, 2700, 1300, 2760)  # a level fine box inside the level line is a piece of it
    assert new_boxes([tilted], [level_piece]) == []
    heading = rect(192, 242, 1734, 479)  # a synthetic label's heading: the int8 fine pass boxed an "L"'s stem
    stem = rect(1591, 270, 1623, 422)
    assert not runs_across(stem, [heading]) and new_boxes([heading], [stem]) == []


def test_a_line_running_up_is_read_from_the_fine_box_that_reaches_past_the_coarse_piece() -> None:
    """Frog Fuel's front with "NPN: 80933139" printed running up at 11-pixel digits: the coarse pass boxed its lower
    87 pixels (read "NPN: 80933"), the fine pass the whole line (127 pixels). The fine box is the line; the coarse
    one is dropped as its piece. A fine box as long as its coarse piece is the same line, and a level line's piece
    is settled by reading both (not here)."""
    from cyclops.ocr.passes import choices, new_boxes, runs_past

    def rect(x0, y0, x1, y1):
        return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float32)

    coarse, fine = rect(1372, 1771, 1402, 1858), rect(1377, 1735, 1401, 1862)
    assert runs_past(fine, [coarse])
    kept, found = choices([coarse], [fine], 960 / 4000)
    assert [b.tolist() for b in kept] == [fine.tolist()] and found == []
    same = rect(1377, 1768, 1401, 1862)  # a few pixels longer: the same line, the coarse box read
    assert not runs_past(same, [coarse]) and new_boxes([coarse], [same]) == []
    level_piece, level_line = rect(100, 100, 187, 130), rect(90, 98, 190, 131)  # a level line's piece: no Choice here
    assert new_boxes([level_piece], [level_line]) == []


def test_a_licence_number_printed_alone_in_small_type_is_read() -> None:
    """"NPN 80012345" at 9-pixel digits alone on a label's grey ground, far from its other print, softened and saved
    as a JPEG: the coarse pass's map gives it about 0.015, a twentieth of what makes a box, and the fine pass, which
    only looks where that map marks print, must still look there."""
    import io

    from PIL import ImageFilter

    from cyclops.ocr import get_engine

    image = Image.new("RGB", (3000, 4000), (190, 186, 176))
    draw = ImageDraw.Draw(image)
    draw.text((300, 400), "Vitamin D3", font=ImageFont.truetype("DejaVuSans-Bold.ttf", 200), fill=(30, 30, 30))
    draw.text((1800, 3000), "NPN 80012345", font=ImageFont.truetype("DejaVuSans.ttf", 12), fill=(40, 40, 40))
    buffer = io.BytesIO()
    image.filter(ImageFilter.GaussianBlur(0.8)).save(buffer, "JPEG", quality=85)
    page, _ = get_engine("rapidocr").read_upright(Image.open(buffer).convert("RGB"), "img0")
    assert "NPN 80012345" in [line.text for line in page.lines()]


def test_a_licence_number_whose_box_ended_early_is_read_whole_from_a_longer_crop() -> None:
    """The detector ended the box of "NPN 80012068" after "NPN 8001" (small type on real photos: the last digits
    are seen less well than the prefix). The cell is read again carried on past its end, and the whole number,
    with the same first digits, replaces the cut one; the line's box reaches as far as its words, no further.
    Where nothing follows in the print, or the photo ends where the box does, the cut reading stays: digits are
    read, never guessed."""
    from cyclops.ocr import get_engine

    engine = get_engine("rapidocr")
    font = ImageFont.truetype("DejaVuSans.ttf", 40)
    image = Image.new("RGB", (1200, 300), (236, 232, 220))
    draw = ImageDraw.Draw(image)
    draw.text((100, 100), "NPN 80012068", font=font, fill=(30, 30, 30))
    draw.text((100, 200), "NPN 8001", font=font, fill=(30, 30, 30))
    bgr = np.asarray(image)[:, :, ::-1].copy()
    cut_at = 100 + font.getlength("NPN 8001") + 4
    whole_end = 100 + font.getlength("NPN 80012068")
    subs = [np.array([[96, 98], [cut_at, 98], [cut_at, 148], [96, 148]], dtype=np.float32),
            np.array([[96, 198], [cut_at, 198], [cut_at, 248], [96, 248]], dtype=np.float32)]
    txts, scores, words_of = ["NPN 8001", "NPN 8001"], [0.99, 0.99], [None, None]
    grown = engine._complete_licences(bgr, subs, txts, scores, words_of)
    assert txts[0].replace(" ", "") == "NPN80012068" and grown == {0}
    assert txts[1] == "NPN 8001" and scores[1] == 0.99
    line = engine._flat_line(subs[0], [("cell", None, subs[0])], iter([(txts[0], scores[0], words_of[0], True)]))
    assert line.text.replace(" ", "") == "NPN80012068"
    right = max(x for x, _ in line.polygon)
    assert whole_end - 20 < right < whole_end + 20  # the box takes in the digits read past it, and stops there
    # the same number running off the photo's right edge after "8001": nothing past the edge is read
    edge = np.ascontiguousarray(bgr[:, : int(cut_at) + 2])
    txts, scores = ["NPN 8001"], [0.99]
    assert engine._complete_licences(edge, subs[:1], txts, scores, [None]) == set() and txts == ["NPN 8001"]


def test_a_longer_reading_much_less_sure_than_the_cut_one_is_not_taken(monkeypatch) -> None:
    """The longer crop's reading replaces the cut one only when about as sure (``LICENCE_LOSS``): read unsurely it
    would drop the cell (``MIN_SCORE``) or have its digits withheld, and the evidence that a number is printed,
    cut, would be lost. The recogniser's second reading is given here (no crop reads unsurely on demand)."""
    from cyclops.ocr import get_engine

    engine = get_engine("rapidocr")
    bgr = np.full((200, 1200, 3), 230, dtype=np.uint8)
    sub = np.array([[96, 98], [300, 98], [300, 148], [96, 148]], dtype=np.float32)
    for score, taken in ((0.45, False), (0.85, False), (0.93, True)):
        monkeypatch.setattr(engine, "_read_again", lambda _bgr, quads, s=score: ([], [("NPN 80012068", s, None)] * len(quads)))
        txts, scores = ["NPN 8001"], [0.99]
        assert (engine._complete_licences(bgr, [sub], txts, scores, [None]) == {0}) is taken
        assert txts == (["NPN 80012068"] if taken else ["NPN 8001"])


def test_a_cut_line_is_carried_on_as_far_as_its_missing_digits_need_and_the_photo_goes() -> None:
    from cyclops.ocr.reread import LICENCE_DIGIT, LICENCE_SLACK, lengthened, licence_ahead, reaching, room_ahead

    assert licence_ahead("8001") == 4 * LICENCE_DIGIT + LICENCE_SLACK
    assert licence_ahead("") == 8 * LICENCE_DIGIT + LICENCE_SLACK
    box = np.array([[100, 100], [300, 100], [300, 150], [100, 150]], dtype=np.float32)  # 50 pixels high
    assert room_ahead(box, 500, 400) == pytest.approx(4.0)  # 200 pixels to the edge
    assert room_ahead(box, 300, 400) == 0.0
    longer = lengthened(box, 2.0)
    assert longer[1][0] == pytest.approx(400) and longer[0][0] == pytest.approx(100 - 0.3 * 50)
    tilted = np.array([[0, 0], [100, 10], [95, 60], [-5, 50]], dtype=np.float32)
    reached = reaching(tilted, [[(190, 20), (195, 25)]])
    slope = (reached[1][1] - reached[0][1]) / (reached[1][0] - reached[0][0])
    assert slope == pytest.approx(0.1, abs=1e-3) and reached[1][0] > 180  # carried on along its own slope


def test_small_print_on_a_12_megapixel_photo_is_read() -> None:
    """Text 22 pixels high on a 3000x4000 photo: at the coarse detection size it is 5 pixels high and
    never found; the fine pass finds it."""
    from cyclops.ocr import get_engine

    image = Image.new("RGB", (3000, 4000), "white")
    draw = ImageDraw.Draw(image)
    big = ImageFont.truetype("DejaVuSans-Bold.ttf", 220)
    small = ImageFont.truetype("DejaVuSans.ttf", 24)
    draw.text((300, 400), "MAGNESIUM", font=big, fill="black")
    for k, row in enumerate(["Magnesium glycinate 120 mg", "Melatonin 5 mg", "L-Theanine 200 mg"]):
        draw.text((1200, 2400 + 60 * k), row, font=small, fill="black")
    page = get_engine("rapidocr").read(image, "img0")
    text = " ".join(ln.text for ln in page.lines())
    assert "MAGNESIU" in text  # the large type, found by the coarse pass
    assert "Melatonin" in text and "Theanine" in text


@pytest.mark.parametrize("stored", [0, 90])
def test_a_photo_over_16_megapixels_is_read_at_12_and_its_boxes_lie_on_the_photo(stored: int) -> None:
    """A 24 or 48 MP photo (what recent phones save) is read from a copy at 12 MP, the size every pass was measured
    at; the page keeps the photo's own size and its boxes lie where the text is printed on it, turned or not."""
    from cyclops.model.ocr import bbox_of
    from cyclops.ocr import get_engine
    from cyclops.ocr.orient import rotate_clockwise
    from cyclops.ocr.rapid import READ_AT, measured

    image = Image.new("RGB", (3600, 4900), "white")  # 17.6 MP
    draw = ImageDraw.Draw(image)
    draw.text((600, 900), "MAGNESIUM", font=ImageFont.truetype("DejaVuSans-Bold.ttf", 260), fill="black")
    draw.text((1500, 3000), "Melatonin 5 mg", font=ImageFont.truetype("DejaVuSans.ttf", 40), fill="black")
    copy, size = measured(np.asarray(image)[:, :, ::-1])
    assert size == (3600, 4900) and abs(copy.shape[0] * copy.shape[1] - READ_AT) < 10_000
    page, rotation = get_engine("rapidocr").read_upright(rotate_clockwise(image, stored), "img0")
    assert (rotation + stored) % 360 == 0 and (page.width, page.height) == (3600, 4900)
    name = next(ln for ln in page.lines() if "MAGNES" in ln.text)
    x0, y0, x1, y1 = bbox_of(name.polygon)
    assert 550 < x0 < 700 and 880 < y0 < 1000 and x1 > 2000  # where it was drawn on the photo, not on the copy
    assert "Melatonin 5 mg" in page.text


def test_a_page_scaled_moves_every_polygon() -> None:
    from cyclops.model.ocr import Block, Line, Page, Word, rect

    page = Page(image_id="img0", width=100, height=50, rotation=90, blocks=[Block(polygon=rect(10, 10, 50, 20), lines=[
        Line(polygon=rect(10, 10, 50, 20), words=[Word(text="Zinc", polygon=rect(10, 10, 30, 20))])])])
    big = page.scaled(200, 150)
    assert (big.width, big.height, big.rotation, big.text) == (200, 150, 90, "Zinc")
    assert big.lines()[0].words[0].polygon == rect(20, 30, 60, 60)
    assert big.blocks[0].polygon == rect(20, 30, 100, 60)


def _sent_small(rows_px: int | None) -> Image.Image:
    """A 1200x1600 photo (one sent through a messaging app): a name in large type, a heading 10 pixels high and,
    with ``rows_px``, three facts rows in faint type that size, the whole a little out of focus."""
    from PIL import ImageFilter

    image = Image.new("RGB", (1200, 1600), "white")
    draw = ImageDraw.Draw(image)
    draw.text((100, 150), "MAGNESIUM", font=ImageFont.truetype("DejaVuSans-Bold.ttf", 120), fill="black")
    heading = ImageFont.truetype("DejaVuSans.ttf", 10 if rows_px else 26)
    draw.text((100, 500), "Supplement Facts  Serving size 1 scoop", font=heading, fill="black")
    if rows_px:
        small = ImageFont.truetype("DejaVuSans.ttf", rows_px)
        for k, row in enumerate(["Magnesium glycinate 120 mg", "Melatonin 5 mg", "L-Theanine 200 mg"]):
            draw.text((500, 800 + int(rows_px * 1.9) * k), row, font=small, fill=(140, 140, 140))
    return image.filter(ImageFilter.GaussianBlur(1.4))


def test_small_print_on_a_photo_sent_at_1600_pixels_is_read(monkeypatch) -> None:
    """Sent at 1600 pixels, a panel's rows are read at 960 at 0.6 of their size, and Frog Fuel's lost 19 of them: a
    photo under 12 MP whose coarse pass boxes small print is detected a second time at its own size. One whose
    smallest line is larger (every synthetic label) is detected once."""
    from cyclops.ocr import get_engine
    from cyclops.ocr.rapid import DET_SIDE, detect_at

    engine = get_engine("rapidocr")
    photo = _sent_small(11)
    coarse = detect_at(engine._det, np.asarray(photo)[:, :, ::-1].copy(), DET_SIDE)[0]
    assert len(coarse) < 5  # the coarse pass misses rows
    text = " ".join(ln.text for ln in engine.read(photo, "img0").lines())
    assert "Melatonin 5 mg" in text and "L-Theanine 200 mg" in text and "glycinate 120 mg" in text
    calls = []
    real_fine = engine.fine_boxes
    monkeypatch.setattr(engine, "fine_boxes", lambda *a: calls.append(1) or real_fine(*a))
    assert "Supplement Facts" in engine.read(_sent_small(None), "img1").text
    assert calls == []
    engine.read(photo.resize((825, 1100)), "img2")  # under FINE_SMALL_FROM: scaled down further, one pass
    assert calls == []


def test_small_print_is_a_flat_line_under_12_pixels_at_the_coarse_size() -> None:
    from cyclops.ocr.passes import has_small_print

    def box(height: float, width: float = 300.0) -> np.ndarray:
        return np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)

    assert has_small_print([box(40), box(18)], scale=0.6)  # 10.8 pixels at 960 of 1600
    assert not has_small_print([box(40), box(22)], scale=0.6)  # 13.2
    assert not has_small_print([box(300, width=18)], scale=0.6)  # a line up the side: its width is no height
    assert not has_small_print([box(40), box(18, width=20)], scale=0.6)  # a lone mark ("®") is no line
    assert not has_small_print([], scale=0.6)


# --- orientation ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("index", "seed", "face"), [(1281, 778013, "front"), (1275, 778022, "side1")])
def test_a_label_on_its_side_among_upright_shelf_text_comes_out_upright(index: int, seed: int, face: str) -> None:
    """A package lying on its side on a shelf: its label reads at 90 or 270 degrees while the other boxes'
    text stands upright, and is larger in sum. Counting boxes turned these photos the background's way;
    the label's own (central) text decides now."""
    import io

    from cyclops.lnhpd.sample import generate
    from cyclops.ocr import get_engine
    from cyclops.synth.config import Realism, SynthConfig
    from cyclops.synth.product import synthesize_product

    en, fr = generate(2000, 0)[index]
    truth, images = synthesize_product(en, fr, seed, SynthConfig(violation_rate=0.0, realism=Realism(shelf=0.5, hand=0.5, turned=0.7)))
    image = next(im for im in truth.images if im.id == face)
    assert image.rotation in (90, 270) and image.degradations["scene"]["kind"] == "shelf"
    _, rotation = get_engine("rapidocr").read_upright(Image.open(io.BytesIO(images[face])).convert("RGB"), face)
    assert rotation == image.rotation


def test_a_company_filed_elsewhere_is_found_by_its_heading_or_legal_form() -> None:
    lines = [line("Manufactured for: Root Wellness, LLC Franklin, TN, USA", 100, 100, 600, 130, "non_medicinal_ingredient"),
             line("Glacier Labs Canada Ltd.", 100, 300, 400, 330, "caution")]
    assert fields_from_lines(lines).company.value == "Root Wellness, LLC"
    assert fields_from_lines([line("DISTRIBUTED BY: WAL", 100, 100, 300, 130, "other")]).company.value is None
    assert extract_company([line("Glacier Labs Canada Ltd., 12 Bay St., Toronto", 0, 0, 400, 30, "company")]).value == \
        "Glacier Labs Canada Ltd."


@pytest.mark.parametrize(("name", "refused"), [
    ("Senving Size 2 Top", True),  # a garbled header
    ("Serving Sze", True),
    ("NET WT 30 g", True),
    ("I scoop", True),  # "1 scoop (10 g) into 200 mL of water": a direction
    ("dinner, blend I scoop", True),  # myBrainCo's directions, tilted, paired with "10 g"
    ("Mix 1 scoop with water", True),
    ("Probiotic blend, 10 billion cells", False),
    ("Powered by Frog Fuel's proprietary Nano Hydrolyzed", True),  # marketing prose beside the panel
    ("Tree Nuts, Soy, Artificial Colors, Flavors or", True),  # a list cut at the line's end
    ("lenngSze2capsules", True),  # "Serving Size 2 capsules" misread, the count glued to the words before it
    ("lenigSas:2capsules", True),
    ("STORAGE: Store below 77oF in a cool dry", True),  # myBrainCo's storage line, tilted, filed as a row
    ("Conserver au frais et au sec", True),
    ("Includes Added Sugors", True),  # a macronutrient misread after the panel's qualifiers
    ("Includes Added Sugo", True),  # ... and cut at the panel's edge
    ("Total Protien", True),
    ("Total Curcuminoids", False),  # "Total" before a standardised marker, not a nutrient
    ("Total Cultures", False),
    ("Coenzyme Q10 Ubiquinol", False),  # digits before a long word that is no dose unit
    ("Storax", False),
    ("Vitamin C (as ascorbic acid)", False),
    ("Calcium with Vitamin D", False),
    ("Oil of Oregano", False),
    ("Saw Palmetto", False),
])
def test_rows_that_are_not_ingredients(name: str, refused: bool) -> None:
    from cyclops.extract.ingredients import not_an_ingredient

    assert not_an_ingredient(name) is refused


# --- a dense facts panel on a 12 MP photo (Frog Fuel's back) ----------------------------------------------------

def test_two_rows_sharing_their_as_hcl_are_not_an_english_and_french_twin() -> None:
    """Frog Fuel: "Thlamin (as Thiamine HCI)" (OCR tagged it French) and "Vitamin B6 (as Pyridoxine HCI)", both
    2 mg, were merged as one ingredient's English and French names; a real bilingual pair still is."""
    rows = [line("Thlamin (as Thiamine HCI) ...... 2mg", 1346, 1557, 1944, 1618, "medicinal_ingredient"),
            line("Vitamin B6 (as Pyridoxine HCI) ...... 2mg", 1341, 1642, 1943, 1706, "medicinal_ingredient")]
    rows[0].language, rows[1].language = "fr", "en"
    assert sorted(i.name for i in extract_ingredients(rows)) == ["Thlamin (as Thiamine HCI)", "Vitamin B6 (as Pyridoxine HCI)"]
    twins = [line("Vitamin B6 (as pyridoxine HCl) ...... 2 mg", 100, 400, 900, 440, "medicinal_ingredient"),
             line("Vitamine B6 (chlorhydrate de pyridoxine) ...... 2 mg", 100, 460, 900, 500, "medicinal_ingredient")]
    twins[0].language, twins[1].language = "en", "fr"
    merged = extract_ingredients(twins)
    assert len(merged) == 1 and merged[0].name_fr == "Vitamine B6 (chlorhydrate de pyridoxine)"


def test_a_piece_of_a_row_read_twice_does_not_carry_the_next_row_off() -> None:
    """Frog Fuel's back (its boxes as read): both detection passes boxed "(as Mag" of the Magnesium row. Pulled into
    the Zinc row below as a second name cell, it started that row with "(", and the Zinc row was taken for the
    Magnesium row's continuation: "Zinc 2.5 mg" was lost."""
    from cyclops.extract.ingredients import pull_row_partners
    from cyclops.extract.lines import echo_lines

    def read(text: str, box: list[list[int]], label: str = "medicinal_ingredient") -> SourceLine:
        return SourceLine(text, image="img1", polygon=[(float(x), float(y)) for x, y in box], label=label, confidence=0.9)

    rows = [read("Magnesium (as Magnesium Citrate)", [[1346, 1872], [1752, 1891], [1750, 1941], [1344, 1922]]),
            read("130mg", [[1875, 1867], [1965, 1874], [1962, 1916], [1871, 1909]]),
            read("100mg", [[1877, 1894], [1967, 1901], [1964, 1946], [1874, 1939]]),
            read("Zinc (as Zinc Citrate)", [[1346, 1904], [1597, 1916], [1595, 1958], [1344, 1947]]),
            read("(as Mag", [[1483, 1904], [1560, 1904], [1560, 1933], [1483, 1933]], label="other"),
            read("2.5mg", [[1877, 1925], [1964, 1925], [1964, 1970], [1877, 1970]])]
    assert id(rows[4]) in echo_lines(rows) and id(rows[3]) not in echo_lines(rows)
    pull_row_partners(rows)
    assert rows[4].label == "other"
    found = {(i.name, i.quantity) for i in extract_ingredients([r for r in rows if r.label == "medicinal_ingredient"])}
    assert ("Zinc (as Zinc Citrate)", 2.5) in found


def test_a_row_under_a_longer_row_of_the_same_words_is_not_an_echo() -> None:
    """Loose small-print boxes reach into the next row: "Vitamin D" under "Vitamin D3 (as cholecalciferol)" is a
    row of its own."""
    from cyclops.extract.lines import echo_lines

    above = line("Vitamin D3 (as cholecalciferol)", 100, 400, 700, 470, "medicinal_ingredient")
    below = line("Vitamin D", 100, 440, 300, 500, "medicinal_ingredient")
    assert id(below) not in echo_lines([above, below])


def test_a_slash_between_two_english_words_is_one_name_not_a_translation() -> None:
    """Frog Fuel's "Probiotic/Prebiotic Blend 5B CFU" was cut to "Probiotic" as if "Prebiotic Blend" were its French
    name; "Vitamin D3/Vitamine D3" is still two languages."""
    from cyclops.extract.ingredients import primary_name

    assert primary_name("Probiotic/Prebiotic Blend") == "Probiotic/Prebiotic Blend"
    assert primary_name("Vitamin D3/Vitamine D3") == "Vitamin D3"
    assert primary_name("Fish Oil / Huile de poisson") == "Fish Oil"
    found = parse_ingredient_text("Probiotic/Prebiotic Blend ...... 5B CFU")
    assert found is not None and found.name == "Probiotic/Prebiotic Blend" and found.quantity == 5e9


def test_a_tilted_blend_row_with_its_amount_higher_ends_the_blend_above_it() -> None:
    """Frog Fuel's back (its boxes as read): the panel tilts, so the "500mg" of "Adaptogen Blend" sits 0.7 of a line
    higher than its name. Judged level without the slope, the row was not a row, and the probiotic blend above it
    took it and the lines under it as its members: "Adaptogen Blend 500 mg" was lost."""
    def read(text: str, box: list[list[int]], label: str) -> SourceLine:
        return SourceLine(text, image="img1", polygon=[(float(x), float(y)) for x, y in box], label=label, confidence=0.95)

    M = "medicinal_ingredient"
    lines = [read("Probiotic/Prebiotic Blend", [[1337, 2768], [1680, 2749], [1685, 2820], [1341, 2839]], M),
             read("5B CFU", [[1918, 2733], [2037, 2733], [2037, 2792], [1918, 2792]], M),
             read("Lactobacillus acidophilus, Bifidobacterium lactis,", [[1344, 2814], [1952, 2779], [1955, 2839], [1347, 2873]], "other"),
             read("Bifidobacterium bifidum", [[1341, 2846], [1660, 2832], [1663, 2891], [1344, 2905]], "other"),
             read("Adaptogen Blend", [[1342, 2917], [1592, 2908], [1595, 2962], [1344, 2972]], M),
             read("500mg", [[1935, 2879], [2024, 2879], [2024, 2929], [1935, 2929]], M),
             read("Reishi Mushroom (Ganoderma lucidum)(Fruiting Body)", [[1336, 2951], [2015, 2906], [2020, 2979], [1340, 3024]], "other")]
    members = blend_members(lines)
    probiotic = members[id(lines[0])]
    assert [m.text for m in probiotic] == ["Lactobacillus acidophilus, Bifidobacterium lactis,", "Bifidobacterium bifidum"]


def test_a_direction_that_says_blend_is_no_blend_and_its_echo_is_not_read_twice() -> None:
    """myBrainCo's directions (their boxes as read): "blend 1 scoop (10 g) into 200 mL of water" has a blend word and
    amounts, but a direction is no blend row, so the lines under it are not its members; and "dinner, blend I",
    boxed a second time by the fine detection pass, is not joined into the direction again."""
    from cyclops.extract import _post_rules
    from cyclops.extract.lines import echo_lines

    def read(text: str, box: list[list[int]]) -> SourceLine:
        return SourceLine(text, image="img1", polygon=[(float(x), float(y)) for x, y in box], label="caution", confidence=0.95)

    lines = [read("DIRECTIONS FOR USE Before breakfast or after", [[553, 1642], [1383, 1620], [1386, 1703], [556, 1726]]),
             read("dinner, blend I scoop (10 g) into 200 mL of water,", [[552, 1691], [1383, 1669], [1385, 1742], [554, 1763]]),
             read("dinner, blend I", [[558, 1696], [818, 1696], [818, 1754], [558, 1754]]),
             read("juice or a smoothie. For best results use daily.", [[532, 1730], [1333, 1712], [1334, 1791], [534, 1809]])]
    assert echo_lines(lines) == {id(lines[2])}
    assert blend_members(lines) == {}
    fields = fields_from_lines(_post_rules(lines))
    assert [d.text for d in fields.directions] == [
        "Before breakfast or after dinner, blend I scoop (10 g) into 200 mL of water, juice or a smoothie.",
        "For best results use daily."]
