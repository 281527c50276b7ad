"""Every flag code fires on a minimal violating label and stays silent on the compliant one."""

from __future__ import annotations

import pytest

from cyclops.compare.params import ComparisonParams
from cyclops.flags import raise_flags
from cyclops.flags.messages import MESSAGES
from cyclops.flags.params import DEFAULT_FLAGS, FlagParams
from cyclops.flags.registry import RULES
from cyclops.lnhpd.records import (
    LicenceBundle,
    MedicinalIngredient,
    ProductLicence,
    ProductPurpose,
    ProductRisk,
    ProductRoute,
)
from cyclops.model.analysis import (
    Evidence,
    Fields,
    FieldValue,
    Ingredient,
    LabelledLine,
    Match,
    NonMedicinalIngredient,
    TextItem,
)
from cyclops.model.ocr import rect

LID = 1234567
NPN = "80012345"


def licence(language: str = "en", active: bool = True) -> LicenceBundle:
    fr = language == "fr"
    return LicenceBundle(
        language=language,
        licence=ProductLicence(lnhpd_id=LID, licence_number=NPN, product_name="Sunny Vitamin D3 1000 IU",
                               company_name="Maple Naturals Inc.", dosage_form="Tablet" if not fr else "Comprimé",
                               flag_product_status=1 if active else 0),
        medicinal_ingredients=[
            MedicinalIngredient(lnhpd_id=LID, ingredient_name="Cholécalciférol" if fr else "Cholecalciferol",
                                quantity=25, quantity_unit_of_measure="µg"),
            MedicinalIngredient(lnhpd_id=LID, ingredient_name="Carbonate de calcium" if fr else "Calcium carbonate",
                                quantity=1250, quantity_unit_of_measure="mg", potency_amount=500,
                                potency_unit_of_measure="mg", potency_constituent="Calcium"),
        ],
        purposes=[
            ProductPurpose(lnhpd_id=LID, purpose=("Aide au développement et au maintien des os et des dents." if fr else
                                                  "Helps in the development and maintenance of bones and teeth.")),
            ProductPurpose(lnhpd_id=LID, purpose=("Aide à prévenir la carence en vitamine D." if fr else
                                                  "Helps to prevent vitamin D deficiency.")),
        ],
        risks=[ProductRisk(lnhpd_id=LID, risk_text=(
            "Consultez un praticien de soins de santé avant l'usage si vous avez des calculs rénaux." if fr else
            "Consult a health care practitioner prior to use if you have kidney stones."))],
        routes=[ProductRoute(lnhpd_id=LID, route_type_desc="Orale" if fr else "Oral")],
    )


def ev(text: str, y: int = 0) -> list[Evidence]:
    return [Evidence(image="img0", polygon=rect(10, y, 300, y + 20), text=text)]


def compliant_fields() -> Fields:
    return Fields(
        npn=FieldValue(value=NPN, confidence=0.95, evidence=ev("NPN 80012345")),
        product_name=FieldValue(value="Sunny Vitamin D3 1000 IU", confidence=0.9, evidence=ev("Sunny Vitamin D3 1000 IU", 30)),
        brand=FieldValue(value="Sunny"),
        company=FieldValue(value="Maple Naturals Inc.", evidence=ev("Maple Naturals Inc.", 60)),
        medicinal_ingredients=[
            Ingredient(name="Vitamin D3 (Cholecalciferol)", quantity=1000, unit="IU", evidence=ev("Vitamin D3 ... 1000 IU", 90)),
            Ingredient(name="Calcium (Calcium carbonate)", quantity=500, unit="mg", evidence=ev("Calcium ... 500 mg", 120)),
        ],
        non_medicinal_ingredients=[NonMedicinalIngredient(name="Microcrystalline cellulose")],
        recommended_uses=[
            TextItem(text="Helps in the development and maintenance of bones and teeth.", language="en", evidence=ev("uses", 150)),
            TextItem(text="Helps to prevent vitamin D deficiency.", language="en"),
            TextItem(text="Aide au développement et au maintien des os et des dents.", language="fr"),
            TextItem(text="Aide à prévenir la carence en vitamine D.", language="fr"),
        ],
        directions=[TextItem(text="Adults: take 1 tablet daily with food.", language="en"),
                    TextItem(text="Adultes : prendre 1 comprimé par jour avec de la nourriture.", language="fr")],
        cautions=[TextItem(text="Consult a health care practitioner prior to use if you have kidney stones.", language="en"),
                  TextItem(text="Consultez un praticien de soins de santé avant l'usage si vous avez des calculs rénaux.",
                           language="fr")],
    )


def exact_match() -> Match:
    return Match(lnhpd_id=LID, licence_number=NPN, method="npn_exact", score=1.0)


def flags_for(fields: Fields, match: Match | None = None, active: bool = True, lines: list[LabelledLine] | None = None,
              with_licence: bool = True) -> list:
    en, fr = (licence("en", active), licence("fr", active)) if with_licence else (None, None)
    return raise_flags(fields, match or exact_match(), en, fr, lines or [])


def codes(flags: list) -> list[str]:
    return [f.code for f in flags]


def test_compliant_label_raises_nothing() -> None:
    assert flags_for(compliant_fields()) == []


def test_every_code_has_bilingual_messages() -> None:
    for code, msg in MESSAGES.items():
        assert msg.severity in ("high", "medium", "low")
        assert msg.en and msg.fr and msg.en != msg.fr, code


