"""Product name: the large name-like type on the front, not the brand, the flavour, the count or a slogan.

The classifier's ``product_name`` lines are the first candidates. On real fronts it also files the
name under claims or non-medicinal ingredients ("Collagen Protein", "Glutathione" in big type), so
short lines in type larger than the photo's text are candidates too, at a discount. A candidate that
is a count, a net quantity, "Dietary Supplement", a flavour, a slogan, a company, debris, or the brand
(the word that comes back in the maker's lines: company, web or mail address, "Distributed by") is not
the name. A photo with an ingredient panel is a back, not a front: its lines filed elsewhere are its lists,
and its lines filed as the name count for less. When nothing large is left once the brand is set aside,
the name may be printed smaller than the brand. A name's lines are one under the other with no other line
between them (a slogan ends a name); a small qualifier above it ("PERFORMANCE" over "GREENS") and a line
joined to it by a sign ("+PROTEIN") are part of it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from functools import cache

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from cyclops.extract.dosage_form import only_form
from cyclops.extract.lines import SourceLine, as_lines, edge_angle
from cyclops.extract.names import DANGLING_END, adjacent, best_run, clean_name, printed_between, run_value
from cyclops.extract.params import DEFAULTS, ExtractParams
from cyclops.model.analysis import Evidence, FieldValue
from cyclops.model.ocr import bbox_of
from cyclops.normalize.spelling import builtin_words
from cyclops.text.fold import fold, strip_accents
from cyclops.text.language import common_word

VERSION = "9"

#: what is printed large on fronts but is never the product's name (strengths such as "400 mg" can be part of it)
NOT_A_NAME = re.compile(
    r"\b(?:dietary|food|herbal)\s+supp|supplement facts|nutrition facts|natural health product|produit de sante"
    r"|supplement alimentaire|net\s*(?:wt|weight|quantity|contents?|vol)|\bservings?\b|per (?:container|serving)"
    r"|\d+\s*(?:vegan |veg(?:etable|gie)? |liquid |soft )?(?:capsules?|caps|tablets?|softgels?|caplets?|gummies|sticks?"
    r"|pieces?|packets?|lozenges?|count|ct)\b|\d\s*(?:oz|fl\.? ?oz|lbs?)\b|non[- ]?gmo|gluten|vegan\b"
    r"|sugar[- ]free|keto\b|certified|lab tested|made in|flavou?r|saveur|\bcaffeine free|satisfaction|guarantee"
    r"|\bwww\.|\.com\b|@|distribut|manufactur|made for|imported by|fabriqu|import[eé] par|ingr[eé]dients?\b"
    r"|\b(?:inc|llc|ltd|corp|pbc|ventures|laborator(?:y|ies)|limit[eé]e)\b",
    re.IGNORECASE,
)
#: a line made only of these words is a flavour or colour ("BLUE RASPBERRY", "Citrus Vanilla")
FLAVOUR_WORDS = frozenset(
    ["natural", "artificial", "berry", "berries", "raspberry", "strawberry", "blueberry", "vanilla", "citrus", "lemon", "lime", "orange", "mint", "peppermint", "spearmint", "chocolate", "tropical", "grape", "cherry", "mango", "watermelon", "peach", "apple", "pineapple", "coconut", "cinnamon", "honey", "unflavored", "unflavoured", "original", "sour", "blue", "red", "pink", "green", "dream", "punch", "fruit", "fruity", "cream", "sweet",
     # French, accents stripped ("Framboise bleue", "Saveur naturelle" is caught by NOT_A_NAME)
     "naturel", "naturelle", "framboise", "fraise", "bleuet", "vanille", "agrumes", "citron", "menthe",
     "poivree", "verte", "chocolat", "tropicale", "raisin", "cerise", "mangue", "peche", "pomme", "ananas",
     "coco", "cannelle", "miel", "nature", "originale", "bleu", "bleue", "rouge", "vert", "fruits", "fruite", "creme",
     "douce", "sucree"]
)


def flavour_word(word: str) -> bool:
    """A word of ``FLAVOUR_WORDS``, or a long one misread by one letter that is no word itself: Poggers' turned front
    read "BLUE RASPBERR", which became its product name ("GREENS" is a word, not a misread "green")."""
    return word in FLAVOUR_WORDS or (len(word) >= 6 and not common_word(word) and any(
        len(flavour) >= 6 and Levenshtein.distance(word, flavour, score_cutoff=1) <= 1 for flavour in FLAVOUR_WORDS))


#: a line that starts with a sign is joined to the line above it ("+PROTEIN" under "GREENS", "& K2")
JOINED = re.compile(r"^\s*[+&]")
#: slogans speak to the buyer or make a claim ("Think & feel your best", "Focus your brain naturally", "Clinically
#: shown to increase skin elasticity", "Aide à réduire"), in English or French
SLOGAN = re.compile(r"\b(?:your|you|our|we|the only|supports?|helps?|promotes?|boosts?|naturally|clinically|shown|proven"
                    r"|increases?|improves?|reduces?|enhances?|relieves?"
                    r"|votre|vos|vous|notre|nous|aide(?:nt)? [àa]|favorise|soutient|am[ée]liore|r[ée]duit|augmente|cliniquement"
                    r"|prouv[ée]e?s?)\b|^\W*(?:with|for|by|from)\b",
                    re.IGNORECASE)


#: what fronts print large that OCR garbles beyond ``NOT_A_NAME`` ("Dietary Supent", "Dictary Suppleme nt")
HEADINGS = ("dietary supplement", "supplement facts", "nutrition facts", "natural health product",
            "supplement alimentaire", "produit de sante naturel")
#: the least fuzzy ratio of a garbled heading to the heading
HEADING_LIKE = 80


def garbled_heading(text: str) -> bool:
    """A line that reads like one of ``HEADINGS`` misread (at least ``HEADING_LIKE``, case and accents aside)."""
    plain = " ".join(strip_accents(text).lower().split())
    return len(plain) >= 8 and any(fuzz.ratio(plain, heading) >= HEADING_LIKE for heading in HEADINGS)


def name_like(text: str, confidence: float = 1.0, strict: bool = True, params: ExtractParams = DEFAULTS) -> bool:
    """Whether a line could be (part of) a product name: letters read surely, not a count, a net
    quantity or a heading. ``strict`` (a line the classifier did not file as the name) also refuses
    slogans, flavours and words that are neither English, French nor long enough to be coined
    (the least confidence, letters, most words and so on come from ``params``)."""
    name = clean_name(text)
    letters = re.findall(r"[^\W\d_]", name)
    latin = all(ord(c) < 0x250 or c in "µμ" for c in letters)  # Latin script; the micro sign of "25 µg" too
    words = re.findall(r"[^\W\d_]{3,}", strip_accents(name).lower())
    if confidence < params.name_confidence or not latin or not re.search(r"\w", name):
        return False
    if text.rstrip().endswith(":") or "," in name or re.search(r"[^\W\d_]{2}\.\s+\w", name):
        return False  # a heading ("Morning support for:"), a list or sentences
    if re.search(r"[.·…_]{4,}", name):
        return False  # a dotted leader: a table's row ("DOPAMINE ...... BRAIN FOOD"), never a name
    if NOT_A_NAME.search(strip_accents(name)) or garbled_heading(name) or (words and all(flavour_word(w) for w in words)):
        return False
    if not strict:
        return True  # a wrapped name's line may be "with D3 Adult" or "1000 IU"
    if len(letters) < params.name_letters or not words:
        return False
    if (len(letters) < params.name_letter_share * len(re.sub(r"\s", "", name)) or len(name.split()) > params.name_max_words
            or SLOGAN.search(name)):
        return False
    if not any(len(w) >= 4 for w in words):
        return False
    # a word of ``coined_length`` letters may be coined ("Dophilus"); a shorter one must be English, French or a label
    # word, not OCR debris ("Supt", "ects"); a hyphenated compound is one word ("D-Chiro", "L-Theanine")
    compounds = re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)+|[^\W\d_]{3,}", strip_accents(name).lower())
    return sum(len(w) >= params.coined_length or common_word(w) or w in ingredient_words() for w in compounds) * 2 >= len(compounds)


#: a line that names the maker: its company line, web or mail address, "Distributed by ..."
MAKER_LINE = re.compile(r"www\.|\.c(?:o|a)m?\b|[^\W\d_]{4}c(?:o|0)?m\b|@|\b(?:inc|llc|ltd|corp|co|pbc)\b\.?|dist[a-z]*ed\s*by|distribu|manufactur"
                        r"|made (?:for|by)|marketed by|imported by|fabriqu|import[eé] par", re.IGNORECASE)
#: words of such lines that say what the maker did, not who it is
MAKER_VERBS = frozenset(["distributed", "distribue", "manufactured", "made", "marketed", "imported", "fabrique", "importe",
                         "for", "par", "pour", "by", "inc", "llc", "ltd", "corp", "pbc", "usa", "canada"])


def maker_words(lines: list[SourceLine], brand: str | None = None) -> set[str]:
    """The brand, and the maker's lines and words (company lines, web addresses, "Distributed by"): a
    front line that is one of them ("JOCKO" beside "Distributed by JOCKO FUEL", "NEEDED." beside
    "hello@thisisneeded.com") names the maker, not the product."""
    words = {brand_key(brand)} - {""}
    for line in lines:
        if line.label == "company" or MAKER_LINE.search(line.text):
            words.add(re.sub(r"[^a-z0-9]", "", strip_accents(line.text).lower()))
            tokens = [w for w in re.findall(r"[a-z0-9]+", strip_accents(line.text).lower()) if w not in MAKER_VERBS]
            words.update(w for w in tokens if len(w) >= 4 and not w.isdigit())
            words.update(a + b for a, b in zip(tokens, tokens[1:]) if len(a + b) >= 6 and not (a + b).isdigit())
    return words


def brand_key(text: str | None) -> str:
    return re.sub(r"[^a-z0-9]", "", strip_accents(clean_name(text or "")).lower())


def printed_as_maker(text: str, brand_words: set[str], params: ExtractParams = DEFAULTS) -> bool:
    """A short line that is the brand found or a word of the maker's lines (``maker_words``)."""
    key = brand_key(text)
    if len(key) < 4:
        return False
    short = len(text.split()) <= 2  # a one- or two-word line inside a web address or company name
    return any(key == w or (short and len(key) <= len(w) and fuzz.partial_ratio(key, w) >= params.brand_match)
               or (short and len(w) >= 4 and fuzz.ratio(key, w) >= params.brand_match) for w in brand_words)


