"""Medicinal ingredients: table rows with dotted leaders, wrapped rows, inline lists, EN/FR tables.

"Vitamin D3 (cholecalciferol) .......... 25 mcg (1000 IU)" -> Ingredient(name="Vitamin D3
(cholecalciferol)", quantity=25, unit="mcg", potency="1000 IU"). The name is what precedes the
first amount or ratio; a line without an amount is joined with the next one (wrapped name).
"""

from __future__ import annotations

import re
from functools import cmp_to_key

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein
from scipy.optimize import linear_sum_assignment

from cyclops.extract.headings import match_heading, strip_heading
from cyclops.extract.lines import (
    SourceLine,
    TextSlopes,
    as_lines,
    echo_lines,
    edge_slope,
    next_line_below,
    placed_pair,
    row_offset,
    unplaced,
)
from cyclops.extract.panel import is_daily_value, is_header, is_nutrition_row
from cyclops.extract.params import DEFAULTS, ExtractParams
from cyclops.extract.quantity import AMOUNT, RATIO, parse_quantity
from cyclops.extract.statements import STORAGE
from cyclops.lnhpd.synonyms import proper_name
from cyclops.model.analysis import Ingredient
from cyclops.model.ocr import bbox_of, union_polygon
from cyclops.normalize.confusions import normalize_text
from cyclops.text.brackets import closes_unopened, split_outside
from cyclops.text.fold import search_key, strip_accents
from cyclops.text.language import common_word, guess_language, word_languages

VERSION = "14"
#: dotted leaders and table rules between a name and its amount
LEADER = re.compile(r"\s*(?:[.·•…_]{2,}|[.·…]\s(?:[.·…]\s?){2,}|\s{3,}|\t)\s*")
#: continuation lines that belong to the ingredient above ("(4:1 extract ...)", "standardized to ...")
CONTINUATION = re.compile(r"^\s*(?:\(|equivalent|équivalent|standardi[sz]ed|normalisé|from |de |provenant|extract\b|extrait\b|\d+\s*:\s*\d)", re.IGNORECASE)
_TRAILING = " \t:;,-–—.·…_|"


#: "5 0 mg": OCR put a space inside a number (not a thousands group, which has three digits;
#: nor the digit that ends a name: "Menaquinone-7 90 mcg")
_SPLIT_NUMBER = re.compile(r"(?<![\w,.-])(\d{1,2}) (\d{1,2})(?=\s*(?:mg|mcg|g|IU|mL|%|CFU)\b)")


#: the end of an "Each tablet contains:" heading whose start the photo cut off ("e pastille contient :")
_HEADING_TAIL = re.compile(r"\b(?:contains?|contient|contiennent)\s*[:/]?\s*$", re.IGNORECASE)
#: "0. 5 mg": a space read after the decimal point of an amount below one (no amount starts "0." otherwise)
_SPLIT_DECIMAL = re.compile(r"(?<![\d.,])0([.,]) (\d)")


def split_name_quantity(text: str, language: str | None = None) -> tuple[str, str]:
    """("Vitamin D3 (cholecalciferol)", "25 mcg (1000 IU)") from one table row."""
    norm = _SPLIT_DECIMAL.sub(r"0\1\2", _SPLIT_NUMBER.sub(r"\1\2", normalize_text(text)))
    starts = [m.start() for m in AMOUNT.finditer(norm)] + [m.start() for m in RATIO.finditer(norm)]
    # an amount inside the name's own brackets ("(from 500 mg calcium citrate)") still ends the name
    if not starts:
        return LEADER.sub(" ", norm).strip(_TRAILING), ""
    cut = min(starts)
    name = LEADER.sub(" ", norm[:cut]).strip(_TRAILING)
    # a bracket opened in the name and closed in the quantity belongs to the quantity ("Ginkgo (50:1, 120 mg)")
    for opening, closing in (("(", ")"), ("[", "]")):
        if name.count(opening) > name.count(closing):
            idx = name.rfind(opening)
            cut = norm.rfind(opening, 0, cut)
            name = name[:idx].strip(_TRAILING)
    return name, norm[cut:].strip()


def primary_name(name: str, params: ExtractParams = DEFAULTS) -> str:
    """The English half of a bilingual name ("Vitamin D3 / Vitamine D3" -> "Vitamin D3"); a name whose later
    half is English too is one name ("Probiotic/Prebiotic Blend").

    When the English half is cut off at the photo's edge ("ium / Magnésium") and
    is no known ingredient while the French half is, the French half is kept.
    """
    parts = [p.strip() for p in re.split(r"\s+/\s+|\s*/\s*(?=[A-ZÀ-Ý])", name) if p.strip()]
    if not parts:
        return name.strip()
    if any(langs["en"] and not langs["fr"] for langs in map(word_languages, parts[1:])):
        return name.strip()  # a later half in English words is no translation: "Probiotic/Prebiotic Blend" is one name
    if len(parts) == 1:
        parts = _halves(parts[0], params.bilingual_halves_ratio) or parts
    if len(parts) > 1 and proper_name(parts[0]) is None:
        return next((p for p in parts[1:] if proper_name(p) is not None), parts[0])
    return parts[0]