def test_npn_missing() -> None:
    f = compliant_fields()
    f.npn = FieldValue()
    flags = flags_for(f, Match(method="search", lnhpd_id=LID, licence_number=NPN, score=0.9))
    assert codes(flags) == ["NPN_MISSING"]
    assert flags[0].severity == "high" and "NPN" in flags[0].message and "NPN" in flags[0].message_fr


def test_npn_illegible_with_partial_number() -> None:
    f = compliant_fields()
    f.npn = FieldValue(value=None, confidence=0.2, evidence=ev("NPN 8001"))
    flags = flags_for(f, Match(method="search", lnhpd_id=LID, licence_number=NPN, score=0.9))
    assert codes(flags) == ["NPN_ILLEGIBLE"]
    assert flags[0].evidence[0].text == "NPN 8001" and "8001" in flags[0].message


def test_npn_illegible_as_marked_by_the_extractor_or_seen_in_lines() -> None:
    f = compliant_fields()
    f.npn = FieldValue(value=None, confidence=0.1, evidence=ev("NPN 800"), illegible=True)
    assert codes(flags_for(f)) == ["NPN_ILLEGIBLE"]
    f.npn = FieldValue()
    line = LabelledLine(image="img2", polygon=rect(0, 0, 9, 9), text="NPN 8001 2", label="npn")
    flags = flags_for(f, lines=[line])
    assert codes(flags) == ["NPN_ILLEGIBLE"] and flags[0].evidence[0].image == "img2"
    # a stray line the classifier called npn but with no prefix or number is no evidence of one
    stray = LabelledLine(image="img2", polygon=rect(0, 0, 9, 9), text="Lot", label="npn")
    assert codes(flags_for(f, lines=[stray])) == ["NPN_MISSING"]


def test_npn_not_found() -> None:
    f = compliant_fields()
    f.npn.value = "80999999"
    assert codes(flags_for(f, Match(method="none"), with_licence=False)) == ["NPN_NOT_FOUND"]
    # one digit away from the matched licence: an OCR slip, not a violation
    f.npn.value = "80012346"
    assert "NPN_NOT_FOUND" not in codes(flags_for(f, Match(method="search", lnhpd_id=LID, licence_number=NPN, score=0.9)))


def test_licence_inactive() -> None:
    flags = flags_for(compliant_fields(), active=False)
    assert codes(flags) == ["LICENCE_INACTIVE"]
    assert NPN in flags[0].message and flags[0].licence_field == "productlicence.flag_product_status"


def test_product_name_mismatch_but_ocr_noise_tolerated() -> None:
    f = compliant_fields()
    f.product_name.value = "Sunny Vitarnin D3 1OOO IU"  # OCR slips
    assert flags_for(f) == []
    f.product_name.value = "Moonlight Sleep Formula"
    flags = flags_for(f)
    assert codes(flags) == ["PRODUCT_NAME_MISMATCH"]
    assert flags[0].evidence and flags[0].licence_field == "productlicence.product_name"


def test_a_name_cut_short_is_not_another_name() -> None:
    f = compliant_fields()
    f.product_name.value = "unny Vi"  # the photo's edge cut "Sunny Vitamin D3 1000 IU"
    assert flags_for(f) == []
    f.product_name.value = "Sunny Zinc"  # a piece of nothing licensed
    assert codes(flags_for(f)) == ["PRODUCT_NAME_MISMATCH"]


def test_a_name_read_unsurely_is_not_called_different() -> None:
    f = compliant_fields()
    f.product_name = FieldValue(value="Rid n n d ar", confidence=0.47, evidence=ev("Rid n n d ar", 30))
    line = LabelledLine(image="img0", polygon=rect(10, 30, 300, 50), text="Rid n n d ar", label="product_name", confidence=0.47)
    assert flags_for(f, lines=[line]) == []  # smeared print, read at 0.47: not a name to compare
    line.confidence = 0.9
    assert codes(flags_for(f, lines=[line])) == ["PRODUCT_NAME_MISMATCH"]


def test_npn_is_not_called_missing_on_a_label_that_was_not_read() -> None:
    f = compliant_fields()
    f.npn = FieldValue()
    assert codes(flags_for(f)) == ["NPN_MISSING"]
    f.recommended_uses, f.directions, f.cautions = [], [], []
    debris = [LabelledLine(image="img0", polygon=rect(0, 20 * k, 200, 20 * k + 18), text=t, label="recommended_use",
                           confidence=0.3) for k, t in enumerate(["Aput ie e oe es e : or", "Hes e o e e e eth"])]
    assert "NPN_MISSING" not in codes(flags_for(f, lines=debris))


def test_company_mismatch() -> None:
    f = compliant_fields()
    f.company.value = "MAPLE NATURALS LTD"  # same company, other suffix
    assert flags_for(f) == []
    f.company.value = "Northern Pharma Corp."
    assert codes(flags_for(f)) == ["COMPANY_MISMATCH"]
    f.company.value = ":SU0/19811q"  # OCR debris is not a different company
    assert flags_for(f) == []
    f.company.value = "Naturals Inc."  # the photo's edge cut the name's start
    assert flags_for(f) == []


def test_ingredient_not_on_label() -> None:
    """Only once the ingredient list was read (another licensed ingredient paired)."""
    f = compliant_fields()
    f.medicinal_ingredients = f.medicinal_ingredients[:1]
    flags = flags_for(f)
    assert codes(flags) == ["INGREDIENT_NOT_ON_LABEL"]
    assert "Calcium carbonate" in flags[0].message
    # printed but missed by the extractor: the OCR line proves it is on the label
    line = LabelledLine(image="img0", polygon=rect(0, 0, 9, 9), text="Calcium carbonate 1250 mg", label="other")
    assert flags_for(f, lines=[line]) == []


