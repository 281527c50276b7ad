"""What goes on a label, decided from the licence before anything is drawn.

Violations edit this content, and ``printed`` is derived from it, so the ground
truth always says exactly what the rendered label shows.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from cyclops.lnhpd.records import LicenceBundle, MedicinalIngredient, ProductDose
from cyclops.synth import text as wording


@dataclass
class Statement:
    """One recommended use, direction or caution in both languages (None: not printed in that language)."""

    en: str | None
    fr: str | None


@dataclass
class IngredientRow:
    name: str
    name_fr: str
    quantity: float | None
    unit: str | None
    potency: str | None = None  # e.g. "1000 IU" or "4:1 extract, equivalent to 200 mg dried herb"
    potency_fr: str | None = None

    def amount_text(self, language: str = "en") -> str:
        """ "25 mcg (1000 IU)": the amount as printed after the name (EN number format: tables are bilingual)."""
        parts = []
        big = wording.large_count(self.quantity, self.unit) if self.quantity is not None else None
        if big:
            parts.append(big)
        elif self.quantity is not None:
            parts.append(f"{wording.number(self.quantity, 'en')} {self.unit or ''}".strip())
        potency = self.potency if language == "en" else (self.potency_fr or self.potency)
        if potency:
            parts.append(f"({potency})" if parts else potency)
        return " ".join(parts)

    def label_name(self) -> str:
        """Bilingual name when the French differs: "Vitamin D3 / Vitamine D3"."""
        if self.name_fr and self.name_fr.casefold() != self.name.casefold():
            return f"{self.name} / {self.name_fr}"
        return self.name


@dataclass
class Blend:
    """A proprietary blend of a US Supplement Facts panel: one row with the total amount, its members listed below."""

    name: str
    members: list[int]  # indices into LabelContent.ingredients, in printed order
    quantity: float
    unit: str


@dataclass
class FactsPanel:
    """A US "Supplement Facts" panel printed instead of the Canadian medicinal-ingredient list."""

    serving: str  # "1 Tablet"
    servings: str  # "120"
    dv: dict[int, str]  # ingredient index -> the % Daily Value column ("125%" or the marker)
    marker: str  # "†" or "**": the sign of "Daily Value not established"
    calories: int | None = None
    blend: Blend | None = None


@dataclass
class LabelContent:
    npn: str | None
    npn_prefix: str  # "NPN" or "DIN-HM"
    brand: str
    product_name: str
    product_name_fr: str
    company: str
    address: str
    dosage_form: str  # English LNHPD dosage form, e.g. "Tablet"
    form: wording.FormWords
    net_quantity: str  # "120" for counted forms, "250 g" for bulk forms
    ingredients: list[IngredientRow] = field(default_factory=list)
    non_medicinal: list[str] = field(default_factory=list)
    non_medicinal_fr: list[str] = field(default_factory=list)
    uses: list[Statement] = field(default_factory=list)
    directions: list[Statement] = field(default_factory=list)
    cautions: list[Statement] = field(default_factory=list)
    facts: FactsPanel | None = None  # set by cyclops.synth.facts when the label carries a US panel
    split_tables: bool = False  # medicinal ingredients as an English table and a French table (realism)
    extras: list[str] = field(default_factory=list)  # origin, web, route, storage, phone, lot lines ("other")
    barcode: str | None = None  # UPC-A digits printed under a barcode ("other")

    def count_text(self) -> str:
        """The front's "120 Tablets / Comprimés" (bulk forms: "250 g Powder / Poudre")."""
        return f"{self.net_quantity} {self.form.en_plural} / {self.form.fr_plural}"

    def printed(self, npn_legible: bool) -> dict[str, object]:
        """The ``ProductTruth.printed`` dictionary (see cyclops/model/truth.py)."""

        def statements(items: list[Statement]) -> list[dict[str, str]]:
            out = []
            for s in items:
                out += [{"text": s.en, "language": "en"}] if s.en else []
                out += [{"text": s.fr, "language": "fr"}] if s.fr else []
            return out

        out: dict[str, object] = {
            "npn": self.npn,
            "npn_legible": bool(self.npn) and npn_legible,
            "npn_prefix": self.npn_prefix,
            "product_name": self.product_name,
            "product_name_fr": self.product_name_fr,
            "brand": self.brand,
            "company": self.company,
            "company_address": self.address,
            "dosage_form": self.dosage_form,
            "net_quantity": self.net_quantity,
            "medicinal_ingredients": self._printed_ingredients(),
            "non_medicinal_ingredients": list(self.non_medicinal),
            "recommended_uses": statements(self.uses),
            "directions": statements(self.directions),
            "cautions": statements(self.cautions),
        }
        if self.facts is not None:
            out["ingredient_panel"] = "supplement_facts"
        return out

    def _printed_ingredients(self) -> list[dict[str, object]]:
        """One dict per printed ingredient; a blend is one entry with its total amount and its members as ``parts``."""
        blend = self.facts.blend if self.facts else None
        out: list[dict[str, object]] = []
        for k, i in enumerate(self.ingredients):
            if blend and k in blend.members:
                if k == blend.members[0]:
                    parts = [{"name": self.ingredients[m].name, "quantity": None, "unit": None} for m in blend.members]
                    out.append(
                        {
                            "name": blend.name,
                            "name_fr": blend.name,
                            "quantity": blend.quantity,
                            "unit": blend.unit,
                            "potency": None,
                            "parts": parts,
                        }
                    )
                continue
            out.append({"name": i.name, "name_fr": i.name_fr, "quantity": i.quantity, "unit": i.unit, "potency": i.potency})
        return out


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _brand(company: str, product_name: str) -> str:
    """Packaging shows a brand; the LNHPD has none, so take the company's first word (skipping "The")."""
    words = [w for w in re.split(r"\s+", company.strip()) if w]
    words = words[1:] if words and words[0].lower() == "the" and len(words) > 1 else words
    return re.sub(r"[^\w'&-]", "", words[0]) if words else product_name.split()[0]