def _halves(name: str, ratio: int) -> list[str] | None:
    """"Cholecalciferol Cholécalciférol" (the slash not read): the English and French halves, when
    the second half is the first with accents or small spelling changes (``ratio`` alike, 0-100)."""
    words = name.split()
    if len(words) < 2 or len(words) % 2:
        return None
    half = len(words) // 2
    first, second = " ".join(words[:half]), " ".join(words[half:])
    if fuzz.ratio(strip_accents(first).lower(), strip_accents(second).lower()) >= ratio:
        return [first, second]
    return None


#: the B vitamin each source names (the vitamins' chemical forms; Health Canada's vitamin monographs): a facts panel
#: prints the vitamin's number as a subscript ("Vitamin B₆"), which OCR often loses ("Vitamin B. (as Pyridoxine HCl)")
B_VITAMIN_FORMS = (("thiamin", "1"), ("riboflavin", "2"), ("niacin", "3"), ("nicotin", "3"), ("pantothen", "5"),
                   ("pyridox", "6"), ("biotin", "7"), ("folic", "9"), ("folate", "9"), ("methyltetrahydrofol", "9"),
                   ("cobalamin", "12"))
_BARE_B = re.compile(r"^(?P<head>\s*vitamin[e]?\s+B)\s*[.,·]?\s*(?P<rest>\(.*)$", re.IGNORECASE)


#: a B vitamin whose letter OCR read as an 8 ("Vitamin 86 (as Pyridoxal-5-Phosphate)", a photo sent small): no
#: vitamin is numbered 86 or 812
_B_AS_8 = re.compile(r"^(?P<head>\s*vitamin[e]?\s+)8(?P<number>12|[1235679])(?=$|[\s(,.])", re.IGNORECASE)


#: a vitamin whose word lost its first letters (at the panel's edge, or to a detector box that starts late: "amin B.
#: (as Methylcobalamin)", "amn D (as Cholecalciferol)" from a photo sent small): a short word before one vitamin
#: letter that is an end of "vitamin" or "vitamine", or one letter away from one and no word itself ("Amino A-Z",
#: "Admin C" and "Min D" stay as they are)
_CUT_VITAMIN = re.compile(r"^(?P<space>\s*)(?P<word>[^\W\d_]{3,7})\s+(?P<letter>[ABCDEK])(?=$|[\s(,.\d-])")
_VITAMIN_ENDS = tuple(word[k:] for word in ("vitamin", "vitamine") for k in range(1, 4))


def whole_vitamin(name: str) -> str:
    """"amin D (as Cholecalciferol)" -> "Vitamin D (as Cholecalciferol)": a vitamin's word cut at its start made
    whole; any other name is returned as it is."""
    m = _CUT_VITAMIN.match(name)
    if not m:
        return name
    word = m.group("word").lower()
    if word in ("vitamin", "vitamine"):
        return name
    if word not in _VITAMIN_ENDS and (common_word(word) or not any(Levenshtein.distance(word, end) <= 1 for end in _VITAMIN_ENDS)):
        return name
    return f"{m.group('space')}Vitamin{'e' if word.endswith('ine') else ''} {name[m.start('letter'):]}"


def numbered_b_vitamin(name: str) -> str:
    """"Vitamin B (as Methylcobalamin)" -> "Vitamin B12 (as Methylcobalamin)": the number a lost subscript held,
    told by the source named in the brackets; "Vitamin 86" -> "Vitamin B6", its letter read as an 8; any other name
    is returned as it is."""
    name = _B_AS_8.sub(lambda m: f"{m.group('head')}B{m.group('number')}", name)
    m = _BARE_B.match(name)
    if not m:
        return name
    source = strip_accents(m.group("rest")).lower()
    number = next((n for form, n in B_VITAMIN_FORMS if form in source), None)
    return f"{m.group('head')}{number} {m.group('rest')}" if number else name


def parse_ingredient_text(text: str, language: str | None = None, params: ExtractParams = DEFAULTS) -> Ingredient | None:
    """One ingredient from a row or list item; None when it has no name. A vitamin's word cut at its start is made
    whole (``whole_vitamin``) and a B vitamin whose number OCR lost gets it back from its source
    (``numbered_b_vitamin``), the name as read kept in ``as_read``."""
    name, qty_text = split_name_quantity(strip_heading(text), language)
    read = primary_name(name, params)
    name = numbered_b_vitamin(whole_vitamin(read))
    found = _ingredient(name, qty_text, language)
    if found is not None and name != read:
        found.as_read = read
    return found


