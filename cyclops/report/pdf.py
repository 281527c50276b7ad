"""The report as a PDF drawn in-process by ReportLab (no browser, no external tool), from the same blocks as the
HTML page; pages numbered, pictures at print resolution."""

from __future__ import annotations

import html
import io
from functools import lru_cache
from pathlib import Path

from cyclops.render import FONT_PATH
from cyclops.report.content import Report
from cyclops.report.layout import Block, Cell, Heading, Legend, Para, Picture, Table, sections
from cyclops.report.page import TONES
from cyclops.report.words import say

#: DejaVu when installed (every accent and symbol of a label); else ReportLab's Helvetica (Latin-1 only)
BOLD_PATH = FONT_PATH.replace("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")


@lru_cache(maxsize=1)
def _fonts() -> tuple[str, str]:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if Path(FONT_PATH).exists() and Path(BOLD_PATH).exists():
        pdfmetrics.registerFont(TTFont("CyclopsSans", FONT_PATH))
        pdfmetrics.registerFont(TTFont("CyclopsSans-Bold", BOLD_PATH))
        pdfmetrics.registerFontFamily("CyclopsSans", normal="CyclopsSans", bold="CyclopsSans-Bold")
        return "CyclopsSans", "CyclopsSans-Bold"
    return "Helvetica", "Helvetica-Bold"


def _text(value: str) -> str:
    return html.escape(value).replace("\n", "<br/>")


def report_pdf(report: Report, lang: str = "en") -> bytes:
    """The report as a letter-size PDF in ``lang``."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import inch
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import Image as RLImage
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, TableStyle
    from reportlab.platypus import Table as RLTable

    lang = "fr" if lang == "fr" else "en"
    regular, bold = _fonts()
    sheet = getSampleStyleSheet()
    body = sheet["BodyText"].clone("cyclops-body", fontName=regular, fontSize=8.5, leading=10.5)
    small = body.clone("cyclops-small", fontSize=7.5, leading=9)
    headings = {level: sheet[f"Heading{level}"].clone(f"cyclops-h{level}", fontName=bold) for level in (1, 2, 3)}
    width = letter[0] - inch

    def picture(p: Picture, share: float) -> RLImage:
        w, h = ImageReader(io.BytesIO(p.data)).getSize()
        target = width * share
        scale = min(target / w, (7.5 * inch) / h)
        return RLImage(io.BytesIO(p.data), width=w * scale, height=h * scale)

    def flowable(block: Block):
        if isinstance(block, Heading):
            return Paragraph(_text(block.text), headings[block.level])
        if isinstance(block, Para):
            style = (small if block.tone == "small" else body).clone("cyclops-tone", backColor=colors.HexColor(TONES[block.tone])
                                                                     if block.tone not in ("", "small") else None,
                                                                     borderPadding=2)
            text = f"<b>{_text(block.text)}</b>" if block.tone in ("bad", "good") else _text(block.text)
            return Paragraph(text, style)
        if isinstance(block, Legend):
            mark = "■" if regular != "Helvetica" else "#"
            return Paragraph("&nbsp;&nbsp; ".join(f"<font color='{colour}'>{mark}</font> {_text(words)}" for colour, words in block.keys),
                             small)
        if isinstance(block, Picture):
            caption = [Paragraph(_text(block.caption), small)] if block.caption else []
            return KeepTogether([picture(block, block.width), *caption])
        return table(block)

    def table(block: Table) -> RLTable:
        widths = block.widths or [1 / len(block.head)] * len(block.head)

        def cell(value: Cell, share: float):
            if isinstance(value, list):
                return [picture(p, share * 0.95) for p in value]
            return picture(value, share * 0.95) if isinstance(value, Picture) else Paragraph(_text(value), small)

        data = ([[Paragraph(f"<b>{_text(h)}</b>", small) for h in block.head]] if any(block.head) else []) + [
            [cell(c, widths[i]) for i, c in enumerate(row)] for row in block.rows]
        out = RLTable(data, colWidths=[width * w for w in widths], hAlign="LEFT", repeatRows=1 if any(block.head) else 0)
        style = [("GRID", (0, 0), (-1, -1), 0.3, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]
        first = 1 if any(block.head) else 0
        if first:
            style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eceff1")))
        for i, tone in enumerate(block.tones):
            if tone in ("bad", "warn", "good"):
                style.append(("BACKGROUND", (0, i + first), (-1, i + first), colors.HexColor(TONES[tone])))
        out.setStyle(TableStyle(style))
        return out

    story = []
    held = []  # a heading is kept on the page of what follows it
    for block in sections(report, lang):
        held.append(flowable(block))
        if not isinstance(block, Heading):
            story += [KeepTogether(held) if len(held) > 1 else held[0], Spacer(1, 3)]
            held = []
    story += held

    def footer(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(regular, 7)
        canvas.drawRightString(letter[0] - 0.5 * inch, 0.3 * inch, f"{say('page', lang)} {doc.page}")
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=letter, leftMargin=0.5 * inch, rightMargin=0.5 * inch, topMargin=0.5 * inch,
                            bottomMargin=0.5 * inch, title=say("title", lang), author=report.generated_by)
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
