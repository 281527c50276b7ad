"""Load test of mapi on 127.0.0.1: realistic 4-photo products in phases (warm-up, concurrency 1, 4, 8, a soak),
latency percentiles, errors, throughput per core, worker memory over the soak and after an idle pause.

Issue 17's targets: >= 100 analyses at concurrency 4 and 8 with 0 errors, products per minute per core recorded,
worker RSS back under 700 MB after the run with no growth over a 500-analysis soak, and a 4-photo product
<= 3 s p95 end to end (measured at concurrency 1, so queueing behind other products is not counted).

    # full run (what the targets ask for), written to benchmarks/results/ with --record
    python benchmarks/load_test.py --start --record
    # quick try
    python benchmarks/load_test.py --start --per-phase 20 --soak 60

``--start`` runs a real mapi (``uvicorn --factory cyclops.mapi.app:create_app``, one worker process per core) on
a fresh store, catalogue and OCR cache, with the synthetic LNHPD sample as its reference database, so the products
(rendered by ``cyclops.synth`` from licences of that sample) match real licences. Each product is 4 photos: the
faces of one synthetic package, topped up with further shots of the same licence. One byte appended per request
makes every photo new to the OCR cache. Bounded by ``--max-seconds``; only ever talks to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
RESULTS = HERE / "results"
DATA = OUT / "load_test-data"  # the reference database, built once and reused
MB = 1024 * 1024
#: the full run's sizes: what issue 17's targets ask for
FULL = {"per_phase": 100, "soak": 500}
NOTES_MARK = "<!-- notes: kept when the script rewrites this file -->"


# --- products ---------------------------------------------------------------------------------------------------


def render_products(k: int, seed: int, photos: int = 4) -> list[list[tuple[str, bytes]]]:
    """``k`` distinct products of licences in the synthetic LNHPD sample, ``photos`` photos each.

    A synthetic package has 2-3 faces; the rest are further shots of the same licence (another seed), as an
    inspector who retakes a photo would send."""
    from cyclops.evaluate.run import SAMPLE_SEED, SAMPLE_SIZE
    from cyclops.lnhpd.sample import generate
    from cyclops.synth.config import SynthConfig
    from cyclops.synth.product import synthesize_product

    pairs = generate(SAMPLE_SIZE, SAMPLE_SEED)
    config = SynthConfig()
    products = []
    for i in range(k):
        en, fr = pairs[(seed * 7919 + i * 131) % len(pairs)]
        shots: list[tuple[str, bytes]] = []
        take = 0
        while len(shots) < photos:
            truth, files = synthesize_product(en, fr, seed * 100_003 + i * 17 + take, config)
            shots += [(f"t{take}_{img.file}", files[img.id]) for img in truth.images]
            take += 1
        products.append(shots[:photos])
    return products


def mime(name: str) -> str:
    return {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}.get(
        name.rsplit(".", 1)[-1].lower(), "application/octet-stream")


# --- mapi and its workers ---------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_mapi(workers: int, data_dir: Path, reference: Path, log_path: Path) -> tuple[subprocess.Popen, str]:
    """A real uvicorn mapi on 127.0.0.1 with a fresh data folder; waits until /readyz says the models are loaded."""
    port = free_port()
    env = {**os.environ, "CYCLOPS_MAPI_WORKERS": str(workers), "CYCLOPS_DATA_DIR": str(data_dir),
           "CYCLOPS_LNHPD_DB": str(reference), "CYCLOPS_MAPI_RATE_LIMIT": "0"}
    for name in ("CYCLOPS_STORE", "CYCLOPS_MONGO_URL", "CYCLOPS_MAPI_URL"):  # this run's own embedded ones
        env.pop(name, None)
    log = open(log_path, "wb")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", "cyclops.mapi.app:create_app",
                             "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"mapi exited ({proc.returncode}); see {log_path}")
        with contextlib.suppress(httpx.HTTPError):  # not listening yet: ask again
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return proc, url
        time.sleep(0.5)
    proc.terminate()
    raise SystemExit(f"mapi was not ready in 300 s; see {log_path}")


def worker_processes(root_pid: int) -> list[psutil.Process]:
    """mapi's pool workers: the spawned children of the uvicorn process (not multiprocessing's resource tracker)."""
    out = []
    for child in psutil.Process(root_pid).children(recursive=True):
        try:
            if "resource_tracker" not in " ".join(child.cmdline()):
                out.append(child)
        except psutil.Error:
            continue
    return out


def memory_sample(root_pid: int, done: int) -> dict:
    """RSS (and USS: memory no other process shares) of mapi's main process and each worker, in MB."""
    row: dict = {"analyses": done, "t": round(time.time(), 1), "loadavg1": round(os.getloadavg()[0], 2), "workers": {}}
    try:
        main = psutil.Process(root_pid)
        row["main_rss_mb"] = round(main.memory_info().rss / MB, 1)
        for w in worker_processes(root_pid):
            info = w.memory_full_info()
            row["workers"][str(w.pid)] = {"rss_mb": round(info.rss / MB, 1), "uss_mb": round(info.uss / MB, 1)}
    except psutil.Error as exc:
        row["error"] = f"{type(exc).__name__}: {exc}"
    return row


