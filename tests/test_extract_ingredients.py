"""Medicinal and non-medicinal ingredients: tables with dotted leaders (EN and FR), wrapped rows, inline lists."""

from __future__ import annotations

import pytest

from cyclops.extract.ingredients import extract_ingredients, pair_cells, parse_ingredient_text, pull_row_partners, split_inline
from cyclops.extract.lines import SourceLine
from cyclops.extract.non_medicinal import extract_non_medicinal, split_non_medicinal
from cyclops.model.ocr import rect


def cell(text: str, x0: float, y0: float, x1: float, y1: float, label: str = "medicinal_ingredient") -> SourceLine:
    """One OCR line of photo img1 at a box: the cells of the table fixtures below."""
    return SourceLine(text, image="img1", polygon=rect(x0, y0, x1, y1), label=label)


@pytest.mark.parametrize(
    ("row", "name", "quantity", "unit", "potency"),
    [
        ("Vitamin D3 (cholecalciferol) .......... 25 mcg (1000 IU)", "Vitamin D3 (cholecalciferol)", 25, "mcg", "1000 IU"),
        ("Vitamine D3 (cholécalciférol) ........ 25 µg (1 000 UI)", "Vitamine D3 (cholécalciférol)", 25, "mcg", "1 000 IU"),
        ("Vitamin C · · · · · · 2,5 mg", "Vitamin C", 2.5, "mg", None),
        ("Zinc (citrate) …… 1O mg", "Zinc (citrate)", 10, "mg", None),
        ("Vitamin D3 / Vitamine D3 ...... 1,000 IU", "Vitamin D3", 1000, "IU", None),
        ("Cholecalciferol / Cholécalciférol 2500 IU", "Cholecalciferol", 2500, "IU", None),
        # a digit that ends the name is not a thousands group nor half of a split number
        ("Menaquinone-7 / Ménaquinone-7 180 mcg", "Menaquinone-7", 180, "mcg", None),
        ("Menaquinone-7 / Ménaquinone-7 90 mcg", "Menaquinone-7", 90, "mcg", None),
        ("Vitamin B12 500 mcg", "Vitamin B12", 500, "mcg", None),
        ("Vitamin A ...... 10 000 IU", "Vitamin A", 10000, "IU", None),
        ("Lactobacillus acidophilus ____ 10 billion CFU", "Lactobacillus acidophilus", 10e9, "CFU", None),
        ("Ginkgo biloba (50:1, 120 mg)", "Ginkgo biloba", 120, "mg", "50:1 extract"),
        ("Ashwagandha (root) 4:1 extract equivalent to 1200 mg dried root 300 mg", "Ashwagandha (root)", 300, "mg",
         "4:1 extract, equivalent to 1200 mg"),
    ],
)
def test_table_rows(row: str, name: str, quantity: float, unit: str, potency: str | None) -> None:
    ing = parse_ingredient_text(row)
    assert ing is not None
    assert (ing.name, ing.quantity, ing.unit, ing.potency) == (name, pytest.approx(quantity), unit, potency)


def test_ratio_only_row_takes_dried_herb_equivalent_as_quantity() -> None:
    ing = parse_ingredient_text("Échinacée (racine) extrait 4:1 équivalent à 200 mg de plante séchée")
    assert ing.name == "Échinacée (racine) extrait" or ing.name.startswith("Échinacée")
    assert (ing.quantity, ing.unit) == (200, "mg") and "4:1" in ing.potency


