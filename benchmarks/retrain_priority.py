"""Uncertainty first: how many lines an analyst must review for the line classifier to learn a new family,
in arrival order, in the worklist's order, and by the current model's margin (active learning).

    .venv/bin/python benchmarks/retrain_priority.py [--seeds 3] [--products 30] [--base-products 400]
        [--budgets 5,10,20,40] [--per-product 3] [--orders arrival,worklist,margin] [--data-dir DIR]

``--products`` compact-family products (a layout the packaged model never saw; analysed once by the real
pipeline with the packaged model serving, cached, ``retrain_gate.prepare``) are dealt per seed into
held-out products (a third, every line reviewed by a trusted reviewer) and a pool that arrives in a random
order. The starting model has NOT seen the family: it is trained, like every candidate, on the packaged
model's own training lines (all 400 products by default, ``cyclops retrain``'s recipe; ``--base-products``
takes fewer, which makes the family easier, not quicker to learn). The cost is what an analyst does: lines reviewed
(one label edit each, a correction or an explicit accept; only those lines become training rows,
``dataset.REVIEW_RULE``); corrections (labels changed) are recorded beside it.

Orders, each reviewed up to every budget in turn, a candidate trained and scored on the held-out lines
after each:

- ``arrival``: products as they arrive, every line of each (what happens today);
- ``worklist``: products by ``cyclops.review_priority.review_priority`` (the served model's doubt plus
  unsure values plus compliance risk), every line of each;
- ``doubt``: products by ``review_priority.model_doubt`` alone (the risk left out), every line of each;
- ``margin``: the lines of smallest margin under the current candidate (``retrain.query``), re-scored
  after each retraining, at most ``--per-product`` lines of one product per round;
- ``margin_by_label``: the same, the candidate's labels taking turns (each its least sure line);
- ``margin_context``: the least sure lines with the line before and after each (``query.with_neighbours``);
- ``margin_explore``: half of each round by margin, half the next lines in arrival order;
- ``margin_rules``: up to half of each round the lines where the field rules disagree with the current candidate
  (``query.rule_disagreements``: the rules re-file the line, or read a field from it), its most confident first,
  the rest by margin (``query.pick_with_disagreements``): margin sampling never asks about confident mistakes.

``--add ORDERS`` runs only those orders on the recorded run's seeds, products and base, and adds their curves to
``retrain_priority.json`` (the recorded curves, start and target stay; the start model is retrained and checked
against the recorded start).

Target: the held-out macro-F1 that reviewing the whole pool gives (the family gain), less a tenth of the
gain. Writes ``benchmarks/results/retrain_priority.json``, ``.md`` and ``.png`` (the curves).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
ORDERS = ("arrival", "worklist", "doubt", "margin", "margin_by_label", "margin_context", "margin_explore", "margin_rules")
REACH = 0.9  # share of the whole pool's gain that counts as reaching it
NOTES = "<!-- notes: written by hand, kept when the figures above are rewritten -->"


def base_subset(n: int) -> list:
    """The packaged model's training lines of ``n`` of its products (chosen by a hash of the product id)."""
    from cyclops.retrain.base_set import base_examples

    base = base_examples()
    ids = sorted({e.product_id for e in base}, key=lambda p: hashlib.sha256(p.encode()).hexdigest())[:n]
    keep = set(ids)
    return [e for e in base if e.product_id in keep]


class Pool:
    """The pool products of one seed: which lines an analyst can check, and what checking them yields."""

    def __init__(self, products, indices: list[int]):
        from cyclops.retrain.simulate import true_line_labels

        self.products = products
        self.indices = indices
        self.truth = {i: true_line_labels(*products[i]) for i in indices}

    def sequence(self, order: list[int]) -> list[tuple[int, int]]:
        """(product, line) for every checkable line, product after product in ``order``, lines in reading order."""
        return [(p, line) for p in order for line in sorted(self.truth[p])]

    def candidates(self) -> list[tuple[int, int]]:
        return self.sequence(self.indices)

    def corrections(self, checked: list[tuple[int, int]]) -> int:
        """Checked lines whose served label the analyst changes."""
        return sum(self.products[p][0].lines[line].label != self.truth[p][line] for p, line in checked)

    def examples(self, checked: list[tuple[int, int]]) -> list:
        """Training lines of the checked lines: the simulated analyst's label edits through the dataset's own rule."""
        from cyclops.retrain.dataset import rows_from_reviewed
        from cyclops.retrain.simulate import review_in_memory

        by_product: dict[int, set[int]] = {}
        for p, line in checked:
            by_product.setdefault(p, set()).add(line)
        reviews = [review_in_memory(*self.products[p], analyst="ana", at="2026-02-02T09:00:00+00:00", lines=lines)
                   for p, lines in sorted(by_product.items())]
        return [r.example for r in rows_from_reviewed(reviews)]


