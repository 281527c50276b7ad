"""What the report shows, computed once from the analysis, its edit log, both licence records and the photos;
written afterwards in either language (``cyclops.report.page``, ``cyclops.report.pdf``).

The ingredient rows are ``cyclops.compare.ingredients``' rows, the ones the flags were raised from, so the
report never says "amount differs" where no flag was raised, or the reverse.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from cyclops.compare.ingredients import compare_ingredients
from cyclops.lnhpd.records import LicenceBundle, ProductDose
from cyclops.match import licence_doubt
from cyclops.model.analysis import SERVER_ANALYST, Analysis, Edit
from cyclops.report.images import Photos
from cyclops.report.plain import describe_field, describe_value
from cyclops.report.words import number
from cyclops.review import Decision, ReviewState, review_state

LANGS = ("en", "fr")


@dataclass
class IdentityRow:
    key: str  # a heading of cyclops.report.words: product_name, company, npn ...
    label: str
    licence: dict[str, str]  # language -> the licence's value


@dataclass
class IngredientLine:
    name: str
    quantity: float | None
    unit: str | None
    licence_name: str
    licence_name_fr: str  # the French record's name of the same ingredient (the English one when there is none)
    licence_quantity: float | None
    licence_unit: str | None
    state: str  # cyclops.compare.ingredients.RowState


@dataclass
class SideList:
    """One section compared as two lists: what the label prints, what the licence says (per language)."""

    label: list[str]
    licence: dict[str, list[str]]


@dataclass
class ClaimLine:
    text: str
    language: str | None
    compliant: bool | None


@dataclass
class FlagLine:
    code: str
    severity: str
    message: str
    message_fr: str
    source: str
    decision: str | None
    reason: str | None
    crops: list[bytes] = field(default_factory=list)  # JPEG, one per photo holding the evidence
    decisions: list[Decision] = field(default_factory=list)  # every analyst's decision, oldest first (high flags)
    disagreement: bool = False


@dataclass
class Correction:
    number: int
    analyst: str
    at: str | None
    what: dict[str, str]  # language -> plain words
    before: dict[str, str]
    after: dict[str, str]
    reason: str | None


@dataclass
class Report:
    analysis_id: str | None
    version: int
    created_at: str | None
    generated_at: str
    generated_by: str
    licence_number: str | None
    licence_doubt: bool
    match_method: str
    licence_active: bool | None
    identity: list[IdentityRow]
    ingredients: list[IngredientLine]
    non_medicinal: SideList
    claims: list[ClaimLine]
    uses: SideList  # the label side is ``claims``; kept here for the licence side
    dose: SideList
    cautions: SideList
    flags: list[FlagLine]
    corrections: list[Correction]
    review: ReviewState
    analysts: list[str]
    photos: dict[str, bytes] = field(default_factory=dict)  # image id -> JPEG with the boxes drawn
    photo_names: dict[str, str] = field(default_factory=dict)  # image id -> file name as uploaded

    @property
    def verdict(self) -> tuple[str, int]:
        """("non_compliant" | "unfinished" | "compliant", how many flags say so)."""
        confirmed = sum(1 for f in self.flags if f.decision == "confirmed")
        undecided = sum(1 for f in self.flags if f.decision is None)
        if confirmed:
            return "non_compliant", confirmed
        if undecided:
            return "unfinished", undecided
        return "compliant", 0


def _dose_text(dose: ProductDose, lang: str) -> str:
    """"Adults 18+ Years: 5 mL, 1 Daily" from the licence's dose record."""

    def span(low: float | None, high: float | None, exact: float | None) -> str:
        if exact is not None:
            return number(exact, lang)
        if low is not None and high is not None:
            return f"{number(low, lang)}-{number(high, lang)}"
        return number(low if low is not None else high, lang)

    age = span(dose.age_minimum, dose.age_maximum, dose.age)
    if age and dose.age is None and dose.age_maximum is None:
        age += "+"
    who = " ".join(p for p in (dose.population_type_desc, age, dose.uom_type_desc_age if age else None) if p)
    much = " ".join(p for p in (span(dose.quantity_dose_minimum, dose.quantity_dose_maximum, dose.quantity_dose),
                                dose.uom_type_desc_quantity_dose) if p)
    often = " ".join(p for p in (span(dose.frequency_minimum, dose.frequency_maximum, dose.frequency),
                                 dose.uom_type_desc_frequency) if p)
    sep = " : " if lang == "fr" else ": "
    return (who + sep if who else "") + ", ".join(p for p in (much, often) if p)


def _by_language(en: LicenceBundle | None, fr: LicenceBundle | None, read) -> dict[str, list[str]]:
    """Each language's list from its own record, the English one standing in for a missing French one."""
    out = {}
    for lang, bundle in (("en", en or fr), ("fr", fr or en)):
        out[lang] = read(bundle, lang) if bundle else []
    return out


def _identity(analysis: Analysis, en: LicenceBundle | None, fr: LicenceBundle | None) -> list[IdentityRow]:
    f = analysis.fields

    def lic(read) -> dict[str, str]:
        return {lang: (read(b) or "") if b else "" for lang, b in (("en", en or fr), ("fr", fr or en))}

    return [
        IdentityRow("product_name", f.product_name.value or "", lic(lambda b: b.licence.product_name)),
        IdentityRow("brand", f.brand.value or "", {"en": "", "fr": ""}),
        IdentityRow("company", f.company.value or "", lic(lambda b: b.licence.company_name)),
        IdentityRow("npn", f.npn.value or "", lic(lambda b: b.licence.licence_number)),
        IdentityRow("dosage_form", f.dosage_form.value or "", lic(lambda b: b.licence.dosage_form)),
    ]


