"""The one-page review report: product, licence, photos, ingredients, claims, flags and decisions, who and when.

One ``Report`` is built from the analysis and its edits, then written as an
HTML preview, a PDF (ReportLab, in-process: no browser or external tool), a
CSV (one row per finding, for spreadsheets) or JSON (for machines).
"""

from __future__ import annotations

import base64
import csv
import html
import io
import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from PIL import Image, ImageOps

from cyclops.compare.ingredients import compare_ingredients
from cyclops.lnhpd.records import LicenceBundle
from cyclops.match import licence_doubt
from cyclops.model.analysis import Analysis, Edit


@dataclass
class IngredientLine:
    name: str
    label_quantity: str
    licence_name: str
    licence_quantity: str
    state: str  # cyclops.compare.ingredients.RowState


@dataclass
class ClaimLine:
    text: str
    language: str | None
    compliant: bool | None


@dataclass
class FlagLine:
    code: str
    severity: str
    message: str
    message_fr: str
    source: str
    decision: str | None
    reason: str | None


@dataclass
class Report:
    analysis_id: str | None
    version: int
    product: dict[str, str | None]
    licence: dict[str, str | None]
    ingredients: list[IngredientLine]
    claims: list[ClaimLine]
    flags: list[FlagLine]
    analysts: list[str]
    edit_count: int
    created_at: str | None
    generated_at: str
    generated_by: str
    thumbnails: dict[str, bytes] = field(default_factory=dict)  # image id -> small JPEG


def _amount(quantity: float | None, unit: str | None) -> str:
    return "" if quantity is None else f"{quantity:g} {unit or ''}".strip()


def _thumbnail(data: bytes, side: int = 160) -> bytes:
    image = ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB")
    image.thumbnail((side, side))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()


def _unconfirmed(analysis: Analysis) -> str | None:
    """The matched licence's number, said to be unconfirmed while a search found it or it is not the printed NPN."""
    number = analysis.match.licence_number
    return f"{number} (not confirmed / non confirmée)" if number and licence_doubt(analysis.match, analysis.fields.npn.value) else number


def build_report(analysis: Analysis, *, edits: list[Edit] | None = None, licence: LicenceBundle | None = None,
                 photos: dict[str, bytes] | None = None, generated_by: str = "", now: datetime | None = None) -> Report:
    """Everything the report shows, computed once; ``photos`` maps image id -> file bytes."""
    edits = edits or []
    f = analysis.fields
    rows = compare_ingredients(f.medicinal_ingredients, licence.medicinal_ingredients if licence else [], lines=analysis.lines).rows
    ingredients = [IngredientLine(
        name=r.label.name if r.label else "",
        label_quantity=_amount(r.label.quantity, r.label.unit) if r.label else "",
        licence_name=r.licence.ingredient_name if r.licence else "",
        licence_quantity=_amount(r.licence.quantity, r.licence.quantity_unit_of_measure) if r.licence else "",
        state=r.state) for r in rows]
    lic = licence.licence if licence else None
    return Report(
        analysis_id=analysis.analysis_id,
        version=analysis.version,
        product={"npn": f.npn.value, "product_name": f.product_name.value, "brand": f.brand.value, "company": f.company.value},
        licence={"licence_number": _unconfirmed(analysis), "method": analysis.match.method,
                 "product_name": lic.product_name if lic else None, "company_name": lic.company_name if lic else None,
                 "status": None if licence is None else ("active" if licence.active else "inactive")},
        ingredients=ingredients,
        claims=[ClaimLine(c.text, c.language, c.compliant) for c in f.recommended_uses],
        flags=[FlagLine(fl.code, fl.severity, fl.message, fl.message_fr, fl.source, fl.decision, fl.reason) for fl in analysis.flags],
        analysts=sorted({e.analyst for e in edits}),
        edit_count=len(edits),
        created_at=analysis.created_at,
        generated_at=(now or datetime.now(UTC)).isoformat(timespec="seconds"),
        generated_by=generated_by,
        thumbnails={k: _thumbnail(v) for k, v in (photos or {}).items()},
    )


_TITLES = {
    "en": {"title": "Label review", "product": "Product", "licence": "Licence", "ingredients": "Medicinal ingredients",
           "claims": "Recommended uses", "flags": "Flags", "who": "Reviewed by", "when": "Generated",
           "label": "Label", "in_licence": "Licence", "state": "Status", "decision": "Decision", "edits": "edits"},
    "fr": {"title": "Examen d'étiquette", "product": "Produit", "licence": "Licence", "ingredients": "Ingrédients médicinaux",
           "claims": "Usages recommandés", "flags": "Signalements", "who": "Examiné par", "when": "Produit le",
           "label": "Étiquette", "in_licence": "Licence", "state": "État", "decision": "Décision", "edits": "modifications"},
}


def _claim_state(value: bool | None) -> str:
    return {True: "compliant", False: "not compliant", None: "not reviewed"}[value]


_CELL = "border:1px solid #b0bec5;padding:3px 6px;text-align:left"


