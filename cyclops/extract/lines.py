"""The line every field parser works on: OCR text plus where it was read and how sure we are.

Parsers are pure functions of strings; this small record carries the evidence
(image id, polygon) and confidences alongside so proposals can cite their source.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from cyclops.extract.params import DEFAULTS, ExtractParams
from cyclops.model.analysis import Evidence, FieldValue, LabelledLine
from cyclops.model.ocr import Polygon, bbox_of
from cyclops.text.fold import search_key


@dataclass
class SourceLine:
    text: str
    image: str = ""
    polygon: Polygon = field(default_factory=list)
    confidence: float = 1.0  # OCR confidence in [0, 1]
    language: str | None = None
    label: str = "other"
    label_probability: float = 1.0  # classifier probability of ``label``
    features: dict[str, float] = field(default_factory=dict)
    number_confidence: float | None = None  # least OCR confidence of the line's number words ("500", ".50")

    @classmethod
    def of(cls, line: LabelledLine) -> SourceLine:
        """An analysis line back as a rule's input (the text the fields were read from, OCR's confidence)."""
        return cls(text=line.text, image=line.image, polygon=list(line.polygon), language=line.language, label=line.label,
                   confidence=line.reading_confidence)

    @property
    def evidence(self) -> Evidence:
        return Evidence(image=self.image, polygon=list(self.polygon), text=self.text)

    @property
    def score(self) -> float:
        """Combined confidence: the OCR read it right and the classifier put it in the right field."""
        return round(max(0.0, min(1.0, self.confidence * self.label_probability)), 4)


#: a word that is a number, maybe after leader dots or with its unit glued on (".50", "1,000", "100mg");
#: not a code such as "D3" or "B12"
NUMBER_WORD = re.compile(r"^[.,·…]*\d[\d.,]*(?:[^\W\d_]{1,3})?$")


def number_confidence(words: list[tuple[str, float]]) -> float | None:
    """The least OCR confidence among a line's number words, None when it has none."""
    confidences = [conf for text, conf in words if NUMBER_WORD.match(text)]
    return min(confidences) if confidences else None


def as_lines(lines: list[SourceLine] | list[str]) -> list[SourceLine]:
    """Let pure-string callers (tests, notebooks) use the line-based parsers."""
    return [line if isinstance(line, SourceLine) else SourceLine(text=line) for line in lines]


def _box(line: SourceLine) -> tuple[float, float, float, float] | None:
    return bbox_of(line.polygon) if line.polygon else None