def _ingredient(name: str, qty_text: str, language: str | None) -> Ingredient | None:
    """The ingredient of a row split into its name and the text of its quantity."""
    if not name or not re.search(r"[^\W\d_]{2,}", name) or _HEADING_TAIL.search(name):
        return None
    q = parse_quantity(qty_text, language) if qty_text else None
    if q is not None and qty_text.lstrip().startswith(("(", "[")):
        # "Pine Bark Extract [98% Proanthocyanidins]": a standardisation, not an amount of the ingredient; the amount,
        # when printed, follows it ("Green Tea Extract (50% EGCG) 100 mg"), as it follows a count of live cells
        # ("Saccharomyces boulardii (5 Billion CFU) 250 mg")
        brackets, rest = [], qty_text
        while opened := re.match(r"\s*([(\[][^)\]]*[)\]])", rest):
            brackets.append(opened.group(1))
            rest = rest[opened.end():]
        after = parse_quantity(rest, language) if brackets and rest.strip() else None
        if after is not None and after.value is not None and after.unit != "%":
            return Ingredient(name=name, quantity=after.value, unit=after.unit, potency=" ".join(brackets))
        if q.unit == "%":
            return Ingredient(name=name, potency=qty_text.strip())
    if q is not None and q.value == 0:  # ".00 mg": digits lost to OCR, not an amount of nothing
        return Ingredient(name=name, potency=q.describe())
    return Ingredient(
        name=name,
        quantity=(q.value if q.value is not None else q.dhe) if q else None,
        unit=(q.unit if q.value is not None else q.dhe_unit) if q else None,
        potency=q.describe() if q else None,
    )


#: what opens a package's lot, expiry or manufacture code: stamped beside or across a facts panel ("EXP:04 ...
#: R11:5"), never an ingredient's row however the OCR pairs it with an amount
PACKAGE_CODE = re.compile(r"\W*(?:lot|exp(?:iry|iration)?|best before|use by|mfg|mfd|batch|p[eé]remption"
                          r"|meilleur avant)\b\W*\d", re.IGNORECASE)


def not_an_ingredient(name: str, params: ExtractParams = DEFAULTS) -> bool:
    """A panel header, a macronutrient row, a sentence or its continuation that happens to print an amount
    ("Serving Size 10 g", "Total Carbohydrate 5 g", "Always use a dry scoop. Reseal after each use 5 g", "OR
    PRESERVATIVES 3500 mg"), a storage instruction
    ("STORAGE: Store below 77°F"), a package's lot or expiry code ("EXP:04") or letter debris with no word of three
    letters ("g (NE)")."""
    if not re.search(r"[^\W\d_]{3,}", name):
        return True
    outside = re.sub(r"\([^)]*\)?|\[[^\]]*\]?", " ", name)
    words = outside.lower().split()
    sentence = (len(words) > 8 or re.search(r"[a-z]{2}[.!]\s+[A-Z]", outside)
                or any(w in _PROSE_WORDS for w in words) or (len(words) > 2 and words[-1] in _DANGLING)
                or (len(words) > 1 and words[0] in _JOINING))
    return (is_header(name, params.panel_header_ratio) or is_nutrition_row(name, params.nutrient_word_ratio) or bool(sentence) or bool(_DOSE_COUNT.search(name))
            or _ends_with_dose_count(name) or bool(STORAGE.search(name)) or _seal(name) or bool(PACKAGE_CODE.match(name)))


#: the words of a label's seals and free-from badges ("NON GMO", "GLUTEN-FREE", "SANS OGM", "KETO-FRIENDLY")
_SEAL_WORDS = frozenset(["non", "gmo", "ogm", "gluten", "free", "sans", "keto", "friendly", "vegan", "vegetalien",
                         "lactose", "dairy", "soy", "soja", "sugar", "sucre", "no", "zero", "certified", "certifie",
                         "kosher", "halal", "paleo", "organic", "biologique", "usda", "nsf", "gmp", "cgmp"])


def _seal(name: str) -> bool:
    """A name made only of a seal's or badge's words: a claim printed beside the table, not an ingredient."""
    words = re.findall(r"[^\W\d_]+", strip_accents(name).lower())
    return bool(words) and all(word in _SEAL_WORDS for word in words)


#: the units a serving is counted in: "Serving Size 2 Capsules (1 g)" ends its name with one, an ingredient never does
_DOSE_UNITS = ("capsules", "capsule", "tablets", "tablet", "softgels", "softgel", "caplets", "scoops", "scoop", "gummies",
               "sticks", "packets", "lozenges", "comprimes", "gelules")


