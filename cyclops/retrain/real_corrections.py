"""An analyst who corrects a real photo's analysis from a truth file (``docs/evaluate.md``), through the API.

Real photos have no line boxes in their truth, only the facts printed (product name, brand, company, each
medicinal ingredient's row ``as_printed``, uses, directions, cautions, nutrition rows...). So each analysis
line is matched by its folded text: a line that is a whole fact, or a piece of one (a statement broken over
lines, a row whose %DV column was read with it, a statement after its heading), gets that fact's label;
nutrition rows and the net quantity are ``other``. A line that matches nothing, or two labels about equally, is
left untouched: it gets no edit, so it is not reviewed and never becomes a training row
(``cyclops.retrain.dataset.REVIEW_RULE``).

The review is posted one edit at a time through ``client.post_edit`` (``cyclops.client.MapiClient``, the
dashboard's route): label corrections, explicit accepts of the labels that were right, then the field values
the truth gives where the analysis got them wrong, but only those whose edit the review rule would not read as a
review of an unmatched line (``plan_safe_field_edits``). Then, as the workbench asks, every standing flag is
decided (confirmed when the truth lists its code among the label's violations, dismissed otherwise) and the
product is signed off once all its field edits went in: the sign-off confirms as ``other`` the lines that fed
no field (``REVIEW_RULE``), as an analyst vouching for the whole product does. Planning is pure
(``plan_line_labels``, ``plan_field_edits``, ``plan_safe_field_edits``, ``plan_flag_decisions``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from rapidfuzz import fuzz

from cyclops.evaluate.metrics import (
    TEXT_FIELDS,
    norm_text,
    score_ingredients,
    score_names,
    score_statements,
    score_value,
)
from cyclops.edits import apply_edit, value_at
from cyclops.model.analysis import Analysis, Edit, LabelledLine
from cyclops.retrain.dataset import SIGN_OFF_PATH, Reviewed, reviewed_lines

ANALYST = "real-truth"


@dataclass(frozen=True)
class MatchParams:
    """How close a line's folded text must be to a fact of the truth to take its label."""

    whole: int = 88  # fuzz.ratio: the line is the whole fact
    piece: int = 90  # fuzz.partial_ratio: the line is a piece of the fact, or the fact most of the line
    min_letters: int = 8  # a piece needs this many letters ("1.2 mg", "Active" of "inactive" are left untouched)
    min_cover: float = 0.6  # a fact shorter than the line must make up this share of it
    margin: int = 4  # the best two labels' scores closer than this (same kind of match): ambiguous, untouched
    cover: float = 0.65  # or a piece by words: this share of the line's letters are in words of the fact
    word: int = 80  # a word of four letters or more is the fact's word at this fuzz.ratio (OCR drops letters)
    min_covered: int = 10  # letters a piece by words must share with the fact
    #: section headings printed at the start of a statement's first line: dropped before matching (folded, longest first)
    headings: tuple[str, ...] = ("other ingredients", "directions for use", "suggested use", "directions", "warnings",
                                 "warning", "cautions", "caution", "storage", "ingredients")


@dataclass(frozen=True)
class Fact:
    """One thing printed on the label, the line label it gives, and whether a line may be only a piece of it."""

    label: str
    text: str
    pieces: bool = True


def _row_text(row: dict) -> str:
    if row.get("as_printed"):
        return row["as_printed"]
    amount = "" if row.get("quantity") is None else f"{row['quantity']:g} {row.get('unit') or ''}"
    return f"{row.get('name') or ''} {amount}".strip()


def _texts(items) -> list[str]:
    return [item["text"] if isinstance(item, dict) else str(item) for item in items or []]


def truth_facts(printed: dict) -> list[Fact]:
    """The facts of a truth file's ``printed`` block, each with the line label an analyst gives its lines."""
    facts = [Fact(label, printed[key]) for key, label in
             (("product_name", "product_name"), ("brand", "brand"), ("company", "company"), ("npn", "npn"))
             if printed.get(key)]
    for row in printed.get("medicinal_ingredients") or []:
        facts.append(Fact("medicinal_ingredient", _row_text(row)))
        facts += [Fact("medicinal_ingredient", part) for part in row.get("parts") or []]
    facts += [Fact("other", _row_text(row)) for row in printed.get("nutrition_rows") or []]
    names = list(printed.get("non_medicinal_ingredients") or [])
    if names:
        facts.append(Fact("non_medicinal_ingredient", ", ".join(names)))
        facts += [Fact("non_medicinal_ingredient", name) for name in names]
    for key, label in (("recommended_uses", "recommended_use"), ("directions", "dose"), ("cautions", "caution")):
        facts += [Fact(label, text) for text in _texts(printed.get(key))]
    if printed.get("net_quantity"):
        facts.append(Fact("other", printed["net_quantity"], pieces=False))
    return [f for f in facts if norm_text(f.text)]


