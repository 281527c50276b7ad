"""Hold a batch of corrections for a reviewer before anything is trained on it.

A careless or mistaken analyst is visible before training: their corrections overturn the served
model's confident predictions far more often than analysts usually do, or say something else than
other analysts said about the same lines. The screen measures both, for the whole batch and for each
analyst in it (one analyst gone wrong hides in a large batch), and says why it holds a batch.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from pydantic import BaseModel, Field

from cyclops.extract.classifier import predict
from cyclops.retrain.dataset import Row


class ScreenSettings(BaseModel):
    """The production screen; every figure is recorded with each decision."""

    confident: float = 0.9  #: a served prediction at least this probable is "confident"
    usual_rate: float = 0.03  #: share of confident predictions good batches overturn (0.6-2.9 %, benchmarks/results/retrain_gate.md)
    max_excess: float = 0.05  #: hold when a batch or an analyst overturns more than usual_rate + max_excess
    min_confident: int = 20  #: fewer confident lines than this (an analyst's part of the batch) is not judged alone
    max_disagreement: float = 0.1  #: hold when more than this share of lines shared with other analysts disagree
    min_shared: int = 10  #: fewer shared lines than this is not judged
    max_label_disagreement: float = 0.5  #: hold when an analyst relabels more than this share of one label of the peers
    min_shared_label: int = 2  #: lines of one peer label an analyst shares with them, needed to judge that label


class Screen(BaseModel):
    hold: bool
    reasons: list[str] = Field(default_factory=list)
    lines: int = 0
    confident: int = 0
    overturned: int = 0
    rate: float = 0.0
    by_analyst: dict[str, dict[str, float]] = Field(default_factory=dict)
    shared: int = 0
    disagreed: int = 0
    overturned_pairs: dict[str, int] = Field(default_factory=dict)  # "served -> analyst": count, the most common first
    settings: ScreenSettings = Field(default_factory=ScreenSettings)


def line_key(row: Row) -> tuple:
    """The same line of the same product, whichever analysis it was read in (text, neighbours, place)."""
    e = row.example
    return (row.group, e.text, e.prev_text, e.next_text, round(float(e.layout.get("y", 0)), 3),
            round(float(e.layout.get("x", 0)), 3))


def screen_batch(batch: list[Row], served_model, *, peers: list[Row] | None = None,
                 settings: ScreenSettings | None = None) -> Screen:
    """Judge a batch of correction rows against the served model and other analysts' rows (``peers``).

    ``peers`` are rows the batch cannot have written: reviewed truth kept aside, or other analysts'
    reviews of the same products; a peer by the same analyst as a batch row is not compared with it.
    """
    settings = settings or ScreenSettings()
    rows = [r for r in batch if r.source == "correction"]
    predictions = predict(served_model, [r.example.model_input() for r in rows]) if rows else []
    per: dict[str, Counter] = defaultdict(Counter)
    pairs: Counter = Counter()
    for row, (label, prob) in zip(rows, predictions):
        who = row.provenance.analyst if row.provenance else "unknown"
        if prob < settings.confident:
            continue
        per[who]["confident"] += 1
        if row.example.label != label:
            per[who]["overturned"] += 1
            pairs[f"{label} -> {row.example.label}"] += 1
    confident = sum(c["confident"] for c in per.values())
    overturned = sum(c["overturned"] for c in per.values())
    rate = overturned / confident if confident else 0.0
    limit = settings.usual_rate + settings.max_excess
    reasons = []
    if confident >= settings.min_confident and rate > limit:
        reasons.append(f"the batch overturns {overturned} of {confident} confident predictions ({rate:.0%}), "
                       f"more than the usual {settings.usual_rate:.0%} + {settings.max_excess:.0%}")
    by_analyst = {}
    for who, c in sorted(per.items()):
        share = c["overturned"] / c["confident"] if c["confident"] else 0.0
        by_analyst[who] = {"confident": c["confident"], "overturned": c["overturned"], "rate": round(share, 4)}
        if len(per) > 1 and c["confident"] >= settings.min_confident and share > limit:
            reasons.append(f"analyst {who} overturns {c['overturned']} of {c['confident']} confident predictions "
                           f"({share:.0%}), more than the usual {settings.usual_rate:.0%} + {settings.max_excess:.0%}")
    shared, disagreed, by_label = _disagreement(rows, peers or [])
    if shared >= settings.min_shared and disagreed / shared > settings.max_disagreement:
        reasons.append(f"{disagreed} of {shared} lines also reviewed by other analysts disagree with them "
                       f"({disagreed / shared:.0%}, more than {settings.max_disagreement:.0%})")
    for (who, label), (n, off, to) in sorted(by_label.items()):
        if n >= settings.min_shared_label and off / n > settings.max_label_disagreement:
            reasons.append(f"analyst {who} relabels {off} of {n} lines other analysts labelled '{label}' "
                           f"(mostly as '{to}'): one field filed as another")
    return Screen(hold=bool(reasons), reasons=reasons, lines=len(rows), confident=confident, overturned=overturned,
                  rate=round(rate, 4), by_analyst=by_analyst, shared=shared, disagreed=disagreed,
                  overturned_pairs=dict(pairs.most_common(10)), settings=settings)


def _disagreement(rows: list[Row], peers: list[Row]) -> tuple[int, int, dict[tuple[str, str], tuple[int, int, str]]]:
    """Lines of the batch that peers by another analyst also labelled, how many of them they labelled otherwise,
    and per (batch analyst, peer label): shared lines, relabelled, the analyst's most common other label."""
    theirs: dict[tuple, list[tuple[str, str]]] = defaultdict(list)
    for peer in peers:
        theirs[line_key(peer)].append((peer.provenance.analyst if peer.provenance else "", peer.example.label))
    shared = disagreed = 0
    per_label: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for row in rows:
        who = row.provenance.analyst if row.provenance else ""
        others = [label for analyst, label in theirs.get(line_key(row), []) if analyst != who]
        if others:
            peer_label = Counter(others).most_common(1)[0][0]
            shared += 1
            disagreed += peer_label != row.example.label
            per_label[who, peer_label]["_n"] += 1
            if peer_label != row.example.label:
                per_label[who, peer_label][row.example.label] += 1
    by_label = {}
    for key, c in per_label.items():
        n = c.pop("_n")
        to = c.most_common(1)[0][0] if c else ""
        by_label[key] = (n, sum(c.values()), to)
    return shared, disagreed, by_label
