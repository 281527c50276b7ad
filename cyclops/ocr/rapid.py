"""RapidOCR (PP-OCRv6 small, ONNX) configured to the models bundled in its wheel.

Only the bundled models exist offline; any other choice makes rapidocr try to
download at the first call. So the model paths are set explicitly and checked
when the engine is built, failing loudly then rather than mid-analysis.
The bundled PP-OCRv6 recogniser is multilingual (its dictionary includes French
accents: é è ê à ç œ and µ), so no separate latin model is needed.

Speed on 2 shared cores: detection is limited to 960 px on the long side and
onnxruntime to 2 intra-op threads; the per-crop 0/180 classifier is off during reading
because ``cyclops.orient`` makes the whole page upright first (using it once per page).
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from cyclops.errors import OCREngineError
from cyclops.model.ocr import Block, Line, Page, Word, union_polygon
from cyclops.ocr.base import OCREngine, quad, split_words

DET_MODEL = "PP-OCRv6_det_small.onnx"
REC_MODEL = "PP-OCRv6_rec_small.onnx"
CLS_MODEL = "ch_ppocr_mobile_v2.0_cls_mobile.onnx"
DET_SIDE = 960
MIN_SCORE = 0.5  # lines read with less confidence are dropped
VERTICAL_RATIO = 2.5  # a box this many times taller than wide is a line printed along an edge


def model_dir() -> Path:
    import rapidocr

    return Path(rapidocr.__file__).parent / "models"


def _build(threads: int):
    from rapidocr import RapidOCR

    models = model_dir()
    missing = [m for m in (DET_MODEL, REC_MODEL, CLS_MODEL) if not (models / m).is_file()]
    if missing:
        raise OCREngineError(
            f"RapidOCR models missing from {models}: {', '.join(missing)}; reinstall rapidocr (no download is possible)."
        )
    params = {
        "Global.log_level": "warning",
        "Global.use_cls": False,
        "Global.text_score": 0.0,
        "Global.model_root_dir": str(models),
        "Det.model_path": str(models / DET_MODEL),
        "Det.limit_side_len": DET_SIDE,
        "Det.limit_type": "max",
        "Rec.model_path": str(models / REC_MODEL),
        "Cls.model_path": str(models / CLS_MODEL),
        "EngineConfig.onnxruntime.intra_op_num_threads": threads,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
    }
    try:
        ocr = RapidOCR(params=params)
        det = ocr._load_det_model()  # load now: a broken model must fail at start-up
        rec = ocr._load_rec_model()
        ocr._load_cls_model()
    except Exception as exc:
        raise OCREngineError(f"RapidOCR cannot start with the bundled models in {models}: {exc}") from exc
    return ocr, det, rec


def to_bgr(image: Image.Image) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(image.convert("RGB"))[:, :, ::-1])


def crop_quad(img: np.ndarray, box: np.ndarray) -> np.ndarray:
    """The region of a (rotated) box warped flat, in the box's own orientation (p0->p1 along the top)."""
    box = np.asarray(box, dtype=np.float32)
    width = int(max(np.linalg.norm(box[0] - box[1]), np.linalg.norm(box[2] - box[3]), 1))
    height = int(max(np.linalg.norm(box[0] - box[3]), np.linalg.norm(box[1] - box[2]), 1))
    dst = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(box, dst)
    return cv2.warpPerspective(img, matrix, (width, height), borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_CUBIC)


def box_size(box) -> tuple[float, float]:
    """(extent along x, extent along y) of a box."""
    b = np.asarray(box, dtype=np.float32)
    return float(b[:, 0].max() - b[:, 0].min()), float(b[:, 1].max() - b[:, 1].min())


