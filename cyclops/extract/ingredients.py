"""Medicinal ingredients: table rows with dotted leaders, wrapped rows, inline lists, EN/FR tables.

"Vitamin D3 (cholecalciferol) .......... 25 mcg (1000 IU)" -> Ingredient(name="Vitamin D3
(cholecalciferol)", quantity=25, unit="mcg", potency="1000 IU"). The name is what precedes the
first amount or ratio; a line without an amount is joined with the next one (wrapped name).
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from cyclops.extract.headings import match_heading, strip_heading
from cyclops.extract.lines import SourceLine, as_lines
from cyclops.extract.quantity import AMOUNT, RATIO, parse_quantity
from cyclops.model.analysis import Ingredient
from cyclops.model.ocr import bbox_of, union_polygon
from cyclops.normalize.confusions import normalize_text, strip_accents

VERSION = "1"
#: dotted leaders and table rules between a name and its amount
LEADER = re.compile(r"\s*(?:[.·•…_]{2,}|[.·…]\s(?:[.·…]\s?){2,}|\s{3,}|\t)\s*")
#: continuation lines that belong to the ingredient above ("(4:1 extract ...)", "standardized to ...")
CONTINUATION = re.compile(r"^\s*(?:\(|equivalent|équivalent|standardi[sz]ed|normalisé|from |de |provenant|extract\b|extrait\b|\d+\s*:\s*\d)", re.IGNORECASE)
_TRAILING = " \t:;,-–—.·…_|"


#: "5 0 mg": OCR put a space inside a number (not a thousands group, which has three digits)
_SPLIT_NUMBER = re.compile(r"(?<![\d,.])(\d{1,2}) (\d{1,2})(?=\s*(?:mg|mcg|g|IU|mL|%|CFU)\b)")


def split_name_quantity(text: str, language: str | None = None) -> tuple[str, str]:
    """("Vitamin D3 (cholecalciferol)", "25 mcg (1000 IU)") from one table row."""
    norm = _SPLIT_NUMBER.sub(r"\1\2", normalize_text(text))
    starts = [m.start() for m in AMOUNT.finditer(norm)] + [m.start() for m in RATIO.finditer(norm)]
    # an amount inside the name's own brackets ("(from 500 mg calcium citrate)") still ends the name
    if not starts:
        return LEADER.sub(" ", norm).strip(_TRAILING), ""
    cut = min(starts)
    name = LEADER.sub(" ", norm[:cut]).strip(_TRAILING)
    # a bracket opened in the name and closed in the quantity belongs to the quantity ("Ginkgo (50:1, 120 mg)")
    if name.count("(") > name.count(")"):
        idx = name.rfind("(")
        cut = norm.rfind("(", 0, cut)
        name = name[:idx].strip(_TRAILING)
    return name, norm[cut:].strip()


def primary_name(name: str) -> str:
    """The English half of a bilingual name ("Vitamin D3 / Vitamine D3" -> "Vitamin D3")."""
    parts = [p.strip() for p in re.split(r"\s+/\s+|\s*/\s*(?=[A-ZÀ-Ý])", name) if p.strip()]
    return parts[0] if parts else name.strip()


def parse_ingredient_text(text: str, language: str | None = None) -> Ingredient | None:
    """One ingredient from a row or list item; None when it has no name."""
    name, qty_text = split_name_quantity(strip_heading(text), language)
    name = primary_name(name)
    if not name or not re.search(r"[^\W\d_]{2,}", name):
        return None
    q = parse_quantity(qty_text, language) if qty_text else None
    return Ingredient(
        name=name,
        quantity=(q.value if q.value is not None else q.dhe) if q else None,
        unit=(q.unit if q.value is not None else q.dhe_unit) if q else None,
        potency=q.describe() if q else None,
    )


def split_inline(text: str) -> list[str]:
    """"Vitamin C 500 mg, Zinc (citrate) 10 mg; Vitamin D3 1,000 IU" -> items, never splitting inside brackets or numbers."""
    items, depth, current = [], 0, ""
    for i, ch in enumerate(text):
        depth += ch in "([" 
        depth -= ch in ")]" and depth > 0
        nxt = text[i + 1] if i + 1 < len(text) else " "
        if depth == 0 and (ch == ";" or (ch == "," and not nxt.isdigit())):
            items.append(current)
            current = ""
            continue
        current += ch
    items.append(current)
    return [item.strip(" .;,") for item in items if item.strip(" .;,")]


def merge_cells(lines: list[SourceLine]) -> list[SourceLine]:
    """Join a name cell and its amount cell that OCR read as two lines of the same table row.

    Two lines on one image whose vertical extents overlap by more than half and
    that do not overlap horizontally become one line, left cell first.
    """
    out: list[SourceLine] = []
    used: set[int] = set()
    boxes = [bbox_of(line.polygon) if line.polygon else None for line in lines]
    for i, line in enumerate(lines):
        if i in used:
            continue
        row = [i]
        a = boxes[i]
        for j in range(i + 1, len(lines)):
            b = boxes[j]
            if j in used or a is None or b is None or lines[j].image != line.image:
                continue
            overlap = min(a[3], b[3]) - max(a[1], b[1])
            apart = b[0] >= a[2] - 2 or a[0] >= b[2] - 2
            if apart and overlap > 0.5 * min(a[3] - a[1], b[3] - b[1]):
                row.append(j)
        if len(row) == 1:
            out.append(line)
            continue
        used.update(row)
        cells = sorted((lines[k] for k in row), key=lambda item: bbox_of(item.polygon)[0])
        out.append(SourceLine(
            text=" ... ".join(cell.text for cell in cells), image=line.image,
            polygon=union_polygon([cell.polygon for cell in cells]),
            confidence=min(cell.confidence for cell in cells), language=line.language,
            label=line.label, label_probability=min(cell.label_probability for cell in cells), features=line.features,
        ))
    return out


def amount_only(text: str) -> bool:
    """A cell with an amount and no ingredient name ("... 100 mg", "25 mcg (1000 IU)")."""
    name, quantity = split_name_quantity(text)
    return bool(quantity) and not re.search(r"[^\W\d_]{2,}", name)


def pull_row_partners(lines: list[SourceLine]) -> list[SourceLine]:
    """An amount cell labelled ``medicinal_ingredient`` makes the name cell on its row one too.

    The classifier sees the two cells of a table row separately; when it labels
    the amount but not the name, the row still belongs to the table.
    """
    for amount in lines:
        if amount.label != "medicinal_ingredient" or not amount.polygon or not amount_only(amount.text):
            continue
        a = bbox_of(amount.polygon)
        for other in lines:
            if other is amount or other.image != amount.image or not other.polygon or other.label == "medicinal_ingredient":
                continue
            b = bbox_of(other.polygon)
            overlap = min(a[3], b[3]) - max(a[1], b[1])
            if b[2] <= a[0] + 2 and overlap > 0.5 * min(a[3] - a[1], b[3] - b[1]) and other.label not in {"npn", "company"}:
                other.label = "medicinal_ingredient"
                other.label_probability = min(other.label_probability, amount.label_probability) * 0.8
    return lines


def _has_amount(text: str) -> bool:
    norm = normalize_text(text)
    return bool(AMOUNT.search(norm) or RATIO.search(norm))


def _rows(lines: list[SourceLine]) -> list[list[SourceLine]]:
    """Group wrapped lines into rows: a name without an amount waits for the line that has one."""
    rows: list[list[SourceLine]] = []
    pending: list[SourceLine] = []
    for line in lines:
        text = strip_heading(line.text)
        if not text:
            continue  # heading only ("Each capsule contains:")
        if rows and not pending and CONTINUATION.match(text):
            rows[-1].append(line)
            continue
        pending.append(line)
        if _has_amount(text):
            rows.append(pending)
            pending = []
    if pending:
        rows.append(pending)
    return rows


def _same_ingredient(a: Ingredient, b: Ingredient) -> bool:
    if (a.quantity, a.unit) != (b.quantity, b.unit):
        return False
    na, nb = strip_accents(a.name.lower()), strip_accents(b.name.lower())
    return fuzz.token_set_ratio(na, nb) >= 60


def merge_languages(items: list[tuple[Ingredient, str | None]]) -> list[Ingredient]:
    """One ingredient per pair of English and French rows with the same amount and a similar name; English name kept."""
    out: list[tuple[Ingredient, str | None]] = []
    for ing, lang in items:
        twin = next(
            (i for i, (o, olang) in enumerate(out) if olang and lang and olang != lang and _same_ingredient(o, ing)), None
        )
        if twin is None:
            out.append((ing, lang))
            continue
        other, olang = out[twin]
        keep, extra = (other, ing) if olang != "fr" else (ing, other)
        keep = keep.model_copy(update={"evidence": keep.evidence + extra.evidence,
                                       "confidence": max(keep.confidence, extra.confidence)})
        out[twin] = (keep, "en" if "en" in (lang, olang) else lang)
    return [ing for ing, _ in out]


def extract_ingredients(lines: list[SourceLine] | list[str]) -> list[Ingredient]:
    """Medicinal ingredients from the lines labelled ``medicinal_ingredient`` (in reading order)."""
    found: list[tuple[Ingredient, str | None]] = []
    for row in _rows(merge_cells(as_lines(lines))):
        text = " ".join(strip_heading(line.text) for line in row)
        language = next((line.language for line in row if line.language), None)
        several = len(AMOUNT.findall(normalize_text(text))) > 1 and ("," in text or ";" in text)
        pieces = split_inline(text) if several else [text]
        score = round(sum(line.score for line in row) / len(row), 4)
        for piece in pieces:
            ing = parse_ingredient_text(piece, language)
            if ing is None or (match_heading(piece) and not ing.quantity):
                continue
            ing.confidence = score * (1.0 if ing.quantity is not None else 0.6)
            ing.evidence = [line.evidence for line in row]
            found.append((ing, language))
    return merge_languages(found)
