"""Memory of one analysing process between analyses, with and without handing freed heap back (malloc_trim).

    OMP_THREAD_LIMIT=1 .venv/bin/python benchmarks/worker_memory.py [--photos ../shared/realphotos] [--rounds 6]

Analyses three real 2-photo products (12 MP photos) in turn, OCR not cached, and records the process' RSS after
each, in a child process per mode: ``kept`` (glibc keeps freed arenas, as before) and ``released``
(``cyclops.pipeline.analyzer.release_memory`` after each analysis, as every analysis now does). Writes
benchmarks/results/worker_memory.json and .md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

RESULTS = Path(__file__).parent / "results"
PRODUCTS = [["awef.jpg", "awefawed.jpg"], ["IMG_20251231_123832.jpg", "IMG_20251231_123849.jpg"],
            ["20251115_142814.jpg", "20251115_142824.jpg"]]


def child(photos: Path, rounds: int, release: bool) -> list[int]:
    import psutil

    import cyclops.pipeline.analyzer as analyzer_module
    from cyclops.pipeline import build_analyzer

    if not release:
        analyzer_module.release_memory = lambda: None  # the behaviour before: freed heap kept
    analyzer = build_analyzer(db=None).replace(cache_dir=None)
    process = psutil.Process()
    out = []
    for k in range(rounds):
        analyzer.analyze([(name, (photos / name).read_bytes()) for name in PRODUCTS[k % len(PRODUCTS)]])
        out.append(round(process.memory_info().rss / 2**20))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--photos", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "realphotos")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--child", choices=["kept", "released"])
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.photos, args.rounds, args.child == "released")))
        return
    result = {}
    env = {**os.environ, "CYCLOPS_DATA_DIR": tempfile.mkdtemp(prefix="cyclops-mem-")}
    for mode in ("kept", "released"):
        run = subprocess.run([sys.executable, __file__, "--child", mode, "--photos", str(args.photos), "--rounds", str(args.rounds)],
                             env=env, capture_output=True, text=True, check=True)
        result[mode] = json.loads(run.stdout.strip().splitlines()[-1])
        print(mode, result[mode], flush=True)
    (RESULTS / "worker_memory.json").write_text(json.dumps(result, indent=1))
    lines = ["# Memory of an analysing process between analyses", "",
             f"`OMP_THREAD_LIMIT=1 .venv/bin/python benchmarks/worker_memory.py --rounds {args.rounds}`: three real 2-photo "
             "products (12 MP) in turn, OCR not cached; RSS in MB after each analysis.", "",
             "| mode | RSS after each analysis (MB) | last |", "|---|---|---|"]
    for mode, values in result.items():
        lines.append(f"| {mode} | {', '.join(map(str, values))} | {values[-1]} |")
    lines += ["", "`kept`: glibc keeps the arenas an analysis freed (how mapi's workers behaved: 830-895 MB each in the load "
              "test). `released`: `release_memory()` (`malloc_trim(0)`, a fraction of a millisecond) after each analysis, "
              "as `Analyzer.analyze_with_document` and `read_page` now do."]
    (RESULTS / "worker_memory.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
