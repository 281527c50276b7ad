"""Two hand-written licences (English and French) for tests and demos that must not depend on the sample generator.

Wording follows Health Canada monograph style; the licence numbers, companies and
products are invented.
"""

from __future__ import annotations

from cyclops.lnhpd.records import (
    LicenceBundle,
    MedicinalIngredient,
    NonMedicinalIngredient,
    ProductDose,
    ProductLicence,
    ProductPurpose,
    ProductRisk,
)


def _bundle(
    language: str, lid: int, npn: str, name: str, form: str, company: str, ings, nonmed, uses, risks, dose
) -> LicenceBundle:
    return LicenceBundle(
        language=language,
        licence=ProductLicence(
            lnhpd_id=lid, licence_number=npn, product_name=name, dosage_form=form, company_name=company, flag_product_status=1
        ),
        medicinal_ingredients=[MedicinalIngredient(lnhpd_id=lid, **i) for i in ings],
        non_medicinal_ingredients=[NonMedicinalIngredient(lnhpd_id=lid, ingredient_name=n) for n in nonmed],
        purposes=[ProductPurpose(lnhpd_id=lid, text_id=k, purpose=u) for k, u in enumerate(uses)],
        risks=[ProductRisk(lnhpd_id=lid, risk_id=k, risk_type_desc="Caution", risk_text=r) for k, r in enumerate(risks)],
        doses=[ProductDose(lnhpd_id=lid, **dose)],
    )


def example_pairs() -> list[tuple[LicenceBundle, LicenceBundle]]:
    """(English, French) bundles of two invented licences: a vitamin D3 tablet and an echinacea extract capsule."""
    d3 = {
        "ingredient_name": "Vitamin D3",
        "quantity": 25,
        "quantity_unit_of_measure": "mcg",
        "potency_amount": 1000,
        "potency_unit_of_measure": "IU",
    }
    d3_fr = dict(d3, ingredient_name="Vitamine D3")
    dose = {"population_type_desc": "Adults", "quantity_dose": 1, "frequency": 1, "uom_type_desc_frequency": "day"}
    vit_d = (
        _bundle(
            "en",
            910001,
            "80012345",
            "Northbay Vitamin D3 1000 IU",
            "Tablet",
            "Northbay Naturals Inc.",
            [d3],
            ["Microcrystalline cellulose", "Croscarmellose sodium", "Magnesium stearate"],
            ["Helps in the development and maintenance of bones and teeth.", "Helps to prevent vitamin D deficiency."],
            ["Keep out of reach of children."],
            dose,
        ),
        _bundle(
            "fr",
            910001,
            "80012345",
            "Northbay Vitamine D3 1000 UI",
            "Comprimé",
            "Northbay Naturals Inc.",
            [d3_fr],
            ["Cellulose microcristalline", "Croscarmellose sodique", "Stéarate de magnésium"],
            ["Aide au développement et au maintien des os et des dents.", "Aide à prévenir la carence en vitamine D."],
            ["Garder hors de la portée des enfants."],
            dose,
        ),
    )
    ech = {
        "ingredient_name": "Echinacea purpurea",
        "quantity": 250,
        "quantity_unit_of_measure": "mg",
        "ratio_numerator": "5",
        "ratio_denominator": "1",
        "dried_herb_equivalent": "1250",
        "dhe_unit_of_measure": "mg",
        "source_material": "Root",
    }
    dose2 = {
        "population_type_desc": "Adults",
        "quantity_dose": 1,
        "frequency_minimum": 2,
        "frequency_maximum": 3,
        "uom_type_desc_frequency": "day",
    }
    echinacea = (
        _bundle(
            "en",
            910002,
            "80098765",
            "Maple Grove Echinacea Extract",
            "Capsule",
            "Maple Grove Herbals Ltd.",
            [ech],
            ["Gelatin", "Rice flour"],
            ["Used in herbal medicine to help relieve the symptoms of upper respiratory tract infections."],
            [
                "Consult a health care practitioner if symptoms persist or worsen.",
                "Do not use if you have an autoimmune disorder.",
                "Consult a health care practitioner prior to use if you are pregnant or breastfeeding.",
            ],
            dose2,
        ),
        _bundle(
            "fr",
            910002,
            "80098765",
            "Maple Grove Extrait d'échinacée",
            "Capsule",
            "Maple Grove Herbals Ltd.",
            [{**ech, "ingredient_name": "Échinacée pourpre"}],
            ["Gélatine", "Farine de riz"],
            ["Utilisé en phytothérapie pour aider à soulager les symptômes des infections des voies respiratoires supérieures."],
            [
                "Consulter un praticien de soins de santé si les symptômes persistent ou s'aggravent.",
                "Ne pas utiliser si vous souffrez d'un trouble auto-immun.",
                "Consulter un praticien de soins de santé avant l'usage si vous êtes enceinte ou allaitez.",
            ],
            dose2,
        ),
    )
    return [vit_d, echinacea]
