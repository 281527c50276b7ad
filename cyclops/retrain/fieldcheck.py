"""The fields a model extracts on trusted products, against the values an analyst signed off.

Line macro-F1 can rise while the fields fall: a candidate that files every stray line under some field gains on
the reviewed lines and then reads banners as product names. So the gate also re-extracts the fields of trusted
products (signed off, never trained on) with each model, from the OCR lines as served (no OCR again: the
analysis keeps the text as read, the geometry and the vertical flag), and scores them with ``cyclops evaluate``'s
rules against the values as signed off. ``field_guard`` is the pure rule that reads the two tables.
"""

from __future__ import annotations

from pydantic import BaseModel

from cyclops.evaluate.metrics import (
    TEXT_FIELDS,
    Counts,
    score_ingredients,
    score_names,
    score_statements,
    score_text_field,
    score_value,
)
from cyclops.extract import extract_fields
from cyclops.model.analysis import Analysis, Fields
from cyclops.model.ocr import Block, Document, Line, Page, Word
from cyclops.retrain.dataset import Reviewed, kept_aside, product_key, sign_off_edit

#: the fields judged (npn and the list fields too; each scored as ``cyclops evaluate`` scores it)
FIELDS = ("npn", *TEXT_FIELDS, "medicinal_ingredients", "non_medicinal_ingredients", "recommended_uses", "directions",
          "cautions")


class FieldCase(BaseModel):
    """One trusted product: the analysis as served (its OCR lines) and the field values an analyst signed off."""

    product: str
    served: Analysis
    signed: Fields


def document_of(served: Analysis) -> Document:
    """The served analysis' OCR lines back as the document the extraction reads (text as read, OCR confidence)."""
    pages = []
    for image in served.images:
        lines = [Line(words=[Word(text=line.text_as_read, confidence=line.reading_confidence)],
                      polygon=list(line.polygon), confidence=line.ocr_confidence if line.ocr_confidence is not None else 1.0,
                      language=line.language, vertical=line.vertical)
                 for line in served.lines if line.image == image.id]
        pages.append(Page(image_id=image.id, width=image.width, height=image.height, blocks=[Block(lines=lines)]))
    return Document(engine="analysis", engine_version=served.versions.get("engine", ""), pages=pages)


def _texts(items) -> list[str]:
    return [item.text for item in items]


def score_fields(got: Fields, signed: Fields) -> dict[str, Counts]:
    """Per-field counts of extracted values against signed ones, by the evaluation's rules."""
    scores = {"npn": score_text_field(got.npn.value, signed.npn.value, threshold=100)}
    for name in TEXT_FIELDS:
        scores[name] = score_value(name, getattr(got, name).value, getattr(signed, name).value)
    rows = [{"name": i.name, "quantity": i.quantity, "unit": i.unit} for i in signed.medicinal_ingredients]
    scores["medicinal_ingredients"] = score_ingredients(got.medicinal_ingredients, rows)
    scores["non_medicinal_ingredients"] = score_names([n.name for n in got.non_medicinal_ingredients],
                                                      [n.name for n in signed.non_medicinal_ingredients])
    for name in ("recommended_uses", "directions", "cautions"):
        scores[name] = score_statements(_texts(getattr(got, name)), _texts(getattr(signed, name)))
    return scores


def field_counts(model, cases: list[FieldCase]) -> dict[str, Counts]:
    """Counts per field summed over the trusted products, the fields extracted with ``model``."""
    total = {name: Counts() for name in FIELDS}
    for case in cases:
        fields, _ = extract_fields(document_of(case.served), model)
        for name, c in score_fields(fields, case.signed).items():
            total[name].add(c)
    return total


def _f1(c: Counts) -> float:
    return c.f1


def _pooled(counts: dict[str, Counts]) -> Counts:
    total = Counts()
    for c in counts.values():
        total.add(c)
    return total


def field_table(counts: dict[str, Counts]) -> dict:
    """F1 and counts per field, and F1 pooled over every field (what the verdict records)."""
    out = {name: {"f1": round(_f1(c), 4), "tp": c.tp, "fp": c.fp, "fn": c.fn} for name, c in counts.items()}
    pooled = _pooled(counts)
    out["all fields"] = {"f1": round(_f1(pooled), 4), "tp": pooled.tp, "fp": pooled.fp, "fn": pooled.fn}
    return out


def field_allowance(support: int, max_drop: float) -> float:
    """The F1 a field may lose: ``max_drop``, or one value's worth (1 / its signed values) on a small set."""
    return max(max_drop, 1 / support) if support else max_drop


def field_guard(current: dict[str, Counts], candidate: dict[str, Counts], *, where: str = "trusted products' fields",
                max_drop: float = 0.02) -> list[str]:
    """Reasons to refuse: a field whose F1 falls by more than its allowance (``field_allowance``: one value's worth
    on a small set), or the F1 pooled over every field falling by more than ``max_drop``. Empty: the fields hold."""
    reasons = []
    for name in sorted(current):
        cur, cand = current[name], candidate.get(name, Counts())
        support = cur.tp + cur.fn  # values signed off
        drop = _f1(cur) - _f1(cand)
        if support and drop > field_allowance(support, max_drop) + 1e-9:
            reasons.append(f"{where}: {name} F1 falls {_f1(cur):.3f} -> {_f1(cand):.3f} on {support} signed values, more "
                           f"than its allowance {field_allowance(support, max_drop):.3f}")
    pooled_cur, pooled_cand = _f1(_pooled(current)), _f1(_pooled(candidate))
    if pooled_cur - pooled_cand > max_drop + 1e-9:
        reasons.append(f"{where}: F1 over every field falls {pooled_cur:.3f} -> {pooled_cand:.3f}, more than the allowed "
                       f"{max_drop:.3f}")
    return reasons


def signed_off_cases(reviewed: list[Reviewed], *, aside_only: bool = True) -> list[FieldCase]:
    """Trusted products among reviewed analyses: signed off (the sign-off stands) and, with ``aside_only``, kept
    aside (``dataset.kept_aside``: never trained on). The analysis as served is needed to re-read its lines."""
    return [FieldCase(product=product_key(item.analysis), served=item.served, signed=item.analysis.fields)
            for item in reviewed if item.served is not None and sign_off_edit(item) is not None
            and (not aside_only or kept_aside(product_key(item.analysis)))]