def test_ingredient_not_licensed() -> None:
    f = compliant_fields()
    f.medicinal_ingredients.append(Ingredient(name="Ashwagandha root extract", quantity=300, unit="mg", confidence=0.9,
                                              evidence=ev("Ashwagandha 300 mg", 200)))
    flags = flags_for(f)
    assert codes(flags) == ["INGREDIENT_NOT_LICENSED"]
    assert flags[0].evidence[0].text == "Ashwagandha 300 mg"


def test_a_name_read_unsurely_is_not_called_unlicensed() -> None:
    f = compliant_fields()
    row = Ingredient(name="Ec É", quantity=300, unit="mg", confidence=0.28, evidence=ev("Ec É ... 300 mg", 200))
    f.medicinal_ingredients.append(row)
    assert flags_for(f) == []  # a row joined from cells: its own confidence speaks for it
    # the photo line it cites decides when there is one
    sure = LabelledLine(image="img0", polygon=rect(10, 200, 300, 220), text="Ec É ... 300 mg", confidence=0.9)
    assert codes(flags_for(f, lines=[sure])) == ["INGREDIENT_NOT_LICENSED"]
    row.evidence = []  # typed in by the analyst: always judged
    assert codes(flags_for(f)) == ["INGREDIENT_NOT_LICENSED"]


def test_a_garbled_name_with_the_licensed_amount_is_that_ingredient() -> None:
    f = compliant_fields()
    f.medicinal_ingredients[1] = Ingredient(name="Cacmcarbmc", quantity=1250, unit="mg", confidence=0.9,
                                            evidence=ev("Cacmcarbmc ... 1250 mg", 120))
    assert flags_for(f) == []  # too garbled to pair by name alone, but the amount is the licensed one
    f.medicinal_ingredients[1].quantity = 900
    assert sorted(codes(flags_for(f))) == ["INGREDIENT_NOT_LICENSED", "INGREDIENT_NOT_ON_LABEL"]


def test_garbled_ingredient_name_pairs_but_swapped_vitamin_does_not() -> None:
    f = compliant_fields()
    f.medicinal_ingredients[1].name = "Calc ium carbonatc"  # OCR split and slip
    assert flags_for(f) == []
    f = compliant_fields()
    f.medicinal_ingredients[0] = Ingredient(name="Vitamin C", quantity=1000, unit="IU")
    assert sorted(codes(flags_for(f))) == ["INGREDIENT_NOT_LICENSED", "INGREDIENT_NOT_ON_LABEL"]


def test_ingredient_read_twice_with_debris_is_not_an_extra_ingredient() -> None:
    f = compliant_fields()
    f.medicinal_ingredients.append(Ingredient(name="Cholecalciferol 5 ree ss erecsiesssoncns etes"))
    assert flags_for(f) == []


def test_unread_ingredient_list_is_not_reported_missing() -> None:
    f = compliant_fields()
    f.medicinal_ingredients = []  # nothing read: no evidence the label lacks them
    assert flags_for(f) == []


def test_claim_with_ocr_debris_is_still_supported() -> None:
    f = compliant_fields()
    f.recommended_uses[0].text = "CAICIUM .......ccssesssssseceeecccc Helps in the development and maintenance of bones and teeth."
    assert flags_for(f) == []
    f.recommended_uses[0].text = "CAÏICIUM sessscccssscenesoco Helps in the development and maintenance of bones and teeth."
    assert flags_for(f) == []


def test_a_row_read_with_its_neighbours_amount_is_not_a_mismatch() -> None:
    """A tilted table: the vitamin D row was paired with the calcium row's amount and the calcium row
    was lost. That is a misread table, not a label printing 500 mg of vitamin D."""
    f = compliant_fields()
    calcium = f.medicinal_ingredients.pop(1)
    f.medicinal_ingredients[0] = Ingredient(name="Vitamin D3", quantity=500, unit="mg", evidence=ev("Vitamin D3 ... 500 mg"))
    assert "QUANTITY_MISMATCH" not in codes(flags_for(f))
    f.medicinal_ingredients.append(calcium)  # the calcium row shows its own 500 mg: the vitamin D amount is printed wrong
    assert codes(flags_for(f)) == ["QUANTITY_MISMATCH"]
    f.medicinal_ingredients[0].quantity = 50  # nobody's amount
    assert codes(flags_for(f)) == ["QUANTITY_MISMATCH"]


def test_quantity_mismatch_after_unit_conversion() -> None:
    f = compliant_fields()
    f.medicinal_ingredients[0] = Ingredient(name="Vitamin D3", quantity=0.025, unit="mg")  # = 25 µg
    assert flags_for(f) == []
    f.medicinal_ingredients[0] = Ingredient(name="Vitamin D3", quantity=2000, unit="IU", evidence=ev("2000 IU"))
    flags = flags_for(f)
    assert codes(flags) == ["QUANTITY_MISMATCH"]
    assert "2000 IU" in flags[0].message and flags[0].licence_field == "medicinalingredient.quantity"
    # the calcium may be printed as compound (1250 mg) or as elemental potency (500 mg), but not 600 mg
    f = compliant_fields()
    f.medicinal_ingredients[1].quantity = 1250
    assert flags_for(f) == []
    f.medicinal_ingredients[1].quantity = 600
    assert codes(flags_for(f)) == ["QUANTITY_MISMATCH"]