def extract_product_name(names: list[SourceLine] | list[str], lines: list[SourceLine] | None = None,
                         brand: str | None = None, backs: set[str] | None = None,
                         params: ExtractParams = DEFAULTS) -> FieldValue:
    """The product's name from the lines labelled ``product_name`` (``names``) and, when given, every line
    of the label (``lines``: large short lines filed elsewhere), the brand found, and the photos that show
    an ingredient panel (``backs``), by the thresholds in ``params``."""
    named = as_lines(names)
    backs = backs or set()
    brand_words = maker_words(lines or [], brand)
    # a line filed elsewhere is a candidate on a front only: a back's large lines are its panel and lists
    fronts = [line for line in (lines or []) if line.label not in ("product_name", "npn", "company") and line.image not in backs]
    large = [line for line in fronts if line.features.get("rel_height", 0.0) >= params.large_type]
    smaller = [line for line in fronts if line.features.get("rel_height", 0.0) >= params.small_name_type]
    # a name in large type may wrap onto a line a little smaller ("Himalayan Shilajit" over "Honey Sticks")
    others = [line for line in smaller if any(line is big or _wraps(line, big, lines or [], params) for big in large)]
    if backs and lines and any(line.image not in backs for line in named + others):
        # several photos, some of them backs (an ingredient panel): the name is read on the fronts
        named = [line for line in named if line.image not in backs]
    order = {id(line): k for k, line in enumerate(lines or named)}
    # a lone coined word ("POGGERS", "CYMBIOTIKA") is a brand's mark more often than a name: first without one;
    # when nothing large is left once the brand is set aside, the name may be printed smaller than the brand
    # a line filed as the name but printed smaller than the label's text ("Fulvic" in a list of selling points)
    # waits until nothing printed larger will do
    sized = [line for line in named if not line.polygon or line.features.get("rel_height", 1.0) >= params.small_name_type]
    levels = text_angles(lines or named)
    for filed, candidates, marks in ((sized, others, True), (sized, smaller, True), (named, others, False),
                                     (named, smaller, False)):
        found = _best(filed, candidates, brand_words, brand, backs, order, params, marks, lines or named, levels)
        if found.value is not None:
            found = without_strength(without_brand_over(found, lines or named, params), lines or named)
            found = with_qualifier(found, lines or named, brand_words, params)
            return with_form(with_joined(found, lines or named, params), lines or named, params)
    return FieldValue()


