"""Judge a candidate on data the batch it learned from cannot touch, then the challenger on later corrections.

Two verdicts, both pure functions of two models and labelled lines:

- ``judge_candidate``: may the candidate become the challenger? It must hold the fixed benchmark (line
  accuracy and every label, each with a small allowance), the reviewed truth kept aside (lines
  reviewed before the batch, on products never trained on) and the fields of trusted signed-off products
  (``fieldcheck``: re-extracted with each model; line macro-F1 can rise while the fields fall), and must
  gain on the batch's own held-out lines. The batch's lines alone never suffice: a careless analyst labels
  both sides of them.
- ``judge_challenger``: may the challenger replace the champion? On corrections made after it was
  trained, it must beat the champion by ``min_gain`` macro-F1 with no label falling beyond its
  allowance, and still hold the fixed benchmark.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from cyclops.extract.features import LineExample
from cyclops.retrain.fieldcheck import FieldCase, field_counts, field_guard, field_table
from cyclops.retrain.gate import benchmark_guard, label_guard
from cyclops.retrain.train import evaluate


class GateSettings(BaseModel):
    """The production gate; ``cyclops retrain`` and the tests use these defaults."""

    min_gain: float = 0.01  #: macro-F1 a candidate must gain on its batch, and a challenger on fresh corrections
    max_label_drop: float = 0.02  #: F1 a label may lose (or two lines' worth on a label with few lines: gate.label_allowance)
    max_bench_drop: float = 0.02  #: line accuracy the fixed benchmark may lose
    min_support: int = 10  #: lines a label needs to be judged on its own
    min_trusted: int = 30  #: kept-aside lines needed to judge on them (fewer: the benchmark and the challenger stage judge)
    min_fresh: int = 30  #: corrected lines after the challenger was trained needed to decide on it
    max_field_drop: float = 0.02  #: F1 a trusted product's field may lose (one value's worth on few: fieldcheck)


class Verdict(BaseModel):
    passed: bool
    waiting: bool = False  # not enough fresh corrections yet (challenger stage only)
    reasons: list[str] = Field(default_factory=list)
    scores: dict[str, dict] = Field(default_factory=dict)  # set -> {"lines", "current", "candidate"} macro-F1 / accuracy
    settings: GateSettings = Field(default_factory=GateSettings)


def _compare(current, candidate, lines: list[LineExample]) -> tuple[dict, object, object]:
    cur, cand = evaluate(current, lines), evaluate(candidate, lines)
    scores = {"lines": len(lines), "current": cur.macro_f1, "candidate": cand.macro_f1,
              "accuracy_current": cur.accuracy, "accuracy_candidate": cand.accuracy}
    return scores, cur, cand


def _labels(cur, cand, where: str, s: GateSettings) -> list[str]:
    support = {label: int(v["support"]) for label, v in cur.per_label.items()}
    return label_guard(cur.f1(), cand.f1(), support, where=where, max_drop=s.max_label_drop, min_support=s.min_support)


def _bench(current, candidate, bench: list[LineExample], s: GateSettings, scores: dict) -> list[str]:
    scores["benchmark"], cur, cand = _compare(current, candidate, bench)
    reasons = _labels(cur, cand, "fixed benchmark", s)
    drop = benchmark_guard(cur.accuracy, cand.accuracy, s.max_bench_drop)
    return ([drop] if drop else []) + reasons


def _fields(current, candidate, cases: list[FieldCase], s: GateSettings, scores: dict) -> list[str]:
    cur, cand = field_counts(current, cases), field_counts(candidate, cases)
    scores["trusted_fields"] = {"products": len(cases), "current": field_table(cur), "candidate": field_table(cand)}
    return field_guard(cur, cand, where="trusted products' fields", max_drop=s.max_field_drop)


def judge_candidate(current, candidate, *, bench: list[LineExample], trusted: list[LineExample],
                    batch_heldout: list[LineExample], settings: GateSettings | None = None,
                    trusted_fields: list[FieldCase] | None = None) -> Verdict:
    """Whether the candidate may become the challenger; every reason recorded either way.

    ``trusted_fields``: signed-off products never trained on (``fieldcheck.signed_off_cases``); the candidate
    must not extract their fields worse than the current model, whatever the lines say.
    """
    s = settings or GateSettings()
    scores: dict[str, dict] = {}
    reasons = _bench(current, candidate, bench, s, scores)
    if trusted_fields:
        reasons += _fields(current, candidate, trusted_fields, s, scores)
    if len(trusted) >= s.min_trusted:
        scores["trusted"], cur, cand = _compare(current, candidate, trusted)
        reasons += _labels(cur, cand, "reviewed truth kept aside", s)
        if cand.macro_f1 < cur.macro_f1 - s.max_label_drop:
            reasons.append(f"reviewed truth kept aside: macro-F1 falls {cur.macro_f1:.4f} -> {cand.macro_f1:.4f}")
    if batch_heldout:
        scores["batch_heldout"], cur, cand = _compare(current, candidate, batch_heldout)
        if cand.macro_f1 - cur.macro_f1 < s.min_gain:
            reasons.append(f"the batch's held-out lines: macro-F1 gain {cand.macro_f1 - cur.macro_f1:+.4f} is below "
                           f"the required {s.min_gain:+.4f}")
    else:
        reasons.append("the batch has no held-out lines: nothing shows the candidate learned from it")
    passed = not reasons
    if passed:
        reasons.append("holds the fixed benchmark" + (" and the reviewed truth kept aside" if "trusted" in scores else
                                                      f" (fewer than {s.min_trusted} kept-aside lines: not judged on them)")
                       + (f", the fields of {len(trusted_fields)} trusted products" if trusted_fields else "")
                       + f"; gains {scores['batch_heldout']['candidate'] - scores['batch_heldout']['current']:+.4f} on the batch")
    return Verdict(passed=passed, reasons=reasons, scores=scores, settings=s)


def judge_challenger(champion, challenger, *, fresh: list[LineExample], bench: list[LineExample],
                     settings: GateSettings | None = None) -> Verdict:
    """Whether the challenger replaces the champion, on corrections made after it was trained."""
    s = settings or GateSettings()
    if len(fresh) < s.min_fresh:
        return Verdict(passed=False, waiting=True, settings=s, scores={"fresh": {"lines": len(fresh)}},
                       reasons=[f"{len(fresh)} corrected lines since the challenger was trained; {s.min_fresh} needed"])
    scores: dict[str, dict] = {}
    scores["fresh"], cur, cand = _compare(champion, challenger, fresh)
    reasons = _labels(cur, cand, "fresh corrections", s)
    gain = cand.macro_f1 - cur.macro_f1
    if gain < s.min_gain:
        reasons.append(f"fresh corrections: macro-F1 {cur.macro_f1:.4f} -> {cand.macro_f1:.4f} ({gain:+.4f}), "
                       f"not {s.min_gain:+.4f} better than the champion")
    reasons += _bench(champion, challenger, bench, s, scores)
    passed = not reasons
    if passed:
        reasons.append(f"beats the champion on {len(fresh)} fresh corrected lines ({cur.macro_f1:.4f} -> {cand.macro_f1:.4f}) "
                       f"and holds the fixed benchmark ({scores['benchmark']['accuracy_current']:.4f} -> "
                       f"{scores['benchmark']['accuracy_candidate']:.4f} line accuracy)")
    return Verdict(passed=passed, reasons=reasons, scores=scores, settings=s)
