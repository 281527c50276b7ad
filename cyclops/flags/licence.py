"""Rules about the licence number and the licence itself: missing, unreadable or unknown NPN,
inactive licence, product name and company that differ from the licence."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from cyclops.compare.reading import read_unsurely
from cyclops.flags.context import Context
from cyclops.flags.messages import make_flag
from cyclops.flags.params import DEFAULT_FLAGS, FlagParams
from cyclops.model.analysis import Evidence, Flag
from cyclops.normalize.confusions import normalize_codes
from cyclops.text.fold import fold
from cyclops.text.similarity import company_key, name_similarity


def _digits(text: str | None) -> str:
    return re.sub(r"\D", "", text or "")


_NPN_PREFIX = re.compile(r"\b(npn|din-?hm|npn-?\w*)\b", re.IGNORECASE)


def _npn_traces(ctx: Context) -> tuple[bool, list[Evidence]]:
    """(a number is printed but unread, its evidence): the extractor says so (``illegible``, or
    evidence with digits and no value), or an OCR line labelled npn shows a licence prefix. Digits
    alone are no trace: on real photos lot numbers, barcodes and postal codes are everywhere."""
    npn = ctx.fields.npn
    if npn.value:
        return False, []
    if getattr(npn, "illegible", False) or any(_digits(e.text) for e in npn.evidence):
        return True, list(npn.evidence)
    lines = [Evidence(image=line.image, polygon=line.polygon, text=line.text) for line in ctx.lines
             if line.label == "npn" and _NPN_PREFIX.search(normalize_codes(line.text))]
    return bool(lines), lines


def npn_missing(ctx: Context) -> list[Flag]:
    """No number and no trace of one: the label does not print its licence number. Not said of a label
    whose statements gave hardly a word (its photos too poor to read): there, absence proves nothing."""
    if ctx.fields.npn.value or _npn_traces(ctx)[0]:
        return []
    if ctx.statements_unread and sum(len(lines) for lines in ctx.well_read.values()) < ctx.params.well_read_lines:
        return []
    return [make_flag("NPN_MISSING")]


def npn_illegible(ctx: Context) -> list[Flag]:
    """A number is printed but cut off or unreadable (the extractor leaves ``value`` empty)."""
    illegible, traces = _npn_traces(ctx)
    if not illegible:
        return []
    return [make_flag("NPN_ILLEGIBLE", traces, text=" / ".join(e.text for e in traces if e.text) or "?")]


def _one_digit_apart(a: str, b: str) -> bool:
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b)) == 1


def npn_not_found(ctx: Context) -> list[Flag]:
    """The printed number is not a licence in the database. When the matched licence's number is
    one digit away from what was read, the difference is taken as an OCR slip, not a violation."""
    printed = _digits(ctx.fields.npn.value)
    if not printed or ctx.match.method == "npn_exact":
        return []
    licensed = _digits(ctx.match.licence_number)
    if licensed and (licensed == printed or _one_digit_apart(printed, licensed)):
        return []
    return [make_flag("NPN_NOT_FOUND", list(ctx.fields.npn.evidence), npn=ctx.fields.npn.value)]


def licence_inactive(ctx: Context) -> list[Flag]:
    licence = ctx.licence
    if licence is None or licence.active:
        return []
    return [make_flag("LICENCE_INACTIVE", list(ctx.fields.npn.evidence), npn=licence.licence.licence_number,
                      name=licence.licence.product_name)]


def _wordlike(text: str, share: float) -> bool:
    """Mostly letters (``share`` of them) with at least one real word: "Maple Naturals" yes, ":SU0/19811q"
    (OCR debris) no."""
    chars = [c for c in text if not c.isspace()]
    letters = sum(c.isalpha() for c in chars)
    return bool(chars) and letters / len(chars) >= share and bool(re.search(r"[^\W\d_]{3,}", text))


def _best(printed: str, names: list[str], inside_min: int) -> float:
    """The best similarity of a printed name to the licensed ones, a licensed name found inside it counting."""
    best = 0.0
    fp = fold(printed)
    for name in names:
        best = max(best, name_similarity(printed, name))
        fn = fold(name)
        if fn and fp and min(len(fn), len(fp)) >= inside_min:
            # the label may add the brand or the strength around the licensed name
            best = max(best, fuzz.partial_ratio(fn, fp) / 100.0 if len(fn) <= len(fp) else 0.0)
    return best


def part_of(printed: str, licensed: str, params: FlagParams = DEFAULT_FLAGS) -> bool:
    """Whether ``printed`` is a piece of ``licensed`` (a slip or two allowed), not a name of its own."""
    fp, fn = fold(printed), fold(licensed)
    return len(fp.replace(" ", "")) >= params.part_min and len(fp) < len(fn) and fuzz.partial_ratio(fp, fn) >= params.part_ratio


def product_name_mismatch(ctx: Context) -> list[Flag]:
    p = ctx.params
    printed = ctx.fields.product_name.value
    if not printed or not _wordlike(printed, p.wordlike_share) or not ctx.bundles() \
            or read_unsurely(ctx.fields.product_name, ctx.lines, p):
        return []
    names = [b.licence.product_name for b in ctx.bundles() if b.licence.product_name]
    brand = ctx.fields.brand.value
    candidates = [printed] + ([f"{brand} {printed}"] if brand else [])
    if max(_best(c, names, p.name_inside_min) for c in candidates) >= p.name_similarity:
        return []
    if any(ctx.appears(n, ctx.line_text()) for n in names):
        return []  # the licensed name is on the label; the extractor picked another line
    if any(part_of(c, n, p) for c in candidates for n in names):
        return []  # "rairie" of "Prairie Sun Probiotic": the name cut short by the photo's edge or a missed line
    return [make_flag("PRODUCT_NAME_MISMATCH", list(ctx.fields.product_name.evidence), printed=printed,
                      licensed=names[0])]


def company_mismatch(ctx: Context) -> list[Flag]:
    p = ctx.params
    printed = ctx.fields.company.value
    licensed = [b.licence.company_name for b in ctx.bundles() if b.licence.company_name]
    if not printed or not licensed or not _wordlike(printed, p.wordlike_share) or read_unsurely(ctx.fields.company, ctx.lines, p):
        return []
    key = company_key(printed)
    if max(_best(key, [company_key(n) for n in licensed], p.name_inside_min), 0.0) >= p.name_similarity:
        return []
    if any(ctx.appears(company_key(n), ctx.line_text()) for n in licensed):
        return []  # e.g. "Distributed by X for Y": the licence holder is printed too
    if key and any(company_key(n).endswith(key) for n in licensed):
        return []  # "Canada Ltd." of "Glacier Labs Canada Ltd.": the name's start cut off by the photo's edge
    return [make_flag("COMPANY_MISMATCH", list(ctx.fields.company.evidence), printed=printed, licensed=licensed[0])]
