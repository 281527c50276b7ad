"""The catalogue's list and filter queries at a million analyses: p50/p95 per query, without and with indexes.

Rows are generated in the catalogue's own form (``AnalysisSummary`` plus ``_id``) with realistic spreads
(licences and companies of the 150,000-licence synthetic LNHPD, a few flags per analysis, 60 analysts,
two years of dates) and queried through ``cyclops.catalog.Catalog.list_analyses``, exactly as mapi does.
Measured twice: as the catalogue creates the collection today (only ``_id``), then with the indexes in
``INDEXES`` (created here, by the benchmark only).

    .venv/bin/python benchmarks/catalog_scale.py --mongo-url mongodb://user:pw@localhost:27017/ --n 1000000
    .venv/bin/python benchmarks/catalog_scale.py --start-wire-server --n 1000000   # nx-27017, started here
    .venv/bin/python benchmarks/catalog_scale.py --n 20000        # mongomock: checks the script, not MongoDB

mongomock scans every document in Python and ignores indexes; nx-27017 (the test extras' MongoDB wire-protocol
server, SQLite underneath) runs the same commands over real sockets with SQLite's indexes; a MongoDB server (the
compose ``mongo`` service, or a managed one) gives MongoDB's own figures. An index a server refuses (nx-27017
indexes no ``_id`` in a compound key) is built on its filter field alone, and the table says which were built.
Writes benchmarks/results/catalog_scale.json and .md (notes below the ``<!-- notes -->`` line are kept).
"""

from __future__ import annotations

import argparse
import atexit
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cyclops.catalog import AnalysisSummary, Catalog

RESULTS = Path(__file__).parent / "results"
NOTES = "<!-- notes -->"
TARGET_P95_MS = 200.0
FLAGS = ["NPN_NOT_FOUND", "INGREDIENT_MISSING", "QUANTITY_MISMATCH", "CLAIM_NOT_LICENSED", "RISK_MISSING",
         "NAME_MISMATCH", "FRENCH_MISSING", "DOSAGE_FORM_MISMATCH", "LICENCE_INACTIVE", "COMPANY_MISMATCH"]
#: what list_analyses filters and sorts on (sort: _id descending); each compound index serves filter + sort
INDEXES = [
    [("npn", 1), ("_id", -1)],
    [("flags", 1), ("_id", -1)],
    [("analysts", 1), ("_id", -1)],
    [("updated_at", 1)],
]


