"""RapidOCR (PP-OCRv6 small, ONNX) configured to the models bundled in its wheel.

Only the bundled models exist offline; any other choice makes rapidocr try to
download at the first call. So the model paths are set explicitly and checked
when the engine is built, failing loudly then rather than mid-analysis.
The bundled PP-OCRv6 recogniser is multilingual (its dictionary includes French
accents: é è ê à ç œ and µ), so no separate latin model is needed; its output is narrowed to
the 540 characters labels print (``cyclops.ocr.charset``), a sixth of recognition saved.

Speed on 2 shared cores (measured in ``benchmarks/ocr_speed.py``, see
``benchmarks/results/ocr_speed.md``): recognition is ~70 % of the time and is
almost all convolution, linear in crop width. So the engine runs the detector
once per photo (``read_upright`` decides the page's orientation from the same
boxes it then reads), recognises each crop without padding it to its batch's
longest neighbour, on single-threaded sessions, one per core, that share a page's lines
(``cyclops.ocr.lanes``), reads a vertical line twice (both turns) instead of three times,
and lets onnxruntime's 2 threads sleep rather than spin while the shared cores
are busy. A table row with a dotted leader is recognised as its cells, the dots
skipped (``cyclops.ocr.leaders``): read whole, the amount after the dots was
often misread. A cell read unsurely is read once more from a wider, lower crop, and a page whose unsure lines
read as words only upside down is turned (``cyclops.ocr.reread``: on the blurred real photos half as much
recognition again, a fifth of their OCR time). A 12 MP photo's second, finer detection runs only where the first saw
text (``cyclops.ocr.regions``), and where the two passes disagree both are read and the better kept
(``cyclops.ocr.passes``). Where the CPU has AMX bfloat16, both detection passes run the detector compiled by
OpenVINO in bfloat16 (``cyclops.ocr.bf16``: the coarse pass 6, the fine pass 3 times as fast); elsewhere the fine
pass runs, where the CPU multiplies int8 natively (VNNI), an int8 copy of the detector (``cyclops.ocr.int8``: twice
as fast as float), and the coarse pass stays float. The recogniser stays float on onnxruntime: bfloat16 and int8
changed what it read. OpenVINO in float is no faster (measured on an AVX2 host).
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from pathlib import Path

import numpy as np
from PIL import Image

from cyclops.errors import OCREngineError
from cyclops.layout import arrange
from cyclops.load import PHONE_PHOTO
from cyclops.model.ocr import Block, Line, Page, Word, union_polygon
from cyclops.normalize.licence import VERSION as LICENCE_VERSION
from cyclops.normalize.licence import completes, cut_short
from cyclops.ocr.base import MIN_SCORE, OCREngine, quad, split_words
from cyclops.ocr.bf16 import VERSION as BF16_VERSION
from cyclops.ocr.bf16 import OpenVINOSession
from cyclops.ocr.bf16 import wanted as bf16_wanted
from cyclops.ocr.boxes import box_size, crop_quad, is_vertical, rect_of, to_bgr, turned
from cyclops.ocr.charset import VERSION as CHARSET_VERSION
from cyclops.ocr.charset import narrowed
from cyclops.ocr.det_input import detector_input
from cyclops.ocr.int8 import VERSION as INT8_VERSION
from cyclops.ocr.int8 import quantized_detector
from cyclops.ocr.int8 import wanted as int8_wanted
from cyclops.ocr.leaders import VERSION as LEADERS_VERSION
from cyclops.ocr.leaders import cells, leader_spans, sub_box
from cyclops.ocr.lanes import Lanes
from cyclops.ocr.orient import rotation_from_boxes
from cyclops.ocr.passes import (ACROSS_INSIDE, COARSE_SURE, FINE_COVERS, FINE_PIECES, FINE_READS_MORE, FINE_ROW_HEIGHT,
                                FINE_ROWS_INSIDE, FINE_ROWS_SPAN, FINE_SMALL_FROM, FINE_SWALLOWS, RUNS_PAST, SMALL_AT_COARSE,
                                SMALL_LINE, SMALL_LINE_LENGTH, Choice, choices, coarse_holds, has_small_print, readings,
                                reads_better)
from cyclops.ocr.regions import VERSION as REGIONS_VERSION
from cyclops.ocr.regions import WHOLE_FROM, covered, input_rects, marked_rects
from cyclops.ocr.reread import (LICENCE_DIGIT, LICENCE_LOSS, TURN_SAMPLE, better, lengthened, licence_ahead, line_height,
                                may_be_turned, reaching, reframe, room_ahead, turned_wrong, unsure)
from cyclops.ocr.reread import VERSION as REREAD_VERSION
from cyclops.settings import get_settings

DET_MODEL = "PP-OCRv6_det_small.onnx"
REC_MODEL = "PP-OCRv6_rec_small.onnx"
CLS_MODEL = "ch_ppocr_mobile_v2.0_cls_mobile.onnx"
DET_SIDE = 960
#: photos with a long side of at least FINE_FROM pixels (12 MP phone photos) are detected a second time at
#: FINE_SIDE: at 960 the small print of a facts panel is 5-6 pixels high and its names are never found. Smaller
#: photos from ``passes.FINE_SMALL_FROM`` are, where the coarse pass shows small print (``passes.has_small_print``)
FINE_SIDE = 1600
FINE_FROM = 2400
#: a photo of more than READ_FROM pixels (24 or 48 MP: what recent phones save) is read from a copy scaled to
#: READ_AT pixels (a 12 MP phone photo, 4032x3024), its boxes then put back on the photo: every size and threshold
#: of both passes and the recogniser was measured on 12 MP photos. The 29 real photos scaled up to 24 MP read
#: worse from the whole photo (ingredient P/R 0.963/0.913 against 0.973/0.939 saved again at 12 MP; the same
#: boxes, and the recogniser reading the 1.4 times larger crops less well) and take longer
READ_FROM = 16_000_000
READ_AT = 4032 * 3024
REC_BATCH = 1  # crops sorted by width; 1 = no padding to a longer neighbour (padding is pure extra convolution)
REC_HEIGHT = 48  # the height the recogniser scales every crop to
REC_MIN_WIDTH = 320  # short crops are padded to the width the recogniser was trained at, as PaddleOCR does
DET_BOX_THRESH = 0.3  # mean text probability a detected box needs: 0.5 (the default) drops table rows whose dotted leader outweighs a short name


_HAS_TEXT = re.compile(r"[^\W_]")
LEADER_TEXT = "......"  # what a skipped dotted leader reads as, so the row still parses as "name ...... amount"


def _leader_word(boxes: list[np.ndarray]) -> Word:
    return Word(text=LEADER_TEXT, confidence=1.0, polygon=union_polygon([quad(b) for b in boxes]))


def model_dir() -> Path:
    import rapidocr

    return Path(rapidocr.__file__).parent / "models"


def _session(model: Path | bytes, threads: int):
    """An onnxruntime session whose idle threads sleep (spinning steals the shared cores from the other thread) and
    that hands its buffers back: the CPU memory arena, sized by the largest photo read, kept ~550 MB per process
    after 12 MP photos, at no measured speed gain (benchmarks/results/ocr_speed.md)."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.enable_cpu_mem_arena = False
    opts.log_severity_level = 4
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    source = model if isinstance(model, bytes) else str(model)
    return ort.InferenceSession(source, sess_options=opts, providers=["CPUExecutionProvider"])


