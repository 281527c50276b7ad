"""Poisoned batches never pass; good ones do: the production screen and gate on real analyses.

Eight "compact"-family products (a layout the packaged model never saw) are analysed once with the
real pipeline; each seed deals them into kept-aside truth, the batch and fresh corrections and plays
every kind of batch (``cyclops.retrain.trial``) with the production settings (``ScreenSettings()``,
``GateSettings()``: label-drop allowance 0.02, as ``cyclops retrain`` uses). benchmarks/retrain_gate.py
runs the same on 20 products and 10 seeds. The kept-aside products are signed off by the trusted reviewer,
so the gate also judges each candidate on their fields (``fieldcheck``), as production's gate does.
"""

from __future__ import annotations

import pytest

from cyclops.settings import get_settings
from tests.compact_products import analyse, render

N_PRODUCTS = 8
SEEDS = (0, 1)


@pytest.fixture(scope="module")
def products(tmp_path_factory: pytest.TempPathFactory, lnhpd_sample):
    from cyclops.client import MapiClient

    data = tmp_path_factory.mktemp("gate-data")
    with pytest.MonkeyPatch.context() as mp:
        for k, v in {"CYCLOPS_DATA_DIR": str(data), "CYCLOPS_LNHPD_DB": str(lnhpd_sample[0])}.items():
            mp.setenv(k, v)
        get_settings.cache_clear()
        client = MapiClient()
        out = [(analyse(client, photos, tmp_path_factory), truth)
               for truth, photos in render(lnhpd_sample[1], range(N_PRODUCTS))]
        get_settings.cache_clear()
    return out


@pytest.fixture(scope="module")
def unscreened(products) -> dict:
    """Seed 0's shuffled and flipped batches trained although the screen holds them (one deal for both tests)."""
    from cyclops.retrain.trial import play_seed

    return play_seed(products, 0, ("shuffled", "flipped"), bench_n=4, use_screen=False)


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
    # the good candidate was judged on the trusted products' fields too, and held them
    assert result["trusted_products"] >= 1
    assert good["candidate"]["scores"]["trusted_fields"]["products"] == result["trusted_products"]
    assert not any(r.startswith("trusted products' fields") for r in good["candidate"]["reasons"])
    # one analyst gone wrong is named, not just the batch
    assert any("analyst ben" in r for r in result["batches"]["analyst_shuffles"]["reasons"])
    assert any("ben" in r and "one field filed as another" in r for r in result["batches"]["analyst_flips"]["reasons"])


def test_the_gate_alone_refuses_a_batch_the_screen_would_hold(unscreened) -> None:
    """Defence in depth: trained anyway, a shuffled batch is refused by the kept-aside truth or the challenger stage."""
    batch = unscreened["batches"]["shuffled"]
    assert batch["screen"]["hold"] is True
    assert batch["outcome"] == "refused" and batch["stopped_at"] in ("gate", "challenger"), batch["reasons"]


def test_the_trusted_reviewer_signs_off_the_kept_aside_products_with_the_truth_s_values(products) -> None:
    """As ``real_corrections`` does: field values from the truth, flags decided, then the sign-off the field check reads."""
    from cyclops.evaluate.metrics import score_product
    from cyclops.retrain.dataset import sign_off_edit
    from cyclops.retrain.simulate import review_in_memory
    from cyclops.retrain.trial import TRUSTED_AT, signed_off, trusted_cases

    analysis, truth = products[0]
    item = review_in_memory(analysis, truth, analyst="reviewer", at=TRUSTED_AT)
    assert sign_off_edit(item) is None and trusted_cases([item]) == []  # a line review alone vouches for no field
    done = signed_off(item, truth, analyst="reviewer", at=TRUSTED_AT)
    assert sign_off_edit(done) is not None and all(flag.decision for flag in done.analysis.flags if flag.standing)
    wrong = {name: c for name, c in score_product(done.analysis, truth).fields.items() if c.fp or c.fn}
    assert not wrong, wrong  # every field as the truth has it, by the evaluation's rules
    cases = trusted_cases([done])
    assert [c.signed for c in cases] == [done.analysis.fields] and cases[0].served == analysis


def test_the_trial_refuses_at_the_field_check_a_candidate_that_extracts_worse_fields(unscreened) -> None:
    """play_batch passes the signed-off kept-aside products to the gate: a flipped batch trained anyway (screen
    recorded, not obeyed) loses a field on them and is refused for it at the gate."""
    result = unscreened
    batch = result["batches"]["flipped"]
    assert batch["outcome"] == "refused" and batch["stopped_at"] == "gate", batch["reasons"]
    fields = batch["candidate"]["scores"]["trusted_fields"]
    assert fields["products"] == result["trusted_products"] >= 1
    assert any(r.startswith("trusted products' fields:") for r in batch["reasons"]), batch["reasons"]
    assert fields["candidate"]["all fields"]["f1"] < fields["current"]["all fields"]["f1"]
