"""Non-medicinal ingredients: the list after "Non-medicinal ingredients:" / "Ingrédients non médicinaux :"."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from cyclops.extract.company import is_address
from cyclops.extract.headings import misread_heading, strip_heading
from cyclops.extract.ingredients import split_inline
from cyclops.extract.lines import SourceLine, as_lines, bbox_of, unplaced
from cyclops.extract.params import DEFAULTS, ExtractParams
from cyclops.extract.statements import join_lines
from cyclops.model.analysis import NonMedicinalIngredient

VERSION = "4"


#: an ingredients heading inside a line ("... diet. Other Ingredients: Citric Acid", OCR's "Other i dients:"): the
#: list starts after it
_INLINE_HEADING = re.compile(r"\b(?:ingr\w*|i\s+\w*dients?)(?:\s+non[- ]?m[ée]dicinaux)?\s*:", re.IGNORECASE)
#: a trademark or patent notice printed under a list ("Fibregum is a trademark of Nexira"): no ingredient
_NOTICE = re.compile(r"\btrademarks?\b|\bpatent\w*|\bmarques? (?:de commerce|d[ée]pos[ée]e)", re.IGNORECASE)
#: what no ingredient name holds: a dotted leader joining two columns, an address
_NOT_A_NAME = re.compile(r"[.·…_]{3,}|www\.|\.com\b|@", re.IGNORECASE)
#: a QR code's caption ("Scan Me", "Scan for more", "Balayez-moi")
_QR_PROMPT = re.compile(r"^\W*(?:scan|balaye[rz]|num[ée]rise[rz])\b", re.IGNORECASE)
#: a full stop between two names: a comma as OCR read it ("Natural Berry Flavor. Natural Vanilla Flavor"), or the
#: list's end before the maker's text
_STOP_BETWEEN = re.compile(r"(?<=[a-z)])\.\s+(?=[A-Z])")
#: a piece that is only a bracketed qualifier ("(vegetable source)", "(for color)"): no name of its own
_QUALIFIER = re.compile(r"\([^()]*\)")
#: a list that says there is nothing in it ("Other ingredients: None", "Autres ingrédients : aucun")
_NONE = re.compile(r"\W*(?:none|aucun|aucune|n/?a)\W*", re.IGNORECASE)


#: the most words one known name has ("stéarate de magnésium végétal")
_NAME_WORDS = 5


@lru_cache(maxsize=1)
def known_names() -> frozenset[str]:
    """Common non-medicinal ingredients' names, lower case, English and French (``data/non_medicinal_names.txt``)."""
    text = resources.files("cyclops.extract").joinpath("data", "non_medicinal_names.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def split_known(piece: str) -> list[str]:
    """A piece of a list that reads as two or more known names (``known_names``) and nothing else, split into the
    fewest: the comma between them that small print lost ("Pectin Citric Acid" -> "Pectin", "Citric Acid"). Any
    other piece, one known name ("Vegetable Glycerin") or a bracketed one, stays whole."""
    words = piece.split()
    if len(words) < 2 or re.search(r"[()\[\]]", piece):
        return [piece]
    names = known_names()
    keys = [word.lower().strip(".;:") for word in words]
    best: list[list[tuple[int, int]] | None] = [[]] + [None] * len(words)  # fewest names covering words[:i]
    for end in range(1, len(words) + 1):
        for start in range(max(0, end - _NAME_WORDS), end):
            before = best[start]
            if before is not None and " ".join(keys[start:end]) in names and (
                    best[end] is None or len(before) + 1 < len(best[end])):
                best[end] = before + [(start, end)]
    spans = best[-1]
    return [" ".join(words[a:b]) for a, b in spans] if spans and len(spans) >= 2 else [piece]


def split_non_medicinal(text: str) -> list[str]:
    """"Non-medicinal ingredients: cellulose, magnesium stearate (vegetable), silica." -> 3 names; a claim or
    statement printed before an inline heading is not one, and neither is a piece with a leader or an address."""
    text = strip_heading(text)
    inline = list(_INLINE_HEADING.finditer(text))
    if inline:
        text = text[inline[-1].end():]
    elif (start := misread_heading(text, "non_medicinal_ingredient")) is not None:
        text = text[start:]
    items: list[str] = []
    for piece in (piece.strip() for item in split_inline(text) for piece in _STOP_BETWEEN.split(item)):
        if _QUALIFIER.fullmatch(piece):  # "magnesium stearate, (vegetable source)": the name before it is qualified
            if items:
                items[-1] = f"{items[-1]} {piece}"
            continue  # a qualifier whose name was not read names nothing
        items.extend(split_known(piece))
    return [item for item in items
            if any(c.isalpha() for c in item) and not _NOT_A_NAME.search(item) and not _NONE.fullmatch(item)]


def extract_non_medicinal(lines: list[SourceLine] | list[str], params: ExtractParams = DEFAULTS) -> list[NonMedicinalIngredient]:
    """Names from the lines labelled ``non_medicinal_ingredient``.

    Labels print the list in English and French; when both are present the
    English list is kept (the French one names the same ingredients), so each
    ingredient is counted once. A list is the run of lines under its heading ("Other ingredients:"); where a label
    has such a run, lines filed here elsewhere on it (a front's name, a claim, a seal) are no list. A label without
    one keeps the runs that read as lists (names between commas).
    """
    src = as_lines(lines)
    if any(line.language == "en" for line in src) and any(line.language == "fr" for line in src):
        src = [line for line in src if line.language != "fr"]
    runs = _list_runs(src, params.statement_line_gap)
    headed = [run for run in runs if _headed(run[0].text)]
    _tuck_under_headings(runs, headed, params.statement_line_gap)
    kept = headed or [run for run in runs if "," in join_lines([line.text for line in run])]
    out: list[NonMedicinalIngredient] = []
    seen: set[str] = set()
    for group in kept:
        text = join_lines([strip_heading(line.text) for line in group])
        score = round(sum(line.score for line in group) / len(group), 4)
        for name in split_non_medicinal(text):
            key = name.lower()
            if key in seen:
                continue
            seen.add(key)
            used = [line for line in group if name.split()[0].lower() in line.text.lower()] or group
            out.append(NonMedicinalIngredient(name=name, confidence=score, evidence=[line.evidence for line in used]))
    return out


def _tuck_under_headings(runs: list[list[SourceLine]], headed: list[list[SourceLine]], line_gap: float) -> None:
    """A run read before a list's heading that lies under it is that list's tail: a tilted photo's OCR order put the
    heading's second line first ("Silicon Dioxide, Polydextrose" before "Other i dents: Citric Acid, ..."). It joins
    the headed run, after it; a run above the heading ("diet.") stays apart."""
    at = {id(run): k for k, run in enumerate(runs)}
    heads = {id(run) for run in headed}
    for k, run in enumerate(runs):
        if id(run) in heads:
            continue
        home = next((list_run for list_run in headed if k < at[id(list_run)] and _under(list_run, run[0], line_gap)), None)
        if home is not None:
            home.extend(run)


def _headed(text: str) -> bool:
    """Whether a line opens a list: it starts with a heading, or prints one inside it ("diet. Other i dients:")."""
    return (strip_heading(text) != text.strip() or bool(_INLINE_HEADING.search(text))
            or misread_heading(text, "non_medicinal_ingredient") is not None)


def _list_runs(lines: list[SourceLine], line_gap: float) -> list[list[SourceLine]]:
    """Lines of one printed list: a line carries on the latest open run on its photo whose lowest line it sits at
    most ``line_gap`` text heights under, wherever across (OCR cuts a list wrapped round a bottle into pieces that
    zigzag across it); a heading starts a run, and an address or a trademark notice ends one (and is left out). Unlike statements' runs there is no
    language test: an ingredient's name reads as English or French alike."""
    runs: list[list[SourceLine]] = []
    closed: set[int] = set()
    for line in lines:
        heading = _headed(line.text)
        fits = None if heading else next(
            (run for run in reversed(runs[-4:]) if id(run) not in closed and _under(run, line, line_gap)), None)
        if _QR_PROMPT.search(line.text):
            continue  # a QR code's caption printed among the list's lines
        if not heading and (is_address(line.text) or _NOTICE.search(line.text)):
            if fits is not None:  # an address or a trademark notice ends a list: what follows is the maker's text
                closed.add(id(fits))
            continue
        if fits is None:
            runs.append([line])
        else:
            fits.append(line)
    return runs


def _under(run: list[SourceLine], line: SourceLine, line_gap: float) -> bool:
    """Whether ``line`` lies within ``run``'s rows or at most ``line_gap`` of its text heights under the lowest."""
    if not line.polygon or not run[-1].polygon:
        return unplaced(run[-1], line)
    if run[-1].image != line.image:
        return False
    boxes = [bbox_of(prev.polygon) for prev in run if prev.polygon]
    x0, top, x1, bottom = bbox_of(line.polygon)
    height = max(1.0, min(bottom - top, min(b[3] - b[1] for b in boxes)))
    return min(b[1] for b in boxes) - height <= top <= max(b[3] for b in boxes) + line_gap * height