def test_wrapped_rows_headings_and_continuations_english() -> None:
    lines = [
        SourceLine("Medicinal ingredients / Each capsule contains:", image="img1", language="en"),
        SourceLine("Turmeric (Curcuma longa, rhizome)", image="img1", polygon=rect(10, 100, 300, 120), language="en"),
        SourceLine("extract ......... 500 mg", image="img1", polygon=rect(10, 122, 300, 142), language="en"),
        SourceLine("(95% curcuminoids)", image="img1", polygon=rect(10, 144, 300, 164), language="en"),
        SourceLine("Black pepper (Piper nigrum) .... 5 mg", image="img1", polygon=rect(10, 166, 300, 186), language="en"),
    ]
    ings = extract_ingredients(lines)
    assert [(i.name, i.quantity, i.unit) for i in ings] == [
        ("Turmeric (Curcuma longa, rhizome) extract", 500, "mg"),
        ("Black pepper (Piper nigrum)", 5, "mg"),
    ]
    assert ings[0].potency == "95% curcuminoids"
    assert [e.polygon for e in ings[0].evidence] == [rect(10, 100, 300, 120), rect(10, 122, 300, 142), rect(10, 144, 300, 164)]


def test_bilingual_table_gives_one_ingredient_per_row_pair() -> None:
    lines = [
        SourceLine("Each tablet contains:", language="en"),
        SourceLine("Vitamin C ........ 500 mg", language="en"),
        SourceLine("Zinc (citrate) .... 10 mg", language="en"),
        SourceLine("Chaque comprimé contient :", language="fr"),
        SourceLine("Vitamine C ....... 500 mg", language="fr"),
        SourceLine("Zinc (citrate) .... 10 mg", language="fr"),
    ]
    ings = extract_ingredients(lines)
    assert [(i.name, i.quantity) for i in ings] == [("Vitamin C", 500), ("Zinc (citrate)", 10)]
    assert all(len(i.evidence) == 2 for i in ings)


def test_inline_list() -> None:
    ings = extract_ingredients(["Medicinal ingredients: Vitamin C 500 mg, Zinc (citrate, gluconate) 10 mg; Vitamin D3 1,000 IU."])
    assert [(i.name, i.quantity, i.unit) for i in ings] == [("Vitamin C", 500, "mg"), ("Zinc (citrate, gluconate)", 10, "mg"),
                                                            ("Vitamin D3", 1000, "IU")]


def test_split_inline_respects_brackets_and_numbers() -> None:
    assert split_inline("A (x, y) 1,000 IU, B 2,5 mg; C") == ["A (x, y) 1,000 IU", "B 2,5 mg", "C"]


def test_confidence_combines_ocr_and_classifier() -> None:
    ing = extract_ingredients([SourceLine("Vitamin C .... 500 mg", confidence=0.9, label_probability=0.5)])[0]
    assert ing.confidence == pytest.approx(0.45)


def test_non_medicinal_split_and_language_dedup() -> None:
    assert split_non_medicinal("Non-medicinal ingredients: cellulose, magnesium stearate (vegetable), silica.") == [
        "cellulose", "magnesium stearate (vegetable)", "silica"]
    lines = [
        SourceLine("Non-medicinal ingredients: Gelatin, Glycerin, Sunflower", language="en"),
        SourceLine("oil, Mixed tocopherols.", language="en"),
        SourceLine("Ingrédients non médicinaux : Gélatine, Glycérine, Huile de", language="fr"),
        SourceLine("tournesol, Tocophérols mélangés.", language="fr"),
    ]
    names = [n.name for n in extract_non_medicinal(lines)]
    assert names == ["Gelatin", "Glycerin", "Sunflower oil", "Mixed tocopherols"]


def test_non_medicinal_french_only() -> None:
    names = [n.name for n in extract_non_medicinal([SourceLine("Ingrédients non médicinaux : cellulose, silice", language="fr")])]
    assert names == ["cellulose", "silice"]


def test_table_cells_read_as_separate_lines_are_joined() -> None:
    lines = [
        cell("600 mg", 1263, 189, 1360, 232),
        cell("Magnesium / Magnésium", 205, 225, 653, 268),
        cell("... 100 mg", 1248, 228, 1360, 269),
        cell("Zinc…………", 208, 269, 345, 303),
        cell("… 5 0 mg", 1255, 267, 1359, 307),
        cell("Cholecalciferol / Cholécalciférol", 205, 298, 648, 341, label="recommended_use"),
        cell("10 mcg", 1268, 309, 1357, 344),
    ]
    pull_row_partners(lines)
    assert lines[5].label == "medicinal_ingredient"
    ings = extract_ingredients([line for line in lines if line.label == "medicinal_ingredient"])
    # the orphan "600 mg" (its name was not read) gives no invented ingredient
    assert [(i.name, i.quantity, i.unit) for i in ings] == [("Magnesium", 100, "mg"), ("Zinc", 50, "mg"), ("Cholecalciferol", 10, "mcg")]
    assert ings[0].evidence[0].polygon == rect(205, 225, 1360, 269)


