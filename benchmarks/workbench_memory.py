"""Memory of the workbench per open page, with mapi in its own process (issue 13, item 9), measured on this machine.

    python benchmarks/workbench_memory.py [--pages 3] [--out benchmarks/results/workbench_memory]

A real mapi (uvicorn) and a real Voila workbench on a synthetic reference database; chromium opens the dashboard
in ``--pages`` tabs, then the first tab uploads and analyses one synthetic product. After each step the resident
memory (RSS and USS, MB) of every kernel and of the Voila server is recorded; the target is under 400 MB a kernel.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.browser_fixtures import start_stack
from tests.test_browser import CHROMIUM_ARGS, choose_files
from tests.test_workbench_kernels import kernel_processes

#: a kernel should stay below this when mapi runs elsewhere (issue 13, item 9)
KERNEL_TARGET_MB = 400


def megabytes(process: psutil.Process) -> dict[str, float]:
    info = process.memory_full_info()
    return {"rss_mb": round(info.rss / 2**20, 1), "uss_mb": round(info.uss / 2**20, 1)}


def snapshot(step: str, voila_pid: int, pages: int) -> dict[str, object]:
    kernels = [megabytes(k) for k in kernel_processes(voila_pid)]
    row = {"step": step, "pages_open": pages, "kernels": len(kernels),
           "kernel_rss_mb": [k["rss_mb"] for k in kernels], "kernel_uss_mb": [k["uss_mb"] for k in kernels],
           "voila_server": megabytes(psutil.Process(voila_pid))}
    print(json.dumps(row), flush=True)
    return row


def settle(voila_pid: int, kernels: int, seconds: float = 30) -> None:
    """Wait until the page's goodbye or a new kernel has made the count right."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and len(kernel_processes(voila_pid)) != kernels:
        time.sleep(0.5)
    time.sleep(2)


def measure(pages: int) -> list[dict[str, object]]:
    from playwright.sync_api import expect, sync_playwright

    rows = []
    with tempfile.TemporaryDirectory(prefix="cyclops-wb-mem-") as root:
        stack = start_stack(Path(root))
        try:
            pid = stack.workbench.process.pid
            settle(pid, 1, 60)
            rows.append(snapshot("no page open (one preheated kernel)", pid, 0))
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
                context = browser.new_context(viewport={"width": 1600, "height": 1000})
                tabs = []
                for n in range(1, pages + 1):
                    tab = context.new_page()
                    tab.set_default_timeout(120_000)
                    tab.goto(stack.workbench_url)
                    tab.wait_for_selector(".cyclops-workbench")
                    tabs.append(tab)
                    settle(pid, n + 1)
                    rows.append(snapshot(f"{n} page(s) open, idle", pid, n))
                first = tabs[0]
                choose_files(first, [(path.name, path.read_bytes(), "image/png") for path in stack.photos])
                expect(first.locator(".cyclops-page-upload .widget-image")).to_have_count(len(stack.photos), timeout=60_000)
                first.locator(".cyclops-page-upload button", has_text="Analyse").click()
                expect(first.locator(".cyclops-field-npn input")).to_have_value(stack.truth.printed["npn"], timeout=240_000)
                time.sleep(2)
                rows.append(snapshot(f"{pages} page(s) open, the first after analysing {len(stack.photos)} photo(s)",
                                     pid, pages))
                for tab in tabs:
                    tab.close(run_before_unload=True)
                settle(pid, 1)
                rows.append(snapshot("every page closed", pid, 0))
                browser.close()
        finally:
            stack.stop()
    return rows


def write(rows: list[dict[str, object]], out: Path) -> None:
    worst = max((mb for row in rows for mb in row["kernel_rss_mb"]), default=0.0)  # type: ignore[union-attr]
    meta = {"machine": f"{platform.machine()}, {psutil.cpu_count()} CPUs, {round(psutil.virtual_memory().total / 2**30)} GiB",
            "python": platform.python_version(), "kernel_target_mb": KERNEL_TARGET_MB, "largest_kernel_rss_mb": worst}
    out.with_suffix(".json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=2) + "\n", encoding="utf-8")
    lines = ["# Workbench memory per open page", "",
             ("`python benchmarks/workbench_memory.py` — real mapi (its own process) and Voila, chromium tabs; "
             f"{meta['machine']}, Python {meta['python']}."), "",
             (f"Largest kernel: **{worst} MB RSS** (target: under {KERNEL_TARGET_MB} MB a kernel with mapi elsewhere). "
             "One kernel per open page plus one preheated for the next page; a closed page's kernel ends with it."), "",
             "| step | pages | kernels | kernel RSS (MB) | kernel USS (MB) | Voila server RSS (MB) |",
             "|---|---|---|---|---|---|"]
    for row in rows:
        server = row["voila_server"]
        lines.append(f"| {row['step']} | {row['pages_open']} | {row['kernels']} | "
                     f"{', '.join(map(str, row['kernel_rss_mb']))} | {', '.join(map(str, row['kernel_uss_mb']))} | "
                     f"{server['rss_mb']} |")  # type: ignore[index]
    lines += ["", "RSS counts shared libraries in every kernel; USS is what each kernel alone holds (freed when it ends)."]
    out.with_suffix(".md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=3)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "workbench_memory")
    args = parser.parse_args()
    write(measure(args.pages), args.out)


if __name__ == "__main__":
    main()