def _build(threads: int, det_side: int, rec_batch: int):
    """(rapidocr, detector, recognition lanes, classifier): the detector and classifier run ``threads`` intra-op
    threads; the recogniser is ``threads`` sessions of one thread each (``cyclops.ocr.lanes``)."""
    import copy

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
        "Det.limit_side_len": det_side,
        "Det.limit_type": "max",
        "Rec.model_path": str(models / REC_MODEL),
        "Rec.rec_batch_num": rec_batch,
        "Rec.rec_img_shape": [3, REC_HEIGHT, REC_MIN_WIDTH],
        "Cls.model_path": str(models / CLS_MODEL),
        "EngineConfig.onnxruntime.intra_op_num_threads": threads,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
    }
    try:
        ocr = RapidOCR(params=params)
        det = ocr._load_det_model()  # load now: a broken model must fail at start-up
        rec = ocr._load_rec_model()
        cls = ocr._load_cls_model()
        for model, name in ((det, DET_MODEL), (cls, CLS_MODEL)):
            model.session.session = _session(models / name, threads)
        rec_model, characters = narrowed(models / REC_MODEL, rec.postprocess_op.character)
        rec.postprocess_op.character = characters
        rec.postprocess_op.dict = {char: i for i, char in enumerate(characters)}
        rec.session.session = _session(rec_model, 1)
        lanes = [rec]
        for _ in range(threads - 1):  # the same recogniser, each with a session of its own
            lane = copy.copy(rec)
            lane.session = copy.copy(rec.session)
            lane.session.session = _session(rec_model, 1)
            lanes.append(lane)
        det.postprocess_op.box_thresh = DET_BOX_THRESH
    except Exception as exc:
        raise OCREngineError(f"RapidOCR cannot start with the bundled models in {models}: {exc}") from exc
    return ocr, det, Lanes(lanes), cls


#: the recogniser gives one character (or none) per this many pixels of the width it sees
REC_STEP = 8


def measured(bgr: np.ndarray) -> tuple[np.ndarray, tuple[int, int] | None]:
    """(the photo to read, its own (width, height) when that is a copy): over ``READ_FROM`` pixels, a copy scaled
    to ``READ_AT`` pixels (area interpolation), else the photo itself and None."""
    import cv2

    height, width = bgr.shape[:2]
    if height * width <= READ_FROM:
        return bgr, None
    factor = (READ_AT / (height * width)) ** 0.5
    copy = cv2.resize(bgr, (max(1, round(width * factor)), max(1, round(height * factor))), interpolation=cv2.INTER_AREA)
    return copy, (width, height)


def rec_width(crop: np.ndarray) -> float:
    """The width the recogniser sees an upright line ``crop`` at: scaled to ``REC_HEIGHT`` high, at least
    ``REC_MIN_WIDTH`` wide (padded); its time is about proportional to it."""
    height, width = crop.shape[:2]
    return max(REC_MIN_WIDTH, REC_HEIGHT * width / max(height, 1))


