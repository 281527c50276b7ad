"""Time each OCR engine (and orientation) on rendered 1600x1200 label pages.

Run: ``OMP_THREAD_LIMIT=1 .venv/bin/python benchmarks/ocr_speed.py [--pages 5] [--engines rapidocr,tesseract,combined]``
Prints a table (median, p95 seconds per page) and writes ``benchmarks/out/ocr_speed.json``.
Target: rapidocr median <= 1 s per page on 2 cores; upright() <= 0.3 s.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
PHRASES_EN = [
    "Helps to maintain healthy bones and teeth.",
    "Take 1 tablet daily with food.",
    "Consult a health care practitioner",
    "if you are pregnant or breastfeeding.",
    "Keep out of reach of children.",
    "Non-medicinal ingredients: cellulose,",
]
PHRASES_FR = [
    "Aide à maintenir la santé des os et des dents.",
    "Prendre 1 comprimé par jour avec de la nourriture.",
    "Consultez un praticien de soins de santé",
    "si vous êtes enceinte ou allaitez.",
    "Garder hors de la portée des enfants.",
    "Ingrédients non médicinaux : cellulose,",
]


def render_page(seed: int) -> Image.Image:
    """A dense bilingual label page: title, NPN, ingredient table, EN | FR columns."""
    rng = random.Random(seed)
    img = Image.new("RGB", (1600, 1200), "white")
    draw = ImageDraw.Draw(img)
    draw.text((60, 40), f"VITAMIN D3 {rng.choice([400, 1000, 2500])} IU", font=ImageFont.truetype(BOLD, 64), fill="black")
    body = ImageFont.truetype(FONT, 28)
    draw.text((60, 140), f"NPN {rng.randint(80000000, 80099999)}", font=body, fill="black")
    for i, (name, qty) in enumerate(
        [("Vitamin D3 (cholecalciferol)", "25 µg"), ("Calcium (carbonate)", "500 mg"), ("Échinacée pourpre", "250 mg")]
    ):
        draw.text((60, 210 + i * 42), name, font=body, fill="black")
        draw.text((700, 210 + i * 42), qty, font=body, fill="black")
    for column, phrases in ((60, PHRASES_EN), (830, PHRASES_FR)):
        for i, text in enumerate(rng.sample(phrases, len(phrases))):
            draw.text((column, 420 + i * 42), text, font=ImageFont.truetype(FONT, 24), fill="black")
    return img


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    from cyclops.ocr import get_engine
    from cyclops.orient import rotate_clockwise, upright

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=5)
    parser.add_argument("--engines", default="rapidocr,tesseract,combined")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out" / "ocr_speed.json")
    args = parser.parse_args()

    pages = [render_page(i) for i in range(args.pages)]
    results = {}
    for name in args.engines.split(","):
        start = time.perf_counter()
        engine = get_engine(name)
        build = time.perf_counter() - start
        engine.read(pages[0], "warmup")
        times = []
        for i, page in enumerate(pages):
            start = time.perf_counter()
            engine.read(page, f"img{i}")
            times.append(time.perf_counter() - start)
        results[name] = {
            "version": engine.version,
            "build_s": build,
            "median_s": statistics.median(times),
            "p95_s": percentile(times, 0.95),
            "runs": times,
        }
    times = []
    for i, page in enumerate(pages):
        photo = rotate_clockwise(page, (90 * i) % 360)
        start = time.perf_counter()
        upright(photo)
        times.append(time.perf_counter() - start)
    results["orient.upright"] = {
        "version": "",
        "build_s": 0.0,
        "median_s": statistics.median(times),
        "p95_s": percentile(times, 0.95),
        "runs": times,
    }

    print(f"{'engine':<16} {'median s':>9} {'p95 s':>7} {'build s':>8}")
    for name, r in results.items():
        print(f"{name:<16} {r['median_s']:>9.3f} {r['p95_s']:>7.3f} {r['build_s']:>8.2f}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    meta = {"pages": args.pages, "size": [1600, 1200], "cpus": os.cpu_count(), "python": platform.python_version()}
    args.out.write_text(json.dumps({"meta": meta, "results": results}, indent=2), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
