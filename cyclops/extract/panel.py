"""Ingredient panels: a US "Supplement Facts" (or "Nutrition Facts") box and a Canadian
"Medicinal ingredients / Ingrédients médicinaux" table are read the same way.

The line classifier learnt the generator's layouts; on real photos it files many table
rows under cautions or non-medicinal ingredients. Inside a panel the layout itself says
what a line is: a row with an amount is an ingredient, whatever the classifier thought;
the panel's own headers (serving size, "Amount per serving", "% Daily Value"), the
% Daily Value column and macronutrient rows (calories, fat, sugars, protein, sodium) are
not ingredients. The panel runs from its title down to its end line (the "Daily Value
not established" footnote, "Other ingredients") or to a gap in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import Hamming

from cyclops.extract.lines import SourceLine, TextSlopes, row_offset
from cyclops.extract.params import DEFAULTS, ExtractParams
from cyclops.extract.quantity import AMOUNT
from cyclops.model.analysis import Evidence, Ingredient, LabelledLine
from cyclops.model.ocr import bbox_of
from cyclops.normalize.confusions import normalize_text
from cyclops.text.brackets import split_outside
from cyclops.text.fold import strip_accents
from cyclops.units import to_common

VERSION = "6"

#: the title that opens a panel (accent-stripped, lower case)
TITLE = re.compile(
    r"^\W*(?:(?:supplement|nutrition|dietary supplement) fact|(?:medicinal|active) ingredient"
    r"|ingredients? (?:medicinau|actif)|valeur nutritive|information nutritionnelle|supplement facts"
    r"|amount per (?:serving|tablet|capsule|softgel|scoop|stick|dose|\d)|quantite par (?:portion|dose))",
)
#: a line that closes the panel
END = re.compile(
    r"(?:other|non[- ]?medicinal) ingredients?|autres ingredients|ingredients? non[- ]?medicinau"
    r"|daily value\s*(?:\(dv\)\s*)?(?:not|no)\b|valeur quotidienne (?:non|pas)|percent daily values?"
    r"|^\W*ingredients?\s*:|^\W*ingredients\s*/|^\W*ingr[eé]dients\s*:",
)
#: the panel's own headers: never ingredients, whatever amount they carry ("Serving Size 10 g")
HEADER = re.compile(
    r"^\W*(?:serving size|servings? per|amount per|portion|par portion|taille de la portion|portions par"
    r"|(?:%|percent)\s*(?:daily value|dv|vq|valeur)|daily value|calories|energy|energie|kcal|each\b.*contains?"
    r"|chaque\b.*(?:contient|renferme)|supplement facts|nutrition facts)",
)
#: macronutrient rows of a facts panel: printed there, never medicinal ingredients
NUTRITION_ROW = re.compile(
    r"^\W*(?:total\s+)?(?:calories(?: from fat)?|(?:saturated|trans|polyunsaturated|monounsaturated)?\s*fat"
    r"|cholesterol|sodium|(?:total\s+)?carbohydrates?|dietary fib(?:er|re)|soluble fib(?:er|re)|(?:total\s+|added\s+)?sugars?"
    r"|includes?\s+\S*\s*added sugars?|includes?\s+<?\d[\d.,]*\s*g\b|sugar alcohols?|protein|proteines?|lipides|glucides|fibres|sucres|cholesterol"
    r"|satures|trans)\b",
)
#: the header of a % Daily Value column ("% DV", "%Daily Value", "% VQ")
DAILY_VALUE_HEADER = re.compile(r"%\s*(?:daily|dv\b|d\.v\.|vq\b|valeur)|daily value")


def _fold(text: str) -> str:
    """Accents stripped and lower case, punctuation kept: the patterns above read "% D.V." and "Amount per
    serving:" (``cyclops.text.fold.fold`` would turn punctuation into spaces)."""
    return strip_accents(text).lower().strip()


def is_title(text: str) -> bool:
    return bool(TITLE.search(_fold(text)))


#: the headers as printed, for OCR that garbled them ("Senving Size 2 Top", "Serving Sze", "lningSus 2caosules")
HEADER_WORDS = ("serving size", "servings per container", "amount per serving", "net weight", "net wt")