def _letters(text: str) -> int:
    return len(re.findall(r"[^\W\d_]", text))


def word_cover(line: str, fact: str, params: MatchParams) -> tuple[float, int]:
    """(share of the line's letters in words of the fact, those letters), from two words in common or more: a line
    that runs a heading into a statement ("DIRECTIONS: mix 1 scoop...") or lost letters to OCR is still mostly the
    statement's words."""
    words = re.findall(r"[^\W\d_]{2,}", line)
    total = sum(len(w) for w in words)
    if not total:
        return 0.0, 0
    fact_words = set(re.findall(r"[^\W\d_]{2,}", fact))
    found = [w for w in words if w in fact_words or (len(w) >= 4 and any(fuzz.ratio(w, f) >= params.word for f in fact_words))]
    if len(found) < 2:  # one word in common ("Supplement Facts" and a caution's "supplement") is chance
        return 0.0, 0
    covered = sum(len(w) for w in found)
    return covered / total, covered


def match_fact(line: str, fact: str, pieces: bool, params: MatchParams) -> tuple[int, float]:
    """(kind, score) of a folded line against a folded fact: kind 2 whole, 1 piece, 0 no match."""
    if not line or not fact:
        return 0, 0.0
    whole = fuzz.ratio(line, fact)
    if whole >= params.whole:
        return 2, whole
    if not pieces:
        return 0, 0.0
    part = fuzz.partial_ratio(line, fact)
    if part >= params.piece:
        if len(line) <= len(fact) and _letters(line) >= params.min_letters:
            return 1, part
        if len(line) > len(fact) and len(fact) / len(line) >= params.min_cover:
            return 1, part
    share, covered = word_cover(line, fact, params)
    if share >= params.cover and covered >= params.min_covered:
        return 1, 100 * share
    return 0, 0.0


def truth_label(text: str, facts: list[Fact], params: MatchParams = MatchParams()) -> str | None:
    """The label the truth implies for one line's text; None when it matches no fact, or two labels alike."""
    line = norm_text(text)
    for heading in params.headings:
        if line.startswith(heading + " "):
            line = line[len(heading) + 1:]
            break
    if _letters(line) == 0:
        return None
    best: dict[str, tuple[int, float]] = {}
    for fact in facts:
        found = match_fact(line, norm_text(fact.text), fact.pieces, params)
        if found[0] and found > best.get(fact.label, (0, 0.0)):
            best[fact.label] = found
    if not best:
        return None
    ranked = sorted(best.items(), key=lambda kv: kv[1], reverse=True)
    (label, (kind, score)), rest = ranked[0], ranked[1:]
    if rest and rest[0][1][0] == kind and score - rest[0][1][1] < params.margin:
        return None
    return label


def plan_line_labels(lines: list[LabelledLine], printed: dict,
                     params: MatchParams = MatchParams()) -> list[tuple[int, str, str]]:
    """(line index, label now, label the analyst sets) for every line the truth speaks for; the others are left."""
    facts = truth_facts(printed)
    plan = []
    for index, line in enumerate(lines):
        label = truth_label(line.text, facts, params)
        if label is not None:
            plan.append((index, line.label, label))
    return plan


def _statements(items) -> list[dict]:
    return [{"text": i["text"], "language": i.get("language")} if isinstance(i, dict) else {"text": str(i)}
            for i in items or []]


def plan_field_edits(analysis: Analysis, printed: dict) -> list[tuple[str, object]]:
    """(edit path, value) for every field the analysis got wrong by the evaluation's rules: the truth's value."""
    f = analysis.fields
    plan: list[tuple[str, object]] = []
    npn = printed.get("npn") if printed.get("npn_legible", True) else None
    if (f.npn.value or None) != (npn or None):
        plan.append(("fields.npn.value", npn or None))
    for name in TEXT_FIELDS:
        c = score_value(name, getattr(f, name).value, printed.get(name))
        if c.fp or c.fn:
            plan.append((f"fields.{name}.value", printed.get(name) or None))
    rows = list(printed.get("medicinal_ingredients") or [])
    c = score_ingredients(f.medicinal_ingredients, rows)
    if c.fp or c.fn:
        plan.append(("fields.medicinal_ingredients",
                     [{"name": r["name"], "quantity": r.get("quantity"), "unit": r.get("unit"),
                       "potency": r.get("potency"), "parts": list(r.get("parts") or [])} for r in rows]))
    names = list(printed.get("non_medicinal_ingredients") or [])
    c = score_names([n.name for n in f.non_medicinal_ingredients], names)
    if c.fp or c.fn:
        plan.append(("fields.non_medicinal_ingredients", [{"name": n} for n in names]))
    for name in ("recommended_uses", "directions", "cautions"):
        truth = _statements(printed.get(name))
        c = score_statements([t.text for t in getattr(f, name)], [t["text"] for t in truth])
        if c.fp or c.fn:
            plan.append((f"fields.{name}", truth))
    return plan


