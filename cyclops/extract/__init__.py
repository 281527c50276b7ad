"""Field extraction: OCR document -> label fields with confidence and evidence.

The learned classifier decides which field each line belongs to; small rule
modules (one per field) parse the values from those lines. Confidence of a
value combines OCR confidence and classifier probability.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from sklearn.pipeline import Pipeline

from cyclops.extract.brand import (brand_among_marks, brand_line_among_names, brand_line_beside_names, brand_over_name,
                                  extract_brand)
from cyclops.extract.classifier import load_model, predict
from cyclops.extract.company import company_elsewhere, company_over_address, extract_company, in_its_block
from cyclops.extract.dosage_form import extract_dosage_form
from cyclops.extract.features import page_inputs
from cyclops.extract.ingredients import extract_ingredients, pull_row_partners
from cyclops.extract.lines import SourceLine, TextSlopes, column_order, echo_lines, number_confidence, source_of
from cyclops.extract.non_medicinal import extract_non_medicinal
from cyclops.extract.npn import find_npn
from cyclops.extract.panel import (
    attach_blend_parts,
    daily_value_cells,
    find_panels,
    label_panels,
    nest_sub_blends,
    set_blend_members_apart,
)
from cyclops.extract.params import DEFAULTS, ExtractParams
from cyclops.extract.product_name import extract_product_name
from cyclops.extract.statements import (extract_statements, is_caution, is_claim, label_by_headings, label_front_claims,
                                        label_wrapped_sentences, moved_direction)
from cyclops.model.analysis import Fields, LabelledLine
from cyclops.model.ocr import Document, bbox_of
from cyclops.normalize.spelling import WORD, SpellCorrector

VERSION = "1"

__all__ = ["VERSION", "ExtractParams", "extract_fields", "fields_from_lines", "label_lines"]


def label_lines(doc: Document, model: Pipeline | None = None) -> list[SourceLine]:
    """Every OCR line of the document with its field label, probability and layout features."""
    model = model if model is not None else load_model()
    out: list[SourceLine] = []
    for page in doc.pages:
        lines = page.lines()
        if not lines:
            continue
        records = page_inputs(lines, page.width, page.height)  # retraining rebuilds the same records from the analysis lines
        for line, record, (label, prob) in zip(lines, records, predict(model, [r["input"] for r in records])):
            out.append(SourceLine(text=line.text, image=page.image_id, polygon=list(line.polygon), confidence=line.confidence,
                                  language=line.language, label=label, label_probability=prob, features=record["layout"],
                                  number_confidence=number_confidence([(w.text, w.confidence) for w in line.words])))
    return out


def _post_rules(lines: list[SourceLine], params: ExtractParams = DEFAULTS) -> list[SourceLine]:
    echo = echo_lines(lines)
    for line in lines:  # a piece of a line read twice (both detection passes boxed it) is in no field a second time
        if id(line) in echo:
            line.label = "other"
    label_by_headings(lines)
    label_wrapped_sentences(lines, params)
    panels = find_panels(lines, params)
    label_panels(lines, panels, params)
    daily = {id(line) for line in daily_value_cells(lines, panels)}
    pull_row_partners([line for line in lines if id(line) not in daily], params)
    label_front_claims(lines, {panel.image for panel in panels})
    # the pull may take a header or a macronutrient cell into a row: the panel's own rules have the last word
    return label_panels(lines, panels, params)


def fields_from_lines(lines: list[SourceLine], params: ExtractParams = DEFAULTS) -> Fields:
    """The rules: each field parsed from the lines labelled for it (npn and dosage form look at every line),
    by the thresholds in ``params``."""

    def having(label: str) -> list[SourceLine]:
        return column_order([line for line in lines if line.label == label], params)

    slopes = TextSlopes.of(lines, params)  # the photos' text slopes, for the blends' rows and the tables' cells
    members = set_blend_members_apart(lines, params, slopes)
    npn = find_npn(lines, params)
    npn_field = npn.field_value()
    npn_field.illegible = not npn.legible
    dosage_form, net_quantity = extract_dosage_form(lines, params)
    names = having("product_name")
    brand = extract_brand(having("brand"), params)
    stray = brand_line_among_names(names, params)
    if stray is not None:
        names = [line for line in names if line is not stray]
        if not brand.value:
            brand = extract_brand([stray], params)
    if not brand.value:
        images = {line.image for line in names}
        stray = brand_line_beside_names(names, [line for line in lines if line.image in images and line.label != "product_name"],
                                        params)
        if stray is not None:
            brand = extract_brand([stray], params)
    company = extract_company(having("company"), params)
    if not company.value:  # none filed, or only debris: a line elsewhere may say who makes it
        company = company_elsewhere(lines, params) or company
    filed = source_of(company, lines) if company.value else None
    if filed is None or not in_its_block(filed, lines, params):
        # a name with its legal form over an address outweighs one without (a neighbour's brand on a shelf)
        company = company_over_address(lines, params) or company
    ingredients = nest_sub_blends(attach_blend_parts(
        extract_ingredients(having("medicinal_ingredient"), slopes, params), lines, members))
    backs = {panel.image for panel in find_panels(lines, params)}
    product_name = extract_product_name(names, lines, brand.value, backs, params)
    if not brand.value:  # nothing filed as the brand reads as one: the mark the name rule set aside, or the line over the name
        brand = brand_among_marks(lines, product_name, backs, params)
    if not brand.value:
        brand = brand_over_name(lines, product_name, params)
    # what the classifier files as cautions on real labels is also marketing copy, the FDA disclaimer and directions
    filed_cautions = extract_statements(having("caution"), params)
    return Fields(
        npn=npn_field,
        product_name=product_name,
        brand=brand,
        company=company,
        dosage_form=dosage_form,
        net_quantity=net_quantity,
        medicinal_ingredients=ingredients,
        non_medicinal_ingredients=extract_non_medicinal(having("non_medicinal_ingredient"), params),
        # lines first ("Product of Canada" above a claim would join its sentence), then the sentences built
        recommended_uses=[use for use in extract_statements([line for line in having("recommended_use") if is_claim(line.text)],
                                                            params)
                          if is_claim(use.text)],
        directions=extract_statements(having("dose"), params) + [s for s in filed_cautions if moved_direction(s.text)],
        cautions=[s for s in filed_cautions if is_caution(s.text)],
    )


#: lines whose words are repaired against the dictionaries (names of products and companies are not words)
SPELLED_LABELS = frozenset({"medicinal_ingredient", "non_medicinal_ingredient", "recommended_use", "dose", "caution"})


def repair_spelling(lines: list[SourceLine], speller: SpellCorrector, params: ExtractParams = DEFAULTS) -> dict[int, str]:
    """Correct the words of statement and ingredient lines in place; {line index: text as read} of those changed.
    A front's claim whose verb OCR slipped on ("VIMPROVIE SKIN FIRMNESS & TEXTURE", filed as an ingredient) leads
    with its verb once repaired, so the front-claims rule looks at the repaired lines again."""
    read: dict[int, str] = {}
    for k, line in enumerate(lines):
        if line.label in SPELLED_LABELS and line.language in ("en", "fr"):
            fixed = speller.correct(line.text, line.language)
            if fixed != line.text:
                read[k] = line.text
                line.text = fixed
    if read:
        label_front_claims(lines, {panel.image for panel in find_panels(lines, params)})
    return read


def extract_fields(doc: Document, model: Pipeline | None = None, speller: SpellCorrector | None = None,
                   params: ExtractParams | None = None) -> tuple[Fields, list[LabelledLine]]:
    """Fields of one product from its OCR document, and every line with its label (the dashboard's boxes).

    ``model`` defaults to the shipped classifier (``cyclops.extract.classifier.load_model``);
    ``speller`` (``cyclops.normalize.spelling``) repairs OCR slips in words before the rules parse them;
    ``params`` holds the rules' thresholds (``DEFAULTS`` when not given).
    """
    params = params if params is not None else DEFAULTS
    lines = _post_rules(label_lines(doc, model), params)
    read = repair_spelling(lines, speller, params) if speller is not None else {}
    fields = fields_from_lines(lines, params)
    if read:
        keep_as_read(fields, {_key(lines[k].evidence): word_swaps(text, lines[k].text) for k, text in read.items()})
    labelled = [
        LabelledLine(image=line.image, polygon=line.polygon, text=line.text, label=line.label,
                     confidence=line.score, language=line.language, ocr_text=read.get(k),
                     ocr_confidence=round(line.confidence, 4), vertical=bool(line.features.get("vertical")))
        for k, line in enumerate(lines)
    ]
    return fields, labelled


def word_swaps(as_read: str, repaired: str) -> list[tuple[str, str]]:
    """(repaired word, words as read) for each word spelling repair changed: it repairs word by word, and joins
    a word OCR split ("Magnes m" -> "Magnesium"), which is one swap of its own."""
    before, after = WORD.findall(as_read), WORD.findall(repaired)
    swaps = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes():
        if tag == "replace" and i2 - i1 == j2 - j1:
            swaps.extend(zip(after[j1:j2], before[i1:i2]))
        elif tag != "equal":
            swaps.append((" ".join(after[j1:j2]), " ".join(before[i1:i2])))
    return swaps


def _key(evidence) -> tuple:
    return evidence.image, tuple(tuple(point) for point in evidence.polygon)


def _within(line: tuple, evidence) -> bool:
    """Whether a line (``_key``) is part of an evidence box: the same photo, its centre inside the box (a facts
    row cites the union of its name and amount cells)."""
    image, polygon = line
    if image != evidence.image or not polygon or not evidence.polygon:
        return False
    x0, y0, x1, y1 = bbox_of(evidence.polygon)
    cx, cy = sum(p[0] for p in polygon) / len(polygon), sum(p[1] for p in polygon) / len(polygon)
    return x0 <= cx <= x1 and y0 <= cy <= y1


def keep_as_read(fields: Fields, swaps: dict[tuple, list[tuple[str, str]]]) -> None:
    """Set ``as_read`` on every value whose text spelling repair changed: what the label prints is
    evidence, so the analyst sees the text as read beside the repaired one (a misprint stays visible). A value
    built from several lines (a facts row from its cells) takes the swaps of every line inside its evidence."""
    items = [*fields.medicinal_ingredients, *fields.non_medicinal_ingredients,
             *fields.recommended_uses, *fields.directions, *fields.cautions]
    for item in items:
        changes = [swap for e in item.evidence for key, line_swaps in swaps.items()
                   if key == _key(e) or _within(key, e) for swap in line_swaps]
        text = item.name if hasattr(item, "name") else item.text
        restored = text
        for fixed, original in changes:
            restored = re.sub(rf"(?<!\w){re.escape(fixed)}(?!\w)", original, restored)
        if restored != text:
            item.as_read = restored