def lines_over(first: SourceLine, lines: list[SourceLine], params: ExtractParams = DEFAULTS) -> list[SourceLine]:
    """The lines printed right above a name's first line (``adjacent``), centred over it, in smaller type but
    ``params.qualifier_type`` of its height or more: where a qualifier ("LIPOSOMAL") or a brand ("Vita PLynxera")
    stands."""
    size = first.features.get("rel_height", 0.0)
    return [line for line in lines if line is not first and line.polygon and adjacent(line, first, params.name_line_gap)
            and params.qualifier_type * size <= line.features.get("rel_height", 0.0) < size and _centred_above(line, first)]


def with_qualifier(found: FieldValue, lines: list[SourceLine], brand_words: set[str],
                   params: ExtractParams = DEFAULTS) -> FieldValue:
    """The name with the qualifier printed right above it in smaller type ("MULTI-ACTION" over "GUT REPAIR",
    "LIPOSOMAL" over "Glutathione"): a line adjacent above the name's first line, overlapping it across,
    ``params.qualifier_type`` of its height or more but smaller, centred over it, of at most two words that are all
    English, French or label words (a brand's coined words are not: "Vita PLynxera" over its name), name-like,
    neither a maker's word nor a slogan, and not filed as another fact."""
    if not found.evidence or len(found.evidence) > 2:
        return found
    first = line_of(found.evidence[0], lines)
    if first is None:
        return found
    for line in lines_over(first, lines, params):
        text = clean_name(line.text)
        words = re.findall(r"[^\W\d_]+", strip_accents(text).lower())
        if (len(text.split()) <= 2 and line.label in ("other", "product_name") and not JOINED.match(text)
                and name_like(text, line.confidence, params=params)
                and all(common_word(word) or word in ingredient_words() for word in words)
                and not printed_as_maker(text, brand_words, params)):
            return FieldValue(value=clean_name(f"{text} {found.value}"),
                              confidence=round((line.score + found.confidence * len(found.evidence)) / (1 + len(found.evidence)), 4),
                              evidence=[line.evidence, *found.evidence])
    return found


