"""Notebook 03: candidate vs the served model; the challenger alias only through the gate.

``gate_candidate`` is what ``cyclops retrain`` runs: the candidate is judged on data its batch cannot
touch (``judge.judge_candidate``) and becomes the challenger (``challenger.make_challenger``), which
reaches ``production`` only through ``challenger.decide_challenger``. ``decide_promotion`` is the
first round's direct gate, kept for the comparison in benchmarks/retrain_loop.py.

Both outcomes leave the same record in three places: MLflow tags on the
candidate's model version and run, ``promotion.json`` in the work folder and
``retrain/promotions/{dataset}-v{version}.json`` in the object store.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from cyclops.fieldmodel.registry import load_registered, load_served_model
from cyclops.retrain.challenger import PRODUCTION, make_challenger, refuse_candidate
from cyclops.retrain.dataset import Dataset
from cyclops.retrain.gate import benchmark_guard, decide
from cyclops.retrain.judge import judge_candidate
from cyclops.retrain.tracking import MODEL_NAME
from cyclops.retrain.train import evaluate
from cyclops.retrain.trusted import trusted_field_cases
from cyclops.settings import get_settings
from cyclops.storage import open_store


def decide_promotion(candidate_version: str, candidate_run_id: str, dataset: Dataset, *, min_gain: float = 0.01,
                     max_label_drop: float = 0.02, max_bench_drop: float = 0.02, alias: str | None = None,
                     bench=None) -> dict:
    """Score current and candidate on the held-out corrected lines, apply the gate, set the alias if it passes.

    ``bench`` (the fixed benchmark lines) must not get worse by more than ``max_bench_drop``
    macro-F1 either. Returns the record.
    Call ``tracking.configure`` first.
    """
    import mlflow

    alias = alias or get_settings().model_alias
    client = mlflow.MlflowClient()
    current_model, current_label = load_served_model(alias, mlflow.get_tracking_uri())
    candidate = load_registered(candidate_version, mlflow.get_tracking_uri())
    corrected = [r.example for r in dataset.heldout if r.source == "correction"]
    # the gate scores what analysts corrected (the photos we really serve); the synthetic base set is
    # guarded by the fixed benchmark. Without held-out corrections, every held-out line is used.
    gate_on = "heldout_correction" if corrected else "heldout"
    heldout = corrected or [r.example for r in dataset.heldout]
    cur, cand = evaluate(current_model, heldout), evaluate(candidate, heldout)
    support = {label: int(v.get("support", 0)) for label, v in cur.per_label.items()}
    decision = decide(cur.f1(), cand.f1(), min_gain=min_gain, max_label_drop=max_label_drop, support=support)
    bench_scores = None
    if bench:
        # the guard reads line accuracy: on a small fixed set one line of a rare label moves macro-F1 by
        # several points, while the share of lines labelled right measures what was forgotten
        bench_cur, bench_cand = evaluate(current_model, bench), evaluate(candidate, bench)
        bench_scores = {"current": bench_cur.accuracy, "candidate": bench_cand.accuracy,
                        "macro_f1_current": bench_cur.macro_f1, "macro_f1_candidate": bench_cand.macro_f1}
        refusal = benchmark_guard(bench_scores["current"], bench_scores["candidate"], max_bench_drop)
        if refusal:
            reasons = [r for r in decision.reasons if not decision.promote] + [refusal]
            decision = decision.model_copy(update={"promote": False, "reasons": reasons})
    record = {
        "promoted": decision.promote,
        "reasons": decision.reasons,
        "decided_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "alias": alias,
        "model_name": MODEL_NAME,
        "candidate_version": candidate_version,
        "candidate_run_id": candidate_run_id,
        "current": current_label,
        "dataset_version": dataset.version,
        "dataset_sha256": dataset.sha256,
        "min_gain": min_gain,
        "max_label_drop": max_label_drop,
        "gate": decision.model_dump(),
        "gate_on": gate_on,
        "heldout": {"current": cur.model_dump(exclude={"confusion"}), "candidate": cand.model_dump(exclude={"confusion"})},
    }
    sources = sorted({r.source for r in dataset.heldout})
    for source in sources:
        part = [r.example for r in dataset.heldout if r.source == source]
        record[f"heldout_{source}"] = {"current": evaluate(current_model, part).macro_f1, "candidate": evaluate(candidate, part).macro_f1}
    if bench_scores:
        record["benchmark"] = bench_scores | {"max_drop": max_bench_drop}
    if decision.promote:
        client.set_registered_model_alias(MODEL_NAME, alias, candidate_version)
    outcome = "promoted" if decision.promote else "refused"
    summary = "; ".join(decision.reasons)[:4900]
    client.set_model_version_tag(MODEL_NAME, candidate_version, "promotion", outcome)
    client.set_model_version_tag(MODEL_NAME, candidate_version, "promotion_reasons", summary)
    client.set_model_version_tag(MODEL_NAME, candidate_version, "compared_with", current_label)
    client.set_tag(candidate_run_id, "promotion", outcome)
    client.set_tag(candidate_run_id, "promotion_reasons", summary)
    client.log_dict(candidate_run_id, record, "promotion.json")
    return record


def keep_record(record: dict, workdir: Path | None = None, store=None) -> str:
    """Write ``promotion.json`` to the work folder (if given) and the record to the store; returns the store key."""
    if workdir is not None:
        (Path(workdir) / "promotion.json").write_text(json.dumps(record, indent=1), encoding="utf-8")
    store = store or open_store()
    key = f"retrain/promotions/{record['dataset_version']}-v{record.get('candidate_version', 'none')}.json"
    store.put_json(key, record)
    return key


def gate_candidate(candidate_version: str, candidate_run_id: str, dataset: Dataset, *, bench, trusted=(),
                   settings=None, trusted_fields=None) -> dict:
    """Judge the candidate on the fixed benchmark, the reviewed truth kept aside (``trusted`` rows), the fields of
    the kept-aside products signed off before the batch by other analysts (``trusted_fields``; by default read
    from the store: ``trusted.trusted_field_cases``) and the batch's held-out lines; give it the ``challenger``
    alias if it passes. Returns the record (as ``decide_promotion``'s, with ``outcome``: challenger or refused).
    Call ``tracking.configure`` first.
    """
    import mlflow

    uri = mlflow.get_tracking_uri()
    current_model, current_label = load_served_model(PRODUCTION, uri)
    candidate = load_registered(candidate_version, uri)
    # the batch's own held-out lines (kept-aside products of the batch among them): did it learn anything?
    batch_heldout = [r.example for r in dataset.heldout if r.source == "correction"]
    if trusted_fields is None:
        batch_analysts = {r.provenance.analyst for r in dataset.train + dataset.heldout if r.provenance}
        trusted_fields = trusted_field_cases(dataset.manifest.get("since"), batch_analysts)
    verdict = judge_candidate(current_model, candidate, bench=list(bench), trusted=[r.example for r in trusted],
                              batch_heldout=batch_heldout, settings=settings, trusted_fields=trusted_fields)
    outcome = (make_challenger if verdict.passed else refuse_candidate)(candidate_version, verdict)
    record = {
        "outcome": outcome["outcome"], "promoted": False, "reasons": verdict.reasons,
        "decided_at": datetime.now(UTC).isoformat(timespec="seconds"), "model_name": MODEL_NAME,
        "candidate_version": candidate_version, "candidate_run_id": candidate_run_id, "current": current_label,
        "dataset_version": dataset.version, "dataset_sha256": dataset.sha256, "scores": verdict.scores,
        "settings": verdict.settings.model_dump(), "trusted_lines": len(trusted), "trusted_products": len(trusted_fields),
        "batch_heldout_lines": len(batch_heldout),
    }
    client = mlflow.MlflowClient()
    client.set_tag(candidate_run_id, "gate", outcome["outcome"])
    client.log_dict(candidate_run_id, record, "gate.json")
    return record
