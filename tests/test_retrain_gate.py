"""Poisoned batches never pass; good ones do: the production screen and gate on real analyses.

Eight "compact"-family products (a layout the packaged model never saw) are analysed once with the
real pipeline; each seed deals them into kept-aside truth, the batch and fresh corrections and plays
every kind of batch (``cyclops.retrain.trial``) with the production settings (``ScreenSettings()``,
``GateSettings()``: label-drop allowance 0.02, as ``cyclops retrain`` uses). benchmarks/retrain_gate.py
runs the same on 20 products and 10 seeds.
"""

from __future__ import annotations

import pytest

from cyclops.settings import get_settings

N_PRODUCTS = 8
SEEDS = (0, 1)


@pytest.fixture(scope="module")
def products(tmp_path_factory: pytest.TempPathFactory, lnhpd_sample):
    from cyclops.client import MapiClient
    from cyclops.synth.config import SynthConfig
    from cyclops.synth.product import synthesize_product

    data = tmp_path_factory.mktemp("gate-data")
    with pytest.MonkeyPatch.context() as mp:
        for k, v in {"CYCLOPS_DATA_DIR": str(data), "CYCLOPS_LNHPD_DB": str(lnhpd_sample[0])}.items():
            mp.setenv(k, v)
        get_settings.cache_clear()
        client = MapiClient()
        out = []
        for k, (en, fr) in enumerate(lnhpd_sample[1][:N_PRODUCTS]):
            truth, images = synthesize_product(en, fr, 900 + k, SynthConfig(family="compact", clean=True, width=1200, height=900))
            out.append((client.analyze([(img.file, images[img.id]) for img in truth.images]), truth))
        get_settings.cache_clear()
    return out


@pytest.mark.parametrize("seed", SEEDS)
def test_poisoned_batches_are_refused_and_good_ones_promoted(products, seed: int) -> None:
    from cyclops.retrain.judge import GateSettings
    from cyclops.retrain.trial import KINDS, play_seed

    assert GateSettings().max_label_drop == 0.02  # the production allowance, not a test one
    result = play_seed(products, seed, bench_n=4)
    outcomes = {kind: result["batches"][kind]["outcome"] for kind in KINDS}
    assert outcomes == {"good": "promoted", "shuffled": "refused", "flipped": "refused",
                        "analyst_shuffles": "refused", "analyst_flips": "refused"}, {
        k: result["batches"][k].get("reasons") for k in KINDS}
    good = result["batches"]["good"]
    assert good["challenger"]["scores"]["fresh"]["candidate"] > good["challenger"]["scores"]["fresh"]["current"]
    # one analyst gone wrong is named, not just the batch
    assert any("analyst ben" in r for r in result["batches"]["analyst_shuffles"]["reasons"])
    assert any("ben" in r and "one field filed as another" in r for r in result["batches"]["analyst_flips"]["reasons"])


def test_the_gate_alone_refuses_a_batch_the_screen_would_hold(products) -> None:
    """Defence in depth: trained anyway, a shuffled batch is refused by the kept-aside truth or the challenger stage."""
    from cyclops.retrain.trial import play_seed

    result = play_seed(products, 0, ("shuffled",), bench_n=4, use_screen=False)
    batch = result["batches"]["shuffled"]
    assert batch["screen"]["hold"] is True
    assert batch["outcome"] == "refused" and batch["stopped_at"] in ("gate", "challenger"), batch["reasons"]
