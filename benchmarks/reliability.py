"""Reliability and security figures of mapi (issue 14, items 2, 4, 5, 6, 7), measured on this machine.

    python benchmarks/reliability.py [--before-load path/to/old/load.py] [--json out.json]

Each line is one probe of the issue's "Why": what a user sees now. ``--before-load`` also measures the
peak memory of the old loader (``git show dba8800:cyclops/load.py > /tmp/old_load.py``) on the PDF bomb.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.conftest import MapiLauncher, free_port
from tests.test_faults import HangingServer, alive, children, cpu_ticks, wait_for
from tests.test_hostile import pdf, png_header_only
from tests.test_mapi import label_png

TOKEN = "bench-token-0123456789abcdef"
RESULTS: list[dict[str, object]] = []


def record(probe: str, now: str, **figures: object) -> None:
    RESULTS.append({"probe": probe, "now": now, **figures})
    print(f"- {probe}: {now} {json.dumps(figures) if figures else ''}", flush=True)


PEAK = """
import resource, sys, time, importlib.util
sys.argv = sys.argv[1:]
spec = importlib.util.spec_from_file_location("loader", sys.argv[0])
loader = importlib.util.module_from_spec(spec); sys.modules["loader"] = loader; spec.loader.exec_module(loader)
data = open(sys.argv[1], "rb").read()
t0 = time.perf_counter()
try:
    out = loader.load_photo("huge.pdf", data)
    result = f"rendered {len(out)} pages"
