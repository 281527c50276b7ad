"""The promotion gate: a candidate replaces the served model only if it is clearly better.

Pure function of two per-label F1 tables, so the rule can be tested with numbers
and every decision records its reasons.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class GateDecision(BaseModel):
    promote: bool
    macro_f1_current: float
    macro_f1_candidate: float
    gain: float
    reasons: list[str] = Field(default_factory=list)
    worst_label: str | None = None
    worst_drop: float = 0.0


def macro_f1(per_label: dict[str, float]) -> float:
    return sum(per_label.values()) / len(per_label) if per_label else 0.0


def decide(current: dict[str, float], candidate: dict[str, float], *, min_gain: float = 0.01,
           max_label_drop: float = 0.02, support: dict[str, int] | None = None, min_support: int = 10) -> GateDecision:
    """Promote when macro-F1 rises by at least ``min_gain`` and no label's F1 falls by more than ``max_label_drop``.

    Labels are those of the current model's table; a label the candidate lacks counts as F1 0.
    With ``support`` (held-out lines per label), a label with fewer than ``min_support`` lines
    still counts in macro-F1 but is not judged on its own: one line more or less right would
    swing its F1 by more than any sensible ``max_label_drop``.
    """
    labels = sorted(set(current) | set(candidate))
    cur = {k: current.get(k, 0.0) for k in labels}
    cand = {k: candidate.get(k, 0.0) for k in labels}
    m_cur, m_cand = macro_f1(cur), macro_f1(cand)
    gain = m_cand - m_cur
    judged = [k for k in labels if support is None or support.get(k, 0) >= min_support]
    drops = {k: cur[k] - cand[k] for k in judged}
    worst = max(drops, key=drops.get) if drops else None
    worst_drop = drops.get(worst, 0.0) if worst else 0.0
    reasons = []
    if gain < min_gain:
        reasons.append(f"macro-F1 gain {gain:+.4f} is below the required {min_gain:+.4f}")
    if worst is not None and worst_drop > max_label_drop:
        reasons.append(f"label '{worst}' loses {worst_drop:.4f} F1, more than the allowed {max_label_drop:.4f}")
    promote = not reasons
    if promote:
        reasons.append(f"macro-F1 {m_cur:.4f} -> {m_cand:.4f} ({gain:+.4f}); worst label change {-worst_drop:+.4f}")
    unjudged = sorted(set(labels) - set(judged))
    if unjudged:
        reasons.append(f"labels with fewer than {min_support} held-out lines, not judged alone: {', '.join(unjudged)}")
    return GateDecision(promote=promote, macro_f1_current=round(m_cur, 4), macro_f1_candidate=round(m_cand, 4),
                        gain=round(gain, 4), reasons=reasons, worst_label=worst, worst_drop=round(worst_drop, 4))


def benchmark_guard(current: float, candidate: float, max_drop: float = 0.02) -> str | None:
    """The reason to refuse when the candidate got worse on the fixed synthetic benchmark, else None.

    Held-out data comes from the same corrections the model learned from; the fixed
    benchmark catches a candidate that learned bad corrections or forgot the base layouts.
    """
    drop = current - candidate
    if drop > max_drop:
        return f"fixed benchmark line accuracy falls {drop:.4f} ({current:.4f} -> {candidate:.4f}), more than the allowed {max_drop:.4f}"
    return None


#: lines a label may lose on a small set before it counts against the candidate: one line re-filed costs
#: the label about 1/n F1 (recall when it leaves, precision when another arrives), so one line moved each way
LINES_ALLOWED = 2


def label_allowance(support: int, max_drop: float = 0.02) -> float:
    """The F1 a label may lose: ``max_drop``, or two lines' worth (2 / its lines) when it has few lines."""
    return max(max_drop, LINES_ALLOWED / support) if support else max_drop


def label_guard(current: dict[str, float], candidate: dict[str, float], support: dict[str, int], *, where: str,
                max_drop: float = 0.02, min_support: int = 10) -> list[str]:
    """Reasons to refuse: each label (with ``min_support`` lines) whose F1 falls by more than its allowance on ``where``."""
    reasons = []
    for label in sorted(current):
        n = support.get(label, 0)
        drop = current[label] - candidate.get(label, 0.0)
        if n >= min_support and drop > label_allowance(n, max_drop):
            reasons.append(f"{where}: label '{label}' loses {drop:.4f} F1 on {n} lines, more than its allowance "
                           f"{label_allowance(n, max_drop):.4f}")
    return reasons
