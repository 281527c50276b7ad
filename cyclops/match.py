"""Which licence a label belongs to.

The printed NPN is looked up first. When it is absent, unreadable or unknown, candidates come
from the database's fuzzy search (by name, by company, by each ingredient) and are re-ranked here
on the whole label: product name, company and medicinal-ingredient overlap (through synonyms).
A licence whose number is one digit away from the printed one and that agrees on name or
ingredients ranks first: that is an OCR slip, not a different product.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from rapidfuzz import fuzz

from cyclops.compare.amounts import amount_agrees
from cyclops.compare.names import ingredient_similarity
from cyclops.lnhpd.records import LicenceBundle
from cyclops.model.analysis import Candidate, Fields, Match
from cyclops.params import Params
from cyclops.text.fold import digits, fold
from cyclops.text.similarity import company_key, name_similarity


@dataclass(frozen=True)
class MatchParams(Params):
    """Every threshold of licence matching; the defaults are the values matching has always used."""

    #: how many candidates a Match always carries (when the database has them)
    top_n: int = 5
    #: a search result needs at least this score to become the match
    accept_score: float = 0.6
    #: a search match this sure (or one digit off the printed NPN) is compared with the label at once; a weaker
    #: one is only a proposal: a product sold without a licence always finds some sister licence by search,
    #: and comparing its label with that licence raises flags about another product
    trust_score: float = 0.85
    #: name or ingredient agreement that makes a one-digit-off licence number an OCR slip
    agree_score: float = 0.8
    #: rows asked from each database search
    search_limit: int = 10
    #: candidates re-ranked on the whole label (each costs two database reads)
    max_scored: int = 20
    #: weights of the label's facts in a candidate's score
    name_weight: float = 0.5
    ingredients_weight: float = 0.35
    company_weight: float = 0.15
    #: a score from the company alone is multiplied by this: a company alone names dozens of licences
    company_only_factor: float = 0.5
    #: credit for an ingredient found by name whose printed amount differs from (or cannot be compared with) the licence's
    name_only_credit: float = 0.9
    #: token-set ratio (0-100) at which a recommended use is a licensed purpose (the tie-breaker between twins)
    purpose_ratio: int = 85
    #: name score from which the label prints exactly the licence's product name
    same_name_score: float = 0.99

    def weights(self) -> dict[str, float]:
        return {"name": self.name_weight, "ingredients": self.ingredients_weight, "company": self.company_weight}


#: the thresholds matching uses when none are given
DEFAULT_PARAMS = MatchParams()


class LicenceSource(Protocol):
    """What matching needs from ``cyclops.lnhpd.database.LicenceDB``."""

    def get(self, licence_number: str, language: str = "en") -> LicenceBundle | None: ...
    def get_by_id(self, lnhpd_id: int, language: str = "en") -> LicenceBundle | None: ...
    def search(self, text: str = "", company: str | None = None, ingredient: str | None = None,
               limit: int = 10) -> list: ...


@dataclass
class Scored:
    bundle: LicenceBundle
    names: list[str]
    score: float
    parts: dict[str, float]
    npn_slip: bool = False
    detail: float = 0.0  # tie-breaker between licences the main score cannot tell apart
    printed_found: float = 1.0  # share of the printed ingredients this licence has (1.0 when none was read)


def one_digit_variants(number: str) -> list[str]:
    """Every number that differs from ``number`` in exactly one digit (an OCR misread)."""
    return [number[:i] + d + number[i + 1:] for i in range(len(number)) for d in "0123456789" if d != number[i]]


def _name_score(fields: Fields, names: list[str]) -> float | None:
    printed = fields.product_name.value
    if not printed:
        return None
    options = [printed] + ([f"{fields.brand.value} {printed}"] if fields.brand.value else [])
    best = 0.0
    for option in options:
        fo = fold(option)
        for name in names:
            fn = fold(name)
            best = max(best, name_similarity(option, name))
            if fn and len(fn) >= 4 and len(fn) <= len(fo):
                best = max(best, 0.95 * fuzz.partial_ratio(fn, fo) / 100.0)  # brand or strength added around it
    return best


def _company_score(fields: Fields, company: str | None) -> float | None:
    if not fields.company.value or not company:
        return None
    return name_similarity(company_key(fields.company.value), company_key(company))


def _ingredient_overlap(fields: Fields, bundle: LicenceBundle, params: MatchParams) -> tuple[float | None, float]:
    """(overlap score, share of the printed ingredients the licence has) from one pairing by name.

    The score is the pairs found over the larger list. A pair whose amounts also
    agree counts in full, one found by name only a little less: two licences of
    one company often share name and ingredients and differ only in strength, and
    only the amounts tell which one a label without an NPN belongs to. The share
    is 1.0 when no ingredient was read.
    """
    printed = [i for i in fields.medicinal_ingredients if i.name]
    licensed = list(bundle.medicinal_ingredients)
    if not printed or not licensed:
        return None, 1.0 if not printed else 0.0
    used: set[int] = set()
    found = 0.0
    for ing in printed:
        best, best_j = 0.0, None
        for j, lic in enumerate(licensed):
            if j not in used:
                s = ingredient_similarity(ing.name, lic.ingredient_name)
                if s > best:
                    best, best_j = s, j
        if best_j is not None and best >= params.agree_score:
            used.add(best_j)
            found += 1.0 if amount_agrees(ing, licensed[best_j]) else params.name_only_credit
    return found / max(len(printed), len(licensed)), len(used) / len(printed)


def score_candidate(fields: Fields, en: LicenceBundle, fr: LicenceBundle | None = None,
                    params: MatchParams = DEFAULT_PARAMS) -> Scored:
    """Weighted agreement of the label with one licence, over the facts the label gives."""
    names = [b.licence.product_name for b in (en, fr) if b and b.licence.product_name]
    ingredients, printed_found = _ingredient_overlap(fields, en, params)
    parts = {
        "name": _name_score(fields, names),
        "ingredients": ingredients,
        "company": _company_score(fields, en.licence.company_name),
    }
    present = {k: v for k, v in parts.items() if v is not None}
    if not present:
        return Scored(en, names, 0.0, {})
    detail = _detail_score(fields, en, fr, params)
    weights = params.weights()
    total = sum(weights[k] for k in present)
    score = sum(weights[k] * v for k, v in present.items()) / total
    if len(present) == 1 and "company" in present:
        score *= params.company_only_factor  # a company alone names dozens of licences
    return Scored(en, names, score, present, detail=detail, printed_found=printed_found)


def _detail_score(fields: Fields, en: LicenceBundle, fr: LicenceBundle | None, params: MatchParams) -> float:
    """Agreement on dosage form and recommended uses, in [0, 2].

    Twin licences (same name, company and ingredients, e.g. a tablet and a
    softgel) score alike on the main facts; these tell them apart.
    """
    score = 0.0
    form = fold(fields.dosage_form.value or "")
    licensed_forms = [fold(b.licence.dosage_form or "") for b in (en, fr) if b]
    if form and any(f and (f in form or form in f) for f in licensed_forms):
        score += 1.0
    purposes = [fold(p.purpose) for b in (en, fr) if b for p in b.purposes if p.purpose]
    uses = [fold(u.text) for u in fields.recommended_uses if u.text]
    if purposes and uses:
        found = sum(1 for p in purposes if max(fuzz.token_set_ratio(p, u) for u in uses) >= params.purpose_ratio)
        score += found / len(purposes) - sum(
            1 for u in uses if max(fuzz.token_set_ratio(p, u) for p in purposes) < params.purpose_ratio) / (len(uses) + len(purposes))
    return score


def _candidate_ids(fields: Fields, db: LicenceSource, params: MatchParams) -> list[int]:
    """Licence ids worth scoring: database searches by every fact on the label, in rank order."""
    ids: list[int] = []
    name = fields.product_name.value
    company = fields.company.value
    queries: list[dict] = []
    if company:  # the narrowest searches first: the candidate budget is small and a company has many sisters
        queries += [{"text": name or "", "company": company, "ingredient": ing.name}
                    for ing in fields.medicinal_ingredients[:3] if ing.name]
    if name:
        queries.append({"text": name})
        if fields.brand.value:
            queries.append({"text": f"{fields.brand.value} {name}"})
    if company:
        queries.append({"text": name or "", "company": company} if name else {"text": company})
    for ing in fields.medicinal_ingredients[:6]:
        if ing.name:
            queries.append({"text": name or "", "ingredient": ing.name})
    for query in queries:
        try:
            hits = db.search(limit=params.search_limit, **query)
        except ValueError:
            continue
        ids += [h.lnhpd_id for h in hits if h.lnhpd_id not in ids]
    return ids


def _slip_ids(printed: str, db: LicenceSource) -> list[int]:
    out = []
    for variant in one_digit_variants(printed):
        bundle = db.get(variant)
        if bundle is not None:
            out.append(bundle.licence.lnhpd_id)
    return out


def _candidate(s: Scored) -> Candidate:
    lic = s.bundle.licence
    return Candidate(lnhpd_id=lic.lnhpd_id, licence_number=lic.licence_number, product_name=lic.product_name,
                     company_name=lic.company_name or "", score=round(min(max(s.score, 0.0), 1.0), 4))


def same_name(s: Scored, params: MatchParams = DEFAULT_PARAMS) -> bool:
    """The label prints exactly the licence's product name, and nothing else read contradicts it.

    Sister licences of one company share words ("Vitamin C Regular Strength" and "Zinc +
    Vitamin C Regular Strength"); when a table row was not read, the ingredient overlap
    favours the wrong sister, but the exact name still tells them apart.
    """
    parts = s.parts
    return (parts.get("name", 0.0) >= params.same_name_score and parts.get("company", 1.0) >= params.agree_score
            and s.printed_found == 1.0)


def match_licence(fields: Fields, db: LicenceSource, params: MatchParams = DEFAULT_PARAMS) -> Match:
    """The licence of a label: "npn_exact" (score 1.0) when the printed number is in the database,
    else the best re-ranked search result ("search") if good enough, else "none"; the top
    candidates are always listed for the analyst."""
    printed = digits(fields.npn.value)
    exact = db.get(printed) if printed else None

    ids = _candidate_ids(fields, db, params)
    slips = _slip_ids(printed, db) if printed and exact is None and len(printed) >= 7 else []
    ids = list(dict.fromkeys(slips + ([exact.licence.lnhpd_id] if exact else []) + ids))[:params.max_scored]

    scored: list[Scored] = []
    for lnhpd_id in ids:
        en = db.get_by_id(lnhpd_id, "en") or db.get_by_id(lnhpd_id, "fr")
        if en is None:
            continue
        s = score_candidate(fields, en, db.get_by_id(lnhpd_id, "fr"), params)
        s.npn_slip = lnhpd_id in slips and max(s.parts.get("name", 0.0), s.parts.get("ingredients", 0.0)) >= params.agree_score
        scored.append(s)
    scored.sort(key=lambda s: (
        exact is not None and s.bundle.licence.lnhpd_id == exact.licence.lnhpd_id,
        s.npn_slip, same_name(s, params), round(s.score, 3), s.detail, s.bundle.active), reverse=True)

    candidates = [_candidate(s) for s in scored[:params.top_n]]
    if exact is not None:
        return Match(lnhpd_id=exact.licence.lnhpd_id, licence_number=exact.licence.licence_number,
                     method="npn_exact", score=1.0, candidates=candidates)
    if scored and (scored[0].npn_slip or scored[0].score >= params.accept_score):
        top = scored[0]
        return Match(lnhpd_id=top.bundle.licence.lnhpd_id, licence_number=top.bundle.licence.licence_number,
                     method="search", score=round(min(top.score, 1.0), 4), candidates=candidates)
    return Match(method="none", score=round(scored[0].score, 4) if scored else 0.0, candidates=candidates)


def trusted(match: Match, fields: Fields, params: MatchParams = DEFAULT_PARAMS) -> bool:
    """Whether the label may be checked against the matched licence before an analyst confirms it."""
    if match.method in ("npn_exact", "analyst"):
        return True
    if match.method != "search":
        return False
    printed, found = digits(fields.npn.value), digits(match.licence_number)
    slip = len(printed) == len(found) == 8 and sum(a != b for a, b in zip(printed, found)) == 1
    return slip or match.score >= params.trust_score


def licence_doubt(match: Match, printed_npn: str | None) -> str | None:
    """Why the matched licence is not yet the product's: "npn_differs" (its number is not the NPN printed),
    "search" (a search found it), or None (nothing matched, the printed NPN found it, or an analyst confirmed
    it). Until then the dashboard and the report compare nothing with it."""
    if match.lnhpd_id is None or match.method == "analyst":
        return None
    printed = digits(printed_npn)
    if printed and printed != digits(match.licence_number):
        return "npn_differs"
    return "search" if match.method != "npn_exact" else None