def most_characters(crop: np.ndarray) -> int:
    """The most characters the recogniser can read from an upright line ``crop``: one per time step of its
    output, a step per ``REC_STEP`` pixels of ``rec_width`` (320 -> 40 steps, 1000 -> 125), rounded up."""
    return int(rec_width(crop)) // REC_STEP + 1


def rotate_boxes(boxes: list[np.ndarray], degrees: int, width: int, height: int) -> list[np.ndarray]:
    """Boxes of a ``width`` x ``height`` image, moved to where they lie once the image is turned ``degrees`` clockwise.

    Corners stay clockwise from the new top-left, as the detector orders them, so a line that the
    turn makes horizontal has p0->p1 along its text.
    """
    degrees %= 360
    out = []
    for box in boxes:
        b = np.asarray(box, dtype=np.float32)
        x, y = b[:, 0], b[:, 1]
        if degrees == 90:
            moved = np.stack([height - y, x], axis=1)
        elif degrees == 180:
            moved = np.stack([width - x, height - y], axis=1)
        elif degrees == 270:
            moved = np.stack([y, width - x], axis=1)
        else:
            moved = b.copy()
        out.append(np.roll(moved, degrees // 90, axis=0).astype(np.float32))
    return out


def detect_at(det, bgr: np.ndarray, side: int, where=None, whole: bool = False) -> tuple[list[np.ndarray], np.ndarray | None]:
    """(boxes, text probability map) of rapidocr's detector ``det`` on ``bgr`` scaled to ``side`` pixels on its
    long side at most: what ``det(bgr)`` does, keeping the map and taking the size per call. With ``where``
    (``cyclops.ocr.regions.input_rects`` of the detector's input size), the network runs on those parts of the
    input only and the rest of the map is empty: each part is cut from the very input the whole page would be, on
    the network's 32-pixel grid. Within a part the map is nearly the whole page's; the detector's squeeze-and-
    excitation blocks average over their input, so its boxes may move by a few pixels. With ``whole`` the network
    runs on the whole input and its map is kept inside those parts only: a network compiled per input shape
    (``cyclops.ocr.bf16``: 0.2-0.8 s for each new one) then sees one shape per photo size, not one per part."""
    pre = detector_input(bgr, side, det.mean, det.std)
    if pre is None:
        return [], None
    rects = where(*pre.shape[2:]) if where is not None else None
    if rects is None:
        preds = det.session(pre)
    elif whole:
        full = det.session(pre)
        preds = np.zeros_like(full)
        for x0, y0, x1, y1 in rects:
            preds[:, :, y0:y1, x0:x1] = full[:, :, y0:y1, x0:x1]
    else:
        preds = np.zeros((1, 1, *pre.shape[2:]), dtype=np.float32)
        for x0, y0, x1, y1 in rects:
            part = det.session(np.ascontiguousarray(pre[:, :, y0:y1, x0:x1]))
            np.maximum(preds[:, :, y0:y1, x0:x1], part, out=preds[:, :, y0:y1, x0:x1])
    found, _scores = det.postprocess_op(preds, bgr.shape[:2])
    if len(found) < 1:
        return [], preds[0, 0]
    return [np.asarray(b, dtype=np.float32) for b in det.sorted_boxes(found)], preds[0, 0]


class RapidEngine(OCREngine):
    name = "rapidocr"

    def __init__(self, threads: int = 2, det_side: int = DET_SIDE, rec_batch: int = REC_BATCH, int8: bool | None = None,
                 model_cache: Path | None = None, bf16: bool | None = None) -> None:
        """Text detection: with ``bf16``, both passes in bfloat16 on OpenVINO (``cyclops.ocr.bf16``; None: as
        ``CYCLOPS_OCR_BF16`` says); otherwise, with ``int8``, the fine pass of 12 MP photos in int8
        (``cyclops.ocr.int8``; None: as ``CYCLOPS_OCR_INT8`` says), its model kept in ``model_cache`` (None:
        ``CYCLOPS_MODEL_CACHE``)."""
        from importlib.metadata import version

        self._ocr, self._det, self._lanes, self._cls = _build(threads, det_side, rec_batch)
        settings = get_settings()
        self.bf16 = bf16_wanted(settings.ocr_bf16) if bf16 is None else bf16
        # where both could run, bfloat16 is the faster (0.36 s against 0.59 s a photo) and the closer to float
        self.int8 = not self.bf16 and (int8_wanted(settings.ocr_int8) if int8 is None else int8)
        if self.bf16:  # both passes: one model compiled once, its kernels per input shape
            self._det = self._fine_det = self._bf16_detector(threads)
        elif self.int8:
            self._fine_det = self._int8_detector(threads, model_cache or settings.model_cache_dir)
        else:
            self._fine_det = self._det
        self.detector = self  # orientation is judged from this engine's own boxes, classifier and recogniser
        # every setting that changes what is read (rec batch changes padding and so, slightly, the text) is in the
        # version the OCR caches key on. Spelt out it outgrew a file name (the store keeps a page as
        # ``ocr/<photo>/<engine>-<version>.json``, 255 bytes at most), so the version names the models and the
        # sizes, and a digest of ``settings``, which spells out the rest
        self.settings = f"read{READ_AT}from{READ_FROM}-fine{FINE_SIDE}at{FINE_FROM}small{FINE_SMALL_FROM}h{SMALL_LINE}x{SMALL_LINE_LENGTH}in{REGIONS_VERSION}-bt{DET_BOX_THRESH}-rb{rec_batch}t1-leaders{LEADERS_VERSION}-swallow{FINE_SWALLOWS}p{FINE_PIECES}-rows{FINE_ROWS_INSIDE}h{FINE_ROW_HEIGHT}s{FINE_ROWS_SPAN}-small{SMALL_AT_COARSE}c{FINE_COVERS}r3-across{ACROSS_INSIDE}-past{RUNS_PAST}-choose{FINE_READS_MORE}sure{COARSE_SURE}-reread{REREAD_VERSION}-licence{LICENCE_VERSION}-chars{CHARSET_VERSION}"
        digest = hashlib.sha256(self.settings.encode()).hexdigest()[:12]
        self.version = f"{version('rapidocr')}+PP-OCRv6-small-det{det_side}-fine{FINE_SIDE}-s{digest}"
        if self.int8:  # the int8 fine pass moves boxes by a pixel or two, so what is read differs a little
            self.version += f"-fineq8v{INT8_VERSION}"
        if self.bf16:  # so does detecting in bfloat16, less
            self.version += f"-bf16v{BF16_VERSION}"
        # several photos may be read at once, one per core: a photo's own steps between recognitions (decoding,
        # detection's post-processing, box geometry) leave the recognition lanes idle about a tenth of the time
        self.photos_at_once = threads
        self._timings = threading.local()

    @property
    def last_timings(self) -> dict[str, float]:
        """Wall seconds per stage of this thread's latest read (for benchmarks); photos read at once keep theirs apart."""
        if not hasattr(self._timings, "value"):
            self._timings.value = {}
        return self._timings.value

    @last_timings.setter
    def last_timings(self, value: dict[str, float]) -> None:
        self._timings.value = value

    def _detector_with(self, session):
        """rapidocr's detector (its pre- and post-processing) running ``session`` instead of its own."""
        import copy

        det = copy.copy(self._det)
        det.session = copy.copy(self._det.session)
        det.session.session = session
        return det

    def _int8_detector(self, threads: int, cache: Path):
        """rapidocr's detector with the int8 model's session (``cyclops.ocr.int8``), built or found in ``cache``."""
        try:
            path = quantized_detector(model_dir() / DET_MODEL, cache,
                                      lambda page: detector_input(page, FINE_SIDE, self._det.mean, self._det.std))
            return self._detector_with(_session(path, threads))
        except Exception as exc:
            raise OCREngineError(f"The int8 fine detector cannot be built or loaded in {cache} ({exc}); "
                                 "set CYCLOPS_MODEL_CACHE to a writable folder, or CYCLOPS_OCR_INT8=off.") from exc

    def _bf16_detector(self, threads: int):
        """rapidocr's detector compiled by OpenVINO in bfloat16 (``cyclops.ocr.bf16``)."""
        try:
            return self._detector_with(OpenVINOSession(model_dir() / DET_MODEL, threads))
        except Exception as exc:
            raise OCREngineError(f"OpenVINO cannot compile the detector in bfloat16 ({exc}); set CYCLOPS_OCR_BF16=off.") from exc

    def warm_up(self) -> Page:
        """``OCREngine.warm_up``, then both detection passes run once on a blank phone photo's whole input: the first
        12 MP photo otherwise paid 0.35-0.45 s more for its detection than the next (``ocr_speed.md``, stop 46), though
        the fine pass then runs on parts of the input. OpenVINO (bfloat16) compiles per input shape, so there the
        photo is also run turned to portrait."""
        page = super().warm_up()
        photo = to_bgr(Image.new("RGB", PHONE_PHOTO, "white"))
        shapes = (photo, np.full((*PHONE_PHOTO, 3), 255, np.uint8)) if self.bf16 else (photo,)  # (height, width, 3)
        for bgr in shapes:
            for det, side in ((self._det, self._det.limit_side_len), (self._fine_det, FINE_SIDE)):
                det.session(detector_input(bgr, side, self._det.mean, self._det.std))
        return page

    # -- building blocks ------------------------------------------------------------
    def detect(self, bgr: np.ndarray) -> list[np.ndarray]:
        """Text line boxes (4x2 arrays, page pixels) without recognition; where the coarse pass's box and the fine
        pass's rows disagree (``Choice``), the coarse box."""
        return self.detect_choices(bgr)[0]

    def detect_choices(self, bgr: np.ndarray) -> tuple[list[np.ndarray], list[Choice]]:
        """(boxes, choices): the coarse pass's boxes with the fine pass's small print it missed; where the fine pass
        runs, also each coarse box that may be several rows or loose small print (``merged_rows``, ``small_print``), with
        the fine rows in its place, for ``settle`` to decide by reading both. The boxes hold the coarse side. The fine
        pass runs on a 12 MP photo, and on one of 1200 to 2400 pixels where its coarse boxes show small print
        (``has_small_print``)."""
        return self._with_fine(bgr, *detect_at(self._det, bgr, self._det.limit_side_len))

    def _with_fine(self, bgr: np.ndarray, boxes: list[np.ndarray], prob: np.ndarray | None) -> tuple[list[np.ndarray], list[Choice]]:
        """``detect_choices`` once the coarse pass has given ``boxes`` and its text map ``prob``."""
        long_side = max(bgr.shape[:2])
        scale = min(1.0, self._det.limit_side_len / long_side)
        if long_side < FINE_FROM and not (long_side >= FINE_SMALL_FROM and has_small_print(boxes, scale)):
            return boxes, []
        fine = self.fine_boxes(bgr, prob, boxes)
        if not fine:
            return boxes, []
        kept, found = choices(boxes, fine, scale)
        return (list(self._det.sorted_boxes(np.array(kept))) if kept else []), found

    def fine_boxes(self, bgr: np.ndarray, prob: np.ndarray | None, coarse: list[np.ndarray]) -> list[np.ndarray]:
        """The fine pass's boxes: detected at ``FINE_SIDE`` in the parts of the photo where the coarse map ``prob``
        saw text or the coarse pass boxed it (``cyclops.ocr.regions``), or over all of it where those cover most."""
        if prob is None:
            return []
        height, width = bgr.shape[:2]
        marked = marked_rects(prob, height, width, coarse)

        def where(input_height: int, input_width: int):
            rects = input_rects(marked, height, width, input_height, input_width)
            return None if covered(rects, input_height, input_width) >= WHOLE_FROM else rects

        return detect_at(self._fine_det, bgr, FINE_SIDE, where, whole=self.bf16)[0]

    def settle(self, bgr: np.ndarray, boxes: list[np.ndarray], choices: list[Choice]) -> tuple[list[np.ndarray], dict]:
        """(boxes, known): ``boxes`` with each choice's fine rows in place of its coarse side where they read better
        (``reads_better``), recognised on the upright ``bgr``: the coarse sides first, then the fine rows of the
        choices their coarse side does not settle alone (``coarse_holds``); ``known``, those readings by box
        (``_read_cells``), so that reading the page does not recognise the kept side a second time."""
        if not choices:
            return boxes, {}
        known = self._read_cells(bgr, [b for c in choices for b in c.coarse])
        open_choices = [c for c in choices if not coarse_holds(readings(known, c.coarse), c)]
        known.update(self._read_cells(bgr, [b for c in open_choices for b in c.fine]))
        drop, add = [], []
        for choice in open_choices:
            if reads_better(readings(known, choice.fine), readings(known, choice.coarse)):
                drop += choice.coarse
                add += choice.fine
        if not add:
            return boxes, known
        kept = [b for b in boxes if not any(np.array_equal(b, d) for d in drop)] + add
        return list(self._det.sorted_boxes(np.array(kept))), known

    def _read_cells(self, bgr: np.ndarray, boxes: list[np.ndarray]) -> dict[bytes, tuple[list, list]]:
        """box bytes -> (its layout of cells and leaders, (text, confidence, word result) of each cell), the boxes
        cropped, cut at dotted leaders and recognised exactly as ``_read_page`` does for a flat line."""
        layouts = dict(zip((b.tobytes() for b in boxes), self._layouts(bgr, boxes)))
        pieces = [(crop, sub) for layout in layouts.values() for kind, crop, sub in layout if kind == "cell"]
        reads = iter(self._recognize_cells(pieces))
        return {key: (layout, [next(reads) for kind, _, _ in layout if kind == "cell"]) for key, layout in layouts.items()}

    def _recognize_cells(self, pieces: list[tuple[np.ndarray, np.ndarray]], extra: list[np.ndarray] = ()):
        """(text, confidence, word result) of each (crop, cell box) in ``pieces``, then (text, confidence) of each
        ``extra`` crop (vertical lines, no word boxes), from one recogniser call."""
        crops = [crop for crop, _ in pieces] + list(extra)
        if not crops:
            return []
        out = self._recognize_raw(crops, word_boxes=True)
        txts, scores = list(out.txts or ()), [float(s) for s in out.scores or ()]
        words = self._word_results(crops[: len(pieces)], [sub for _, sub in pieces], out)
        return [(t, s, w) for t, s, w in zip(txts, scores, words)] + list(zip(txts[len(pieces):], scores[len(pieces):]))

    def _recognize_raw(self, crops: list[np.ndarray], word_boxes: bool = False):
        """rapidocr's recogniser output for upright line crops (with per-character positions when ``word_boxes``),
        the crops shared among the recognition lanes by the width the recogniser will see."""
        from rapidocr.ch_ppocr_rec import TextRecInput, TextRecOutput

        def work(rec, part: list[np.ndarray]) -> list:
            out = rec(TextRecInput(img=part, return_word_box=word_boxes))
            return list(zip(out.txts, out.scores, out.word_results))

        rows = self._lanes.map(work, crops, [rec_width(c) for c in crops]) if crops else []
        return TextRecOutput(imgs=list(crops), txts=tuple(r[0] for r in rows), scores=[float(r[1]) for r in rows],
                             word_results=tuple(r[2] for r in rows))

    def recognize(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        """Text and confidence of upright line crops."""
        if not crops:
            return []
        out = self._recognize_raw(crops)
        return [(t, float(s)) for t, s in zip(out.txts or (), out.scores or ())]

    def classify_upside_down(self, crops: list[np.ndarray]) -> list[tuple[bool, float]]:
        """For each line crop: (is it upside down, confidence), from PP-OCR's tiny 0/180 classifier."""
        if not crops:
            return []
        out = self._cls(crops)
        return [(str(label) == "180", float(score)) for label, score in (out.cls_res or [])]

    # -- the engine -------------------------------------------------------------------
    def read(self, image: Image.Image, image_id: str) -> Page:
        """Read an image that is already upright."""
        bgr, size = measured(to_bgr(image))
        t0 = time.perf_counter()
        boxes, choices = self.detect_choices(bgr)
        t1 = time.perf_counter()
        boxes, known = self.settle(bgr, boxes, choices)
        self.last_timings = {"detect": t1 - t0, "orient": 0.0, "settle": time.perf_counter() - t1}
        page = self._read_boxes(bgr, boxes, image_id, known)
        return page if size is None else page.scaled(*size)

    def read_upright(self, image: Image.Image, image_id: str) -> tuple[Page, int]:
        """(page read from ``image`` turned upright, degrees clockwise applied).

        The orientation is judged from the coarse detection pass's boxes, which are then read when the photo is
        upright already; a turned photo has its coarse pass again once upright (0.1-0.5 s), and the fine pass only
        ever runs upright. This replaces ``cyclops.ocr.orient.upright`` followed by ``read``.
        Page coordinates are those of the upright image.
        """
        bgr, size = measured(to_bgr(image))
        t0 = time.perf_counter()
        coarse, prob = detect_at(self._det, bgr, self._det.limit_side_len)
        t1 = time.perf_counter()
        rotation = rotation_from_boxes(bgr, coarse, self)
        t2 = time.perf_counter()
        if rotation:
            # detected again once upright: the detector, trained on level lines, boxes sideways text less well
            # (the 29 real photos turned 90 degrees: ingredient P/R 0.83/0.78 from their sideways boxes turned, 0.88/0.89)
            bgr = turned(bgr, rotation)
            coarse, prob = detect_at(self._det, bgr, self._det.limit_side_len)
        boxes, choices = self._with_fine(bgr, coarse, prob)
        t3 = time.perf_counter()
        boxes, known = self.settle(bgr, boxes, choices)
        self.last_timings = {"detect": t1 - t0 + t3 - t2, "orient": t2 - t1, "settle": time.perf_counter() - t3}
        page, sample, readings = self._read_page(bgr, boxes, image_id, known)
        if self._upside_down(sample, readings):
            # the orientation vote was fooled: the page's own unsure lines read as words the other way round
            height, width = bgr.shape[:2]
            rotation = (rotation + 180) % 360
            boxes = rotate_boxes(boxes, 180, width, height)
            boxes = list(self._det.sorted_boxes(np.array(boxes))) if boxes else []
            bgr = turned(bgr, 180)
            first = dict(self.last_timings)
            page, _, _ = self._read_page(bgr, boxes, image_id)
            self.last_timings = {k: v + self.last_timings.get(k, 0.0) if k in ("recognize", "reread") else v for k, v in first.items()}
        page.rotation = rotation
        if size is not None:
            page = page.scaled(*(size if rotation % 180 == 0 else size[::-1]))
        return page, rotation

    def _upside_down(self, sample: list[tuple[np.ndarray, tuple[str, float]]], readings: list[tuple[str, float]]) -> bool:
        """Whether the longest unsure lines of a page (``sample``: upright crop, reading) read turned 180 degrees
        as far more words than they and the page's sure ``readings`` do upright (``turned_wrong``)."""
        upright = [reading for _, reading in sample]
        if not sample or not may_be_turned(upright, sum(most_characters(crop) for crop, _ in sample), readings):
            return False
        t0 = time.perf_counter()
        other_way = self.recognize([turned(crop, 180) for crop, _ in sample])
        self.last_timings["reread"] = self.last_timings.get("reread", 0.0) + time.perf_counter() - t0
        return turned_wrong(upright, other_way, readings)

    def _read_boxes(self, bgr: np.ndarray, boxes: list[np.ndarray], image_id: str, known: dict | None = None) -> Page:
        """The page read from ``boxes`` of the upright ``bgr`` (see ``_read_page``)."""
        return self._read_page(bgr, boxes, image_id, known)[0]

    def _read_page(self, bgr: np.ndarray, boxes: list[np.ndarray], image_id: str, known: dict | None = None):
        """(page, sample, readings) from recognising every box in one call: flat lines once, as their cells where
        dotted leaders part them (a box in ``known``, already read by ``_read_cells``, is not read again); vertical
        lines both ways round; unsure cells once more, reframed (``cyclops.ocr.reread``). To check the page is not
        upside down: ``sample``, the longest unsure cells' (reframed crop, reading), and ``readings``, every flat
        cell's (text, confidence)."""
        t0 = time.perf_counter()
        known = known or {}
        flat = [b for b in boxes if not is_vertical(b)]
        tall = [b for b in boxes if is_vertical(b)]
        fresh_layouts = iter(self._layouts(bgr, [b for b in flat if b.tobytes() not in known]))
        layouts, reads = [], []
        for b in flat:
            layout, cell_reads = known.get(b.tobytes()) or (next(fresh_layouts), None)
            layouts.append(layout)
            reads += cell_reads or [None] * sum(kind == "cell" for kind, _, _ in layout)
        pieces = [(crop, sub) for layout in layouts for kind, crop, sub in layout if kind == "cell"]
        todo = [k for k, r in enumerate(reads) if r is None]
        turns = []
        for box in tall:
            crop = crop_quad(bgr, rect_of(box))
            turns.append(turned(crop, 90))  # text printed top-to-bottom
            turns.append(turned(crop, 270))  # text printed bottom-to-top
        lines: list[Line] = []
        sample: list[tuple[np.ndarray, tuple[str, float]]] = []
        readings: list[tuple[str, float]] = []
        reread_s = 0.0
        if pieces or turns:
            fresh = self._recognize_cells([pieces[k] for k in todo], turns)
            for k, r in zip(todo, fresh):
                reads[k] = r
            txts = [r[0] for r in reads] + [t for t, _ in fresh[len(todo):]]
            scores = [r[1] for r in reads] + [s for _, s in fresh[len(todo):]]
            words_of = [r[2] for r in reads]
            t1 = time.perf_counter()
            subs = [sub for _, sub in pieces]
            sample = self._reread(bgr, subs, txts, scores, words_of)
            grown = self._complete_licences(bgr, subs, txts, scores, words_of)
            reread_s = time.perf_counter() - t1
            readings = list(zip(txts[: len(pieces)], scores[: len(pieces)]))
            read = iter(zip(txts, scores, words_of, (k in grown for k in range(len(pieces)))))
            for box, layout in zip(flat, layouts):
                line = self._flat_line(box, layout, read)
                if line is not None:
                    lines.append(line)
            for j, box in enumerate(tall):
                k = len(pieces) + 2 * j
                line = self._vertical_line(box, (txts[k], scores[k]), (txts[k + 1], scores[k + 1]))
                if line is not None:
                    lines.append(line)
        self.last_timings["recognize"] = time.perf_counter() - t0 - reread_s
        self.last_timings["reread"] = reread_s
        height, width = bgr.shape[:2]
        page = Page(
            image_id=image_id,
            width=width,
            height=height,
            blocks=[Block(lines=lines, polygon=union_polygon([ln.polygon for ln in lines]))],
        )
        return arrange(page), sample, readings

    def _read_again(self, bgr: np.ndarray,
                    quads: list[np.ndarray]) -> tuple[list[np.ndarray], list[tuple[str, float, object]]]:
        """(crops, (text, confidence, word result) of each) of the upright ``bgr`` cut along ``quads``: a second look."""
        if not quads:
            return [], []
        crops = [crop_quad(bgr, q) for q in quads]
        out = self._recognize_raw(crops, word_boxes=True)
        words = self._word_results(crops, quads, out)
        return crops, [(t, float(s), w) for t, s, w in zip(out.txts or (), out.scores or (), words)]

    def _reread(self, bgr: np.ndarray, subs: list[np.ndarray], txts: list[str], scores: list[float], words_of: list):
        """Read the unsure cells again from reframed crops, in place where the new reading is ``better``; the
        longest unsure cells' (reframed crop, kept reading), for the orientation check."""
        todo = [k for k, sub in enumerate(subs) if unsure(scores[k], line_height(sub))]
        if not todo:
            return []
        crops, reads = self._read_again(bgr, [reframe(subs[k]) for k in todo])
        for k, (text, score, word) in zip(todo, reads):
            if better((txts[k], scores[k]), (text, score)):
                txts[k], scores[k], words_of[k] = text, score, word
        longest = sorted(range(len(todo)), key=lambda j: -crops[j].shape[1])[:TURN_SAMPLE]
        return [(crops[j], (txts[todo[j]], scores[todo[j]])) for j in longest]

    def _complete_licences(self, bgr: np.ndarray, subs: list[np.ndarray], txts: list[str], scores: list[float],
                           words_of: list) -> set[int]:
        """Read again, from a crop carried on past its end (``lengthened``, as far as the missing digits need and
        the photo goes), each cell that ends in a licence number cut short (``cut_short``), in place where the
        longer reading ``completes`` it about as surely (``LICENCE_LOSS``); the cells so read."""
        height, width = bgr.shape[:2]
        todo = []
        for k, sub in enumerate(subs):
            cut = cut_short(txts[k])
            ahead = min(licence_ahead(cut), room_ahead(sub, width, height)) if cut is not None else 0.0
            if ahead >= LICENCE_DIGIT:  # a number cut by the photo's edge stays cut
                todo.append((k, cut, lengthened(sub, ahead)))
        _, reads = self._read_again(bgr, [q for _, _, q in todo])
        grown = set()
        for (k, cut, _), (text, score, word) in zip(todo, reads):
            if completes(cut, text) and score >= max(MIN_SCORE, scores[k] - LICENCE_LOSS):
                txts[k], scores[k], words_of[k] = text, score, word
                grown.add(k)
        return grown

    def _layouts(self, bgr: np.ndarray, boxes: list[np.ndarray]) -> list[list[tuple[str, np.ndarray | None, np.ndarray]]]:
        """``_cells`` of each flat box's crop, cut on the recognition lanes' threads, two at a time (OpenCV's warp
        and numpy release the GIL): on a dense 12 MP back, cropping and finding leaders took 0.15-0.2 s alone."""
        from rapidocr.utils.process_img import get_rotate_crop_image

        def work(_lane, part: list[np.ndarray]) -> list:
            return [self._cells(get_rotate_crop_image(bgr, b.copy()), b) for b in part]

        return self._lanes.map(work, boxes, [float(np.prod(box_size(b))) for b in boxes]) if boxes else []

    @staticmethod
    def _cells(crop: np.ndarray, box: np.ndarray) -> list[tuple[str, np.ndarray | None, np.ndarray]]:
        """A flat line's parts left to right: ("cell", crop, box) to recognise and ("leader", None, box) to skip."""
        height, width = crop.shape[:2]
        spans = leader_spans(crop)
        if not spans:
            return [("cell", crop, box)]
        parts = [("cell", x0, x1) for x0, x1 in cells(width, height, spans)] + [("leader", x0, x1) for x0, x1 in spans]
        out = []
        for kind, x0, x1 in sorted(parts, key=lambda p: p[1]):
            piece = np.ascontiguousarray(crop[:, x0:x1]) if kind == "cell" else None
            out.append((kind, piece, sub_box(box, width, x0, x1)))
        return out

    def _flat_line(self, box: np.ndarray, layout, read) -> Line | None:
        """One line from its cells' readings, a leader word between them; cells read as dots only, or unsure, are left out."""
        words: list[Word] = []
        weights: list[tuple[float, int]] = []
        leader: list[np.ndarray] = []
        grown = False
        for kind, _, sub in layout:
            if kind == "cell":
                text, score, word_result, longer = next(read)
                if score < MIN_SCORE or not _HAS_TEXT.search(text):
                    continue
                if leader and words:
                    words.append(_leader_word(leader))
                leader = []
                if longer and word_result:  # read on past the box's end (``_complete_licences``): as far as its words
                    sub = reaching(sub, [b for _, _, b in word_result if b is not None])
                    grown = True
                words.extend(self._words(word_result, text, quad(sub), score))
                weights.append((score, len(text.strip())))
            else:
                leader.append(sub)
        if not words:
            return None
        if leader:
            words.append(_leader_word(leader))
        confidence = sum(s * n for s, n in weights) / max(sum(n for _, n in weights), 1)
        # a line read on past its box reaches as far as its words do, along its own slope
        polygon = quad(reaching(box, [w.polygon for w in words])) if grown else quad(box)
        return Line(words=words, polygon=polygon, confidence=confidence)

    def _word_results(self, crops: list[np.ndarray], boxes: list[np.ndarray], out) -> list:
        """Word boxes in page pixels for each flat line, from the recogniser's character positions."""
        from rapidocr.ch_ppocr_rec import TextRecOutput

        n = len(boxes)
        if not n or out.word_results is None:
            return [None] * n
        sub = TextRecOutput(txts=tuple(out.txts[:n]), scores=tuple(out.scores[:n]), word_results=tuple(out.word_results[:n]))
        try:
            res = self._ocr.cal_rec_boxes(crops, np.array(boxes), sub, False)
        except (ValueError, IndexError, TypeError):  # word boxes are a refinement; proportional splitting is the fallback
            return [None] * n
        words = list(res.word_results or ())
        return words if len(words) == n else [None] * n

    @staticmethod
    def _words(word_result, text: str, polygon, score: float) -> list[Word]:
        if word_result:
            words = [
                Word(text=t, confidence=float(s), polygon=quad(b)) for t, s, b in word_result if b is not None and str(t).strip()
            ]
            if "".join(w.text for w in words) == "".join(text.split()):
                return words
        return split_words(text, polygon, score)

    @staticmethod
    def _vertical_line(box, down: tuple[str, float], up: tuple[str, float]) -> Line | None:
        """A line printed along an edge: keep the more confident of its two readings (down or up the page)."""
        b = np.asarray(box, dtype=np.float32)
        x0, y0 = float(b[:, 0].min()), float(b[:, 1].min())
        x1, y1 = float(b[:, 0].max()), float(b[:, 1].max())
        if down[1] >= up[1]:
            (text, score), polygon = down, [(x1, y0), (x1, y1), (x0, y1), (x0, y0)]
        else:
            (text, score), polygon = up, [(x0, y1), (x0, y0), (x1, y0), (x1, y1)]
        if score < MIN_SCORE or not text.strip():
            return None
        return Line(words=split_words(text, polygon, score), polygon=polygon, confidence=score, vertical=True)
