"""An analyst who knows the ground truth: corrects line labels through the dashboard's API.

Used by the retraining tests and benchmark to produce real corrections:
each OCR line is matched to the truth line it lies on (box overlap, as in
``cyclops.evaluate.run.line_label_pairs``) and an ``Edit(field="lines[i].label")``
is posted with ``MapiClient.post_edit``: the right label where it differs (a
correction), the same label where it was right (an explicit accept; retraining
only learns from lines an analyst reviewed, ``cyclops.retrain.dataset.REVIEW_RULE``).
``shuffle_seed`` makes a careless analyst: the right labels, shuffled across lines; ``flip`` (a pair
of labels) one who files every line of one field as another. ``review_in_memory`` applies the same
edits with the store's own ``apply_edit`` without a store, for benchmarks that need many batches.
"""

from __future__ import annotations

import random
from collections.abc import Iterable

from cyclops.edits import apply_edit
from cyclops.evaluate.geometry import overlap_of_first, rotate_polygon
from cyclops.model.analysis import Analysis, Edit
from cyclops.model.truth import ProductTruth
from cyclops.retrain.dataset import Reviewed

MIN_OVERLAP = 0.5


def true_line_labels(analysis: Analysis, truth: ProductTruth) -> dict[int, str]:
    """Index of each analysis line -> label of the truth line it lies on (lines on no truth line are left out)."""
    out: dict[int, str] = {}
    for k, info in enumerate(analysis.images):
        if k >= len(truth.images):
            break
        timg = truth.images[k]
        truth_lines = [(rotate_polygon(t.polygon, timg.width, timg.height, info.rotation), t.label) for t in timg.lines]
        for i, line in enumerate(analysis.lines):
            if line.image != info.id:
                continue
            best, label = 0.0, None
            for poly, tlabel in truth_lines:
                overlap = overlap_of_first(line.polygon, poly)
                if overlap > best:
                    best, label = overlap, tlabel
            if label is not None and best >= MIN_OVERLAP:
                out[i] = label
    return out


def planned_review(analysis: Analysis, truth: ProductTruth, shuffle_seed: int | None = None,
                   flip: tuple[str, str] | None = None, lines: Iterable[int] | None = None) -> list[tuple[int, str, str]]:
    """(line index, label now, label the analyst sets) for every line the analyst checks (those on a truth line;
    with ``lines``, only those of them: an analyst asked about a few lines, ``retrain.query``)."""
    labels = true_line_labels(analysis, truth)
    if lines is not None:
        wanted = set(lines)
        labels = {i: label for i, label in labels.items() if i in wanted}
    if flip is not None:
        labels = {i: flip[1] if label == flip[0] else label for i, label in labels.items()}
    if shuffle_seed is not None:
        indices = sorted(labels)
        values = [labels[i] for i in indices]
        random.Random(shuffle_seed).shuffle(values)
        labels = dict(zip(indices, values))
    return [(i, analysis.lines[i].label, label) for i, label in sorted(labels.items())]


def planned_corrections(analysis: Analysis, truth: ProductTruth, shuffle_seed: int | None = None) -> list[tuple[int, str, str]]:
    """(line index, label now, label the analyst sets) for every line the analyst would change."""
    return [(i, before, after) for i, before, after in planned_review(analysis, truth, shuffle_seed) if before != after]


def review_with_truth(client, analysis: Analysis, truth: ProductTruth, *, analyst: str = "analyst-sim",
                      shuffle_seed: int | None = None, confirm: bool = True,
                      flip: tuple[str, str] | None = None) -> tuple[Analysis, int]:
    """Post the review one line at a time, each edit on the version the previous one produced: the corrections
    and, with ``confirm``, the accept of every other line checked. Returns (analysis, edits posted)."""
    current = analysis
    plan = planned_review(analysis, truth, shuffle_seed, flip)
    if not confirm:
        plan = [(i, before, after) for i, before, after in plan if before != after]
    for index, before, after in plan:
        edit = Edit(analyst=analyst, field=f"lines[{index}].label", before=before, after=after,
                    reason="label corrected in review" if after != before else "label confirmed in review",
                    base_version=current.version)
        current = client.post_edit(analysis.analysis_id, edit)
    return current, len(plan)


def review_in_memory(analysis: Analysis, truth: ProductTruth, *, analyst: str, at: str, shuffle_seed: int | None = None,
                     flip: tuple[str, str] | None = None, lines: Iterable[int] | None = None):
    """The same review as ``review_with_truth`` (corrections and accepts), applied with ``cyclops.edits.apply_edit``
    and returned as a ``dataset.Reviewed`` whose edits carry ``analyst``, ``at`` and their sequence number."""
    current, edits = analysis, []
    for index, before, after in planned_review(analysis, truth, shuffle_seed, flip, lines):
        edit = Edit(analyst=analyst, field=f"lines[{index}].label", before=before, after=after,
                    base_version=current.version, seq=current.version + 1, at=at)
        current = apply_edit(current, edit)
        edits.append(edit)
    return Reviewed(analysis=current, edits=edits, served=analysis)
