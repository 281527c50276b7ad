"""Batch throughput: products per minute with 1 and 2 Dask workers on the same synthetic products.

    python benchmarks/batch_bench.py --products 6 --engine tesseract

Uses `cyclops.synth.dataset.write_dataset` for realistic labels when it is available, else generated text labels.
Each run writes to a fresh store and catalogue (no resume skips). JSON to benchmarks/out/batch_bench-<time>.json.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"


def make_products(folder: Path, n: int, seed: int) -> None:
    try:
        from cyclops.synth.dataset import load_dataset, write_dataset

        write_dataset(folder / "synth", n, seed, progress=False)
        for i, (truth, images) in enumerate(load_dataset(folder / "synth")):
            product = folder / "products" / f"p{i:03d}"
            product.mkdir(parents=True)
            for image_id, path in images.items():
                (product / f"{image_id}{path.suffix}").write_bytes(path.read_bytes())
        return
    except ImportError:
        pass
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 40)
    for i in range(n):
        product = folder / "products" / f"p{i:03d}"
        product.mkdir(parents=True)
        img = Image.new("RGB", (1000, 500), "white")
        draw = ImageDraw.Draw(img)
        for j, text in enumerate([f"Product {i}", f"NPN 8000{i:04d}", "Vitamin C 500 mg"]):
            draw.text((40, 40 + j * 100), text, font=font, fill="black")
        img.save(product / "front.png")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--products", type=int, default=6)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--engine", default=None)
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2])
    args = parser.parse_args()

    import os

    from cyclops.batch import run_batch
    from cyclops.settings import get_settings

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        make_products(root, args.products, args.seed)
        for workers in args.workers:
            os.environ["CYCLOPS_DATA_DIR"] = str(root / f"data-{workers}")  # fresh catalogue: nothing skipped
            get_settings.cache_clear()
            t0 = time.perf_counter()
            report = run_batch(root / "products", str(root / f"store-{workers}"), workers=workers, engine=args.engine, progress=True)
            wall = time.perf_counter() - t0
            results.append({
                "workers": workers,
                "products": args.products,
                "analysed": len(report.analysed),
                "failed": len(report.failed),
                "wall_seconds": round(wall, 2),
                "products_per_minute": round(60 * len(report.analysed) / wall, 2),
            })
            print(results[-1])
    OUT.mkdir(parents=True, exist_ok=True)
    out = OUT / f"batch_bench-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.write_text(json.dumps(results, indent=1))
    print(f"written to {out}")


if __name__ == "__main__":
    main()