def _potency(ing: MedicinalIngredient, language: str) -> str | None:
    parts = []
    if ing.potency_amount is not None and ing.potency_unit_of_measure:
        constituent = f" {ing.potency_constituent}" if ing.potency_constituent else ""
        parts.append(f"{wording.number(ing.potency_amount, 'en')} {ing.potency_unit_of_measure}{constituent}")
    if ing.ratio_numerator and ing.ratio_denominator:
        parts.append(f"{ing.ratio_numerator}:{ing.ratio_denominator} " + ("extract" if language == "en" else "extrait"))
    if ing.dried_herb_equivalent and ing.dhe_unit_of_measure:
        amount = f"{ing.dried_herb_equivalent} {ing.dhe_unit_of_measure}"
        parts.append(f"equivalent to {amount} dried herb" if language == "en" else f"équivalent à {amount} de plante séchée")
    return ", ".join(parts) or None


def _dose_statement(dose: ProductDose, form: wording.FormWords) -> Statement:
    who = (dose.population_type_desc or "Adults").strip()
    who_en, who_fr = wording.POPULATIONS.get(who.lower(), (who, who))
    lo, hi = dose.quantity_dose_minimum, dose.quantity_dose_maximum
    qty = dose.quantity_dose if dose.quantity_dose is not None else (lo if lo is not None else 1)
    if lo is not None and hi is not None and hi != lo:
        q_en, q_fr = (
            f"{wording.number(lo, 'en')}-{wording.number(hi, 'en')}",
            f"{wording.number(lo, 'fr')} à {wording.number(hi, 'fr')}",
        )
    else:
        q_en, q_fr = wording.number(qty, "en"), wording.number(qty, "fr")
    raw = (dose.uom_type_desc_quantity_dose or form.en_singular).strip()
    plural = (hi or qty) > 1
    if raw.lower() in wording.MEASURES:
        unit_en = unit_fr = raw
    else:
        unit_en = raw.lower() + ("s" if plural and not raw.lower().endswith("s") else "")
        fr = wording.DOSE_UNITS_FR.get(raw.lower(), form.fr_singular)
        unit_fr = " ".join(
            w + ("s" if plural and not w.endswith("s") else "") if k == 0 or w == "molle" else w for k, w in enumerate(fr.split())
        )
    f_lo, f_hi = dose.frequency_minimum, dose.frequency_maximum
    freq = dose.frequency if dose.frequency is not None else (f_lo if f_lo is not None else 1)
    per = (dose.uom_type_desc_frequency or "day").strip().lower()
    per_en, per_fr = wording.FREQUENCY_UNITS.get(per, (f"per {per}", f"par {per}"))
    if f_lo is not None and f_hi is not None and f_hi != f_lo:
        fr_en, fr_fr = (
            f"{wording.number(f_lo, 'en')}-{wording.number(f_hi, 'en')} times {per_en}",
            f"{wording.number(f_lo, 'fr')} à {wording.number(f_hi, 'fr')} fois {per_fr}",
        )
    elif freq == 1:
        fr_en, fr_fr = f"once {per_en}", f"une fois {per_fr}"
    else:
        fr_en, fr_fr = f"{wording.number(freq, 'en')} times {per_en}", f"{wording.number(freq, 'fr')} fois {per_fr}"
    return Statement(f"{who_en}: Take {q_en} {unit_en} {fr_en}.", f"{who_fr} : Prendre {q_fr} {unit_fr} {fr_fr}.")


