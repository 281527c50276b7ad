"""Data a batch under judgement cannot touch: reviewed truth kept aside, and other analysts' earlier reviews.

A fixed share of products (``dataset.kept_aside``: a hash of the product key, the same products in every
run) is kept aside: their reviewed lines are never trained on, only judged on. The trusted set for a batch is the
kept-aside lines reviewed before the batch began by analysts outside it; the peers the screen compares the batch with are
all lines reviewed before it (any product), so an analyst who now relabels what others labelled is seen.
"""

from __future__ import annotations

from cyclops.catalog import normalize_time
from cyclops.retrain.dataset import Reviewed, Row, collect_reviewed, kept_aside, rows_from_reviewed, sign_off_edit
from cyclops.retrain.fieldcheck import FieldCase, signed_off_cases
from cyclops.storage import open_store


def earlier_reviewed(before: str | None, *, store=None, catalog=None) -> list[Reviewed]:
    """Every analysis reviewed before ``before``, as it stood then (none when the batch starts at the beginning)."""
    if not before:
        return []

    store = store or open_store()
    cutoff = normalize_time(before)
    earlier = []
    for item in collect_reviewed(None, store=store, catalog=catalog):
        edits = [e for e in item.edits if e.at and normalize_time(e.at) < cutoff]
        if edits:  # the analysis as it stood then: a later relabelling by the batch must not leak in
            version = max(e.seq or 0 for e in edits)
            earlier.append(item.model_copy(update={"edits": edits, "analysis": store.analysis_at(item.analysis.analysis_id, version)}))
    return earlier


def earlier_rows(before: str | None, *, store=None, catalog=None) -> list[Row]:
    """Correction rows of every line reviewed before ``before`` (none when the batch starts at the beginning)."""
    return rows_from_reviewed(earlier_reviewed(before, store=store, catalog=catalog))


def trusted_field_cases(before: str | None, batch_analysts: set[str] = frozenset(), *, store=None,
                        catalog=None) -> list[FieldCase]:
    """The kept-aside products signed off before the batch by analysts outside it, with their fields as signed
    (``fieldcheck``): the gate re-extracts their fields with each model."""
    earlier = [item for item in earlier_reviewed(before, store=store, catalog=catalog)
               if (sign := sign_off_edit(item)) is not None and sign.analyst not in batch_analysts]
    return signed_off_cases(earlier, aside_only=True)


def trusted_rows(earlier: list[Row], batch_analysts: set[str] = frozenset()) -> list[Row]:
    """The reviewed truth kept aside among earlier rows, reviewed by analysts outside the batch (an analyst
    gone wrong now may have been wrong before: their own earlier lines would vouch for them)."""
    return [r for r in earlier if r.source == "correction" and kept_aside(r.group)
            and (r.provenance is None or r.provenance.analyst not in batch_analysts)]


def analysts(rows: list[Row]) -> set[str]:
    """Who reviewed the correction rows."""
    return {r.provenance.analyst for r in rows if r.provenance}