def _tilted(x0: float, y0: float, x1: float, height: float, slope: float) -> list[tuple[float, float]]:
    """A line's quad as OCR gives it on a photo turned a little: top edge rising or falling with ``slope``."""
    dy = slope * (x1 - x0)
    return [(x0, y0), (x1, y0 + dy), (x1, y0 + dy + height), (x0, y0 + height)]


def test_tilted_photo_pairs_each_amount_with_its_own_row() -> None:
    # rows 40 px apart; over 1200 px a -3 % slope lifts the amount cells by a whole row
    slope = -0.03
    lines = [
        SourceLine("Each tablet contains: / Chaque comprimé contient :", image="img1",
                   polygon=_tilted(130, 140, 820, 38, slope), label="medicinal_ingredient"),
        cell("Calcium", 130, 181, 245, 219),
        SourceLine("Cholecalciferol / Cholécalciférol", image="img1", polygon=_tilted(130, 221, 520, 38, slope),
                   label="medicinal_ingredient"),
        cell("500 mg", 1340, 141, 1447, 184),
        cell("400 IU", 1350, 177, 1447, 220),
    ]
    ings = extract_ingredients(lines, {"img1": slope})
    assert [(i.name, i.quantity, i.unit) for i in ings] == [("Calcium", 500, "mg"), ("Cholecalciferol", 400, "IU")]


def test_table_rows_the_classifier_missed_join_the_table() -> None:
    lines = [
        cell("Each capsule contains: / Chaque capsule contient :", 140, 80, 730, 120, label="other"),
        # first row right under the heading, labelled as a claim
        SourceLine("Glucosamine sulfate / Sulfate de glucosamine ..", image="img1", polygon=rect(140, 124, 760, 160),
                   label="recommended_use"),
        cell(".. 500 mg", 1370, 124, 1478, 160, label="recommended_use"),
        # second row: amount labelled, name not
        SourceLine("Chondroitin sulfate / Sulfate de chondroïtine", image="img1", polygon=rect(140, 164, 760, 200),
                   label="non_medicinal_ingredient"),
        cell("400 mg", 1370, 164, 1478, 200),
        # third row read as one line, filed as the product name: continues the table
        SourceLine("Methylsulfonylmethane / Méthylsulfonylméthane 250 mg", image="img1", polygon=rect(140, 204, 900, 240),
                   label="product_name"),
        cell("Recommended use:", 140, 280, 400, 316, label="other"),
        cell("Take 2 capsules (500 mg) daily.", 140, 320, 700, 356, label="dose"),
    ]
    pull_row_partners(lines)
    assert [line.label for line in lines] == ["other"] + ["medicinal_ingredient"] * 5 + ["other", "dose"]
    ings = extract_ingredients([line for line in lines if line.label == "medicinal_ingredient"])
    assert [(i.name, i.quantity) for i in ings] == [
        ("Glucosamine sulfate", 500), ("Chondroitin sulfate", 400), ("Methylsulfonylmethane", 250)]


def test_english_name_cut_off_at_the_edge_gives_the_french_name() -> None:
    ing = parse_ingredient_text("ium / Magnésium ..... 250 mg")
    assert (ing.name, ing.quantity, ing.unit) == ("Magnésium", 250, "mg")
    # an unknown English name is kept when the French half is no better known
    assert parse_ingredient_text("Ziziphus jujuba / Jujubier 50 mg").name == "Ziziphus jujuba"