def fit_and_score(base: list, pool: Pool, checked: list[tuple[int, int]], heldout: list) -> tuple[object, dict]:
    """A candidate on the base lines plus the checked lines, and its held-out macro-F1 and wrong lines."""
    from cyclops.extract.classifier import train
    from cyclops.retrain.train import evaluate

    model = train(base + pool.examples(checked), seed=0)
    ev = evaluate(model, heldout)
    return model, {"macro_f1": ev.macro_f1, "wrong": round(ev.n * (1 - ev.accuracy))}


def point(pool: Pool, checked: list[tuple[int, int]], score: dict) -> dict:
    return {"lines": len(checked), "corrections": pool.corrections(checked), "products": len({p for p, _ in checked}), **score}


def static_curve(base, pool: Pool, order: list[int], heldout, budgets: list[int], start: dict) -> list[dict]:
    """Whole products in a fixed order: the first ``budget`` lines of the sequence at each budget."""
    sequence = pool.sequence(order)
    points = [point(pool, [], start)]
    for budget in budgets:
        checked = sequence[:budget]
        points.append(point(pool, checked, fit_and_score(base, pool, checked, heldout)[1]))
    return points


def margin_curve(base, pool: Pool, start_model, heldout, budgets: list[int], start: dict, per_product: int,
                 by_label: bool = False, context: bool = False, explore: bool = False, rules: bool = False) -> list[dict]:
    """Active learning: each round asks for the lines the current candidate is least sure of (``by_label``: its
    labels taking turns; ``rules``: half the round where the field rules disagree with it)."""
    from cyclops.retrain.query import line_guesses, pick_lines, pick_with_disagreements, rule_disagreements, with_neighbours

    points = [point(pool, [], start)]
    model, checked = start_model, []
    for budget in budgets:
        done = set(checked)
        guesses = {}
        for p in pool.indices:
            left = [line for line in pool.truth[p] if (p, line) not in done]
            guesses.update({(p, line): g for line, g in line_guesses(model, pool.products[p][0], left).items()})
        margins = {k: m for k, (_, m) in guesses.items()}
        labels = {k: label for k, (label, _) in guesses.items()} if by_label else None
        want = budget - len(checked)
        picked = pick_lines(margins, want, per_product, labels)
        if context:  # each doubtful line with its neighbours, as many lines as the budget allows
            picked = with_neighbours(pick_lines(margins, len(margins), per_product, labels), set(margins), want)
        if rules:  # up to half the round where the rules disagree with the candidate, its surest first
            disagree = {(p, line) for p in pool.indices
                        for line in rule_disagreements(model, pool.products[p][0], [k for q, k in margins if q == p])}
            picked = pick_with_disagreements(margins, disagree, want, per_product)
        if explore:  # half the round by margin, half the next lines in arrival order
            picked = pick_lines(margins, want - want // 2, per_product, labels)
            taken = set(picked)
            picked += [k for k in pool.candidates() if k in margins and k not in taken][: want // 2]
        checked = checked + picked
        model, score = fit_and_score(base, pool, checked, heldout)
        points.append(point(pool, checked, score))
    return points


def needed(points: list[dict], target: float) -> int | None:
    """Lines reviewed when the curve first reaches ``target`` (None: never within the budgets)."""
    return next((p["lines"] for p in points if p["macro_f1"] >= target - 1e-9), None)


def deal(products, seed: int) -> tuple[list[int], list[int], list]:
    """Held-out products, the pool in arrival order, and the held-out lines (every line, a trusted reviewer's)."""
    from cyclops.retrain.dataset import rows_from_reviewed
    from cyclops.retrain.simulate import review_in_memory

    order = list(range(len(products)))
    random.Random(seed).shuffle(order)
    held, arrival = order[: len(order) // 3], order[len(order) // 3:]
    heldout = [r.example for i in held for r in
               rows_from_reviewed([review_in_memory(*products[i], analyst="truth", at="2026-01-01T00:00:00+00:00")])]
    return held, arrival, heldout


def extend(products, base: list, recorded: dict, budgets: list[int]) -> None:
    """A fixed order that had not reached the target within the budgets gets more points (larger budgets, until
    it does), so "needed" is a number rather than "the whole pool". The margin order would have to replay its
    rounds and is left as recorded."""
    _, arrival, heldout = deal(products, recorded["seed"])
    pool = Pool(products, arrival)
    target = recorded["target_macro_f1"]
    for name, points in recorded["curves"].items():
        if name not in recorded["orders"] or needed(points[:-1], target) is not None:
            continue
        sequence = pool.sequence(recorded["orders"][name])
        for budget in budgets:
            if points[-2]["lines"] < budget < points[-1]["lines"]:
                points.insert(-1, point(pool, sequence[:budget], fit_and_score(base, pool, sequence[:budget], heldout)[1]))
                print(json.dumps({"seed": recorded["seed"], "order": name, "lines": budget, **points[-2]}), flush=True)
                if points[-2]["macro_f1"] >= target - 1e-9:
                    break
    recorded["lines_needed"] = {name: needed(c, target) for name, c in recorded["curves"].items()}


def add_orders(products, base: list, recorded: dict, orders: list[str], meta: dict) -> None:
    """The margin orders ``orders`` on a recorded seed: same deal, same start model (retrained, checked against the
    recorded start), same budgets; the whole pool's point and the target are the recorded ones."""
    held, arrival, heldout = deal(products, recorded["seed"])
    pool = Pool(products, arrival)
    start_model, start = fit_and_score(base, pool, [], heldout)
    if start != recorded["start"]:
        raise SystemExit(f"seed {recorded['seed']}: start {start} differs from the recorded {recorded['start']}")
    budgets = [b for b in meta["budgets"] if b < recorded["pool_lines"]]
    for name in orders:
        t = time.monotonic()
        points = margin_curve(base, pool, start_model, heldout, budgets, start, meta["per_product"],
                              by_label=name == "margin_by_label", context=name == "margin_context",
                              explore=name == "margin_explore", rules=name == "margin_rules")
        recorded["curves"][name] = points + [recorded["curves"]["arrival"][-1]]
        print(json.dumps({"seed": recorded["seed"], "order": name, "seconds": round(time.monotonic() - t),
                          "curve": [(p["lines"], p["macro_f1"]) for p in recorded["curves"][name]]}), flush=True)
    recorded["lines_needed"] = {name: needed(c, recorded["target_macro_f1"]) for name, c in recorded["curves"].items()}


def run_seed(products, seed: int, base: list, args) -> dict:
    from cyclops.review_priority import model_doubt, review_priority

    held, arrival, heldout = deal(products, seed)
    pool = Pool(products, arrival)
    start_model, start = fit_and_score(base, pool, [], heldout)
    every = pool.candidates()
    _, full = fit_and_score(base, pool, every, heldout)
    budgets = [b for b in args.budgets if b < len(every)]
    target = round(start["macro_f1"] + REACH * (full["macro_f1"] - start["macro_f1"]), 4)
    static = {"arrival": arrival,
              "worklist": sorted(arrival, key=lambda i: -review_priority(products[i][0])),
              "doubt": sorted(arrival, key=lambda i: -model_doubt(products[i][0]))}
    curves = {}
    for name in args.orders:
        t = time.monotonic()
        if name.startswith("margin"):
            curves[name] = margin_curve(base, pool, start_model, heldout, budgets, start, args.per_product,
                                        by_label=name == "margin_by_label", context=name == "margin_context",
                                        explore=name == "margin_explore", rules=name == "margin_rules")
        else:
            curves[name] = static_curve(base, pool, static[name], heldout, budgets, start)
        curves[name].append(point(pool, every, full))
        print(json.dumps({"seed": seed, "order": name, "seconds": round(time.monotonic() - t),
                          "curve": [(p["lines"], p["macro_f1"]) for p in curves[name]]}), flush=True)
    return {"seed": seed, "heldout_products": len(held), "heldout_lines": len(heldout), "pool_products": len(arrival),
            "pool_lines": len(every), "pool_corrections": pool.corrections(every), "start": start,
            "full": full, "target_macro_f1": target,
            "orders": {name: order_ for name, order_ in static.items() if name in args.orders},
            "curves": curves, "lines_needed": {name: needed(c, target) for name, c in curves.items()}}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--products", type=int, default=30)
    parser.add_argument("--base-products", type=int, default=400)
    parser.add_argument("--budgets", type=lambda s: [int(x) for x in s.split(",")], default=[5, 10, 20, 40])
    parser.add_argument("--per-product", type=int, default=3)
    parser.add_argument("--orders", type=lambda s: s.split(","), default=["arrival", "worklist", "margin"])
    parser.add_argument("--extend", type=lambda s: [int(x) for x in s.split(",")], default=None,
                        help="add larger budgets (e.g. 80,160,320) to the recorded fixed orders that had not reached the target")
    parser.add_argument("--add", type=lambda s: s.split(","), default=None,
                        help="run these orders on the recorded seeds and add their curves to the recorded JSON")
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    unknown = (set(args.orders) | set(args.add or [])) - set(ORDERS)
    if unknown:
        parser.error(f"unknown orders {sorted(unknown)}; choose from {ORDERS}")

    data = args.data_dir or Path(tempfile.mkdtemp(prefix="cyclops-priority-bench-"))
    data.mkdir(parents=True, exist_ok=True)
    os.environ["CYCLOPS_DATA_DIR"] = str(data)
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from retrain_gate import prepare

    from cyclops.settings import get_settings

    get_settings.cache_clear()
    t0 = time.monotonic()
    products = prepare(data, args.products)
    t_prepared = time.monotonic()
    if args.extend:
        result = json.loads((args.out / "retrain_priority.json").read_text(encoding="utf-8"))
        base = base_subset(result["meta"]["base_products"])
        for recorded in result["seeds"]:
            extend(products, base, recorded, args.extend)
        result["meta"]["extended"] = {"budgets": args.extend, "seconds": round(time.monotonic() - t_prepared)}
        write(result, args.out)
        print(markdown(result))
        return result
    if args.add:
        result = json.loads((args.out / "retrain_priority.json").read_text(encoding="utf-8"))
        base = base_subset(result["meta"]["base_products"])
        for recorded in result["seeds"]:
            add_orders(products, base, recorded, args.add, result["meta"])
        result["meta"]["orders"] = list(dict.fromkeys(result["meta"]["orders"] + args.add))
        result["meta"]["added"] = {"orders": args.add, "seconds": round(time.monotonic() - t_prepared)}
        write(result, args.out)
        print(markdown(result))
        return result
    base = base_subset(args.base_products)
    seeds = [run_seed(products, seed, base, args) for seed in range(args.seeds)]
    result = {"meta": {"products": args.products, "base_products": args.base_products, "base_lines": len(base),
                       "seeds": args.seeds, "budgets": args.budgets, "per_product": args.per_product,
                       "orders": args.orders, "reach": REACH,
                       "seconds": {"prepare": round(t_prepared - t0), "seeds": round(time.monotonic() - t_prepared)}},
              "seeds": seeds}
    write(result, args.out)
    print(markdown(result))
    return result


def write(result: dict, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "retrain_priority.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    md = out / "retrain_priority.md"
    notes = md.read_text(encoding="utf-8").partition(NOTES)[2] if md.exists() else ""
    md.write_text(markdown(result) + "\n\n" + NOTES + notes.rstrip("\n") + "\n", encoding="utf-8")
    figure(result).savefig(out / "retrain_priority.png", dpi=110)


def figure(result: dict):
    """Held-out macro-F1 against lines reviewed, one panel per seed, the target dashed."""
    from matplotlib.figure import Figure

    seeds = result["seeds"]
    fig = Figure(figsize=(4.2 * len(seeds), 3.6))
    axes = fig.subplots(1, len(seeds), squeeze=False)[0]
    for ax, s in zip(axes, seeds):
        for name, points in s["curves"].items():
            ax.plot([max(p["lines"], 1) for p in points], [p["macro_f1"] for p in points], marker="o", ms=3, label=name)
        ax.axhline(s["target_macro_f1"], color="grey", ls="--", lw=1)
        ax.set_xscale("log")
        ax.set_title(f"seed {s['seed']}")
        ax.set_xlabel("lines reviewed (log; 0 drawn at 1)")
        ax.set_ylabel("held-out macro-F1")
        ax.grid(alpha=0.3)
    axes[0].legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    return fig


def markdown(result: dict) -> str:
    m = result["meta"]
    orders = m["orders"]
    lines = ["# Uncertainty first: lines an analyst reviews before the classifier learns a new family", "",
             (f"{m['products']} compact-family products, a third held out per seed, the rest the pool. Every candidate "
              f"(and the starting model, which has not seen the family) is trained on the packaged model's training lines "
              f"of {m['base_products']} products ({m['base_lines']} lines) plus the lines reviewed so far. Cost: lines "
              f"reviewed (label edits: corrections and accepts); target: the whole pool's held-out macro-F1 less "
              f"{1 - m['reach']:.0%} of its gain. Margin order: at most {m['per_product']} lines of one product per round, "
              f"re-scored by the latest candidate."), "",
             "| seed | start F1 (wrong lines) | whole pool F1 (wrong; lines, corrections) | target F1 | lines needed, "
             + " / ".join(orders) + " | margin orders / arrival |",
             "|---|---|---|---|---|---|"]
    for s in result["seeds"]:
        need = s["lines_needed"]
        ratio = ", ".join(f"{o} {need[o] / need['arrival']:.2f}" for o in orders
                          if o.startswith("margin") and need.get(o) and need.get("arrival")) or "-"
        lines.append(f"| {s['seed']} | {s['start']['macro_f1']:.3f} ({s['start']['wrong']}) | {s['full']['macro_f1']:.3f} "
                     f"({s['full']['wrong']}; {s['pool_lines']}, {s['pool_corrections']}) | {s['target_macro_f1']:.3f} | "
                     + " / ".join(str(need[o]) for o in orders) + f" | {ratio} |")
    lines += ["", f"Held-out: {', '.join(str(s['heldout_lines']) for s in result['seeds'])} lines per seed.", "",
              "Curves (lines reviewed (corrections among them): held-out macro-F1 / wrong held-out lines):", ""]
    for s in result["seeds"]:
        for order in orders:
            pts = ", ".join(f"{x['lines']} ({x['corrections']}): {x['macro_f1']:.3f} / {x['wrong']}" for x in s["curves"][order])
            lines.append(f"- seed {s['seed']}, {order}: {pts}")
    sec, ext = m["seconds"], m.get("extended")
    more = (f" Fixed orders short of the target within {m['budgets'][-1]} lines were then given budgets "
            f"{', '.join(map(str, ext['budgets']))} (`--extend`, {ext['seconds']} s) until they reached it." if ext else "")
    added = m.get("added")
    more += (f" Orders {', '.join(added['orders'])} were then run on the same seeds, deal and start model and added "
             f"(`--add`, {added['seconds']} s)." if added else "")
    lines += ["", "![curves](retrain_priority.png)", "",
              f"Run time {sec['prepare']} s preparing, {sec['seeds']} s for the seeds.{more} "
              "Reproduce: `.venv/bin/python benchmarks/retrain_priority.py`"
              + (f" then `--extend {','.join(map(str, ext['budgets']))}`" if ext else "")
              + (f" then `--add {','.join(added['orders'])}`" if added else "") + "."]
    return "\n".join(lines)


if __name__ == "__main__":
    if sys.argv[1:] == ["--render"]:  # rewrite the markdown and the plot from the recorded JSON
        write(json.loads((RESULTS / "retrain_priority.json").read_text(encoding="utf-8")), RESULTS)
    else:
        main()
