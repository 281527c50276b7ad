"""Which lines to ask an analyst about next, for learning: those the current line classifier is least sure of.

Margin sampling: a line whose two most probable labels are close is where a review most likely changes the
model, whatever the product's compliance risk. The margins are the current model's (re-scored after every
retraining), on the classifier's input rebuilt from the analysis as served (``classifier.line_records``, the
records ``extract.label_lines`` served with). The worklist's order (``cyclops.review_priority``) is a different
question, which adds the compliance risk to the served model's doubt; ``benchmarks/retrain_priority.py``
compares both with arrival order.

Margins never point at a confident mistake (a new layout's brand read as the product name at 0.98). The field
rules are a second opinion the model does not share: they re-file lines (the panel rules, a row's partner cells)
and read fields from lines the model filed elsewhere (a brand among the product-name lines, a company from a
line not called company). ``rule_disagreements`` lists the lines where the two differ, whatever the margin.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable

from cyclops.extract import extract_fields
from cyclops.extract.classifier import line_records
from cyclops.extract.panel import evidence_holds
from cyclops.model.analysis import Analysis
from cyclops.retrain.dataset import FIELD_LABEL
from cyclops.retrain.fieldcheck import document_of


def line_guesses(model, analysis: Analysis, lines: Iterable[int] | None = None) -> dict[int, tuple[str, float]]:
    """Line index -> (the model's label, its probability minus the runner-up's: 0 is a coin toss)."""
    records = line_records(analysis)
    wanted = sorted(records) if lines is None else sorted(i for i in set(lines) if i in records)
    if not wanted:
        return {}
    probs = model.predict_proba([records[i]["input"] for i in wanted])
    classes = list(model.classes_)
    out = {}
    for i, row in zip(wanted, probs):
        order = sorted(range(len(row)), key=lambda k: -row[k])
        runner_up = row[order[1]] if len(order) > 1 else 0.0
        out[i] = (str(classes[order[0]]), round(float(row[order[0]] - runner_up), 6))
    return out


def line_margins(model, analysis: Analysis, lines: Iterable[int] | None = None) -> dict[int, float]:
    """Line index -> top label probability minus the runner-up's."""
    return {i: margin for i, (_, margin) in line_guesses(model, analysis, lines).items()}


Key = tuple[Hashable, int]  # (product, line index)


def pick_lines(margins: dict[Key, float], n: int, per_product: int | None = None,
               labels: dict[Key, str] | None = None) -> list[Key]:
    """The ``n`` (product, line) keys of smallest margin, at most ``per_product`` of one product (diversity:
    the doubtful lines of one label often share a product's layout, and one of them teaches what the others
    would). With ``labels`` (the model's label per key) the labels take turns, each giving its least sure
    line: a label whose lines the model gets confidently wrong (a new layout's brand read as a product name)
    still has its least sure lines asked about, though other labels' lines are closer calls. Ties break on
    the key, so the pick is reproducible."""
    ranked = sorted(margins, key=lambda k: (margins[k], str(k[0]), k[1]))
    queues = {None: list(ranked)} if labels is None else {}
    if labels is not None:
        for key in ranked:
            queues.setdefault(labels[key], []).append(key)
    taken: dict[Hashable, int] = {}
    out: list[Key] = []
    chosen: set[Key] = set()
    turn = sorted(queues, key=lambda label: margins[queues[label][0]])  # the label with the closest call first
    while len(out) < n and any(queues.values()):
        for label in turn:
            queue = queues[label]
            while queue and per_product is not None and taken.get(queue[0][0], 0) >= per_product:
                queue.pop(0)
            if queue and len(out) < n:
                key = queue.pop(0)
                taken[key[0]] = taken.get(key[0], 0) + 1
                out.append(key)
                chosen.add(key)
    if len(out) < n:  # the cap left too few: fill with the rest, least sure first
        out += [k for k in ranked if k not in chosen][: n - len(out)]
    return out


def with_neighbours(picked: list[Key], candidates: set[Key], n: int, reach: int = 1) -> list[Key]:
    """Each picked line with the lines next to it in reading order (``reach`` each side), until ``n`` lines.

    An analyst checking a doubtful line on the photo sees its neighbours too; asking about them costs little
    and gives the model the contrast it lacks (a new layout's brand line and the product name under it)."""
    out: list[Key] = []
    seen: set[Key] = set()
    for product, line in picked:
        for key in [(product, line)] + [(product, line + d) for k in range(1, reach + 1) for d in (-k, k)]:
            if len(out) >= n:
                return out
            if key in candidates and key not in seen:
                seen.add(key)
                out.append(key)
    return out


def _evidence_of(node: object) -> list:
    """Every evidence box of one field's value (a value, or a list of ingredients or statements)."""
    if isinstance(node, list):
        return [e for value in node for e in _evidence_of(value)]
    return list(getattr(node, "evidence", None) or [])


def _place(line) -> tuple:
    return line.image, tuple(tuple(point) for point in line.polygon)


def rule_disagreements(model, analysis: Analysis, lines: Iterable[int] | None = None) -> dict[int, str]:
    """Line index -> the label the field rules give a line that ``model`` labels otherwise: the rules re-filed it
    (the extraction's own label), or a field is read from it (that field's line label). The fields are extracted
    again with ``model`` from the lines as served (``fieldcheck.document_of``), so the disagreement is this
    model's, re-scored after every retraining."""
    guesses = line_guesses(model, analysis, lines)
    if not guesses:
        return {}
    fields, labelled = extract_fields(document_of(analysis), model)
    by_place = {_place(line): line.label for line in labelled}
    out: dict[int, str] = {}
    for i, (label, _) in guesses.items():
        ruled = by_place.get(_place(analysis.lines[i]), label)
        if ruled != label:
            out[i] = ruled
    for name, field_label in FIELD_LABEL.items():
        for box in _evidence_of(getattr(fields, name)):
            for i, (label, _) in guesses.items():
                if label != field_label and i not in out and evidence_holds(box, analysis.lines[i]):
                    out[i] = field_label
    return out


def pick_with_disagreements(margins: dict[Key, float], disagreements: set[Key], n: int,
                            per_product: int | None = None, share: float = 0.5) -> list[Key]:
    """``n`` keys: up to ``share`` of them (rounded up) where the rules disagree with the model, the model's most
    confident first (the model and the rules are a committee of two: ask where they differ; margin sampling finds
    the unsure lines and never these), the rest by margin. Both under the ``per_product`` cap, as ``pick_lines``;
    a share the disagreements cannot fill goes to margin. Ties break on the key, so the pick is reproducible."""
    confident_first = sorted((key for key in disagreements if key in margins),
                             key=lambda key: (-margins[key], str(key[0]), key[1]))
    least_sure_first = sorted(margins, key=lambda key: (margins[key], str(key[0]), key[1]))
    taken: dict[Hashable, int] = {}
    out: list[Key] = []

    def take(queue: list[Key], upto: int, capped: bool = True) -> None:
        for key in queue:
            if len(out) >= upto:
                return
            if key in out or (capped and per_product is not None and taken.get(key[0], 0) >= per_product):
                continue
            taken[key[0]] = taken.get(key[0], 0) + 1
            out.append(key)

    take(confident_first, math.ceil(n * share))
    take(least_sure_first, n)
    take(least_sure_first, n, capped=False)  # the cap left too few: the rest, least sure first
    return out