def lines_a_field_edit_reviews(analysis: Analysis, path: str, value: object) -> set[int]:
    """The lines the dataset's review rule would count as reviewed by this field edit: the evidence lines, old and
    new, that carry the field's label (``dataset.reviewed_lines``), with the edit applied as the store applies it."""
    edit = Edit(analyst=ANALYST, field=path, before=value_at(analysis, path), after=value,
                base_version=analysis.version, seq=analysis.version + 1)
    return set(reviewed_lines(Reviewed(analysis=apply_edit(analysis, edit), edits=[edit], served=analysis)))


def plan_safe_field_edits(analysis: Analysis, printed: dict, checked: set[int]) -> tuple[list[tuple[str, object]], list[str]]:
    """(edits to post, paths left alone): a field edit is posted only when every line it would count as reviewed
    is one the truth speaks for (``checked``). Replacing a wrong value would otherwise confirm, as a training row,
    the served label of an evidence line the truth says nothing about (a banner the model called a caution)."""
    kept, skipped = [], []
    for path, value in plan_field_edits(analysis, printed):
        (kept if lines_a_field_edit_reviews(analysis, path, value) <= checked else skipped).append((path, value))
    return kept, [path for path, _ in skipped]


def plan_flag_decisions(analysis: Analysis, violations: list[str] | set[str]) -> list[tuple[int, str]]:
    """(flag index, decision) for every standing flag not yet decided: confirmed when the truth lists its code."""
    return [(i, "confirmed" if flag.code in set(violations) else "dismissed") for i, flag in enumerate(analysis.flags)
            if flag.standing and flag.decision is None]


def correct_with_truth(client, analysis: Analysis, printed: dict, *, analyst: str = ANALYST,
                       params: MatchParams = MatchParams(), fields: bool = True,
                       violations: list[str] | None = None) -> tuple[Analysis, dict]:
    """Post the review through ``client.post_edit``, each edit on the version the previous one produced: line
    labels first (corrections and accepts), then the field values that review no other line
    (``plan_safe_field_edits``). With ``violations`` (the truth's flag codes) the flags are decided and, when no
    field edit was left alone (every field is then as the truth has it), the product is signed off.
    Returns (analysis, counts of edits posted, of field edits left alone, and whether it was signed off)."""
    current = analysis
    counts = {"label_corrected": 0, "label_accepted": 0, "field_edits": 0, "field_edits_skipped": 0,
              "flags_decided": 0, "signed_off": 0}

    def post(field: str, before, after, reason: str) -> None:
        nonlocal current
        edit = Edit(analyst=analyst, field=field, before=before, after=after, reason=reason,
                    base_version=current.version)
        current = client.post_edit(analysis.analysis_id, edit)

    plan = plan_line_labels(analysis.lines, printed, params)
    for index, before, after in plan:
        changed = before != after
        post(f"lines[{index}].label", before, after, "label corrected in review" if changed else "label confirmed in review")
        counts["label_corrected" if changed else "label_accepted"] += 1
    if fields:
        counts.update(finish_review(lambda: current, printed, {index for index, _, _ in plan}, violations, post))
    return current, counts


def finish_review(current: Callable[[], Analysis], printed: dict, reviewed_lines: set[int], violations: list[str] | None,
                  post: Callable[[str, object, object, str], None]) -> dict[str, int]:
    """The end of a review from the truth, whoever applies the edits (``post(path, before, after, reason)``; ``current``
    gives the analysis as the edits so far left it): the field values that review no other line
    (``plan_safe_field_edits``); with ``violations`` (the truth's flag codes) every standing flag decided and, when
    no field edit was left alone (every field is then as the truth has it), the sign-off. Returns the counts."""
    counts = {"field_edits": 0, "field_edits_skipped": 0, "flags_decided": 0, "signed_off": 0}
    edits, skipped = plan_safe_field_edits(current(), printed, reviewed_lines)
    counts["field_edits_skipped"] = len(skipped)
    for path, value in edits:
        post(path, None, value, "value corrected from the label")
        counts["field_edits"] += 1
    if violations is not None:
        for index, decision in plan_flag_decisions(current(), violations):
            post(f"flags[{index}].decision", None, decision, "decided against the label")
            counts["flags_decided"] += 1
        if not skipped:  # every field as the truth has it: the analyst vouches for the product
            post(SIGN_OFF_PATH, False, True, "signed off")
            counts["signed_off"] = 1
    return counts
