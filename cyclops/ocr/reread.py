"""A second, better-framed look at the lines the recogniser read unsurely (issue 12: real photos).

The detector's boxes are grown generously up and down (they take in a table's rules and the ascenders of
the next row) and tightly at the ends (a first letter is often cut: "a syvestre" for "Gymnema
sylvestre"). On real photos an unsure line cropped again wider and lower reads far better: "(Standar
o95 rmnids)" became "(Standardized to contain 95% curcuminoids)". The new reading is kept only when the
recogniser is clearly more confident of it, more so when it reads other digits, and never when it holds
fewer English or French words, so a good reading is not traded for a worse one.

A level line that ends in a licence number cut short ("NPN 8001": the detector ended the box before the last
digits, which it sees less well than the prefix) is read again from a crop carried on past its end, as far as the
missing digits need and never past the photo's edge, and the longer reading is kept only when it gives the whole
number, printed as digits, with the same first digits (``cyclops.normalize.licence.completes``), read about as
surely. (A line printed along an edge is read whole from the fine pass's box instead: ``passes.runs_past``.)

The same second look tells a page turned the wrong way round: when its longest unsure lines read upside
down hold far more words than the whole page read upright, the orientation vote was fooled (by large
non-text boxes) and the page is read again turned 180 degrees.
"""

from __future__ import annotations

import re

import numpy as np

from cyclops.model.ocr import text_height
from cyclops.ocr.orient import reads_as_words
from cyclops.text.language import common_word

#: raised whenever what is reread, or how the readings are chosen, changes (part of the OCR cache key)
REVISION = "2"
REREAD_BELOW = 0.95  # a line read with less confidence than this gets a second look
WIDEN = 0.3  # share of the line's height added at each end of the line
TRIM = 0.15  # share of the line's height taken off its top and its bottom
GAIN = 0.03  # how much more confident the second reading must be
DIGIT_GAIN = 0.2  # ... when it reads other digits (a dose or a licence number must not change on a whim)
MIN_HEIGHT = 12  # lines lower than this (pixels) are too small to reframe
TURN_SAMPLE = 4  # longest unsure lines read upside down too, to check the page's orientation
TURN_FACTOR = 2.0  # the turned readings must hold this many times the word letters of the upright ones
TURN_MIN_LETTERS = 12  # ... and at least this many (confidence-weighted) letters of known words
#: how far past its end a line ending in a licence number cut short is read again, in line heights: this much for
#: each digit still missing (a digit is 0.3-0.5 of a detector box's height wide) and ``LICENCE_SLACK`` more
LICENCE_DIGIT = 0.6
LICENCE_SLACK = 1.0
#: the whole number's reading may be this much less sure than the cut one's
LICENCE_LOSS = 0.1
VERSION = f"{REVISION}-l{LICENCE_DIGIT}s{LICENCE_SLACK}x{LICENCE_LOSS}"

_DIGITS = re.compile(r"\d")
_WORD = re.compile(r"[^\W\d_]{3,}")


def line_height(box) -> float:
    """The height of a line's quad (p0 -> p3), whatever its slope (``text_height`` on a detection box)."""
    return text_height(np.asarray(box, dtype=np.float32).tolist())


def reframe(box, widen: float = WIDEN, trim: float = TRIM) -> np.ndarray:
    """The line's quad lengthened by ``widen`` of its height at each end and lowered by ``trim`` of its height
    at top and bottom, along the line's own axes (a sloping line stays sloping)."""
    b, height, along, down = _axes(box)
    dx, dy = widen * height * along, -trim * height * down
    return np.array([b[0] - dx - dy, b[1] + dx - dy, b[2] + dx + dy, b[3] - dx + dy], dtype=np.float32)


def _axes(box) -> tuple[np.ndarray, float, np.ndarray, np.ndarray]:
    """(the quad, its line height, the unit vector along the line, the unit vector down it)."""
    b = np.asarray(box, dtype=np.float32)
    along, down = b[1] - b[0], b[3] - b[0]
    return (b, line_height(b), along / max(float(np.linalg.norm(along)), 1e-6),
            down / max(float(np.linalg.norm(down)), 1e-6))


def licence_ahead(cut: str, digits: int = 8) -> float:
    """How many line heights past a box's end to read a licence number of which ``cut`` digits were read."""
    return max(0, digits - len(cut)) * LICENCE_DIGIT + LICENCE_SLACK


