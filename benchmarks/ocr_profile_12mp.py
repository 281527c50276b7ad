"""CPU seconds per OCR stage on real 12 MP photos: coarse detection, fine detection (over the whole photo, and
only where the coarse pass saw text, as the engine does), the whole read.

    OMP_THREAD_LIMIT=1 .venv/bin/python benchmarks/ocr_profile_12mp.py [--photos ../shared/realphotos]

CPU seconds (``time.process_time``: both onnxruntime threads summed) are the figure to compare on a shared
machine; wall seconds on 2 idle cores are about CPU / 1.3-1.6. The wall seconds of each stage of the read
(``RapidEngine.last_timings``: detection, orientation, settling the detection choices, recognition, second reads)
say where the whole read's time goes. Writes benchmarks/results/ocr_speed_12mp.json
and prints the medians (the record is in benchmarks/results/ocr_speed.md).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import numpy as np

from cyclops import load
from cyclops.ocr.rapid import DET_SIDE, FINE_SIDE, RapidEngine, detect_at

RESULTS = Path(__file__).parent / "results" / "ocr_speed_12mp.json"


def profile(photos: Path) -> list[dict]:
    engine = RapidEngine()
    rows = []
    for path in sorted(photos.glob("*.jpg")):
        image = load.load_photo(path.name, path.read_bytes())[0].image
        bgr = np.asarray(image.convert("RGB"))[:, :, ::-1].copy()
        t0 = time.process_time()
        coarse, prob = detect_at(engine._det, bgr, DET_SIDE)
        t1 = time.process_time()
        fine = detect_at(engine._det, bgr, FINE_SIDE)[0]
        t_whole = time.process_time()
        parts = engine.fine_boxes(bgr, prob, coarse)
        t2 = time.process_time()
        wall = time.perf_counter()
        page, _ = engine.read_upright(image, "x")
        t3 = time.process_time()
        stages = {f"{stage}_wall": round(seconds, 2) for stage, seconds in engine.last_timings.items()}
        rows.append({"photo": path.name, "size": list(image.size), "det960": round(t1 - t0, 2), "det1600": round(t_whole - t1, 2),
                     "det1600_parts": round(t2 - t_whole, 2),
                     "read_upright": round(t3 - t2, 2), "read_upright_wall": round(time.perf_counter() - wall, 2), **stages,
                     "coarse_boxes": len(coarse), "fine_boxes": len(fine), "fine_boxes_parts": len(parts),
                     "lines": len(page.lines())})
        print(rows[-1], flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--photos", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "realphotos")
    args = parser.parse_args()
    rows = profile(args.photos)
    RESULTS.write_text(json.dumps(rows, indent=1))
    for key in ("read_upright", "det960", "det1600", "det1600_parts"):
        print(f"{key}: median {statistics.median(r[key] for r in rows):.2f} CPU s")
    for key in ("read_upright_wall", "detect_wall", "orient_wall", "settle_wall", "recognize_wall", "reread_wall"):
        print(f"{key}: median {statistics.median(r.get(key, 0.0) for r in rows):.2f} s, "
              f"p95 {sorted(r.get(key, 0.0) for r in rows)[int(0.95 * (len(rows) - 1))]:.2f} s")


if __name__ == "__main__":
    main()