def _ends_with_dose_count(name: str) -> bool:
    """A row whose name ends with a count of doses, also as OCR garbles it ("lningSus 2caosules" for "Serving
    Size 2 capsules", the count glued to the words before it: "lenngSze2capsules"): the serving size, not an
    ingredient."""
    last = re.search(r"(\d+)\s*([^\W\d_]{5,})\W*$", strip_accents(name).lower())
    return bool(last) and max(fuzz.ratio(last.group(2), unit) for unit in _DOSE_UNITS) >= 80


#: words of prose, not of ingredient names ("Powered by Frog Fuel's proprietary ...", "this formula fuels ...")
_PROSE_WORDS = frozenset(["the", "this", "that", "by", "your", "you", "our", "we", "is", "are", "these", "its"])
#: a name never ends with these: a sentence or a list cut at the line's end ("Tree Nuts, Soy, Flavors or")
_DANGLING = frozenset(["or", "and", "the", "of", "with", "for", "by", "to", "a", "an"])
#: a name never starts with these: the rest of a sentence or list from the line above ("NO ARTIFICIAL FLAVORS,
#: COLORS" / "OR PRESERVATIVES", paired with an amount beside it)
_JOINING = frozenset(["or", "and", "nor", "ou", "et", "ni"])
#: a count of doses ("1 scoop", OCR's "I scoop")
_COUNT_OF_DOSES = (r"(?:\d+|[iIl]|one|two|three|half)\s+(?:scoops?|capsules?|tablets?|softgels?|sticks?|pieces?"
                   r"|servings?|tsp|tbsp|teaspoons?|tablespoons?|packets?|drops?|gummies|mesures?|cuill\w*)\b")
#: a row that starts with a count of doses, or has one after a clause's first word or a verb of mixing, is a
#: direction ("1 scoop (10 g) into 200 mL", "... dinner, blend I scoop", "Mix 1 scoop with water")
_DOSE_COUNT = re.compile(r"^\W*" + _COUNT_OF_DOSES + r"|(?:[,;]\s*[^\W\d_]+|\b(?:blend|mix|take|add|stir|shake|dissolve"
                         r"|combine|m[ée]langer|ajouter|dissoudre|prendre))\s+" + _COUNT_OF_DOSES, re.IGNORECASE)


def split_inline(text: str) -> list[str]:
    """"Vitamin C 500 mg, Zinc (citrate) 10 mg; Vitamin D3 1,000 IU" -> items, never splitting inside brackets or numbers;
    the last item's "and" after the comma ("..., and Zinc 10 mg", "..., et silice") is no part of its name."""
    items = split_outside(text, lambda t, i: t[i] == ";" or (t[i] == "," and not t[i + 1:i + 2].isdigit()))
    stripped = [item.strip(" .;,") for item in items]
    return [_LIST_AND.sub("", item) if k else item for k, item in enumerate(stripped) if item]


#: the "and" that joins a list's last item to the others after a comma
_LIST_AND = re.compile(r"^(?:and|et|&)\s+(?=\S)", re.IGNORECASE)

#: labels a table cell never takes from its row partner
_KEEP_LABELS = {"npn", "company"}


#: a name's last letters boxed with the amount, closing the bracket the name cell opened: "de) 1.2 mg" beside
#: "Zinc (from inactive Saccharomyces cer" (blurred; "cerevisiae, oxide)" on a sharp photo)
_NAME_TAIL = re.compile(r"[^\W\d_]{1,5}\)")


def amount_only(text: str) -> bool:
    """A cell with an amount and no ingredient name ("... 100 mg", "25 mcg (1000 IU)"), or only a name's cut-off
    tail before it ("de) 1.2 mg")."""
    name, quantity = split_name_quantity(text)
    return bool(quantity) and (not re.search(r"[^\W\d_]{2,}", name) or bool(_NAME_TAIL.fullmatch(name.strip())))


def _has_own_amount(text: str) -> bool:
    """A cell that is already a whole row ("Zinc 15 mg"): it is nobody's name cell."""
    name, quantity = split_name_quantity(text)
    return bool(quantity) and not quantity.startswith("(") and bool(re.search(r"[^\W\d_]{2,}", name))


def _adjacent(a: SourceLine, b: SourceLine) -> bool:
    """Two name cells of one row sit side by side (a gap of a few text heights), not in separate columns."""
    placed = placed_pair(a, b)
    if placed is None:
        return False
    ab, bb, height = placed
    return max(bb[0] - ab[2], ab[0] - bb[2]) < 3 * height