def room_ahead(box, width: int, height: int) -> float:
    """How many of its line heights a box can be carried on past its end (p1, p2) inside a ``width`` x ``height``
    photo: past the photo's edge there is nothing to read (a crop there repeats the edge's pixels)."""
    b, line, along, _ = _axes(box)
    room = np.inf
    for point in (b[1], b[2]):
        for axis, limit in ((0, width), (1, height)):
            if along[axis] > 1e-6:
                room = min(room, (limit - point[axis]) / along[axis])
            elif along[axis] < -1e-6:
                room = min(room, -point[axis] / along[axis])
    return max(0.0, float(room)) / max(line, 1e-6)


def lengthened(box, ahead: float) -> np.ndarray:
    """The line's quad carried on ``ahead`` of its height past its end (and ``WIDEN`` before its start), along the
    line's own axis: a licence number whose box the detector ended early ("NPN 8001" of "NPN 80012068")."""
    b, height, along, _ = _axes(box)
    back, forth = WIDEN * height * along, ahead * height * along
    return np.array([b[0] - back, b[1] + forth, b[2] + forth, b[3] - back], dtype=np.float32)


def reaching(box, polygons) -> np.ndarray:
    """The line's quad carried on along its own axis as far as ``polygons`` (its words read past its end) reach:
    a sloping line keeps its slope and its height."""
    b, _, along, _ = _axes(box)
    points = np.asarray([point for polygon in polygons for point in polygon], dtype=np.float32).reshape(-1, 2)
    length = float(np.dot(b[1] - b[0], along))
    reach = float(np.max((points - b[0]) @ along)) if len(points) else length
    forth = max(0.0, reach - length) * along
    return np.array([b[0], b[1] + forth, b[2] + forth, b[3]], dtype=np.float32)


def digits(text: str) -> str:
    return "".join(_DIGITS.findall(text))


def word_letters(text: str) -> int:
    """Letters in the words of three letters or more that are English or French words."""
    return sum(len(w) for w in _WORD.findall(text) if common_word(w))


def better(first: tuple[str, float], second: tuple[str, float]) -> bool:
    """Whether the second (text, confidence) reading of a line should replace the first: clearly more
    confident (by ``DIGIT_GAIN`` when its digits differ) and holding no fewer letters of known words."""
    (old, old_score), (new, new_score) = first, second
    if not new.strip():
        return False
    needed = DIGIT_GAIN if digits(old) != digits(new) else GAIN
    return new_score >= old_score + needed and word_letters(new) >= word_letters(old)


def unsure(score: float, height: float) -> bool:
    """Whether a line read with ``score`` deserves a second look."""
    return score < REREAD_BELOW and height >= MIN_HEIGHT


def _upright_words(upright: list[tuple[str, float]], page: list[tuple[str, float]]) -> float:
    """What weighs against turning: the sample's upright readings and the page's sure lines, as words."""
    return sum(reads_as_words(t, s) for t, s in upright) + sum(reads_as_words(t, s) for t, s in page if s >= REREAD_BELOW)


def _outweighs(down: float, up: float) -> bool:
    return down >= TURN_MIN_LETTERS and down >= TURN_FACTOR * up


def turned_wrong(upright: list[tuple[str, float]], turned: list[tuple[str, float]],
                 page: list[tuple[str, float]] = ()) -> bool:
    """Whether a few unsure lines of a page read ``turned`` upside down hold far more words than the same lines
    read ``upright`` and the ``page``'s sure lines together: the page is upside down. (The sure lines weigh
    against turning: a label on its side among shelf text, whose unsure lines are the shelf's, stays as it is.)"""
    return _outweighs(sum(reads_as_words(t, s) for t, s in turned), _upright_words(upright, page))


def may_be_turned(upright: list[tuple[str, float]], most_letters: int, page: list[tuple[str, float]] = ()) -> bool:
    """Whether ``turned_wrong`` could say yes at all when the turned readings hold at most ``most_letters``
    letters (each scored at most 1): a page whose sure lines are mostly words cannot be outweighed by four
    lines, so they need not be read upside down (the same answer, 0.05-0.17 s less on a dense 12 MP page)."""
    return _outweighs(float(most_letters), _upright_words(upright, page))