def is_header(text: str, ratio: int = DEFAULTS.panel_header_ratio) -> bool:
    """A panel header ("Serving Size 2 Capsules"), also garbled: a line whose first words are ``ratio`` (0-100)
    like one of ``HEADER_WORDS``."""
    folded = _fold(text)
    if HEADER.search(folded) or re.match(r"^\W*net\s*(?:wt|weight|quantity|contents?)\b", folded):
        return True
    start = re.sub(r"[^a-z ]", "", " ".join(folded.split()[:2]))
    return len(start) >= 8 and max(fuzz.ratio(start, h[: len(start) + 2]) for h in HEADER_WORDS) >= ratio


#: one-word macronutrient rows, matched also when misread by a letter or two ("Cholestrol", "Carbohydrat")
NUTRIENT_WORDS = ("cholesterol", "carbohydrate", "carbohydrates", "calories", "protein", "sodium", "sugars", "glucides",
                  "lipides", "proteines")


#: the words a facts panel puts before a macronutrient ("Total Sugars", "Includes Added Sugars")
NUTRIENT_QUALIFIERS = frozenset(["total", "includes", "include", "added", "dietary", "soluble", "insoluble"])
#: ratio (0-100) at which the word after such qualifiers is a misread nutrient word ("Sugors", "Sugo" cut off, "Protien")
QUALIFIED_NUTRIENT_RATIO = 75


def is_nutrition_row(name: str, ratio: int = DEFAULTS.nutrient_word_ratio) -> bool:
    """"Total Carbohydrate", "Dietary Fiber", "Protein", "Sodium", "Includes 6 g Added Sugars": macronutrients, not
    ingredients; also a lone nutrient word that OCR misread, ``ratio`` (0-100) like one of ``NUTRIENT_WORDS``, or
    one misread after the panel's qualifiers ("Includes Added Sugors")."""
    folded = _fold(name)
    if NUTRITION_ROW.match(folded):
        return True
    words = re.findall(r"[a-z]+", folded)
    if len(words) > 1 and all(word in NUTRIENT_QUALIFIERS for word in words[:-1]):
        # after "Total" or "Includes Added" the last word can only be a nutrient: a looser likeness, a cut word
        last = words[-1]
        return len(last) >= 4 and max(max(fuzz.ratio(last, w), fuzz.partial_ratio(last, w) if len(last) < len(w) else 0)
                                      for w in NUTRIENT_WORDS) >= QUALIFIED_NUTRIENT_RATIO
    return (len(words) == 1 and len(words[0]) >= 6
            and max(fuzz.ratio(words[0], w) for w in NUTRIENT_WORDS) >= ratio)


_PERCENT_ONLY = re.compile(r"^\W*(?:<\s*)?\d+(?:[.,]\d+)?\s*%\W*$")


def is_daily_value(text: str) -> bool:
    """A cell of the % Daily Value column ("117%", "<1%*", "†")."""
    t = text.strip()
    return bool(_PERCENT_ONLY.match(t)) or t in {"†", "*", "**", "‡"}


def has_amount(text: str) -> bool:
    return any(m.group("unit") != "%" for m in AMOUNT.finditer(normalize_text(text)))


@dataclass
class Panel:
    image: str
    box: tuple[float, float, float, float]  # left, top, right, bottom of the region searched
    title: SourceLine
    daily_values: bool = False  # a "% Daily Value" column: bare percentages in it are not amounts


def _height(line: SourceLine) -> float:
    b = bbox_of(line.polygon)
    return max(b[3] - b[1], 1.0)


