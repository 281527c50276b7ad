"""Label wording in English and French: headings, connectors and the phrasing of doses.

Headings follow common Canadian NHP packaging ("Recommended use / Usage
recommandé", "Cautions and warnings / Mises en garde"); the "compact" family
uses wording the "base" family never produces so retraining can be tested.
"""

from __future__ import annotations

from dataclasses import dataclass

#: section key -> family -> (English heading, French heading)
HEADINGS: dict[str, dict[str, tuple[str, str]]] = {
    "medicinal": {
        "base": ("Medicinal ingredients:", "Ingrédients médicinaux :"),
        "compact": ("Active ingredients:", "Ingrédients actifs :"),
    },
    "non_medicinal": {
        "base": ("Non-medicinal ingredients:", "Ingrédients non médicinaux :"),
        "compact": ("Other ingredients:", "Autres ingrédients :"),
    },
    "uses": {
        "base": ("Recommended use:", "Usage recommandé :"),
        "compact": ("Indications:", "Indications :"),
    },
    "directions": {
        "base": ("Directions:", "Mode d'emploi :"),
        "compact": ("Dosage:", "Posologie :"),
    },
    "cautions": {
        "base": ("Cautions and warnings:", "Mises en garde :"),
        "compact": ("Warnings:", "Avertissements :"),
    },
    "company": {
        "base": ("Distributed by:", "Distribué par :"),
        "compact": ("Made for:", "Fabriqué pour :"),
    },
}

#: English dosage form (as in LNHPD) -> (English plural, French plural, French singular)
DOSAGE_FORMS: dict[str, tuple[str, str, str]] = {
    "tablet": ("Tablets", "Comprimés", "comprimé"),
    "capsule": ("Capsules", "Capsules", "capsule"),
    "softgel": ("Softgels", "Capsules molles", "capsule molle"),
    "caplet": ("Caplets", "Caplets", "caplet"),
    "chewable tablet": ("Chewable tablets", "Comprimés à croquer", "comprimé à croquer"),
    "lozenge": ("Lozenges", "Pastilles", "pastille"),
    "powder": ("Powder", "Poudre", "dose"),
    "liquid": ("Liquid", "Liquide", "dose"),
    "gummy": ("Gummies", "Jujubes", "jujube"),
    "vegetable capsule": ("Vegetable capsules", "Capsules végétales", "capsule végétale"),
    "globules": ("Globules", "Granules", "granule"),
    "drops": ("Drops", "Gouttes", "goutte"),
}

#: forms sold by mass or volume rather than by count: (unit, typical sizes)
BULK_FORMS: dict[str, tuple[str, tuple[int, ...]]] = {
    "powder": ("g", (100, 250, 500)),
    "liquid": ("mL", (100, 250, 500)),
    "drops": ("mL", (15, 30, 50)),
}

COUNTS: tuple[int, ...] = (30, 60, 90, 120, 180, 240, 300)

EACH_CONTAINS = ("Each {form} contains:", "Chaque {form} contient :")

#: Canadian business addresses (street, city, province, postal code) are invented.
ADDRESSES: tuple[str, ...] = (
    "120 King St W, Toronto ON M5H 1J9",
    "2250 Boul. Saint-Laurent, Montréal QC H2X 2T7",
    "455 Granville St, Vancouver BC V6C 1T1",
    "88 Rue Principale, Québec QC G1R 4P5",
    "901 Portage Ave, Winnipeg MB R3G 0N9",
    "34 Barrington St, Halifax NS B3J 1Y9",
    "1500 Stony Plain Rd, Edmonton AB T5N 3Y6",
    "75 Water St, Ottawa ON K1P 5H9",
)

FREQUENCY_UNITS = {
    "day": ("daily", "par jour"),
    "daily": ("daily", "par jour"),
    "week": ("weekly", "par semaine"),
    "weekly": ("weekly", "par semaine"),
}

#: dose units of the LNHPD (lower case) -> French singular; measures are never pluralised
DOSE_UNITS_FR = {
    "scoop": "mesure",
    "drop": "goutte",
    "pellet": "granule",
    "tablet": "comprimé",
    "capsule": "capsule",
    "softgel": "capsule molle",
    "lozenge": "pastille",
}
MEASURES = {"ml", "g", "mg", "tsp"}


def large_count(value: float, unit: str | None) -> str | None:
    """Probiotic counts as printed: 10000000000 CFU -> "10 billion CFU"."""
    if unit and unit.upper() == "CFU" and value >= 1e9:
        return f"{value / 1e9:g} billion {unit}"
    return None


POPULATIONS = {
    "adults": ("Adults", "Adultes"),
    "children": ("Children", "Enfants"),
    "adolescents": ("Adolescents", "Adolescents"),
}


@dataclass(frozen=True)
class FormWords:
    en_plural: str
    fr_plural: str
    en_singular: str
    fr_singular: str


def form_words(dosage_form: str | None) -> FormWords:
    """Words for a dosage form; unknown forms fall back to the LNHPD text itself (never silently dropped)."""
    key = (dosage_form or "tablet").strip().lower()
    if key in DOSAGE_FORMS:
        en_p, fr_p, fr_s = DOSAGE_FORMS[key]
        return FormWords(en_p, fr_p, key, fr_s)
    for known, (en_p, fr_p, fr_s) in DOSAGE_FORMS.items():
        if known in key:
            return FormWords(en_p, fr_p, known, fr_s)
    return FormWords(dosage_form or "Units", dosage_form or "Unités", key, key)


def number(value: float, language: str) -> str:
    """A quantity as printed: no trailing ".0"; French uses a decimal comma."""
    text = f"{value:g}" if value != int(value) else str(int(value))
    return text.replace(".", ",") if language == "fr" else text


def heading(section: str, family: str, language: str) -> str:
    en, fr = HEADINGS[section].get(family, HEADINGS[section]["base"])
    return en if language == "en" else fr


#: other text real labels carry near the claims (issue 12: it must never be read as a recommended use, an NPN or a
#: company); ``{brand}`` is the brand in lower case
ORIGINS: tuple[str, ...] = ("Product of Canada / Produit du Canada", "Made in Canada / Fabriqué au Canada")
ROUTES: tuple[str, ...] = ("Oral / Orale", "Route: Oral / Voie : orale")
STORAGE: tuple[str, ...] = (
    "Store at room temperature (15-25 °C). / Conserver à la température ambiante (15-25 °C).",
    "Store in a cool, dry place. / Conserver dans un endroit frais et sec.",
    "Keep tightly closed. / Garder le contenant bien fermé.",
)
WEB: tuple[str, ...] = ("www.{brand}.ca", "{brand}.com", "www.{brand}naturals.com")
