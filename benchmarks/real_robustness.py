"""How much the real-photo figures hold when the same photos are taken a little differently.

    .venv/bin/python benchmarks/real_robustness.py [--variants reencoded,turned90,...] [--record]

Why: the real development set is 29 photos, and the held-out set is other photos of other labels. A rule that
fits these photos' exact readings shows as a drop here before it shows there. Each variant is the development
set changed the way another inspector's photo of the same label would be, scored against the same truth file by
``cyclops evaluate``:

- ``as_shot``: the photos themselves;
- ``reencoded``: decoded and saved again as JPEG (quality 92): the same picture, other pixel noise;
- ``turned90``: turned 90 degrees clockwise in the pixels, without EXIF (a phone held sideways, a box on its side);
- ``smaller``: scaled to 0.6 of each side (about 4 MP: an older phone, or the label further away);
- ``tilted``: turned 4 degrees and saved at quality 92 (a hand-held photo off level);
- ``dim``: darker (levels down to 55 %, the shadows lifted less than the highlights: gamma 1.3) and saved at quality
  85, which is how a phone's auto-exposure leaves a shelf under store lighting;
- ``blurred``: a Gaussian blur of 1.5 pixels at 12 MP (focus a little off, or the hand moved);
- ``keystone``: photographed from a little below, the top 8 % of the width wider on each side than the bottom;
- ``noisy``: Gaussian noise of 12 grey levels on every channel (a phone's high ISO in a dim aisle; seeded);
- ``messaged``: scaled to 1600 pixels on the long side and saved at quality 70 (about 2 MP: a photo sent through a
  messaging app or by e-mail before it reaches the analyst);
- ``24mp``: scaled up 1.41 times (24 MP, what recent phones save by default; no detail is added, so it measures
  the pipeline's sizes and thresholds, not a better camera).

The changed photos are written to a temporary folder (``--work`` to keep them), never into the repository.
Each variant runs ``cyclops evaluate`` in its own process with the configured data folder (the LNHPD database
and the OCR cache: a variant's photos are new to the cache the first time). Prints a table; ``--record`` writes
``benchmarks/results/real_robustness.{json,md,png}``. Seconds per product are left out: read from the cache on a
second run, they would not mean anything.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
NOTES = "<!-- notes: written by hand, kept when the figures above are rewritten -->"
VARIANTS = ("as_shot", "reencoded", "turned90", "smaller", "tilted", "dim", "blurred", "keystone", "noisy", "messaged", "24mp")
METRICS = ("medicinal_ingredients_precision", "medicinal_ingredients_recall", "product_name_f1", "false_npns",
           "npn_missing_recall", "french_missing_recall", "flag_precision", "flag_recall")
SHORT = {"medicinal_ingredients_precision": "ingr P", "medicinal_ingredients_recall": "ingr R",
         "product_name_f1": "name F1", "false_npns": "false NPNs", "npn_missing_recall": "NPN_MISSING R",
         "french_missing_recall": "FRENCH_MISSING R", "flag_precision": "flags P", "flag_recall": "flags R"}


def changed(image, variant: str):
    """The photo as the variant would have it (a PIL image, upright as the phone stored it)."""
    from PIL import Image, ImageFilter

    if variant == "turned90":
        return image.transpose(Image.Transpose.ROTATE_270)  # 90 degrees clockwise
    if variant == "smaller":
        return image.resize((round(image.width * 0.6), round(image.height * 0.6)), Image.Resampling.LANCZOS)
    if variant == "tilted":
        return image.rotate(4, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=(128, 128, 128))
    if variant == "dim":
        return image.point([round(255 * 0.55 * (v / 255) ** 1.3) for v in range(256)] * 3)
    if variant == "blurred":
        return image.filter(ImageFilter.GaussianBlur(1.5))
    if variant == "keystone":
        return image.transform(image.size, Image.Transform.PERSPECTIVE, _keystone(image.width, image.height),
                               Image.Resampling.BICUBIC, fillcolor=(128, 128, 128))
    if variant == "noisy":
        import numpy as np

        pixels = np.asarray(image).astype(np.int16)
        pixels += np.random.default_rng(7).normal(0, 12, pixels.shape).astype(np.int16)
        return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    if variant == "24mp":
        return image.resize((round(image.width * 2 ** 0.5), round(image.height * 2 ** 0.5)), Image.Resampling.LANCZOS)
    if variant == "messaged":
        scale = min(1.0, 1600 / max(image.size))
        return image.resize((round(image.width * scale), round(image.height * scale)), Image.Resampling.LANCZOS)
    return image


def _keystone(width: int, height: int, share: float = 0.08) -> list[float]:
    """PIL's perspective coefficients that show the photo's top ``share`` of its width wider on each side."""
    import numpy as np

    out = [(0, 0), (width, 0), (width, height), (0, height)]
    seen = [(-share * width, 0), (width + share * width, 0), (width, height), (0, height)]
    rows = []
    for (x, y), (u, v) in zip(out, seen):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    return list(np.linalg.solve(np.array(rows, dtype=float), np.array(seen, dtype=float).reshape(8)))


def write_variant(photos: Path, variant: str, folder: Path) -> Path:
    """``folder`` holding the variant of every photo of ``photos`` (and its ``sources.json``)."""
    from PIL import Image, ImageOps

    folder.mkdir(parents=True, exist_ok=True)
    if (photos / "sources.json").is_file():  # which photos are one product's
        shutil.copy(photos / "sources.json", folder / "sources.json")
    for path in sorted(photos.glob("*.jpg")):
        with Image.open(path) as image:
            upright = ImageOps.exif_transpose(image).convert("RGB")
        changed(upright, variant).save(folder / path.name, quality={"dim": 85, "messaged": 70}.get(variant, 92))
    return folder


def evaluate(photos: Path, truth: Path, out: Path) -> dict:
    """``cyclops evaluate`` on one folder, in its own process; its results.json."""
    cmd = [sys.executable, "-m", "cyclops.cli", "evaluate", "--photos", str(photos), "--truth", str(truth), "--out", str(out)]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"cyclops evaluate failed on {photos}:\n{done.stderr[-2000:]}")
    return json.loads((out / "results.json").read_text(encoding="utf-8"))


def misses_of(results: dict) -> dict[str, int]:
    """Medicinal-ingredient rows missing and extra, product by product."""
    rows = {}
    for product in results["results"][0]["products_detail"]:
        ingredients = product["misses"].get("medicinal_ingredients", {})
        rows[product["product_id"]] = len(ingredients.get("missing", [])) + len(ingredients.get("extra", []))
    return rows


def table(rows: dict[str, dict]) -> str:
    head = "| variant | " + " | ".join(SHORT[m] for m in METRICS) + " | products with an ingredient miss |"
    lines = [head, "|" + "---|" * (len(METRICS) + 2)]
    for variant, row in rows.items():
        cells = [f"{row['headline'][m]:.3f}" if isinstance(row["headline"][m], float) else str(row["headline"][m])
                 for m in METRICS]
        lines.append(f"| {variant} | " + " | ".join(cells) + f" | {sum(1 for n in row['ingredient_misses'].values() if n)} |")
    return "\n".join(lines)


def plot(rows: dict[str, dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = METRICS[:3]
    fig, ax = plt.subplots(figsize=(max(8, 0.95 * len(rows)), 3.6))
    width = 0.8 / len(shown)
    for k, metric in enumerate(shown):
        ax.bar([i + k * width for i in range(len(rows))], [row["headline"][metric] for row in rows.values()],
               width, label=SHORT[metric])
    ax.set_xticks([i + width for i in range(len(rows))], list(rows))
    ax.axhline(0.95, color="grey", lw=0.8, ls="--")
    ax.axhline(0.90, color="grey", lw=0.8, ls=":")
    ax.set_ylim(0.5, 1.0)
    ax.set_title("Real photos taken a little differently (targets: P 0.95, R and name 0.90)")
    ax.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--photos", type=Path, default=ROOT.parent / "shared" / "realphotos")
    parser.add_argument("--truth", type=Path, default=ROOT / "benchmarks" / "real" / "truth.json")
    parser.add_argument("--variants", default=",".join(VARIANTS), help=f"comma-separated, of {', '.join(VARIANTS)}")
    parser.add_argument("--work", type=Path, default=None, help="where the changed photos go (default: a temporary folder)")
    parser.add_argument("--record", action="store_true", help="write benchmarks/results/real_robustness.{json,md,png}")
    args = parser.parse_args(argv)
    variants = [v for v in args.variants.split(",") if v]
    unknown = sorted(set(variants) - set(VARIANTS))
    if unknown:
        parser.error(f"unknown variants: {', '.join(unknown)}")
    if not args.photos.is_dir():
        parser.error(f"no photos folder at {args.photos}")
    work = args.work or Path(tempfile.mkdtemp(prefix="cyclops-robustness-"))
    rows: dict[str, dict] = {}
    for n, variant in enumerate(variants, 1):
        t0 = time.perf_counter()
        print(f"[{n}/{len(variants)}] {variant}: writing photos ...", flush=True)
        folder = args.photos if variant == "as_shot" else write_variant(args.photos, variant, work / variant)
        print(f"[{n}/{len(variants)}] {variant}: cyclops evaluate ...", flush=True)
        results = evaluate(folder, args.truth.resolve(), work / f"{variant}-out")
        rows[variant] = {"headline": results["headline"][next(iter(results["headline"]))],
                         "ingredient_misses": misses_of(results), "seconds": round(time.perf_counter() - t0, 1)}
        print(f"[{n}/{len(variants)}] {variant}: done in {rows[variant]['seconds']} s", flush=True)
    text = table(rows)
    print(text)
    report = {"meta": {"photos": os.path.relpath(args.photos, ROOT), "truth": os.path.relpath(args.truth, ROOT),
                       "variants": variants, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())},
              "variants": rows}
    if args.record:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "real_robustness.json").write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        md = RESULTS / "real_robustness.md"
        notes = md.read_text(encoding="utf-8").partition(NOTES)[2] if md.exists() else ""
        md.write_text(
            f"# Real photos taken a little differently ({report['meta']['date']})\n\n"
            "`python benchmarks/real_robustness.py --record`: the development photos changed as another inspector's "
            "photo would change them (see the script's docstring), each scored by `cyclops evaluate` against the "
            "same truth file.\n\n" + text + "\n\n![figures per variant](real_robustness.png)\n\n" + NOTES
            + notes.rstrip("\n") + "\n", encoding="utf-8")
        plot(rows, RESULTS / "real_robustness.png")
        print(f"recorded in {RESULTS / 'real_robustness.md'}")
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return report


if __name__ == "__main__":
    main()