def rows(n: int, seed: int = 0) -> Any:
    """``n`` catalogue rows, oldest first, ids sortable by time as the pipeline's are."""
    rng = random.Random(seed)
    companies = [f"Company {k:04d} Inc." for k in range(1800)]
    weights = [1 / (k + 1) ** 0.8 for k in range(1800)]
    analysts = [f"analyst{k:02d}" for k in range(60)]
    start = datetime(2025, 1, 1, tzinfo=UTC)
    for i in range(n):
        created = start + timedelta(seconds=i * (2 * 365 * 86400 // max(n, 1)))
        company = rng.choices(companies, weights=weights)[0]
        flags = sorted(set(rng.sample(FLAGS, rng.choice([0, 1, 1, 2, 3]))))
        who = sorted(set(rng.sample(analysts, rng.choice([0, 1, 1, 2]))))
        stamp = created.isoformat(timespec="seconds")
        summary = AnalysisSummary(
            analysis_id=f"{created:%Y%m%dT%H%M%S}-{i:07d}", npn=str(80_000_000 + rng.randrange(150_000)),
            product_name=f"Product {rng.randrange(10_000)}", company=company, flags=flags, open_flags=len(flags),
            analysts=who, version=len(who), edits=len(who), created_at=stamp, updated_at=stamp, status="new",
        )
        yield {"_id": summary.analysis_id, **summary.model_dump()}


def queries(rng: random.Random, sample: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    for doc in rng.sample(sample, 20):
        out += [
            ("newest page", {}),
            ("by NPN", {"npn": doc["npn"]}),
            ("company substring", {"company": doc["company"].split()[1]}),
            ("by flag", {"flag": rng.choice(FLAGS)}),
            ("by analyst", {"analyst": f"analyst{rng.randrange(60):02d}"}),
            ("since a month ago", {"since": "2026-12-01"}),
            ("next page (cursor)", {"cursor": doc["_id"]}),
        ]
    return out


def measure(catalog: Catalog, plan: list[tuple[str, dict[str, Any]]]) -> dict[str, dict[str, float]]:
    seconds: dict[str, list[float]] = {}
    for kind, kwargs in plan:
        t0 = time.perf_counter()
        catalog.list_analyses(limit=50, **kwargs)
        seconds.setdefault(kind, []).append(time.perf_counter() - t0)
    out = {}
    for kind, values in seconds.items():
        ordered = sorted(values)
        out[kind] = {"n": len(values), "p50_ms": round(statistics.median(values) * 1000, 1),
                     "p95_ms": round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000, 1)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--mongo-url", default=None, help="A MongoDB server (default: mongomock, in memory).")
    parser.add_argument("--database", default="cyclops_catalog_bench", help="Dropped and refilled on the server.")
    parser.add_argument("--start-wire-server", action="store_true",
                        help="Start nx-27017 (MongoDB wire protocol over SQLite) in a temporary folder and use it.")
    parser.add_argument("--note", default="")
    args = parser.parse_args()
    if args.start_wire_server:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        from tests.servers import start_wire_mongo, stop_wire_mongo

        server = start_wire_mongo(Path(tempfile.mkdtemp(prefix="catalog-scale-")))
        args.mongo_url = server.url
        atexit.register(stop_wire_mongo, server)  # stopped however the run ends
    if args.mongo_url:
        import pymongo

        client = pymongo.MongoClient(args.mongo_url)
        version = client.server_info().get("version")
        engine = f"mongodb {version}" if version else "nx-27017, MongoDB wire protocol over SQLite" if server else "a MongoDB wire-protocol server"
    else:
        import mongomock

        client, engine = mongomock.MongoClient(), "mongomock (no indexes: scans in Python)"
    client.drop_database(args.database)
    catalog = Catalog(client[args.database], engine)

    t0 = time.perf_counter()
    batch: list[dict[str, Any]] = []
    sample: list[dict[str, Any]] = []
    rng = random.Random(1)
    for doc in rows(args.n):
        batch.append(doc)
        if rng.random() < 2000 / args.n:
            sample.append(doc)
        if len(batch) == 10_000:
            catalog.analyses.insert_many(batch)
            batch = []
    if batch:
        catalog.analyses.insert_many(batch)
    fill_s = time.perf_counter() - t0
    plan = queries(random.Random(2), sample)
    before = measure(catalog, plan)
    t0 = time.perf_counter()
    built = []
    for keys in INDEXES:
        try:
            catalog.analyses.create_index(keys)
            built.append(keys)
        except Exception as exc:  # noqa: BLE001 - a server that refuses the compound key: the filter field alone
            print(f"index {keys} refused ({exc}); building {keys[:1]}")
            catalog.analyses.create_index(keys[:1])
            built.append(keys[:1])
    index_s = time.perf_counter() - t0
    after = measure(catalog, plan)
    results = {"n": args.n, "engine": engine, "fill_s": round(fill_s, 1), "index_s": round(index_s, 1),
               "indexes": [[list(k) for k in keys] for keys in built], "without_indexes": before, "with_indexes": after,
               "target_p95_ms": TARGET_P95_MS, "note": args.note}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "catalog_scale.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    lines = [f"# Catalogue list/filter at {args.n:,} analyses ({engine})\n"]
    if args.note:
        lines.append(f"_{args.note}_\n")
    lines.append(f"Filled in {results['fill_s']} s; indexes built in {results['index_s']} s. Target p95 <= {TARGET_P95_MS:g} ms.\n")
    lines.append("Indexes: " + ", ".join("(" + ", ".join(f"{k} {d}" for k, d in keys) + ")" for keys in built) + ".\n")
    lines.append("| query | n | `_id` only: p50 / p95 ms | with indexes: p50 / p95 ms |\n|---|---|---|---|")
    for kind, b in before.items():
        a = after[kind]
        lines.append(f"| {kind} | {b['n']} | {b['p50_ms']} / {b['p95_ms']} | {a['p50_ms']} / {a['p95_ms']} |")
    table = "\n".join(lines) + "\n"
    md = RESULTS / "catalog_scale.md"
    old = md.read_text(encoding="utf-8") if md.exists() else ""
    notes = old[old.index(NOTES):] if NOTES in old else NOTES + "\n"
    md.write_text(table + "\n" + notes, encoding="utf-8")
    print(table)


if __name__ == "__main__":
    main()
