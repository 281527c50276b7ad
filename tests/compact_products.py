"""Compact-family products (a layout the packaged model never saw) for the retraining tests, each photo read once.

OCR is most of the time an analysis takes, and test_retrain_gate and test_retrain_loop analyse the same
products. Each test keeps its own data dir; its readings (``cache_dir/ocr``, the pipeline's own OCR cache, keyed
by photo hash and engine version) are copied to a folder of this test run, and the next test's analysis of
the same photo finds them there, as the pipeline finds any photo it read before.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cyclops.settings import get_settings

#: the seed of the first product rendered: the same seeds and products give the same photos, read once
FIRST_SEED = 900


def render(pairs: list, indices: range, first_seed: int = FIRST_SEED) -> list:
    """(truth, photos) of the sample's products at ``indices`` (seeds from ``first_seed`` on): clean compact-family
    labels, 1200 x 900."""
    from cyclops.synth.config import SynthConfig
    from cyclops.synth.product import synthesize_product

    out = []
    for i, k in enumerate(indices):
        en, fr = pairs[k]
        truth, images = synthesize_product(en, fr, first_seed + i, SynthConfig(family="compact", clean=True, width=1200, height=900))
        out.append((truth, [(img.file, images[img.id]) for img in truth.images]))
    return out


def _copy_new(source: Path, target: Path) -> None:
    for path in source.rglob("*.json"):
        dest = target / path.relative_to(source)
        if not dest.exists():
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest)


def analyse(client, photos: list, tmp_path_factory: pytest.TempPathFactory):
    """``client.analyze(photos)`` (in-process, on the configured data dir) with this run's earlier readings at hand."""
    shared = tmp_path_factory.getbasetemp() / "compact-ocr"
    mine = get_settings().cache_dir / "ocr"
    shared.mkdir(exist_ok=True)
    _copy_new(shared, mine)
    analysis = client.analyze(photos)
    if mine.is_dir():
        _copy_new(mine, shared)
    return analysis