@pytest.mark.parametrize("heading", ["Each drops contains: / Chaque goutte contient :", "psule contains: / Chaque capsule contient :",
                                     "Each 5 mL contains:", "ch lozenge contains: / Chaque pastille contient :"])
def test_dose_unit_headings_are_not_ingredients(heading: str) -> None:
    ings = extract_ingredients([SourceLine(heading), SourceLine("Melatonin / Mélatonine ..... 1 mg")])
    assert [(i.name, i.quantity) for i in ings] == [("Melatonin", 1)]


def test_homeopathic_dilution_is_a_quantity() -> None:
    ing = parse_ingredient_text("Arnica montana .... 5 CH")
    assert (ing.name, ing.quantity, ing.unit) == ("Arnica montana", 5, "CH")


def test_rows_keep_their_order_when_perspective_bends_them() -> None:
    # a photo in perspective: the short names' own slope overshoots, so both names sit nearest the lower amount
    lines = [
        SourceLine("Calcium", image="img1", polygon=[(170, 180), (382, 192), (380, 231), (168, 219)], label="medicinal_ingredient"),
        SourceLine("Magnesium / Magnésium", image="img1", polygon=[(166, 223), (496, 237), (494, 278), (164, 264)],
                   label="medicinal_ingredient"),
        cell(". 500 mg", 1375, 222, 1493, 264),
        SourceLine(".… 100 mg", image="img1", polygon=[(1355, 264), (1487, 270), (1485, 311), (1353, 305)],
                   label="medicinal_ingredient"),
    ]
    ings = extract_ingredients(lines, {"img1": 0.05})
    assert [(i.name, i.quantity) for i in ings] == [("Calcium", 500), ("Magnesium", 100)]


@pytest.mark.parametrize(("row", "name"), [("Cholecalciferol Cholécalciférol … 400 IU", "Cholecalciferol"),
                                           ("Vitamin C Vitamine C 500 mg", "Vitamin C"),
                                           ("Lactobacillus acidophilus 5 billion CFU", "Lactobacillus acidophilus")])
def test_bilingual_name_without_its_slash_keeps_the_english_half(row: str, name: str) -> None:
    assert parse_ingredient_text(row).name == name


def test_amount_read_as_zero_is_no_amount() -> None:
    ing = parse_ingredient_text("Echinacea purpurea .00 mg (5:1 extract, equivalent to 2 mg dried herb)")
    assert ing.name == "Echinacea purpurea" and ing.quantity is None and ing.unit is None


@pytest.mark.parametrize(("row", "quantity"), [("Melatonin / Mélatonine ... … 0. 5 mg", 0.5), ("Mélatonine ..... 0, 5 mg", 0.5)])
def test_space_after_the_decimal_point_of_an_amount_below_one(row: str, quantity: float) -> None:
    ing = parse_ingredient_text(row)
    assert ing is not None and ing.quantity == quantity and ing.unit == "mg"


@pytest.mark.parametrize("row", ["e pastille contient : ... . . .5 mg", "ch capsule contains ..... 5 mg"])
def test_a_cut_heading_is_not_an_ingredient(row: str) -> None:
    assert parse_ingredient_text(row) is None


def test_short_cells_with_tilted_boxes_pair_with_their_own_row() -> None:
    # OCR boxes of a short word with an ellipsis lean by a few pixels; over 1,100 px that lean
    # would put "Calcium" level with the next row's amount
    lines = [
        SourceLine("Calcium…", image="img1", polygon=[(136, 184), (325, 190), (324, 229), (135, 223)], label="medicinal_ingredient"),
        cell("Magnesium / Magnésium ...", 135, 225, 505, 264),
        SourceLine(".. 600 mg", image="img1", polygon=[(1315, 182), (1441, 188), (1439, 229), (1313, 223)], label="medicinal_ingredient"),
        SourceLine(". 150 mg", image="img1", polygon=[(1321, 221), (1440, 225), (1439, 268), (1320, 264)], label="medicinal_ingredient"),
    ]
    ings = extract_ingredients(lines, {"img1": 0.0})
    assert [(i.name, i.quantity) for i in ings] == [("Calcium", 600), ("Magnesium", 150)]