def cpu_seconds(root_pid: int) -> float:
    """User + system CPU seconds used so far by mapi and its workers (how much of the shared cores it got)."""
    try:
        procs = [psutil.Process(root_pid), *worker_processes(root_pid)]
        return sum(p.cpu_times().user + p.cpu_times().system for p in procs)
    except psutil.Error:
        return float("nan")


# --- one phase --------------------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (no interpolation: a reported p95 is a latency that happened)."""
    ordered = sorted(values)
    return round(ordered[max(0, math.ceil(q * len(ordered)) - 1)], 3) if ordered else None


@dataclass
class Phase:
    name: str
    requests: int
    concurrency: int
    sample_every: int = 0  # memory sample every N finished analyses (0: only before and after)
    latencies: list[float] = field(default_factory=list)
    timings: list[dict] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    not_sent: int = 0
    memory: list[dict] = field(default_factory=list)


async def run_phase(client: httpx.AsyncClient, phase: Phase, products: list, counter: list[int], root_pid: int | None,
                    deadline: float, engine: str | None) -> dict:
    sem = asyncio.Semaphore(phase.concurrency)
    done = [0]
    if root_pid:
        phase.memory.append(memory_sample(root_pid, 0))
    cpu0 = cpu_seconds(root_pid) if root_pid else float("nan")

    async def one() -> None:
        async with sem:
            if time.monotonic() > deadline:
                phase.not_sent += 1
                return
            n = counter[0]
            counter[0] += 1
            product = products[n % len(products)]
            # one byte (a 4-byte counter) after the image's end: a new photo for the OCR cache, the same pixels
            files = [("photos", (name, data + n.to_bytes(4, "big"), mime(name))) for name, data in product]
            t0 = time.perf_counter()
            try:
                r = await client.post("/v1/analyses", files=files, data={"engine": engine} if engine else {},
                                      timeout=max(5.0, deadline - time.monotonic() + 60))
                key = "ok" if r.status_code == 200 else f"http_{r.status_code}"
            except httpx.HTTPError as exc:
                key, r = type(exc).__name__, None
            if key == "ok":
                phase.latencies.append(time.perf_counter() - t0)
                phase.timings.append(r.json().get("timings", {}))
            else:
                phase.errors[key] = phase.errors.get(key, 0) + 1
            done[0] += 1
            if root_pid and phase.sample_every and done[0] % phase.sample_every == 0:
                phase.memory.append(memory_sample(root_pid, done[0]))

    t0 = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(phase.requests)))
    wall = time.perf_counter() - t0
    cpu = (cpu_seconds(root_pid) - cpu0) if root_pid else float("nan")
    if root_pid and (not phase.memory or phase.memory[-1]["analyses"] != done[0]):
        phase.memory.append(memory_sample(root_pid, done[0]))
    return summarise(phase, wall, cpu)


