"""The accuracy and speed benchmark: ``cyclops evaluate``.

Synthetic mode generates a held-out set (the report seed by default, ``REPORT_SEED``; training uses
seeds below 1000) with the default degradations and injected violations, from
licences that are in the reference database, then runs the pipeline per engine.
Real mode runs on a folder of photos with a truth file (format: docs/evaluate.md),
with its own headline (the real-photo targets) and, in ``results.md``, every miss per product.
Writes ``results.json``, a Markdown table and PNG plots to the output folder.
"""

from __future__ import annotations

import json
import random
import resource
import statistics
import time
from pathlib import Path

from tqdm import tqdm

from cyclops.evaluate.geometry import overlap_of_first, rotate_polygon
from cyclops.evaluate.metrics import LIST_FIELDS, MISS_FIELDS, ProductScore, score_product, summarise
from cyclops.lnhpd.database import open_database
from cyclops.lnhpd.records import LicenceBundle, ProductLicence
from cyclops.lnhpd.sample import generate
from cyclops.lnhpd.sample_db import build_sample_database, holds_sample
from cyclops.model.analysis import FIELD_LABELS, Analysis
from cyclops.model.truth import ProductTruth, Violation
from cyclops.synth.config import SynthConfig

# evaluate.cli imports this module for REPORT_SEED when `cyclops --help` builds its options, so what is slow to
# import is imported by the functions that use it: cyclops.pipeline (and pipeline.parameters, inside it) loads sklearn,
# over a second; the synthetic renderer (synth.dataset, synth.product) loads OpenCV and Pillow, a sixth of a second

#: the seed the benchmark reports on. Chosen fresh each round and run once, at its end: a seed watched while
#: rules are added becomes a development seed (9999 was the report seed until 2026-12, and is one now)
REPORT_SEED = 57721

#: the licence sample the demo and the benchmark share (so labels are of licences in the database)
SAMPLE_SEED = 0
SAMPLE_SIZE = 2000


def reference_db(data_dir: Path, size: int = SAMPLE_SIZE, seed: int = SAMPLE_SEED):
    """Open (building once) the reference database of the synthetic licence sample."""
    path = data_dir / f"lnhpd-sample-{seed}-{size}.sqlite"
    if not holds_sample(path, size, seed):
        tmp = path.with_suffix(".tmp")
        tmp.unlink(missing_ok=True)
        build_sample_database(tmp, size, seed)
        tmp.replace(path)
    return open_database(path)


def build_synthetic_set(out_dir: Path, n: int, seed: int, *, violation_rate: float = 0.3, family: str = "base",
                        clean: bool = False, size: int = SAMPLE_SIZE, sample_seed: int = SAMPLE_SEED):
    """Render ``n`` products of licences drawn from the reference sample; reuse the set if already there."""
    from cyclops.synth.dataset import load_dataset
    from cyclops.synth.product import synthesize_product

    marker = out_dir / "manifest.json"
    if marker.exists():
        return load_dataset(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    pairs = generate(size, sample_seed)
    rng = random.Random(seed)
    chosen = rng.sample(range(len(pairs)), min(n, len(pairs)))
    config = SynthConfig(violation_rate=violation_rate, family=family, clean=clean)
    ids = []
    for k, index in enumerate(tqdm(chosen, desc="rendering labels", unit="product")):
        en, fr = pairs[index]
        truth, images = synthesize_product(en, fr, seed * 100_003 + k, config)
        product_dir = out_dir / truth.product_id
        product_dir.mkdir(parents=True, exist_ok=True)
        for image in truth.images:
            (product_dir / image.file).write_bytes(images[image.id])
        (product_dir / "truth.json").write_text(truth.model_dump_json(indent=1), encoding="utf-8")
        ids.append(truth.product_id)
    marker.write_text(json.dumps({"seed": seed, "n": n, "family": family, "violation_rate": violation_rate,
                                  "products": ids}, indent=1), encoding="utf-8")
    return load_dataset(out_dir)


def line_label_pairs(analysis: Analysis, truth: ProductTruth) -> list[tuple[str, str]]:
    """(true label, predicted label) for each predicted line that lies on a ground-truth line."""
    pairs = []
    by_image = {img.id: img for img in analysis.images}
    truth_images = truth.images
    for k, info in enumerate(analysis.images):
        if k >= len(truth_images):
            break
        timg = truth_images[k]
        truth_lines = [(rotate_polygon(t.polygon, timg.width, timg.height, info.rotation), t.label) for t in timg.lines]
        for line in analysis.lines:
            if line.image != info.id or line.image not in by_image:
                continue
            best, label = 0.0, None
            for poly, tlabel in truth_lines:
                o = overlap_of_first(line.polygon, poly)
                if o > best:
                    best, label = o, tlabel
            if label is not None and best >= 0.5:
                pairs.append((label, line.label))
    return pairs


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(q * (len(values) - 1))))
    return round(values[k], 4)