def test_a_name_whose_leader_runs_into_its_amount_still_pairs_with_it() -> None:
    # a small photo (rows 13 px apart): the Pyridoxine row's dots end 4 px inside its amount's box;
    # refused as a partner, its amount went to the row above and the two amounts swapped
    lines = [
        SourceLine("Calcium D-pantothenate / D-pantothénate de calcium ......", image="img1",
                   polygon=[(56, 294), (287, 300), (287, 316), (55, 310)], label="medicinal_ingredient"),
        cell("50 mg", 424, 304, 470, 320),
        SourceLine("Pyridoxine hydrochloride /Chlorhydrate de pyridoxine ......", image="img1",
                   polygon=[(53, 305), (420, 313), (420, 333), (53, 324)], label="medicinal_ingredient"),
        cell("10 mg", 416, 317, 470, 332),
    ]
    ings = extract_ingredients(lines, {"img1": 0.025})
    assert [(i.name, i.quantity) for i in ings] == [("Calcium D-pantothenate", 50), ("Pyridoxine hydrochloride", 10)]


def test_rows_follow_the_slope_of_their_own_face_in_a_photo_of_two() -> None:
    # two faces side by side, tilted opposite ways: the right (French) face has more long lines, so the
    # photo's median slope tilts the wrong way for the table on the left; the lines near it do not
    from cyclops.extract.lines import TextSlopes

    def quad(text: str, pts: list[tuple[int, int]], label: str = "medicinal_ingredient") -> SourceLine:
        return SourceLine(text, image="img1", polygon=pts, label=label)

    table = [
        quad("600 mg", [(688, 369), (747, 374), (745, 399), (686, 395)]),
        quad("Calcium ....", [(60, 397), (138, 397), (138, 419), (60, 419)]),
        quad("250 mg", [(693, 394), (747, 394), (747, 418), (693, 418)]),
        quad("Magnesium / Magnésium ......", [(58, 416), (254, 409), (255, 433), (59, 440)]),
        quad(".50 mg", [(698, 412), (747, 412), (747, 436), (698, 436)]),
        quad("Zinc ..", [(62, 438), (122, 438), (122, 457), (62, 457)]),
        quad("25μg", [(704, 427), (749, 432), (746, 459), (701, 454)]),
        quad("Cholecalciferol / Cholécalciférol ......", [(58, 452), (293, 445), (294, 472), (59, 479)]),
    ]
    left = [quad("Helps in the development and maintenance of bones and teeth.", [(58, 498), (423, 485), (424, 513), (59, 525)], "recommended_use"),
            quad("A factor in the maintenance of good health.", [(61, 520), (318, 511), (319, 538), (62, 547)], "recommended_use")]
    right = [quad(f"Ligne française numéro {k} du panneau de droite", [(880, 400 + 30 * k), (1280, 411 + 30 * k),
                                                                   (1280, 439 + 30 * k), (880, 428 + 30 * k)], "caution")
             for k in range(8)]
    ings = extract_ingredients(table, TextSlopes.of(table + left + right))
    assert [(i.name, i.quantity) for i in ings] == [("Calcium", 600), ("Magnesium", 250), ("Zinc", 50), ("Cholecalciferol", 25)]


