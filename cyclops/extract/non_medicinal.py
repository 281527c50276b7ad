"""Non-medicinal ingredients: the list after "Non-medicinal ingredients:" / "Ingrédients non médicinaux :"."""

from __future__ import annotations

import re

from cyclops.extract.headings import strip_heading
from cyclops.extract.ingredients import split_inline
from cyclops.extract.lines import SourceLine, as_lines
from cyclops.extract.statements import join_lines
from cyclops.model.analysis import NonMedicinalIngredient

VERSION = "1"


#: an ingredients heading inside a line ("... diet. Other Ingredients: Citric Acid", OCR's "Other i dients:"): the
#: list starts after it
_INLINE_HEADING = re.compile(r"\b(?:ingr\w*|i\s+\w*dients?)(?:\s+non[- ]?m[ée]dicinaux)?\s*:", re.IGNORECASE)
#: what no ingredient name holds: a dotted leader joining two columns, a web or e-mail address
_NOT_A_NAME = re.compile(r"[.·…_]{3,}|www\.|\.com\b|@")


def split_non_medicinal(text: str) -> list[str]:
    """"Non-medicinal ingredients: cellulose, magnesium stearate (vegetable), silica." -> 3 names; a claim or
    statement printed before an inline heading is not one, and neither is a piece with a leader or an address."""
    text = strip_heading(text)
    inline = list(_INLINE_HEADING.finditer(text))
    if inline:
        text = text[inline[-1].end():]
    return [item for item in split_inline(text) if any(c.isalpha() for c in item) and not _NOT_A_NAME.search(item)]


def extract_non_medicinal(lines: list[SourceLine] | list[str]) -> list[NonMedicinalIngredient]:
    """Names from the lines labelled ``non_medicinal_ingredient``.

    Labels print the list in English and French; when both are present the
    English list is kept (the French one names the same ingredients), so each
    ingredient is counted once.
    """
    src = as_lines(lines)
    if any(line.language == "en" for line in src) and any(line.language == "fr" for line in src):
        src = [line for line in src if line.language != "fr"]
    # one list per run of lines between headings
    groups: list[list[SourceLine]] = []
    for line in src:
        if not groups or strip_heading(line.text) != line.text.strip():
            groups.append([line])
        else:
            groups[-1].append(line)
    out: list[NonMedicinalIngredient] = []
    seen: set[str] = set()
    for group in groups:
        text = join_lines([strip_heading(line.text) for line in group])
        score = round(sum(line.score for line in group) / len(group), 4)
        for name in split_non_medicinal(text):
            key = name.lower()
            if key in seen:
                continue
            seen.add(key)
            used = [line for line in group if name.split()[0].lower() in line.text.lower()] or group
            out.append(NonMedicinalIngredient(name=name, confidence=score, evidence=[line.evidence for line in used]))
    return out
