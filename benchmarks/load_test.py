"""Load test: N concurrent analyses against a mapi on 127.0.0.1; throughput, latency percentiles and errors.

    python benchmarks/load_test.py --url http://127.0.0.1:8000 --token T --photos label.jpg --requests 20 --concurrency 4
    python benchmarks/load_test.py --start   # starts its own mapi (CYCLOPS_* env) and a generated label

Bounded by --requests and --max-seconds; writes JSON to benchmarks/out/load_test-<time>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

OUT = Path(__file__).resolve().parent / "out"


def generated_label() -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", (1000, 500), "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 40)
    for i, text in enumerate(["Vitamin C 500 mg", "NPN 80012345", "Acme Naturals Inc."]):
        draw.text((40, 40 + i * 100), text, font=font, fill="black")
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else float("nan")


async def run(url: str, token: str | None, photos: list[tuple[str, bytes]], requests: int, concurrency: int, max_seconds: float, engine: str | None) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    latencies: list[float] = []
    errors: dict[str, int] = {}
    sem = asyncio.Semaphore(concurrency)
    deadline = time.monotonic() + max_seconds

    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=max_seconds) as client:

        async def one(i: int) -> None:
            async with sem:
                if time.monotonic() > deadline:
                    errors["not_sent_time_limit"] = errors.get("not_sent_time_limit", 0) + 1
                    return
                t0 = time.perf_counter()
                try:
                    # vary one byte so every request is a new photo (no OCR cache hits)
                    files = [("photos", (name, data + i.to_bytes(4, "big"), "image/png")) for name, data in photos]
                    r = await client.post("/v1/analyses", files=files, data={"engine": engine} if engine else {})
                    key = "ok" if r.status_code == 200 else f"http_{r.status_code}"
                except httpx.HTTPError as exc:
                    key = type(exc).__name__
                if key == "ok":
                    latencies.append(time.perf_counter() - t0)
                else:
                    errors[key] = errors.get(key, 0) + 1

        t_start = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(requests)))
        wall = time.perf_counter() - t_start
    return {
        "url": url,
        "requests": requests,
        "concurrency": concurrency,
        "ok": len(latencies),
        "errors": errors,
        "wall_seconds": round(wall, 3),
        "throughput_per_minute": round(60 * len(latencies) / wall, 2) if wall else 0,
        "latency_seconds": {
            "p50": round(percentile(latencies, 0.5), 3),
            "p90": round(percentile(latencies, 0.9), 3),
            "p99": round(percentile(latencies, 0.99), 3),
            "mean": round(statistics.fmean(latencies), 3) if latencies else None,
        },
    }


def start_mapi(workers: int) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "CYCLOPS_MAPI_WORKERS": str(workers)}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", "cyclops.mapi.app:create_app", "--port", str(port)], env=env)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("mapi did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=None)
    parser.add_argument("--token", default=os.environ.get("CYCLOPS_MAPI_TOKEN"))
    parser.add_argument("--photos", nargs="*", type=Path, default=[])
    parser.add_argument("--requests", type=int, default=8)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--max-seconds", type=float, default=600)
    parser.add_argument("--engine", default=None)
    parser.add_argument("--start", action="store_true", help="start a local mapi for the run")
    parser.add_argument("--workers", type=int, default=0, help="mapi workers when --start")
    args = parser.parse_args()
    photos = [(p.name, p.read_bytes()) for p in args.photos] or [("label.png", generated_label())]
    proc = None
    url = args.url
    if args.start or not url:
        proc, url = start_mapi(args.workers)
    try:
        result = asyncio.run(run(url, args.token, photos, args.requests, args.concurrency, args.max_seconds, args.engine))
    finally:
        if proc:
            proc.terminate()
            proc.wait(timeout=20)
    OUT.mkdir(parents=True, exist_ok=True)
    out = OUT / f"load_test-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))
    print(f"written to {out}")


if __name__ == "__main__":
    main()
