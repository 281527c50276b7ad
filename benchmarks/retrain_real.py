"""The learning loop on the real development photos: before and after, with products kept out of training.

    .venv/bin/python benchmarks/retrain_real.py [--folds 4] [--seed 0] [--data-dir DIR] [--products N]
    .venv/bin/python benchmarks/retrain_real.py --render   # the markdown again from the JSON, notes kept

1. Every product of ``--truth`` is analysed once through ``MapiClient`` (in-process mapi, its own data
   folder, the packaged model serving) and corrected from the truth file by
   ``cyclops.retrain.real_corrections.correct_with_truth``: line labels (corrections and accepts of the lines
   the truth speaks for), field values, flag decisions and the sign-off, posted with ``post_edit`` as the
   dashboard does.
2. The corrections are read back as the retraining reads them (``dataset.collect_reviewed``,
   ``rows_from_reviewed``: reviewed lines only, those a sign-off confirms as ``other`` among them). Products are
   split into ``--folds`` folds (fixed seed). For fold k a candidate is trained (``retrain.train.train_candidate``)
   on the reviewed lines of the folds other than k and k+1, plus the packaged model's own training lines, as
   ``cyclops retrain`` does; fold k+1 is the gate's trusted products (signed off, never trained on). The gate
   (``judge.judge_candidate``: fixed benchmark, the fields of the trusted products re-extracted with each model,
   the fold's lines) is reported; the candidate is scored either way, and so is what would be served after the
   gate (the candidate if it passed, else the champion).
3. The held-out fold's photos are analysed again (OCR cached) with the champion (the packaged model) and the
   candidate, by the same analyzer, and scored with ``cyclops evaluate``'s rules (``evaluate.metrics``);
   line-label macro-F1 is measured on the held-out products' reviewed lines.

Writes ``benchmarks/results/retrain_real.{json,md,png}``: per-field P/R/F1 summed over folds, before and after,
line-label scores, and every held-out miss that changed with the line labels behind it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
NOTES = "<!-- notes: written by hand, kept when the figures above are rewritten -->"
ROOT = Path(__file__).resolve().parents[1]


def folds_of(products: list[str], k: int, seed: int) -> list[list[str]]:
    """``k`` folds of products, dealt round-robin after a seeded shuffle (sizes differ by one at most)."""
    order = sorted(products)
    random.Random(seed).shuffle(order)
    return [order[i::k] for i in range(k)]


def line_scores(pairs: list[tuple[str, str]]) -> dict:
    """Accuracy, macro-F1 and per-label P/R/F1 of (true, predicted) line labels (labels present in the truth)."""
    from sklearn.metrics import precision_recall_fscore_support

    from cyclops.model.analysis import FIELD_LABELS

    truth = [t for t, _ in pairs]
    predicted = [p for _, p in pairs]
    present = [label for label in FIELD_LABELS if label in set(truth)]
    p, r, f, s = precision_recall_fscore_support(truth, predicted, labels=present, zero_division=0)
    per_label = {label: {"precision": round(float(p[i]), 4), "recall": round(float(r[i]), 4), "f1": round(float(f[i]), 4),
                         "support": int(s[i])} for i, label in enumerate(present)}
    return {"lines": len(pairs), "accuracy": round(sum(t == q for t, q in pairs) / max(len(pairs), 1), 4),
            "macro_f1": round(sum(v["f1"] for v in per_label.values()) / max(len(per_label), 1), 4),
            "per_label": per_label}


def label_changes(before, after, truth_labels: dict[int, str]) -> list[dict]:
    """Lines the candidate labelled differently from the champion (same OCR, so the same lines in order)."""
    if len(before.lines) != len(after.lines):
        return [{"note": f"line counts differ ({len(before.lines)} -> {len(after.lines)})"}]
    out = []
    for i, (b, a) in enumerate(zip(before.lines, after.lines)):
        if b.label != a.label:
            out.append({"text": b.text, "before": b.label, "after": a.label, "truth": truth_labels.get(i)})
    return sorted(out, key=lambda x: x["truth"] is None)  # the lines the truth speaks for first


def label_change_summary(changed: list[dict]) -> dict:
    """How the candidates' line labels moved on held-out products: on lines the truth speaks for (now right, now
    wrong, wrong both ways) and on lines nobody reviewed (where the truth cannot say)."""
    moves = [x for c in changed for x in c["line_labels_changed"] if "text" in x]
    reviewed = [x for x in moves if x.get("truth")]
    return {"lines": len(moves), "reviewed": len(reviewed),
            "now_right": sum(x["after"] == x["truth"] for x in reviewed),
            "now_wrong": sum(x["before"] == x["truth"] for x in reviewed),
            "unreviewed": len(moves) - len(reviewed),
            "unreviewed_to": dict(sorted(Counter(x["after"] for x in moves if not x.get("truth")).items(),
                                         key=lambda kv: -kv[1]))}


def field_changes(before, after) -> dict:
    """field -> {before, after} counts, for the fields whose tp/fp/fn moved."""
    out = {}
    for name, c in before.fields.items():
        d = after.fields[name]
        if (c.tp, c.fp, c.fn) != (d.tp, d.fp, d.fn):
            out[name] = {"before": {"tp": c.tp, "fp": c.fp, "fn": c.fn}, "after": {"tp": d.tp, "fp": d.fp, "fn": d.fn}}
    return out


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--photos", type=Path, default=ROOT.parent / "shared" / "realphotos")
    parser.add_argument("--truth", type=Path, default=ROOT / "benchmarks" / "real" / "truth.json")
    parser.add_argument("--folds", type=int, default=4)
    parser.add_argument("--seed", type=int, default=0, help="shuffles products into folds")
    parser.add_argument("--products", type=int, default=None, help="the first N products only (development)")
    parser.add_argument("--synthetic-n", type=int, default=0, help="freshly rendered base products added to training")
    parser.add_argument("--bench-n", type=int, default=8, help="fixed synthetic benchmark for the gate (0: no gate)")
    parser.add_argument("--licences", type=int, default=300, help="size of the synthetic LNHPD sample mapi is given")
    parser.add_argument("--data-dir", type=Path, default=None, help="keep the store and OCR cache here (default: a temp dir)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    data = args.data_dir or Path(tempfile.mkdtemp(prefix="cyclops-retrain-real-"))
    os.environ["CYCLOPS_DATA_DIR"] = str(data)
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    from cyclops.settings import get_settings

    get_settings.cache_clear()

    from cyclops.client import MapiClient
    from cyclops.evaluate.metrics import expected_flags, score_product, summarise
    from cyclops.evaluate.run import load_real_truth, reference_db
    from cyclops.extract.classifier import predict
    from cyclops.fieldmodel.registry import model_for, packaged_version
    from cyclops.model.analysis import FIELD_LABELS
    from cyclops.pipeline import build_analyzer
    from cyclops.pipeline.analyzer import fixed_model
    from cyclops.retrain import train as rt
    from cyclops.retrain.dataset import (Dataset, collect_reviewed, content_hash, deduplicate, packaged_base_rows,
                                         rows_from_reviewed, synthetic_rows)
    from cyclops.retrain.fieldcheck import signed_off_cases
    from cyclops.retrain.judge import GateSettings, judge_candidate
    from cyclops.retrain.real_corrections import MatchParams, correct_with_truth

    t0 = time.monotonic()
    db = reference_db(data, size=args.licences, seed=0)  # mapi wants a reference database; none of these products is in it
    os.environ["CYCLOPS_LNHPD_DB"] = str(db.path)
    get_settings.cache_clear()
    products = load_real_truth(args.photos, args.truth, db, args.products)
    truths = {truth.product_id: truth for truth, _ in products}
    photos = {truth.product_id: [(p.name, p.read_bytes()) for p in paths.values()] for truth, paths in products}

    # 1. analyse and correct through the API
    client = MapiClient()
    served, edits, analysis_ids = {}, {}, {}
    for pid, truth in truths.items():
        analysis = client.analyze(photos[pid])
        served[pid] = analysis
        analysis_ids[analysis.analysis_id] = pid
        _, edits[pid] = correct_with_truth(client, analysis, truth.printed, violations=sorted(expected_flags(truth)))
        print(f"{pid}: {edits[pid]}", flush=True)
    reviewed = {analysis_ids[r.analysis.analysis_id]: r for r in collect_reviewed()}
    t_corrected = time.monotonic()

    # 2.-3. cross-validation over products
    champion = model_for(packaged_version())
    champion_analyzer = build_analyzer(model=fixed_model(champion, packaged_version()), db=db)
    bench = rt.benchmark_examples(args.bench_n) if args.bench_n else []
    base = packaged_base_rows() + synthetic_rows(args.synthetic_n, 11)
    folds = [f for f in folds_of(list(truths), args.folds, args.seed) if f]
    scores_before, scores_after, scores_served, line_pairs_before, line_pairs_after = [], [], [], [], []
    fold_records, changed = [], []
    for k, fold in enumerate(folds):
        gate_fold = folds[(k + 1) % len(folds)] if len(folds) > 2 else []
        trusted_fields = signed_off_cases([reviewed[p] for p in gate_fold if p in reviewed], aside_only=False)
        train_reviewed = [reviewed[p] for p in truths if p not in fold and p not in gate_fold and p in reviewed]
        corrections = rows_from_reviewed(train_reviewed)
        rows = [r for r in corrections + base if r.example.label in FIELD_LABELS]
        rows, dropped = deduplicate(rows)
        heldout = rows_from_reviewed([reviewed[p] for p in fold if p in reviewed])
        sha = content_hash(rows, heldout)
        dataset = Dataset(version=f"cv{k}-{sha[:8]}", sha256=sha, train=rows, heldout=heldout,
                          manifest={"fold": k, "heldout_products": fold, "correction_rows": len(corrections)})
        t_fold = time.monotonic()
        candidate = rt.train_candidate(dataset, seed=0)
        examples = [r.example for r in heldout]
        inputs = [e.model_input() for e in examples]
        line_pairs_before += [(e.label, p) for e, (p, _) in zip(examples, predict(champion, inputs))]
        line_pairs_after += [(e.label, p) for e, (p, _) in zip(examples, predict(candidate, inputs))]
        verdict = judge_candidate(champion, candidate, bench=bench, trusted=[], batch_heldout=examples,
                                  settings=GateSettings(), trusted_fields=trusted_fields) if bench else None
        candidate_analyzer = build_analyzer(model=fixed_model(candidate, f"cv-fold-{k}"), db=db)
        for pid in fold:
            truth = truths[pid]
            before = champion_analyzer.analyze(photos[pid])
            after = candidate_analyzer.analyze(photos[pid])
            sb, sa = score_product(before, truth), score_product(after, truth)
            scores_before.append(sb)
            scores_after.append(sa)
            scores_served.append(sa if verdict is not None and verdict.passed else sb)
            moved = field_changes(sb, sa)
            if moved:
                # the label each reviewed line carries as a training row (the truth's, or 'other' by the sign-off)
                truth_labels = {r.provenance.line: r.example.label for r in rows_from_reviewed([reviewed[pid]])}
                changed.append({"product_id": pid, "fold": k, "fields": moved,
                                "misses_before": sb.misses, "misses_after": sa.misses,
                                "line_labels_changed": label_changes(before, after, truth_labels)})
        fold_records.append({
            "fold": k, "heldout_products": fold, "gate_products": gate_fold, "trusted_signed_off": len(trusted_fields),
            "train_rows": len(rows), "correction_rows": len(corrections),
            "duplicates_dropped": dropped, "heldout_lines": len(heldout),
            "train_by_review": dict(sorted({rv: sum(1 for r in corrections if r.provenance.review == rv)
                                            for rv in {r.provenance.review for r in corrections}}.items())),
            "lines_before": rt.evaluate(champion, examples).macro_f1 if examples else None,
            "lines_after": rt.evaluate(candidate, examples).macro_f1 if examples else None,
            "gate": {"passed": verdict.passed, "reasons": verdict.reasons,
                     "trusted_fields": verdict.scores.get("trusted_fields")} if verdict else None,
            "seconds": round(time.monotonic() - t_fold),
        })
        print(f"fold {k} {fold}: lines macro-F1 {fold_records[-1]['lines_before']} -> {fold_records[-1]['lines_after']}; "
              f"gate {'passed' if verdict and verdict.passed else 'refused' if verdict else 'not run'}", flush=True)

    before, after, served_after = summarise(scores_before), summarise(scores_after), summarise(scores_served)
    result = {
        "meta": {"photos": str(args.photos),
                 "truth": str(args.truth.relative_to(ROOT) if args.truth.is_relative_to(ROOT) else args.truth),
                 "products": len(truths), "photos_count": sum(len(p) for p in photos.values()), "folds": len(folds),
                 "seed": args.seed, "synthetic_n": args.synthetic_n, "bench_n": args.bench_n, "packaged_base": True,
                 "champion": packaged_version(), "match_params": MatchParams().__dict__,
                 "database": f"synthetic LNHPD sample, {args.licences} licences",
                 "engine": get_settings().ocr_engine, "python": platform.python_version(),
                 "seconds": {"analyse_and_correct": round(t_corrected - t0), "total": round(time.monotonic() - t0)}},
        "edits": {pid: e for pid, e in edits.items()},
        "edits_total": {key: sum(e[key] for e in edits.values())
                        for key in ("label_corrected", "label_accepted", "field_edits", "field_edits_skipped",
                                    "flags_decided", "signed_off")},
        "label_changes": label_change_summary(changed),
        "folds": fold_records,
        "fields": {"before": before["fields"], "after": after["fields"], "served": served_after["fields"]},
        "flags": {"before": before["flags"], "after": after["flags"], "served": served_after["flags"]},
        "lines": {"before": line_scores(line_pairs_before), "after": line_scores(line_pairs_after)},
        "changed": changed,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "retrain_real.json").write_text(json.dumps(result, indent=1, default=str) + "\n", encoding="utf-8")
    write_markdown(result, args.out)
    plot(result, args.out / "retrain_real.png")
    print(markdown(result))
    return result


def _prf(c: dict) -> str:
    return f"{c['precision']:.3f} / {c['recall']:.3f} / {c['f1']:.3f}"


def _counts(c: dict) -> str:
    return f"tp {c['tp']} fp {c['fp']} fn {c['fn']}"


def markdown(result: dict) -> str:
    m, fb, fa = result["meta"], result["fields"]["before"], result["fields"]["after"]
    lb, la = result["lines"]["before"], result["lines"]["after"]
    e = result["edits_total"]
    out = [
        "# Retraining on real corrections: the real photos before and after, products kept out of training",
        "",
        (f"{m['products']} products ({m['photos_count']} photos, `{m['truth']}`) analysed once through the in-process "
         f"mapi ({m['engine']}, {m['database']}: none of these products is licensed) with the packaged model "
         f"`{m['champion']}` serving, then corrected from the "
         f"truth file through `MapiClient.post_edit` (`cyclops/retrain/real_corrections.py`): {e['label_corrected']} line "
         f"labels corrected, {e['label_accepted']} accepted, {e['field_edits']} field values set "
         f"({e['field_edits_skipped']} wrong values left alone: setting them would have counted an evidence line the "
         f"truth does not speak for as reviewed), {e.get('flags_decided', 0)} flags decided and {e.get('signed_off', 0)} "
         "products signed off. The sign-off confirms as `other` the lines that fed no field (`REVIEW_RULE`); the other "
         f"lines the truth does not speak for stay unreviewed, so they are not training rows. {m['folds']}-fold "
         f"cross-validation over products (seed {m['seed']}): the candidate of fold k learns the reviewed lines of the "
         "folds other than k and k+1 on top of the packaged model's training lines, the gate judges it on the fields "
         "of fold k+1's signed-off products (never trained on), and it is scored on fold k only (fields: `cyclops "
         "evaluate`'s rules; each product is held out once, counts summed over folds). *Served* is what production "
         "would serve after the gate: the candidate where it passed, the champion where it was refused."),
        "",
        "| field | champion P / R / F1 | candidate P / R / F1 | F1 change | served after the gate: F1 change |",
        "|---|---|---|---:|---:|",
    ]
    fs = result["fields"].get("served", fa)
    for name, c in fb.items():
        d = fa[name]
        out.append(f"| {name} | {_prf(c)} | {_prf(d)} | {d['f1'] - c['f1']:+.3f} | {fs[name]['f1'] - c['f1']:+.3f} |")
    fl = result["flags"]
    out += [f"| flags | {_prf(fl['before'])} | {_prf(fl['after'])} | {fl['after']['f1'] - fl['before']['f1']:+.3f} | "
            f"{fl.get('served', fl['after'])['f1'] - fl['before']['f1']:+.3f} |", ""]
    out += [
        f"Line labels on the held-out products' reviewed lines ({lb['lines']} lines): macro-F1 {lb['macro_f1']:.3f} -> "
        f"{la['macro_f1']:.3f}, accuracy {lb['accuracy']:.3f} -> {la['accuracy']:.3f}.",
        "",
        "| label | lines | champion F1 | candidate F1 |",
        "|---|---:|---:|---:|",
    ]
    for label, s in lb["per_label"].items():
        out.append(f"| {label} | {s['support']} | {s['f1']:.3f} | {la['per_label'][label]['f1']:.3f} |")
    out += ["", "| fold | held-out products | correction rows trained (by review) | held-out lines | lines macro-F1 | "
            "gate's trusted products | their fields, F1 over all | gate |", "|---:|---|---:|---:|---|---|---|---|"]
    for f in result["folds"]:
        gate = "-" if not f["gate"] else ("passed" if f["gate"]["passed"] else "refused: " + "; ".join(f["gate"]["reasons"]))
        lines = "-" if f["lines_before"] is None else f"{f['lines_before']:.3f} -> {f['lines_after']:.3f}"
        tf = (f["gate"] or {}).get("trusted_fields")
        tf_text = "-" if not tf else f"{tf['current']['all fields']['f1']:.3f} -> {tf['candidate']['all fields']['f1']:.3f}"
        by_review = ", ".join(f"{k} {v}" for k, v in f.get("train_by_review", {}).items())
        out.append(f"| {f['fold']} | {', '.join(f['heldout_products'])} | {f['correction_rows']} ({by_review}) | "
                   f"{f['heldout_lines']} | {lines} | {', '.join(f.get('gate_products', [])) or '-'} "
                   f"({f.get('trusted_signed_off', 0)} signed off) | {tf_text} | {gate} |")
    lc = result["label_changes"]
    out += ["", "## What moved and why", "",
            (f"On the held-out products whose field counts moved, the candidates relabelled {lc['lines']} lines: "
             f"{lc['reviewed']} reviewed (the truth's label, or `other` confirmed by the sign-off; {lc['now_right']} now "
             f"right, {lc['now_wrong']} now wrong, the rest "
             f"wrong both ways) and {lc['unreviewed']} nobody reviewed, now "
             + ", ".join(f"{label} {n}" for label, n in lc["unreviewed_to"].items()) + "."),
            ""]
    if not result["changed"]:
        out.append("No held-out product's field counts changed.")
    for c in result["changed"]:
        out.append(f"**{c['product_id']}** (fold {c['fold']})")
        out.append("")
        for name, d in c["fields"].items():
            out.append(f"- {name}: {_counts(d['before'])} -> {_counts(d['after'])}")
        for name in ("product_name", "brand", "company"):
            b, a = c["misses_before"].get(name), c["misses_after"].get(name)
            if b != a:
                out.append(f"  - {name}: expected {(b or a)['expected']!r}; champion "
                           + (f"{b['got']!r}" if b else "right") + ", candidate " + (f"{a['got']!r}" if a else "right"))
        rows_b = (c["misses_before"].get("medicinal_ingredients") or {})
        rows_a = (c["misses_after"].get("medicinal_ingredients") or {})
        if rows_b != rows_a:
            out.append(f"  - ingredient rows missing {len(rows_b.get('missing', []))} -> {len(rows_a.get('missing', []))}, "
                       f"extra {len(rows_b.get('extra', []))} -> {len(rows_a.get('extra', []))}")
        labels = c["line_labels_changed"]
        if labels:
            out.append(f"- line labels changed ({len(labels)}): " + "; ".join(
                f"\"{x['text'][:50]}\" {x['before']} -> {x['after']}" + (f" (truth {x['truth']})" if x.get("truth") else "")
                if "text" in x else x["note"] for x in labels[:12]) + (" ..." if len(labels) > 12 else ""))
        out.append("")
    s = m["seconds"]
    out.append(f"Run time {s['total']} s (analyse and correct {s['analyse_and_correct']} s). Reproduce: "
               "`.venv/bin/python benchmarks/retrain_real.py` (photos in `../shared/realphotos`).")
    return "\n".join(out)


def plot(result: dict, path: Path) -> None:
    """Per-field F1 before and after, and line-label macro-F1, as grouped bars."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fb, fa = result["fields"]["before"], result["fields"]["after"]
    names = list(fb) + ["flags", "line labels (macro)"]
    before = [fb[n]["f1"] for n in fb] + [result["flags"]["before"]["f1"], result["lines"]["before"]["macro_f1"]]
    after = [fa[n]["f1"] for n in fa] + [result["flags"]["after"]["f1"], result["lines"]["after"]["macro_f1"]]
    fig, ax = plt.subplots(figsize=(10, 4.5))
    x = range(len(names))
    ax.bar([i - 0.2 for i in x], before, width=0.4, label="champion (packaged model)")
    ax.bar([i + 0.2 for i in x], after, width=0.4, label="candidate (real corrections, held-out products)")
    ax.set_xticks(list(x), names, rotation=40, ha="right")
    ax.set_ylim(0, 1.2)
    ax.set_ylabel("F1 on held-out products")
    ax.set_title(f"Real photos, {result['meta']['folds']}-fold cross-validation over {result['meta']['products']} products")
    ax.legend(loc="upper center", ncol=2, fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_markdown(result: dict, out: Path) -> None:
    """The figures (``markdown``), then the hand-written notes already there after ``NOTES``, kept."""
    md = out / "retrain_real.md"
    notes = md.read_text(encoding="utf-8").partition(NOTES)[2] if md.exists() else ""
    md.write_text(markdown(result) + "\n\n" + NOTES + notes.rstrip("\n") + "\n", encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:] == ["--render"]:  # rewrite the markdown from the recorded JSON, notes kept
        write_markdown(json.loads((RESULTS / "retrain_real.json").read_text(encoding="utf-8")), RESULTS)
    else:
        main()
