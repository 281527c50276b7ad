"""Notebook 01: analysts' corrections + synthetic base set -> a versioned, product-split dataset.

Reviewed analyses (any analysis with an edit) are read back from the object store
with their edits applied, so every OCR line carries the analyst's label. Only the
lines an analyst reviewed become rows (``REVIEW_RULE``), each with its provenance;
the others are the served model's own guesses. A row's classifier input is rebuilt
from the analysis as served (version 0), the same way the served model was given
it. Rows are joined with synthetic ground-truth lines, de-duplicated, and split
train / held-out BY PRODUCT so no product is on both sides. The result is written
to the store under ``datasets/{version}/`` with a manifest, a dataset card and a
content hash.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field
from rapidfuzz import fuzz

from cyclops.catalog import normalize_time, open_catalog
from cyclops.edits import APPEND, parse_path
from cyclops.errors import InvalidEdit, NotFound
from cyclops.extract.classifier import examples_by_line, examples_from_product
from cyclops.extract.features import LineExample
from cyclops.extract.panel import evidence_holds
from cyclops.extract.train import synth_truths
from cyclops.model.analysis import FIELD_LABELS, Analysis, Edit, Evidence
from cyclops.model.truth import ProductTruth
from cyclops.retrain.base_set import base_examples
from cyclops.settings import get_settings
from cyclops.storage import open_store
from cyclops.synth.config import SynthConfig
from cyclops.text.fold import fold

log = logging.getLogger(__name__)
Source = Literal["correction", "synthetic"]
#: how an analyst reviewed a line: its label edited (corrected, or set to the same value: an explicit
#: accept), its text or language edited, a field it is the evidence of edited, or the product signed off
#: while the line fed no field (confirmed 'other')
Review = Literal["label_edit", "line_edit", "field_edit", "sign_off"]
PREFIX = "datasets"

#: which lines of a reviewed analysis become training rows (recorded in every manifest and card)
REVIEW_RULE = (
    "A line is a training row only when an analyst reviewed it: an edit of its label (label_edit: a correction, "
    "or the same label set again, an explicit accept), an edit of its text or language (line_edit: the analyst "
    "had the line and its label in front of them), or an edit of a field whose evidence it is while it carries "
    "that field's label (field_edit): the value the analyst left, not one deleted or replaced whole, and only the "
    "lines that still read a name or text the analyst typed. A sign-off (sign_off: review.signed_off set true and "
    "not withdrawn) is the analyst's word that every field value as it stands is right and complete, so it "
    "confirms as 'other' each line that fed no field: no label or line edit moved it, it is the evidence of no "
    "field value and no flag, it reads no signed value's name or text, and it has letters enough to be read "
    "(an amount or a code alone is a cell of some row); such a line is a row labelled 'other' whatever the model "
    "called it. Every other line of a reviewed analysis holds the served model's own guess and is left out (not "
    "down-weighted)."
)
#: the line label a field's evidence lines carry (dosage form and net quantity are read from any line)
FIELD_LABEL = {"npn": "npn", "product_name": "product_name", "brand": "brand", "company": "company",
               "medicinal_ingredients": "medicinal_ingredient", "non_medicinal_ingredients": "non_medicinal_ingredient",
               "recommended_uses": "recommended_use", "directions": "dose", "cautions": "caution"}
#: when edits of several kinds touched a line, the most direct one is its provenance
_REVIEW_ORDER = {"label_edit": 0, "line_edit": 1, "field_edit": 2, "sign_off": 3}


class DatasetError(ValueError):
    """The dataset cannot be built (no data, unknown labels, bad date...)."""


class Provenance(BaseModel):
    """Who reviewed a correction row's line, when, how, in which analysis, and which model had labelled it."""

    analysis_id: str
    line: int  # index in ``analysis.lines``
    review: Review
    analyst: str
    at: str | None = None
    edit_seq: int | None = None  # the edit (``edits/{seq:06d}.json``) that reviewed it; the latest of its kind
    model_version: str | None = None  # the field classifier that served the analysis (``versions.field_classifier``)
    text: str = ""  # the line's text as the analyst left it (the example keeps the text as OCR read it)


class Row(BaseModel):
    """One labelled line and where it came from; ``group`` is the product key used for the split."""

    source: Source
    group: str
    example: LineExample
    provenance: Provenance | None = None  # correction rows only


