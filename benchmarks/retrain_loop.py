"""Proof that the retraining loop works, with recorded figures.

    .venv/bin/python benchmarks/retrain_loop.py [--family-n 16] [--synthetic-n 30] [--data-dir DIR]

1. Render ``--family-n`` products of the "compact" layout family (default
   degradations), analyse them with the real pipeline through ``MapiClient``
   (in-process, its own data folder), and let an analyst who knows the truth fix
   the line labels with ``MapiClient.post_edit`` - exactly what the dashboard sends.
2. Run ``cyclops retrain`` (papermill, three notebooks) on the corrections with the production
   gate: the candidate must gain on the batch's held-out products and hold the fixed benchmark
   per label to become the ``challenger``.
3. ``--fresh-n`` new family products arrive: served by the packaged model with the challenger in
   shadow, then corrected; the challenger takes ``production`` only if it beats the champion on them.
4. Have a careless analyst shuffle the labels on fresh copies and show the screen holds the batch.

Writes ``benchmarks/results/retrain_loop.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--family-n", type=int, default=12)
    parser.add_argument("--fresh-n", type=int, default=4, help="new family products corrected after the challenger is registered")
    parser.add_argument("--synthetic-n", type=int, default=12)
    parser.add_argument("--bench-n", type=int, default=8)
    parser.add_argument("--packaged-base", action=argparse.BooleanOptionalAction, default=True,
                        help="train candidates on the packaged model's own training lines too (as cyclops retrain does)")
    parser.add_argument("--licences", type=int, default=300, help="size of the synthetic LNHPD sample")
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    data = args.data_dir or Path(tempfile.mkdtemp(prefix="cyclops-retrain-bench-"))
    os.environ["CYCLOPS_DATA_DIR"] = str(data)
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    from cyclops.settings import get_settings

    get_settings.cache_clear()

    from cyclops.client import MapiClient
    from cyclops.evaluate.run import reference_db
    from cyclops.fieldmodel.registry import served_version
    from cyclops.fieldmodel.shadow import record_shadow
    from cyclops.lnhpd.sample import generate
    from cyclops.retrain import train as rt
    from cyclops.retrain.challenger import decide_challenger
    from cyclops.retrain.judge import GateSettings
    from cyclops.retrain.runner import run_retrain
    from cyclops.retrain.simulate import review_with_truth
    from cyclops.retrain.tracking import configure
    from cyclops.storage import open_store
    from cyclops.synth.config import SynthConfig
    from cyclops.synth.product import synthesize_product

    t0 = time.monotonic()
    db = reference_db(data, size=args.licences, seed=0)
    os.environ["CYCLOPS_LNHPD_DB"] = str(db.path)
    get_settings.cache_clear()
    pairs = generate(args.licences, 0)
    products = []
    for k in range(args.family_n + args.fresh_n):
        en, fr = pairs[(k * 7) % len(pairs)]
        truth, images = synthesize_product(en, fr, 31_000 + k, SynthConfig(family="compact"))
        products.append((truth, [(img.file, images[img.id]) for img in truth.images]))
    batch, fresh = products[:args.family_n], products[args.family_n:]
    client = MapiClient()
    edits_good = 0
    since = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
    for truth, photos in batch:
        edits_good += review_with_truth(client, client.analyze(photos), truth, analyst="ana")[1]
    t_analysed = time.monotonic()
    print(f"analysed and corrected {len(batch)} products ({edits_good} edits) in {t_analysed - t0:.0f} s")

    configure()
    bench = rt.benchmark_examples(args.bench_n)
    record = run_retrain(since=since, synthetic_n=args.synthetic_n, bench_n=args.bench_n, workdir=data / "retrain-good",
                         packaged_base=args.packaged_base)
    t_loop = time.monotonic()
    print(f"{record['outcome'].upper()}: " + "; ".join(record["reasons"]))

    # new products arrive: served by the champion, the challenger in shadow; an analyst corrects them
    store, shadows = open_store(), 0
    for truth, photos in fresh:
        analysis = client.analyze(photos)
        shadows += record_shadow(analysis, store) is not None
        review_with_truth(client, analysis, truth, analyst="carol")
    decision = decide_challenger(bench=bench) if record["outcome"] == "challenger" else {"outcome": "no_challenger", "reasons": []}
    print(f"challenger {decision['outcome']}: " + "; ".join(decision["reasons"]))

    # the careless analyst: fresh analyses of the batch's photos (OCR cached), labels shuffled
    time.sleep(1.1)
    careless_since = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
    for k, (truth, photos) in enumerate(batch):
        review_with_truth(client, client.analyze(photos), truth, analyst="careless", shuffle_seed=k)
    held = run_retrain(since=careless_since, synthetic_n=args.synthetic_n, bench_n=args.bench_n,
                       workdir=data / "retrain-shuffled", packaged_base=args.packaged_base)
    print(f"shuffled batch {held['outcome']}: " + "; ".join(held["reasons"]))

    result = {
        "meta": {"family": "compact", "family_products": args.family_n, "fresh_products": args.fresh_n,
                 "synthetic_n": args.synthetic_n, "packaged_base": args.packaged_base, "bench_n": args.bench_n,
                 "bench_seed": rt.BENCH_SEED, "gate": GateSettings().model_dump(), "edits_good": edits_good,
                 "engine": get_settings().ocr_engine, "python": platform.python_version(),
                 "seconds": {"analyse_and_correct": round(t_analysed - t0), "loop": round(t_loop - t_analysed),
                             "total": round(time.monotonic() - t0)}},
        "good_corrections": {"outcome": record["outcome"], "reasons": record["reasons"], "scores": record.get("scores"),
                             "candidate_version": record.get("candidate_version"), "served_before": record.get("current")},
        "challenger": {"outcome": decision["outcome"], "reasons": decision["reasons"], "scores": decision.get("scores"),
                       "shadow_records": shadows},
        "shuffled_corrections": {"outcome": held["outcome"], "reasons": held["reasons"],
                                 "screen_rate": (held.get("screen") or {}).get("rate")},
        "production_after": served_version() or "none (packaged model served)",
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "retrain_loop.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    (args.out / "retrain_loop.md").write_text(markdown(result) + "\n", encoding="utf-8")
    print(markdown(result))
    return result


def markdown(result: dict) -> str:
    m, g, c, s = result["meta"], result["good_corrections"], result["challenger"], result["shuffled_corrections"]

    def pair(scores: dict | None, name: str) -> str:
        if not scores or name not in scores or "current" not in scores[name]:
            return "-"
        d = scores[name]
        return f"{d['current']:.3f} -> {d['candidate']:.3f} ({d['candidate'] - d['current']:+.3f}, {d['lines']} lines)"

    lines = [
        "# Retraining loop: batch, challenger, production",
        "",
        (f"Served before retraining: the packaged model. {m['family_products']} products of the `compact` layout family "
         f"analysed with the real pipeline ({m['engine']}), reviewed through `MapiClient.post_edit` ({m['edits_good']} edits); "
         f"candidates learn them on top of {m['synthetic_n']} synthetic base products"
         f"{' and the packaged model' + chr(39) + 's training lines' if m.get('packaged_base') else ''}. Fixed benchmark: "
         f"{m['bench_n']} base products, seed {m['bench_seed']}. Production gate settings: `{json.dumps(m['gate'])}`."),
        "",
        "Line-label macro-F1, served -> candidate:",
        "",
        "| stage | lines judged | figure | decision |",
        "|---|---|---|---|",
        f"| gate | batch held-out | {pair(g['scores'], 'batch_heldout')} | {g['outcome']} |",
        f"| gate | fixed benchmark | {pair(g['scores'], 'benchmark')} | |",
        f"| gate | reviewed truth kept aside | {pair(g['scores'], 'trusted')} | |",
        f"| challenger | {m['fresh_products']} new products corrected after it was registered | {pair(c['scores'], 'fresh')} | {c['outcome']} |",
        f"| challenger | fixed benchmark | {pair(c['scores'], 'benchmark')} | |",
        "",
        f"Gate: {'; '.join(g['reasons'])}.",
        "",
        f"Challenger ({c['shadow_records']} analyses labelled in shadow): {'; '.join(c['reasons'])}.",
        "",
        (f"Shuffled labels on the same products (analyst `careless`): {s['outcome']} "
         f"(overturns {s['screen_rate']:.0%} of confident predictions): {'; '.join(s['reasons'])}." if s.get("screen_rate") is not None
         else f"Shuffled labels: {s['outcome']}: {'; '.join(s['reasons'])}."),
        "",
        f"Alias `production` after the run: version {result['production_after']}.",
        "",
        (f"Run time: {m['seconds']['total']} s (analyse+correct {m['seconds']['analyse_and_correct']} s, "
         f"papermill loop {m['seconds']['loop']} s). Reproduce: `.venv/bin/python benchmarks/retrain_loop.py`. "
         "Poisoned batches over 10 seeds: [`retrain_gate.md`](retrain_gate.md)."),
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
