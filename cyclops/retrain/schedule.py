"""One scheduled retraining run that an operator can follow: what went in, what came out, how long it took.

Each run first decides on the challenger (promote, refuse or keep waiting), then counts the lines
analysts reviewed since the last run that used data. Too few: the run is recorded as ``skipped``
and nothing is trained. Otherwise ``cyclops retrain`` runs (screen, train, gate, challenger alias).
Every run writes ``retrain/runs/{started}.json`` (inputs: since, corrections since the last run,
dataset hash; outcome; seconds) and updates the tally ``status.STATUS_KEY`` that ``/metrics``
reads. A failed run is logged at ERROR with its cause, counted, and re-raised so the CronJob fails.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

from pydantic import BaseModel, Field

from cyclops.retrain.challenger import decide_challenger
from cyclops.retrain.dataset import collect_reviewed, rows_from_reviewed
from cyclops.retrain.runner import run_retrain
from cyclops.retrain.tracking import configure
from cyclops.retrain.train import benchmark_examples
from cyclops.service.retrain_runs import RUNS_PREFIX, STATUS_KEY, read_status
from cyclops.storage import open_store

log = logging.getLogger(__name__)
#: reviewed lines a run needs before it trains (a product gives about 25)
MIN_CORRECTIONS = 50


class RunRecord(BaseModel):
    started_at: str
    finished_at: str | None = None
    seconds: float = 0.0
    outcome: str = "failed"  # skipped | held | refused | challenger | promoted | failed (status.OUTCOMES)
    since: str | None = None  # corrections on or after this time were this run's input
    corrections_since_last: int = 0  # reviewed lines (training rows) since the last run that used data
    analyses_since_last: int = 0
    min_corrections: int = MIN_CORRECTIONS
    dataset_version: str | None = None
    dataset_sha256: str | None = None
    challenger: dict | None = None  # the challenger decision made at the start of the run
    reasons: list[str] = Field(default_factory=list)
    error: str | None = None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def count_corrections(since: str | None, *, store=None, catalog=None) -> tuple[int, int]:
    """(reviewed lines, analyses) since ``since``: what a run would train on."""
    reviewed = collect_reviewed(since, store=store, catalog=catalog)
    return len(rows_from_reviewed(reviewed)), len(reviewed)


def scheduled_run(*, min_corrections: int = MIN_CORRECTIONS, store=None, catalog=None,
                  retrain: Callable[[str | None], dict] | None = None,
                  decide: Callable[[], dict] | None = None) -> RunRecord:
    """Run once; returns the record (also stored). ``retrain(since)`` defaults to ``runner.run_retrain``,
    ``decide()`` to ``challenger.decide_challenger`` on the fixed benchmark."""
    store = store or open_store()
    status = read_status(store)
    record = RunRecord(started_at=_now(), since=status.get("next_since"), min_corrections=min_corrections)
    t0 = time.monotonic()
    try:
        record.challenger = (decide or _decide)()
        record.corrections_since_last, record.analyses_since_last = count_corrections(record.since, store=store, catalog=catalog)
        if record.corrections_since_last < min_corrections:
            record.outcome = "skipped"
            record.reasons = [(f"{record.corrections_since_last} reviewed lines since {record.since or 'the start'}; "
                               f"{min_corrections} needed")]
        else:
            result = (retrain or _retrain)(record.since)
            record.outcome = result.get("outcome") or ("promoted" if result.get("promoted") else "refused")
            record.reasons = list(result.get("reasons", []))
            record.dataset_version, record.dataset_sha256 = result.get("dataset_version"), result.get("dataset_sha256")
    except Exception as exc:
        record.outcome, record.error = "failed", f"{type(exc).__name__}: {exc}"[:2000]
        log.exception("scheduled retraining run failed: %s", record.error)
        raise
    finally:
        record.finished_at, record.seconds = _now(), round(time.monotonic() - t0, 3)
        _keep(store, status, record)
        log.info("retraining run %s: %s in %.1f s (%d reviewed lines since %s)", record.started_at, record.outcome,
                 record.seconds, record.corrections_since_last, record.since or "the start")
    return record


def _keep(store, status: dict, record: RunRecord) -> None:
    """The run's own record and the tally; a run that used data moves the window on (a held batch does not)."""
    store.put_json(f"{RUNS_PREFIX}/{record.started_at.replace(':', '')}.json", record.model_dump())
    runs = dict(status.get("runs", {}))
    runs[record.outcome] = runs.get(record.outcome, 0) + 1
    status = dict(status) | {"runs": runs, "last": record.model_dump()}
    if record.outcome == "failed":
        status["last_failure"] = record.model_dump()
    if record.outcome in ("refused", "challenger", "promoted"):
        status["next_since"] = record.started_at
    store.put_json(STATUS_KEY, status)


def _decide() -> dict:
    configure()
    return decide_challenger(bench=benchmark_examples())


def _retrain(since: str | None) -> dict:
    return run_retrain(since=since, packaged_base=True, progress=False)