class Reviewed(BaseModel):
    """An analysis as it stands after its edits, with those edits and the analysis as served."""

    analysis: Analysis
    edits: list[Edit] = Field(default_factory=list)
    served: Analysis | None = None  # version 0, as the pipeline stored it (None: the lines' text as read stands in)


class Dataset(BaseModel):
    version: str
    sha256: str
    train: list[Row]
    heldout: list[Row]
    manifest: dict


# --- collecting corrections ---------------------------------------------------------------------


def normalize_since(since: str | None) -> str | None:
    if not since:
        return None
    try:
        return normalize_time(since)
    except Exception as exc:  # the catalogue raises its own BadRequest
        raise DatasetError(f"--since must be an ISO date such as 2026-01-31, not {since!r}") from exc


def collect_reviewed(since: str | None = None, *, store=None, catalog=None) -> list[Reviewed]:
    """Analyses with at least one edit made on or after ``since`` (all when None), oldest first.

    The catalogue finds analyses updated since the date; the store (the source of
    truth) gives the edited analysis and its edits.
    """
    store = store or open_store()
    catalog = catalog or open_catalog()
    cutoff = normalize_since(since)
    ids: list[str] = []
    cursor = None
    while True:
        page = catalog.list_analyses(since=cutoff, limit=500, cursor=cursor)
        ids.extend(item.analysis_id for item in page.items if item.edits > 0)
        cursor = page.next_cursor
        if not cursor:
            break
    out = []
    for analysis_id in sorted(ids):
        edits = store.edits(analysis_id)
        if cutoff:
            edits = [e for e in edits if e.at and normalize_time(e.at) >= cutoff]
        if edits:
            out.append(Reviewed(analysis=store.get_analysis(analysis_id), edits=edits, served=_served(store, analysis_id)))
    return out


def _served(store, analysis_id: str) -> Analysis | None:
    try:
        return store.analysis_at(analysis_id, 0)
    except NotFound:  # stored before base.json existed
        return None


def product_key(analysis: Analysis) -> str:
    """Same licence = same product, whichever photos were taken; unmatched analyses stand alone."""
    if analysis.match.licence_number:
        return f"licence:{analysis.match.licence_number}"
    return f"analysis:{analysis.analysis_id}"


def _evidence(node: object) -> list[Evidence]:
    """Every evidence box inside a part of an analysis (a field, an ingredient, a list of them), as JSON."""
    if isinstance(node, dict):
        found = [Evidence.model_validate(e) for e in node.get("evidence") or [] if isinstance(e, dict)]
        return found + [e for key, value in node.items() if key != "evidence" for e in _evidence(value)]
    if isinstance(node, list):
        return [e for value in node for e in _evidence(value)]
    return []


#: a line whose text is this close (partial ratio, 0-100) to a name or text the analyst typed still reads it
TEXT_KEPT = 80
#: the parts of a value that are its text: a new text leaves the evidence lines confirmed only where they read it
_TEXT_KEYS = ("value", "name", "text")


def _field_lines(analysis: Analysis, tokens: list, edit: Edit) -> list[int]:
    """Lines that are evidence of the value an analyst left after a field edit and carry that field's label.

    Not the lines of a value the analyst deleted (that says what they are not, not what they are), nor those of
    a value replaced whole (the new value brings its own evidence), nor those that do not read a text the analyst
    typed in their place ("BetterAlt" is no evidence of the product name "Himalayan Shilajit Honey Sticks").
    """
    label = FIELD_LABEL.get(tokens[1]) if len(tokens) > 1 else None
    if label is None:
        return []
    whole = len(tokens) == 2 or (len(tokens) == 3 and (tokens[2] == APPEND or isinstance(tokens[2], int)))
    if whole:
        if edit.after is None:
            return []  # a deletion
        boxes = _evidence(edit.after)
    else:
        node: object = analysis.fields.model_dump(mode="json")[tokens[1]]
        if isinstance(node, list) and isinstance(tokens[2], int):
            node = node[tokens[2]] if 0 <= tokens[2] < len(node) else None
        boxes = _evidence(node)
    typed = fold(edit.after) if tokens[-1] in _TEXT_KEYS and isinstance(edit.after, str) else None
    return [i for i, line in enumerate(analysis.lines) if line.label == label and any(evidence_holds(e, line) for e in boxes)
            and (typed is None or fuzz.partial_ratio(fold(line.text), typed) >= TEXT_KEPT)]


