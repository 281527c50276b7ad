"""One seed of the poison trial: good and poisoned batches played through screen, gate and challenger stage.

Products (analysed once, with their truth) are dealt into roles by the seed: reviewed truth kept aside
(a trusted reviewer, before the batch; never trained on), the batch (two analysts, who also re-review
the kept-aside products, as happens when a product comes back), and fresh products corrected after the
candidate became the challenger. Reviews are the simulated analyst's (``simulate.review_in_memory``);
the trusted reviewer then finishes each kept-aside product as ``real_corrections`` does (field values
from the truth where the review rule allows, flags decided, signed off), so the gate judges the
candidate on those products' fields too (``fieldcheck``), as ``promote.gate_candidate`` does.
The champion is the packaged model; candidates learn the batch on top of the packaged model's own
training lines, as ``cyclops retrain`` does. Used by ``benchmarks/retrain_gate.py`` and its test.
"""

from __future__ import annotations

import random

from cyclops.edits import apply_edit, value_at
from cyclops.extract.classifier import load_model, train
from cyclops.model.analysis import Edit
from cyclops.retrain.base_set import base_examples
from cyclops.retrain.dataset import Reviewed, product_key, rows_from_reviewed, split_by_product
from cyclops.retrain.fieldcheck import FieldCase, signed_off_cases
from cyclops.retrain.judge import GateSettings, judge_candidate, judge_challenger
from cyclops.retrain.real_corrections import finish_review
from cyclops.retrain.screen import ScreenSettings, screen_batch
from cyclops.retrain.simulate import review_in_memory, true_line_labels
from cyclops.retrain.train import benchmark_examples

KINDS = ("good", "shuffled", "flipped", "analyst_shuffles", "analyst_flips")
#: labels every family product prints, so a flip of one of them is always in the batch
FLIPPABLE = ("product_name", "non_medicinal_ingredient", "recommended_use", "company", "medicinal_ingredient", "dose")
SETTINGS = {"screen": ScreenSettings().model_dump(), "gate": GateSettings().model_dump()}
TRUSTED_AT, BATCH_AT, FRESH_AT = "2026-01-05T09:00:00+00:00", "2026-02-02T09:00:00+00:00", "2026-03-02T09:00:00+00:00"


