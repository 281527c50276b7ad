"""Shared rule for name-like fields (product name, brand): the biggest run of lines wins.

A product name is printed large and may wrap over two lines; the run of
adjacent lines with the largest type, weighted by confidence, is the name.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from cyclops.extract.lines import SourceLine, as_lines
from cyclops.extract.params import DEFAULTS, ExtractParams
from cyclops.model.analysis import FieldValue
from cyclops.model.ocr import bbox_of
from cyclops.text.fold import strip_accents
from cyclops.text.language import guess_language
from cyclops.text.readable import SHORT_WORDS

VERSION = "3"


#: a word printed letter-spaced ("S C U L P T™"): four or more single letters, one space apart
_SPACED_WORD = re.compile(r"(?<![^\W\d_])(?:[^\W\d_] ){3,}[^\W\d_](?![^\W\d_])")


def clean_name(text: str) -> str:
    """Collapse spaces, stray leaders and lone logo glyphs OCR reads as letters ("O Rideau"); join a word printed
    letter-spaced ("S C U L P T™" is "SCULPT™"); keep ®/™ as printed."""
    text = re.sub(r"\s+", " ", text).strip(" .:;,-|")
    text = _SPACED_WORD.sub(lambda m: m.group(0).replace(" ", ""), text)
    return re.sub(r"^(?:[^\w\s]|[O0o])\s+(?=\w{3,})", "", text)


def plausible_name(text: str | None, confidence: float = 1.0, stop: re.Pattern[str] | None = None,
                   params: ExtractParams = DEFAULTS) -> bool:
    """Whether a value reads as a name rather than debris: confident, Latin letters, a word of three
    letters or more (other than ``stop`` words such as legal suffixes), mostly letters ("C", "OT",
    "Exp:07/2026", "R/2/11522/6013" and "5g" are not); the least confidence, letters and share of
    letters come from ``params``."""
    name = clean_name(text or "")
    letters = [c for c in name if c.isalpha()]
    if re.search(r"[.·…_]{3,}", name):
        return False  # a dotted leader: a table row ("OU ...... R PROT"), never a name
    if (confidence < params.plausible_confidence or len(letters) < params.plausible_letters
            or any(ord(c) >= 0x250 and c not in "µμ" for c in letters)):
        return False
    words = [w for w in re.findall(r"[^\W\d_]{3,}", name) if not (stop and stop.fullmatch(w))]
    return bool(words) and len(letters) >= params.plausible_letter_share * len(re.sub(r"[\s.,&'-]", "", name))


def adjacent(a: SourceLine, b: SourceLine, gap: float) -> bool:
    """``b`` is printed right under ``a`` (at most ``gap`` text heights lower) and overlaps it across."""
    if a.image != b.image or not a.polygon or not b.polygon:
        return a.image == b.image
    ax0, ay0, ax1, ay1 = bbox_of(a.polygon)
    bx0, by0, bx1, by1 = bbox_of(b.polygon)
    height = max(ay1 - ay0, by1 - by0, 1.0)
    return by0 - ay1 < gap * height and min(ax1, bx1) > max(ax0, bx0)


def _first_word(text: str) -> str:
    words = re.findall(r"\w+", clean_name(text).lower())
    return words[0] if words else ""


def _repeats_run(run: list[SourceLine], line: SourceLine) -> bool:
    """The line starts over with the run's first word ("Rideau Vitamin C" / "Rideau Vitamine C"):
    a translation of the name, not its next line."""
    first = _first_word(run[0].text)
    return len(first) >= 3 and _first_word(line.text) == first


def _similar_size(a: SourceLine, b: SourceLine, ratio: float | None) -> bool:
    if ratio is None:
        return True
    sa, sb = _size(a), _size(b)
    return max(sa, sb) <= ratio * min(sa, sb)


def runs(lines: list[SourceLine], similar_size: float | None = None, params: ExtractParams = DEFAULTS,
         around: list[SourceLine] | None = None) -> list[list[SourceLine]]:
    """Consecutive lines printed one under the other on the same image, in one language
    (an English name and its French translation below it are two candidates, not one name);
    with ``similar_size``, also in type of about one size (at most that ratio apart); with ``around`` (every
    line of the label), never across a line of it printed between them (a slogan between a name and a claim)."""
    out: list[list[SourceLine]] = []
    for line in lines:
        run_lang = next((lang for lang in map(_language, out[-1]) if lang), None) if out else None
        lang = _language(line)
        if (out and adjacent(out[-1][-1], line, params.name_line_gap) and not (run_lang and lang and run_lang != lang)
                and not _repeats_run(out[-1], line)
                and _similar_size(out[-1][-1], line, similar_size)
                and not any(printed_between(other, out[-1][-1], line) for other in around or ())):
            out[-1].append(line)
        else:
            out.append([line])
    return out


def _language(line: SourceLine) -> str | None:
    """The language a line's own words tell ("Une fois par jour"), not its block's: a name of brand and
    ingredient words ("Pacific Fern Glucosamine Chondroitin MSM") printed above French text tells none."""
    return guess_language(line.text) if _words(line.text) >= 2 else None  # one word's language is a guess ("fem")


def printed_between(line: SourceLine, upper: SourceLine, lower: SourceLine) -> bool:
    """``line`` is printed between ``upper`` and ``lower``: its middle between theirs, across both (not in
    another column), and it is neither of them."""
    if line is upper or line is lower or not (line.polygon and upper.polygon and lower.polygon) or line.image != upper.image:
        return False
    x0, y0, x1, y1 = bbox_of(line.polygon)
    middle = (y0 + y1) / 2
    for other in (upper, lower):
        ox0, _, ox1, _ = bbox_of(other.polygon)
        if not min(x1, ox1) > max(x0, ox0):
            return False
    _, uy0, _, uy1 = bbox_of(upper.polygon)
    _, ly0, _, ly1 = bbox_of(lower.polygon)
    return (uy0 + uy1) / 2 < middle < (ly0 + ly1) / 2


#: a line that starts so continues a name ("with D3 Adult"); it never begins one
CONTINUATION = re.compile(r"^\W*(?:with|and|plus|avec|et)\b", re.IGNORECASE)


#: a line that ends so is cut off before what it introduces ("CLINICALLY SHOWN IN WOMEN TO", "Morning Support For");
#: no name ends so ("Vitamin A" ends in a vitamin's letter, not the article)
DANGLING_END = re.compile(r"\b(?:to|of|the|for|with|by|from|an|pour|de|du|des|avec|au|aux|par)\W*$", re.IGNORECASE)
#: a vitamin's letter, a name's part however short ("D3 & K2", "B12")
_VITAMIN = re.compile(r"[ABCDEK]\d{0,2}", re.IGNORECASE)


def letter_pieces(text: str) -> bool:
    """A line of pieces of letters only ("R0°", "OT": a logo's letters read apart), no word of three letters, no
    short English or French word and no vitamin's letter ("D3 & K2")."""
    tokens = [token for token in (re.sub(r"\W", "", word) for word in text.split()) if token]
    return bool(tokens) and all(len(re.sub(r"\d", "", token)) <= 2 and not _VITAMIN.fullmatch(token)
                                and strip_accents(token.lower()) not in SHORT_WORDS for token in tokens)


def _trim(run: list[SourceLine], mark: Callable[[str], bool] | None) -> list[SourceLine]:
    """The run without the marks (``mark``) and the lines of letter pieces (``letter_pieces``) at its ends, the
    continuations at its start and the lines cut off before what they introduce (``DANGLING_END``) at its end."""
    while len(run) > 1 and ((mark and mark(clean_name(run[0].text))) or CONTINUATION.match(run[0].text)
                            or letter_pieces(run[0].text)):
        run = run[1:]
    if len(run) > 1 and mark and mark(clean_name(run[-1].text)):
        run = run[:-1]
    while len(run) > 1 and (letter_pieces(run[-1].text) or DANGLING_END.search(run[-1].text)):
        run = run[:-1]
    return run


def _window(run: list[SourceLine], size: int) -> list[SourceLine]:
    """The ``size`` consecutive lines of a longer run that carry the most type x confidence ("fem / dophilus /
    Ultra" under a smaller "Jarrow"); ties: the first printed."""
    if len(run) <= size:
        return run
    windows = [run[k:k + size] for k in range(len(run) - size + 1)]
    return max(windows, key=lambda window: sum(_size(line) * line.score for line in window))


def _words(text: str) -> int:
    return len(re.findall(r"[^\W\d_]{2,}", text))


def _looks_french(run: list[SourceLine]) -> bool:
    text = " ".join(line.text for line in run)
    return guess_language(text) == "fr" or all(line.language == "fr" for line in run) and guess_language(text) != "en"


def _size(line: SourceLine) -> float:
    if "rel_height" in line.features:
        return float(line.features["rel_height"])
    if line.polygon:
        _, y0, _, y1 = bbox_of(line.polygon)
        return max(y1 - y0, 1.0)
    return 1.0


def best_run(lines: list[SourceLine] | list[str], max_lines: int = 3, similar_size: float | None = None,
             params: ExtractParams = DEFAULTS, keep: Callable[[str], bool] | None = None,
             mark: Callable[[str], bool] | None = None, around: list[SourceLine] | None = None) -> FieldValue:
    """The run with the largest type x confidence, joined into one value (a French run weighs
    ``params.french_name_weight`` as much); ``keep`` refuses a run by its joined text; a line at either end
    of a run that is a ``mark`` ("BetterAlt" above the name, "MENTALDRIVE" under it) is left out; no run
    crosses a line of ``around`` (``runs``)."""
    candidates = [_window(run, max_lines) for run in runs(as_lines(lines), similar_size, params, around)
                  if any(clean_name(line.text) for line in run)]
    candidates = [_trim(run, mark) for run in candidates]
    if keep is not None:
        candidates = [run for run in candidates if keep(clean_name(" ".join(line.text for line in run)))]
    if not candidates:
        return FieldValue()

    def weight(run: list[SourceLine]) -> float:
        french = params.french_name_weight if _looks_french(run) else 1.0  # the English name is the licence's primary one
        return french * max(_size(line) for line in run) * sum(line.score for line in run) / len(run)

    return run_value(max(candidates, key=weight))  # ties: the first printed


def run_value(run: list[SourceLine]) -> FieldValue:
    """A run of lines as one value: their text joined and cleaned, their mean score, each line's evidence."""
    return FieldValue(value=clean_name(" ".join(line.text for line in run)),
                      confidence=round(sum(line.score for line in run) / len(run), 4), evidence=[line.evidence for line in run])