def column_order(lines: list[SourceLine], params: ExtractParams = DEFAULTS) -> list[SourceLine]:
    """Lines of side-by-side columns (English left, French right) read column by column.

    OCR often reads such panels row by row, interleaving the two languages; a
    section's sentences are only whole again once each column is read on its
    own. Lines without geometry, or a single column, keep their order. Columns lie more than
    ``params.column_gap`` text heights apart.
    """
    out: list[SourceLine] = []
    images: dict[str, list[SourceLine]] = {}
    for line in lines:
        images.setdefault(line.image, []).append(line)
    for group in images.values():
        boxes = [_box(line) for line in group]
        if any(b is None for b in boxes) or len(group) < 2:
            out.extend(group)
            continue
        heights = sorted(b[3] - b[1] for b in boxes)  # type: ignore[index]
        gap = params.column_gap * heights[len(heights) // 2]
        order = sorted(range(len(group)), key=lambda i: boxes[i][0])  # type: ignore[index]
        columns: list[list[int]] = [[order[0]]]
        for i in order[1:]:
            if boxes[i][0] - boxes[columns[-1][-1]][0] > gap:  # type: ignore[index]
                columns.append([i])
            else:
                columns[-1].append(i)
        spans = [(min(boxes[i][1] for i in c), max(boxes[i][3] for i in c)) for c in columns]  # type: ignore[index]
        side_by_side = len(columns) > 1 and max(s[0] for s in spans) < min(s[1] for s in spans)
        if not side_by_side:
            out.extend(group)
            continue
        for column in columns:
            out.extend(group[i] for i in sorted(column, key=lambda i: (boxes[i][1], i)))  # type: ignore[index]
    return out


def _top_edge(polygon: Polygon) -> tuple[float, float, float] | None:
    """(dx, dy) of a line quad's top edge (p0 -> p1) and its left side's length (p0 -> p3); None for other shapes."""
    if len(polygon) != 4:
        return None
    (x0, y0), (x1, y1), (x3, y3) = polygon[0][:2], polygon[1][:2], polygon[3][:2]
    return x1 - x0, y1 - y0, math.hypot(x3 - x0, y3 - y0)


def edge_slope(polygon: Polygon) -> float | None:
    """Slope (dy/dx) of a line polygon's top edge; None for a box too short to tell (a word or an amount)."""
    edge = _top_edge(polygon)
    if edge is None or edge[0] <= 0 or edge[0] < 4 * max(edge[2], 1.0):
        return None
    return edge[1] / edge[0]


def edge_angle(polygon: Polygon, least_length: float = 2.0) -> float | None:
    """The angle of a line polygon's top edge in degrees (0 level, negative rising to the right, any direction);
    None for a box less than ``least_length`` times as long as it is high (its angle may be its letters')."""
    edge = _top_edge(polygon)
    if edge is None or math.hypot(edge[0], edge[1]) < least_length * edge[2]:
        return None
    return math.degrees(math.atan2(edge[1], edge[0]))


@dataclass
class TextSlopes:
    """The text slope across each photo, to follow a table row from its name to its amount.

    A photo taken a few degrees off level puts the amount at the right end of a
    table row at the height of the row above; rows are only paired right once
    this slope is followed.

    Near a point it is the median slope of the long lines closest to it: a photo
    of two faces at different angles, or of a curved bottle, slopes differently
    in different places. Where too few long lines are near, the photo's median
    (``params.slope_near_lines`` lines within ``params.slope_near_heights`` text heights).
    """

    overall: dict[str, float] = field(default_factory=dict)
    samples: dict[str, list[tuple[tuple[float, float, float, float], float]]] = field(default_factory=dict)
    params: ExtractParams = DEFAULTS

    @classmethod
    def of(cls, lines: list[SourceLine], params: ExtractParams = DEFAULTS) -> TextSlopes:
        samples: dict[str, list[tuple[tuple[float, float, float, float], float]]] = {}
        for line in lines:
            s = edge_slope(line.polygon) if line.polygon else None
            if s is not None and abs(s) < params.slope_limit:
                samples.setdefault(line.image, []).append((bbox_of(line.polygon), s))
        overall = {image: sorted(s for _, s in v)[len(v) // 2] for image, v in samples.items()}
        return cls(overall, samples, params)

    def near(self, line: SourceLine) -> float:
        """The slope around ``line`` (its photo's when it has no position)."""
        if not line.polygon:
            return self.overall.get(line.image, 0.0)
        x, y, height = _centre_and_height(line.polygon)
        reach = self.params.slope_near_heights * height
        near = sorted(
            (max(0.0, box[0] - x, x - box[2]) + max(0.0, box[1] - y, y - box[3]), s)
            for box, s in self.samples.get(line.image, [])
        )
        slopes = [s for d, s in near[:self.params.slope_near_lines] if d <= reach]
        if len(slopes) < 3:
            return self.overall.get(line.image, 0.0)
        return sorted(slopes)[len(slopes) // 2]

    def across(self, a: SourceLine, b: SourceLine) -> float | None:
        """The slope from ``a`` to ``b`` read off the nearest long lines printed across both, one above and one
        below, interpolated at their height; None unless both exist within ``params.slope_near_heights``.

        A curved bottle bends each row: a name cell's own edge, and the lines beside it, slope as the row does
        under the name, not as the chord from the name to its amount. A line printed across both columns above
        (the panel's title) and one below (its footnote) are such chords. MaryRuth's panel: its name cells slope
        -0.03 to -0.045 on their own, its title 0.046 and its footnote -0.013, and its rows about 0.01; along
        the names' slopes, a photo of it saved again paired four names with the amounts of the rows above.
        """
        if not (a.polygon and b.polygon) or a.image != b.image:
            return None
        ax, ay, height = _centre_and_height(a.polygon)
        bx, by, _ = _centre_and_height(b.polygon)
        left, right, y = min(ax, bx), max(ax, bx), (ay + by) / 2
        reach = self.params.slope_near_heights * height
        above, below = None, None
        for box, s in self.samples.get(a.image, []):
            if box[0] > left or box[2] < right:
                continue
            middle = (box[1] + box[3]) / 2
            if y - reach <= middle < y and (above is None or middle > above[0]):
                above = (middle, s)
            elif y <= middle <= y + reach and (below is None or middle < below[0]):
                below = (middle, s)
        if above is None or below is None:
            return None
        share = (y - above[0]) / max(below[0] - above[0], 1.0)
        return above[1] + share * (below[1] - above[1])


def _centre_and_height(polygon: Polygon) -> tuple[float, float, float]:
    """(x, y) of the centre and the text height (left edge length when it is a quad)."""
    xs = [p[0] for p in polygon]
    ys = [p[1] for p in polygon]
    cx, cy = sum(xs) / len(xs), sum(ys) / len(ys)
    if len(polygon) == 4:
        (x0, y0), (x3, y3) = polygon[0][:2], polygon[3][:2]
        height = ((x3 - x0) ** 2 + (y3 - y0) ** 2) ** 0.5
    else:
        height = max(ys) - min(ys)
    return cx, cy, max(height, 1.0)


def row_offset(a: SourceLine, b: SourceLine, slope: float = 0.0) -> float:
    """How far ``b`` sits off ``a``'s row, in text heights, following the page's slope (0: same row)."""
    ax, ay, ah = _centre_and_height(a.polygon)
    bx, by, bh = _centre_and_height(b.polygon)
    expected = ay + slope * (bx - ax)
    return abs(by - expected) / min(ah, bh)


def placed_pair(a: SourceLine, b: SourceLine) -> tuple[tuple, tuple, float] | None:
    """(box of ``a``, box of ``b``, their common text height) for two lines of one photo; None when
    either has no position (plain-text callers) or they lie on different photos."""
    if not a.polygon or not b.polygon or a.image != b.image:
        return None
    ab, bb = bbox_of(a.polygon), bbox_of(b.polygon)
    return ab, bb, max(1.0, min(ab[3] - ab[1], bb[3] - bb[1]))


def unplaced(a: SourceLine, b: SourceLine) -> bool:
    """What a geometric test answers for two lines ``placed_pair`` cannot place: lines without
    positions (plain-text callers) always fit together, lines on two photos never do."""
    return not (a.polygon and b.polygon)


def follows_on_row(left: SourceLine, right: SourceLine, gap: float) -> bool:
    """Whether ``right`` is the rest of ``left``'s printed line, boxed apart by the detector (a wide space, glare
    between words: "tions. Keep out" | "each of children."): same photo and row, starting at most ``gap`` text
    heights after ``left`` ends. Lines without positions never are."""
    placed = placed_pair(left, right)
    if placed is None or row_offset(left, right) > 0.5:
        return False
    (_, _, end, _), (start, _, _, _), height = placed
    return -0.5 * height < start - end < gap * height


def next_line_below(above: SourceLine, line: SourceLine, gap: float) -> bool:
    """Whether ``line`` is the next printed line under ``above``: same photo, left edges within a few
    text heights, at most ``gap`` text heights further down. Lines without positions always are."""
    placed = placed_pair(above, line)
    if placed is None:
        return unplaced(above, line)
    a, b, height = placed
    return 0 <= (b[1] + b[3]) / 2 - (a[1] + a[3]) / 2 < gap * height and abs(b[0] - a[0]) < 3 * height


def source_of(found: FieldValue, lines: list[SourceLine]) -> SourceLine | None:
    """The line a value was read from (its first evidence)."""
    if not found.evidence:
        return None
    first = found.evidence[0]
    return next((line for line in lines if line.image == first.image and line.text == first.text
                 and list(line.polygon) == list(first.polygon)), None)


def _echo_key(line: SourceLine) -> tuple[tuple[float, float, float, float], str]:
    return bbox_of(line.polygon), search_key(line.text).replace(" ", "")


def _is_echo(box, key: str, others) -> bool:
    x0, y0, x1, y1 = box
    if len(re.findall(r"[a-z]", key)) < 3:
        return False
    area = max((x1 - x0) * (y1 - y0), 1.0)
    middle = (y0 + y1) / 2
    for (ox0, oy0, ox1, oy1), other_key in others:
        if len(other_key) <= len(key):
            continue
        inside = max(0.0, min(x1, ox1) - max(x0, ox0)) * max(0.0, min(y1, oy1) - max(y0, oy0))
        # on that line's row, not the next one's: the middle within the middle half of its box (small-print boxes
        # are loose, and reach into the rows above and below)
        level = oy0 + 0.25 * (oy1 - oy0) <= middle <= oy1 - 0.25 * (oy1 - oy0)
        if inside >= 0.5 * area and level and key in other_key:
            return True
    return False


def echo_lines(lines: list[SourceLine]) -> set[int]:
    """``id`` of each line of ``lines`` that echoes another: a piece of a line read twice, at least half of its box
    inside that line's box on the same photo and on its row, and its letters and digits among that line's ("(as Mag"
    over "Magnesium (as Magnesium Citrate)", where the two detection passes both boxed part of a small-print row;
    "dinner, blend I" over the direction it is cut from). Its text is already in that line: as a line of its own it
    is read twice. Boxes and folded texts are worked out once."""
    keyed: dict[str, list[tuple[SourceLine, tuple, str]]] = {}
    for line in lines:
        if line.polygon:
            keyed.setdefault(line.image, []).append((line, *_echo_key(line)))
    out: set[int] = set()
    for entries in keyed.values():
        for line, box, key in entries:
            if _is_echo(box, key, [(b, k) for other, b, k in entries if other is not line]):
                out.add(id(line))
    return out
