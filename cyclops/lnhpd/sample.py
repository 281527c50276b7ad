"""A SYNTHETIC LNHPD sample, in exactly the JSON form of Health Canada's API.

The real database can't be downloaded at run time, and tests and demos need a
licence set with known contents, so this module invents one: fictional brands
and companies (``data/sample_products.json``) selling real kinds of products
built from public facts about common NHP ingredients (``data/ingredient_facts.json``:
monograph-style uses and risks in English and French, typical quantities, extract
ratios, potency constituents). Nothing here is a real licence. The same seed
always gives the same licences and the same bytes on disk.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property, lru_cache
from importlib import resources
from itertools import accumulate
from pathlib import Path
from typing import Any

from cyclops.lnhpd.records import (
    ENDPOINTS,
    PAGINATED,
    LicenceBundle,
    MedicinalIngredient,
    NonMedicinalIngredient,
    ProductDose,
    ProductLicence,
    ProductPurpose,
    ProductRisk,
    ProductRoute,
)
from cyclops.lnhpd.synonyms import proper_name

API_PATH = "/api/natural-licences"
#: records per page of a paginated endpoint file
PAGE_SIZE = 1000
_FR_UNITS = {"IU": "UI", "CFU": "UFC"}
_CLASSES = [(1, "Class I", "Classe I", 5), (2, "Class II", "Classe II", 3), (3, "Class III", "Classe III", 2)]
_BUNDLE_FIELD = {
    "productlicence": "licence",
    "medicinalingredient": "medicinal_ingredients",
    "nonmedicinalingredient": "non_medicinal_ingredients",
    "productpurpose": "purposes",
    "productrisk": "risks",
    "productdose": "doses",
    "productroute": "routes",
}


@lru_cache
def _data(name: str) -> dict[str, Any]:
    text = resources.files("cyclops.lnhpd").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return json.loads(text)


@lru_cache
def _text_ids() -> dict[str, int]:
    """A stable id for every purpose and risk text (shared by its English and French versions)."""
    ids: dict[str, int] = {}
    for facts in _data("ingredient_facts.json")["ingredients"].values():
        for text in [p[0] for p in facts["purposes"]] + [r[1] for r in facts["risks"]]:
            ids.setdefault(text, 20000 + len(ids))
    return ids


def _unit(unit: str, language: str) -> str:
    return _FR_UNITS.get(unit, unit) if language == "fr" else unit


def _format_amount(quantity: float, unit: str) -> str:
    if unit == "CFU" and quantity >= 1e9:
        return f"{quantity / 1e9:g} Billion"
    return f"{quantity:g} {unit}"


def _ingredients(key: str, lnhpd_id: int, rng: random.Random) -> tuple[MedicinalIngredient, MedicinalIngredient]:
    facts = _data("ingredient_facts.json")["ingredients"][key]
    quantity, unit = rng.choice(facts["doses"])
    source_en, source_fr = rng.choice(facts["source"])
    common: dict[str, Any] = {"lnhpd_id": lnhpd_id, "quantity": float(quantity)}
    extra: dict[str, dict[str, Any]] = {"en": {}, "fr": {}}
    if "extract" in facts and rng.random() < 0.7:
        numerator, denominator = rng.choice(facts["extract"]["ratios"])
        common |= {
            "ratio_numerator": str(numerator),
            "ratio_denominator": str(denominator),
            "dried_herb_equivalent": f"{quantity * numerator / denominator:g}",
            "dhe_unit_of_measure": "mg",
        }
        extra["en"]["extract_type_desc"], extra["fr"]["extract_type_desc"] = "Dry extract", "Extrait sec"
    if "potency" in facts and rng.random() < 0.6:
        constituent_en, constituent_fr, amount, potency_unit = rng.choice(facts["potency"])
        common |= {"potency_amount": float(amount), "potency_unit_of_measure": potency_unit}
        extra["en"]["potency_constituent"], extra["fr"]["potency_constituent"] = constituent_en, constituent_fr
    en = MedicinalIngredient(
        **common, **extra["en"], ingredient_name=proper_name(key, "en") or key,
        quantity_unit_of_measure=_unit(unit, "en"), source_material=source_en,
    )
    fr = MedicinalIngredient(
        **common, **extra["fr"], ingredient_name=proper_name(key, "fr") or key,
        quantity_unit_of_measure=_unit(unit, "fr"), source_material=source_fr,
    )
    return en, fr


def _pick_template(rng: random.Random, homeopathic: bool) -> dict[str, Any]:
    products = _data("sample_products.json")
    if homeopathic:
        return rng.choice(products["homeopathic_templates"])
    templates = products["templates"]
    return rng.choices(templates, weights=[t["weight"] for t in templates])[0]


@dataclass(frozen=True)
class Market:
    """Licence holders other than the sample's own, and how many licences each holds (relative weights)."""

    companies: list[tuple[str, str]]  # (company name, brand)
    weights: list[float]

    @cached_property
    def _cumulative(self) -> list[float]:
        return list(accumulate(self.weights))

    def pick(self, rng: random.Random) -> tuple[int, str, str]:
        k = rng.choices(range(len(self.companies)), cum_weights=self._cumulative)[0]
        return k, *self.companies[k]