except Exception as exc:
    result = f"{type(exc).__name__}: {exc}"[:160]
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, round(time.perf_counter() - t0, 2), result)
"""


def pdf_bomb(before_load: Path | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        bomb = Path(tmp) / "huge.pdf"
        bomb.write_bytes(pdf(12, 14_400, 14_400))  # twelve 200-inch pages in ~1.5 KB
        for label, loader in (("before", before_load), ("now", REPO / "cyclops" / "load.py")):
            if loader is None:
                continue
            out = subprocess.run([sys.executable, "-c", PEAK, str(loader), str(bomb)], capture_output=True, text=True,
                                 env={**os.environ, "CYCLOPS_DATA_DIR": tmp}, cwd=REPO, timeout=900, check=False)
            mb, seconds, result = out.stdout.strip().split(" ", 2)
            record(f"12-page 200-inch PDF ({bomb.stat().st_size} bytes), {label}", result, peak_rss_mb=int(mb), seconds=float(seconds))


def worker_faults(env: dict[str, str], root: Path) -> None:
    launcher = MapiLauncher(root)
    mapi = launcher.start({**env, "CYCLOPS_MAPI_WORKERS": "1"})
    try:
        wait_for(lambda: httpx.get(f"{mapi.url}/readyz", timeout=30).json()["status"] == "ready", 90)
        [worker] = children(mapi.process.pid)
        png = label_png((900, 300), ("Vitamin C 500 mg", "NPN 80012345"))
        result: dict[str, httpx.Response] = {}
        with mapi.client(TOKEN, timeout=120) as http:
            thread = threading.Thread(target=lambda: result.setdefault("r", http.post("/v1/analyses", files=[("photos", ("a.png", png))])))
            start = cpu_ticks(worker)
            thread.start()
            wait_for(lambda: cpu_ticks(worker) > start + 10, 30, 0.02)
            os.kill(worker, signal.SIGKILL)
            t0 = time.monotonic()
            thread.join(60)
            lost = result["r"]
            ok = wait_for(lambda: httpx.get(f"{mapi.url}/readyz", timeout=30).json()["status"] == "ready", 60, 0.05)
            rebuilt = time.monotonic() - t0
            statuses = [http.post("/v1/analyses", files=[("photos", ("a.png", png))]).status_code for _ in range(5)]
        record("worker SIGKILLed mid-analysis", f"that request {lost.status_code} {lost.json()['error']}; next 5 analyses {statuses}",
               readyz_ready_again_s=round(rebuilt, 2) if ok else None)
        workers = children(mapi.process.pid)
        mapi.process.send_signal(signal.SIGKILL)
        t0 = time.monotonic()
        gone = wait_for(lambda: not any(alive(p) for p in workers), 30, 0.02)
        record("main process SIGKILLed", f"{len(workers)} worker(s) {'exited' if gone else 'STILL ALIVE'}",
               seconds=round(time.monotonic() - t0, 2))
    finally:
        launcher.stop_all()


def limits(env: dict[str, str], root: Path) -> None:
    launcher = MapiLauncher(root)
    cap = 50 * 1024 * 1024
    mapi = launcher.start({**env, "CYCLOPS_MAPI_WORKERS": "-1", "CYCLOPS_MAX_REQUEST_BYTES": str(cap)})
    try:
        port = int(mapi.url.rsplit(":", 1)[1])
        for who, auth in (("no token", ""), ("valid token", f"Authorization: Bearer {TOKEN}\r\n")):
            sent, answer = flood(port, auth, 600 * 1024 * 1024)
            status = answer.split(b"\r\n", 1)[0].decode(errors="replace")
            record(f"600 MB chunked upload, {who} (cap {cap // 2**20} MiB)", status, client_could_send_mb=round(sent / 2**20, 1))
        stored = Path(env["CYCLOPS_DATA_DIR"]) / "store" / "photos"
        with mapi.client(TOKEN) as http:
            bad = [("x.jpg", b"not a photo"), ("b.png", png_header_only(20_000, 20_000)), ("c.pdf", pdf(30)),
                   ("d.jpg", b"\xff\xd8\xff\xe0 cut"), ("e.pdf", pdf(12, 14_400, 14_400))]
            codes = [http.post("/v1/analyses", files=[("photos", f)]).status_code for f in bad]
            record("5 refused uploads", f"answers {codes}", objects_stored=sorted(p.name for p in stored.glob("*")) if stored.exists() else [])
            aid = seed_analysis(env)
            big = http.post(f"/v1/analyses/{aid}/edits", json={"analyst": "ann", "field": "fields.npn.value",
                                                                "after": "9" * 20_000_000, "base_version": 0})
            record("20 MB edit value", f"{big.status_code} {big.json()['error']}")
            forged = http.post(f"/v1/analyses/{aid}/edits", json={"analyst": "mallory", "field": "fields.npn.value",
                                                                   "after": "1", "base_version": 0})
            sha = http.post(f"/v1/analyses/{aid}/edits", json={"analyst": "ann", "field": "images[0].sha256", "after": "0", "base_version": 0})
            flag = http.post(f"/v1/analyses/{aid}/edits", json={"analyst": "ann", "field": "flags[+]", "base_version": 0, "after": {
                "code": "X", "severity": "high", "message": "m", "message_fr": "m", "source": "pipeline"}})
            record("forged analyst / images[].sha256 / pipeline flag", f"{forged.status_code} {forged.json()['error']} / "
                   f"{sha.status_code} {sha.json()['error']} / {flag.status_code} {flag.json()['error']}")
            aid = seed_analysis(env, "20260101T000001-corrupt")  # never read by this mapi yet
            folder = Path(env["CYCLOPS_DATA_DIR"]) / "store" / "analyses" / aid
            for record_file in folder.glob("*.json"):
                record_file.write_text('{"analysis_id": "SECRET-CONTENTS", "fields": [')
            corrupt = http.get(f"/v1/analyses/{aid}", headers={"X-Request-ID": "bench-1"})
            record("corrupt analysis record", f"{corrupt.status_code} {corrupt.json()['error']}",
                   contents_in_answer="SECRET" in corrupt.text, request_id_in_answer="bench-1" in corrupt.text)
    finally:
        launcher.stop_all()


def seed_analysis(env: dict[str, str], analysis_id: str = "20260101T000000-bench") -> str:
    from cyclops.service.operations import Services
    from cyclops.model.analysis import Analysis, ImageInfo
    from cyclops.settings import Settings

    services = Services(Settings(data_dir=Path(env["CYCLOPS_DATA_DIR"])))
    a = Analysis(analysis_id=analysis_id, created_at="2026-01-01T00:00:00+00:00",
                 images=[ImageInfo(id="img0", sha256="a" * 64, width=1, height=1)])
    services.store.put_analysis(a)
    services.catalog.index_analysis(a)
    return a.analysis_id


def flood(port: int, auth: str, total: int) -> tuple[int, bytes]:
    sent = 0
    answer = b""
    with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
        s.sendall((f"POST /v1/analyses HTTP/1.1\r\nHost: x\r\n{auth}Content-Type: multipart/form-data; boundary=x\r\n"
                   "Transfer-Encoding: chunked\r\n\r\n").encode())
        head = b'--x\r\nContent-Disposition: form-data; name="photos"; filename="f.png"\r\n\r\n'
        s.sendall(b"%x\r\n%s\r\n" % (len(head), head))
        chunk = b"\0" * 65536
        try:
            while sent < total:
                s.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent += len(chunk)
        except OSError:
            pass
        try:
            while b"\r\n\r\n" not in answer:
                part = s.recv(65536)
                if not part:
                    break
                answer += part
        except OSError:
            pass
    return sent, answer


def hanging_store(root: Path) -> None:
    from fastapi.testclient import TestClient

    from cyclops.mapi.app import create_app
    from cyclops.settings import Settings

    os.environ.update({"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x", "AWS_DEFAULT_REGION": "us-east-1"})
    server = HangingServer()
    tokens = root / "tokens"
    settings = Settings(data_dir=root / "hang", store="s3://bucket/cyclops", s3_endpoint_url=f"http://127.0.0.1:{server.port}",
                        mapi_tokens_file=tokens)
    try:
        with TestClient(create_app(settings, workers=-1)) as client:
            t0 = time.monotonic()
            ready = client.get("/readyz")
            record("hanging S3: /readyz", f"{ready.status_code} {ready.json().get('storage')}", seconds=round(time.monotonic() - t0, 1))
            t0 = time.monotonic()
            got = client.get("/v1/analyses/20260101T000000-x", headers={"Authorization": f"Bearer {TOKEN}"})
            record("hanging S3: GET an analysis", f"{got.status_code} {got.json()['error']}", seconds=round(time.monotonic() - t0, 1))
    finally:
        server.close()


def tiff_frames() -> None:
    import io

    from PIL import Image

    from cyclops.load import load_photo

    colours = [(255, 0, 0), (0, 255, 0), (0, 0, 255)]
    frames = [Image.new("RGB", (40, 20), c) for c in colours]
    buf = io.BytesIO()
    frames[0].save(buf, "TIFF", save_all=True, append_images=frames[1:])
    got = [img.image.getpixel((1, 1)) for img in load_photo("three.tif", buf.getvalue())]
    record("three-frame TIFF", f"{len(got)} images, {len({*got})} distinct frames")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--before-load", type=Path, help="the old cyclops/load.py, to measure the PDF bomb before")
    parser.add_argument("--json", type=Path, default=REPO / "benchmarks" / "results" / "reliability.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "tokens").write_text(f"{TOKEN} ann analyst\n")
        from cyclops.lnhpd import importer, sample

        pairs = sample.generate(30, 1)
        importer.import_paths(sample.write_api_json(pairs, root / "api"), root / "lnhpd.sqlite")
        env = {"CYCLOPS_DATA_DIR": str(root / "data"), "CYCLOPS_MAPI_TOKENS_FILE": str(root / "tokens"),
               "CYCLOPS_LNHPD_DB": str(root / "lnhpd.sqlite"), "CYCLOPS_OCR_ENGINE": "tesseract", "OMP_THREAD_LIMIT": "1"}
        os.environ["CYCLOPS_DATA_DIR"] = str(root / "bench")
        tiff_frames()
        pdf_bomb(args.before_load)
        worker_faults(env, root)
        limits({**env, "CYCLOPS_DATA_DIR": str(root / "limits")}, root)
        hanging_store(root)
    args.json.write_text(json.dumps(RESULTS, indent=1) + "\n")
    print(f"port check: {free_port() > 0}")


if __name__ == "__main__":
    main()