def _ingredients(analysis: Analysis, en: LicenceBundle | None, fr: LicenceBundle | None) -> list[IngredientLine]:
    """The flags' own rows: the English record compared, the French one lending its names (``cyclops.flags.ingredients``)."""
    main = en or fr
    licensed = main.medicinal_ingredients if main else []
    other = fr.medicinal_ingredients if en and fr else None
    rows = compare_ingredients(analysis.fields.medicinal_ingredients, licensed, other_language=other, lines=analysis.lines).rows
    if main is None:  # nothing to compare with: no row may say "not in the licence"
        rows = [replace(row, state="not_compared") for row in rows]
    lines = []
    for row in rows:
        name = name_fr = row.licence.ingredient_name if row.licence else ""
        if row.licence is not None and other is not None and row.licence_index is not None and len(other) == len(licensed):
            name_fr = other[row.licence_index].ingredient_name
        lines.append(IngredientLine(
            name=row.label.name if row.label else "", quantity=row.label.quantity if row.label else None,
            unit=row.label.unit if row.label else None, licence_name=name, licence_name_fr=name_fr,
            licence_quantity=row.licence.quantity if row.licence else None,
            licence_unit=row.licence.quantity_unit_of_measure if row.licence else None, state=row.state))
    return lines


def _value(value: object, lang: str) -> str:
    """``describe_value``, numbers written the language's way (7,25 in French)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return number(float(value), lang)
    return describe_value(value, lang)


def _corrections(analysis: Analysis, edits: list[Edit]) -> list[Correction]:
    """The analysts' corrections; the server's re-checks of the flags that follow them are not corrections (the
    flags section shows their outcome)."""
    return [Correction(
        number=edit.seq if edit.seq is not None else i + 1, analyst=edit.analyst, at=edit.at,
        what={lang: describe_field(edit.field, analysis, lang) for lang in LANGS},
        before={lang: _value(edit.before, lang) for lang in LANGS},
        after={lang: _value(edit.after, lang) for lang in LANGS}, reason=edit.reason)
        for i, edit in enumerate(edits) if edit.analyst != SERVER_ANALYST]


def build_report(analysis: Analysis, *, edits: list[Edit] | None = None, licence: LicenceBundle | None = None,
                 licence_fr: LicenceBundle | None = None, photos: dict[str, bytes] | None = None,
                 generated_by: str = "", now: datetime | None = None) -> Report:
    """Everything the report shows. ``licence`` and ``licence_fr`` are the matched licence's English and French
    records (either may be missing; pass none while the match is in doubt); ``photos`` maps image id -> file bytes."""
    edits = edits or []
    doubt = licence_doubt(analysis.match, analysis.fields.npn.value) is not None
    en, fr = (None, None) if doubt else (licence, licence_fr)
    f = analysis.fields
    pictures = Photos(analysis, photos or {})
    state = review_state(analysis, edits)
    high = {h.index: h for h in state.high_flags}
    flags = []
    for index, fl in enumerate(analysis.flags):
        if not fl.standing:  # resolved by a correction (the correction log shows it)
            continue
        review = high.get(index)
        flags.append(FlagLine(fl.code, fl.severity, fl.message, fl.message_fr, fl.source, fl.decision, fl.reason,
                              crops=pictures.crops(fl.evidence), decisions=review.decisions if review else [],
                              disagreement=bool(review and review.disagreement)))
    any_licence = en or fr
    return Report(
        analysis_id=analysis.analysis_id,
        version=analysis.version,
        created_at=analysis.created_at,
        generated_at=(now or datetime.now(UTC)).isoformat(timespec="seconds"),
        generated_by=generated_by,
        licence_number=analysis.match.licence_number,
        licence_doubt=doubt,
        match_method=analysis.match.method,
        licence_active=any_licence.active if any_licence else None,
        identity=_identity(analysis, en, fr),
        ingredients=_ingredients(analysis, en, fr),
        non_medicinal=SideList([n.name for n in f.non_medicinal_ingredients],
                               _by_language(en, fr, lambda b, _l: [n.ingredient_name for n in b.non_medicinal_ingredients])),
        claims=[ClaimLine(c.text, c.language, c.compliant) for c in f.recommended_uses],
        uses=SideList([c.text for c in f.recommended_uses], _by_language(en, fr, lambda b, _l: [p.purpose for p in b.purposes])),
        dose=SideList([d.text for d in f.directions], _by_language(en, fr, lambda b, lang: [_dose_text(d, lang) for d in b.doses])),
        cautions=SideList([c.text for c in f.cautions], _by_language(en, fr, lambda b, _l: [r.risk_text for r in b.risks])),
        flags=flags,
        corrections=_corrections(analysis, edits),
        review=state,
        analysts=sorted({e.analyst for e in edits}),
        photos={image_id: pictures.with_boxes(image_id) for image_id in pictures.ids()},
        photo_names={info.id: info.filename for info in analysis.images if info.filename},
    )
