"""Train the shipped field classifier on synthetic labels.

    python -m cyclops.extract.train --n 400 --seed 1 --out cyclops/packaged_model/

Seeds 1..999 are for training; 9999 is the held-out benchmark and is refused
here. The held-out F1 in the metadata comes from a separate evaluation set.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache
from pathlib import Path

import joblib
import sklearn
from sklearn.metrics import classification_report

from cyclops.extract.classifier import (
    META_FILE,
    MODEL_FILE,
    MODEL_VERSION,
    dataset_hash,
    examples_from_product,
    load_truths,
    predict,
    train,
)
from cyclops.lnhpd.sample import generate
from cyclops.model.analysis import FIELD_LABELS
from cyclops.model.truth import ProductTruth
from cyclops.synth.config import Realism, SynthConfig
from cyclops.synth.product import synthesize_product

RESERVED_SEED = 9999
EVAL_SEED_OFFSET = 500  # evaluation products come from seed + 500 (still never 9999)


@lru_cache(maxsize=2)
def _licences(n: int, seed: int) -> list:
    return generate(n, seed)


def _one(args: tuple[int, int, int, str]) -> str:
    seed, index, n, config_json = args
    en, fr = _licences(n, seed)[index]
    truth, _ = synthesize_product(en, fr, seed * 100_000 + index, SynthConfig.model_validate_json(config_json))
    return truth.model_dump_json()


def synth_truths(n: int, seed: int, config: SynthConfig | None = None, workers: int = 2,
                 realistic: float = 0.0) -> list[ProductTruth]:
    """Ground truth of ``n`` synthetic products (images rendered then dropped: only lines are needed).

    ``realistic``: the share of products drawn as phone photos of real packages (``cyclops synth
    --realistic``: hands, shelves, Supplement Facts panels, stylised fronts), spread evenly over the set."""
    if seed == RESERVED_SEED:
        raise ValueError(f"seed {RESERVED_SEED} is the held-out benchmark; train with seeds 1..999")
    plain = config or SynthConfig()
    real = plain.model_copy(update={"realism": Realism.preset()})
    jobs = [(seed, i, n, (real if int((i + 1) * realistic) > int(i * realistic) else plain).model_dump_json())
            for i in range(n)]
    if workers <= 1:
        dumps = [_one(job) for job in jobs]
    else:
        with ProcessPoolExecutor(workers) as pool:
            dumps = list(pool.map(_one, jobs, chunksize=4))
    return [ProductTruth.model_validate_json(d) for d in dumps]


def save_truths(truths: list[ProductTruth], out_dir: Path) -> None:
    """truth.json files in the ``cyclops synth`` layout (no images), so training can be rerun with ``--data``."""
    for truth in truths:
        (out_dir / truth.product_id).mkdir(parents=True, exist_ok=True)
        (out_dir / truth.product_id / "truth.json").write_text(truth.model_dump_json(), encoding="utf-8")


def per_label_f1(model: object, examples: list) -> dict[str, float]:
    predicted = [label for label, _ in predict(model, [e.model_input() for e in examples])]
    report = classification_report([e.label for e in examples], predicted, labels=list(FIELD_LABELS), output_dict=True, zero_division=0)
    return {label: round(report[label]["f1-score"], 4) for label in FIELD_LABELS} | {
        "accuracy": round(report["accuracy"] if "accuracy" in report else report["micro avg"]["f1-score"], 4)
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=400, help="synthetic products to train on")
    parser.add_argument("--seed", type=int, default=1, help="training seed, 1..999")
    parser.add_argument("--eval-n", type=int, default=60, help="held-out products for the metadata F1")
    parser.add_argument("--data", type=Path, help="train on an existing `cyclops synth` folder instead")
    parser.add_argument("--augment", type=int, default=1, help="noisy copies of each page")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--eval-data", type=Path, help="evaluate on an existing folder instead of generating --eval-n products")
    parser.add_argument("--save-truth", type=Path, help="also write the generated truth.json files here (reuse with --data)")
    parser.add_argument("--out", type=Path, default=Path("cyclops/packaged_model"))
    parser.add_argument("--realistic", type=float, default=0.0,
                        help="share of products drawn as phone photos of real packages (synth --realistic), training and evaluation")
    args = parser.parse_args(argv)
    if not 1 <= args.seed <= 999:
        parser.error("--seed must be in 1..999 (9999 is the held-out benchmark)")
    start = time.monotonic()
    if args.data:
        manifest = args.data / "manifest.json"
        if manifest.exists() and json.loads(manifest.read_text()).get("seed") == RESERVED_SEED:
            parser.error(f"{args.data} was generated with seed {RESERVED_SEED}, the held-out benchmark; never train on it")
        truths = load_truths(args.data)
    else:
        truths = synth_truths(args.n, args.seed, workers=args.workers, realistic=args.realistic)
        if args.save_truth:
            save_truths(truths, args.save_truth)
    examples = [ex for t in truths for ex in examples_from_product(t, args.augment, args.seed)]
    data_hash, n = dataset_hash(truths), len(truths)
    print(f"{len(examples)} training lines from {n} products ({time.monotonic() - start:.0f} s)")
    model = train(examples, seed=args.seed)
    if args.eval_data:
        eval_truths = load_truths(args.eval_data)
        manifest = args.eval_data / "manifest.json"
        eval_seed: int | None = json.loads(manifest.read_text())["seed"] if manifest.exists() else None
    else:
        eval_truths = synth_truths(args.eval_n, args.seed + EVAL_SEED_OFFSET, workers=args.workers, realistic=args.realistic)
        eval_seed = args.seed + EVAL_SEED_OFFSET
    eval_examples = [ex for t in eval_truths for ex in examples_from_product(t, augment=1, seed=args.seed)]
    f1 = per_label_f1(model, eval_examples)
    args.out.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, args.out / MODEL_FILE, compress=3)
    meta = {
        "version": MODEL_VERSION,
        "seed": args.seed,
        "data": str(args.data) if args.data else f"generated: {n} products, lnhpd.sample + synth seed {args.seed}",
        "n_products": n,
        "n_lines": len(examples),
        "augment": args.augment,
        "realistic": args.realistic,
        "dataset_sha256": data_hash,
        "eval": {"seed": eval_seed, "source": str(args.eval_data or "generated"), "n_products": len(eval_truths), "n_lines": len(eval_examples),
                 "note": "held-out synthetic products, clean truth plus one OCR-noise copy"},
        "f1": f1,
        "sklearn": sklearn.__version__,
        "python": platform.python_version(),
        "seconds": round(time.monotonic() - start, 1),
    }
    (args.out / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(f1, indent=2))
    print(f"wrote {args.out / MODEL_FILE} ({(args.out / MODEL_FILE).stat().st_size / 1e6:.1f} MB) in {meta['seconds']} s")


if __name__ == "__main__":
    main()