#: company ids of a ``Market`` start here, past the sample's own
_MARKET_IDS = 1000


def _licence_pair(index: int, lnhpd_id: int, number: str, homeopathic: bool, inactive: bool, rng: random.Random,
                  market: Market | None = None) -> tuple[LicenceBundle, LicenceBundle]:
    products = _data("sample_products.json")
    facts = _data("ingredient_facts.json")
    template = _pick_template(rng, homeopathic)
    companies = products["companies"]
    if homeopathic:
        company_index = rng.choice(products["homeopathic_companies"] + [rng.randrange(len(companies))])
    else:
        company_index = rng.choice([i for i in range(len(companies)) if i not in products["homeopathic_companies"]])
    company, brand = companies[company_index]
    if market is not None and not homeopathic:
        k, company, brand = market.pick(rng)
        company_index = _MARKET_IDS + k
    form = rng.choice(template["forms"])
    form_fr, dose_unit_en, dose_unit_fr = products["dosage_forms"][form]

    pairs = [_ingredients(key, lnhpd_id, rng) for key in template["ingredients"]]
    name_en, name_fr = f"{brand} {template['en']}", f"{brand} {template['fr']}"
    if len(pairs) == 1 and rng.random() < 0.5:
        first = pairs[0][0]
        amount = _format_amount(first.quantity or 0, first.quantity_unit_of_measure or "")
        name_en, name_fr = f"{name_en} {amount}", f"{name_fr} {_format_amount(first.quantity or 0, _unit(first.quantity_unit_of_measure or '', 'fr'))}"
    qualifier_en, qualifier_fr = rng.choice(products["qualifiers"])
    if qualifier_en:
        name_en, name_fr = f"{name_en} {qualifier_en}", f"{name_fr} {qualifier_fr}"

    class_code, class_en, class_fr, _ = rng.choices(_CLASSES, weights=[c[3] for c in _CLASSES])[0]
    licensed = date(2004, 1, 1) + timedelta(days=rng.randrange(7600))
    revised = licensed + timedelta(days=rng.randrange(30, 1500)) if rng.random() < 0.3 else None
    licence_common = {
        "lnhpd_id": lnhpd_id,
        "licence_number": number,
        "licence_date": licensed.isoformat(),
        "revised_date": revised.isoformat() if revised else None,
        "time_receipt": (licensed - timedelta(days=rng.randrange(20, 200))).isoformat(),
        "date_start": licensed.isoformat(),
        "product_name_id": 500000 + index,
        "company_id": 10000 + company_index,
        "company_name_id": 90000 + company_index,
        "company_name": company,
        "sub_submission_type_code": class_code,
        "flag_primary_name": 1,
        "flag_product_status": 0 if inactive else 1,
        "flag_attested_monograph": 1 if class_code == 1 else 0,
    }

    ids = _text_ids()
    purposes: dict[str, list[str]] = {}
    risks: dict[str, tuple[str, str, str]] = {}
    for key in template["ingredients"]:
        for en_text, fr_text in facts["ingredients"][key]["purposes"]:
            purposes.setdefault(en_text, [en_text, fr_text])
        for kind, en_text, fr_text in facts["ingredients"][key]["risks"]:
            risks.setdefault(en_text, (kind, en_text, fr_text))
    chosen_purposes = list(purposes.values())[: rng.randint(1, 3)]
    nmi_choices = products["non_medicinal"][form]
    nmi = sorted(rng.sample(range(len(nmi_choices)), min(len(nmi_choices), rng.randint(2, 4))))
    per_dose = {"Liquid": 5.0, "Drops": 1.0, "Powder": 1.0, "Globules": 5.0}.get(form, float(rng.choice([1, 1, 2])))
    frequency = float(rng.choice([1, 1, 2, 3]))
    route_en = "Sublingual" if form == "Globules" else "Oral"
    risk_types = facts["risk_types"]

    bundles = []
    for lang in ("en", "fr"):
        fr = lang == "fr"
        bundles.append(LicenceBundle(
            language=lang,
            licence=ProductLicence(
                **licence_common,
                product_name=name_fr if fr else name_en,
                dosage_form=form_fr if fr else form,
                sub_submission_type_desc=class_fr if fr else class_en,
            ),
            medicinal_ingredients=[pair[1] if fr else pair[0] for pair in pairs],
            non_medicinal_ingredients=[
                NonMedicinalIngredient(lnhpd_id=lnhpd_id, ingredient_name=nmi_choices[i][1 if fr else 0]) for i in nmi
            ],
            purposes=[ProductPurpose(lnhpd_id=lnhpd_id, text_id=ids[en], purpose=fr_text if fr else en) for en, fr_text in chosen_purposes],
            risks=[
                ProductRisk(
                    lnhpd_id=lnhpd_id, risk_id=ids[en_text], risk_type_desc=risk_types[kind][lang],
                    risk_text=fr_text if fr else en_text,
                )
                for kind, en_text, fr_text in risks.values()
            ],
            doses=[ProductDose(
                lnhpd_id=lnhpd_id, dose_id=lnhpd_id * 10 + 1, population_type_desc="Adultes" if fr else "Adults",
                age_minimum=18.0, uom_type_desc_age="Ans" if fr else "Years", quantity_dose=per_dose,
                uom_type_desc_quantity_dose=dose_unit_fr if fr else dose_unit_en, frequency=frequency,
                uom_type_desc_frequency="Par jour" if fr else "Daily",
            )],
            routes=[ProductRoute(
                lnhpd_id=lnhpd_id, route_id=1 if route_en == "Oral" else 2,
                route_type_desc=products["routes"][route_en] if fr else route_en,
            )],
        ))
    return bundles[0], bundles[1]