def test_claim_not_licensed_in_english_and_french() -> None:
    f = compliant_fields()
    f.recommended_uses.append(TextItem(text="Supports healthy weight loss.", language="en", evidence=ev("weight", 300)))
    f.recommended_uses.append(TextItem(text="Favorise la perte de poids.", language="fr"))
    flags = flags_for(f)
    assert codes(flags) == ["CLAIM_NOT_LICENSED"]  # one claim printed in two languages: one flag
    assert flags[0].evidence[0].text == "weight"
    assert "weight loss" in flags[0].message and "perte de poids" in flags[0].message_fr
    # a French-only unlicensed claim is compared with the French purposes and flagged alone
    f = compliant_fields()
    f.recommended_uses.append(TextItem(text="Améliore la qualité du sommeil.", language="fr"))
    flags = flags_for(f)
    assert codes(flags) == ["CLAIM_NOT_LICENSED"] and "sommeil" in flags[0].message_fr


def test_names_and_ingredients_filed_as_claims_are_not_claims() -> None:
    f = compliant_fields()
    f.recommended_uses += [TextItem(text="Sunny Vitamine D3 1000 UI", language="fr"),  # the French product name
                           TextItem(text="Docosahexaenoic acid / Acide docosahexaénoïque", language="en"),
                           TextItem(text="Oo Sunny", language="en")]
    assert flags_for(f) == []


def test_paraphrased_claim_is_supported() -> None:
    f = compliant_fields()
    f.recommended_uses[0] = TextItem(text="Helps build strong bones and teeth", language="en")
    f.recommended_uses[2] = TextItem(text="Aide à bâtir des os et des dents solides", language="fr")
    assert flags_for(f) == []


@pytest.mark.parametrize("claim", ["Helps prevent cancer.", "Treats diabetes", "Aide à prévenir le cancer", "Guérit l'asthme"])
def test_schedule_a_term(claim: str) -> None:
    f = compliant_fields()
    f.recommended_uses.append(TextItem(text=claim, evidence=ev(claim, 300)))
    flags = flags_for(f)
    assert codes(flags) == ["SCHEDULE_A_TERM"]  # not also CLAIM_NOT_LICENSED: one problem, one flag
    assert flags[0].severity == "high" and flags[0].evidence[0].text == claim


def test_schedule_a_claim_in_both_languages_is_one_flag() -> None:
    f = compliant_fields()
    f.recommended_uses += [TextItem(text="Treats diabetes.", language="en"), TextItem(text="Traite le diabète.", language="fr")]
    flags = flags_for(f)
    assert codes(flags) == ["SCHEDULE_A_TERM"]
    assert "diabetes" in flags[0].message and "diabète" in flags[0].message_fr and "Traite" in flags[0].message_fr


def test_schedule_a_term_not_raised_for_licensed_wording_or_lookalikes() -> None:
    f = compliant_fields()
    f.recommended_uses.append(TextItem(text="Helps relieve joint pain associated with osteoarthritis.", language="en"))
    flags = flags_for(f)
    assert "SCHEDULE_A_TERM" not in codes(flags)  # osteoarthritis is not the listed word "arthritis"
    # a licence that itself names the disease (monograph wording) makes it a licensed claim
    en, fr = licence("en"), licence("fr")
    en.purposes.append(ProductPurpose(lnhpd_id=LID, purpose="Helps to relieve symptoms of mild depression."))
    f = compliant_fields()
    f.recommended_uses.append(TextItem(text="Helps to relieve symptoms of mild depression.", language="en"))
    assert raise_flags(f, exact_match(), en, fr, []) == []


def test_injectable_term() -> None:
    f = compliant_fields()
    f.directions.append(TextItem(text="For intravenous use only. Inject 1 mL.", language="en", evidence=ev("inject", 400)))
    flags = flags_for(f)
    assert sorted(codes(flags)) == ["INJECTABLE_TERM", "INJECTABLE_TERM"]
    f = compliant_fields()
    f.product_name.value = "Sunny Vitamin D3 1000 IU Type IV"  # a Roman numeral is not a route
    assert "INJECTABLE_TERM" not in codes(flags_for(f))


def test_prescription_ingredient() -> None:
    f = compliant_fields()
    f.non_medicinal_ingredients.append(NonMedicinalIngredient(name="Sildenafil citrate", evidence=ev("sildenafil", 500)))
    flags = flags_for(f)
    assert codes(flags) == ["PRESCRIPTION_INGREDIENT"]
    assert "sildenafil" in flags[0].message.lower() and flags[0].evidence


def test_controlled_substance_unless_licensed() -> None:
    f = compliant_fields()
    line = LabelledLine(image="img1", polygon=rect(0, 0, 50, 10), text="Psilocybin mushroom powder 100 mg",
                        label="medicinal_ingredient")
    flags = flags_for(f, lines=[line])
    assert codes(flags) == ["CONTROLLED_SUBSTANCE"]
    assert flags[0].evidence[0].image == "img1"
    # hemp seed oil is not cannabis under the Act's exemption
    f.non_medicinal_ingredients.append(NonMedicinalIngredient(name="Cannabis sativa seed oil (hemp seed oil)"))
    assert flags_for(f) == []


