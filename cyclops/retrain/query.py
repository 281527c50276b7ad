"""Which lines to ask an analyst about next, for learning: those the current line classifier is least sure of.

Margin sampling: a line whose two most probable labels are close is where a review most likely changes the
model, whatever the product's compliance risk. The margins are the current model's (re-scored after every
retraining), on the classifier's input rebuilt from the analysis as served (``classifier.line_records``, the
records ``extract.label_lines`` served with). The worklist's order (``cyclops.review_priority``) is a different
question, which adds the compliance risk to the served model's doubt; ``benchmarks/retrain_priority.py``
compares both with arrival order.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable

from cyclops.extract.classifier import line_records
from cyclops.model.analysis import Analysis


def line_margins(model, analysis: Analysis, lines: Iterable[int] | None = None) -> dict[int, float]:
    """Line index -> top label probability minus the runner-up's (0: a coin toss between two labels)."""
    records = line_records(analysis)
    wanted = sorted(records) if lines is None else sorted(i for i in set(lines) if i in records)
    if not wanted:
        return {}
    probs = model.predict_proba([records[i]["input"] for i in wanted])
    out = {}
    for i, row in zip(wanted, probs):
        top = sorted(row, reverse=True)
        out[i] = round(float(top[0] - (top[1] if len(top) > 1 else 0.0)), 6)
    return out


def pick_lines(margins: dict[tuple[Hashable, int], float], n: int, per_product: int | None = None) -> list[tuple[Hashable, int]]:
    """The ``n`` (product, line) keys of smallest margin, at most ``per_product`` of one product (diversity:
    the doubtful lines of one label often share a product's layout, and one of them teaches what the others
    would). Ties break on the key, so the pick is reproducible."""
    taken: dict[Hashable, int] = {}
    out = []
    for key in sorted(margins, key=lambda k: (margins[k], str(k[0]), k[1])):
        if len(out) >= n:
            break
        if per_product is not None and taken.get(key[0], 0) >= per_product:
            continue
        taken[key[0]] = taken.get(key[0], 0) + 1
        out.append(key)
    if len(out) < n and per_product is not None:  # fewer products than the cap allows: fill with the rest
        chosen = set(out)
        out += [k for k in sorted(margins, key=lambda k: (margins[k], str(k[0]), k[1])) if k not in chosen][: n - len(out)]
    return out