def pair_cells(lines: list[SourceLine], slopes: TextSlopes | dict[str, float] | None = None,
               params: ExtractParams = DEFAULTS) -> dict[int, list[int]]:
    """Table rows read as separate cells: index of each amount-only line -> indices of its name cells.

    A name cell is a line with letters (not a heading, not an amount) on the
    left of an amount cell, level with it along the chord of the lines printed
    across both above and below (``TextSlopes.across``) where there are such
    lines, else along its own slope (when long enough to tell) or its neighbours'. Names and amounts are paired one to one
    with the least total offset, so rows keep their order even when
    perspective tilts them more than the slope says, and a name may stay unpaired; a second name cell level
    with an amount (offset under half a line) joins it too. How far off the row a name may be, and how far
    into the amount's box it may reach, are ``params.row_tolerance`` and ``params.cell_overlap``.
    """
    slopes = _as_slopes(slopes, lines, params)
    # a bare percentage is a % Daily Value cell, never a row's amount, even where no panel header names its column
    amounts = [i for i, line in enumerate(lines) if line.polygon and amount_only(line.text) and not is_daily_value(line.text)]
    echo = echo_lines(lines)  # a piece of a row read twice is no name cell: it would carry the row below off
    names = [
        j for j, line in enumerate(lines)
        if j not in amounts and line.polygon and line.label not in _KEEP_LABELS and not match_heading(line.text)
        and re.search(r"[^\W\d_]{2,}", line.text) and not _has_own_amount(line.text) and id(line) not in echo
    ]
    if not amounts or not names:
        return {}
    far = 1e6
    cost = [[far] * len(amounts) for _ in names]
    for r, j in enumerate(names):
        line = lines[j]
        right = bbox_of(line.polygon)[2]
        # a long name's own slope may beat the photo's (perspective bends rows), but a short cell's
        # box is tilted by its own glyphs: the row is level along whichever of the two fits best
        candidates = [slopes.near(line)]
        own = edge_slope(line.polygon)
        if own is not None and abs(own) < params.slope_limit:
            candidates.append(own)
        for c, i in enumerate(amounts):
            # the leader dots may run a little into the amount's box (photos at low resolution)
            box = bbox_of(lines[i].polygon)
            if lines[i].image == line.image and right <= box[0] + max(2.0, params.cell_overlap * (box[3] - box[1])):
                chord = slopes.across(line, lines[i])
                offset = min(row_offset(lines[i], line, slope) for slope in ([chord] if chord is not None else candidates))
                if offset < params.row_tolerance:
                    cost[r][c] = offset
    # a name cell with another name cell between it and the amount is in another column ("Aurora" of the
    # front panel, level with a row of the table beside it): the nearer cell is the partner. Debris between them
    # (noisy, "ae" between "Zinc (from ..." and "1.2 mg") is no cell of another column: it has no word
    for c, i in enumerate(amounts):
        level = [r for r in range(len(names)) if cost[r][c] < params.level_row_offset]
        for r in level:
            right = bbox_of(lines[names[r]].polygon)[2]
            if any(bbox_of(lines[names[o]].polygon)[0] >= right and re.search(r"[^\W\d_]{3,}", lines[names[o]].text)
                   for o in level if o != r):
                cost[r][c] = far
    # a name may have no amount of its own (a line of another column, a wrapped name): leaving it unpaired costs
    # ``row_tolerance``, so two names never each take a row's neighbour just so that every name gets one
    unpaired = [[params.row_tolerance if o == r else far for o in range(len(names))] for r in range(len(names))]
    rows, cols = linear_sum_assignment([own + none for own, none in zip(cost, unpaired)])
    pairs: dict[int, list[int]] = {}
    taken: set[int] = set()
    for r, c in zip(rows, cols):
        if c < len(amounts) and cost[r][c] < far:
            pairs[amounts[c]] = [names[r]]
            taken.add(names[r])
    for r, j in enumerate(names):
        if j in taken:
            continue
        level = [(cost[r][c], amounts[c]) for c in range(len(amounts))
                 if cost[r][c] < params.level_row_offset and amounts[c] in pairs and _adjacent(lines[j], lines[pairs[amounts[c]][0]])]
        if level:
            pairs[min(level)[1]].append(j)
    return {i: sorted(js) for i, js in pairs.items()}


def _as_slopes(slopes: TextSlopes | dict[str, float] | None, lines: list[SourceLine], params: ExtractParams) -> TextSlopes:
    """Slopes measured on the whole photo when given, else on these lines; a plain image -> slope
    mapping is one slope everywhere on that photo."""
    if slopes is None:
        return TextSlopes.of(lines, params)
    return TextSlopes(overall=dict(slopes), params=params) if isinstance(slopes, dict) else slopes


