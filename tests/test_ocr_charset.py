"""The recogniser narrowed to the characters labels print (``cyclops.ocr.charset``), with the real bundled model."""

from __future__ import annotations

import numpy as np
import pytest

from cyclops.errors import OCREngineError
from cyclops.ocr.charset import keeps, narrowed


@pytest.mark.parametrize("char", list("aZ09%µβé èçœŒ®©°±½†‡•–—’“™℮₃⁹≤≥（") + ["blank", " "])
def test_keeps_what_english_and_french_labels_print(char: str) -> None:
    assert keeps(char)


@pytest.mark.parametrize("char", ["国", "牛", "口", "↑", "가", "あ", "🛄", "ab"])
def test_drops_scripts_and_symbols_no_label_field_holds(char: str) -> None:
    assert not keeps(char)


def _crop(text: str) -> np.ndarray:
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (18 * len(text) + 20, 48), "white")
    ImageDraw.Draw(image).text((10, 8), text, fill="black", font=ImageFont.load_default(size=28))
    return np.asarray(image)[:, :, ::-1].copy()


def test_the_engine_scores_only_the_kept_characters_and_reads_lines_as_the_full_model_does() -> None:
    import copy

    from rapidocr.ch_ppocr_rec import TextRecInput
    from rapidocr.ch_ppocr_rec.utils import CTCLabelDecode

    from cyclops.ocr.rapid import REC_MODEL, RapidEngine, _session, model_dir

    rec = RapidEngine(threads=1)._lanes.lanes[0]
    characters = rec.postprocess_op.character
    assert len(characters) == 540 and characters[0] == "blank" and characters[-1] == " "
    assert all(keeps(c) for c in characters) and {"é", "µ", "œ", "®"} <= set(characters)
    assert rec.session.session.get_outputs()[0].shape[-1] == 540

    # the wheel's full head and dictionary (the model's metadata keeps the whole list)
    full = copy.copy(rec)
    full.session = copy.copy(rec.session)
    full.session.session = _session(model_dir() / REC_MODEL, 1)
    full.postprocess_op = CTCLabelDecode(character=rec.session.get_character_list())
    assert len(full.postprocess_op.character) == 18710

    for text in ["Vitamine D3 25 µg (1000 UI)", "Medicinal ingredients / Ingrédients médicinaux", "Zinc 15 mg"]:
        crop = _crop(text)
        narrow, wide = rec(TextRecInput(img=[crop])), full(TextRecInput(img=[crop]))
        assert narrow.txts[0] == wide.txts[0]
        assert narrow.scores[0] == pytest.approx(wide.scores[0], abs=0.02)


def test_a_dictionary_that_does_not_match_the_model_is_a_clear_error() -> None:
    from cyclops.ocr.rapid import REC_MODEL, model_dir

    with pytest.raises(OCREngineError, match="18710 characters but its dictionary has 3"):
        narrowed(model_dir() / REC_MODEL, ["blank", "a", " "])


def test_a_model_without_a_linear_softmax_head_is_a_clear_error(tmp_path) -> None:
    import onnx
    from onnx import TensorProto, helper

    graph = helper.make_graph(
        [helper.make_node("Relu", ["x"], ["y"])],
        "no-head",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3])],
    )
    path = tmp_path / "relu.onnx"
    onnx.save(helper.make_model(graph), str(path))
    with pytest.raises(OCREngineError, match="does not end in linear layer"):
        narrowed(path, ["blank", "a", " "])