def test_rows_of_a_curved_bottle_follow_the_lines_printed_across_the_panel() -> None:
    """MaryRuth's panel, as read from the photo saved again (JPEG quality 92): on the curved bottle the name cells
    slope up to the right (-0.03 to -0.045) while their rows run almost level to the amounts. Along the names'
    own slopes, Calcium, Magnesium, Zinc and Selenium each took the amount of the row above; the panel's title
    above (0.046) and its footnote below (-0.013), printed across both columns, give the rows' chord."""
    from cyclops.extract.lines import TextSlopes

    def quad(text: str, points: list[tuple[int, int]], label: str = "medicinal_ingredient") -> SourceLine:
        return SourceLine(text, image="img1", polygon=[(float(x), float(y)) for x, y in points], label=label)

    panel = [
        quad("lamin D (as Cholecalciterol)", [(728, 1634), (1221, 1616), (1224, 1687), (730, 1705)], "caution"),
        quad("20 mog (800 10)", [(1483, 1615), (1779, 1635), (1773, 1718), (1477, 1698)]),
        quad("Caloum (as Calcium Citrate)", [(710, 1692), (1199, 1670), (1203, 1741), (714, 1764)], "other"),
        quad("120mg", [(1568, 1682), (1723, 1693), (1718, 1768), (1562, 1757)]),
        quad("Vagesium (as Magnesium Citrate)", [(711, 1746), (1350, 1728), (1352, 1800), (713, 1817)]),
        quad("95mg", [(1569, 1732), (1715, 1744), (1708, 1823), (1562, 1811)]),
        quad("Znc (as Zinc Citrate)", [(715, 1801), (1046, 1786), (1049, 1857), (718, 1872)], "caution"),
        quad("8 mg", [(1579, 1785), (1708, 1799), (1699, 1878), (1570, 1864)]),
        quad("Selenium (as Seleniu", [(720, 1858), (1044, 1858), (1044, 1917), (720, 1917)], "other"),
        quad("um Amino Acid Chelate)", [(1018, 1854), (1517, 1854), (1517, 1921), (1018, 1921)], "caution"),
        quad("50 mcg", [(1564, 1844), (1719, 1856), (1713, 1931), (1558, 1919)]),
        quad("Copper (i's Copper Citrate)", [(711, 1913), (1175, 1904), (1177, 1975), (713, 1984)], "caution"),
        quad("0.05 mg", [(1555, 1894), (1723, 1906), (1718, 1985), (1549, 1973)]),
    ]
    across = [quad("Supplement Facts", [(650, 917), (1922, 976), (1922, 1275), (650, 1217)], "other"),
              quad("Percent Daily Values (DV) are based on a 2,000 calorie diet.",
                   [(694, 2388), (1807, 2374), (1807, 2516), (694, 2530)], "other")]
    pairs = pair_cells(panel, TextSlopes.of(panel + across))
    assert {panel[i].text: [panel[j].text for j in names] for i, names in pairs.items()} == {
        "20 mog (800 10)": ["lamin D (as Cholecalciterol)"], "120mg": ["Caloum (as Calcium Citrate)"],
        "95mg": ["Vagesium (as Magnesium Citrate)"], "8 mg": ["Znc (as Zinc Citrate)"],
        "50 mcg": ["Selenium (as Seleniu", "um Amino Acid Chelate)"], "0.05 mg": ["Copper (i's Copper Citrate)"]}


def test_a_bare_percentage_is_no_row_s_amount_even_outside_a_known_panel() -> None:
    """MaryRuth's panel tilted 4 degrees: its "%DV" header was not found, so nothing marked the % Daily Value column,
    and Calcium's row took "100 %" level with it instead of "120mg" a little below."""
    lines = [cell("Calcium (as Calcium Citrate)", 700, 1700, 1200, 1760), cell("120mg", 1560, 1740, 1720, 1800),
             cell("100 %", 1780, 1705, 1850, 1755, label="other")]
    ings = extract_ingredients(lines, {"img1": 0.06})
    assert [(i.name, i.quantity, i.unit) for i in ings] == [("Calcium (as Calcium Citrate)", 120, "mg")]


def test_a_whole_row_is_not_the_name_cell_of_the_amount_below() -> None:
    lines = [
        cell("Calcium 600 mg", 100, 100, 400, 130),
        cell("Zinc 15 mg", 100, 135, 300, 165),
        cell("Magnesium / Magnésium", 320, 138, 600, 168),
        cell("150 mg", 1000, 140, 1080, 170),
    ]
    ings = extract_ingredients(lines, {"img1": 0.0})
    assert sorted((i.name, i.quantity) for i in ings) == [("Calcium", 600), ("Magnesium", 150), ("Zinc", 15)]