def evaluate_engine(dataset, engine: str, db, params=None) -> dict:
    """Run the pipeline on every product of a dataset with one engine (and ``params``, a ``Parameters``;
    default: the package's); scores, timings, confusion, and the parameters in force."""
    from cyclops.pipeline import build_analyzer
    from cyclops.pipeline.parameters import Parameters

    params = params or Parameters()
    analyzer = build_analyzer(engine=engine, db=db, params=params)
    analyzer.warm_up()  # the first product's one-time costs paid before the clock starts, as mapi's workers do at start

    scores: list[ProductScore] = []
    product_seconds: list[float] = []
    photo_ocr_seconds: list[float] = []
    stage_seconds: dict[str, list[float]] = {}
    confusion: list[tuple[str, str]] = []
    failures = []
    photo_names = {truth.product_id: [p.name for p in paths.values()] for truth, paths in dataset}
    seconds_of: dict[str, float] = {}  # per product: the p95 is its slowest one or two, named in the detail
    for truth, paths in tqdm(dataset, desc=f"analysing ({engine})", unit="product"):
        photos = [(p.name, p.read_bytes()) for p in paths.values()]
        t0 = time.perf_counter()
        try:
            analysis = analyzer.analyze(photos)
        except Exception as exc:  # one failing product is recorded, the run goes on
            failures.append({"product_id": truth.product_id, "error": f"{type(exc).__name__}: {exc}"})
            continue
        product_seconds.append(time.perf_counter() - t0)
        seconds_of[truth.product_id] = round(product_seconds[-1], 2)
        n_images = max(len(analysis.images), 1)
        photo_ocr_seconds.extend([analysis.timings.get("ocr", 0.0) / n_images] * n_images)
        for stage, sec in analysis.timings.items():
            stage_seconds.setdefault(stage, []).append(sec)
        scores.append(score_product(analysis, truth))
        confusion.extend(line_label_pairs(analysis, truth))
    summary = summarise(scores)
    summary["engine"] = engine
    summary["engine_version"] = analyzer.engine.version  # which models read (the fine pass is int8 on VNNI/AMX hosts)
    summary["engine_settings"] = getattr(analyzer.engine, "settings", None)  # what the version's digest stands for
    summary["params"] = params.versions()
    summary["failures"] = failures
    summary["seconds_per_product"] = {"median": _percentile(product_seconds, 0.5), "p95": _percentile(product_seconds, 0.95)}
    summary["ocr_seconds_per_photo"] = {"median": _percentile(photo_ocr_seconds, 0.5), "p95": _percentile(photo_ocr_seconds, 0.95)}
    summary["stage_seconds_median"] = {k: _percentile(v, 0.5) for k, v in stage_seconds.items()}
    summary["peak_memory_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    summary["confusion"] = confusion_matrix(confusion)
    summary["products_detail"] = [
        {"product_id": s.product_id, "photos": photo_names.get(s.product_id, []), "seconds": seconds_of.get(s.product_id),
         "npn_ok": s.npn_ok,
         "licence_ok": s.licence_ok, "npn_false": s.npn_false,
         "flags_expected": sorted(s.flags_expected), "flags_raised": sorted(s.flags_raised), "misses": s.misses}
        for s in scores
    ]
    return summary


def confusion_matrix(pairs: list[tuple[str, str]]) -> dict:
    labels = list(FIELD_LABELS)
    matrix = [[0] * len(labels) for _ in labels]
    for t, p in pairs:
        if t in labels and p in labels:
            matrix[labels.index(t)][labels.index(p)] += 1
    return {"labels": labels, "matrix": matrix}


TARGETS = {
    "npn_exact": 0.97,
    "licence_top1": 0.97,
    "medicinal_ingredients_f1": 0.93,
    "recommended_uses_f1": 0.85,
    "flag_precision": 0.95,
    "flag_recall": 0.90,
}


#: the real-photo targets (issue 12): (comparison, value); the keys are those of ``real_headline``
REAL_TARGETS: dict[str, tuple[str, float]] = {
    "medicinal_ingredients_precision": (">=", 0.95),
    "medicinal_ingredients_recall": (">=", 0.90),
    "product_name_f1": (">=", 0.90),
    "false_npns": ("<=", 0),
    "npn_missing_recall": (">=", 1.0),
    "french_missing_recall": (">=", 1.0),
    "flag_precision": (">=", 0.95),
    "flag_recall": (">=", 0.90),
    "s_per_product_p95": ("<=", 5.0),
}


def real_headline(summary: dict) -> dict:
    """The real-photo headline: what an inspector's photos must give (targets in ``REAL_TARGETS``)."""
    f = summary["fields"]
    per_code = summary["flags_per_code"]
    return {
        "medicinal_ingredients_precision": f.get("medicinal_ingredients", {}).get("precision"),
        "medicinal_ingredients_recall": f.get("medicinal_ingredients", {}).get("recall"),
        "product_name_f1": f.get("product_name", {}).get("f1"),
        "false_npns": summary.get("false_npns"),
        "npn_missing_recall": per_code.get("NPN_MISSING", {}).get("recall"),
        "french_missing_recall": per_code.get("FRENCH_MISSING", {}).get("recall"),
        "flag_precision": summary["flags"]["precision"],
        "flag_recall": summary["flags"]["recall"],
        "s_per_product_median": summary["seconds_per_product"]["median"],
        "s_per_product_p95": summary["seconds_per_product"]["p95"],
    }


def headline(summary: dict, mode: str = "synthetic") -> dict:
    if mode == "real":
        return real_headline(summary)
    f = summary["fields"]
    return {
        "npn_exact": summary["npn_exact"],
        "licence_top1": summary["licence_top1"],
        "medicinal_ingredients_f1": f.get("medicinal_ingredients", {}).get("f1"),
        "recommended_uses_f1": f.get("recommended_uses", {}).get("f1"),
        "flag_precision": summary["flags"]["precision"],
        "flag_recall": summary["flags"]["recall"],
        "word_accuracy": summary["word_accuracy"],
        "ocr_s_per_photo_median": summary["ocr_seconds_per_photo"]["median"],
        "s_per_product_p95": summary["seconds_per_product"]["p95"],
    }


def _target_text(key: str, mode: str) -> str:
    if mode == "real":
        op, value = REAL_TARGETS.get(key, ("", None))
        return f"{op} {value}" if value is not None else ""
    target = TARGETS.get(key)
    if target:
        return f">= {target}"
    return {"ocr_s_per_photo_median": "<= 1.0", "s_per_product_p95": "<= 5.0"}.get(key, "")


def _value_text(value) -> str:
    if value is None:
        return "-"
    return str(value) if isinstance(value, int) else f"{value:.3f}"


def markdown_table(results: list[dict], mode: str = "synthetic") -> str:
    """Headline metrics per engine, with the targets."""
    keys = list(headline(results[0], mode).keys())
    lines = ["| metric | target | " + " | ".join(r["engine"] for r in results) + " |",
             "|---|---|" + "---|" * len(results)]
    for k in keys:
        vals = " | ".join(_value_text(headline(r, mode)[k]) for r in results)
        lines.append(f"| {k} | {_target_text(k, mode)} | {vals} |")
    lines.append("")
    lines.append("| field | " + " | ".join(f"{r['engine']} P / R / F1" for r in results) + " |")
    lines.append("|---|" + "---|" * len(results))
    for name in results[0]["fields"]:
        cells = []
        for r in results:
            c = r["fields"].get(name, {})
            cells.append(f"{c.get('precision', 0):.3f} / {c.get('recall', 0):.3f} / {c.get('f1', 0):.3f}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def save_plots(results: list[dict], out_dir: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    paths = []
    for r in results:
        conf = r["confusion"]
        m = np.array(conf["matrix"], dtype=float)
        norm = m / np.maximum(m.sum(axis=1, keepdims=True), 1)
        fig, ax = plt.subplots(figsize=(8, 7))
        ax.imshow(norm, cmap="Blues", vmin=0, vmax=1)
        ax.set_xticks(range(len(conf["labels"])), conf["labels"], rotation=60, ha="right")
        ax.set_yticks(range(len(conf["labels"])), conf["labels"])
        for i in range(len(conf["labels"])):
            for j in range(len(conf["labels"])):
                if m[i, j]:
                    ax.text(j, i, int(m[i, j]), ha="center", va="center", fontsize=7,
                            color="white" if norm[i, j] > 0.5 else "black")
        ax.set_xlabel("predicted label")
        ax.set_ylabel("true label")
        ax.set_title(f"Line labels ({r['engine']}), row-normalised")
        fig.tight_layout()
        p = out_dir / f"confusion_{r['engine']}.png"
        fig.savefig(p, dpi=110)
        plt.close(fig)
        paths.append(p)
    fig, ax = plt.subplots(figsize=(7, 4))
    stages = ["load", "ocr", "extract", "match", "flags"]
    width = 0.8 / max(len(results), 1)
    for k, r in enumerate(results):
        vals = [r["stage_seconds_median"].get(s) or 0 for s in stages]
        ax.bar([i + k * width for i in range(len(stages))], vals, width=width, label=r["engine"])
    ax.set_xticks([i + width * (len(results) - 1) / 2 for i in range(len(stages))], stages)
    ax.set_ylabel("median seconds per product")
    ax.set_title("Time per stage")
    ax.legend()
    fig.tight_layout()
    p = out_dir / "time_per_stage.png"
    fig.savefig(p, dpi=110)
    plt.close(fig)
    paths.append(p)
    return paths


def params_meta(params) -> dict:
    """What results.json says about the thresholds in force: fingerprints, and each field changed from the defaults."""
    from cyclops.pipeline.parameters import Parameters

    params = params or Parameters()
    default = Parameters().as_dict()
    changed = {area: {k: v for k, v in values.items() if default[area].get(k) != v}
               for area, values in params.as_dict().items()}
    return {**params.versions(), "changed": {area: fields for area, fields in changed.items() if fields}}


def params_markdown(meta: dict) -> str:
    """One line naming the thresholds in force (``params_meta``): fingerprints, and what differs from the defaults."""
    areas = ", ".join(f"{k.split('.', 1)[1]} `{v}`" for k, v in meta.items() if k.startswith("params."))
    changed = "; ".join(f"{area}.{name} = {value!r}" for area, fields in meta.get("changed", {}).items()
                        for name, value in fields.items())
    return f"Parameters `{meta['params']}` ({areas}): " + (f"changed from the defaults: {changed}" if changed else "the defaults")


def run_synthetic(n: int, seed: int, engines: list[str], out_dir: Path, data_dir: Path, violation_rate: float = 0.3,
                  params=None) -> list[dict]:
    if seed < 1000:
        raise ValueError("benchmark seeds must be >= 1000: seeds below are used for training")
    db = reference_db(data_dir)
    dataset = build_synthetic_set(data_dir / f"bench-{seed}-{n}-{violation_rate}", n, seed, violation_rate=violation_rate)
    return _finish([evaluate_engine(dataset, e, db, params) for e in engines], out_dir,
                   {"mode": "synthetic", "n": n, "seed": seed, "params": params_meta(params)})


def load_real_truth(photos_dir: Path, truth_file: Path, db,
                    products: int | None = None) -> list[tuple[ProductTruth, dict[str, Path]]]:
    """Read the documented truth file for real photos (docs/evaluate.md); the first ``products`` only if given.

    ``licence_number: null`` is a product without a licence (its truth licence has no number);
    ``db`` may be None (no reference database: every licence is then one the pipeline cannot match).
    Keys the scoring does not use (``notes``, ``printed.nutrition_rows``, ingredients' ``as_printed``
    and ``parts``) are kept in ``printed`` as they are.
    """
    spec = json.loads(truth_file.read_text(encoding="utf-8"))
    dataset = []
    for k, item in enumerate(spec["products"][:products] if products else spec["products"]):
        licence = db.get(item["licence_number"]) if item.get("licence_number") and db is not None else None
        if licence is None:
            licence = LicenceBundle(licence=ProductLicence(lnhpd_id=-1 - k, licence_number=item.get("licence_number") or "",
                                                           product_name=item.get("printed", {}).get("product_name") or ""))
        truth = ProductTruth(product_id=item["product_id"], licence=licence, printed=item.get("printed", {}),
                             violations=[Violation(code=c) for c in item.get("violations", [])])
        paths = {}
        for name in item["photos"]:
            path = photos_dir / name
            if not path.exists():
                raise FileNotFoundError(f"truth file names {name}, which is not in {photos_dir}")
            paths[Path(name).stem] = path
        dataset.append((truth, paths))
    return dataset


#: where real mode writes by default (synthetic mode: ``benchmarks/out/evaluate``)
REAL_OUT = Path("benchmarks/results/real")


def run_real(photos_dir: Path, truth_file: Path, engines: list[str], out_dir: Path | None = None,
             products: int | None = None, params=None) -> list[dict]:
    """Real photos with a truth file; the configured LNHPD database if there is one (none: no licence checks)."""
    from cyclops.pipeline import reference_database

    db = reference_database()
    dataset = load_real_truth(photos_dir, truth_file, db, products)
    meta = {"mode": "real", "photos": str(photos_dir), "truth": str(truth_file), "products": len(dataset),
            "photos_count": sum(len(paths) for _, paths in dataset), "database": db is not None,
            "params": params_meta(params)}
    return _finish([evaluate_engine(dataset, e, db, params) for e in engines], out_dir or REAL_OUT, meta)


def _row_text(row: dict) -> str:
    q = row.get("quantity")
    amount = "?" if q is None else f"{q:g}" if isinstance(q, (int, float)) else str(q)
    return f"{row.get('name')} {amount} {row.get('unit') or ''}".rstrip()


def _quoted(value) -> str:
    return "—" if value in (None, "") else f'"{value}"'


def misses_markdown(results: list[dict]) -> str:
    """The "Misses" section: per product, every miss, expected vs got (real mode's ``results.md``)."""
    out = ["## Misses", ""]
    for r in results:
        if len(results) > 1:
            out += [f"### {r['engine']}", ""]
        detail = r.get("products_detail", [])
        clean = [d["product_id"] for d in detail if not d.get("misses")]
        out.append(f"{len(clean)} of {len(detail)} products without a miss" + (f": {', '.join(clean)}." if clean else "."))
        for failure in r.get("failures", []):
            out.append(f"- **{failure['product_id']}**: not analysed ({failure['error']})")
        out.append("")
        for d in detail:
            m = d.get("misses") or {}
            if not m:
                continue
            photos = f" ({', '.join(d['photos'])})" if d.get("photos") else ""
            out.append(f"**{d['product_id']}**{photos}")
            out.append("")
            for name in MISS_FIELDS:
                if name in m:
                    out.append(f"- {name}: expected {_quoted(m[name]['expected'])}, got {_quoted(m[name]['got'])}")
            rows = m.get("medicinal_ingredients")
            if rows:
                if rows["missing"]:
                    out.append(f"- medicinal ingredients missing ({len(rows['missing'])}):")
                    for row in rows["missing"]:
                        seen = f" (read as: {_row_text(row['read_as'])})" if row.get("read_as") else ""
                        out.append(f"  - {_row_text(row)}{seen}")
                if rows["extra"]:
                    out.append(f"- medicinal ingredients extra ({len(rows['extra'])}):")
                    for row in rows["extra"]:
                        out.append(f"  - {_row_text(row)}" + (" (a nutrition row)" if row.get("nutrition_row") else ""))
            for name in LIST_FIELDS:
                for side in ("missing", "extra"):
                    texts = (m.get(name) or {}).get(side) or []
                    if texts:
                        out.append(f"- {name.replace('_', ' ')} {side} ({len(texts)}):")
                        out += [f"  - {_quoted(text)}" for text in texts]
            if "npn" in m:
                false = " (false NPN)" if m["npn"].get("false_npn") else ""
                out.append(f"- NPN: expected {_quoted(m['npn']['expected'])}, got {_quoted(m['npn']['got'])}{false}")
            if "licence" in m:
                out.append(f"- licence: expected {_quoted(m['licence']['expected'])}, got {_quoted(m['licence']['got'])}"
                           f" (by {m['licence']['method']})")
            if "flags" in m:
                if m["flags"]["missing"]:
                    out.append(f"- flags missing: {', '.join(m['flags']['missing'])}")
                if m["flags"]["extra"]:
                    out.append(f"- flags extra: {', '.join(m['flags']['extra'])}")
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def _finish(results: list[dict], out_dir: Path, meta: dict) -> list[dict]:
    out_dir.mkdir(parents=True, exist_ok=True)
    mode = meta.get("mode", "synthetic")
    table = markdown_table(results, mode)
    targets = {k: f"{op} {v}" for k, (op, v) in REAL_TARGETS.items()} if mode == "real" else TARGETS
    payload = {"meta": meta, "targets": targets, "headline": {r["engine"]: headline(r, mode) for r in results},
               "results": results}
    (out_dir / "results.json").write_text(json.dumps(payload, indent=1), encoding="utf-8")
    text = table + "\n"
    if meta.get("params"):
        text += "\n" + params_markdown(meta["params"]) + "\n"
    text += "\n" + "; ".join(f"OCR `{r['engine']}` `{r.get('engine_version', '?')}`"
                             + (f" (settings `{r['engine_settings']}`)" if r.get("engine_settings") else "")
                             for r in results) + "\n"
    if mode == "real":
        text += "\n" + misses_markdown(results)
    (out_dir / "results.md").write_text(text, encoding="utf-8")
    save_plots(results, out_dir)
    print(table)
    return results


def median(values):  # small helper kept for notebooks
    return statistics.median(values) if values else None