def test_french_missing() -> None:
    f = compliant_fields()
    f.cautions = [c for c in f.cautions if c.language == "en"]
    f.directions = [d for d in f.directions if d.language == "en"]
    headings = [LabelledLine(image="img0", polygon=rect(0, 0, 9, 9), text=text, label="other") for text in ("Cautions:", "Directions:")]
    flags = flags_for(f, lines=headings)
    assert codes(flags) == ["FRENCH_MISSING"]
    assert "cautions" in flags[0].message and "directions" in flags[0].message and "français" not in flags[0].message
    # one statement and no heading of its section: a stray line filed there, not proof of a section
    assert flags_for(f) == []
    # the French block is on the photo, only the extractor missed it
    line = LabelledLine(image="img0", polygon=rect(0, 0, 9, 9), text="MISES EN GARDE :", label="other")
    line2 = LabelledLine(image="img0", polygon=rect(0, 0, 9, 9), text="Prendre 1 comprimé par jour.", label="dose", language="fr")
    assert flags_for(f, lines=[line, line2]) == []


def test_one_long_claim_read_surely_is_a_section_by_itself() -> None:
    """A front whose one claim is a long English sentence (Jarrow's "Supports healthy vaginal flora ...") is English
    in that section; a short stray line is not proof."""
    f = compliant_fields()
    f.cautions, f.directions = [], []
    f.recommended_uses = [TextItem(text="Supports healthy vaginal flora and yeast balance, urinary tract, digestive and immune health",
                                   language="en", confidence=0.55)]
    assert "FRENCH_MISSING" in codes(flags_for(f))
    f.recommended_uses = [TextItem(text="Supports immune health", language="en", confidence=0.9)]
    assert "FRENCH_MISSING" not in codes(flags_for(f))


def test_french_cautions_filed_under_another_label_still_count() -> None:
    f = compliant_fields()
    f.cautions = [c for c in f.cautions if c.language == "en"]
    line = LabelledLine(image="img0", polygon=rect(0, 0, 9, 9), label="other",
                        text="Consultez un praticien de soins de santé avant l'usage")
    assert flags_for(f, lines=[line]) == []


def test_product_name_filed_as_a_caution_is_not_an_english_only_caution() -> None:
    f = compliant_fields()
    f.cautions = [TextItem(text="Sunny Vitamin D3 1000 IU", language="en")]
    en, fr = licence("en"), licence("fr")
    en.risks, fr.risks = [], []
    assert raise_flags(f, exact_match(), en, fr, []) == []


def test_absence_flags_need_a_readable_label() -> None:
    """Upside-down text reads as gibberish: missing French, cautions or ingredients cannot be concluded."""
    f = compliant_fields()
    f.cautions = [c for c in f.cautions if c.language == "en"]
    f.medicinal_ingredients = f.medicinal_ingredients[:1]
    heading = [LabelledLine(image="img0", polygon=rect(0, 0, 9, 9), text="Cautions:", label="other")]
    assert sorted(codes(flags_for(f, lines=heading))) == ["FRENCH_MISSING", "INGREDIENT_NOT_ON_LABEL"]
    upside_down = [LabelledLine(image="img1", polygon=rect(0, 0, 9, 9), label="caution", text=t)
                   for t in ("uonejnbeod ej ap ajqno un los ap ualaieid un zayjnsuo", "S9ou sdus sunper e epiy aupuaig saynp")]
    assert flags_for(f, lines=heading + upside_down) == []


def test_french_is_not_called_missing_when_a_photo_was_not_read() -> None:
    """The French side of the box was photographed blurred: its lines came out as letter debris."""
    f = compliant_fields()
    f.cautions = [c for c in f.cautions if c.language == "en"]
    f.directions = [d for d in f.directions if d.language == "en"]
    headings = [LabelledLine(image="img0", polygon=rect(0, 0, 9, 9), text=text, label="other") for text in ("Cautions:", "Directions:")]
    assert codes(flags_for(f, lines=headings)) == ["FRENCH_MISSING"]
    debris = [LabelledLine(image="img2", polygon=rect(0, 20 * k, 300, 20 * k + 18), text=t, label="product_name", confidence=0.4)
              for k, t in enumerate(["ne , s e t s s e nne", "pas ts pe e e e es e s s sites",
                                     "N un s e n no n - e e n e u s u e ve", "Paci H F nc."])]
    assert flags_for(f, lines=headings + debris) == []


def test_french_missing_unlabelled_language_is_guessed() -> None:
    f = compliant_fields()
    for item in f.recommended_uses + f.directions + f.cautions:
        item.language = None
    assert flags_for(f) == []


def test_cautions_missing() -> None:
    f = compliant_fields()
    f.cautions = [TextItem(text="Keep out of reach of children.", language="en"),
                  TextItem(text="Garder hors de la portée des enfants.", language="fr")]
    flags = flags_for(f)
    assert codes(flags) == ["CAUTIONS_MISSING"]
    assert "kidney stones" in flags[0].message and "calculs" not in flags[0].message
    assert flags[0].licence_field == "productrisk.risk_text"


def test_a_caution_with_a_long_word_misread_is_printed() -> None:
    """"gastointetial" is the licence's "gastrointestinal" misread; a different caution is not repaired into this one."""
    en = licence("en")
    en.risks.append(ProductRisk(lnhpd_id=LID, risk_text="Taking more than 2000 mg per day may cause gastrointestinal discomfort."))

    def missing(caution: str) -> bool:
        f = compliant_fields()
        f.cautions.append(TextItem(text=caution, language="en"))
        return any("2000 mg" in fl.message for fl in raise_flags(f, exact_match(), en, None, []) if fl.code == "CAUTIONS_MISSING")

    assert not missing("Taángmoreta 2000mg per day may cause gastointetial discomfort.")
    assert missing("Taángmoreta 2000mg per day may cause drowsiness.")
    assert missing("")