def find_panels(lines: list[SourceLine], params: ExtractParams = DEFAULTS) -> list[Panel]:
    """Each panel title with the region of the photo below it that the panel covers: down to its end line,
    or to a gap of ``params.panel_max_gap`` row heights."""
    panels: list[Panel] = []
    placed = [line for line in lines if line.polygon]
    titles = [line for line in placed if is_title(line.text)]
    whole = {title.image for title in titles}
    # a title boxed line by line opens a panel only on a photo where no line holds a whole title
    titles += [line for line in placed if line.image not in whole and _title_over(line, placed)]
    for title in titles:
        if any(p.image == title.image and p.box[1] <= bbox_of(title.polygon)[1] <= p.box[3]
               and p.box[0] <= bbox_of(title.polygon)[0] <= p.box[2] for p in panels):
            continue  # a second title inside a panel ("Amount per serving" under "Supplement Facts")
        left, top, right, _ = bbox_of(title.polygon)
        width = right - left
        x0, x1 = left - params.panel_reach_left * width, right + params.panel_reach_right * width
        below = sorted((line for line in placed if line.image == title.image and line is not title
                        and bbox_of(line.polygon)[1] >= top - 0.2 * _height(title)
                        and bbox_of(line.polygon)[0] < x1 and bbox_of(line.polygon)[2] > x0),
                       key=lambda line: bbox_of(line.polygon)[1])
        bottom = bbox_of(title.polygon)[3]
        row_h = min((_height(line) for line in below[:8]), default=_height(title))
        for line in below:
            b = bbox_of(line.polygon)
            if b[1] - bottom > params.panel_max_gap * max(row_h, 0.5 * _height(title)):
                break
            if END.search(_fold(line.text)) and b[1] > bbox_of(title.polygon)[3]:
                break
            bottom = max(bottom, b[3])
        panel = Panel(image=title.image, box=(x0, top, x1, bottom), title=title)
        panel.daily_values = any(_inside(line, panel) and DAILY_VALUE_HEADER.search(_fold(line.text)) for line in placed)
        panels.append(panel)
    return panels


def _title_over(line: SourceLine, placed: list[SourceLine]) -> bool:
    """``line`` is a title's first words and a line printed right under it, starting at the same left edge, its
    rest ("SUPPLEMENT" over "FACTS", "INGRÉDIENTS" over "MÉDICINAUX"): large titles are often boxed line by line,
    and a blurred "Amount Per Serving" under them cannot open the panel in their place."""
    if len(line.text.split()) > 2:
        return False
    x0, y0, _, y1 = bbox_of(line.polygon)
    height = max(y1 - y0, 1.0)
    return any(other is not line and other.image == line.image and len(other.text.split()) <= 2
               and y0 + 0.3 * height <= bbox_of(other.polygon)[1] <= y1 + 0.8 * height
               and abs(bbox_of(other.polygon)[0] - x0) <= 0.5 * height and is_title(f"{line.text} {other.text}")
               for other in placed)


def _inside(line: SourceLine, panel: Panel) -> bool:
    if line.image != panel.image or not line.polygon:
        return False
    b = bbox_of(line.polygon)
    cy = (b[1] + b[3]) / 2
    return panel.box[1] <= cy <= panel.box[3] and b[0] < panel.box[2] and b[2] > panel.box[0]


def daily_value_cells(lines: list[SourceLine], panels: list[Panel] | None = None) -> list[SourceLine]:
    """The cells of panels' % Daily Value columns ("117%"): never an amount, nobody's row partner."""
    panels = find_panels(lines) if panels is None else panels
    return [line for line in lines if is_daily_value(line.text)
            and any(p.daily_values and _inside(line, p) for p in panels)]


#: words that make a line with an amount an instruction, not a row
_INSTRUCTION = re.compile(r"\b(?:take|prendre|mix|melanger|add|ajouter|scoop of|per day|par jour|into|blend \w+ scoop)\b")


def label_panels(lines: list[SourceLine], panels: list[Panel] | None = None,
                 params: ExtractParams = DEFAULTS) -> list[SourceLine]:
    """Relabel the lines inside ingredient panels: rows and amount cells are ``medicinal_ingredient``;
    titles, headers, % Daily Value cells and macronutrient rows are ``other``. Lines outside panels
    are untouched."""
    panels = find_panels(lines, params) if panels is None else panels
    if not panels:
        return lines
    daily = {id(line) for line in daily_value_cells(lines, panels)}
    for line in lines:
        if line.label == "npn" or not any(_inside(line, p) for p in panels):
            continue
        text = line.text
        if id(line) in daily or is_title(text) or is_header(text, params.panel_header_ratio) or is_nutrition_row(text, params.nutrient_word_ratio):
            _relabel(line, "other", params)
        elif line.label == "company" and not amount_only_text(text):
            continue  # a distributor line printed in the panel's box
        elif has_amount(text) and not _INSTRUCTION.search(_fold(text)):
            _relabel(line, "medicinal_ingredient", params)
    return lines