def with_joined(found: FieldValue, lines: list[SourceLine], params: ExtractParams = DEFAULTS) -> FieldValue:
    """The name with the line right under it that a sign joins to it ("+PROTEIN" under "GREENS", "& K2"), of at
    most three words (``_with_line_under``)."""
    def joined(line: SourceLine) -> str | None:
        return (clean_name(line.text) if JOINED.match(line.text) and len(line.text.split()) <= 3
                and name_like(line.text, line.confidence, strict=False, params=params) else None)

    return _with_line_under(found, lines, joined, params)


#: the strength a front prints after the form, under the name ("Liquid Drops 2000 mg", "Softgels 1000 IU")
_FORM_THEN_STRENGTH = re.compile(r"(?P<form>[^\W\d_][^\d]*?)\s+(?P<strength>\d[\d.,]*\s*(?:mg|mcg|µg|g|IU|UI))\W*", re.IGNORECASE)


def with_form(found: FieldValue, lines: list[SourceLine], params: ExtractParams = DEFAULTS) -> FieldValue:
    """The name with the dosage form printed on the line right under it, before the strength ("Myo & D-Chiro
    Inositol" over "Liquid Drops 2000 mg" is "Myo & D-Chiro Inositol Liquid Drops"): a name often ends in its
    form ("Honey Sticks", "Mints"); the strength is not part of it. The line holds the form's words and the
    strength only (``_with_line_under``)."""
    def form(line: SourceLine) -> str | None:
        printed = _FORM_THEN_STRENGTH.fullmatch(line.text.strip())
        return printed["form"] if printed and only_form(printed["form"]) else None

    return _with_line_under(found, lines, form, params)