def summarise(phase: Phase, wall: float, cpu: float) -> dict:
    ok = len(phase.latencies)
    cores = os.cpu_count() or 1
    per_min = 60 * ok / wall if wall else 0.0
    stages = sorted({k for t in phase.timings for k in t})
    return {
        "phase": phase.name,
        "requests": phase.requests,
        "concurrency": phase.concurrency,
        "ok": ok,
        "errors": sum(phase.errors.values()),
        "error_kinds": phase.errors,
        "not_sent_time_limit": phase.not_sent,
        "wall_seconds": round(wall, 2),
        "products_per_minute": round(per_min, 2),
        "products_per_minute_per_core": round(per_min / cores, 2),
        # CPU mapi actually got: on shared cores this, not wall time, is the cost of one product
        "mapi_cpu_seconds_per_product": round(cpu / ok, 2) if ok and cpu == cpu else None,
        "mapi_share_of_machine": round(cpu / (wall * cores), 2) if wall and cpu == cpu else None,
        "latency_seconds": {"p50": percentile(phase.latencies, 0.5), "p90": percentile(phase.latencies, 0.9),
                            "p95": percentile(phase.latencies, 0.95), "p99": percentile(phase.latencies, 0.99),
                            "mean": round(statistics.fmean(phase.latencies), 3) if ok else None,
                            "max": round(max(phase.latencies), 3) if ok else None},
        # the worker's own time per stage (analysis.timings); end to end minus "total" is queueing, upload, storing
        "stage_seconds_median": {s: round(statistics.median(t[s] for t in phase.timings if s in t), 3) for s in stages},
        "stage_seconds_p95": {s: percentile([t[s] for t in phase.timings if s in t], 0.95) for s in stages},
        "latencies": [round(x, 3) for x in phase.latencies],
        "memory": phase.memory,
    }


async def run_all(url: str, token: str | None, phases: list[Phase], products: list, root_pid: int | None,
                  max_seconds: float, engine: str | None) -> list[dict]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    deadline = time.monotonic() + max_seconds
    counter = [0]
    results = []
    limits = httpx.Limits(max_connections=max(p.concurrency for p in phases) + 2)
    async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits) as client:
        for phase in phases:
            result = await run_phase(client, phase, products, counter, root_pid, deadline, engine)
            results.append(result)
            print(row_text(result), flush=True)
    return results


# --- reporting --------------------------------------------------------------------------------------------------

HEADER = ("| phase | conc. | ok | errors | not sent | products/min | per core | mapi CPU s/product | p50 s | p90 s | p95 s "
          "| p99 s | worker OCR median s |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|")


def row_text(r: dict) -> str:
    lat = r["latency_seconds"]
    return (f"| {r['phase']} | {r['concurrency']} | {r['ok']} | {r['errors']} | {r['not_sent_time_limit']} "
            f"| {r['products_per_minute']} | {r['products_per_minute_per_core']} | {r['mapi_cpu_seconds_per_product']} "
            f"| {lat['p50']} | {lat['p90']} | {lat['p95']} | {lat['p99']} | {r['stage_seconds_median'].get('ocr')} |")


def soak_growth(soak: dict) -> dict:
    """Worker RSS at the soak's first and last samples (per worker and summed), and the slope per 100 analyses."""
    samples = [m for m in soak["memory"] if m.get("workers")]
    if len(samples) < 2:
        return {}
    first, last = samples[0], samples[-1]
    total = [sum(w["rss_mb"] for w in m["workers"].values()) for m in samples]
    xs = [m["analyses"] for m in samples]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(total)
    var = sum((x - mean_x) ** 2 for x in xs)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, total)) / var if var else 0.0
    # the second half's slope: a warm-up rise early on is not growth; a rise that keeps going is
    half = len(xs) // 2
    hx, hy = xs[half:], total[half:]
    hmx, hmy = statistics.fmean(hx), statistics.fmean(hy)
    hvar = sum((x - hmx) ** 2 for x in hx)
    hslope = sum((x - hmx) * (y - hmy) for x, y in zip(hx, hy)) / hvar if hvar else 0.0
    same = set(first["workers"]) == set(last["workers"])
    return {"workers_total_rss_mb_first": round(total[0], 1), "workers_total_rss_mb_last": round(total[-1], 1),
            "slope_mb_per_100_analyses": round(100 * slope, 1), "second_half_slope_mb_per_100": round(100 * hslope, 1),
            "same_worker_pids": same, "max_worker_rss_mb": max(w["rss_mb"] for m in samples for w in m["workers"].values())}