def deal(n: int, seed: int) -> dict[str, list[int]]:
    """Product indices per role: a quarter kept aside, half the batch, the rest fresh."""
    order = list(range(n))
    random.Random(seed).shuffle(order)
    aside, batch = max(2, n // 4), max(2, n // 2)
    return {"aside": order[:aside], "batch": order[aside:aside + batch], "fresh": order[aside + batch:]}


def batch_reviews(products, roles: dict[str, list[int]], kind: str, seed: int) -> list:
    """The batch's reviews: analysts ana and ben take turns over the batch and the kept-aside products."""
    rng = random.Random(f"flip:{seed}")
    source = rng.choice(FLIPPABLE)
    flip = (source, rng.choice([label for label in FLIPPABLE + ("other", "caution") if label != source]))
    out = []
    for turn, index in enumerate(roles["batch"] + roles["aside"]):
        analysis, truth = products[index]
        analyst = "ana" if turn % 2 == 0 else "ben"
        wrong = kind in ("shuffled", "flipped") or (analyst == "ben" and kind.startswith("analyst_"))
        shuffle = seed * 1000 + turn if wrong and kind.endswith("shuffles") or kind == "shuffled" else None
        flipped = flip if wrong and kind.endswith(("flips", "flipped")) else None
        out.append(review_in_memory(analysis, truth, analyst=analyst, at=BATCH_AT, shuffle_seed=shuffle, flip=flipped))
    return out


def signed_off(item: Reviewed, truth, *, analyst: str, at: str) -> Reviewed:
    """The line review finished as ``real_corrections.correct_with_truth`` finishes it (``finish_review``: the truth's
    field values where the review rule allows, every standing flag decided, the sign-off when no field edit was left
    alone), the edits applied with the store's ``apply_edit``, as in-memory reviews are."""
    current, edits = item.analysis, list(item.edits)

    def post(path: str, _before, after, reason: str) -> None:
        nonlocal current
        edit = Edit(analyst=analyst, field=path, before=value_at(current, path), after=after, reason=reason,
                    base_version=current.version, seq=current.version + 1, at=at)
        current = apply_edit(current, edit)
        edits.append(edit)

    finish_review(lambda: current, truth.printed, set(true_line_labels(item.served, truth)),
                  [v.code for v in truth.violations], post)
    return item.model_copy(update={"analysis": current, "edits": edits})


def _reviewed(products, indices: list[int], analyst: str, at: str, *, sign_off: bool = False) -> list[Reviewed]:
    """Line reviews of the products at ``indices``; with ``sign_off``, finished and signed off (``signed_off``)."""
    out = []
    for i in indices:
        analysis, truth = products[i]
        item = review_in_memory(analysis, truth, analyst=analyst, at=at)
        out.append(signed_off(item, truth, analyst=analyst, at=at) if sign_off else item)
    return out


def trusted_cases(reviewed: list[Reviewed]) -> list[FieldCase]:
    """The kept-aside products the trusted reviewer signed off, with their fields as signed (``fieldcheck``). The
    deal, not ``dataset.kept_aside``'s hash, keeps them aside here, so every signed-off one counts."""
    return signed_off_cases(reviewed, aside_only=False)


def play_batch(products, roles, kind: str, seed: int, *, champion, bench, trusted_rows, fresh_rows,
               trusted_fields: list[FieldCase] | None = None, screen_settings: ScreenSettings | None = None,
               gate: GateSettings | None = None, use_screen: bool = True) -> dict:
    """Screen, train, judge on trusted data, judge the challenger: the outcome and where it stopped.

    ``trusted_fields``: the kept-aside products signed off before the batch (``trusted_cases``), whose fields the
    gate re-extracts with each model, as production's gate does. ``use_screen=False`` records the screen but trains
    anyway, to show what the gate alone would do."""
    reviews = batch_reviews(products, roles, kind, seed)
    rows = rows_from_reviewed(reviews)
    screen = screen_batch(rows, champion, peers=trusted_rows, settings=screen_settings)
    out = {"kind": kind, "screen": screen.model_dump(exclude={"settings"})}
    if screen.hold and use_screen:
        return out | {"outcome": "refused", "stopped_at": "screen", "reasons": screen.reasons}
    aside = {product_key(products[i][0]) for i in roles["aside"]}
    learnable = [r for r in rows if r.group not in aside]  # kept-aside products are never trained on
    batch_train, batch_heldout = split_by_product(learnable, 0.3, seed)
    candidate = train(list(base_examples()) + [r.example for r in batch_train], seed=0)
    verdict = judge_candidate(champion, candidate, bench=bench, trusted=[r.example for r in trusted_rows],
                              batch_heldout=[r.example for r in batch_heldout], settings=gate,
                              trusted_fields=trusted_fields)
    out["candidate"] = verdict.model_dump(exclude={"settings"})
    if not verdict.passed:
        return out | {"outcome": "refused", "stopped_at": "gate", "reasons": verdict.reasons}
    final = judge_challenger(champion, candidate, fresh=[r.example for r in fresh_rows], bench=bench, settings=gate)
    out["challenger"] = final.model_dump(exclude={"settings"})
    outcome = "promoted" if final.passed else "waiting" if final.waiting else "refused"
    return out | {"outcome": outcome, "stopped_at": "challenger", "reasons": final.reasons}


def play_seed(products, seed: int, kinds: tuple[str, ...] = KINDS, *, bench_n: int = 8, use_screen: bool = True) -> dict:
    """Every kind of batch for one deal of the products."""
    roles = deal(len(products), seed)
    champion = load_model()
    bench = benchmark_examples(bench_n)
    trusted = _reviewed(products, roles["aside"], "reviewer", TRUSTED_AT, sign_off=True)
    trusted_rows, trusted_fields = rows_from_reviewed(trusted), trusted_cases(trusted)
    fresh_rows = rows_from_reviewed(_reviewed(products, roles["fresh"], "carol", FRESH_AT))
    batches = {kind: play_batch(products, roles, kind, seed, champion=champion, bench=bench, trusted_rows=trusted_rows,
                                fresh_rows=fresh_rows, trusted_fields=trusted_fields, use_screen=use_screen)
               for kind in kinds}
    return {"seed": seed, "roles": roles, "trusted_lines": len(trusted_rows), "fresh_lines": len(fresh_rows),
            "trusted_products": len(trusted_fields), "batches": batches}