def without_brand_over(found: FieldValue, lines: list[SourceLine], params: ExtractParams = DEFAULTS) -> FieldValue:
    """The name without its first line when that line is a brand printed over it: in type smaller than the next line
    (under ``params.wrap_type`` of it) and holding a coined word of ``params.coined_length`` letters or more (neither
    English, French nor an ingredient's word). Tilted, "Vita PLynxera" joined the run of "Myo & D-Chiro Inositol";
    "MULTI-ACTION" over "GUT REPAIR" is made of words, and "fem" over "dophilus" is too short to be a brand's word."""
    run = [line_of(evidence, lines) for evidence in found.evidence]
    if len(run) < 2 or any(line is None for line in run) or not found.value:
        return found
    first, second = run[0], run[1]
    words = re.findall(r"[^\W\d_]+", strip_accents(first.text).lower())
    if not (first.features.get("rel_height", 0.0) < params.wrap_type * second.features.get("rel_height", 0.0)
            and any(len(word) >= params.coined_length and not common_word(word) and word not in ingredient_words()
                    for word in words)):
        return found
    return run_value(run[1:])


def without_strength(found: FieldValue, lines: list[SourceLine]) -> FieldValue:
    """The name without the strength that ends its last line when that line is a form and a strength only: the name's
    run took "Liquid Drops 2000 mg" whole (filed as the name, in type like the name's); the form is the name's, the
    strength is not (``with_form``)."""
    last = line_of(found.evidence[-1], lines) if len(found.evidence) > 1 and found.value else None
    printed = _FORM_THEN_STRENGTH.fullmatch(last.text.strip()) if last is not None else None
    cut = found.value.rfind(printed["strength"]) if printed is not None and only_form(printed["form"]) else -1
    return found.model_copy(update={"value": clean_name(found.value[:cut])}) if cut > 0 else found


def _with_line_under(found: FieldValue, lines: list[SourceLine], words_of: Callable[[SourceLine], str | None],
                     params: ExtractParams) -> FieldValue:
    """The name followed by the words that ``words_of`` takes from a line right under its last line, centred under
    it and in type at least ``params.qualifier_type`` of its size (the first such line it takes words from)."""
    last = line_of(found.evidence[-1], lines) if found.evidence and found.value is not None else None
    if last is None:
        return found
    size = last.features.get("rel_height", 0.0)
    for line in lines:
        if (line is last or not line.polygon or not adjacent(last, line, params.name_line_gap)
                or line.features.get("rel_height", 0.0) < params.qualifier_type * size or not _centred_below(line, last)):
            continue
        words = words_of(line)
        if words:
            return FieldValue(value=clean_name(f"{found.value} {words}"),
                              confidence=round((found.confidence * len(found.evidence) + line.score) / (1 + len(found.evidence)), 4),
                              evidence=[*found.evidence, line.evidence])
    return found


def _wraps(line: SourceLine, other: SourceLine, around: list[SourceLine], params: ExtractParams) -> bool:
    """``line`` is printed right above or under ``other``, no line of ``around`` between them, in type at least
    ``params.wrap_type`` of its size: one name wrapped (a subtitle in smaller type, "+ Mushroom Blend + Saw Palmetto"
    under "Prostate Health", is not)."""
    if not (line.polygon and other.polygon):
        return False
    upper, lower = sorted((line, other), key=lambda item: sum(bbox_of(item.polygon)[1::2]))
    return (adjacent(upper, lower, params.name_line_gap) and not any(printed_between(o, upper, lower) for o in around)
            and line.features.get("rel_height", 0.0) >= params.wrap_type * other.features.get("rel_height", 0.0))