def generate(n: int, seed: int, market: Market | None = None) -> list[tuple[LicenceBundle, LicenceBundle]]:
    """``n`` fictional licences as (English, French) bundles of the same lnhpd_id; deterministic for ``seed``.

    About 2% are homeopathic (DIN-HM numbers starting with 9) and about 5% inactive. ``market`` replaces the
    sample's licence holders (homeopathic ones aside) with many more (``sample_scale``: a database at real size).
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    rng = random.Random(seed)
    lnhpd_ids = sorted(rng.sample(range(1_000_000, 9_999_999), n))
    npns = rng.sample(range(80_000_000, 81_000_000), n)
    din_hms = rng.sample(range(90_000_000, 90_100_000), n)
    homeopathic = set(rng.sample(range(n), max(1, round(n * 0.02)))) if n >= 10 else set()
    inactive = set(rng.sample(range(n), max(1, round(n * 0.05)))) if n >= 10 else set()
    pairs = []
    for i, lnhpd_id in enumerate(lnhpd_ids):
        number = str(din_hms[i] if i in homeopathic else npns[i])
        pairs.append(_licence_pair(i, lnhpd_id, number, i in homeopathic, i in inactive, rng, market))
    return pairs


def _page_url(endpoint: str, lang: str, page: int | None) -> str | None:
    if page is None:
        return None
    return f"{API_PATH}/{endpoint}/?lang={lang}&type=json&page={page}"


def _dumps(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def endpoint_records(pairs: list[tuple[LicenceBundle, LicenceBundle]], endpoint: str, lang: str) -> list[dict[str, Any]]:
    """Every record of one endpoint in one language, in licence order, as the API's JSON objects."""
    lang_index = ("en", "fr").index(lang)
    records: list[dict[str, Any]] = []
    for pair in pairs:
        value = getattr(pair[lang_index], _BUNDLE_FIELD[endpoint])
        for record in value if isinstance(value, list) else [value]:
            records.append(record.model_dump(mode="json"))
    return records


def api_page(records: list[dict[str, Any]], endpoint: str, lang: str, page: int, page_size: int) -> dict[str, Any]:
    """Page ``page`` (from 1) of ``records`` in the API's paginated form, with its next and previous links."""
    pages = max(1, -(-len(records) // page_size))
    return {
        "metadata": {"pagination": {
            "limit": page_size, "page": page, "total": len(records),
            "next": _page_url(endpoint, lang, page + 1 if page < pages else None),
            "previous": _page_url(endpoint, lang, page - 1 if page > 1 else None),
        }},
        "data": records[(page - 1) * page_size: page * page_size],
    }


def write_api_json(pairs: list[tuple[LicenceBundle, LicenceBundle]], out_dir: Path, page_size: int = PAGE_SIZE) -> list[Path]:
    """Write one file per endpoint and language as the API serves them.

    Bare endpoints go to ``<endpoint>-<lang>.json`` (a JSON array); paginated ones
    (medicinalingredient, productpurpose, productrisk) to one file per page,
    ``<endpoint>-<lang>-page<N>.json``, each ``{"metadata": {"pagination": ...}, "data": [...]}``.
    """
    if page_size < 1:
        raise ValueError(f"page_size must be >= 1, got {page_size}")
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for endpoint in ENDPOINTS:
        for lang in ("en", "fr"):
            records = endpoint_records(pairs, endpoint, lang)
            if endpoint not in PAGINATED:
                path = out_dir / f"{endpoint}-{lang}.json"
                path.write_text(_dumps(records), encoding="utf-8")
                written.append(path)
                continue
            pages = max(1, -(-len(records) // page_size))
            for page in range(1, pages + 1):
                path = out_dir / f"{endpoint}-{lang}-page{page}.json"
                path.write_text(_dumps(api_page(records, endpoint, lang, page, page_size)), encoding="utf-8")
                written.append(path)
    return written
