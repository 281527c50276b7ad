"""The LNHPD at real size: import time, file size, search and licence-match latency, and matching accuracy.

A synthetic reference database of 150,000 licences (``cyclops.lnhpd.sample_scale``: the benchmark's
2,000-licence sample inside it, plus licences of ~1,800 fictional companies with Zipf-distributed sizes)
is written in the API's JSON form and imported through the real importer. The same searches and the same
label matches then run side by side on the 2,000-licence database and on the large one:

- search: queries made from the sample's licences as a reader types them (whole name, a typo, two words
  reversed, a company filter, an ingredient filter);
- match: the labels of the synthetic benchmark (same licences and same label content as ``cyclops evaluate``
  with its report seed), printed fields given to ``cyclops.match.match_licence`` as read, once with the NPN
  and once with it unread (matching by name, company and ingredients: where sister licences bite).

    .venv/bin/python benchmarks/lnhpd_scale.py                  # 150,000 licences (about 10 minutes idle)
    .venv/bin/python benchmarks/lnhpd_scale.py --licences 20000 # a quick look

Writes benchmarks/results/lnhpd_scale.json and .md. The database is kept in the data dir (``--rebuild`` to redo).
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cyclops.evaluate.run import REPORT_SEED, SAMPLE_SEED, SAMPLE_SIZE
from cyclops.lnhpd.database import LicenceDB, open_database
from cyclops.lnhpd.importer import import_paths
from cyclops.lnhpd.records import LicenceBundle
from cyclops.lnhpd.sample import generate, write_api_json
from cyclops.lnhpd.sample_db import build_sample_database
from cyclops.lnhpd.sample_scale import scale_chunks
from cyclops.match import match_licence
from cyclops.model.analysis import FieldValue, Fields, Ingredient
from cyclops.settings import get_settings
from cyclops.synth.content import build_content
from cyclops.synth.violations import inject

RESULTS = Path(__file__).parent / "results"
SEARCH_TARGET_MS = 50.0
MATCH_TARGET_MS = 150.0


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _summary(seconds: list[float]) -> dict[str, float]:
    return {"n": len(seconds), "p50_ms": _ms(statistics.median(seconds)), "p95_ms": _ms(_pct(seconds, 0.95)), "max_ms": _ms(max(seconds))}


def build_large(path: Path, n: int) -> dict[str, Any]:
    """Write ``n`` licences in the API's JSON form, a chunk per folder, and import them all in one go."""
    with tempfile.TemporaryDirectory(prefix="lnhpd-scale-") as tmp:
        raw = Path(tmp) / "api"
        t0 = time.perf_counter()
        for k, chunk in enumerate(scale_chunks(n)):
            write_api_json(chunk, raw / f"part{k:03d}")
        generated = time.perf_counter() - t0
        json_bytes = sum(p.stat().st_size for p in raw.rglob("*.json"))
        building = path.with_suffix(".building")
        building.unlink(missing_ok=True)
        t0 = time.perf_counter()
        report = import_paths([raw], building)
        imported = time.perf_counter() - t0
        building.replace(path)
    return {"licences": report.licences, "records": report.records, "generate_and_write_s": round(generated, 1),
            "api_json_mb": round(json_bytes / 1e6, 1), "import_s": round(imported, 1),
            "import_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def _typo(text: str, rng: random.Random) -> str:
    words = text.split()
    k = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[k]
    if len(word) > 3:
        i = rng.randrange(1, len(word) - 1)
        words[k] = word[:i] + word[i + 1:]
    return " ".join(words)


def search_queries(sample: list[tuple[LicenceBundle, LicenceBundle]], count: int, seed: int = 7) -> list[tuple[str, dict[str, Any]]]:
    """(kind, search keyword arguments) made from licences of the sample, as a reader types them."""
    rng = random.Random(seed)
    queries = []
    for en, _fr in rng.sample(sample, count // 5):
        name = en.licence.product_name
        words = name.split()
        queries += [
            ("name", {"text": name}),
            ("typo", {"text": _typo(name, rng)}),
            ("two words reversed", {"text": " ".join(reversed(words[-2:])) if len(words) > 1 else name}),
            ("company filter", {"text": " ".join(words[1:]) or name, "company": en.licence.company_name}),
            ("ingredient filter", {"text": "", "ingredient": en.medicinal_ingredients[0].ingredient_name}
             if en.medicinal_ingredients else {"text": name}),
        ]
    return queries


def time_searches(db: LicenceDB, queries: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    db.search("warm up")
    by_kind: dict[str, list[float]] = {}
    for kind, kwargs in queries:
        t0 = time.perf_counter()
        db.search(**kwargs)
        by_kind.setdefault(kind, []).append(time.perf_counter() - t0)
    everything = [s for v in by_kind.values() for s in v]
    return {"all": _summary(everything), **{k: _summary(v) for k, v in by_kind.items()}}


def label_fields(printed: dict[str, Any], with_npn: bool) -> Fields:
    """The fields a perfect reading of the label gives (the NPN withheld when ``with_npn`` is False)."""
    def value(key: str) -> FieldValue:
        text = printed.get(key)
        return FieldValue(value=str(text), confidence=0.95) if text else FieldValue()

    npn = value("npn") if with_npn and printed.get("npn_legible") else FieldValue()
    ingredients = [Ingredient(name=str(i["name"]), quantity=i.get("quantity"), unit=i.get("unit"), confidence=0.95)
                   for i in printed.get("medicinal_ingredients", [])]  # type: ignore[union-attr]
    return Fields(npn=npn, product_name=value("product_name"), brand=value("brand"), company=value("company"),
                  dosage_form=value("dosage_form"), medicinal_ingredients=ingredients)


def benchmark_labels(n: int, seed: int = REPORT_SEED, violation_rate: float = 0.3) -> list[tuple[int, dict[str, Any]]]:
    """(true lnhpd_id, printed fields) of the labels ``cyclops evaluate --seed`` renders, without the rendering."""
    pairs = generate(SAMPLE_SIZE, SAMPLE_SEED)
    chosen = random.Random(seed).sample(range(len(pairs)), min(n, len(pairs)))
    labels = []
    for k, index in enumerate(chosen):
        en, fr = pairs[index]
        rng = random.Random(seed * 100_003 + k)
        content = build_content(en, fr, rng)
        if rng.random() < violation_rate:
            inject(content, rng)
        labels.append((en.licence.lnhpd_id, content.printed(True)))
    return labels


def time_matches(db: LicenceDB, labels: list[tuple[int, dict[str, Any]]], with_npn: bool) -> tuple[dict[str, Any], list[int | None]]:
    seconds, found = [], []
    for _true_id, printed in labels:
        fields = label_fields(printed, with_npn)
        t0 = time.perf_counter()
        match = match_licence(fields, db)
        seconds.append(time.perf_counter() - t0)
        found.append(match.lnhpd_id)
    correct = sum(f == t for f, (t, _) in zip(found, labels))
    return {**_summary(seconds), "correct": correct, "accuracy": round(correct / len(labels), 4)}, found


def _side_by_side(run: Callable[[LicenceDB], Any], small: LicenceDB, large: LicenceDB) -> dict[str, Any]:
    return {"sample_2000": run(small), "large": run(large)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--licences", type=int, default=150_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--labels", type=int, default=200)
    parser.add_argument("--rebuild", action="store_true", help="Build the large database again even if it is there.")
    parser.add_argument("--note", default="", help="Recorded with the results (e.g. 'machine shared with other jobs').")
    args = parser.parse_args()

    bench_dir = get_settings().data_dir / "bench"
    bench_dir.mkdir(parents=True, exist_ok=True)
    large_path = bench_dir / f"lnhpd-scale-{args.licences}.sqlite"
    small_path = bench_dir / f"lnhpd-scale-sample-{SAMPLE_SIZE}.sqlite"
    build_record = large_path.with_suffix(".build.json")  # the build's figures, for runs that reuse the database
    build: dict[str, Any] = {}
    if args.rebuild or not large_path.is_file():
        print(f"building {args.licences} licences ...", flush=True)
        build = build_large(large_path, args.licences)
        build_record.write_text(json.dumps(build), encoding="utf-8")
    elif build_record.is_file():
        build = json.loads(build_record.read_text(encoding="utf-8"))
    if not small_path.is_file():
        build_sample_database(small_path, SAMPLE_SIZE, SAMPLE_SEED)
    build["file_mb"] = round(large_path.stat().st_size / 1e6, 1)

    small, large = open_database(small_path), open_database(large_path)
    build["licences"] = large.count()
    queries = search_queries(generate(SAMPLE_SIZE, SAMPLE_SEED), args.queries)
    search = _side_by_side(lambda db: time_searches(db, queries), small, large)
    labels = benchmark_labels(args.labels)
    match: dict[str, Any] = {}
    for with_npn in (True, False):
        key = "npn_printed" if with_npn else "npn_unread"
        (s_stats, s_found), (l_stats, l_found) = (time_matches(db, labels, with_npn) for db in (small, large))
        agree = sum(a == b for a, b in zip(s_found, l_found))
        match[key] = {"sample_2000": s_stats, "large": l_stats, "same_licence_as_sample": round(agree / len(labels), 4)}

    results = {"licences": build["licences"], "build": build, "search": search, "match": match,
               "targets": {"search_p95_ms": SEARCH_TARGET_MS, "match_p95_ms": MATCH_TARGET_MS},
               "machine": f"{platform.processor() or platform.machine()}, {platform.python_version()}", "note": args.note}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "lnhpd_scale.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    table = render(results)
    (RESULTS / "lnhpd_scale.md").write_text(table, encoding="utf-8")
    print(table)


def render(r: dict[str, Any]) -> str:
    b, lines = r["build"], []
    lines.append(f"# LNHPD at scale: {r['licences']:,} licences\n")
    if r["note"]:
        lines.append(f"_{r['note']}_\n")
    if "import_s" in b:
        lines.append(f"Build: generate + write API JSON {b['generate_and_write_s']} s ({b['api_json_mb']} MB of JSON), "
                     f"import {b['import_s']} s ({b['records']:,} records, peak RSS {b['import_peak_rss_mb']} MB), "
                     f"database {b['file_mb']} MB.\n")
    else:
        lines.append(f"Database {b['file_mb']} MB (built by an earlier run).\n")
    lines.append(f"## Search (target p95 <= {r['targets']['search_p95_ms']:g} ms)\n")
    lines.append("| query kind | n | 2,000: p50 / p95 ms | large: p50 / p95 ms |\n|---|---|---|---|")
    for kind, small in r["search"]["sample_2000"].items():
        large = r["search"]["large"][kind]
        lines.append(f"| {kind} | {small['n']} | {small['p50_ms']} / {small['p95_ms']} | {large['p50_ms']} / {large['p95_ms']} |")
    lines.append(f"\n## Licence match (target p95 <= {r['targets']['match_p95_ms']:g} ms; accuracy unchanged)\n")
    lines.append("| labels | 2,000: p50 / p95 ms | large: p50 / p95 ms | 2,000: right licence | large: right licence | same answer |")
    lines.append("|---|---|---|---|---|---|")
    for key, m in r["match"].items():
        s, l_ = m["sample_2000"], m["large"]
        lines.append(f"| {key.replace('_', ' ')} ({s['n']}) | {s['p50_ms']} / {s['p95_ms']} | {l_['p50_ms']} / {l_['p95_ms']} | "
                     f"{s['accuracy']:.1%} | {l_['accuracy']:.1%} | {m['same_licence_as_sample']:.1%} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
