"""Scoring one analysis against its ground truth, and summing scores over a set.

Pure functions over the public models, so the same scoring serves the synthetic
benchmark, real photos with a truth file, and the retraining notebooks.

Matching rules (stated here because every number depends on them):
- text fields (product name, brand, company, dosage form, net quantity) are right
  when their normalised forms agree to a fuzzy ratio >= 90 (case, accents and
  punctuation ignored);
- a medicinal ingredient is right only when its name matches (synonyms or fuzzy
  ratio >= 85) AND its quantity agrees within 1 % AND its unit is the same after
  normalising spellings (mcg = µg = ug, IU = UI; a count of CFU after its multiplier word:
  "5 billion CFU" is 5e9 CFU);
- non-medicinal ingredients match at a fuzzy ratio >= 85 of their names;
- statements (recommended uses, directions, cautions) match at a token-set
  ratio >= 85, the proposed sentences that are parts of one printed statement of
  several sentences joined first (``statement_units``);
- list items (ingredients, statements) are paired one to one, by the largest
  matching, and among the largest by the pairs that read most alike (``_pairs``);
- flags are compared as sets of codes per product. The expected flags are those of
  the label (its injected violations, an inactive licence, an illegible NPN) plus
  what the photos themselves show: when a photo's crop leaves a mandatory section
  readable in one language only, FRENCH_MISSING is the right answer for those
  photos (the pipeline cannot see past the photo's edge; an analyst would retake it).
- a product whose truth has no licence (real photos of unlicensed products: a truth
  licence without a number) is identified right when no licence is matched; an NPN
  read on a product that prints none is a false NPN (``false_npns``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz
from scipy.optimize import linear_sum_assignment

from cyclops.lnhpd.synonyms import canonical_ingredient
from cyclops.model.analysis import Analysis
from cyclops.model.truth import ProductTruth
from cyclops.text.fold import strip_accents
from cyclops.units import normalize_unit, to_common

TEXT_FIELDS = ("product_name", "brand", "company", "dosage_form", "net_quantity")

def norm_text(text: str | None) -> str:
    """Lower case, no accents, punctuation and trademark signs to spaces, single spaces."""
    if not text:
        return ""
    text = strip_accents(re.sub(r"[™®©℠]", " ", text), compatible=True)  # compatibility forms would spell ™ as "TM"
    text = re.sub(r"[^\w%]+", " ", text.lower())
    return " ".join(text.split())


def norm_unit(unit: str | None) -> str:
    """A unit's canonical spelling (``cyclops.units.normalize_unit``), or its own lower-case spelling when unknown."""
    return normalize_unit(unit) or (unit or "").strip().lower()


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


def score_text_field(predicted: str | None, truth: str | None, threshold: int = 90) -> Counts:
    p, t = norm_text(predicted), norm_text(truth)
    if not t:
        return Counts(fp=1) if p else Counts()
    if not p:
        return Counts(fn=1)
    if fuzz.ratio(p, t) >= threshold:
        return Counts(tp=1)
    return Counts(fp=1, fn=1)


def _ingredient_names_match(a: str, b: str) -> bool:
    if canonical_ingredient(a) == canonical_ingredient(b):
        return True
    na, nb = norm_text(a), norm_text(b)
    return bool(na) and bool(nb) and (fuzz.ratio(na, nb) >= 85 or fuzz.token_set_ratio(na, nb) >= 95)


def _quantity_match(qa, ua, qb, ub) -> bool:
    if qa is None or qb is None:
        return qa is None and qb is None
    unit = norm_unit(ua)
    if unit != norm_unit(ub):
        return False
    if unit == "CFU":
        (qa, _), (qb, _) = to_common(qa, ua), to_common(qb, ub)  # "5 billion CFU" is 5e9 CFU
    qa, qb = float(qa), float(qb)
    return abs(qa - qb) <= 0.01 * max(abs(qb), 1e-9)


def _text_of(item) -> str:
    """What a proposed or printed item reads as: an ingredient's name, or the text itself."""
    if isinstance(item, dict):
        return str(item.get("name") or item.get("text") or "")
    return str(getattr(item, "name", item))


