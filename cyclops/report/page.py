"""The report as one self-contained HTML page (pictures inlined): the workbench preview and the HTML download."""

from __future__ import annotations

import base64
import html

from cyclops.report.content import Report
from cyclops.report.layout import Block, Cell, Heading, Legend, Para, Picture, sections
from cyclops.report.words import say

#: background per tone of a sentence or table row
TONES = {"bad": "#fde2e1", "warn": "#fff4d6", "good": "#e3f4e1", "": "transparent", "small": "transparent"}
_CELL = "border:1px solid #b0bec5;padding:4px 6px;text-align:left;vertical-align:top"


def _text(value: str) -> str:
    """Text content: quotes kept as typed (only attributes need them escaped)."""
    return html.escape(value, quote=False).replace("\n", "<br/>")


def _picture(picture: Picture, max_width: str) -> str:
    src = "data:image/jpeg;base64," + base64.b64encode(picture.data).decode()
    caption = f"<figcaption style='font-size:12px;color:#555'>{_text(picture.caption)}</figcaption>" if picture.caption else ""
    return (f"<figure class='cyclops-report-picture' style='margin:4px 0'><img alt='{html.escape(picture.caption)}' "
            f"src='{src}' style='max-width:{max_width};border:1px solid #ccc'/>{caption}</figure>")


def _cell(value: Cell) -> str:
    if isinstance(value, list):
        return "".join(_picture(p, "100%") for p in value)
    return _picture(value, "100%") if isinstance(value, Picture) else _text(value)


def _block(block: Block) -> str:
    if isinstance(block, Heading):
        return f"<h{block.level + 1}>{_text(block.text)}</h{block.level + 1}>"
    if isinstance(block, Para):
        size = "font-size:12px;" if block.tone == "small" else "font-weight:bold;" if block.tone in ("bad", "good") else ""
        return f"<p class='cyclops-report-{block.tone or 'text'}' style='{size}background:{TONES[block.tone]};padding:2px 6px'>" \
               f"{_text(block.text)}</p>"
    if isinstance(block, Picture):
        return _picture(block, f"{block.width * 100:.0f}%")
    if isinstance(block, Legend):
        return "<p class='cyclops-report-legend' style='font-size:12px'>" + "".join(
            f"<span style='margin-right:1em'><span style='display:inline-block;width:.9em;height:.9em;background:{colour};"
            f"vertical-align:middle'></span> {_text(words)}</span>" for colour, words in block.keys) + "</p>"
    widths = block.widths or [1 / len(block.head)] * len(block.head)
    cols = "".join(f"<col style='width:{w * 100:.0f}%'/>" for w in widths)
    head = "".join(f"<th style='{_CELL};background:#eceff1'>{_text(h)}</th>" for h in block.head) if any(block.head) else ""
    body = "".join(
        f"<tr style='background:{TONES[block.tones[i] if i < len(block.tones) else '']}'>"
        + "".join(f"<td style='{_CELL}'>{_cell(c)}</td>" for c in row) + "</tr>"
        for i, row in enumerate(block.rows))
    return (f"<table class='cyclops-report-table' style='border-collapse:collapse;width:100%;margin-bottom:.6em'>"
            f"<colgroup>{cols}</colgroup>{'<tr>' + head + '</tr>' if head else ''}{body}</table>")


def report_html(report: Report, lang: str = "en") -> str:
    """The report as HTML in ``lang``, verdict first."""
    lang = "fr" if lang == "fr" else "en"
    body = "\n".join(_block(b) for b in sections(report, lang))
    return (f"<div class='cyclops-report' lang='{lang}' style='font-family:sans-serif;max-width:60em'>"
            f"<!-- {html.escape(say('title', lang))} -->\n{body}</div>")
