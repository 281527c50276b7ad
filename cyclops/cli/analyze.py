"""``cyclops analyze``: analyse the photos of one product and print the analysis.

Each command imports what it needs when it runs: ``cyclops`` imports every command module to list its
commands, and that must not load the pipeline, mapi or the workbench.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from cyclops.model.analysis import Analysis


def summary_text(analysis: Analysis) -> str:
    """A terminal-friendly summary of an analysis."""
    f = analysis.fields
    out: list[str] = []

    def field(label: str, value) -> None:
        if value.value:
            out.append(f"{label:<14} {value.value}  ({value.confidence:.0%})")
        else:
            out.append(f"{label:<14} -")

    if analysis.analysis_id:
        out.append(f"Analysis       {analysis.analysis_id}")
    for img in analysis.images:
        out.append(f"Photo          {img.id}: {img.filename} {img.width}x{img.height} rotated {img.rotation}°")
    for err in analysis.errors:
        out.append(f"Photo error    {err.filename}: {err.message}")
    out.append("")
    field("NPN", f.npn)
    field("Product", f.product_name)
    field("Brand", f.brand)
    field("Company", f.company)
    field("Dosage form", f.dosage_form)
    field("Quantity", f.net_quantity)
    out.append("")
    m = analysis.match
    if m.skipped_reason:
        out.append(f"Licence        not identified: {m.skipped_reason}")
    elif m.licence_number:
        out.append(f"Licence        {m.licence_number} (lnhpd_id {m.lnhpd_id}) by {m.method}, score {m.score:.2f}")
    else:
        out.append("Licence        not identified")
    for c in m.candidates[:5]:
        out.append(f"  candidate    {c.licence_number}  {c.score:.2f}  {c.product_name} — {c.company_name}")
    out.append("")
    out.append("Medicinal ingredients:")
    for ing in f.medicinal_ingredients:
        qty = f"{ing.quantity:g} {ing.unit}" if ing.quantity is not None else "?"
        pot = f"  [{ing.potency}]" if ing.potency else ""
        out.append(f"  - {ing.name}: {qty}{pot}")
    if f.non_medicinal_ingredients:
        out.append("Non-medicinal: " + ", ".join(n.name for n in f.non_medicinal_ingredients))
    for title, items in (("Recommended uses", f.recommended_uses), ("Directions", f.directions), ("Cautions", f.cautions)):
        out.append(f"{title}:")
        for item in items:
            out.append(f"  - [{item.language or '?'}] {item.text}")
    out.append("")
    out.append(f"Flags ({len(analysis.flags)}):")
    for flag in analysis.flags:
        out.append(f"  {flag.severity.upper():<6} {flag.code}: {flag.message}")
    if analysis.timings:
        out.append("")
        out.append("Timings (s):   " + ", ".join(f"{k} {v:.2f}" for k, v in analysis.timings.items()))
    return "\n".join(out)


def analyze_without_database(files: list[tuple[str, bytes]], engine: str | None) -> Analysis:
    """In-process analysis on an install without an LNHPD database: stored and indexed like any other,
    but the pipeline runs without a reference database (fields and label-only flags; no licence checks)."""
    from cyclops.pipeline import build_analyzer, model_provider
    from cyclops.service.operations import Services, analyze_into_store

    services = Services()
    analyzer = build_analyzer(services.settings, engine=engine, db=None)

    def compute(_fn, photos, _engine, model_version):  # in place of the service's run_analysis, which needs the database
        analysis, doc = analyzer.replace(model=model_provider(model_version)).analyze_with_document(photos)
        return analysis.model_dump_json(), doc.model_dump_json()

    analysis, ocr_keys = analyze_into_store(services.store, services.settings, files, engine, compute=compute)
    services.index(analysis, ocr_keys)
    return analysis


def register(app: typer.Typer) -> None:
    @app.command("analyze")
    def analyze_command(
        photos: list[Path] = typer.Argument(..., help="Photos (or PDFs) of ONE product."),
        engine: str = typer.Option(None, "--engine", help="OCR engine: rapidocr (default), tesseract or combined."),
        fmt: str = typer.Option("json", "--format", help="json (the public contract) or text."),
    ) -> None:
        """Analyse the photos of one product: fields, licence match and compliance flags."""
        from cyclops.client import MapiClient
        from cyclops.errors import CyclopsError
        from cyclops.settings import get_settings

        if fmt not in ("json", "text"):
            raise typer.BadParameter("--format must be json or text")
        files: list[tuple[str, bytes]] = []
        for path in photos:
            try:
                files.append((path.name, path.read_bytes()))
            except OSError as exc:
                typer.echo(f"error: cannot read {path}: {exc.strerror}", err=True)
        if not files:
            raise typer.Exit(2)
        settings = get_settings()
        try:
            if not settings.mapi_url and not settings.lnhpd_path.is_file():  # a fresh install: read the label anyway
                analysis = analyze_without_database(files, engine)
            else:
                analysis = MapiClient().analyze(files, engine=engine)
        except CyclopsError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
        if analysis.match.skipped_reason:
            typer.echo(f"warning: {analysis.match.skipped_reason}; fields and label-only flags only", err=True)
        for err in analysis.errors:
            typer.echo(f"warning: {err.filename}: {err.message}", err=True)
        if fmt == "json":
            sys.stdout.write(json.dumps(analysis.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n")
        else:
            typer.echo(summary_text(analysis))
        if analysis.errors:  # the rest was analysed, but a photo was refused: say so in the exit status
            raise typer.Exit(1)
