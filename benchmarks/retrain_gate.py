"""Poisoned batches against the gate, seed after seed, with the production settings.

    .venv/bin/python benchmarks/retrain_gate.py [--seeds 10] [--products 20] [--data-dir DIR]

``--products`` products of the "compact" layout family (a layout the packaged model never saw) are
analysed once with the real pipeline (``MapiClient``, in-process; OCR and analyses cached in the data
folder). For each seed the products are dealt out at random into roles: reviewed truth kept aside (a
trusted reviewer, before the batch, who signs them off as ``real_corrections`` does), the batch under
judgement (two analysts), and fresh corrections made after the candidate became the challenger. Each seed
then plays five batches through the whole gate (``cyclops.retrain.trial``), the field check on the signed-off
kept-aside products included (``fieldcheck``, as ``promote.gate_candidate`` judges): good, shuffled labels,
one field relabelled as another, and one of the two analysts gone wrong (shuffling, or flipping a field).
Every poisoned batch must be refused and every good one promoted.

Writes ``benchmarks/results/retrain_gate.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def prepare(data: Path, n: int, licences: int = 300) -> list[tuple[object, object]]:
    """(analysis as served, truth) of ``n`` compact-family products, analysed once and cached in ``data``."""
    from cyclops.model.analysis import Analysis
    from cyclops.model.truth import ProductTruth

    cache = data / f"family-{n}.jsonl"
    if cache.exists():
        pairs = [json.loads(line) for line in cache.read_text(encoding="utf-8").splitlines() if line.strip()]
        return [(Analysis.model_validate(a), ProductTruth.model_validate(t)) for a, t in pairs]
    from cyclops.client import MapiClient
    from cyclops.evaluate.run import reference_db
    from cyclops.lnhpd.sample import generate
    from cyclops.settings import get_settings
    from cyclops.synth.config import SynthConfig
    from cyclops.synth.product import synthesize_product

    db = reference_db(data, size=licences, seed=0)
    os.environ["CYCLOPS_LNHPD_DB"] = str(db.path)
    get_settings.cache_clear()
    sample = generate(licences, 0)
    client = MapiClient()
    out = []
    for k in range(n):
        en, fr = sample[(k * 7) % len(sample)]
        truth, images = synthesize_product(en, fr, 31_000 + k, SynthConfig(family="compact"))
        out.append((client.analyze([(img.file, images[img.id]) for img in truth.images]), truth))
        print(f"analysed {k + 1}/{n}", flush=True)
    cache.write_text("".join(json.dumps([a.model_dump(mode="json"), t.model_dump(mode="json")]) + "\n" for a, t in out),
                     encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--products", type=int, default=20)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--prepare-only", action="store_true")
    parser.add_argument("--without-screen", action="store_true",
                        help="train on every batch, held or not, to see what the gate alone refuses (writes retrain_gate_unscreened.*)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    data = args.data_dir or Path(tempfile.mkdtemp(prefix="cyclops-gate-bench-"))
    data.mkdir(parents=True, exist_ok=True)
    os.environ["CYCLOPS_DATA_DIR"] = str(data)
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    from cyclops.settings import get_settings

    get_settings.cache_clear()
    t0 = time.monotonic()
    products = prepare(data, args.products)
    t_prepared = time.monotonic()
    if args.prepare_only:
        return {}
    from cyclops.retrain.trial import KINDS, play_seed

    seeds = []
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        t = time.monotonic()
        outcome = play_seed(products, seed, use_screen=not args.without_screen)
        outcome["seconds"] = round(time.monotonic() - t)
        seeds.append(outcome)
        print(json.dumps({k: v["outcome"] for k, v in outcome["batches"].items()} | {"seed": seed}), flush=True)
    summary = {}
    for kind in KINDS:
        wanted = "promoted" if kind == "good" else "refused"
        got = [s["batches"][kind]["outcome"] for s in seeds]
        right = sum((o == "promoted") == (wanted == "promoted") for o in got)
        summary[kind] = {"wanted": wanted, "right": right, "of": len(got),
                         "stopped_at": sorted({s["batches"][kind]["stopped_at"] for s in seeds})}
    from cyclops.retrain.trial import SETTINGS

    result = {"meta": {"products": args.products, "screen": not args.without_screen, "seeds": [s["seed"] for s in seeds], "settings": SETTINGS,
                       "python": platform.python_version(), "engine": get_settings().ocr_engine,
                       "seconds": {"prepare": round(t_prepared - t0), "seeds": round(time.monotonic() - t_prepared),
                                   "wall": round(time.monotonic() - t0)}},
              "summary": summary, "seeds": seeds}
    args.out.mkdir(parents=True, exist_ok=True)
    name = "retrain_gate_unscreened" if args.without_screen else "retrain_gate"
    (args.out / f"{name}.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    (args.out / f"{name}.md").write_text(markdown(result) + "\n", encoding="utf-8")
    print(markdown(result))
    return result


def moved_fields(table: dict) -> str:
    """The fields (pooled row aside) whose F1 differs between champion and candidate, as " (name a -> b, ...)"."""
    moved = [f"{name} {cur['f1']:.3f} -> {table['candidate'][name]['f1']:.3f}" for name, cur in table["current"].items()
             if name != "all fields" and cur["f1"] != table["candidate"][name]["f1"]]
    return f" ({', '.join(moved)})" if moved else ""


def field_lines(result: dict) -> list[str]:
    """The field check's part: trusted products per seed, pooled field F1 of each candidate judged, every field refusal."""
    seeds = [s for s in result["seeds"] if "trusted_products" in s]
    if not seeds:
        return ["The field check on trusted signed-off products (`fieldcheck`) was not part of this run.", ""]
    counts = [s["trusted_products"] for s in seeds]
    out = [(f"Field check (`fieldcheck`, `max_field_drop` {result['meta']['settings']['gate'].get('max_field_drop')}): "
            f"the trusted reviewer signed off {min(counts)} to {max(counts)} kept-aside products per seed (signed off only "
            "when every wrong field could be set from the truth without confirming a line the truth says nothing of, as "
            "`real_corrections` does); every candidate that reached the gate was judged on their fields, re-extracted "
            "with the champion and with it. The sign-off may also confirm as `other` kept-aside lines that fed no field "
            f"(`dataset.REVIEW_RULE`), as in production; the kept-aside lines judged on per seed: "
            f"{min(s['trusted_lines'] for s in seeds)} to {max(s['trusted_lines'] for s in seeds)}. "
            "F1 pooled over every field, champion -> candidate, and every field whose F1 moved:"), ""]
    for kind in result["summary"]:
        pairs = [(s["seed"], s["batches"][kind]["candidate"]["scores"].get("trusted_fields")) for s in seeds
                 if "candidate" in s["batches"][kind]]
        pairs = [(seed, t) for seed, t in pairs if t]
        if pairs:
            out.append(f"- {kind}: " + "; ".join(f"seed {seed} {t['current']['all fields']['f1']:.3f} -> "
                                                  f"{t['candidate']['all fields']['f1']:.3f}{moved_fields(t)}" for seed, t in pairs))
    tables = [b["candidate"]["scores"]["trusted_fields"] for s in seeds for b in s["batches"].values()
              if b.get("candidate", {}).get("scores", {}).get("trusted_fields")]
    blind = sorted(name for name in (tables[0]["current"] if tables else {})
                   if name != "all fields" and all(t["current"][name]["f1"] == 0 for t in tables))
    if blind:
        out += ["", (f"Never read by the champion on these products (F1 0 on every seed, so the check cannot see them "
                     f"fall): {', '.join(blind)}.")]
    unjudged = [kind for kind in result["summary"] if all("candidate" not in s["batches"][kind] for s in seeds)]
    if unjudged:
        out += ["", (f"Stopped by the screen on every seed, so never judged on the fields here: {', '.join(unjudged)} "
                     "(`--without-screen` trains them anyway).")]
    refusals = [(s["seed"], kind, r) for s in seeds for kind, b in s["batches"].items()
                for r in b.get("reasons", []) if r.startswith("trusted products' fields")]
    out += [""] + ([f"Refused by the field check: {len(refusals)} reason(s):", ""]
                   + [f"- seed {seed}, {kind}: {r}" for seed, kind, r in refusals]
                   if refusals else ["No batch was refused by the field check."]) + [""]
    return out


