"""How surely an item was read from the photo: a rule accuses the label, and a page shows a
difference, only for what was read with confidence; a half-read line is far likelier than a violation."""

from __future__ import annotations

from cyclops.compare.params import DEFAULT_COMPARISON, ComparisonParams
from cyclops.model.analysis import FieldValue, Ingredient, LabelledLine, TextItem

Evidenced = TextItem | Ingredient | FieldValue

def cited_confidences(item: Evidenced, lines: list[LabelledLine]) -> list[float]:
    """Confidences (OCR times line classifier) of the photo lines an item cites as its evidence."""
    cited = {(e.image, e.text) for e in item.evidence}
    return [line.confidence for line in lines if (line.image, line.text) in cited]


def read_unsurely(item: Evidenced, lines: list[LabelledLine], params: ComparisonParams = DEFAULT_COMPARISON) -> bool:
    """Whether the photo lines a claim, an ingredient or a name was read from were read with little confidence
    (mean below ``params.sure_read``; never so for one typed in). The flag holds back and the dashboard asks
    the analyst to check it."""
    scores = cited_confidences(item, lines)
    return bool(scores) and sum(scores) / len(scores) < params.sure_read


def unsure_name(ing: Ingredient, lines: list[LabelledLine], params: ComparisonParams = DEFAULT_COMPARISON) -> bool:
    """A name read from the photo too unsurely to call it unlicensed (``params.sure_read``).

    A table row joined from its cells cites no single photo line; its own confidence, the same
    product taken over the row's cells, stands in for theirs. Never so for a name typed in.
    """
    if not ing.evidence:
        return False
    scores = cited_confidences(ing, lines) or [ing.confidence]
    return sum(scores) / len(scores) < params.sure_read