def _pair(en: list[str], fr: list[str]) -> list[Statement]:
    """Pair English and French statements by position (the LNHPD lists them in the same order)."""
    return [Statement(e, fr[i] if i < len(fr) else None) for i, e in enumerate(en)]


def build_content(en: LicenceBundle, fr: LicenceBundle, rng: random.Random) -> LabelContent:
    """Label content for a licence; random choices (brand spelling, count, address) come from ``rng`` only."""
    lic = en.licence
    # DIN-HM numbers: the sample generator gives them 9xxxxxxx; real records may say "homeopathic" or use CH/DH potencies
    homeopathic = (
        "homeopath" in (lic.sub_submission_type_desc or "").lower()
        or lic.licence_number.upper().startswith(("DIN", "9"))
        or any((m.quantity_unit_of_measure or "").upper() in {"CH", "DH", "X"} for m in en.medicinal_ingredients)
    )
    form = wording.form_words(lic.dosage_form)
    bulk = wording.BULK_FORMS.get(form.en_singular)
    net = f"{rng.choice(bulk[1])} {bulk[0]}" if bulk else str(rng.choice(wording.COUNTS))
    fr_names = {i: m.ingredient_name for i, m in enumerate(fr.medicinal_ingredients)}
    rows = []
    for i, ing in enumerate(en.medicinal_ingredients):
        name = ing.ingredient_name.strip()
        rows.append(
            IngredientRow(
                name=name,
                name_fr=fr_names.get(i, name).strip(),
                quantity=ing.quantity if ing.quantity is not None else ing.quantity_minimum,
                unit=ing.quantity_unit_of_measure,
                potency=_potency(ing, "en"),
                potency_fr=_potency(ing, "fr"),
            )
        )
    doses = en.doses or [ProductDose(lnhpd_id=lic.lnhpd_id, population_type_desc="Adults", quantity_dose=1, frequency=1)]
    company = (lic.company_name or "Unknown Company Inc.").strip()
    return LabelContent(
        npn=_digits(lic.licence_number) or None,
        npn_prefix="DIN-HM" if homeopathic else "NPN",
        brand=_brand(company, lic.product_name),
        product_name=lic.product_name.strip(),
        product_name_fr=fr.licence.product_name.strip(),
        company=company,
        address=rng.choice(wording.ADDRESSES),
        dosage_form=lic.dosage_form or form.en_singular.capitalize(),
        form=form,
        net_quantity=net,
        ingredients=rows,
        non_medicinal=[n.ingredient_name.strip() for n in en.non_medicinal_ingredients],
        non_medicinal_fr=[n.ingredient_name.strip() for n in fr.non_medicinal_ingredients],
        uses=_pair([p.purpose.strip() for p in en.purposes], [p.purpose.strip() for p in fr.purposes]),
        directions=[_dose_statement(d, form) for d in doses[:3]],
        cautions=_pair([r.risk_text.strip() for r in en.risks], [r.risk_text.strip() for r in fr.risks]),
    )


def add_label_extras(content: LabelContent, rng: random.Random) -> None:
    """Print what real packaging adds around the claims: country of origin, web address, route, storage, a phone
    number, lot and expiry, and a UPC barcode. All of it is "other" in the truth (none is a use, an NPN or a company)."""
    brand = re.sub(r"[^a-z0-9]", "", content.brand.lower()) or "brand"
    pool = [
        rng.choice(wording.ORIGINS),
        rng.choice(wording.WEB).format(brand=brand),
        rng.choice(wording.ROUTES),
        rng.choice(wording.STORAGE),
        f"1-800-{rng.randint(200, 999)}-{rng.randint(1000, 9999)}",
        f"LOT {rng.randint(10, 29)}{rng.choice('ABCDEFGH')}{rng.randint(100, 999)}  EXP {rng.randint(2026, 2030)}/{rng.randint(1, 12):02d}",
    ]
    content.extras = rng.sample(pool, rng.randint(3, len(pool)))
    if rng.random() < 0.7:
        digits = [rng.randint(0, 9) for _ in range(11)]
        check = (10 - (3 * sum(digits[0::2]) + sum(digits[1::2])) % 10) % 10
        d = "".join(map(str, digits)) + str(check)
        content.barcode = f"{d[0]} {d[1:6]} {d[6:11]} {d[11]}"