def test_cautions_are_not_reported_missing_when_the_statements_were_not_read() -> None:
    """The back panel's photo gave only letter debris: no caution was read, but none is proven absent."""
    f = compliant_fields()
    f.recommended_uses, f.directions, f.cautions = [], [], []
    debris = [LabelledLine(image="img1", polygon=rect(0, 20 * k, 200, 20 * k + 18), text=t, label=label, confidence=0.4)
              for k, (t, label) in enumerate([("lie en rde", "recommended_use"), ("nunssauddnsounals", "recommended_use"),
                                              ("Recn nnusae:", "other")])]
    assert "CAUTIONS_MISSING" not in codes(flags_for(f, lines=debris))
    f.recommended_uses = [TextItem(text="Helps to prevent vitamin D deficiency.", language="en"),
                          TextItem(text="Aide à prévenir la carence en vitamine D.", language="fr")]
    assert "CAUTIONS_MISSING" in codes(flags_for(f, lines=debris))  # the uses were read: the cautions are absent


def test_no_licence_runs_only_label_rules() -> None:
    f = compliant_fields()
    f.npn = FieldValue()
    f.recommended_uses.append(TextItem(text="Cures cancer", language="en"))
    assert sorted(codes(flags_for(f, Match(method="none"), with_licence=False))) == ["NPN_MISSING", "SCHEDULE_A_TERM"]


def test_flags_sorted_by_severity() -> None:
    f = compliant_fields()
    f.company.value = "Northern Pharma Corp."  # low
    f.cautions = f.cautions[:1]  # French cautions missing: medium
    f.medicinal_ingredients[0].quantity = 5000  # high
    severities = [fl.severity for fl in flags_for(f)]
    assert severities == sorted(severities, key=["high", "medium", "low"].index)
    assert severities[0] == "high" and severities[-1] == "low"


def test_damaged_input_gives_flags_not_crashes() -> None:
    f = Fields(
        npn=FieldValue(value="NPN"),  # no digits at all
        product_name=FieldValue(value="   "),
        medicinal_ingredients=[Ingredient(name="", quantity=float("nan"), unit="mg"),
                               Ingredient(name="Cholecalciferol", quantity=-5, unit="??")],
        recommended_uses=[TextItem(text=""), TextItem(text="......"), TextItem(text="Helps", language="xx")],
        cautions=[TextItem(text="!!!")],
    )
    lines = [LabelledLine(image="img0", polygon=[], text="", label="npn")]
    flags = flags_for(f, Match(method="analyst", lnhpd_id=LID, licence_number=NPN), lines=lines)
    assert all(fl.code in MESSAGES and fl.message and fl.message_fr for fl in flags)
    assert "INGREDIENT_NOT_ON_LABEL" in codes(flags)  # the calcium is nowhere on this label
    assert "QUANTITY_MISMATCH" not in codes(flags)  # an unknown unit is not comparable, so no claim of mismatch


def test_ingredient_name_cut_to_its_last_word_is_not_an_extra_ingredient() -> None:
    f = compliant_fields()
    f.medicinal_ingredients[1].name = "carbonate"  # "Calcium" read as a separate line
    assert "INGREDIENT_NOT_LICENSED" not in codes(flags_for(f))


def test_claim_read_as_letter_debris_is_not_judged() -> None:
    from cyclops.text.readable import is_readable, known_share

    debris = "Ai e a es a e a al es aose"
    assert not is_readable(debris) and is_readable("Take 1 tablet a day.")
    assert known_share("Aide e n ncr intes - nae..") < 0.5 <= known_share("Supports weight loss.")
    f = compliant_fields()
    f.recommended_uses.append(TextItem(text="Aide e n ncr intes - nae..", language="fr"))
    f.recommended_uses.append(TextItem(text=debris, language="en"))
    assert "CLAIM_NOT_LICENSED" not in codes(flags_for(f))
    f.recommended_uses.append(TextItem(text="Supports weight loss.", language="en"))
    assert "CLAIM_NOT_LICENSED" in codes(flags_for(f))


def test_claim_that_is_a_licensed_purpose_misread_or_with_a_name_glued_on_is_supported() -> None:
    f = compliant_fields()
    f.recommended_uses = [
        TextItem(text="Sunny Vitamin D3 Helps to prevent vitamin D deficiency.", language="en"),
        TextItem(text="Aide au dévelopement et au maintein des os et des dnts.", language="fr"),
    ]
    assert "CLAIM_NOT_LICENSED" not in codes(flags_for(f))


def test_amount_with_a_digit_lost_in_an_ocr_gap_is_not_a_mismatch() -> None:
    f = compliant_fields()
    f.medicinal_ingredients[1] = Ingredient(name="Calcium (Calcium carbonate)", quantity=50, unit="mg",
                                            evidence=ev("Calcium ... 5 0 mg", 120))  # printed 500 mg
    assert "QUANTITY_MISMATCH" not in codes(flags_for(f))
    f.medicinal_ingredients[1] = Ingredient(name="Calcium (Calcium carbonate)", quantity=50, unit="mg",
                                            evidence=ev("Calcium ... 50 mg", 120))
    assert "QUANTITY_MISMATCH" in codes(flags_for(f))


