"""Whether an NPN printed in small type on a real photo is read.

    .venv/bin/python benchmarks/real_npn_printed.py [--sizes 12,15,18,22,30,40] [--running-up also|only|no]
                                                    [--photos N] [--record]

Why: none of the 16 development products prints an NPN (they are US products), yet the licence number is the first
fact an analyst checks on a Canadian label, the held-out photos may print one, and the predecessor read it on 56 %
of real photos. Each development photo gets "NPN 80xxxxxx" printed on it, at each type size, and the pipeline reads
that photo alone: is the number read, missed, or replaced by another number?

The number is printed in the photo's own conditions: on its plainest patch near the middle (the least gradient,
where labels print their small type between panels), in dark type on light ground (light on dark ground), softened
by a blur of 0.6 pixels and saved at JPEG quality 90. The three ways labels print it take turns ("NPN 80123456",
"NPN: 80123456", "NPN80123456"), and the digits are seeded. Each size is printed across, then (``--running-up``)
running up the photo, as labels print a lot, an expiry or a licence number along a side's edge. The honest limit:
the type is flat (no curvature, no ink spread, no glare over it), so this measures finding and reading small digits
in a real photo's light, noise and clutter, not every way a real label prints them.

The changed photos are written to a temporary folder, never into the repository. Readings go through the configured
OCR cache, so a second run with the same seed is quick. ``--record`` writes
``benchmarks/results/real_npn_printed.{json,md,png}``.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FORMS = ("NPN {}", "NPN: {}", "NPN{}")
NOTES = "<!-- notes: written by hand, kept when the figures above are rewritten -->"


@dataclass
class Reading:
    photo: str
    size: int
    upright: bool
    printed: str
    read: str | None
    outcome: str  # "read"; "withheld" (digits read unsurely: shown as read, not proposed); "missed"; "other"
    as_read: str | None
    npn_lines: list[str]


def plainest_spot(image: Image.Image, box: tuple[int, int], rng: random.Random, tries: int = 60) -> tuple[int, int]:
    """The top-left corner, among ``tries`` random ones in the middle 80 % of the photo, whose ``box`` holds the
    least gradient (no print, no edge): where a number printed on a label's plain ground would go."""
    grey = np.asarray(image.convert("L").reduce(4), dtype=np.float32)
    gy, gx = np.gradient(grey)
    energy = np.hypot(gx, gy)
    integral = np.pad(energy.cumsum(0).cumsum(1), ((1, 0), (1, 0)))
    w, h = max(1, box[0] // 4), max(1, box[1] // 4)
    best, spot = float("inf"), (0, 0)
    for _ in range(tries):
        x = rng.randint(int(0.1 * grey.shape[1]), max(int(0.1 * grey.shape[1]), int(0.9 * grey.shape[1]) - w))
        y = rng.randint(int(0.1 * grey.shape[0]), max(int(0.1 * grey.shape[0]), int(0.9 * grey.shape[0]) - h))
        total = integral[y + h, x + w] - integral[y, x + w] - integral[y + h, x] + integral[y, x]
        if total < best:
            best, spot = total, (x * 4, y * 4)
    return spot


def print_npn(image: Image.Image, text: str, size: int, rng: random.Random, upright: bool = True) -> Image.Image:
    """``image`` with ``text`` printed on its plainest patch at ``size`` pixels, in the ground's contrasting ink;
    not ``upright``: running up the patch, as labels print a lot, an expiry or a licence number along a side's edge."""
    font = ImageFont.truetype(FONT, size)
    left, top, right, bottom = font.getbbox(text)
    margin = size // 2
    box = (right - left + 2 * margin, bottom - top + 2 * margin)
    box = box if upright else box[::-1]
    x, y = plainest_spot(image, box, rng)
    patch = image.crop((x, y, x + box[0], y + box[1]))
    ground = float(np.asarray(patch.convert("L"), dtype=np.float32).mean())
    ink = (25, 25, 30) if ground > 110 else (235, 235, 230)
    flat = patch if upright else patch.transpose(Image.Transpose.ROTATE_270)
    ImageDraw.Draw(flat).text((margin - left, margin - top), text, font=font, fill=ink)
    patch = flat if upright else flat.transpose(Image.Transpose.ROTATE_90)
    out = image.copy()
    out.paste(patch.filter(ImageFilter.GaussianBlur(0.6)), (x, y))
    return out


def licence_number(rng: random.Random) -> str:
    return "80" + "".join(rng.choice("0123456789") for _ in range(6))


def run(photos: list[Path], sizes: list[int], seed: int, work: Path, upright: bool = True) -> list[Reading]:
    """Each photo at each size, printed ``upright`` or running up, read alone (seeded: the same photos each run)."""
    from cyclops.load import load_photo
    from cyclops.pipeline import build_analyzer

    analyzer = build_analyzer(engine="rapidocr", db=None)
    analyzer.warm_up()
    readings: list[Reading] = []
    rng = random.Random(seed)
    total = len(photos) * len(sizes)
    started = time.perf_counter()
    for n, (photo, size) in enumerate(((p, s) for p in photos for s in sizes), 1):
        number = licence_number(rng)
        text = FORMS[n % len(FORMS)].format(number)
        [loaded] = load_photo(photo.name, photo.read_bytes())
        changed = print_npn(loaded.image, text, size, rng, upright)
        buffer = io.BytesIO()
        changed.save(buffer, "JPEG", quality=90)
        name = f"{photo.stem}-npn{size}{'' if upright else 'up'}.jpg"
        (work / name).write_bytes(buffer.getvalue())
        analysis = analyzer.analyze([(name, buffer.getvalue())])
        read, as_read = analysis.fields.npn.value, analysis.fields.npn.as_read
        outcome = "read" if read == number else "other" if read else "withheld" if as_read else "missed"
        npn_lines = [line.text for line in analysis.lines if "npn" in line.text.lower() or number[:4] in line.text]
        readings.append(Reading(photo.name, size, upright, text, read, outcome, as_read, npn_lines))
        elapsed = time.perf_counter() - started
        print(f"[{n}/{total}] {photo.name} {size}px {text!r}: {outcome} ({read}) {elapsed:.0f} s", file=sys.stderr, flush=True)
    return readings


def table(readings: list[Reading], sizes: list[int]) -> tuple[list[dict], str]:
    rows = []
    for upright, size in [(u, s) for u in (True, False) for s in sizes]:
        mine = [r for r in readings if r.size == size and r.upright == upright]
        if not mine:
            continue
        counts = {k: sum(r.outcome == k for r in mine) for k in ("read", "withheld", "missed", "other")}
        cap = round(ImageFont.truetype(FONT, size).getbbox("8")[3] - ImageFont.truetype(FONT, size).getbbox("8")[1])
        rows.append({"printed": "across" if upright else "running up", "size_px": size, "digit_height_px": cap,
                     "photos": len(mine), **counts,
                     "read_rate": round(counts["read"] / len(mine), 3) if mine else None})
    lines = ["| printed | type size (px) | digit height (px) | photos | read | shown as read, not proposed | missed | "
             "another number proposed | read rate |", "|---|---|---|---|---|---|---|---|---|"]
    lines += [f"| {r['printed']} | {r['size_px']} | {r['digit_height_px']} | {r['photos']} | {r['read']} | {r['withheld']} | "
              f"{r['missed']} | {r['other']} | {r['read_rate']:.3f} |" for r in rows]
    return rows, "\n".join(lines)


def misses(readings: list[Reading]) -> str:
    out = []
    for r in readings:
        if r.outcome != "read":
            seen = "; ".join(repr(t) for t in r.npn_lines) or "no line with NPN or its digits"
            shown = f", as read {r.as_read}" if r.as_read else ""
            way = "" if r.upright else ", running up"
            out.append(f"- {r.photo}, {r.size} px{way}, printed {r.printed!r}: {r.outcome} (NPN {r.read or '—'}{shown}); "
                       f"lines: {seen}")
    return "\n".join(out) or "(none)"


def plot(rows: list[dict], path: Path) -> None:
    """Stacked bars per digit height, printed across (left) and running up (right, hatched)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    heights = sorted({r["digit_height_px"] for r in rows})
    ways = [w for w in ("across", "running up") if any(r.get("printed", "across") == w for r in rows)]
    fig, ax = plt.subplots(figsize=(7, 3.8))
    width = 0.8 / len(ways)
    for k, way in enumerate(ways):
        mine = {r["digit_height_px"]: r for r in rows if r.get("printed", "across") == way}
        xs = [i + (k - (len(ways) - 1) / 2) * width for i, h in enumerate(heights) if h in mine]
        got = [mine[h] for h in heights if h in mine]
        read = [r["read_rate"] for r in got]
        withheld = [r["withheld"] / r["photos"] for r in got]
        other = [r["other"] / r["photos"] for r in got]
        hatch = None if way == "across" else "//"
        ax.bar(xs, read, width, color="#2e7d32", hatch=hatch, edgecolor="white", label=f"read ({way})")
        ax.bar(xs, withheld, width, bottom=read, color="#f9a825", hatch=hatch, edgecolor="white",
               label="shown as read, not proposed" if k == 0 else None)
        ax.bar(xs, other, width, bottom=[a + b for a, b in zip(read, withheld)], color="#c62828", hatch=hatch,
               edgecolor="white", label="another number proposed" if k == 0 else None)
    ax.set_xticks(range(len(heights)), [f"{h} px" for h in heights])
    ax.set_ylim(0, 1)
    ax.set_xlabel("height of the printed digits on a 12 MP photo")
    ax.set_ylabel("share of photos")
    ax.set_title("NPN printed on the real photos: read")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=4, fontsize=8, frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def record(rows: list[dict], text: str, readings: list[Reading], seed: int) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    md = RESULTS / "real_npn_printed.md"
    notes = md.read_text(encoding="utf-8").split(NOTES, 1)[1] if md.exists() and NOTES in md.read_text(encoding="utf-8") else "\n"
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    body = (f"# An NPN printed on the real photos ({stamp})\n\n`python benchmarks/real_npn_printed.py --record` "
            f"(seed {seed}): each development photo with \"NPN 80xxxxxx\" printed on its plainest patch, read alone "
            "(see the script's docstring).\n\n" + text + "\n\n![read rate by size](real_npn_printed.png)\n\n"
            "## Every reading that was not the number printed\n\n" + misses(readings) + "\n\n" + NOTES + notes)
    md.write_text(body, encoding="utf-8")
    (RESULTS / "real_npn_printed.json").write_text(json.dumps(
        {"recorded": stamp, "seed": seed, "rows": rows, "readings": [asdict(r) for r in readings]}, indent=1), encoding="utf-8")
    plot(rows, RESULTS / "real_npn_printed.png")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--photos-dir", type=Path, default=ROOT.parent / "shared" / "realphotos")
    parser.add_argument("--photos", type=int, default=None, help="only the first N photos")
    parser.add_argument("--sizes", default="12,15,18,22,30,40", help="type sizes in pixels (a 12 MP photo)")
    parser.add_argument("--seed", type=int, default=2718)
    parser.add_argument("--work", type=Path, default=None, help="keep the changed photos here (default: a temporary folder)")
    parser.add_argument("--running-up", choices=("no", "also", "only"), default="also",
                        help="also (or only) print the numbers running up, as labels print them along a side's edge")
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    import tempfile

    photos = sorted(p for p in args.photos_dir.iterdir() if p.suffix.lower() in {".jpg", ".jpeg"})[: args.photos]
    sizes = [int(s) for s in args.sizes.split(",")]
    work = args.work or Path(tempfile.mkdtemp(prefix="cyclops-npn-"))
    work.mkdir(parents=True, exist_ok=True)
    readings = [] if args.running_up == "only" else run(photos, sizes, args.seed, work)
    if args.running_up in ("also", "only"):  # its own draw of numbers and spots, after the upright ones
        readings += run(photos, sizes, args.seed + 1, work, upright=False)
    rows, text = table(readings, sizes)
    print(text)
    print("\n" + misses(readings))
    if args.record:
        record(rows, text, readings, args.seed)


if __name__ == "__main__":
    main()
