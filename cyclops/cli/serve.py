"""``cyclops serve ...``, ``cyclops catalog rebuild`` and ``cyclops batch``.

Each command imports what it needs when it runs: ``cyclops`` imports every command module to list its
commands, and that must not load the pipeline, mapi or the workbench.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

#: the ``serve`` group; other areas add their servers with ``@serve_app.command(...)`` (e.g. ``serve workbench``)
serve_app = typer.Typer(help="Run a server: mapi, or print its OpenAPI document.", no_args_is_help=True)
catalog_app = typer.Typer(help="The catalogue of analyses (an index of the object store).", no_args_is_help=True)


@serve_app.command("mapi")
def serve_mapi(
    host: str = typer.Option("127.0.0.1", help="Address to listen on (a non-loopback one needs CYCLOPS_MAPI_TOKENS_FILE, CYCLOPS_OIDC_JWKS or CYCLOPS_MAPI_AUTH=off)."),
    port: int | None = typer.Option(None, help="Port (default CYCLOPS_MAPI_PORT)."),
    workers: int | None = typer.Option(None, help="Processes for analyses and OCR (default CYCLOPS_MAPI_WORKERS; 0: one per core)."),
) -> None:
    """Run the mapi compute API."""
    import uvicorn

    from cyclops.errors import MapiError
    from cyclops.mapi.app import check_exposure, create_app
    from cyclops.settings import get_settings

    settings = get_settings()
    try:
        check_exposure(settings, host)  # no open mapi on a shared network by accident
        app = create_app(settings, workers=workers)
    except MapiError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2) from exc
    uvicorn.run(app, host=host, port=port or settings.mapi_port, log_level="warning")


@serve_app.command("openapi")
def serve_openapi() -> None:
    """Print mapi's OpenAPI document (``cyclops serve openapi > docs/openapi.json``)."""
    from cyclops.mapi.app import openapi_json

    typer.echo(openapi_json(), nl=False)


@catalog_app.command("rebuild")
def catalog_rebuild(store: str | None = typer.Option(None, help="Store URL (default CYCLOPS_STORE).")) -> None:
    """Rebuild the catalogue from the object store alone."""
    from cyclops.catalog import open_catalog
    from cyclops.storage import open_store

    skipped: list[tuple[str, str]] = []
    count = open_catalog().rebuild(open_store(store), skipped)  # built aside, then swapped in
    typer.echo(f"catalogue rebuilt: {count} analyses")
    for key, reason in skipped:
        typer.echo(f"skipped {key}: {reason}", err=True)
    if skipped:
        typer.echo(f"{len(skipped)} damaged objects skipped (listed above); the rest is indexed", err=True)


def batch_command(
    source: Path = typer.Argument(..., help="A folder with one sub-folder of photos per product, or a manifest CSV (product,photo)."),
    out: str = typer.Option(None, "--out", help="Store URL to write to (default CYCLOPS_STORE)."),
    scheduler: str | None = typer.Option(None, help="Address of a running Dask scheduler, e.g. tcp://host:8786. Default: a local cluster."),
    workers: int = typer.Option(1, help="Worker processes of the local cluster."),
    engine: str | None = typer.Option(None, help="OCR engine (default CYCLOPS_OCR_ENGINE)."),
    report: Path | None = typer.Option(None, help="Write the run report (JSON) here."),
) -> None:
    """Analyse many products; products already analysed by this pipeline version are skipped."""
    from cyclops.batch import run_batch
    from cyclops.errors import MapiError
    from cyclops.settings import get_settings

    try:
        result = run_batch(source, out or get_settings().store_url, scheduler=scheduler, workers=workers, engine=engine)
    except MapiError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2) from exc
    if report:
        report.write_text(result.model_dump_json(indent=1), encoding="utf-8")
    typer.echo(json.dumps({"analysed": len(result.analysed), "skipped": len(result.skipped), "failed": len(result.failed), "seconds": result.seconds}))
    for failure in result.failed:
        typer.echo(f"failed: {failure.product}: {failure.error}", err=True)
    if result.failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(serve_app, name="serve")
    app.add_typer(catalog_app, name="catalog")
    app.command("batch")(batch_command)


@serve_app.command("workbench")
def serve_workbench_command(
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to bind (loopback by default)."),
    port: int = typer.Option(None, "--port", help="Port (default CYCLOPS_WORKBENCH_PORT)."),
    open_browser: bool = typer.Option(False, "--open", help="Open a browser."),
    capture: bool = typer.Option(False, "--capture", help="Serve the phone capture page (notebooks/capture.ipynb) instead."),
) -> None:
    """Start the analyst dashboard (Voila) with production settings (token: CYCLOPS_WORKBENCH_TOKEN or _FILE);
    with --capture, the inspectors' phone capture page (run it on another port beside the dashboard)."""
    from cyclops.settings import get_settings
    from cyclops.workbench.serve import CAPTURE_NOTEBOOK, serve_workbench

    settings = get_settings()
    # the token comes from CYCLOPS_WORKBENCH_TOKEN or CYCLOPS_WORKBENCH_TOKEN_FILE, never from this command line
    serve_workbench(host=host, port=port or settings.workbench_port, open_browser=open_browser,
                    notebook=CAPTURE_NOTEBOOK if capture else None)