def line_of(evidence: Evidence, lines: list[SourceLine]) -> SourceLine | None:
    """The label's line that ``evidence`` shows."""
    return next((line for line in lines if line.polygon and line.image == evidence.image and line.polygon == evidence.polygon), None)


def _best(named: list[SourceLine], others: list[SourceLine], brand_words: set[str], brand: str | None, backs: set[str],
          order: dict[int, int], params: ExtractParams, marks: bool, around: list[SourceLine],
          levels: dict[str, float]) -> FieldValue:
    """The best run among the filed lines (``named``) and the large lines filed elsewhere (``others``), no run
    crossing a line of ``around`` (the label's), none running off its photo's text (``levels``: ``text_angles``)."""
    candidates: list[tuple[int, SourceLine]] = []
    for line, filed in [(line, True) for line in named] + [(line, False) for line in others]:
        if not name_like(line.text, line.confidence if line.polygon else 1.0, strict=not filed, params=params):
            continue
        if off_level(line, levels.get(line.image, 0.0), params):
            continue
        # a line filed as the name is the brand only when it is the brand found, or one word of the maker's
        # name or web address ("JOCKO" beside "jockofuel.com"); licensed names often start with the brand
        if printed_as_maker(line.text, brand_words if not filed or len(line.text.split()) == 1 else {brand_key(brand)}, params):
            continue
        probability = line.label_probability if filed else params.other_label_weight
        if line.image in backs:
            probability *= params.back_photo_weight
        probability *= centre_weight(line, params)
        moved = line if probability == line.label_probability else replace(line, label_probability=probability)
        candidates.append((order.get(id(line), 0), moved))
    if not candidates:
        return FieldValue()
    return best_run([line for _, line in sorted(candidates, key=lambda item: item[0])], max_lines=3,
                    similar_size=params.same_type, params=params, around=around,
                    keep=_name_run if marks else _has_word, mark=coined_mark if marks else None)


def line_angle(line: SourceLine) -> float | None:
    """The angle of ``line``'s top edge in degrees (``edge_angle``); None for a line read up or down the photo, and
    for a box less than twice as long as it is high."""
    if line.features.get("vertical") or not line.polygon:
        return None
    return edge_angle(line.polygon)


