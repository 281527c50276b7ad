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
