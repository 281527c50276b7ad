"""An analyst who knows the ground truth: corrects line labels through the dashboard's API.

Used by the retraining tests and benchmark to produce real corrections:
each OCR line is matched to the truth line it lies on (box overlap, as in
``cyclops.evaluate.run.line_label_pairs``) and an ``Edit(field="lines[i].label")``
is posted with ``MapiClient.post_edit``: the right label where it differs (a
correction), the same label where it was right (an explicit accept; retraining
only learns from lines an analyst reviewed, ``cyclops.retrain.dataset.REVIEW_RULE``).
``shuffle_seed`` makes a careless analyst: the right labels, shuffled across lines.
"""

from __future__ import annotations

import random

from cyclops.evaluate.geometry import overlap_of_first, rotate_polygon
from cyclops.model.analysis import Analysis, Edit
from cyclops.model.truth import ProductTruth

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


def planned_review(analysis: Analysis, truth: ProductTruth, shuffle_seed: int | None = None) -> list[tuple[int, str, str]]:
    """(line index, label now, label the analyst sets) for every line the analyst checks (those on a truth line)."""
    labels = true_line_labels(analysis, truth)
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
                      shuffle_seed: int | None = None, confirm: bool = True) -> tuple[Analysis, int]:
    """Post the review one line at a time, each edit on the version the previous one produced: the corrections
    and, with ``confirm``, the accept of every other line checked. Returns (analysis, edits posted)."""
    current = analysis
    plan = planned_review(analysis, truth, shuffle_seed) if confirm else planned_corrections(analysis, truth, shuffle_seed)
    for index, before, after in plan:
        edit = Edit(analyst=analyst, field=f"lines[{index}].label", before=before, after=after,
                    reason="label corrected in review" if after != before else "label confirmed in review",
                    base_version=current.version)
        current = client.post_edit(analysis.analysis_id, edit)
    return current, len(plan)
