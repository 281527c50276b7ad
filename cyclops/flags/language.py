"""Bilingual labelling: recommended uses, directions and cautions must appear in English and
French (Natural Health Products Regulations, s. 87 and s. 93)."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from cyclops.flags.context import Context, item_evidence, item_language, looks_like_name
from cyclops.flags.messages import make_flag
from cyclops.model.analysis import Evidence, Flag
from cyclops.text.fold import fold
from cyclops.text.language import flag_language

#: section -> (field, line label, English name, French name, French headings that prove French is printed)
SECTIONS = {
    "recommended_uses": ("recommended_use", "recommended uses", "usages recommandés",
                         ("usage recommande", "usages recommandes", "indication", "indications")),
    "directions": ("dose", "directions", "modes d'emploi", ("mode d'emploi", "posologie", "dose recommandee")),
    "cautions": ("caution", "cautions", "mises en garde", ("mise en garde", "mises en garde", "precaution", "precautions",
                                                          "avertissement", "avertissements")),
}

#: English headings: the English block is printed even when its lines were not read
EN_HEADINGS = {
    "recommended_uses": ("recommended use", "recommended uses", "indications"),
    "directions": ("directions", "directions for use", "recommended dose", "dosage"),
    "cautions": ("caution", "cautions", "warning", "warnings", "cautions and warnings", "risk information"),
}

_LANGUAGE_NAMES = {"en": ("English", "anglais"), "fr": ("French", "français")}


def _languages_on_lines(ctx: Context, label: str) -> set[str]:
    found = set()
    for line in ctx.lines:
        if line.label == label and len(line.text.split()) >= ctx.params.min_proof_words:
            lang = line.language if line.language in ("en", "fr") else flag_language(line.text)
            if lang:
                found.add(lang)
    return found


def _heading_present(ctx: Context, headings: tuple[str, ...]) -> bool:
    return any(fold(line.text).startswith(h) or fold(line.text).rstrip(" :") == h for line in ctx.lines for h in headings)


def _licensed_text_on_lines(ctx: Context, section: str, language: str) -> bool:
    """Whether the licence's own statements for a section, in ``language``, are on some OCR line
    (the extractor may have filed them under another field)."""
    bundle = ctx.licence_fr if language == "fr" else ctx.licence_en
    if bundle is None or section == "directions":
        return False
    p = ctx.params
    statements = [p.purpose for p in bundle.purposes] if section == "recommended_uses" else [r.risk_text for r in bundle.risks]
    for line in ctx.lines:
        text = fold(line.text)
        if len(text) < p.licensed_line_min or flag_language(line.text) not in (language, None):
            continue
        if any(fuzz.partial_ratio(text, fold(s)) >= p.licensed_line_ratio for s in statements if len(fold(s)) >= len(text)):
            return True
    return False


def _face_unread(ctx: Context, readable: set[str]) -> bool:
    """A photo with no line read well and several lines of text read unsurely: it may be the face that prints the
    French. Lines read surely that tell no language are a front's brand, name and flavour, not French missed:
    Poggers' front ("POGGERS", "BLUE RASPBERRY", "SERVINGS", at 0.9-0.98) has no line of two English words once
    "DIETARY SUPPLEMENT" is read as one word, as on the photo scaled down, and excused the English-only back."""
    unsure: dict[str, int] = {}
    for line in ctx.lines:
        if line.image not in readable and re.search(r"[^\W\d_]{2,}", line.text):
            unsure[line.image] = unsure.get(line.image, 0) + (line.reading_confidence < ctx.params.well_read_confidence)
    return any(n >= ctx.params.unread_lines for n in unsure.values())


def english_only(ctx: Context) -> list[Flag]:
    """The text read well is English and hardly any is French: the label is English-only, whatever the
    extractor filed where. Debris on one photo does not excuse it; a face with nothing read well does."""
    en, fr = ctx.well_read["en"], ctx.well_read["fr"]
    if len(en) < ctx.params.english_only_lines or len(fr) > ctx.params.french_share * len(en):
        return []
    if _face_unread(ctx, {line.image for line in en + fr}):
        return []
    sections = [s for s in SECTIONS if getattr(ctx.fields, s)] or list(SECTIONS)
    evidence = [Evidence(image=line.image, polygon=line.polygon, text=line.text) for line in en[:4]]
    return [make_flag(
        "FRENCH_MISSING", evidence,
        section=", ".join(SECTIONS[s][1] for s in sections), section_fr=", ".join(SECTIONS[s][2] for s in sections),
        present=_LANGUAGE_NAMES["en"][0], present_fr=_LANGUAGE_NAMES["en"][1],
    )]


def french_missing(ctx: Context) -> list[Flag]:
    """One flag naming every mandatory section printed in one language only. Lines the extractor
    did not put in the field (misread or unlabelled French) still count as the other language.
    When the sections cannot tell (unread lines, nothing filed), the text read well decides."""
    if ctx.label_unread or ctx.photo_unread:
        return english_only(ctx)
    missing: dict[str, tuple[str, str]] = {}  # section -> present language
    evidence = []
    for field_name, (label, _, _, headings) in SECTIONS.items():
        items = [i for i in getattr(ctx.fields, field_name) if not looks_like_name(i.text, ctx)]
        langs = {item_language(i) for i in items}
        if len(langs) != 1 or None in langs:
            continue  # both languages, nothing printed, or a statement of unknown language: no proof
        present = next(iter(langs))
        other = "fr" if present == "en" else "en"
        if (len(items) < 2 and not _heading_present(ctx, EN_HEADINGS[field_name] if present == "en" else headings)
                and not any(len(i.text.split()) >= ctx.params.whole_statement_words and i.confidence >= ctx.params.whole_statement_confidence
                            for i in items)):
            continue  # one stray line and no heading: a line of another section filed here, not a section
        if other in _languages_on_lines(ctx, label):
            continue
        if _heading_present(ctx, headings if other == "fr" else EN_HEADINGS[field_name]):
            continue
        if _licensed_text_on_lines(ctx, field_name, other):
            continue
        missing[field_name] = present
        evidence += [e for i in items[:2] for e in item_evidence(i, ctx, {label})]
    if not missing:
        return english_only(ctx)
    present = set(missing.values())
    lang = present.pop() if len(present) == 1 else "en"
    return [make_flag(
        "FRENCH_MISSING", evidence[:6],
        section=", ".join(SECTIONS[s][1] for s in missing),
        section_fr=", ".join(SECTIONS[s][2] for s in missing),
        present=_LANGUAGE_NAMES[lang][0], present_fr=_LANGUAGE_NAMES[lang][1],
    )]
