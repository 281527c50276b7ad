"""Champion and challenger in the MLflow registry: aliases, the recorded reasons, rollback.

A candidate that passes the gate gets the ``challenger`` alias and is run in shadow
(``cyclops.fieldmodel.shadow``); it takes ``production`` only when, on corrections made after it was
registered, it beats the champion and holds the fixed benchmark (``judge.judge_challenger``). Every
decision is written on the model version twice: tags an operator can filter on (``stage``,
``promotion``, ``promotion_reasons``, ``previous_production``) and a description in words that the
MLflow UI shows. ``rollback`` points ``production`` back at the version it replaced.
"""

from __future__ import annotations

from datetime import UTC, datetime

from cyclops.fieldmodel.registry import MODEL_NAME, load_registered, load_served_model
from cyclops.retrain.dataset import collect_reviewed, rows_from_reviewed
from cyclops.retrain.judge import GateSettings, Verdict, judge_challenger

CHALLENGER = "challenger"
PRODUCTION = "production"
#: ``previous_production`` of a version that replaced the packaged model (no alias before it)
PACKAGED = "packaged"


class RollbackError(RuntimeError):
    """Nothing to roll back to (no alias, or the version does not say what it replaced)."""


def _client():
    import mlflow

    return mlflow.MlflowClient()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def alias_version(alias: str) -> str | None:
    """The version an alias points at, or None."""
    try:
        return str(_client().get_model_version_by_alias(MODEL_NAME, alias).version)
    except Exception:  # noqa: BLE001 - MLflow raises a bare MlflowException for a missing alias or model
        return None


def _note(version: str, tags: dict[str, str], line: str) -> None:
    """Tags on the model version and one more line in its description (the registry's history in words)."""
    client = _client()
    for key, value in tags.items():
        client.set_model_version_tag(MODEL_NAME, version, key, str(value)[:4900])
    old = client.get_model_version(MODEL_NAME, version).description or ""
    client.update_model_version(MODEL_NAME, version, description=(old + "\n" if old else "") + f"{_now()}: {line}")


def make_challenger(version: str, verdict: Verdict) -> dict:
    """Give a gated candidate the ``challenger`` alias (replacing any earlier challenger, which is refused)."""
    earlier = alias_version(CHALLENGER)
    if earlier and earlier != version:
        _note(earlier, {"stage": "retired", "promotion": "refused"}, f"challenger retired: version {version} replaced it")
    _client().set_registered_model_alias(MODEL_NAME, CHALLENGER, version)
    reasons = "; ".join(verdict.reasons)
    _note(version, {"stage": CHALLENGER, "gate": "passed", "gate_reasons": reasons, "challenger_since": _now()},
          f"challenger: passed the gate ({reasons})")
    return {"outcome": CHALLENGER, "version": version, "reasons": verdict.reasons, "replaced_challenger": earlier}


def refuse_candidate(version: str, verdict: Verdict) -> dict:
    """Record why a candidate did not pass the gate; no alias moves."""
    reasons = "; ".join(verdict.reasons)
    _note(version, {"stage": "refused", "promotion": "refused", "promotion_reasons": reasons},
          f"refused at the gate: {reasons}")
    return {"outcome": "refused", "version": version, "reasons": verdict.reasons}


def registered_at(version: str) -> str:
    """When the version was registered (ISO, UTC): corrections from then on are fresh for it."""
    ms = _client().get_model_version(MODEL_NAME, version).creation_timestamp
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="seconds")


def fresh_examples(version: str, *, store=None, catalog=None) -> list:
    """Lines analysts reviewed after the version was registered (``dataset.REVIEW_RULE``), as examples."""
    return [r.example for r in rows_from_reviewed(collect_reviewed(registered_at(version), store=store, catalog=catalog))]


def decide_challenger(*, bench: list, fresh: list | None = None, settings: GateSettings | None = None,
                      store=None, catalog=None) -> dict:
    """Promote, refuse or keep waiting on the challenger; returns the record (``outcome``, ``reasons``, figures).

    The champion is the model ``production`` serves (the packaged one when no alias is set).
    """
    version = alias_version(CHALLENGER)
    if version is None:
        return {"outcome": "no_challenger", "reasons": ["no model has the challenger alias"]}
    champion, champion_label = load_served_model(PRODUCTION)
    challenger = load_registered(version)
    fresh = fresh_examples(version, store=store, catalog=catalog) if fresh is None else fresh
    verdict = judge_challenger(champion, challenger, fresh=fresh, bench=bench, settings=settings)
    record = {"version": version, "champion": champion_label, "reasons": verdict.reasons, "scores": verdict.scores,
              "decided_at": _now()}
    if verdict.waiting:
        _client().set_model_version_tag(MODEL_NAME, version, "challenger_status", verdict.reasons[0])
        return record | {"outcome": "waiting"}
    reasons = "; ".join(verdict.reasons)
    client = _client()
    client.delete_registered_model_alias(MODEL_NAME, CHALLENGER)
    if not verdict.passed:
        _note(version, {"stage": "refused", "promotion": "refused", "promotion_reasons": reasons},
              f"challenger refused against {champion_label}: {reasons}")
        return record | {"outcome": "refused"}
    previous = alias_version(PRODUCTION) or PACKAGED
    client.set_registered_model_alias(MODEL_NAME, PRODUCTION, version)
    _note(version, {"stage": PRODUCTION, "promotion": "promoted", "promotion_reasons": reasons,
                    "previous_production": previous}, f"promoted to production over {champion_label}: {reasons}")
    return record | {"outcome": "promoted", "previous_production": previous}


def rollback(reason: str = "rolled back by an operator") -> dict:
    """Point ``production`` back at the version the current one replaced (none: the packaged model serves)."""
    current = alias_version(PRODUCTION)
    if current is None:
        raise RollbackError("no model has the production alias: the packaged model is already served")
    previous = _client().get_model_version(MODEL_NAME, current).tags.get("previous_production")
    if not previous:
        raise RollbackError(f"version {current} does not record which version it replaced")
    client = _client()
    if previous == PACKAGED:
        client.delete_registered_model_alias(MODEL_NAME, PRODUCTION)
    else:
        client.set_registered_model_alias(MODEL_NAME, PRODUCTION, previous)
        _note(previous, {"stage": PRODUCTION}, f"production again: version {current} rolled back ({reason})")
    _note(current, {"stage": "rolled_back", "rolled_back_at": _now(), "rollback_reason": reason},
          f"rolled back to {previous}: {reason}")
    return {"outcome": "rolled_back", "from": current, "to": previous, "reason": reason}
