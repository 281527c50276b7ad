"""The packaged model's own training lines, shipped so retraining starts from the same base.

A candidate trained on analysts' corrections plus a few freshly rendered synthetic
products forgets what the packaged model (400 synthetic products) knew, and the
fixed benchmark rightly refuses it. Shipping the packaged model's training lines
(``cyclops/packaged_model/base_examples.jsonl.gz``, built from the same truth set, checked
by its hash) lets a candidate learn the corrections on top of that whole base.

    python -m cyclops.retrain.base_set --truth DIR   # DIR: truth.json files of the training set
"""

from __future__ import annotations

import argparse
import gzip
from functools import lru_cache
from pathlib import Path

from cyclops.extract.classifier import examples_from_truth
from cyclops.extract.features import LineExample
from cyclops.extract.train import dataset_hash
from cyclops.model.truth import ProductTruth

BASE_EXAMPLES = Path(__file__).resolve().parents[1] / "packaged_model" / "base_examples.jsonl.gz"


@lru_cache(maxsize=1)
def base_examples() -> tuple[LineExample, ...]:
    """The packaged model's training lines (ground truth with the same OCR-noise augmentation)."""
    with gzip.open(BASE_EXAMPLES, "rt", encoding="utf-8") as fh:
        return tuple(LineExample.model_validate_json(line) for line in fh if line.strip())


def write_base_examples(truth_dir: Path, out: Path = BASE_EXAMPLES, *, augment: int = 1, seed: int = 1) -> int:
    """Rebuild the file from the truth set the packaged model was trained on; refuses another set."""
    import json

    truths = [ProductTruth.model_validate_json(p.read_text(encoding="utf-8")) for p in sorted(truth_dir.glob("*/truth.json"))]
    meta = json.loads((BASE_EXAMPLES.parent / "field_classifier.json").read_text(encoding="utf-8"))
    if dataset_hash(truths) != meta["dataset_sha256"]:
        raise ValueError(f"{truth_dir} is not the packaged model's training set (hash differs from field_classifier.json)")
    examples = examples_from_truth(truth_dir, augment=augment, seed=seed)
    with gzip.open(out, "wt", encoding="utf-8") as fh:
        for example in examples:
            fh.write(example.model_dump_json() + "\n")
    return len(examples)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--truth", type=Path, required=True)
    args = parser.parse_args()
    print(f"{write_base_examples(args.truth)} lines written to {BASE_EXAMPLES}")
