"""``cyclops lnhpd ...``: build, inspect and search the local LNHPD reference database."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import typer

from cyclops.lnhpd.database import LicenceDBMissing, open_database
from cyclops.lnhpd.download import DownloadError, DownloadReport, download
from cyclops.lnhpd.importer import LicenceImportError
from cyclops.lnhpd.rebuild import import_atomically
from cyclops.lnhpd.records import LicenceBundle
from cyclops.lnhpd.refresh import refresh
from cyclops.lnhpd.sample import generate, write_api_json
from cyclops.lnhpd.sample_db import build_sample_database, holds_sample, sample_tag
from cyclops.settings import get_settings

_API_HELP = "API base URL (a mirror or a test server). Default: CYCLOPS_LNHPD_API_URL."
_DELAY_HELP = "Seconds between requests (be polite to Health Canada's server). Default: CYCLOPS_LNHPD_DOWNLOAD_DELAY."
_RETRIES_HELP = "Retries of a failed request (network error, 429, 5xx), with exponential backoff. Default: CYCLOPS_LNHPD_DOWNLOAD_RETRIES."


def _db_path(db: Path | None) -> Path:
    return db if db is not None else get_settings().lnhpd_path


def _fail(message: str) -> None:
    typer.secho(message, fg=typer.colors.RED, err=True)
    raise typer.Exit(code=1)


def _amount(value: float | None, unit: str | None) -> str:
    return "" if value is None else f"{value:g} {unit or ''}".strip()


def _print_bundle(bundle: LicenceBundle) -> None:
    lic = bundle.licence
    status = "active" if bundle.active else "INACTIVE"
    typer.secho(f"{lic.product_name}  [{lic.licence_number}, {status}]", bold=True)
    typer.echo(f"Company: {lic.company_name}   Dosage form: {lic.dosage_form}   LNHPD id: {lic.lnhpd_id}   Licensed: {lic.licence_date}")
    typer.echo("Medicinal ingredients:")
    for ing in bundle.medicinal_ingredients:
        extras = []
        if ing.ratio_numerator:
            extras.append(f"{ing.ratio_numerator}:{ing.ratio_denominator} {ing.extract_type_desc or ''}, DHE {ing.dried_herb_equivalent} {ing.dhe_unit_of_measure or ''}".strip())
        if ing.potency_constituent:
            extras.append(f"{ing.potency_constituent} {_amount(ing.potency_amount, ing.potency_unit_of_measure)}")
        source = f" ({ing.source_material})" if ing.source_material else ""
        tail = f"  [{'; '.join(extras)}]" if extras else ""
        typer.echo(f"  - {ing.ingredient_name}{source}: {_amount(ing.quantity, ing.quantity_unit_of_measure)}{tail}")
    if bundle.non_medicinal_ingredients:
        typer.echo("Non-medicinal: " + ", ".join(n.ingredient_name for n in bundle.non_medicinal_ingredients))
    for title, items in (("Recommended uses", [p.purpose for p in bundle.purposes]),
                         ("Risks", [f"{r.risk_type_desc}: {r.risk_text}" for r in bundle.risks])):
        typer.echo(f"{title}:")
        for item in items:
            typer.echo(f"  - {item}")
    for dose in bundle.doses:
        typer.echo(f"Dose: {dose.population_type_desc} {_amount(dose.age_minimum, dose.uom_type_desc_age)}+: "
                   f"{_amount(dose.quantity_dose, dose.uom_type_desc_quantity_dose)}, {_amount(dose.frequency, dose.uom_type_desc_frequency)}")
    if bundle.routes:
        typer.echo("Route: " + ", ".join(r.route_type_desc or "" for r in bundle.routes))


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="The LNHPD reference database: import, show, search, synthetic sample.", no_args_is_help=True)
    app.add_typer(group, name="lnhpd")

    @group.command("import")
    def import_command(
        paths: list[Path] = typer.Argument(..., help="JSON files or folders downloaded from the LNHPD API."),
        db: Path | None = typer.Option(None, "--db", help="SQLite file (default: CYCLOPS_LNHPD_DB or DATA_DIR/lnhpd.sqlite)."),
        lang: str | None = typer.Option(None, "--lang", help="en or fr, for files whose name doesn't say."),
    ) -> None:
        """Import LNHPD JSON downloads into the local database (all or nothing, re-import safe).

        The import is built in a copy renamed over the database, so a running mapi switches to it at once.
        """
        target = _db_path(db)
        try:
            report = import_atomically(paths, target, lang=lang)
        except LicenceImportError as exc:
            _fail(f"Import failed, database unchanged: {exc}")
        typer.echo(f"{len(report.files)} files, {report.records} records: {report.inserted} new, {report.updated} updated, "
                   f"{report.unchanged} unchanged; {report.licences} licences in {target}")

    def _print_download(report: DownloadReport) -> None:
        changed = "" if report.changed_licences is None else f", {report.changed_licences} licences changed"
        typer.echo(f"{report.files} files written, {report.skipped} parts already done, {report.requests} requests "
                   f"({report.retries} retried){changed}, {report.seconds:.0f} s")

    @group.command("download")
    def download_command(
        out: Path = typer.Argument(..., help="Folder for the JSON pages (rerun with the same folder to resume)."),
        since: str | None = typer.Option(None, "--since", help="YYYY-MM-DD: only licences licensed or revised since then."),
        api: str | None = typer.Option(None, "--api", help=_API_HELP),
        delay: float | None = typer.Option(None, "--delay", min=0.0, help=_DELAY_HELP),
        retries: int | None = typer.Option(None, "--retries", min=0, help=_RETRIES_HELP),
    ) -> None:
        """Download the LNHPD from Health Canada's API (every endpoint the importer reads); resumable."""
        try:
            since_day = date.fromisoformat(since) if since else None
        except ValueError:
            _fail(f"--since must be a date like 2026-11-24, got {since!r}")
        try:
            report = download(out, since=since_day, base_url=api, delay=delay, retries=retries, progress=typer.echo)
        except DownloadError as exc:
            _fail(f"Download stopped (rerun to resume): {exc}")
        _print_download(report)
        typer.echo(f"Now: cyclops lnhpd import {out}")

    @group.command("refresh")
    def refresh_command(
        work: Path = typer.Option(..., "--work", help="Folder for the download (removed after a successful import)."),
        db: Path | None = typer.Option(None, "--db", help="SQLite file."),
        full: bool = typer.Option(False, "--full", help="Download everything even if the database was refreshed before."),
        api: str | None = typer.Option(None, "--api", help=_API_HELP),
        delay: float | None = typer.Option(None, "--delay", min=0.0, help=_DELAY_HELP),
        retries: int | None = typer.Option(None, "--retries", min=0, help=_RETRIES_HELP),
    ) -> None:
        """Download what changed since the last refresh and swap in the new database (the weekly job)."""
        target = _db_path(db)
        try:
            report = refresh(target, work, full=full, base_url=api, delay=delay, retries=retries, progress=typer.echo)
        except (DownloadError, LicenceImportError) as exc:
            _fail(f"Refresh failed, database unchanged (rerun to resume the download): {exc}")
        _print_download(report.download)
        typer.echo(f"{'since ' + str(report.since) if report.since else 'full download'}: {report.imported.inserted} new, "
                   f"{report.imported.updated} updated records; {report.imported.licences} licences in {target}")

    @group.command("show")
    def show_command(
        npn: str = typer.Argument(..., help="NPN or DIN-HM (spaces and prefixes ignored)."),
        lang: str = typer.Option("en", "--lang", help="en or fr."),
        as_json: bool = typer.Option(False, "--json", help="Print the LicenceBundle as JSON."),
        db: Path | None = typer.Option(None, "--db", help="SQLite file."),
    ) -> None:
        """Show one licence with its ingredients, uses and risks."""
        try:
            database = open_database(db)
        except LicenceDBMissing as exc:
            _fail(str(exc))
        bundle = database.get(npn, lang)
        if bundle is None:
            _fail(f"No licence {npn} ({lang}) in {database.path}")
        if as_json:
            typer.echo(bundle.model_dump_json(indent=2))
        else:
            _print_bundle(bundle)

    @group.command("search")
    def search_command(
        text: str = typer.Argument("", help="Words from the product name, brand, company or ingredients."),
        company: str | None = typer.Option(None, "--company", help="Only this company (fuzzy)."),
        ingredient: str | None = typer.Option(None, "--ingredient", help="Only products with this ingredient (any synonym)."),
        limit: int = typer.Option(10, "--limit", min=1, help="Most results."),
        as_json: bool = typer.Option(False, "--json", help="Print the hits as JSON."),
        db: Path | None = typer.Option(None, "--db", help="SQLite file."),
    ) -> None:
        """Search licences by name, company and ingredient, tolerant of typos."""
        try:
            database = open_database(db)
        except LicenceDBMissing as exc:
            _fail(str(exc))
        hits = database.search(text, company=company, ingredient=ingredient, limit=limit)
        if as_json:
            typer.echo(json.dumps([h.model_dump() for h in hits], ensure_ascii=False, indent=2))
            return
        if not hits:
            typer.echo("No match.")
            return
        typer.echo(f"{'score':>5}  {'licence':<9} {'':1} {'product':<45} company")
        for h in hits:
            typer.echo(f"{h.score:5.2f}  {h.licence_number:<9} {'' if h.active else 'x':1} {h.product_name[:45]:<45} {h.company_name}")

    @group.command("sample")
    def sample_command(
        n: int = typer.Option(2000, "--n", min=1, help="Number of licences."),
        seed: int = typer.Option(0, "--seed", help="Random seed (same seed, same bytes)."),
        out: Path = typer.Option(..., "--out", help="Folder for the JSON files."),
    ) -> None:
        """Write a SYNTHETIC LNHPD sample in the API's JSON form."""
        files = write_api_json(generate(n, seed), out)
        typer.echo(f"Wrote {len(files)} files for {n} synthetic licences to {out}")

    @group.command("setup")
    def setup_command(
        n: int = typer.Option(2000, "--n", min=1, help="Number of licences."),
        seed: int = typer.Option(0, "--seed", help="Random seed."),
        db: Path | None = typer.Option(None, "--db", help="SQLite file."),
    ) -> None:
        """Build the configured database from the synthetic sample (skipped if already built)."""
        target = _db_path(db)
        tag = sample_tag(n, seed)
        if holds_sample(target, n, seed):
            typer.echo(f"{target} already holds the synthetic sample ({tag}); nothing to do.")
            return
        licences = build_sample_database(target, n, seed)
        typer.echo(f"Imported the synthetic sample ({tag}): {licences} licences in {target}")