def reviewed_lines(item: Reviewed) -> dict[int, tuple[Review, Edit]]:
    """Line index -> (how, the edit) for every line an analyst reviewed (``REVIEW_RULE``)."""
    found: dict[int, tuple[Review, Edit]] = {}

    def mark(index: int, review: Review, edit: Edit) -> None:
        old = found.get(index)
        if 0 <= index < len(item.analysis.lines) and (old is None or _REVIEW_ORDER[review] <= _REVIEW_ORDER[old[0]]):
            found[index] = (review, edit)

    for edit in item.edits:
        try:
            tokens = parse_path(edit.field)
        except InvalidEdit:
            continue
        if tokens[0] == "lines" and len(tokens) >= 3 and isinstance(tokens[1], int):
            mark(tokens[1], "label_edit" if tokens[2] == "label" else "line_edit", edit)
        elif tokens[0] == "fields":
            for index in _field_lines(item.analysis, tokens, edit):
                mark(index, "field_edit", edit)
    signed = sign_off_edit(item)
    if signed is not None:
        moved = {i for i, (review, _) in found.items() if review in ("label_edit", "line_edit")}
        for index in lines_signed_other(item.analysis) - moved:
            mark(index, "sign_off", signed)
    return found


#: SIGN_OFF of ``cyclops.review`` (the path a sign-off edit sets)
SIGN_OFF_PATH = "review.signed_off"
#: letters a line needs to be confirmed 'other' by a sign-off ("1.2 mg", "5G", "NS" are cells of some row)
SIGNED_OTHER_LETTERS = 4
#: letters a signed value needs to keep the lines that read it out ("G", "IU" would keep out half the label)
SIGNED_VALUE_LETTERS = 3


def sign_off_edit(item: Reviewed) -> Edit | None:
    """The edit that signed the product off, when it stands: the latest sign-off edit set it true and the analysis
    is still signed off (a withdrawn sign-off confirms nothing)."""
    signs = [e for e in item.edits if e.field == SIGN_OFF_PATH]
    if not signs or signs[-1].after is not True or not item.analysis.review.signed_off:
        return None
    return signs[-1]


def _signed_texts(analysis: Analysis) -> list[str]:
    """Every name and text of the field values as signed (folded), long enough to be read on a line."""
    texts = []

    def walk(node: object, key: str | None = None) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if k != "evidence":
                    walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif isinstance(node, str) and key in _TEXT_KEYS:
            folded = fold(node)
            if len(re.findall(r"[^\W\d_]", folded)) >= SIGNED_VALUE_LETTERS:
                texts.append(folded)

    walk(analysis.fields.model_dump(mode="json"))
    return texts


def lines_signed_other(analysis: Analysis) -> set[int]:
    """Lines a sign-off confirms as 'other' (``REVIEW_RULE``): evidence of no field value or flag, reading no
    signed name or text, with letters enough to be read. Label and line edits are the caller's to set apart."""
    boxes = _evidence(analysis.fields.model_dump(mode="json")) + [e for flag in analysis.flags for e in flag.evidence]
    texts = _signed_texts(analysis)
    out = set()
    for index, line in enumerate(analysis.lines):
        text = fold(line.text)
        if len(re.findall(r"[^\W\d_]", text)) < SIGNED_OTHER_LETTERS:
            continue
        if any(evidence_holds(e, line) for e in boxes):
            continue
        if any(fuzz.partial_ratio(text, value) >= TEXT_KEPT for value in texts):
            continue
        out.add(index)
    return out


def rows_from_reviewed(reviewed: list[Reviewed]) -> list[Row]:
    """The lines analysts reviewed (``REVIEW_RULE``), labelled as they left them, each with its provenance.

    The classifier input is rebuilt from the analysis as served, as the served model was given it.
    """
    rows = []
    for item in reviewed:
        group = product_key(item.analysis)
        lines = reviewed_lines(item)
        for index, example in examples_by_line(item.analysis, product_id=group, served=item.served, lines=lines).items():
            review, edit = lines[index]
            if review == "sign_off":  # fed no field of a signed-off product: 'other', whatever the model called it
                example = example.model_copy(update={"label": "other"})
            provenance = Provenance(analysis_id=item.analysis.analysis_id or "", line=index, review=review,
                                    analyst=edit.analyst, at=edit.at, edit_seq=edit.seq,
                                    model_version=(item.served or item.analysis).versions.get("field_classifier"),
                                    text=item.analysis.lines[index].text)
            rows.append(Row(source="correction", group=group, example=example, provenance=provenance))
    return rows