def markdown(result: dict) -> str:
    m, summary = result["meta"], result["summary"]
    lines = [
        "# Poisoned batches against the gate" + ("" if m.get("screen", True) else ": the gate alone (screen recorded, not obeyed)"),
        "",
        (f"{m['products']} products of the `compact` family analysed once with the real pipeline ({m['engine']}); per seed "
         f"they are dealt into kept-aside truth, the batch (two analysts) and fresh corrections. Seeds {m['seeds']}. "
         f"Settings (the production defaults): `{json.dumps(m['settings'])}`."),
        "",
        "| batch | wanted | right | where it stopped |",
        "|---|---|---|---|",
    ]
    for kind, s in summary.items():
        lines.append(f"| {kind} | {s['wanted']} | {s['right']} / {s['of']} | {', '.join(s['stopped_at'])} |")
    lines += ["", ("Share of the served model's confident predictions each batch overturns (the screen's first measure; "
                   "it holds above usual_rate + max_excess for the batch or one analyst):"), ""]
    for kind in summary:
        rates = [s["batches"][kind]["screen"]["rate"] for s in result["seeds"]]
        lines.append(f"- {kind}: {min(rates):.1%} to {max(rates):.1%}")
    lines += ["", ("Flips of a field the served model already got wrong on this family overturn no more than good "
                   "batches do; other analysts' labels on the kept-aside products give them away (per-analyst, per-label "
                   "disagreement)."), ""]
    lines += field_lines(result)
    fields = any("trusted_products" in s for s in result["seeds"])
    lines += ["Per seed (stage that decided; figures in the JSON):", "",
              "| seed | " + ("trusted products | " if fields else "") + " | ".join(summary) + " |",
              "|---|" + ("---|" if fields else "") + "---|" * len(summary)]
    for s in result["seeds"]:
        lines.append(f"| {s['seed']} | " + (f"{s.get('trusted_products', '-')} | " if fields else "")
                     + " | ".join(f"{s['batches'][k]['outcome']} ({s['batches'][k]['stopped_at']})" for k in summary) + " |")
    wall = f", wall {m['seconds']['wall']} s" if "wall" in m["seconds"] else ""
    lines += ["", (f"Run time: prepare {m['seconds']['prepare']} s, seeds {m['seconds']['seeds']} s{wall}. "
                   f"Reproduce: `.venv/bin/python benchmarks/retrain_gate.py --seeds {len(m['seeds'])}"
                   f"{'' if m.get('screen', True) else ' --without-screen'}`.")]
    return "\n".join(lines)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--render"]:  # rewrite the markdown from a recorded JSON: --render [NAME]
        name = sys.argv[2] if len(sys.argv) > 2 else "retrain_gate"
        recorded = json.loads((RESULTS / f"{name}.json").read_text(encoding="utf-8"))
        (RESULTS / f"{name}.md").write_text(markdown(recorded) + "\n", encoding="utf-8")
    else:
        main()