class RapidEngine(OCREngine):
    name = "rapidocr"

    def __init__(self, threads: int = 2) -> None:
        from importlib.metadata import version

        self._ocr, self._det, self._rec = _build(threads)
        self.version = f"{version('rapidocr')}+PP-OCRv6-small-det{DET_SIDE}"

    # -- building blocks used by cyclops.orient ---------------------------------
    def detect(self, bgr: np.ndarray) -> list[np.ndarray]:
        """Text line boxes (4x2 arrays, page pixels) without recognition."""
        out = self._det(bgr)
        return [] if out.boxes is None else [np.asarray(b, dtype=np.float32) for b in out.boxes]

    def recognize(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        """Text and confidence of upright line crops."""
        if not crops:
            return []
        from rapidocr.ch_ppocr_rec import TextRecInput

        out = self._rec(TextRecInput(img=crops, return_word_box=False))
        return [(t, float(s)) for t, s in zip(out.txts or (), out.scores or ())]

    def classify_upside_down(self, crops: list[np.ndarray]) -> list[tuple[bool, float]]:
        """For each line crop: (is it upside down, confidence), from PP-OCR's tiny 0/180 classifier."""
        if not crops:
            return []
        out = self._ocr._load_cls_model()(crops)
        return [(str(label) == "180", float(score)) for label, score in (out.cls_res or [])]

    # -- the engine ---------------------------------------------------------------
    def read(self, image: Image.Image, image_id: str) -> Page:
        bgr = to_bgr(image)
        result = self._ocr(bgr, return_word_box=True)
        boxes = [] if getattr(result, "boxes", None) is None else list(result.boxes)
        txts = list(getattr(result, "txts", None) or ())
        scores = list(getattr(result, "scores", None) or ())
        word_results = list(getattr(result, "word_results", None) or ())
        aligned = len(word_results) == len(txts)
        lines: list[Line] = []
        for i, (box, text, score) in enumerate(zip(boxes, txts, scores)):
            width, height = box_size(box)
            if height >= VERTICAL_RATIO * width and height > 20:
                line = self._read_vertical(bgr, box)
                if line is not None and line.confidence >= max(score, MIN_SCORE):
                    lines.append(line)
                    continue
            if score < MIN_SCORE or not text.strip():
                continue
            polygon = quad(box)
            words = self._words(word_results[i] if aligned else None, text, polygon, float(score))
            lines.append(Line(words=words, polygon=polygon, confidence=float(score)))
        page = Page(
            image_id=image_id,
            width=image.width,
            height=image.height,
            blocks=[Block(lines=lines, polygon=union_polygon([ln.polygon for ln in lines]))],
        )
        from cyclops.layout import arrange

        return arrange(page)

    @staticmethod
    def _words(word_result, text: str, polygon, score: float) -> list[Word]:
        if word_result:
            words = [
                Word(text=t, confidence=float(s), polygon=quad(b)) for t, s, b in word_result if b is not None and str(t).strip()
            ]
            if "".join(w.text for w in words) == "".join(text.split()):
                return words
        return split_words(text, polygon, score)

    def _read_vertical(self, bgr: np.ndarray, box) -> Line | None:
        """Read a line printed along an edge: try the crop turned both ways, keep the more confident reading."""
        b = np.asarray(box, dtype=np.float32)
        x0, y0 = b[:, 0].min(), b[:, 1].min()
        x1, y1 = b[:, 0].max(), b[:, 1].max()
        crop = crop_quad(bgr, np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float32))
        up_cw = np.ascontiguousarray(np.rot90(crop, k=-1))  # text printed top-to-bottom
        up_ccw = np.ascontiguousarray(np.rot90(crop, k=1))  # text printed bottom-to-top
        (t_cw, s_cw), (t_ccw, s_ccw) = self.recognize([up_cw, up_ccw])
        if s_cw >= s_ccw:
            text, score = t_cw, s_cw
            polygon = [(x1, y0), (x1, y1), (x0, y1), (x0, y0)]  # reading direction: down the page
        else:
            text, score = t_ccw, s_ccw
            polygon = [(x0, y1), (x0, y0), (x1, y0), (x1, y1)]  # reading direction: up the page
        polygon = [(float(x), float(y)) for x, y in polygon]
        if not text.strip():
            return None
        return Line(words=split_words(text, polygon, score), polygon=polygon, confidence=score, vertical=True)