# --- synthetic base set -------------------------------------------------------------------------


def synthetic_rows(n: int, seed: int, *, family: str = "base", augment: int = 1, cache_dir: Path | None = None) -> list[Row]:
    """Ground-truth lines of ``n`` synthetic products (cached: rendering is the slow part)."""
    if n <= 0:
        return []

    cache_dir = cache_dir or get_settings().cache_dir / "retrain"
    cache = cache_dir / f"synth-{family}-{seed}-{n}.jsonl"
    if cache.exists():
        truths = [ProductTruth.model_validate_json(line) for line in cache.read_text(encoding="utf-8").splitlines()]
    else:
        truths = synth_truths(n, seed, SynthConfig(family=family), workers=1)
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text("\n".join(t.model_dump_json() for t in truths), encoding="utf-8")
    rows = []
    for truth in truths:
        group = f"licence:{truth.licence.licence.licence_number}"
        for example in examples_from_product(truth, augment=augment, seed=seed):
            rows.append(Row(source="synthetic", group=group, example=example.model_copy(update={"product_id": group})))
    return rows


# --- de-duplication and split -------------------------------------------------------------------


def deduplicate(rows: list[Row]) -> tuple[list[Row], int]:
    """One row per (product, line text, neighbours); a later row (a later correction) wins."""
    kept: dict[tuple, Row] = {}
    for row in rows:
        e = row.example
        key = (row.source, row.group, e.text, e.prev_text, e.next_text, json.dumps(e.layout, sort_keys=True))
        kept.pop(key, None)
        kept[key] = row
    return list(kept.values()), len(rows) - len(kept)


#: share of products whose reviewed lines are kept aside for judging, never trained on (``cyclops.retrain.trusted``)
KEEP_ASIDE = 0.2