def amount_only_text(text: str) -> bool:
    """"5g", "1050 mcg": an amount and no word."""
    return has_amount(text) and not re.search(r"[^\W\d_]{2,}", AMOUNT.sub(" ", normalize_text(text)))


def _relabel(line: SourceLine, label: str, params: ExtractParams) -> None:
    if line.label != label:
        line.label = label
        line.label_probability = max(params.relabel_probability_floor, min(line.label_probability, params.relabel_probability_cap))


#: labels of lines that are never a blend's row, whatever words they use: a licence number, a company, and the
#: statements (a direction that says "blend 1 scoop", a caution, a claim)
NOT_A_BLEND_ROW = frozenset({"npn", "company", "dose", "caution", "recommended_use"})
#: a row that totals several ingredients: its members are printed under it, without amounts of their own
BLEND = re.compile(r"\b(?:blend|complex|matrix|proprietary|formula|m[eé]lange|complexe|exclusive)\b", re.IGNORECASE)


def names_a_blend(text: str) -> bool:
    """Whether a row's name says it totals several ingredients (``BLEND``), its "Blend" misread by one inner letter
    too: small print on a curved bottle read "Antioxidant Blond", and the Snap blend's sub-blends no longer added
    up to it, nor were the sub-blend's members set apart."""
    return bool(BLEND.search(text)) or any(
        word[0] == "b" and word[-1] == "d" and Hamming.distance(word, "blend") == 1
        for word in re.findall(r"\b[^\W\d_]{5}\b", text.lower()))


def blend_members(lines: list[SourceLine], params: ExtractParams = DEFAULTS,
                  slopes: TextSlopes | None = None) -> dict[int, list[SourceLine]]:
    """id of each blend row's line -> the lines that list its members (under it, at most
    ``params.blend_members_below`` of its text heights, before the next row with an
    amount, a heading or a gap): "Proprietary Blend 575 mg" then "N-Acetyl-L-Tyrosine, L-Theanine, ...".
    The members are the blend's parts, not ingredients of their own nor non-medicinal ingredients."""
    out: dict[int, list[SourceLine]] = {}
    placed = sorted((line for line in lines if line.polygon), key=lambda line: (line.image, _start_top(line)))
    slopes = slopes or TextSlopes.of(placed, params)
    for k, row in enumerate(placed):
        if not names_a_blend(row.text) or row.label in NOT_A_BLEND_ROW:
            continue  # "blend 1 scoop (10 g) into 200 mL of water" is a direction, not a blend of 10 g
        if not has_amount(row.text) and not _amount_beside(row, placed, params.amount_beside_offset, slopes):
            continue
        left, _, _, bottom = bbox_of(row.polygon)
        height = _height(row)
        members: list[SourceLine] = []
        for line in placed[k + 1:]:
            b = bbox_of(line.polygon)
            if line.image != row.image or b[1] - bottom > params.blend_member_gap * height or b[1] - bbox_of(row.polygon)[3] > params.blend_members_below * height:
                break
            if abs(b[0] - left) > params.blend_column_reach * height:
                continue  # another column (the amounts, the % Daily Value)
            if (has_amount(line.text) or _amount_beside(line, placed, params.amount_beside_offset, slopes)
                    or is_header(line.text, params.panel_header_ratio) or END.search(_fold(line.text))):
                break  # the next row (whole, or a name cell with its amount beside it)
            members.append(line)
            bottom = b[3]
        if members:
            out[id(row)] = members
    return out


def _start_top(line: SourceLine) -> float:
    """The top of a line where it starts (its two leftmost corners): on a tilted panel a long line's box reaches up
    to the row above at its far end, so the tops of boxes would put it before a shorter line printed above it."""
    left = sorted(line.polygon, key=lambda p: p[0])[:2]
    return min(y for _, y in left)


