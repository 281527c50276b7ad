"""The challenger in shadow: its line labels for a served analysis, stored beside the champion's, never shown.

The pipeline serves the champion; after an analysis is stored, ``record_shadow`` gives the same
classifier inputs (``classifier.line_records``, as served) to the model with the ``challenger`` alias
and keeps both labels per line under ``retrain/shadow/{analysis_id}-v{version}.json``. Nothing the
workbench or the API reads points there. Without a challenger it does nothing.
"""

from __future__ import annotations

import logging
import threading

from cyclops.extract.classifier import line_records, predict
from cyclops.fieldmodel.registry import MODEL_NAME, load_registered, served_version
from cyclops.model.analysis import Analysis

log = logging.getLogger(__name__)
CHALLENGER = "challenger"
PREFIX = "retrain/shadow"
_cache: dict[str, object] = {}
_lock = threading.Lock()


def shadow_predictions(analysis: Analysis, model, model_label: str) -> dict:
    """Per line: the label served (champion) and the challenger's label with its probability."""
    records = line_records(analysis)
    indices = sorted(records)
    predicted = predict(model, [records[i]["input"] for i in indices])
    lines = [{"line": i, "champion": analysis.lines[i].label, "challenger": label, "probability": round(prob, 4)}
             for i, (label, prob) in zip(indices, predicted)]
    return {"analysis_id": analysis.analysis_id, "champion": analysis.versions.get("field_classifier"),
            "challenger": model_label, "lines": lines,
            "agreement": round(sum(x["champion"] == x["challenger"] for x in lines) / len(lines), 4) if lines else None}


def _challenger(tracking_uri: str | None):
    """(model, label) of the challenger, loaded once per version; None without one."""
    version = served_version(CHALLENGER, tracking_uri)
    if version is None:
        return None
    with _lock:
        if version not in _cache:
            _cache.clear()
            _cache[version] = load_registered(version, tracking_uri)
        return _cache[version], f"{MODEL_NAME}/{version}"


def record_shadow(analysis: Analysis, store, tracking_uri: str | None = None) -> str | None:
    """Store the challenger's predictions for a served analysis in ``store`` (the caller's: this layer opens none);
    returns the key, or None (no challenger, or failed). Never raises: the shadow must not cost an analyst an analysis.
    """
    try:
        found = _challenger(tracking_uri)
        if found is None or not analysis.analysis_id:
            return None
        model, label = found
        record = shadow_predictions(analysis, model, label)
        key = f"{PREFIX}/{analysis.analysis_id}-v{label.rsplit('/', 1)[-1]}.json"
        store.put_json(key, record)
        return key
    except Exception as exc:  # noqa: BLE001 - shadow work is best effort by design
        log.warning("shadow prediction of %s failed: %s", analysis.analysis_id, exc)
        return None