def _pairs(predicted: list, truth: list, same) -> list[tuple[int, int]]:
    """The largest one-to-one matching of two lists under a predicate, (predicted index, truth index) pairs; among
    the largest, the one whose pairs read most alike. A first-come matching let a reading that two printed rows
    accept take the wrong one ("Rebaudioside M (Stevia ...)" for "Rebaudioside A (Stevia ...)"), and could leave a
    row unmatched that another pairing matches."""
    if not predicted or not truth:
        return []
    ok = np.array([[bool(same(p, t)) for t in truth] for p in predicted])
    if not ok.any():
        return []
    alike = np.array([[fuzz.ratio(norm_text(_text_of(p)), norm_text(_text_of(t))) / 100 if ok[i, j] else 0.0
                       for j, t in enumerate(truth)] for i, p in enumerate(predicted)])
    rows, cols = linear_sum_assignment(-(ok + MATCH_LIKENESS * alike))  # a pair more always outweighs likeness
    return sorted((int(i), int(j)) for i, j in zip(rows, cols) if ok[i, j])


#: the weight of how alike a pair reads against one pair more (at most 1/1000 a pair: below one pair in a thousand)
MATCH_LIKENESS = 0.001


def _one_to_one(predicted: list, truth: list, same) -> Counts:
    """The largest one-to-one matching of two lists under a predicate (``_pairs``), as counts."""
    tp = len(_pairs(predicted, truth, same))
    return Counts(tp=tp, fp=len(predicted) - tp, fn=len(truth) - tp)


def _same_ingredient(p, t: dict) -> bool:
    return _ingredient_names_match(p.name, t.get("name", "")) and _quantity_match(
        p.quantity, p.unit, t.get("quantity"), t.get("unit")
    )


def score_ingredients(predicted: list, truth: list[dict]) -> Counts:
    return _one_to_one(predicted, truth, _same_ingredient)


def _row(name, quantity, unit) -> dict:
    return {"name": name, "quantity": quantity, "unit": unit}


def ingredient_misses(predicted: list, truth: list[dict], nutrition_rows: list[dict] | None = None) -> dict:
    """The rows behind an ingredient score: truth rows not read (``missing``) and rows read that are not on
    the label (``extra``), each as name, quantity and unit. A missing row whose name was read with another
    amount carries that reading (``read_as``); an extra row that is a nutrition-facts row (calories, fat,
    carbohydrate...) of the truth says so (``nutrition_row``)."""
    pairs = _pairs(predicted, truth, _same_ingredient)
    got = {i for i, _ in pairs}
    found = {j for _, j in pairs}
    extra_idx = [i for i in range(len(predicted)) if i not in got]
    missing = []
    for j, t in enumerate(truth):
        if j in found:
            continue
        row = _row(t.get("name"), t.get("quantity"), t.get("unit"))
        same_name = [i for i in extra_idx if _ingredient_names_match(predicted[i].name, t.get("name", ""))]
        if same_name:
            p = predicted[same_name[0]]
            row["read_as"] = _row(p.name, p.quantity, p.unit)
        missing.append(row)
    extra = []
    for i in extra_idx:
        p = predicted[i]
        row = _row(p.name, p.quantity, p.unit)
        if any(fuzz.ratio(norm_text(p.name), norm_text(n.get("name"))) >= 85 for n in nutrition_rows or []):
            row["nutrition_row"] = True
        extra.append(row)
    return {"missing": missing, "extra": extra}


def same_name(predicted: str, truth: str) -> bool:
    """A non-medicinal ingredient's name read as the truth's: fuzzy ratio >= 85 of the normalised names."""
    return fuzz.ratio(norm_text(predicted), norm_text(truth)) >= 85


def score_names(predicted: list[str], truth: list[str]) -> Counts:
    return _one_to_one(predicted, truth, same_name)


#: an amount in a net quantity as printed ("NET WT. 15.9 OZ (450 G)", "60 Vegan Capsules", "15.22 fl oz (450 mL)")
_NET_PART = re.compile(r"(\d+(?:[.,]\d+)?)\s*(fl\.?\s*oz|ml|kg|g|l|oz|lbs?)?(?![a-z])", re.IGNORECASE)