def merge_cells(lines: list[SourceLine], slopes: TextSlopes | dict[str, float] | None = None,
                params: ExtractParams = DEFAULTS) -> list[SourceLine]:
    """Join each amount cell with its name cell(s) on the same table row (``pair_cells``), name first.

    The joined line takes the place of the row's first name in reading order.
    """
    pairs = pair_cells(lines, slopes, params)
    owner = {j: i for i, names in pairs.items() for j in names}
    out: list[SourceLine] = []
    for k, line in enumerate(lines):
        if k in pairs:
            continue  # emitted with its first name
        if k not in owner:
            out.append(line)
            continue
        amount = owner[k]
        if pairs[amount][0] != k:
            continue
        cells = sorted((lines[n] for n in pairs[amount]), key=cmp_to_key(_reading_order)) + [lines[amount]]
        out.append(SourceLine(
            text=" ... ".join(cell.text for cell in cells), image=line.image,
            polygon=union_polygon([cell.polygon for cell in cells]),
            confidence=min(cell.confidence for cell in cells), language=line.language,
            label=line.label, label_probability=min(cell.label_probability for cell in cells), features=line.features,
            number_confidence=min((c.number_confidence for c in cells if c.number_confidence is not None), default=None),
        ))
    return out


def _reading_order(a: SourceLine, b: SourceLine) -> int:
    """Name cells of one row: side by side, left first; one under the other (a name wrapped over two lines,
    "Pomegranate (Punica granatum)" over "Inner Leaf Extract"), top first, whichever starts further left."""
    ab, bb = bbox_of(a.polygon), bbox_of(b.polygon)
    stacked = min(ab[2], bb[2]) - max(ab[0], bb[0]) > 0.5 * min(ab[2] - ab[0], bb[2] - bb[0])
    first, second = ((ab[1] + ab[3]) / 2, (bb[1] + bb[3]) / 2) if stacked else (ab[0], bb[0])
    return -1 if first < second else 1 if first > second else 0


def _row_box(cells: list[SourceLine]) -> tuple[float, float, float, float]:
    """(left, top, bottom, text height) of a table row from its cells."""
    boxes = [bbox_of(c.polygon) for c in cells]
    height = min(b[3] - b[1] for b in boxes)
    return min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[3] for b in boxes), height


def _next_row(a: list[SourceLine], b: list[SourceLine], row_gap: float) -> bool:
    """Two table rows one under the other: names left-aligned, at most ``row_gap`` text heights apart."""
    al, at, _, ah = _row_box(a)
    bl, bt, _, bh = _row_box(b)
    height = min(ah, bh)
    return abs(al - bl) < 2 * height and 0 < abs(bt - at) < row_gap * height


def _under_heading(cells: list[SourceLine], headings: list[SourceLine]) -> bool:
    """The row starts right below an "Each capsule contains:" heading (centres compared: tilted boxes are tall)."""
    left, top, bottom, height = _row_box(cells)
    centre = (top + bottom) / 2
    for heading in headings:
        if heading.image != cells[0].image:
            continue
        hb = bbox_of(heading.polygon)
        if 0.4 * height < centre - (hb[1] + hb[3]) / 2 < 2.2 * height and abs(left - hb[0]) < 2 * height:
            return True
    return False


def _whole_row(line: SourceLine) -> bool:
    """One line holding a whole ingredient row ("Magnesium / Magnésium 100 mg"), not a sentence with an amount."""
    if line.label in _KEEP_LABELS or not line.polygon or match_heading(line.text) or amount_only(line.text):
        return False
    name, quantity = split_name_quantity(line.text)
    return bool(quantity) and 2 <= len(name) <= 60 and not re.search(r"\b(?:take|prendre|per day|par jour|more than|plus de)\b", line.text, re.IGNORECASE)


def pull_row_partners(lines: list[SourceLine], params: ExtractParams = DEFAULTS) -> list[SourceLine]:
    """Every cell of an ingredient table gets the ``medicinal_ingredient`` label once part of the table has it.

    The classifier sees a row's name cell and amount cell separately, and
    sometimes files a row under another field. A table is a left-aligned run
    of rows, each an amount with its name on the same row (``pair_cells``) or
    one line with both; a row with a cell labelled ``medicinal_ingredient``, or
    that starts right under an "Each tablet contains:" heading, is in the
    table, and so is every row that continues the run above or below it. A cell pulled in keeps
    ``params.pulled_cell_weight`` of its row's label probability.
    """
    slopes = TextSlopes.of(lines, params)
    headings = [line for line in lines if line.polygon and (match_heading(line.text) or ("", 0))[0] == "medicinal_ingredient"]
    pairs = pair_cells(lines, slopes, params)
    paired = {j for names in pairs.values() for j in names}
    rows = [[lines[i], *(lines[j] for j in names)] for i, names in pairs.items() if lines[i].label not in _KEEP_LABELS]
    rows += [[line] for k, line in enumerate(lines) if k not in pairs and k not in paired and _whole_row(line)]
    rows.sort(key=lambda cells: (cells[0].image, _row_box(cells)[1]))
    inside = [any(c.label == "medicinal_ingredient" for c in cells) or _under_heading(cells, headings) for cells in rows]
    changed = True
    while changed:
        changed = False
        for i in range(len(rows)):
            if inside[i]:
                continue
            near = [j for j in (i - 1, i + 1) if 0 <= j < len(rows) and inside[j] and rows[j][0].image == rows[i][0].image]
            if any(_next_row(rows[j], rows[i], params.row_gap) for j in near):
                inside[i] = changed = True
    for cells, keep in zip(rows, inside):
        if not keep:
            continue
        labelled = [c.label_probability for c in cells if c.label == "medicinal_ingredient"]
        prob = max(labelled) if labelled else params.pulled_row_probability
        for cell in cells + _name_above(cells[min(1, len(cells) - 1)], lines, paired | set(pairs), params):  # amount first
            if cell.label != "medicinal_ingredient":
                cell.label = "medicinal_ingredient"
                cell.label_probability = min(cell.label_probability, prob) * params.pulled_cell_weight
    return lines


