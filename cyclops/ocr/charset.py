"""The recogniser's output narrowed to the characters that English and French labels print (issue 12: speed).

Why: the bundled PP-OCRv6 recogniser ends in one linear layer and a softmax over 18,710 characters, mostly Chinese
and Japanese. For each 8-pixel step of a line that head costs about a sixth of the recognition time (onnxruntime's
profile of a 48x320 crop: the final MatMul 10.5 %, its softmax 3.5 %, its bias 2.5 %), and rapidocr's decoder
then scans all 18,710 scores per step. Keeping only the head's columns for Latin, Greek (mu, beta), punctuation,
superscripts, units and full-width forms leaves 540 characters: on the 524 lines of Frog Fuel's two photos and
myBrainCo's back, recognition took 11.3 CPU s instead of 13.9, and 514 lines read the same. The other 10 had
been read as CJK glyphs ("国", "牛", "口") or arrows, which no Canadian label field holds.

A character's score is its softmax over the kept characters only, so a line whose best step was a CJK glyph
now gets its best kept character, at the confidence that character has among the kept ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from cyclops.errors import OCREngineError

VERSION = "latin1"  # part of the OCR engine's version (the OCR cache key): changing what is kept changes readings

# Unicode ranges kept (start, end exclusive), each for what labels print with it.
KEPT_RANGES: tuple[tuple[int, int], ...] = (
    (0x20, 0x7F),  # ASCII letters, digits, punctuation
    (0xA0, 0x180),  # Latin-1 and Latin Extended-A: French accents, œ, µ, ®, ©, °, ±, ½
    (0x370, 0x400),  # Greek: beta-carotene, µ written as mu
    (0x2010, 0x2040),  # dashes, quotes, daggers, bullets, ellipsis, per mille, primes
    (0x2070, 0x20A0),  # superscripts and subscripts (vitamin D₃, 10⁹ CFU)
    (0x20AC, 0x20AD),  # euro sign
    (0x2100, 0x2150),  # letterlike symbols: ™, ℮, ℃, ℉
    (0x2212, 0x2213),  # minus sign
    (0x2248, 0x2249),  # almost equal
    (0x2264, 0x2266),  # less / greater than or equal
    (0xFF01, 0xFF5F),  # full-width ASCII forms (text normalisation folds them)
)
SPECIAL = ("blank", " ")  # the CTC blank (index 0) and the space rapidocr appends last


def keeps(character: str) -> bool:
    """Whether the recogniser keeps ``character`` (one entry of its dictionary)."""
    if character in SPECIAL:
        return True
    if len(character) != 1:
        return False
    code = ord(character)
    return any(start <= code < end for start, end in KEPT_RANGES)


def _head(graph) -> tuple[str, str]:
    """Names of the weight and bias initializers of the linear layer whose softmax is the graph's output."""
    producers = {out: node for node in graph.node for out in node.output}
    inits = {i.name for i in graph.initializer}

    def through_identity(name: str):
        node = producers.get(name)
        while node is not None and node.op_type == "Identity":
            node = producers.get(node.input[0])
        return node

    softmax = through_identity(graph.output[0].name)
    add = through_identity(softmax.input[0]) if softmax is not None and softmax.op_type == "Softmax" else None
    if add is None or add.op_type != "Add":
        raise OCREngineError("The recogniser's graph does not end in linear layer + softmax; cannot narrow its characters.")
    bias = next((n for n in add.input if n in inits), None)
    matmul = next((through_identity(n) for n in add.input if n not in inits), None)
    weight = next((n for n in matmul.input if n in inits), None) if matmul is not None and matmul.op_type == "MatMul" else None
    if bias is None or weight is None:
        raise OCREngineError("The recogniser's last linear layer has no constant weight and bias; cannot narrow its characters.")
    return weight, bias


def narrowed(model_path: Path, characters: Sequence[str]) -> tuple[bytes, list[str]]:
    """(ONNX model bytes whose output scores only the kept characters, those characters in the model's order).

    ``characters`` is rapidocr's dictionary for the model, blank first and space last, one per output column."""
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(model_path))
    graph = model.graph
    weight_name, bias_name = _head(graph)
    keep = [i for i, c in enumerate(characters) if keeps(c)]
    for init in graph.initializer:
        if init.name not in (weight_name, bias_name):
            continue
        values = numpy_helper.to_array(init)
        if values.shape[-1] != len(characters):
            raise OCREngineError(
                f"The recogniser scores {values.shape[-1]} characters but its dictionary has {len(characters)}; "
                "reinstall rapidocr."
            )
        init.CopyFrom(numpy_helper.from_array(np.ascontiguousarray(values[..., keep]), init.name))
    for output in graph.output:
        dims = output.type.tensor_type.shape.dim
        if dims and dims[-1].dim_value:
            dims[-1].dim_value = len(keep)
    del graph.value_info[:]  # shapes inferred from the full head; onnxruntime infers them again
    return model.SerializeToString(), [characters[i] for i in keep]
