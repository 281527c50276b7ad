"""Uncertainty first: corrections taken in review-priority order against arrival order, as learning curves.

    .venv/bin/python benchmarks/retrain_priority.py [--seeds 3] [--products 20] [--step 2] [--data-dir DIR]

The compact-family products of benchmarks/retrain_gate.py (analysed once by the packaged model, cached)
are dealt per seed into held-out products (a third, reviewed truth) and a pool that arrives in random
order. An analyst reviews pool products one by one, either as they arrive or highest
``cyclops.review_priority.review_priority`` first; after every ``--step`` products a candidate is
trained (packaged model's training lines + the reviewed lines so far, the ``cyclops retrain`` recipe)
and scored on the held-out lines. Corrections are lines whose label the analyst changed.

Writes ``benchmarks/results/retrain_priority.json`` and ``.md``: per seed and order, corrections vs
held-out macro-F1, and how many corrections each order needs to reach the gain arrival order reaches
with the whole pool.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def curve(products, order: list[int], heldout, step: int) -> list[dict]:
    """(products reviewed, corrections, held-out macro-F1) after each ``step`` products of ``order``."""
    from cyclops.extract.classifier import train
    from cyclops.retrain.base_set import base_examples
    from cyclops.retrain.dataset import rows_from_reviewed
    from cyclops.retrain.simulate import review_in_memory
    from cyclops.retrain.train import evaluate

    base = list(base_examples())
    points, rows, corrections = [], [], 0
    marks = sorted({0, *range(step, len(order), step), len(order)})
    done = 0
    for mark in marks:
        for index in order[done:mark]:
            reviewed = review_in_memory(*products[index], analyst="ana", at="2026-02-02T09:00:00+00:00")
            corrections += sum(1 for e in reviewed.edits if e.before != e.after)
            rows += rows_from_reviewed([reviewed])
        done = mark
        model = train(base + [r.example for r in rows], seed=0)
        points.append({"products": mark, "corrections": corrections, "macro_f1": evaluate(model, heldout).macro_f1})
    return points


def needed(points: list[dict], target: float) -> int | None:
    """Corrections needed to first reach ``target`` macro-F1 (None: never)."""
    return next((p["corrections"] for p in points if p["macro_f1"] >= target - 1e-9), None)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--products", type=int, default=20)
    parser.add_argument("--step", type=int, default=2)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    data = args.data_dir or Path(tempfile.mkdtemp(prefix="cyclops-priority-bench-"))
    data.mkdir(parents=True, exist_ok=True)
    os.environ["CYCLOPS_DATA_DIR"] = str(data)
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from retrain_gate import prepare

    from cyclops.retrain.dataset import rows_from_reviewed
    from cyclops.retrain.simulate import review_in_memory
    from cyclops.review_priority import review_priority

    t0 = time.monotonic()
    products = prepare(data, args.products)
    seeds = []
    for seed in range(args.seeds):
        order = list(range(len(products)))
        random.Random(seed).shuffle(order)
        held, pool = order[: len(order) // 3], order[len(order) // 3:]
        heldout = [r.example for i in held for r in rows_from_reviewed([review_in_memory(*products[i], analyst="truth", at="2026-01-01T00:00:00+00:00")])]
        by_priority = sorted(pool, key=lambda i: -review_priority(products[i][0]))
        arrival = curve(products, pool, heldout, args.step)
        priority = curve(products, by_priority, heldout, args.step)
        target = arrival[-1]["macro_f1"]  # the gain arrival order reaches with the whole pool
        seeds.append({"seed": seed, "heldout_lines": len(heldout), "pool": pool, "priority_order": by_priority,
                      "arrival": arrival, "priority": priority, "target_macro_f1": target,
                      "corrections_needed": {"arrival": needed(arrival, target), "priority": needed(priority, target)}})
        print(json.dumps(seeds[-1]["corrections_needed"] | {"seed": seed, "target": target}), flush=True)
    result = {"meta": {"products": args.products, "seeds": args.seeds, "step": args.step,
                       "seconds": round(time.monotonic() - t0)}, "seeds": seeds}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "retrain_priority.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    (args.out / "retrain_priority.md").write_text(markdown(result) + "\n", encoding="utf-8")
    print(markdown(result))
    return result


def markdown(result: dict) -> str:
    m = result["meta"]
    lines = ["# Uncertainty first: review-priority order against arrival order", "",
             (f"{m['products']} compact-family products (packaged model served), a third held out per seed; the rest "
              f"reviewed in arrival order or highest `review_priority` first, a candidate trained every {m['step']} "
              f"products. Target: the held-out macro-F1 arrival order reaches with the whole pool."), "",
             "| seed | start F1 | target F1 | corrections needed, arrival / priority | products reviewed, arrival / priority |",
             "|---|---|---|---|---|"]
    for s in result["seeds"]:
        a, p = s["corrections_needed"]["arrival"], s["corrections_needed"]["priority"]
        pa, pp = (next((x["products"] for x in s[o] if x["macro_f1"] >= s["target_macro_f1"] - 1e-9), None)
                  for o in ("arrival", "priority"))
        lines.append(f"| {s['seed']} | {s['arrival'][0]['macro_f1']:.3f} | {s['target_macro_f1']:.3f} | {a} / {p} | {pa} / {pp} |")
    lines += ["", "Curves (corrections: held-out macro-F1):", ""]
    for s in result["seeds"]:
        for order in ("arrival", "priority"):
            pts = ", ".join(f"{x['corrections']}: {x['macro_f1']:.3f}" for x in s[order])
            lines.append(f"- seed {s['seed']}, {order}: {pts}")
    lines += ["", f"Run time {m['seconds']} s. Reproduce: `.venv/bin/python benchmarks/retrain_priority.py`."]
    return "\n".join(lines)


if __name__ == "__main__":
    if sys.argv[1:] == ["--render"]:  # rewrite the markdown from the recorded JSON
        recorded = json.loads((RESULTS / "retrain_priority.json").read_text(encoding="utf-8"))
        (RESULTS / "retrain_priority.md").write_text(markdown(recorded) + "\n", encoding="utf-8")
    else:
        main()