def _name_above(cell: SourceLine, lines: list[SourceLine], in_rows: set[int], params: ExtractParams) -> list[SourceLine]:
    """The lines above a row's name cell that start its name, when the cell level with the amount only continues
    it: an amount printed level with the last line of a name block ("Turmeric" / "(Curcuma longa) extract (root)" /
    "(Standardized to 95% curcuminoids)" ... "100 mg") belongs to the block's first line too."""
    found: list[SourceLine] = []
    while cell.polygon and CONTINUATION.match(cell.text):
        above = [k for k, line in enumerate(lines) if k not in in_rows and line.label not in _KEEP_LABELS and line is not cell
                 and next_line_below(line, cell, params.row_gap) and line.polygon and bbox_of(line.polygon)[1] < bbox_of(cell.polygon)[1]
                 and re.search(r"[^\W\d_]{2,}", line.text) and not _has_amount(line.text) and not match_heading(line.text)
                 and not is_header(line.text, params.panel_header_ratio)]
        if not above:
            break
        cell = lines[max(above, key=lambda k: bbox_of(lines[k].polygon)[1])]
        found.append(cell)
    return found


def _has_amount(text: str) -> bool:
    norm = normalize_text(text)
    return bool(AMOUNT.search(norm) or RATIO.search(norm))


def _continues(above: SourceLine, line: SourceLine, row_gap: float) -> bool:
    """Whether ``line`` can carry on a row name that ``above`` started: the next line down, left-aligned,
    or a cell on the same row. Lines without positions (plain text) always can."""
    placed = placed_pair(above, line)
    if placed is None:
        return unplaced(above, line)
    a, b, height = placed
    below = next_line_below(above, line, row_gap)
    beside = a[2] - 2 <= b[0] < a[2] + 3 * height and abs((b[1] + b[3]) / 2 - (a[1] + a[3]) / 2) < height
    return below or beside


def _near(line: SourceLine, other: SourceLine, row_gap: float) -> bool:
    """Two rows of one table: same photo, names left-aligned, a few rows apart at most. Lines
    without positions (plain text) are always near."""
    placed = placed_pair(line, other)
    if placed is None:
        return unplaced(line, other)
    a, b, height = placed
    return abs(a[0] - b[0]) < 3 * height and abs((a[1] + a[3]) / 2 - (b[1] + b[3]) / 2) < 2 * row_gap * height


def _rows(lines: list[SourceLine], row_gap: float) -> list[list[SourceLine]]:
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
        if pending and not _continues(pending[-1], line, row_gap):
            rows.append(pending)  # a stray line far from the row that follows: its own (amountless) row
            pending = []
        pending.append(line)
        if _has_amount(text):
            rows.append(pending)
            pending = []
    if pending:
        rows.append(pending)
    return rows


def _same_ingredient(a: Ingredient, b: Ingredient, ratio: int) -> bool:
    """The same amount and a name alike (``ratio``, 0-100), heads included: the words before a parenthesis
    ("Vitamin B6" / "Vitamine B6"). Two rows of one table share their "(as ... HCl)" but not their heads
    ("Thiamin (as Thiamine HCl)", "Vitamin B6 (as Pyridoxine HCl)"), whatever language OCR tagged them with."""
    if (a.quantity, a.unit) != (b.quantity, b.unit):
        return False
    na, nb = strip_accents(a.name.lower()), strip_accents(b.name.lower())
    if fuzz.token_set_ratio(na, nb) < ratio:
        return False
    ha, hb = na.split("(")[0].strip(), nb.split("(")[0].strip()
    return not ha or not hb or fuzz.token_set_ratio(ha, hb) >= ratio