def test_a_line_of_another_column_level_with_a_row_is_not_its_name() -> None:
    # the front panel's brand sits level with a table row printed beside it
    lines = [
        SourceLine("Aurora", image="img0", polygon=rect(88, 263, 159, 294), label="medicinal_ingredient"),
        SourceLine("Ascorbic acid / Acide ascorbique", image="img0", polygon=rect(591, 268, 780, 294), label="medicinal_ingredient"),
        SourceLine("250 mg", image="img0", polygon=rect(1017, 270, 1062, 294), label="medicinal_ingredient"),
    ]
    ings = extract_ingredients(lines, {"img0": 0.0})
    assert [(i.name, i.quantity) for i in ings][-1] == ("Ascorbic acid", 250)
    assert all("Aurora" not in i.name for i in ings)


def test_a_stray_line_far_above_does_not_prefix_the_next_row() -> None:
    lines = [
        SourceLine("Fundy Coast Vitamin D3", image="img0", polygon=rect(60, 434, 394, 485), label="medicinal_ingredient"),
        SourceLine("Cholecalciferol ........ 2500 IU", image="img0", polygon=rect(860, 900, 1500, 935), label="medicinal_ingredient"),
    ]
    ings = extract_ingredients(lines, {"img0": 0.0})
    assert ("Cholecalciferol", 2500) in [(i.name, i.quantity) for i in ings]


def test_a_line_of_another_column_does_not_push_each_row_onto_its_neighbour_s_amount() -> None:
    """As on the real Gut Repair panel: a sentence of the column on the left sits a little above Zinc's row. Forcing
    every name cell to take an amount made it take Zinc's "1.2 mg" and pushed Zinc onto Sodium's "0mg" below:
    a name may stay unpaired."""
    def cell(text: str, x0: float, y0: float, x1: float, y1: float) -> SourceLine:
        return SourceLine(text, image="back", polygon=rect(x0, y0, x1, y1), label="medicinal_ingredient", confidence=0.95)

    lines = [cell("Zinc (from inactive Saccharomyces ce", 1376, 2183, 1944, 2263), cell("1.2 mg", 1960, 2192, 2161, 2262),
             cell("0mg", 2058, 2245, 2165, 2305),
             cell("Tree Nuts, Soy, Artificial Colors, Flavors or", 520, 2150, 1368, 2220)]  # its column is read apart
    pairs = pair_cells(lines)
    assert pairs == {1: [0]}


@pytest.mark.parametrize("row, quantity, unit, potency", [
    ("Green Tea Extract (50% EGCG) 100 mg", 100, "mg", "(50% EGCG)"),
    ("Pomegranate (Punica granatum) Inner Leaf Extract (5:1) (10% Punicalagin) 100 mg", 100, "mg",
     "(5:1) (10% Punicalagin)"),
    ("Pine Bark Extract [98% Proanthocyanidins]", None, None, "[98% Proanthocyanidins]"),
])
def test_a_standardisation_before_the_amount_is_its_potency(row: str, quantity: float | None, unit: str | None,
                                                            potency: str) -> None:
    ing = parse_ingredient_text(row)
    assert (ing.quantity, ing.unit, ing.potency) == (quantity, unit, potency)


def test_a_name_wrapped_under_its_first_line_follows_it() -> None:
    """Real Gut Repair: "Inner Leaf Extract", level with the amount too, starts a pixel left of "Pomegranate" above it;
    the row still reads top first."""
    def cell(text: str, x0: float, y0: float, x1: float, y1: float) -> SourceLine:
        return SourceLine(text, image="back", polygon=rect(x0, y0, x1, y1), label="medicinal_ingredient", confidence=0.95)

    lines = [cell("Pomegranate (Punica granatum)", 1368, 2871, 1897, 2946), cell("100mg", 2131, 2862, 2254, 2938),
             cell("Inner Leaf Extract (5:1) (10% Punicalagin)", 1367, 2890, 2025, 2975)]
    [ing] = extract_ingredients(lines)
    assert ing.name.startswith("Pomegranate") and "Inner Leaf Extract" in ing.name
    assert (ing.quantity, ing.unit) == (100, "mg")


