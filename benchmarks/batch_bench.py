"""Batch throughput on Dask: 1 and 2 workers on the same products, start-up kept apart from steady state.

    OMP_THREAD_LIMIT=1 python benchmarks/batch_bench.py --products 24 --engine rapidocr

Each worker count gets a fresh `LocalCluster` (its start is timed), then the real batch code,
`cyclops.batch.run_batch`, runs against it with a fresh store, catalogue and OCR cache (nothing is
skipped or cached). A scheduler plugin records when each product finishes, on which worker, and its
compute time there, so the run splits into:

- start-up: the cluster's start, then the wait for the first finished product (hashing the photos,
  imports and model loading on the worker);
- steady state: products per minute from the moment every worker has finished its first product
  (all warm) to the moment the first worker runs out of work (all busy until then).

The issue 17 target is >= 1.8x steady state from 1 to 2 workers on >= 24 products on an idle machine:
run it with nothing else on the cores (the load average is recorded). The products are synthetic labels of
licences in the 2,000-licence sample, which is the reference database unless CYCLOPS_LNHPD_DB names
another (built once into benchmarks/out/batch_bench-data/). Writes JSON and a PNG to benchmarks/out/.

Reading it: by default one worker's RapidOCR runs 2 onnxruntime threads (``CYCLOPS_OCR_THREADS``), so on 2
cores a second worker mostly shares the same cores; the median compute time per product shows it (it grows
from 1 to 2 workers when the cores are saturated). ``--ocr-threads 1`` gives each worker one core, as the
Dask worker pods run (``deploy/k8s/components/dask``): then workers scale with cores. The JSON records the
cores, the load and the OCR threads per worker.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
TARGET_PRODUCTS = 24
TARGET_SPEEDUP = 1.8


def make_products(folder: Path, n: int, seed: int) -> None:
    """``n`` synthetic products (one sub-folder of photos each) of licences in the reference sample."""
    from cyclops.evaluate.run import build_synthetic_set

    for i, (truth, images) in enumerate(build_synthetic_set(folder / "synth", n, seed)):
        product = folder / "products" / f"p{i:03d}"
        product.mkdir(parents=True)
        for image_id, path in images.items():
            (product / f"{image_id}{path.suffix}").write_bytes(path.read_bytes())


def reference_database() -> Path:
    """CYCLOPS_LNHPD_DB when set, else the 2,000-licence sample the products are drawn from (built once)."""
    if os.environ.get("CYCLOPS_LNHPD_DB"):
        return Path(os.environ["CYCLOPS_LNHPD_DB"])
    from cyclops.evaluate.run import SAMPLE_SEED, SAMPLE_SIZE, reference_db

    folder = OUT / "batch_bench-data"
    reference_db(folder).close()  # built once; the workers open it themselves
    return folder / f"lnhpd-sample-{SAMPLE_SEED}-{SAMPLE_SIZE}.sqlite"


def completions_plugin():
    """A scheduler plugin that records (time, worker, compute seconds, state) of each finished product task."""
    from dask.utils import key_split
    from distributed.diagnostics.plugin import SchedulerPlugin

    class Completions(SchedulerPlugin):
        name = "batch-bench-completions"

        def __init__(self) -> None:
            self.done: list[tuple[float, str, float, str]] = []

        def transition(self, key, start, finish, *args, **kwargs):
            if finish in ("memory", "erred") and key_split(key) == "analyse_product":  # erred: left out of the phases
                compute = sum(s["stop"] - s["start"] for s in kwargs.get("startstops", ()) if s.get("action") == "compute")
                self.done.append((time.perf_counter(), str(kwargs.get("worker", "?")), compute, finish))

    return Completions()


def phases(t_start: float, done: list[tuple[float, str, float, str]]) -> dict:
    """Split one run's successful completions into start-up and steady state (see the module docstring)."""
    done = [d for d in done if d[3] == "memory"]
    times = sorted(t for t, *_ in done)
    if not times:
        return {"first_product_seconds": None, "steady_products": 0, "steady_seconds": None, "steady_products_per_minute": None}
    by_worker: dict[str, list[float]] = {}
    for t, worker, *_ in done:
        by_worker.setdefault(worker, []).append(t)
    warm = max(min(ts) for ts in by_worker.values())  # every worker has finished one product
    busy_until = min(max(ts) for ts in by_worker.values())  # the first worker to run out of work
    window = [t for t in times if warm < t <= busy_until]
    seconds = busy_until - warm
    return {
        "first_product_seconds": round(times[0] - t_start, 2),
        "all_warm_seconds": round(warm - t_start, 2),
        "workers_used": len(by_worker),
        "steady_products": len(window),
        "steady_seconds": round(seconds, 2) if window else None,
        "steady_products_per_minute": round(60 * len(window) / seconds, 2) if window and seconds > 0 else None,
    }


def run_one(root: Path, workers: int, engine: str | None) -> tuple[dict, list[float]]:
    """One fresh cluster of ``workers`` processes and one batch over every product; returns the row and completion times."""
    from distributed import LocalCluster

    from cyclops.batch import run_batch
    from cyclops.settings import get_settings

    os.environ["CYCLOPS_DATA_DIR"] = str(root / f"data-{workers}")  # fresh catalogue and OCR cache: nothing skipped
    get_settings.cache_clear()
    t0 = time.perf_counter()
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
    try:
        cluster_seconds = time.perf_counter() - t0
        plugin = completions_plugin()
        cluster.scheduler.add_plugin(plugin)
        t_batch = time.perf_counter()
        report = run_batch(root / "products", str(root / f"store-{workers}"), scheduler=cluster.scheduler_address, engine=engine, progress=False)
        wall = time.perf_counter() - t_batch
    finally:
        cluster.close()
    compute = [c for _, _, c, state in plugin.done if state == "memory" and c > 0]
    row = {
        "workers": workers,
        "products": len(report.analysed) + len(report.failed) + len(report.skipped),
        "analysed": len(report.analysed),
        "failed": len(report.failed),
        "cluster_start_seconds": round(cluster_seconds, 2),
        **phases(t_batch, plugin.done),
        "batch_wall_seconds": round(wall, 2),
        "overall_products_per_minute": round(60 * len(report.analysed) / (wall + cluster_seconds), 2),
        "median_compute_seconds": round(statistics.median(compute), 2) if compute else None,
        "errors": [f.error for f in report.failed][:3],
    }
    return row, [t - t_batch for t, *_ in sorted(plugin.done)]