def _same_substance(a: Ingredient, b: Ingredient) -> bool:
    """The same amount of one substance under its English and French names ("Turmeric" / "Curcuma"),
    by the LNHPD's synonyms: two rows of one bilingual table whatever language OCR tagged them with."""
    if a.quantity is None or (a.quantity, a.unit) != (b.quantity, b.unit):
        return False
    known = proper_name(a.name), proper_name(b.name)
    return known[0] is not None and known[0] == known[1] and search_key(a.name) != search_key(b.name)


def merge_languages(items: list[tuple[Ingredient, str | None]], params: ExtractParams = DEFAULTS) -> list[Ingredient]:
    """One ingredient per pair of English and French rows with the same amount and a similar name
    (``params.same_ingredient_ratio``) or one substance by the synonyms; the English name kept as the
    name, the French one beside it (``name_fr``)."""
    out: list[tuple[Ingredient, str | None]] = []
    for ing, lang in items:
        twin = next(
            (i for i, (o, olang) in enumerate(out) if (olang and lang and olang != lang and _same_ingredient(o, ing, params.same_ingredient_ratio))
             or (o.name_fr is None and _same_substance(o, ing))), None
        )
        if twin is None:
            out.append((ing, lang))
            continue
        other, olang = out[twin]
        french_first = olang == "fr" or (lang != "fr" and _looks_french(other.name) and not _looks_french(ing.name))
        keep, extra = (ing, other) if french_first else (other, ing)
        keep = keep.model_copy(update={"evidence": keep.evidence + extra.evidence, "name_fr": extra.name,
                                       "confidence": max(keep.confidence, extra.confidence)})
        out[twin] = (keep, "en" if "en" in (lang, olang) else lang)
    return [ing for ing, _ in out]


def _looks_french(name: str) -> bool:
    return guess_language(name) == "fr" or name != strip_accents(name)


def table_images(firsts: list[SourceLine], params: ExtractParams = DEFAULTS) -> set[str]:
    """The photos that show an ingredient table: two rows with amounts or more near each other (``_near``), given
    each row's first line (``firsts``). Lines without positions (plain text) make none."""
    return {a.image for i, a in enumerate(firsts) if a.polygon
            and any(b.polygon and _near(a, b, params.row_gap) for b in firsts[i + 1:])}


def extract_ingredients(lines: list[SourceLine] | list[str], slopes: TextSlopes | dict[str, float] | None = None,
                        params: ExtractParams = DEFAULTS) -> list[Ingredient]:
    """Medicinal ingredients from the lines labelled ``medicinal_ingredient`` (in reading order).

    ``slopes`` (``TextSlopes`` of every line of the photo, or image -> slope) pairs table cells on tilted photos;
    an ingredient read without an amount keeps ``params.no_amount_weight`` of its row's confidence.
    """
    found: list[tuple[Ingredient, str | None]] = []
    rows = _rows(merge_cells(as_lines(lines), slopes, params), params.row_gap)
    has_amount = [_has_amount(" ".join(line.text for line in row)) for row in rows]
    table = [row[0] for row, has in zip(rows, has_amount) if has]
    tables = table_images(table, params)
    for row, has in zip(rows, has_amount):
        if table and not has and not any(_near(row[0], first, params.row_gap) for first in table):
            continue  # a stray line away from the table (a brand, a name on the front panel), not a row
        if tables and row[0].image not in tables and row[0].polygon:
            continue  # a lone row on a photo without the table: a neighbour's name on a shelf ("Fish Oil 1000 mg")
        text = " ".join(strip_heading(line.text) for line in row)
        if _DOSE_COUNT.search(text):
            continue  # a direction with its amounts, whole or in its pieces ("dinner, blend I scoop (10g) into 200 mL")
        language = next((line.language for line in row if line.language), None)
        several = len(AMOUNT.findall(normalize_text(text))) > 1 and ("," in text or ";" in text)
        pieces = split_inline(text) if several else [text]
        score = round(sum(line.score for line in row) / len(row), 4)
        for piece in pieces:
            ing = parse_ingredient_text(piece, language, params)
            if ing is None or (match_heading(piece) and not ing.quantity) or not_an_ingredient(ing.name, params):
                continue
            if ing.quantity is None and closes_unopened(ing.name):
                continue  # the tail of a name wrapped from the line above ("L.)(Fruit) Powder, ..."); with an amount still a row
            ing.confidence = score * (1.0 if ing.quantity is not None else params.no_amount_weight)
            if ing.quantity is not None:
                ing.quantity_confidence = min((line.number_confidence for line in row if line.number_confidence is not None),
                                              default=None)
            ing.evidence = [line.evidence for line in row]
            found.append((ing, language))
    return merge_languages(found, params)
