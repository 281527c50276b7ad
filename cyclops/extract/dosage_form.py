"""Dosage form and net quantity: "300 Tablets / Comprimés", "90 softgels", "60 capsules végétales", "120 mL"."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import yaml

from cyclops.extract.lines import SourceLine, as_lines
from cyclops.extract.panel import is_nutrition_row
from cyclops.extract.params import DEFAULTS, ExtractParams
from cyclops.extract.quantity import parse_quantity
from cyclops.model.analysis import FieldValue
from cyclops.normalize.confusions import normalize_text
from cyclops.text.fold import strip_accents

VERSION = "3"
_COUNT = re.compile(r"(?<![\d.,:])(?P<count>\d{1,4})\s+(?P<words>[^\W\d_][^\d/|]*)")
#: lines that talk about a dose, not the package content
_DIRECTION = re.compile(r"\b(?:take|prendre|prenez|daily|par jour|per day|each|chaque|contains|contient)\b", re.IGNORECASE)
_NET_AMOUNT = re.compile(r"(?<![\d,])(?<!\d\.)(\d+(?:[.,]\d+)?)\s*(mL|L|g|kg)(?![A-Za-z])")
#: a US label's net quantity in ounces or pounds ("NetWt 25.4oz."), kept as printed when no metric amount is
_IMPERIAL_AMOUNT = re.compile(r"(?<![\d,])(?<!\d\.)(\d+(?:[.,]\d+)?)\s*(fl\.?\s*oz|oz|lbs?)\b", re.IGNORECASE)
#: what introduces the package's content: the line that says so wins over any other amount
_NET_MARK = re.compile(r"\bnet\s*(?:wt|weight|contents?|quantity|qty)?\b|\bcontents?\b|\bpoids net\b|\bcontenu net\b"
                       r"|\bquantit[eé] nette\b", re.IGNORECASE)
#: a facts panel's serving size and servings per container are amounts of a serving, not of the package
_SERVING = re.compile(r"\bservings?\b|\bportions?\b|\bcalories\b|\bper container\b|\bpar contenant\b|\bscoops?\b",
                      re.IGNORECASE)


#: words that count a package's units without naming their form ("90 Pieces", "60 ct", "120 Count")
_COUNT_WORD = re.compile(r"(?:pieces?|pcs|count|ct|units?|unit[ée]s?)\b", re.IGNORECASE)
#: a measure that only a powder is taken by: "Serving Size 1 Scoop (15 g)", "blend 1 scoop into water", "1 mesure"
_POWDER_MEASURE = re.compile(r"\bscoops?\b|\b\d+\s*(?:mesures?|mesurettes?)\b", re.IGNORECASE)


@lru_cache(maxsize=1)
def dosage_forms() -> dict[str, str]:
    """printed form (accent-stripped, lower case, singular) -> LNHPD-style dosage form."""
    text = resources.files("cyclops.extract").joinpath("data", "dosage_forms.yaml").read_text(encoding="utf-8")
    return {str(k): str(v) for k, v in yaml.safe_load(text).items()}


def _singular(words: str) -> str:
    return " ".join(w[:-1] if w.endswith("s") and len(w) > 3 else w for w in words.split())


def find_form(text: str) -> str | None:
    """The dosage form a phrase names ("capsules végétales" -> "Capsule"), longest match first. A form of two
    words may run on from the word before it, as large type's words do when OCR reads no space between them
    ("SLEEPDRINK MIX"); a form of one word stands alone ("microcapsule" names none)."""
    plain = _singular(strip_accents(text.lower()).replace("-", " "))
    forms = dosage_forms()
    for printed in sorted(forms, key=len, reverse=True):
        words = printed.replace("-", " ")
        start = "" if " " in words else r"\b"
        if re.search(rf"{start}{re.escape(words)}\b", plain):
            return forms[printed]
    return None


#: words printed with a form's name that name no form themselves ("Vegan Capsules", "Veggie Caps")
_FORM_MODIFIERS = frozenset(["vegan", "veggie", "veg", "vegetarian", "cap", "caps", "chewable", "liquid", "soft"])


@lru_cache(maxsize=1)
def _form_vocabulary() -> frozenset[str]:
    return frozenset(w for printed in dosage_forms() for w in printed.replace("-", " ").split()) | _FORM_MODIFIERS


def only_form(text: str) -> bool:
    """``text`` names a dosage form and holds nothing else ("Liquid Drops", "Capsules végétales"; not
    "Ashwagandha Capsules")."""
    words = _singular(strip_accents(text.lower()).replace("-", " ")).split()
    return bool(words) and all(word in _form_vocabulary() for word in words) and find_form(text) is not None


def parse_dosage_form(text: str, params: ExtractParams = DEFAULTS) -> tuple[str | None, str | None]:
    """(dosage_form, net_quantity) of one line: "300 Tablets / Comprimés" -> ("Tablet", "300"), "120 mL" -> (None, "120 mL").

    A count of units is written as the bare number (the form is its own field), an amount with its unit.
    """
    norm = normalize_text(text)
    if _DIRECTION.search(norm) or _SERVING.search(norm) or is_nutrition_row(norm, params.nutrient_word_ratio):
        return None, None
    net = _NET_AMOUNT.search(norm)
    if net:
        q = parse_quantity(net.group(0))
        if q and q.value is not None:
            return find_form(norm[net.end():]), f"{q.value:g} {q.unit}"
    for m in _COUNT.finditer(norm):
        words = m.group("words").split()
        for n in range(1, min(3, len(words)) + 1):
            form = find_form(" ".join(words[:n]))
            if form:
                return form, str(int(m.group("count")))
        if _COUNT_WORD.match(m.group("words")):  # "90 Pieces", "60 ct": a count whose form the words do not say
            return None, str(int(m.group("count")))
    mark = _NET_MARK.search(text)
    if mark:  # "Net quantity: 30 sticks", "NetWt 25.4oz.": the label says this is the content (read before the
        # OCR-confusion repair, which would make "25.4oz" "25.40z")
        imperial = _IMPERIAL_AMOUNT.search(text, mark.end())
        if imperial:
            unit = re.sub(r"[\s.]", " ", imperial.group(2).lower()).split()
            return None, f"{float(imperial.group(1).replace(',', '.')):g} {' '.join(unit)}"
        count = _COUNT.search(text, mark.end())
        if count and re.match(r"[^\W\d_]{3,}", count.group("words")):  # "30 sticks", not the debris "6 O"
            return find_form(count.group("words")), str(int(count.group("count")))
    return (find_form(norm) if len(norm.split()) <= params.form_alone_max_words else None), None


def extract_dosage_form(lines: list[SourceLine] | list[str], params: ExtractParams = DEFAULTS) -> tuple[FieldValue, FieldValue]:
    """(dosage_form, net_quantity) from the label's lines: the first line with a count and a form wins;
    ingredient and direction lines are skipped ("take 1 capsule" is not a net quantity); a line that opens saying it
    is the content but reads as no amount leaves the net quantity empty for review. A value keeps
    ``params.net_quantity_weight`` of its line's confidence, a form read without a count ``params.form_alone_weight``."""
    form_fv, net_fv = FieldValue(), FieldValue()
    # a line that opens saying it is the net quantity ("NET WT. 126 G") counts whatever it was filed as, and comes
    # before any other amount on the label
    src = as_lines(lines)
    opens = [line for line in src if _NET_MARK.match(line.text.lstrip(" *-:"))]
    candidates = [line for line in src if line in opens or line.label not in
                  {"medicinal_ingredient", "non_medicinal_ingredient", "dose", "caution", "recommended_use"}]
    for line in sorted(candidates, key=lambda line: not _NET_MARK.search(line.text)):
        form, net = parse_dosage_form(line.text, params)
        if net and not net_fv.value:
            net_fv = FieldValue(value=net, confidence=round(line.confidence * params.net_quantity_weight, 4), evidence=[line.evidence])
            if form:
                form_fv = FieldValue(value=form, confidence=round(line.confidence * params.net_quantity_weight, 4),
                                     evidence=[line.evidence])
        elif form and not form_fv.value:
            form_fv = FieldValue(value=form, confidence=round(line.confidence * params.form_alone_weight, 4), evidence=[line.evidence])
    # the label says where its content is printed (a line opening with the mark, with figures: a bare "NET CONTENTS:"
    # heads the line under it), and that line reads as no amount ("NETWT 16 6 O 454 )]"): an amount found elsewhere
    # (a front's "5G" badge) is not proposed instead; the analyst reads the line
    marked = [line for line in opens if re.search(r"\d", line.text)]
    if marked and not any(e.text == line.text for e in net_fv.evidence for line in marked):
        opening = marked[0]
        net_fv = FieldValue(confidence=round(opening.confidence * params.net_quantity_weight, 4), evidence=[opening.evidence],
                            as_read=opening.text, needs_review=True)
    if not form_fv.value:
        form_fv = implied_form(src, params)
    return form_fv, net_fv


def implied_form(lines: list[SourceLine], params: ExtractParams = DEFAULTS) -> FieldValue:
    """The dosage form a label implies without naming it: one served by the scoop is a powder (US drink mixes and
    protein tubs print "Serving Size 1 Scoop (15 g)" and "NET WT. 16 OZ", never "Powder"). Proposed unsurely
    (``params.form_implied_weight``), citing the line, for the analyst to confirm."""
    line = next((line for line in lines if _POWDER_MEASURE.search(line.text)), None)
    if line is None:
        return FieldValue()
    return FieldValue(value="Powder", confidence=round(line.confidence * params.form_implied_weight, 4), evidence=[line.evidence])
