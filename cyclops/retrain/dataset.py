"""Notebook 01: analysts' corrections + synthetic base set -> a versioned, product-split dataset.

Reviewed analyses (any analysis with an edit) are read back from the object store
with their edits applied, so every OCR line carries the analyst's label and
text. They are joined with synthetic ground-truth lines, de-duplicated, and split
train / held-out BY PRODUCT so no product is on both sides. The result is written
to the store under ``datasets/{version}/`` with a manifest and a content hash.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from cyclops.extract.features import LineExample
from cyclops.model.analysis import FIELD_LABELS, Analysis, Edit

log = logging.getLogger(__name__)
Source = Literal["correction", "synthetic"]
PREFIX = "datasets"


class DatasetError(ValueError):
    """The dataset cannot be built (no data, unknown labels, bad date...)."""


class Row(BaseModel):
    """One labelled line and where it came from; ``group`` is the product key used for the split."""

    source: Source
    group: str
    example: LineExample


class Reviewed(BaseModel):
    """An analysis as it stands after its edits, with those edits."""

    analysis: Analysis
    edits: list[Edit] = Field(default_factory=list)


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
    from cyclops.catalog import normalize_time

    try:
        return normalize_time(since)
    except Exception as exc:  # the catalogue raises its own BadRequest
        raise DatasetError(f"--since must be an ISO date such as 2026-01-31, not {since!r}") from exc


def collect_reviewed(since: str | None = None, *, store=None, catalog=None) -> list[Reviewed]:
    """Analyses with at least one edit made on or after ``since`` (all when None), oldest first.

    The catalogue finds analyses updated since the date; the store (the source of
    truth) gives the edited analysis and its edits.
    """
    from cyclops.catalog import normalize_time, open_catalog
    from cyclops.storage import open_store

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
            out.append(Reviewed(analysis=store.get_analysis(analysis_id), edits=edits))
    return out


def product_key(analysis: Analysis) -> str:
    """Same licence = same product, whichever photos were taken; unmatched analyses stand alone."""
    if analysis.match.licence_number:
        return f"licence:{analysis.match.licence_number}"
    return f"analysis:{analysis.analysis_id}"


def rows_from_reviewed(reviewed: list[Reviewed]) -> list[Row]:
    """Every OCR line of every reviewed analysis, with the label and text as the analyst left them."""
    from cyclops.extract.classifier import examples_from_analysis

    rows = []
    for item in reviewed:
        group = product_key(item.analysis)
        for example in examples_from_analysis(item.analysis, product_id=group):
            rows.append(Row(source="correction", group=group, example=example))
    return rows


# --- synthetic base set -------------------------------------------------------------------------


def synthetic_rows(n: int, seed: int, *, family: str = "base", augment: int = 1, cache_dir: Path | None = None) -> list[Row]:
    """Ground-truth lines of ``n`` synthetic products (cached: rendering is the slow part)."""
    if n <= 0:
        return []
    from cyclops.extract.classifier import examples_from_product
    from cyclops.extract.train import synth_truths
    from cyclops.model.truth import ProductTruth
    from cyclops.settings import get_settings
    from cyclops.synth.config import SynthConfig

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
    }


def packaged_base_rows() -> list[Row]:
    """The packaged model's training lines as rows, one group per synthetic product."""
    from cyclops.retrain.base_set import base_examples

    return [Row(source="synthetic", group=f"base:{ex.product_id}", example=ex) for ex in base_examples()]


def build_dataset(*, since: str | None = None, synthetic_n: int = 60, synthetic_seed: int = 11,
                  heldout_fraction: float = 0.3, split_seed: int = 0, reviewed: list[Reviewed] | None = None,
                  store=None, catalog=None, packaged_base: bool = False) -> Dataset:
    """Collect, join, de-duplicate and split; nothing is written (see ``save_dataset``).

    ``packaged_base`` adds the packaged model's own training lines, so a candidate is
    compared with the served model on an equal footing (what ``cyclops retrain`` does).
    """
    reviewed = collect_reviewed(since, store=store, catalog=catalog) if reviewed is None else reviewed
    rows = rows_from_reviewed(reviewed) + synthetic_rows(synthetic_n, synthetic_seed)
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
        "duplicates_dropped": dropped,
        "unknown_labels_left_out": dict(sorted(rejected.items())),
        "train": _counts(train),
        "heldout": _counts(heldout),
    }
    return Dataset(version=version, sha256=sha, train=train, heldout=heldout, manifest=manifest)


def save_dataset(dataset: Dataset, store=None) -> str:
    """Write ``datasets/{version}/{train,heldout}.jsonl`` and ``manifest.json``; returns the folder key."""
    from cyclops.storage import open_store

    store = store or open_store()
    prefix = f"{PREFIX}/{dataset.version}"
    store.put(f"{prefix}/train.jsonl", _jsonl(dataset.train))
    store.put(f"{prefix}/heldout.jsonl", _jsonl(dataset.heldout))
    store.put_json(f"{prefix}/manifest.json", dataset.manifest)
    return prefix


def load_dataset(version: str, store=None) -> Dataset:
    """Read a saved dataset back and check its content hash."""
    from cyclops.storage import open_store

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