def net_amounts(text: str | None) -> set[tuple[float, str]]:
    """The amounts a net quantity states, each (value, unit; "" for a count of units): the label prints one
    content in several units, and the truth keeps it as printed while the pipeline proposes one of them."""
    out = set()
    for value, unit in _NET_PART.findall(text or ""):
        out.add((float(value.replace(",", ".")), re.sub(r"[\s.]", "", unit.lower())))
    return out


def score_net_quantity(predicted: str | None, truth: str | None) -> Counts:
    """Right when the proposed amount is one the label states ("450 g" for "NET WT. 15.9 OZ (450 G)", "60" for
    "60 Vegan Capsules"), or the text matches as ``score_text_field`` has it."""
    by_text = score_text_field(predicted, truth)
    if by_text.tp or not predicted or not truth:
        return by_text
    got = net_amounts(predicted)
    return Counts(tp=1) if got and got <= net_amounts(truth) else by_text


def score_value(name: str, predicted: str | None, truth: str | None) -> Counts:
    """One of ``TEXT_FIELDS`` by the evaluation's rules: the net quantity by its amounts, the others by their text."""
    if name == "net_quantity":
        return score_net_quantity(predicted, truth)
    return score_text_field(predicted, truth)


#: least token-set ratio of a proposed statement's normalised text to a printed one's
STATEMENT_RATIO = 85


def _statement_ratio(predicted: str, truth: str) -> float:
    return fuzz.token_set_ratio(norm_text(predicted), norm_text(truth))


def same_statement(predicted: str, truth: str) -> bool:
    """A statement read as the truth's: token-set ratio >= ``STATEMENT_RATIO`` of the normalised texts."""
    return _statement_ratio(predicted, truth) >= STATEMENT_RATIO


def statement_units(predicted: list[str], truth: list[str]) -> list[str]:
    """The proposed statements as scored: the sentences that are parts of one printed statement (each nearest to
    it, ``same_statement``) joined in their order, any other alone. A label prints a statement of several sentences
    ("Zinc supplementation can cause a copper deficiency. Consult a health care practitioner for use beyond 12
    weeks."), which the pipeline proposes sentence by sentence; scored one to one, all but one sentence were extra.
    A sentence proposed twice (read on two photos) stays extra."""
    units: dict[object, list[str]] = {}  # printed statement's index (or the sentence's own key) -> its sentences, in order
    for k, text in enumerate(predicted):
        ratios = [_statement_ratio(text, t) for t in truth]
        best = max(range(len(truth)), key=ratios.__getitem__, default=None)
        part_of = best is not None and ratios[best] >= STATEMENT_RATIO and not any(
            same_statement(text, part) for part in units.get(best, []))
        units.setdefault(best if part_of else ("alone", k), []).append(text)
    return [" ".join(parts) for parts in units.values()]


def score_statements(predicted: list[str], truth: list[str]) -> Counts:
    return _one_to_one(statement_units(predicted, truth), truth, same_statement)


def list_misses(predicted: list[str], truth: list[str], same) -> dict[str, list[str]]:
    """The texts behind a list field's score, paired as the score pairs them: truth texts not read (``missing``)
    and texts proposed that are not on the label (``extra``)."""
    pairs = _pairs(predicted, truth, same)
    got, found = {i for i, _ in pairs}, {j for _, j in pairs}
    return {"missing": [t for j, t in enumerate(truth) if j not in found],
            "extra": [p for i, p in enumerate(predicted) if i not in got]}


def list_texts(analysis: Analysis, truth: ProductTruth, name: str) -> tuple[list[str], list[str]]:
    """(proposed, printed) texts of list field ``name`` as scored: names for non-medicinal ingredients, statements
    (``statement_units``) else."""
    if name == "non_medicinal_ingredients":
        return [n.name for n in analysis.fields.non_medicinal_ingredients], list(truth.printed.get(name) or [])
    printed = _statement_texts(truth.printed.get(name))
    return statement_units(_statement_texts(getattr(analysis.fields, name)), printed), printed


