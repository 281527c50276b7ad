"""ExtractParams: the defaults are the thresholds the rules always used, and a changed set reaches the rules."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import cyclops.extract
from cyclops.extract import extract_fields, fields_from_lines
from cyclops.extract.company import extract_company
from cyclops.extract.lines import SourceLine
from cyclops.extract.npn import find_npn
from cyclops.extract.params import DEFAULTS, ExtractParams
from cyclops.extract.product_name import name_like
from cyclops.model.ocr import Block, Document, Line, Page, Word, rect


def test_defaults_are_one_frozen_set_with_a_stable_fingerprint() -> None:
    assert DEFAULTS == ExtractParams()
    assert DEFAULTS.fingerprint() == ExtractParams().fingerprint()
    changed = DEFAULTS.with_overrides({"name_confidence": 0.9})
    assert changed.name_confidence == 0.9 and changed.fingerprint() != DEFAULTS.fingerprint()
    assert dataclasses.is_dataclass(DEFAULTS) and DEFAULTS.__dataclass_params__.frozen  # type: ignore[attr-defined]


def test_every_threshold_is_read_by_a_rule() -> None:
    """A field no rule reads would be recorded in every analysis while changing nothing."""
    package = Path(cyclops.extract.__file__).parent
    source = "\n".join(p.read_text(encoding="utf-8") for p in package.glob("*.py") if p.name != "params.py")
    unread = [f.name for f in dataclasses.fields(ExtractParams) if not re.search(rf"\.{f.name}\b", source)]
    assert unread == []


def test_name_confidence_decides_whether_a_line_can_be_the_name() -> None:
    assert name_like("Vitamin D3", confidence=0.75)
    assert not name_like("Vitamin D3", confidence=0.75, params=ExtractParams(name_confidence=0.8))


def test_fields_from_lines_passes_its_params_to_the_rules() -> None:
    lines = [SourceLine("Aurora Vitamin D3", image="img0", confidence=0.75, label="product_name", polygon=rect(0, 0, 300, 40)),
             SourceLine("NPN 8001", image="img0", confidence=0.9, label="npn", polygon=rect(0, 100, 200, 120))]
    default = fields_from_lines([dataclasses.replace(line) for line in lines])
    strict = fields_from_lines([dataclasses.replace(line) for line in lines], ExtractParams(name_confidence=0.8, npn_illegible_weight=0.2))
    assert default.product_name.value == "Aurora Vitamin D3" and strict.product_name.value is None
    assert default.npn.illegible and strict.npn.illegible
    assert default.npn.confidence == 0.45 and strict.npn.confidence == 0.18


def test_company_plausibility_follows_its_threshold() -> None:
    block = [SourceLine("Northleaf Naturals Inc.", image="img0", confidence=0.5, label="company")]
    assert extract_company(block).value is None  # below 0.6: withheld for review
    assert extract_company(block, ExtractParams(plausible_confidence=0.4)).value == "Northleaf Naturals Inc."


def test_a_number_cut_by_the_edge_keeps_part_of_its_confidence() -> None:
    cut = SourceLine("2345", confidence=0.8, label="npn", features={"x0": 0.01, "y0": 0.5, "x1": 0.1, "y1": 0.55})
    assert not find_npn([cut]).legible and find_npn([cut]).confidence == 0.4
    assert find_npn([cut], ExtractParams(npn_illegible_weight=0.25)).confidence == 0.2
    assert find_npn([cut], ExtractParams(npn_edge=0.005)).confidence == 0.0  # not at the edge by that measure: nothing found


def _document(text: str, confidence: float) -> Document:
    words, cursor = [], 100.0
    for token in text.split():
        words.append(Word(text=token, confidence=confidence, polygon=rect(cursor, 300, cursor + 20 * len(token), 336)))
        cursor += 20 * len(token) + 10
    line = Line(words=words, polygon=rect(100, 300, cursor, 336), confidence=confidence)
    page = Page(image_id="img0", width=1200, height=900, blocks=[Block(lines=[line], polygon=rect(0, 0, 1200, 900))])
    return Document(engine="test", engine_version="1", pages=[page])


def test_extract_fields_takes_a_parameter_set() -> None:
    doc = _document("90 Softgels", 0.9)
    fields, _ = extract_fields(doc)
    halved, _ = extract_fields(doc, params=ExtractParams(net_quantity_weight=0.5))
    assert fields.net_quantity.value == halved.net_quantity.value == "90"
    assert fields.net_quantity.confidence == 0.81 and halved.net_quantity.confidence == 0.45
