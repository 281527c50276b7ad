"""The review report an inspector files: verdict and flag summary first, label and licence side by side, each flag
with its evidence crop and decision, the correction log, the photos with their boxes, analysts and sign-off.

``build_report`` computes it once; ``report_html``, ``report_pdf`` (ReportLab), ``report_csv`` and
``report_json`` write it, the first two in English or French.
"""

from cyclops.report.content import Report, build_report
from cyclops.report.page import report_html
from cyclops.report.pdf import report_pdf
from cyclops.report.tables import report_csv, report_json

__all__ = ["Report", "build_report", "report_csv", "report_html", "report_json", "report_pdf"]
