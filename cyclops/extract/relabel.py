"""A box relabelled on the photo moves its text to that field: "Oral / Orale" set to "other" leaves the claims,
a line set to "caution" becomes a caution. The analyst corrects the reading, and the fields follow it.

``relabel_moves`` is a pure function of the analysis, the line and its new label: the field edits (path, value)
that make the fields agree with the new label, in an order that keeps list indices valid (deletions from the
end first, then additions). The workbench posts them after the label itself.
"""

from __future__ import annotations

import re

from cyclops.extract.ingredients import parse_ingredient_text
from cyclops.model.analysis import (
    Analysis,
    Evidence,
    FieldValue,
    Ingredient,
    LabelledLine,
    NonMedicinalIngredient,
    TextItem,
)

#: line labels whose lines become items of a list field
LIST_FIELDS = {"medicinal_ingredient": "medicinal_ingredients", "non_medicinal_ingredient": "non_medicinal_ingredients",
               "recommended_use": "recommended_uses", "dose": "directions", "caution": "cautions"}
#: line labels that name a single-value field
VALUE_FIELDS = ("product_name", "brand", "company", "npn")


def read_from(evidence: list[Evidence], line: LabelledLine) -> bool:
    """Whether a value was read from ``line`` (same photo, and the same box or the same text)."""
    return any(e.image == line.image and (e.polygon == line.polygon or e.text == line.text) for e in evidence)


def _new_value(line: LabelledLine, label: str) -> object:
    evidence = [Evidence(image=line.image, polygon=line.polygon, text=line.text)]
    text = line.text.strip()
    if label == "npn":
        found = re.search(r"\d{8}", re.sub(r"[\s-]", "", text))
        return FieldValue(value=found.group(0) if found else None, confidence=line.confidence, evidence=evidence,
                          as_read=text, needs_review=found is None)
    if label in VALUE_FIELDS:
        return FieldValue(value=text, confidence=line.confidence, evidence=evidence)
    if label == "medicinal_ingredient":
        parsed = parse_ingredient_text(text, line.language) or Ingredient(name=text)
        return parsed.model_copy(update={"confidence": line.confidence, "evidence": evidence, "as_read": text})
    if label == "non_medicinal_ingredient":
        return NonMedicinalIngredient(name=text, confidence=line.confidence, evidence=evidence)
    return TextItem(text=text, language=line.language, confidence=line.confidence, evidence=evidence)


def relabel_moves(analysis: Analysis, index: int, new_label: str) -> list[tuple[str, object]]:
    """The field edits that follow relabelling line ``index`` from its current label to ``new_label``."""
    line = analysis.lines[index]
    moves: list[tuple[str, object]] = []
    if new_label == line.label:
        return moves
    fields = analysis.fields
    if line.label in LIST_FIELDS:
        name = LIST_FIELDS[line.label]
        items = getattr(fields, name)
        moves += [(f"fields.{name}[{k}]", None) for k in reversed(range(len(items))) if read_from(items[k].evidence, line)]
    elif line.label in VALUE_FIELDS and read_from(getattr(fields, line.label).evidence, line):
        moves.append((f"fields.{line.label}", FieldValue().model_dump(mode="json")))
    if new_label in LIST_FIELDS:
        moves.append((f"fields.{LIST_FIELDS[new_label]}[+]", _new_value(line, new_label).model_dump(mode="json")))
    elif new_label in VALUE_FIELDS:
        moves.append((f"fields.{new_label}", _new_value(line, new_label).model_dump(mode="json")))
    return moves