@pytest.mark.parametrize("row, kept", [("lningSus 2caosules 1g)", False), ("Serving Size 2 Capsules (1 g)", False),
                                       ("Vitamin B12 500 mcg", True), ("Omega-3 2 g", True), ("Lactobacillus 2 billion CFU", True)])
def test_a_serving_size_read_garbled_is_no_ingredient(row: str, kept: bool) -> None:
    """Real Root Sculpt: "Serving Size 2 capsules (1 g)" read as "lningSus 2caosules 1g)"."""
    assert bool(extract_ingredients([row])) is kept


def test_an_amount_level_with_the_last_line_of_a_name_block_belongs_to_its_first_line() -> None:
    """Real Vita PLynxera panel (boxes as read): "Turmeric" (filed as non-medicinal) / "(Curcuma longa) extract(root)" /
    "(Standardized to 95% curcuminoids)" with "100 mg" level with the last line; the row is Turmeric's."""
    def cell(text: str, x0: float, y0: float, x1: float, y1: float, label: str = "medicinal_ingredient") -> SourceLine:
        return SourceLine(text, image="back", polygon=rect(x0, y0, x1, y1), label=label, confidence=0.95)

    lines = [cell("Ceylon Cinnamon", 974, 1494, 1280, 1585), cell("200 mg", 1550, 1540, 1698, 1614),
             cell("(from Cinnamomum verum bark)", 984, 1541, 1355, 1604),
             cell("Turmeric", 979, 1586, 1156, 1655, "non_medicinal_ingredient"),
             cell("(Curcuma longa) extract(root)", 976, 1625, 1317, 1688, "other"),
             cell("(Standardized to 95% curcuminoids)", 975, 1658, 1466, 1734), cell("100 mg", 1549, 1661, 1690, 1743)]
    pull_row_partners(lines)
    rows = extract_ingredients([line for line in lines if line.label == "medicinal_ingredient"])
    assert [(ing.name.split()[0], ing.quantity) for ing in rows] == [("Ceylon", 200), ("Turmeric", 100)]


def test_an_amount_after_a_bracketed_count_of_live_cells_is_the_quantity():
    """myBrainCo's panel: "Saccharomyces boulardii (5 Billion CFU)" then "250 mg" in the amount column."""
    from cyclops.extract.ingredients import parse_ingredient_text

    ing = parse_ingredient_text("Saccharomyces boulardii (5 Billion CFU) 250 mg")
    assert (ing.name, ing.quantity, ing.unit, ing.potency) == ("Saccharomyces boulardii", 250, "mg", "(5 Billion CFU)")
    alone = parse_ingredient_text("Bacillus coagulans (2 Billion CFU)")
    assert (alone.quantity, alone.unit) == (2e9, "CFU")  # no amount after it: the count is the amount


def test_a_b_vitamin_whose_subscript_was_lost_is_numbered_by_its_source():
    """Frog Fuel prints "Vitamin B₆ (as Pyridoxine HCl)"; OCR read "Vitamin B. (as Pyridoxine HCI)"."""
    from cyclops.extract.ingredients import numbered_b_vitamin, parse_ingredient_text

    ing = parse_ingredient_text("Vitamin B. (as Pyridoxine HCI) 2 mg")
    assert (ing.name, ing.quantity, ing.unit) == ("Vitamin B6 (as Pyridoxine HCI)", 2, "mg")
    assert ing.as_read == "Vitamin B. (as Pyridoxine HCI)"  # the text as read stays beside the repair
    assert numbered_b_vitamin("Vitamin B (as Methylcobalamin)") == "Vitamin B12 (as Methylcobalamin)"
    assert numbered_b_vitamin("Vitamine B (pyridoxine)") == "Vitamine B6 (pyridoxine)"
    for kept in ("Vitamin B12 (as Methylcobalamin)", "Vitamin B Complex", "Vitamin B (as unknown blend)"):
        assert numbered_b_vitamin(kept) == kept