def _amount_beside(line: SourceLine, placed: list[SourceLine], offset: float, slopes: TextSlopes | None = None) -> bool:
    """A name cell whose amount is a separate cell level with it on the same row (within ``offset`` text heights),
    along the photo's slope near it (``slopes``; a tilted panel's amounts sit higher or lower than their names)."""
    slope = slopes.near(line) if slopes is not None else 0.0
    return any(o is not line and o.image == line.image and amount_only_text(o.text) and bbox_of(o.polygon)[0] > bbox_of(line.polygon)[0]
               and row_offset(line, o, slope) < offset for o in placed)


def member_names(lines: list[SourceLine]) -> list[str]:
    """"N-Acetyl-L-Tyrosine, L-Theanine, Velvet Bean (Mucuna pruriens)" -> each member, brackets kept whole."""
    text = " ".join(line.text for line in lines)
    text = re.sub(r"^\W*(?:contains|containing|blend of|consisting of)\s*:?", "", text, flags=re.IGNORECASE)
    names = split_outside(text, lambda t, i: t[i] in ",;•·")
    return [name.strip(" .:*†") for name in names if re.search(r"[^\W\d_]{3,}", name)]


def set_blend_members_apart(lines: list[SourceLine], params: ExtractParams = DEFAULTS,
                            slopes: TextSlopes | None = None) -> dict[int, list[SourceLine]]:
    """``blend_members``, with the members' lines labelled ``other``: they are a blend's parts, neither rows
    of their own nor non-medicinal ingredients."""
    members = blend_members(lines, params, slopes)
    for listed in members.values():
        for line in listed:
            line.label = "other"
    return members


def attach_blend_parts(ingredients: list[Ingredient], lines: list[SourceLine],
                       members: dict[int, list[SourceLine]]) -> list[Ingredient]:
    """Give each blend ingredient its members (``parts``) and their lines as evidence; the blend is the
    ingredient whose evidence holds the blend's row (a row joined from cells cites their union)."""
    for blend in (line for line in lines if id(line) in members):
        owner = next((ing for ing in ingredients if any(evidence_holds(e, blend) for e in ing.evidence)), None)
        if owner is not None:
            owner.parts = member_names(members[id(blend)])
            owner.evidence += [line.evidence for line in members[id(blend)]]
    return ingredients


def nest_sub_blends(ingredients: list[Ingredient]) -> list[Ingredient]:
    """A blend whose amount the blends printed right under it add up to ("Prostate Health Blend 2000 mg", then
    "Mushroom Blend 900 mg", "Urinary Support Blend 600 mg", "Antioxidant Blend 500 mg") is one ingredient:
    the sub-blends are its parts (their members when listed, else their names), not ingredients of their own."""
    out: list[Ingredient] = []
    k = 0
    while k < len(ingredients):
        blend = ingredients[k]
        total = _in_common(blend)
        end = k + 1
        if total is not None and names_a_blend(blend.name):
            added, j = 0.0, k + 1
            while j < len(ingredients) and names_a_blend(ingredients[j].name) and (part := _in_common(ingredients[j])) \
                    and part[1] == total[1] and added + part[0] <= total[0] * 1.01:
                added += part[0]
                j += 1
                if abs(added - total[0]) <= 0.01 * total[0]:
                    end = j  # the sub-blends so far add up to the blend: they are its parts
                    break
        if end > k + 1:
            subs = ingredients[k + 1:end]
            blend = blend.model_copy(update={
                "parts": blend.parts + [part for sub in subs for part in (sub.parts or [sub.name])],
                "evidence": blend.evidence + [e for sub in subs for e in sub.evidence]})
        out.append(blend)
        k = end
    return out


def _in_common(ingredient: Ingredient) -> tuple[float, str] | None:
    return to_common(ingredient.quantity, ingredient.unit) if ingredient.quantity and ingredient.unit else None


def evidence_holds(evidence: Evidence, line: SourceLine | LabelledLine) -> bool:
    """Whether an evidence box holds a line's centre, on the same photo (also which analysis lines a value cites)."""
    if evidence.image != line.image or not evidence.polygon or not line.polygon:
        return False
    outer, inner = bbox_of(evidence.polygon), bbox_of(line.polygon)
    cx, cy = (inner[0] + inner[2]) / 2, (inner[1] + inner[3]) / 2
    return outer[0] <= cx <= outer[2] and outer[1] <= cy <= outer[3]