def report_html(report: Report, lang: str = "en") -> str:
    """A self-contained HTML page (thumbnails inlined) for the dashboard preview."""
    T = _TITLES.get(lang, _TITLES["en"])
    e = html.escape

    def table(head: list[str], rows: list[list[str]]) -> str:
        cells = "".join(f"<th style='{_CELL};background:#eceff1'>{e(h)}</th>" for h in head)
        header = f"<tr>{cells}</tr>" if any(head) else ""  # key/value tables need no empty header row
        body = "".join("<tr>" + "".join(f"<td style='{_CELL}'>{e(str(c))}</td>" for c in row) + "</tr>" for row in rows)
        return f"<table class='cyclops-report-table' style='border-collapse:collapse;margin-bottom:.5em'>{header}{body}</table>"

    thumbs = "".join(f"<img alt='{e(k)}' src='data:image/jpeg;base64,{base64.b64encode(v).decode()}' "
                     f"style='margin:2px;height:140px;border:1px solid #ccc'/>" for k, v in report.thumbnails.items())
    parts = [
        f"<div class='cyclops-report'><h2>{T['title']} {e(report.analysis_id or '')}</h2>",
        f"<h3>{T['product']}</h3>" + table(["", ""], [[k, v or ""] for k, v in report.product.items()]),
        f"<h3>{T['licence']}</h3>" + table(["", ""], [[k, v or ""] for k, v in report.licence.items()]),
        f"<div>{thumbs}</div>",
        f"<h3>{T['ingredients']}</h3>" + table([T["label"], "", T["in_licence"], "", T["state"]],
                                                [[i.name, i.label_quantity, i.licence_name, i.licence_quantity, i.state] for i in report.ingredients]),
        f"<h3>{T['claims']}</h3>" + table(["", T["decision"]], [[c.text, _claim_state(c.compliant)] for c in report.claims]),
        f"<h3>{T['flags']}</h3>" + table(["", "", "", T["decision"], ""],
                                          [[fl.severity, fl.code, fl.message_fr if lang == "fr" else fl.message, fl.decision or "-", fl.reason or ""]
                                           for fl in report.flags]),
        (f"<p>{T['who']}: {e(', '.join(report.analysts) or report.generated_by)} ({report.edit_count} {T['edits']}) · "
         f"{T['when']}: {e(report.generated_at)}</p></div>"),
    ]
    return "\n".join(parts)


def report_pdf(report: Report, lang: str = "en") -> bytes:
    """One A4/letter page with ReportLab; long tables shrink their font rather than spill to a second page."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import inch
    from reportlab.platypus import Image as RLImage
    from reportlab.platypus import KeepInFrame, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    T = _TITLES.get(lang, _TITLES["en"])
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=7.5, leading=9)
    e = html.escape

    def table(rows: list[list[str]], widths: list[float] | None = None) -> Table:
        data = [[Paragraph(e(str(c)), small) for c in row] for row in rows]
        out = Table(data, colWidths=widths, hAlign="LEFT")
        out.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.3, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                 ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke)]))
        return out

    story: list = [Paragraph(f"{T['title']} {e(report.analysis_id or '')}", styles["Heading2"])]
    story.append(table([[T["product"], ""]] + [[k, v or ""] for k, v in report.product.items()]
                       + [[T["licence"], ""]] + [[k, v or ""] for k, v in report.licence.items()], [1.6 * inch, 5.4 * inch]))
    if report.thumbnails:
        images = [RLImage(io.BytesIO(v), width=0.9 * inch, height=0.9 * inch, kind="proportional") for v in report.thumbnails.values()]
        story += [Spacer(1, 4), Table([images[:7]], hAlign="LEFT")]
    story += [Paragraph(T["ingredients"], styles["Heading4"]),
              table([[T["label"], "", T["in_licence"], "", T["state"]]]
                    + [[i.name, i.label_quantity, i.licence_name, i.licence_quantity, i.state] for i in report.ingredients])]
    story += [Paragraph(T["claims"], styles["Heading4"]),
              table([["", T["decision"]]] + [[c.text, _claim_state(c.compliant)] for c in report.claims], [5.6 * inch, 1.4 * inch])]
    story += [Paragraph(T["flags"], styles["Heading4"]),
              table([["", "", "", T["decision"], ""]] + [[fl.severity, fl.code, fl.message_fr if lang == "fr" else fl.message,
                                                          fl.decision or "-", fl.reason or ""] for fl in report.flags])]
    story.append(Paragraph(f"{T['who']}: {e(', '.join(report.analysts) or report.generated_by)} ({report.edit_count} {T['edits']}) - "
                           f"{T['when']}: {e(report.generated_at)}", small))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=letter, leftMargin=0.5 * inch, rightMargin=0.5 * inch,
                            topMargin=0.5 * inch, bottomMargin=0.5 * inch, title=f"Cyclops report {report.analysis_id or ''}")
    doc.build([KeepInFrame(doc.width, doc.height, story, mode="shrink")])
    return buffer.getvalue()


def report_csv(report: Report) -> str:
    """One row per finding: section, item, label value, licence value, status or decision, reason."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["analysis_id", "section", "item", "label", "licence", "status", "reason"])
    rid = report.analysis_id or ""
    for key, value in report.product.items():
        writer.writerow([rid, "product", key, value or "", "", "", ""])
    for key, value in report.licence.items():
        writer.writerow([rid, "licence", key, "", value or "", "", ""])
    for i in report.ingredients:
        writer.writerow([rid, "ingredient", i.name or i.licence_name, i.label_quantity, i.licence_quantity, i.state, ""])
    for c in report.claims:
        writer.writerow([rid, "claim", c.text, "", "", _claim_state(c.compliant), ""])
    for fl in report.flags:
        writer.writerow([rid, "flag", fl.code, fl.message, fl.severity, fl.decision or "pending", fl.reason or ""])
    return out.getvalue()


def report_json(report: Report) -> str:
    data = asdict(report)
    data.pop("thumbnails")
    data["photos"] = sorted(report.thumbnails)
    return json.dumps(data, ensure_ascii=False, indent=2)