def test_an_amount_read_unsurely_is_left_for_the_analyst_not_flagged() -> None:
    f = compliant_fields()
    f.medicinal_ingredients[1] = Ingredient(name="Calcium (Calcium carbonate)", quantity=50, unit="mg", quantity_confidence=0.45,
                                            evidence=ev("Calcium ..... .50 mg", 120))  # OCR half-read the first digit
    assert "QUANTITY_MISMATCH" not in codes(flags_for(f))
    f.medicinal_ingredients[1].quantity_confidence = 0.97
    assert "QUANTITY_MISMATCH" in codes(flags_for(f))


def test_number_confidence_looks_at_number_words_only() -> None:
    from cyclops.extract.lines import number_confidence

    assert number_confidence([("Vitamin", 0.2), ("D3", 0.3), ("..500", 0.7), ("mg", 0.9)]) == 0.7
    assert number_confidence([("Zinc", 0.4), ("100mg", 0.55)]) == 0.55
    assert number_confidence([("Biotin", 0.4)]) is None


def test_misread_ingredient_names_are_not_unlicensed_ingredients() -> None:
    from cyclops.compare.names import loose_similarity

    assert loose_similarity("sternum longum", "Bifidobacterium longum") >= 0.7  # genus misread, species whole
    assert loose_similarity("biloa", "Ginkgo biloba") >= 0.7  # one garbled word, the rest cut off
    f = compliant_fields()
    f.medicinal_ingredients.append(Ingredient(name="ceco d e a ce a d oe", quantity=400, unit="mg"))  # smeared print
    assert "INGREDIENT_NOT_LICENSED" not in codes(flags_for(f))


def test_a_claim_cut_by_the_photo_edge_is_still_its_licensed_purpose() -> None:
    from cyclops.flags.claims import verbatim_purpose

    assert verbatim_purpose("ntenir la fonction immunitaire.", ["Aide à maintenir la fonction immunitaire."])
    assert not verbatim_purpose("Treats diabetes and cancer.", ["Helps to maintain immune function."])


def test_letter_debris_does_not_spell_an_injection_route() -> None:
    f = compliant_fields()
    line = LabelledLine(image="img0", polygon=rect(0, 0, 9, 9), text="Non i i M ine", label="dose")
    assert "INJECTABLE_TERM" not in codes(flags_for(f, lines=[line]))
    line = LabelledLine(image="img0", polygon=rect(0, 0, 9, 9), text="For intramuscular use only.", label="dose")
    assert "INJECTABLE_TERM" in codes(flags_for(f, lines=[line]))


def test_claim_read_with_little_confidence_is_not_judged() -> None:
    """The same unlicensed claim is flagged when its photo line was read surely, and left to the analyst when not."""
    text = "Supports weight loss."
    f = compliant_fields()
    f.recommended_uses.append(TextItem(text=text, language="en", evidence=ev(text, 300)))
    line = LabelledLine(image="img0", polygon=rect(10, 300, 300, 320), text=text, label="recommended_use", confidence=0.95)
    assert "CLAIM_NOT_LICENSED" in codes(flags_for(f, lines=[line]))
    line.confidence = 0.4
    assert "CLAIM_NOT_LICENSED" not in codes(flags_for(f, lines=[line]))


def test_claim_whose_lines_the_photo_edge_cut_is_supported() -> None:
    f = compliant_fields()
    lines = ["tenance of bones and teeth.", "lps to prevent vitamin D"]  # joined, they match no purpose
    f.recommended_uses = [TextItem(text=" ".join(lines), language="en",
                                   evidence=[ev(t, 150 + 20 * k)[0] for k, t in enumerate(lines)])]
    assert "CLAIM_NOT_LICENSED" not in codes(flags_for(f))
    # the same words, but one line is not licensed wording: judged as a whole
    lines[1] = "lps to improve sleep quality"
    f.recommended_uses = [TextItem(text=" ".join(lines), language="en",
                                   evidence=[ev(t, 150 + 20 * k)[0] for k, t in enumerate(lines)])]
    assert "CLAIM_NOT_LICENSED" in codes(flags_for(f))


def test_caution_partly_read_counts_as_printed_unless_the_piece_is_shared() -> None:
    """A piece of one licensed caution ("...de la coagulation.") shows it is on the label; the opening words
    every caution shares ("Consult a health care practitioner prior to use if") do not."""
    extra = ("Consult a health care practitioner prior to use if you are taking blood thinners or have a bleeding disorder.",
             ("Consultez un praticien de soins de santé avant l'usage si vous prenez des anticoagulants ou avez un "
              "trouble de la coagulation."))
    en, fr = licence("en"), licence("fr")
    en.risks.append(ProductRisk(lnhpd_id=LID, risk_text=extra[0]))
    fr.risks.append(ProductRisk(lnhpd_id=LID, risk_text=extra[1]))

    def missing(cautions: list[str]) -> list[str]:
        f = compliant_fields()
        f.cautions = [TextItem(text=t, language="fr") for t in cautions]
        flags = raise_flags(f, exact_match(), en, fr, [])
        return [fl.message for fl in flags if fl.code == "CAUTIONS_MISSING" and "blood thinners" in fl.message]

    assert len(missing([])) == 1
    assert missing(["ou avez un trouble de a coagulation."]) == []
    assert len(missing(["Consult a health care practitioner prior to use if"])) == 1