def _statement_texts(items) -> list[str]:
    out = []
    for item in items or []:
        out.append(item["text"] if isinstance(item, dict) else getattr(item, "text", str(item)))
    return out


#: line labels of the sections that must be printed in English and French
BILINGUAL_LABELS = ("recommended_use", "dose", "caution")


def one_language_in_photos(truth: ProductTruth) -> bool:
    """Whether some mandatory section is visible in the photos in one language only (a crop cut the other off)."""
    for label in BILINGUAL_LABELS:
        languages = {line.language for image in truth.images for line in image.lines
                     if line.label == label and line.language in ("en", "fr")}
        if len(languages) == 1:
            return True
    return False


def expected_flags(truth: ProductTruth) -> set[str]:
    """The flag codes a correct pipeline raises on these photos of this label."""
    codes = {v.code for v in truth.violations}
    printed = truth.printed
    if printed.get("npn") and printed.get("npn_legible") is False:
        codes.add("NPN_ILLEGIBLE")
    if not truth.licence.active:
        codes.add("LICENCE_INACTIVE")
    if truth.images and one_language_in_photos(truth):
        codes.add("FRENCH_MISSING")
    return codes


#: the single-valued fields whose misses ``results.md`` lists per product (with the ingredients, the NPN, the
#: licence and the flags): all of them
MISS_FIELDS = TEXT_FIELDS
#: the list fields scored and listed so, each with the rule that pairs a proposed text with a printed one
LIST_FIELDS = {"non_medicinal_ingredients": same_name, "recommended_uses": same_statement,
               "directions": same_statement, "cautions": same_statement}


def has_licence(truth: ProductTruth) -> bool:
    """False for a product sold without a licence (a real photo whose truth file gives ``licence_number: null``)."""
    return bool(truth.licence.licence.licence_number)


@dataclass
class ProductScore:
    product_id: str
    npn_ok: bool | None  # None: no legible NPN printed, nothing to read
    licence_ok: bool
    npn_false: bool = False  # an NPN was read on a product that prints none
    misses: dict = field(default_factory=dict)  # what ``product_misses`` lists: expected vs got, per field
    fields: dict[str, Counts] = field(default_factory=dict)
    flags: Counts = field(default_factory=Counts)
    flags_expected: set[str] = field(default_factory=set)
    flags_raised: set[str] = field(default_factory=set)
    words_total: int = 0
    words_read: int = 0


def score_product(analysis: Analysis, truth: ProductTruth) -> ProductScore:
    printed = truth.printed
    f = analysis.fields
    true_npn = printed.get("npn") if printed.get("npn_legible", True) else None
    npn_ok = None if not true_npn else (f.npn.value or "") == true_npn
    if has_licence(truth):
        licence_ok = analysis.match.lnhpd_id == truth.licence.licence.lnhpd_id
    else:  # an unlicensed product is identified right when no licence is matched
        licence_ok = analysis.match.lnhpd_id is None
    npn_false = bool((f.npn.value or "").strip()) and not printed.get("npn")
    scores: dict[str, Counts] = {"npn": score_text_field(f.npn.value, true_npn, threshold=100)}
    for name in TEXT_FIELDS:
        scores[name] = score_value(name, getattr(f, name).value, printed.get(name))
    scores["medicinal_ingredients"] = score_ingredients(f.medicinal_ingredients, list(printed.get("medicinal_ingredients") or []))
    for name, same in LIST_FIELDS.items():
        scores[name] = _one_to_one(*list_texts(analysis, truth, name), same)
    expected = expected_flags(truth)
    raised = {flag.code for flag in analysis.flags if flag.source == "pipeline"}
    flags = Counts(tp=len(expected & raised), fp=len(raised - expected), fn=len(expected - raised))
    # word accuracy: share of ground-truth words found among the OCR words of the same photo
    truth_words = Counter(norm_text(w.text) for img in truth.images for line in img.lines for w in (line.words or []))
    truth_words.pop("", None)
    read_words = Counter(norm_text(w) for line in analysis.lines for w in line.text.split())
    read = sum(min(c, read_words.get(w, 0)) for w, c in truth_words.items())
    return ProductScore(
        product_id=truth.product_id, npn_ok=npn_ok, licence_ok=licence_ok, npn_false=npn_false, fields=scores, flags=flags,
        flags_expected=expected, flags_raised=raised, words_total=sum(truth_words.values()), words_read=read,
        misses=product_misses(analysis, truth, scores, expected, raised),
    )