def kept_aside(group: str, share: float = KEEP_ASIDE) -> bool:
    """Whether a product (``product_key``) is kept aside: the same products in every run (a hash of the key)."""
    digest = hashlib.sha256(f"kept-aside:{group}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < share


def _rank(group: str, seed: int) -> str:
    return hashlib.sha256(f"{seed}:{group}".encode()).hexdigest()


def split_by_product(rows: list[Row], heldout_fraction: float = 0.3, seed: int = 0) -> tuple[list[Row], list[Row]]:
    """Held-out products are chosen per source (so both sources are tested); a product is never on both sides.

    Products are ranked by a hash of their key, not drawn at random, so a product
    stays on the same side in every dataset version: a model trained on one
    version is never scored on products it was trained on in another.
    """
    if not 0 < heldout_fraction < 1:
        raise DatasetError(f"heldout_fraction must be between 0 and 1, not {heldout_fraction}")
    heldout_groups: set[str] = set()
    assigned: set[str] = set()
    for source in ("correction", "synthetic"):
        groups = sorted({r.group for r in rows if r.source == source} - assigned, key=lambda g: _rank(g, seed))
        k = round(len(groups) * heldout_fraction)
        if len(groups) >= 2:
            k = min(max(k, 1), len(groups) - 1)
        heldout_groups.update(groups[:k])
        assigned.update(groups)
    train = [r for r in rows if r.group not in heldout_groups]
    heldout = [r for r in rows if r.group in heldout_groups]
    return train, heldout


# --- versioned dataset --------------------------------------------------------------------------


def _jsonl(rows: list[Row]) -> bytes:
    return "".join(r.model_dump_json() + "\n" for r in rows).encode("utf-8")


def content_hash(train: list[Row], heldout: list[Row]) -> str:
    h = hashlib.sha256()
    h.update(_jsonl(train))
    h.update(b"--heldout--\n")
    h.update(_jsonl(heldout))
    return h.hexdigest()


def _counts(rows: list[Row]) -> dict:
    return {
        "lines": len(rows),
        "products": len({r.group for r in rows}),
        "by_source": dict(sorted(Counter(r.source for r in rows).items())),
        "by_label": dict(sorted(Counter(r.example.label for r in rows).items())),
        "by_label_and_source": {
            source: dict(sorted(Counter(r.example.label for r in rows if r.source == source).items()))
            for source in sorted({r.source for r in rows})
        },
        # synthetic rows, and correction rows by how the analyst reviewed the line
        "by_review": dict(sorted(Counter(_review(r) for r in rows).items())),
        "by_label_and_review": {
            review: dict(sorted(Counter(r.example.label for r in rows if _review(r) == review).items()))
            for review in sorted({_review(r) for r in rows})
        },
    }


def _review(row: Row) -> str:
    return row.provenance.review if row.provenance else row.source


def _review_summary(reviewed: list[Reviewed], rows: list[Row]) -> dict:
    """What the review rule kept and left out, and whose reviews and which served models the rows come from."""
    corrections = [r for r in rows if r.provenance]
    lines = sum(len(item.analysis.lines) for item in reviewed)
    return {
        "rule": REVIEW_RULE,
        "lines_in_reviewed_analyses": lines,
        "reviewed_lines": len(corrections),
        "unreviewed_lines_left_out": lines - len(corrections),
        "by_review": dict(sorted(Counter(r.provenance.review for r in corrections).items())),
        "by_analyst": dict(sorted(Counter(r.provenance.analyst for r in corrections).items())),
        "by_model_version": dict(sorted(Counter(r.provenance.model_version or "unknown" for r in corrections).items())),
    }


def packaged_base_rows() -> list[Row]:
    """The packaged model's training lines as rows, one group per synthetic product."""
    return [Row(source="synthetic", group=f"base:{ex.product_id}", example=ex) for ex in base_examples()]


def build_dataset(*, since: str | None = None, synthetic_n: int = 60, synthetic_seed: int = 11,
                  heldout_fraction: float = 0.3, split_seed: int = 0, reviewed: list[Reviewed] | None = None,
                  store=None, catalog=None, packaged_base: bool = False, keep_aside: bool = False) -> Dataset:
    """Collect, join, de-duplicate and split; nothing is written (see ``save_dataset``).

    ``packaged_base`` adds the packaged model's own training lines, so a candidate is
    compared with the served model on an equal footing (what ``cyclops retrain`` does).
    ``keep_aside`` moves analysts' lines of kept-aside products (``kept_aside``) out of
    training: they are judged on, never learned (what ``cyclops retrain`` does).
    """
    reviewed = collect_reviewed(since, store=store, catalog=catalog) if reviewed is None else reviewed
    corrections = rows_from_reviewed(reviewed)
    review = _review_summary(reviewed, corrections)
    rows = corrections + synthetic_rows(synthetic_n, synthetic_seed)
    if packaged_base:
        rows += packaged_base_rows()
    if not rows:
        raise DatasetError("no corrections since the given date and no synthetic base set: nothing to train on")
    # a label that is not a field label (a typo through the API) is left out and reported, not trained on
    rejected = Counter(r.example.label for r in rows if r.example.label not in FIELD_LABELS)
    if rejected:
        log.warning("left out %d lines with unknown labels: %s", sum(rejected.values()), dict(rejected))
        rows = [r for r in rows if r.example.label in FIELD_LABELS]
    rows, dropped = deduplicate(rows)
    train, heldout = split_by_product(rows, heldout_fraction, split_seed)
    if keep_aside:
        aside = [r.source == "correction" and kept_aside(r.group) for r in train]
        heldout = heldout + [r for r, out in zip(train, aside) if out]
        train = [r for r, out in zip(train, aside) if not out]
    if not train or not heldout:
        raise DatasetError(f"need at least two products to split train/held-out; got {len({r.group for r in rows})}")
    sha = content_hash(train, heldout)
    version = datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + sha[:8]
    manifest = {
        "version": version,
        "sha256": sha,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "since": since or None,
        "analyses": [r.analysis.analysis_id for r in reviewed],
        "edits": sum(len(r.edits) for r in reviewed),
        "synthetic": {"n": synthetic_n, "seed": synthetic_seed, "family": "base", "packaged_base": packaged_base},
        "heldout_fraction": heldout_fraction,
        "split_seed": split_seed,
        "keep_aside": keep_aside,
        "duplicates_dropped": dropped,
        "review": review,
        "unknown_labels_left_out": dict(sorted(rejected.items())),
        "train": _counts(train),
        "heldout": _counts(heldout),
    }
    return Dataset(version=version, sha256=sha, train=train, heldout=heldout, manifest=manifest)


def save_dataset(dataset: Dataset, store=None) -> str:
    """Write ``datasets/{version}/{train,heldout}.jsonl`` and ``manifest.json``; returns the folder key."""
    store = store or open_store()
    prefix = f"{PREFIX}/{dataset.version}"
    store.put(f"{prefix}/train.jsonl", _jsonl(dataset.train))
    store.put(f"{prefix}/heldout.jsonl", _jsonl(dataset.heldout))
    store.put_json(f"{prefix}/manifest.json", dataset.manifest)
    store.put(f"{prefix}/card.md", dataset_card(dataset).encode("utf-8"))
    return prefix


def _table(title: str, columns: dict[str, dict[str, int]]) -> list[str]:
    """A markdown table: one row per key, one column per named count, and a total row."""
    names = list(columns)
    keys = sorted({k for counts in columns.values() for k in counts})
    out = [f"| {title} | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    out += [f"| {k} | " + " | ".join(str(columns[n].get(k, 0)) for n in names) + " |" for k in keys]
    out.append("| **total** | " + " | ".join(str(sum(columns[n].values())) for n in names) + " |")
    return out


def dataset_card(dataset: Dataset) -> str:
    """The dataset card (markdown): what the rows are, where they come from, counts per source and per label.

    Saved beside the dataset (``datasets/{version}/card.md``) and logged with every candidate trained on it.
    """
    m = dataset.manifest
    review = m.get("review", {})
    sides = {side: m[side] for side in ("train", "heldout")}
    lines = [
        f"# Dataset {m['version']}",
        "",
        f"- sha256 `{m['sha256']}`, created {m['created_at']}, corrections since {m.get('since') or 'the start'}",
        (f"- {len(m['analyses'])} reviewed analyses, {m['edits']} edits; {m['duplicates_dropped']} duplicate lines dropped; "
         f"unknown labels left out: {m['unknown_labels_left_out'] or 'none'}"),
        f"- synthetic base set: {m['synthetic']}",
        f"- split by product, {m['heldout_fraction']:.0%} held out (seed {m['split_seed']}): "
        + ", ".join(f"{side} {c['lines']} lines of {c['products']} products" for side, c in sides.items()),
        "",
        "## Which lines are rows",
        "",
        review.get("rule", REVIEW_RULE),
        "",
        (f"Reviewed analyses hold {review.get('lines_in_reviewed_analyses', 0)} lines: {review.get('reviewed_lines', 0)} "
         f"reviewed became rows, {review.get('unreviewed_lines_left_out', 0)} unreviewed were left out."),
        "",
        "## Lines per source",
        "",
        *_table("source", {side: c.get("by_review", c["by_source"]) for side, c in sides.items()}),
        "",
        "## Lines per label",
        "",
        *_table("label", {f"{side} {review_kind}": counts for side, c in sides.items()
                          for review_kind, counts in c.get("by_label_and_review", c["by_label_and_source"]).items()}),
        "",
        "## Corrections per analyst and per served model",
        "",
        *_table("analyst", {"rows": review.get("by_analyst", {})}),
        "",
        *_table("served model", {"rows": review.get("by_model_version", {})}),
        "",
    ]
    return "\n".join(lines)


def load_dataset(version: str, store=None) -> Dataset:
    """Read a saved dataset back and check its content hash."""
    store = store or open_store()
    prefix = f"{PREFIX}/{version}"
    manifest = store.get_json(f"{prefix}/manifest.json")

    def rows(name: str) -> list[Row]:
        text = store.get(f"{prefix}/{name}.jsonl").decode("utf-8")
        return [Row.model_validate_json(line) for line in text.splitlines() if line.strip()]

    train, heldout = rows("train"), rows("heldout")
    sha = content_hash(train, heldout)
    if sha != manifest["sha256"]:
        raise DatasetError(f"dataset {version} is corrupt: content hash {sha[:12]} != manifest {manifest['sha256'][:12]}")
    return Dataset(version=version, sha256=sha, train=train, heldout=heldout, manifest=manifest)
