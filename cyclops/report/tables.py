"""The report for spreadsheets (CSV, one row per finding) and for machines (JSON, pictures left out)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict

from pydantic import BaseModel

from cyclops.report.content import Report


def report_csv(report: Report) -> str:
    """One row per finding: section, item, label value, licence value, status or decision, reason."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["analysis_id", "section", "item", "label", "licence", "status", "reason"])
    rid = report.analysis_id or ""
    for row in report.identity:
        writer.writerow([rid, "product", row.key, row.label, row.licence.get("en", ""), "", ""])
    for i in report.ingredients:
        writer.writerow([rid, "ingredient", i.name or i.licence_name, f"{i.quantity:g} {i.unit or ''}".strip() if i.quantity is not None else "",
                         f"{i.licence_quantity:g} {i.licence_unit or ''}".strip() if i.licence_quantity is not None else "", i.state, ""])
    for c in report.claims:
        writer.writerow([rid, "claim", c.text, "", "", {True: "compliant", False: "not compliant", None: "not reviewed"}[c.compliant], ""])
    for fl in report.flags:
        writer.writerow([rid, "flag", fl.code, fl.message, fl.severity, fl.decision or "pending", fl.reason or ""])
    for c in report.corrections:
        writer.writerow([rid, "correction", c.what["en"], c.before["en"], c.after["en"], c.analyst, c.reason or ""])
    return out.getvalue()


def _plain(value: object) -> object:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, bytes):
        return None
    raise TypeError(type(value).__name__)


def report_json(report: Report) -> str:
    data = asdict(report)
    data.pop("photos")
    for flag in data["flags"]:
        flag["crops"] = len(flag["crops"])
    data["photos"] = sorted(report.photos)
    data["verdict"] = report.verdict[0]
    return json.dumps(data, ensure_ascii=False, indent=2, default=_plain)