def product_misses(analysis: Analysis, truth: ProductTruth, scores: dict[str, Counts], expected: set[str],
                   raised: set[str]) -> dict:
    """Every miss of one product, expected vs got: the name fields, the medicinal ingredients (missing and
    extra rows), the NPN and the flags (missing and extra codes), and a licence matched wrongly (or matched
    for a product without one). Empty when nothing was missed."""
    printed = truth.printed
    f = analysis.fields
    misses: dict = {}
    for name in MISS_FIELDS:
        c = scores.get(name)
        if c is not None and (c.fp or c.fn):
            misses[name] = {"expected": printed.get(name) or None, "got": getattr(f, name).value}
    for name, same in LIST_FIELDS.items():
        c = scores.get(name)
        if c is not None and (c.fp or c.fn):
            misses[name] = list_misses(*list_texts(analysis, truth, name), same)
    rows = ingredient_misses(f.medicinal_ingredients, list(printed.get("medicinal_ingredients") or []),
                             list(printed.get("nutrition_rows") or []))
    if rows["missing"] or rows["extra"]:
        misses["medicinal_ingredients"] = rows
    c = scores.get("npn")
    if c is not None and (c.fp or c.fn):
        true_npn = printed.get("npn") if printed.get("npn_legible", True) else None
        misses["npn"] = {"expected": true_npn or None, "got": f.npn.value,
                         "false_npn": bool(f.npn.value) and not printed.get("npn")}
    if has_licence(truth):
        wrong_licence = analysis.match.lnhpd_id != truth.licence.licence.lnhpd_id
    else:
        wrong_licence = analysis.match.lnhpd_id is not None
    if wrong_licence:
        misses["licence"] = {"expected": truth.licence.licence.licence_number or None, "got": analysis.match.licence_number,
                             "method": analysis.match.method}
    if expected != raised:
        misses["flags"] = {"missing": sorted(expected - raised), "extra": sorted(raised - expected)}
    return misses


def summarise(scores: list[ProductScore]) -> dict:
    """Totals over a set of products, as plain JSON-able numbers."""
    npn = [s.npn_ok for s in scores if s.npn_ok is not None]
    fields: dict[str, Counts] = {}
    flags = Counts()
    per_code: dict[str, Counts] = {}
    for s in scores:
        for name, c in s.fields.items():
            fields.setdefault(name, Counts()).add(c)
        flags.add(s.flags)
        for code in s.flags_expected | s.flags_raised:
            c = per_code.setdefault(code, Counts())
            c.add(Counts(tp=int(code in s.flags_expected and code in s.flags_raised),
                         fp=int(code in s.flags_raised and code not in s.flags_expected),
                         fn=int(code in s.flags_expected and code not in s.flags_raised)))
    words_total = sum(s.words_total for s in scores)
    return {
        "products": len(scores),
        "npn_exact": round(sum(npn) / len(npn), 4) if npn else None,
        "npn_products": len(npn),
        "licence_top1": round(sum(s.licence_ok for s in scores) / len(scores), 4) if scores else None,
        "false_npns": sum(s.npn_false for s in scores),
        "false_licences": sum(bool(s.misses.get("licence", {}).get("got")) and not s.misses["licence"].get("expected")
                              for s in scores),
        "fields": {k: v.as_dict() for k, v in fields.items()},
        "flags": flags.as_dict(),
        "flags_per_code": {k: v.as_dict() for k, v in sorted(per_code.items())},
        "word_accuracy": round(sum(s.words_read for s in scores) / words_total, 4) if words_total else None,
    }
