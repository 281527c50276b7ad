"""The evidence beside every row of every page: an eye button that brings the row's box up on the photo, a
confidence colour (sure / check / unsure) and the text as printed beside a value spelling repair changed.

One implementation for the Product, Ingredients, Claims and Flags pages, so a 30 % reading looks the same
everywhere and never like a 99 % one. The colours take no threshold of their own: "unsure" is what the worklist
counts as unsure (``cyclops.review_priority.UNSURE_BELOW``), "check" is what the comparison will not accuse the
label on (``ComparisonParams.sure_read``, the flags' own rule).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import Literal
from weakref import WeakKeyDictionary

import ipywidgets as w

from cyclops.compare.amounts import unsure_amount
from cyclops.compare.params import DEFAULT_COMPARISON
from cyclops.compare.reading import cited_confidences
from cyclops.model.analysis import Evidence, FieldValue, Ingredient, LabelledLine
from cyclops.review_priority import UNSURE_BELOW
from cyclops.workbench.i18n import t

Level = Literal["sure", "check", "unsure"]
#: text and background colour of each level (green, amber, red)
LEVEL_COLOURS: dict[str, tuple[str, str]] = {"sure": ("#1b5e20", "#e8f5e9"), "check": ("#8a4b00", "#fff3e0"),
                                             "unsure": ("#b71c1c", "#ffebee")}
ShowEvidence = Callable[[Evidence], None]

_VIEWERS: WeakKeyDictionary = WeakKeyDictionary()  # session -> its photo viewer's show_evidence


def confidence_level(confidence: float, *, needs_review: bool = False, doubted: bool = False) -> Level:
    """Unsure below the worklist's threshold or when withheld; check below the flags' sure reading or when a
    rule doubts it (an amount read unsurely); sure otherwise."""
    if needs_review or confidence < UNSURE_BELOW:
        return "unsure"
    if doubted or confidence < DEFAULT_COMPARISON.sure_read:
        return "check"
    return "sure"


def read_confidence(item: object, lines: Sequence[LabelledLine]) -> float | None:
    """Mean confidence of the photo lines a row (field, statement, flag) cites as its evidence
    (``compare.reading.cited_confidences``); None when it cites none (typed in, or joined from several cells)."""
    scores = cited_confidences(item, list(lines))  # type: ignore[arg-type]
    return sum(scores) / len(scores) if scores else None


def item_confidence(item: object, lines: Sequence[LabelledLine]) -> tuple[float, Level]:
    """A field, ingredient or statement: its own confidence, lowered to its photo lines' and its amount's."""
    confidence = float(getattr(item, "confidence", 0.0))
    read = read_confidence(item, lines)
    if read is not None:
        confidence = min(confidence, read)
    doubted = False
    if isinstance(item, Ingredient) and item.quantity_confidence is not None:
        confidence = min(confidence, item.quantity_confidence)
        doubted = unsure_amount(item)
    needs_review = isinstance(item, FieldValue) and item.needs_review
    return confidence, confidence_level(confidence, needs_review=needs_review, doubted=doubted)


def confidence_chip(confidence: float, level: Level, lang: str) -> str:
    """The coloured chip ("unsure 30 %"), its class naming the level for styles and tests."""
    fg, bg = LEVEL_COLOURS[level]
    return (f"<span class='cyclops-confidence cyclops-confidence-{level}' title='{html.escape(t('confidence', lang, value=confidence))}' "
            f"style='color:{fg};background:{bg};border:1px solid {fg};border-radius:3px;padding:0 4px;white-space:nowrap;"
            f"font-size:12px'>{html.escape(t('level_' + level, lang))} {confidence:.0%}</span>")


def item_chip(item: object, lines: Sequence[LabelledLine], lang: str) -> str:
    return confidence_chip(*item_confidence(item, lines), lang)


def as_read_note(shown: str | None, as_read: str | None, lang: str) -> str:
    """What the label prints, beside a value spelling repair changed (it is the evidence); '' when the same."""
    if not as_read or as_read == shown:
        return ""
    return (f"<i class='cyclops-as-read' style='color:#1565c0;font-size:12px'>"
            f"{html.escape(t('as_read', lang, text=as_read))}</i>")


def eye_button(evidence: Sequence[Evidence], show: ShowEvidence, lang: str) -> w.Button:
    """The eye: the row's first box brought up, zoomed, on its photo. Disabled when nothing was read from a photo."""
    button = w.Button(icon="eye", tooltip=t("show_evidence", lang), disabled=not evidence,
                      layout=w.Layout(width="36px", min_width="36px"))
    button.add_class("cyclops-eye")
    if evidence:
        first = evidence[0]
        button.on_click(lambda _b: show(first))
    return button


def register_viewer(session: object, show: ShowEvidence) -> None:
    """The photo viewer of ``session`` says where evidence goes, so every page's eye reaches it."""
    _VIEWERS[session] = show


def shower(session: object, given: ShowEvidence | None = None) -> ShowEvidence:
    """``given`` when a page was handed one, else the session's viewer (looked up when the eye is clicked)."""
    if given is not None:
        return given
    return lambda evidence: _VIEWERS.get(session, lambda _e: None)(evidence)