# --- the rule registry and the thresholds in force ---


def every_violation() -> tuple[Fields, Match, list[LabelledLine]]:
    """One label breaking every rule a printed number allows (all but NPN_MISSING and NPN_ILLEGIBLE)."""
    f = compliant_fields()
    f.npn.value = "80999999"  # not the matched licence's number
    f.product_name.value = "Northern Lights Melatonin"
    f.company.value = "Northern Pharma Corp."
    f.medicinal_ingredients = [  # calcium missing, vitamin D's amount differs, ashwagandha not licensed
        Ingredient(name="Vitamin D3", quantity=2000, unit="IU", evidence=ev("Vitamin D3 2000 IU", 90)),
        Ingredient(name="Ashwagandha root extract", quantity=300, unit="mg", confidence=0.9, evidence=ev("Ashwagandha 300 mg", 200))]
    f.non_medicinal_ingredients.append(NonMedicinalIngredient(name="Sildenafil citrate", evidence=ev("sildenafil", 500)))
    f.recommended_uses += [TextItem(text="Supports healthy weight loss.", language="en"), TextItem(text="Treats diabetes", language="en")]
    f.directions = [TextItem(text="For intravenous use only.", language="en")]
    f.cautions = [TextItem(text="Keep out of reach of children.", language="en"), TextItem(text="Store in a cool dry place.", language="en")]
    lines = [LabelledLine(image="img1", polygon=rect(0, 0, 50, 10), text="Psilocybin mushroom powder 100 mg", label="medicinal_ingredient")]
    return f, Match(method="search", lnhpd_id=LID, licence_number=NPN, score=0.9), lines


def test_every_flag_code_belongs_to_exactly_one_registered_rule() -> None:
    registered = [code for rule in RULES for code in rule.codes]
    assert sorted(registered) == sorted(MESSAGES)
    assert len({rule.name for rule in RULES}) == len(RULES)


def test_every_registered_rule_is_reached_by_raise_flags() -> None:
    f, match, lines = every_violation()
    raised = codes(raise_flags(f, match, licence("en", active=False), licence("fr", active=False), lines))
    missing_npn = compliant_fields()
    missing_npn.npn = FieldValue()
    illegible_npn = compliant_fields()
    illegible_npn.npn = FieldValue(value=None, confidence=0.2, evidence=ev("NPN 8001"))
    raised += codes(flags_for(missing_npn)) + codes(flags_for(illegible_npn))
    for rule in RULES:
        assert set(rule.codes) <= set(raised), rule.name


def test_flags_come_out_by_severity_then_in_the_registry_order() -> None:
    f, match, lines = every_violation()
    flags = raise_flags(f, match, licence("en", active=False), licence("fr", active=False), lines)
    position = {code: i for i, rule in enumerate(RULES) for code in rule.codes}
    severity = ["high", "medium", "low"].index
    keys = [(severity(fl.severity), position[fl.code]) for fl in flags]
    assert keys == sorted(keys)
    assert len(set(codes(flags))) == len(MESSAGES) - 2  # every code but the two a printed number rules out


def test_without_a_database_or_licence_only_the_label_rules_run() -> None:
    f, match, lines = every_violation()
    raised = set(codes(raise_flags(f, match, None, None, lines, database=False)))
    assert raised == {code for rule in RULES if rule.needs == "label" for code in rule.codes} - {"NPN_MISSING", "NPN_ILLEGIBLE"}
    assert "NPN_NOT_FOUND" in codes(raise_flags(f, match, None, None, lines, database=True))


def test_the_flags_judge_by_the_thresholds_they_are_given() -> None:
    f = compliant_fields()
    f.product_name.value = "Acme Sleep Aid"  # 0.26 similar to the licensed name
    assert codes(flags_for(f)) == ["PRODUCT_NAME_MISMATCH"]
    lenient = FlagParams(name_similarity=0.25)
    assert raise_flags(f, exact_match(), licence("en"), licence("fr"), [], params=lenient) == []
    # a comparison threshold reaches the ingredient pairing: an amount read at 0.45 is compared once 0.4 counts as sure
    f = compliant_fields()
    f.medicinal_ingredients[1].quantity, f.medicinal_ingredients[1].quantity_confidence = 50, 0.45
    assert "QUANTITY_MISMATCH" not in codes(flags_for(f))
    trusting = DEFAULT_FLAGS.with_overrides({"sure_amount": 0.4})
    assert "QUANTITY_MISMATCH" in codes(raise_flags(f, exact_match(), licence("en"), licence("fr"), [], params=trusting))


def test_thresholds_default_to_the_values_the_rules_always_used_and_name_themselves() -> None:
    assert FlagParams() == DEFAULT_FLAGS and isinstance(DEFAULT_FLAGS, ComparisonParams)
    assert (DEFAULT_FLAGS.sure_read, DEFAULT_FLAGS.sure_amount, DEFAULT_FLAGS.name_similarity, DEFAULT_FLAGS.claim_supported) \
        == (0.6, 0.6, 0.6, 0.55)
    assert DEFAULT_FLAGS.as_dict()["pair_similarity"] == 0.8 and DEFAULT_FLAGS.as_dict()["appears_ratio"] == 90
    assert DEFAULT_FLAGS.fingerprint() == FlagParams().fingerprint() != FlagParams(sure_read=0.5).fingerprint()
    with pytest.raises(ValueError, match="no field"):
        DEFAULT_FLAGS.with_overrides({"sure_reed": 0.5})
