"""``cyclops demo-data`` and ``cyclops demo``: what the README's first command runs.

demo-data builds everything the embedded defaults need, idempotently: the
synthetic LNHPD sample imported into the reference database, a few sample
product photo sets, and their analyses in the embedded store, so the dashboard
opens with products ready.

Each command imports what it needs when it runs: ``cyclops`` imports every command module to list its
commands, and that must not load the pipeline, mapi or the workbench.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from cyclops.settings import get_settings

SAMPLE_PRODUCTS = 4
SAMPLE_PRODUCT_SEED = 4242


def ensure_reference_db() -> Path:
    """Import the synthetic LNHPD sample into the configured database unless a database is there.

    A database the user imported from real downloads is never touched.
    """
    from cyclops.evaluate.run import SAMPLE_SEED, SAMPLE_SIZE
    from cyclops.lnhpd.sample_db import build_sample_database

    path = get_settings().lnhpd_path
    if not path.exists():
        build_sample_database(path, SAMPLE_SIZE, SAMPLE_SEED)
    return path


def ensure_sample_products() -> Path:
    """Render a few sample products (photos + truth) of licences in the reference database."""
    from cyclops.evaluate.run import build_synthetic_set

    out = get_settings().data_dir / "samples"
    build_synthetic_set(out, SAMPLE_PRODUCTS, SAMPLE_PRODUCT_SEED, violation_rate=0.5)
    return out


def ensure_sample_analyses(samples: Path) -> list[str]:
    """Analyse the sample products once through the embedded mapi, so the dashboard lists them."""
    from cyclops.client import MapiClient

    marker = samples / "analyses.json"
    if marker.exists():
        return json.loads(marker.read_text())
    from tqdm import tqdm

    client = MapiClient()
    ids = []
    for product in tqdm(sorted(p for p in samples.iterdir() if p.is_dir()), desc="analysing samples", unit="product"):
        photos = [(p.name, p.read_bytes()) for p in sorted(product.iterdir()) if p.suffix.lower() in (".jpg", ".png")]
        ids.append(client.analyze(photos).analysis_id)
    marker.write_text(json.dumps(ids))
    return ids


def register(app: typer.Typer) -> None:
    @app.command("demo-data")
    def demo_data_command() -> None:
        """Build the sample reference database, sample photos and their analyses (idempotent)."""
        db = ensure_reference_db()
        typer.echo(f"reference database: {db}")
        samples = ensure_sample_products()
        typer.echo(f"sample products: {samples}")
        ids = ensure_sample_analyses(samples)
        typer.echo(f"sample analyses: {len(ids)}")

    @app.command("demo")
    def demo_command() -> None:
        """Start the main job on the embedded defaults: the analyst workbench with sample products."""
        from cyclops.workbench.serve import serve_workbench

        settings = get_settings()
        typer.echo(f"sample photos to upload: {settings.data_dir / 'samples'}")
        serve_workbench(port=settings.workbench_port)


