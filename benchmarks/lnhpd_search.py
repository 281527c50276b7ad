"""Licence search latency over the 2,000-licence synthetic sample: median and p95, table + JSON.

    .venv/bin/python benchmarks/lnhpd_search.py
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from pathlib import Path

from cyclops.lnhpd.database import open_database
from cyclops.lnhpd.importer import import_paths
from cyclops.lnhpd.sample import generate, write_api_json

QUERIES = ["glucosamin msm", "vitamine d3 1000", "northvle vitamin c", "ashwaganda", "Échinacée Plus", "msm glucosamine"]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        raw, db_path = Path(tmp) / "raw", Path(tmp) / "lnhpd.sqlite"
        write_api_json(generate(2000, 0), raw)
        import_paths([raw], db_path)
        db = open_database(db_path)
        timings: dict[str, list[float]] = {q: [] for q in QUERIES}
        for _ in range(10):
            for q in QUERIES:
                t0 = time.perf_counter()
                db.search(q)
                timings[q].append(time.perf_counter() - t0)
    rows = {q: {"median_ms": round(statistics.median(v) * 1000, 2), "max_ms": round(max(v) * 1000, 2)} for q, v in timings.items()}
    print("| query | median ms | max ms |\n|---|---|---|")
    for q, r in rows.items():
        print(f"| {q} | {r['median_ms']} | {r['max_ms']} |")
    out = Path(__file__).parent / "out"
    out.mkdir(exist_ok=True)
    (out / "lnhpd_search.json").write_text(json.dumps(rows, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