def plot(results: list[dict], after: dict | None, path: Path, label: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.5))
    shown = [r for r in results if r["latencies"]]
    ax1.boxplot([r["latencies"] for r in shown], whis=(5, 95), showfliers=True)
    ax1.set_xticks(range(1, len(shown) + 1), [f"{r['phase']}\n(c={r['concurrency']}, n={r['ok']})" for r in shown])
    ax1.axhline(3.0, color="red", linestyle="--", linewidth=1, label="target: p95 <= 3 s (concurrency 1)")
    ax1.set_ylabel("seconds, end to end per 4-photo product")
    ax1.set_title("latency per phase (whiskers p5-p95)")
    ax1.legend(loc="upper left", fontsize=8)
    soak = next((r for r in results if r["phase"] == "soak"), None)
    if soak:
        pids = sorted({pid for m in soak["memory"] for pid in m.get("workers", {})})
        for pid in pids:
            pts = [(m["analyses"], m["workers"][pid]["rss_mb"]) for m in soak["memory"] if pid in m.get("workers", {})]
            ax2.plot([p[0] for p in pts], [p[1] for p in pts], marker=".", label=f"worker {pid} RSS")
            if after and pid in after.get("workers", {}):
                ax2.scatter([pts[-1][0]], [after["workers"][pid]["rss_mb"]], marker="x", s=60,
                            label=f"worker {pid} after idle")
        ax2.axhline(700, color="red", linestyle="--", linewidth=1, label="target: < 700 MB after the run")
        ax2.set_xlabel("analyses into the soak")
        ax2.set_ylabel("MB")
        ax2.set_title("mapi worker memory over the soak")
        ax2.legend(fontsize=7)
    fig.suptitle(f"mapi load test ({label} run) - {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def verdicts(report: dict) -> list[str]:
    """Each target of issue 17 this run speaks to, met or missed, in one line."""
    by = {r["phase"]: r for r in report["phases"]}
    lines = []
    c1 = by.get("concurrency 1")
    if c1 and c1["latency_seconds"]["p95"] is not None:
        p95 = c1["latency_seconds"]["p95"]
        lines.append(f"- 4-photo product <= 3 s p95 end to end: p95 {p95} s at concurrency 1 "
                     f"(n={c1['ok']}) -> {'met' if p95 <= 3 else 'MISSED'}")
    for name in ("concurrency 4", "concurrency 8"):
        r = by.get(name)
        if r:
            ok = r["ok"] >= 100 and r["errors"] == 0 and r["not_sent_time_limit"] == 0
            lines.append(f"- >= 100 analyses at {name} with 0 errors: {r['ok']} ok, {r['errors']} errors, "
                         f"{r['not_sent_time_limit']} not sent -> {'met' if ok else ('errors' if r['errors'] else 'too few (reduced run)')}")
    growth = report.get("soak_growth") or {}
    after = report.get("memory_after_idle") or {}
    if after.get("workers"):
        worst = max(w["rss_mb"] for w in after["workers"].values())
        lines.append(f"- worker RSS back under 700 MB after the run: largest worker {worst} MB after "
                     f"{report['idle_seconds']} s idle -> {'met' if worst < 700 else 'MISSED'}")
    if growth:
        lines.append(f"- no growth over the soak ({report['sizes']['soak']} analyses): workers' total RSS "
                     f"{growth['workers_total_rss_mb_first']} -> {growth['workers_total_rss_mb_last']} MB, "
                     f"slope {growth['slope_mb_per_100_analyses']} MB/100 analyses "
                     f"(second half {growth['second_half_slope_mb_per_100']})")
    return lines


def write_markdown(report: dict, path: Path) -> None:
    """The figures and verdicts are rewritten each run; the hand-written notes below NOTES_MARK are kept."""
    notes = ""
    if path.exists():
        old = path.read_text(encoding="utf-8")
        if NOTES_MARK in old:
            notes = old[old.index(NOTES_MARK) + len(NOTES_MARK):]
    m = report["machine"]
    text = [
        "# mapi under load: realistic 4-photo products, concurrency 1 / 4 / 8, a memory soak", "",
        f"**This is a {report['run'].upper()} run** ({report['sizes']['per_phase']} analyses per phase, soak "
        f"{report['sizes']['soak']}){'' if report['run'] == 'full' else '; the targets need the full run: ' + chr(96) + report['full_command'] + chr(96)}.",
        "", f"Command: `{report['command']}`", "",
        f"Machine: {m['cores']} cores, mapi with {report['workers']} worker processes; load average (1/5/15 min) "
        f"{m['loadavg_before']} before, {m['loadavg_after']} after. {m['note']}", "",
        f"Products: {report['products']} distinct synthetic products of 4 photos each (1600x1200-class JPEG/PNG), "
        f"cycled; one byte varied per request so the OCR cache never answers. Run {report['started']} - "
        f"{report['finished']} ({report['wall_seconds']} s).", "",
        HEADER, *[row_text(r) for r in report["phases"]], "",
        "products/min per core = products per minute / os.cpu_count(); *mapi CPU s/product* is the CPU time mapi "
        "(main process and workers) used per product: the machine-independent cost, since on shared cores "
        "wall time also counts other people's work.", "",
        "## Against issue 17's targets", "", *verdicts(report), "",
        "## Worker memory", "",
        f"After the run and {report['idle_seconds']} s idle: "
        + ", ".join(f"worker {pid} {w['rss_mb']} MB RSS ({w['uss_mb']} MB USS)"
                    for pid, w in (report.get("memory_after_idle") or {}).get("workers", {}).items())
        + f"; main process {(report.get('memory_after_idle') or {}).get('main_rss_mb')} MB.", "",
        f"Soak: `{json.dumps(report.get('soak_growth') or {})}`", "",
        "![latency per phase and worker memory](load_test.png)", "",
        "## Time per stage (the worker's own `analysis.timings`, median s)", "",
        "| phase | " + " | ".join(report["stages"]) + " | end to end p50 |",
        "|---|" + "---|" * (len(report["stages"]) + 1),
        *[f"| {r['phase']} | " + " | ".join(str(r["stage_seconds_median"].get(s, "")) for s in report["stages"])
          + f" | {r['latency_seconds']['p50']} |" for r in report["phases"]], "",
        NOTES_MARK,
    ]
    path.write_text("\n".join(text) + (notes if notes.strip() else "\n"), encoding="utf-8")


# --- main -------------------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--start", action="store_true", help="start a local mapi for the run (else --url)")
    p.add_argument("--url", default=None, help="a running mapi on 127.0.0.1 (no memory figures then)")
    p.add_argument("--token", default=os.environ.get("CYCLOPS_MAPI_TOKEN"))
    p.add_argument("--workers", type=int, default=0, help="mapi worker processes (0: one per core)")
    p.add_argument("--products", type=int, default=12, help="distinct 4-photo products, cycled")
    p.add_argument("--seed", type=int, default=17)
    p.add_argument("--warmup", type=int, default=4, help="analyses before the measured phases (models, caches)")
    p.add_argument("--per-phase", type=int, default=FULL["per_phase"], help="analyses at each concurrency")
    p.add_argument("--concurrency", type=int, nargs="*", default=[1, 4, 8])
    p.add_argument("--soak", type=int, default=FULL["soak"], help="analyses in the memory soak (0: none)")
    p.add_argument("--soak-concurrency", type=int, default=4)
    p.add_argument("--sample-every", type=int, default=20, help="worker memory sample every N soak analyses")
    p.add_argument("--idle-seconds", type=float, default=10, help="pause after the run before the last memory sample")
    p.add_argument("--max-seconds", type=float, default=7200, help="no request is sent after this; counted as not sent")
    p.add_argument("--engine", default=None)
    p.add_argument("--record", action="store_true", help="write benchmarks/results/load_test.{json,md,png}")
    return p.parse_args(argv)


def full_command(args: argparse.Namespace) -> str:
    return (f"OMP_THREAD_LIMIT=1 .venv/bin/python benchmarks/load_test.py --start --record --products {args.products} "
            f"--per-phase {FULL['per_phase']} --soak {FULL['soak']}")


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.url and not args.url.startswith(("http://127.0.0.1", "http://localhost")):
        raise SystemExit("this load test only talks to a mapi on 127.0.0.1")
    cores = os.cpu_count() or 1
    workers = args.workers or cores
    run = "full" if args.per_phase >= FULL["per_phase"] and args.soak >= FULL["soak"] else "reduced"
    print(f"rendering {args.products} products of 4 photos ...", flush=True)
    products = render_products(args.products, args.seed)
    phases = [Phase("warm-up", args.warmup, min(workers, max(1, args.warmup)))] if args.warmup else []
    phases += [Phase(f"concurrency {c}", args.per_phase, c) for c in args.concurrency]
    if args.soak:
        phases.append(Phase("soak", args.soak, args.soak_concurrency, sample_every=args.sample_every))

    proc, tmp, root_pid, url = None, None, None, args.url
    load_before = [round(x, 2) for x in os.getloadavg()]
    started = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    t0 = time.perf_counter()
    after = None
    try:
        if args.start or not url:
            from cyclops.evaluate.run import reference_db

            DATA.mkdir(parents=True, exist_ok=True)
            reference_db(DATA)  # builds the 2,000-licence sample once
            reference = next(DATA.glob("lnhpd-sample-*.sqlite"))
            tmp = Path(tempfile.mkdtemp(prefix="load_test-"))
            print(f"starting mapi ({workers} workers) ...", flush=True)
            proc, url = start_mapi(workers, tmp / "data", reference, tmp / "mapi.log")
            root_pid = proc.pid
        print(HEADER, flush=True)
        results = asyncio.run(run_all(url, args.token, phases, products, root_pid, args.max_seconds, args.engine))
        if root_pid:
            time.sleep(args.idle_seconds)
            after = memory_sample(root_pid, -1)
    finally:
        if proc:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    load_after = [round(x, 2) for x in os.getloadavg()]
    soak = next((r for r in results if r["phase"] == "soak"), None)
    report = {
        "run": run,
        "command": "python benchmarks/load_test.py " + " ".join(shlex.quote(a) for a in (argv or sys.argv[1:])),
        "full_command": full_command(args),
        "started": started,
        "finished": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
        "wall_seconds": round(time.perf_counter() - t0, 1),
        "workers": workers,
        "products": args.products,
        "sizes": {"per_phase": args.per_phase, "soak": args.soak, "warmup": args.warmup},
        "idle_seconds": args.idle_seconds,
        "machine": {"cores": cores, "loadavg_before": load_before, "loadavg_after": load_after,
                    "note": "The 2 cores are shared with other developers' work (tests, benchmarks) during the run, "
                            "so wall-time figures are pessimistic; mapi's own CPU seconds per product are not."
                    if cores <= 2 else ""},
        "phases": results,
        "stages": sorted({s for r in results for s in r["stage_seconds_median"]}),
        "soak_growth": soak_growth(soak) if soak else {},
        "memory_after_idle": after,
    }
    report["verdicts"] = verdicts(report)
    OUT.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    (OUT / f"load_test-{stamp}.json").write_text(json.dumps(report, indent=1))
    target = RESULTS if args.record else OUT
    prefix = "load_test" if args.record else f"load_test-{stamp}"
    if args.record:
        old_path = RESULTS / "load_test.json"
        if old_path.exists():
            old = json.loads(old_path.read_text())
            report["previous"] = {k: v for k, v in old.items() if k != "previous"}
        (RESULTS / "load_test.json").write_text(json.dumps(report, indent=1))
        write_markdown(report, RESULTS / "load_test.md")
    plot(results, after, target / f"{prefix}.png", run)
    print()
    print(HEADER)
    for r in results:
        print(row_text(r))
    print()
    print("\n".join(report["verdicts"]))
    print(f"\nload average before {load_before}, after {load_after}; written to {target}/{prefix}.*")
    print(f"\nthe full run (issue 17's sizes), on an idle machine:\n  {report['full_command']}")


if __name__ == "__main__":
    main()
