"""Batch runs: analyse many products on a Dask cluster into a store, resumably.

A product is a sub-folder of photos, or the rows of a manifest CSV that share a
``product`` value. Workers run the pipeline and write to the store; this
process alone writes the catalogue, which is also how a re-run knows which
products were already analysed by the same pipeline version (and skips them).
A product that fails is recorded and the run goes on.
"""

from __future__ import annotations

import csv
import time
from pathlib import Path

from pydantic import BaseModel, Field

from cyclops import __version__
from cyclops.catalog import Catalog, open_catalog, pipeline_version_of
from cyclops.errors import BadRequest
from cyclops.model.analysis import Analysis
from cyclops.pipeline.parameters import Parameters
from cyclops.service.operations import Services, analyze_into_store, served_model_version, source_key_of
from cyclops.settings import Settings, get_settings
from cyclops.storage import open_store

PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff", ".heic", ".heif", ".avif", ".bmp", ".pdf"}


class Product(BaseModel):
    name: str
    photos: list[Path]


class BatchFailure(BaseModel):
    product: str
    error: str


class BatchReport(BaseModel):
    analysed: dict[str, str] = Field(default_factory=dict)  # product -> analysis id
    skipped: dict[str, str] = Field(default_factory=dict)  # product -> id of the earlier analysis
    failed: list[BatchFailure] = Field(default_factory=list)
    seconds: float = 0.0
    pipeline_version: str = ""


def current_pipeline_version() -> str:
    """The version an analysis made now would carry (see ``cyclops.catalog.pipeline_version_of``)."""
    return pipeline_version_of({"cyclops": __version__, "field_classifier": served_model_version(), **Parameters().versions()})


def find_products(source: Path) -> list[Product]:
    """Products in a folder of sub-folders, or in a manifest CSV with columns ``product`` and ``photo``."""
    if source.is_file() and source.suffix.lower() == ".csv":
        groups: dict[str, list[Path]] = {}
        with source.open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            if not reader.fieldnames or not {"product", "photo"} <= set(reader.fieldnames):
                raise BadRequest(f"{source}: a manifest needs the columns 'product' and 'photo'", code="bad_manifest")
            for row in reader:
                photo = Path(row["photo"])
                groups.setdefault(row["product"], []).append(photo if photo.is_absolute() else source.parent / photo)
        return [Product(name=name, photos=photos) for name, photos in groups.items()]
    if not source.is_dir():
        raise BadRequest(f"{source}: not a folder of product folders nor a manifest .csv", code="bad_source")
    products = []
    for folder in sorted(p for p in source.iterdir() if p.is_dir()):
        photos = sorted(p for p in folder.iterdir() if p.suffix.lower() in PHOTO_SUFFIXES)
        if photos:
            products.append(Product(name=folder.name, photos=photos))
    return products


def analyse_product(photo_paths: list[str], store_url: str, engine: str | None, source_key: str) -> tuple[str, list[tuple[str, str, str, str]]]:
    """Run on a Dask worker: analyse one product into the store; returns (analysis JSON, OCR objects written)."""
    settings = get_settings()
    photos = [(Path(p).name, Path(p).read_bytes()) for p in photo_paths]
    analysis, written = analyze_into_store(open_store(store_url, settings), settings, photos, engine, source_key=source_key)
    return analysis.model_dump_json(), written


def run_batch(
    source: Path,
    out: str,
    *,
    scheduler: str | None = None,
    workers: int = 1,
    engine: str | None = None,
    progress: bool = True,
    settings: Settings | None = None,
    catalog: Catalog | None = None,
) -> BatchReport:
    """Analyse every product under ``source`` into the store ``out``; see the module docstring."""
    from dask.distributed import Client, LocalCluster, as_completed  # seconds to import: only a run needs the cluster
    from tqdm import tqdm

    settings = settings or get_settings()
    catalog = catalog or open_catalog(settings)
    services = Services(settings, store=open_store(out, settings), catalog=catalog)
    services.store.ping()
    version = current_pipeline_version()
    report = BatchReport(pipeline_version=version)
    t0 = time.perf_counter()

    todo: list[tuple[Product, str]] = []
    for product in find_products(source):
        try:
            key = source_key_of([(p.name, p.read_bytes()) for p in product.photos])
        except OSError as exc:
            report.failed.append(BatchFailure(product=product.name, error=f"cannot read photos: {exc}"))
            continue
        earlier = catalog.find_source(key, version)
        if earlier:
            report.skipped[product.name] = earlier
        else:
            todo.append((product, key))

    if todo:
        cluster = None if scheduler else LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(scheduler or cluster)
        try:
            futures = {
                client.submit(analyse_product, [str(p) for p in product.photos], out, engine, key, pure=False): (product, key)
                for product, key in todo
            }
            for future in tqdm(as_completed(futures), total=len(futures), disable=not progress, desc="products"):
                product, key = futures[future]
                try:
                    analysis_json, written = future.result()
                except Exception as exc:  # noqa: BLE001 - one failing product must not stop the run
                    error = f"{type(exc).__name__}: {exc}"
                    report.failed.append(BatchFailure(product=product.name, error=error))
                    catalog.record_failure(key, product.name, error, version)
                    continue
                analysis = Analysis.model_validate_json(analysis_json)
                services.index(analysis, [tuple(w) for w in written], key)
                report.analysed[product.name] = analysis.analysis_id or ""
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    report.seconds = round(time.perf_counter() - t0, 2)
    return report