def text_angles(lines: list[SourceLine]) -> dict[str, float]:
    """Image -> the median angle of its lines (``line_angle``): a photo held askew turns all its text alike."""
    angles: dict[str, list[float]] = {}
    for line in lines:
        if (angle := line_angle(line)) is not None:
            angles.setdefault(line.image, []).append(angle)
    return {image: sorted(found)[len(found) // 2] for image, found in angles.items()}


def off_level(line: SourceLine, level: float, params: ExtractParams = DEFAULTS) -> bool:
    """Whether ``line`` runs more than ``params.name_off_level`` degrees off its photo's text (``level``, from
    ``text_angles``): a ribbon, a badge or a byline set at an angle."""
    angle = line_angle(line)
    return angle is not None and abs((angle - level + 180) % 360 - 180) > params.name_off_level


def centre_weight(line: SourceLine, params: ExtractParams = DEFAULTS) -> float:
    """1 for a line within ``params.name_centre`` of its photo's centre, falling linearly to ``params.name_edge_weight``
    at the photo's edge (a line without a position: 1)."""
    if "cx" not in line.features or "cy" not in line.features:
        return 1.0
    off = 2 * max(abs(float(line.features["cx"]) - 0.5), abs(float(line.features["cy"]) - 0.5))
    if off <= params.name_centre:
        return 1.0
    share = min(1.0, (off - params.name_centre) / max(1.0 - params.name_centre, 1e-6))
    return 1.0 - share * (1.0 - params.name_edge_weight)


def _centred_above(line: SourceLine, name: SourceLine) -> bool:
    """``line`` is printed above ``name``, not beside or below it (it ends above the name's middle: a box loose
    around stylised type may reach over it), its middle within the name's width."""
    x0, _, x1, y1 = bbox_of(line.polygon)
    nx0, ny0, nx1, ny1 = bbox_of(name.polygon)
    return y1 < (ny0 + ny1) / 2 and nx0 <= (x0 + x1) / 2 <= nx1


def _centred_below(line: SourceLine, name: SourceLine) -> bool:
    """``line`` is printed under ``name`` (it starts below the name's middle), its middle within the name's width."""
    x0, y0, x1, _ = bbox_of(line.polygon)
    nx0, ny0, nx1, ny1 = bbox_of(name.polygon)
    return y0 > (ny0 + ny1) / 2 and nx0 <= (x0 + x1) / 2 <= nx1


def _has_word(text: str) -> bool:
    """A name has a word of three letters or more ("R0° OT" is a logo read as letters) and does not end cut off
    before what it introduces (``DANGLING_END``: "CLINICALLY SHOWN WOMEN TO")."""
    return bool(re.search(r"[^\W\d_]{3,}", text)) and not DANGLING_END.search(text)


def _name_run(text: str) -> bool:
    """A name, and not a lone coined mark."""
    return _has_word(text) and not coined_mark(text)


def coined_mark(text: str) -> bool:
    """A lone word that is neither English, French nor an ingredient's ("POGGERS", "BetterAlt", "MENTALDRIVE"),
    or a logo's letters ("OT"), is a brand's mark; "Creatine", "Sculpt", "1000 IU" or "fem dophilus" are
    (parts of) names."""
    words = re.findall(r"[^\W\d_]+", strip_accents(text).lower())
    if re.search(r"\d", text) or not words:
        return False
    if all(len(word) <= 2 for word in words):
        return True  # letters of a logo ("OT" of "ROOT")
    return len(words) == 1 and len(words[0]) >= 4 and not (common_word(words[0]) or words[0] in ingredient_words())


def name_as_licensed(lines: list[SourceLine], licence_names: list[str], found: FieldValue,
                     params: ExtractParams = DEFAULTS) -> FieldValue:
    """The lines of the label that print the matched licence's name, when the name found reads it less well.

    Once a licence is trusted, its names say what to look for: one to four adjacent lines whose text is
    the licence's English name within ``params.licensed_name_match`` are the printed name, as printed, with their
    boxes (a name wrapped over four lines, or one read badly in stylised type beside it). A bilingual front prints
    both names, and the English one is the licence's first: it is kept even when the name found was the French
    one. The French name is looked for only where the English one is not printed (a label in French alone) and the
    name found reads clearly closer to it. A label that prints another name keeps the name found, so
    PRODUCT_NAME_MISMATCH still sees it.
    """
    names = [fold(name) for name in licence_names if fold(name)]
    if not names:
        return found
    near = [fuzz.ratio(fold(found.value), name) if found.value else 0.0 for name in names]
    french = next(((n, score) for n, score in zip(names[1:], near[1:]) if score > near[0] + 10), None)
    for name, score in [(names[0], near[0])] + ([french] if french else []):
        best, best_score = None, max(score, params.licensed_name_match - 0.01)
        for window in _windows(lines, 4, params):
            window_score = fuzz.ratio(fold(" ".join(line.text for line in window)), name)
            if window_score > best_score:
                best, best_score = window, window_score
        if best is not None:
            return FieldValue(value=clean_name(" ".join(line.text for line in best)),
                              confidence=round(sum(line.confidence for line in best) / len(best), 4),
                              evidence=[line.evidence for line in best])
        if score >= params.licensed_name_match:
            break  # the name found already reads this name as well as any lines do
    return found


def _windows(lines: list[SourceLine], most: int, params: ExtractParams):
    """Every run of one to ``most`` consecutive lines printed one under the other on one photo."""
    for start, first in enumerate(lines):
        window = [first]
        yield window
        for line in lines[start + 1:start + most]:
            if not adjacent(window[-1], line, params.name_line_gap):
                break
            window = [*window, line]
            yield window


@cache
def ingredient_words() -> frozenset[str]:
    """Words of the shipped label lists (ingredients among them), English and French: "Creatine" is no coined mark."""
    return frozenset(strip_accents(word) for language in ("en", "fr") for word in builtin_words(language))