def table(rows: list[dict]) -> str:
    lines = [
        "| workers | products | analysed | failed | cluster start s | first product s | steady products / min (products, s) | overall products / min | median compute s / product |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        steady = f"{r['steady_products_per_minute']} ({r['steady_products']}, {r['steady_seconds']})" if r["steady_products_per_minute"] else "n/a"
        lines.append(
            f"| {r['workers']} | {r['products']} | {r['analysed']} | {r['failed']} | {r['cluster_start_seconds']} | {r['first_product_seconds']} "
            f"| {steady} | {r['overall_products_per_minute']} | {r['median_compute_seconds']} |"
        )
    return "\n".join(lines)


def speedups(rows: list[dict]) -> dict:
    """Steady-state and overall speed-up of each worker count over the smallest one."""
    base = min(rows, key=lambda r: r["workers"])
    out = {}
    for r in rows:
        if r is base:
            continue
        steady = (r["steady_products_per_minute"] / base["steady_products_per_minute"]
                  if r["steady_products_per_minute"] and base["steady_products_per_minute"] else None)
        out[f"{base['workers']}->{r['workers']}"] = {
            "steady": round(steady, 2) if steady else None,
            "overall": round(r["overall_products_per_minute"] / base["overall_products_per_minute"], 2) if base["overall_products_per_minute"] else None,
        }
    return out


def plot(rows: list[dict], curves: dict[int, list[float]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for r in rows:
        times = curves[r["workers"]]
        ax.step([0, *times], range(len(times) + 1), where="post", label=f"{r['workers']} worker(s): steady {r['steady_products_per_minute']} / min")
        if r.get("all_warm_seconds") is not None:
            ax.axvline(r["all_warm_seconds"], linestyle=":", color=ax.lines[-1].get_color())
    ax.set_xlabel("seconds since the batch started (cluster already up; dotted: every worker warm)")
    ax.set_ylabel("products finished")
    ax.set_title("cyclops batch on Dask: products finished over time")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def ocr_threads() -> int:
    """The onnxruntime threads each worker's RapidOCR engine runs (``CYCLOPS_OCR_THREADS``, inherited by the workers)."""
    from cyclops.settings import get_settings

    get_settings.cache_clear()
    return get_settings().ocr_threads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--products", type=int, default=TARGET_PRODUCTS)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--engine", default=None)
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--ocr-threads", type=int, default=None,
                        help="CYCLOPS_OCR_THREADS for every worker (1: one core a worker, as the Dask worker pods run)")
    args = parser.parse_args()
    if args.ocr_threads is not None:
        os.environ["CYCLOPS_OCR_THREADS"] = str(args.ocr_threads)  # the workers' processes inherit it

    import dask

    # each run's fresh data folder would hide a database kept there: name it
    os.environ["CYCLOPS_LNHPD_DB"] = str(reference_database())
    load = os.getloadavg()
    if load[0] > 0.5:
        print(f"warning: load average {load[0]:.2f} before the run: the machine is not idle, figures will be low")
    if args.products < TARGET_PRODUCTS:
        print(f"note: {args.products} products; the issue 17 target is measured on >= {TARGET_PRODUCTS}")
    rows, curves = [], {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        make_products(root, args.products, args.seed)
        for workers in args.workers:
            row, times = run_one(root, workers, args.engine)
            rows.append(row)
            curves[workers] = times
            print(row)
            if row["failed"]:
                print(f"warning: {row['failed']} products failed, left out of the rates; first error: {row['errors'][0]}")
    gains = speedups(rows)
    print(table(rows))
    for pair, gain in gains.items():
        verdict = "meets" if gain["steady"] and gain["steady"] >= TARGET_SPEEDUP else "misses"
        print(f"speed-up {pair}: steady {gain['steady']}x ({verdict} the {TARGET_SPEEDUP}x target), overall {gain['overall']}x")
    OUT.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    result = {
        "command": f"python benchmarks/batch_bench.py --products {args.products} --seed {args.seed} --engine {args.engine} --workers {' '.join(map(str, args.workers))}"
                   + (f" --ocr-threads {args.ocr_threads}" if args.ocr_threads is not None else ""),
        "machine": {"cpus": os.cpu_count(), "load_average_before": [round(x, 2) for x in load], "omp_thread_limit": os.environ.get("OMP_THREAD_LIMIT"),
                    "rapidocr_threads_per_worker": ocr_threads(), "dask": dask.__version__},
        "rows": rows,
        "speedups": gains,
        "completion_seconds": {str(k): [round(t, 2) for t in v] for k, v in curves.items()},
    }
    out = OUT / f"batch_bench-{stamp}.json"
    out.write_text(json.dumps(result, indent=1))
    plot(rows, curves, OUT / f"batch_bench-{stamp}.png")
    print(f"written to {out} and {out.with_suffix('.png')}")


if __name__ == "__main__":
    main()
