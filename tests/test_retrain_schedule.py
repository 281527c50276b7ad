"""Scheduled runs leave a record an operator can read: skipped when too little was reviewed, failures counted.

The failure is a real one: the real runner (papermill, notebook 01) given no corrections and no base set.
"""

from __future__ import annotations

import logging

import pytest


def test_too_little_new_data_is_a_recorded_skip() -> None:
    from cyclops.retrain.schedule import scheduled_run
    from cyclops.service.retrain_runs import STATUS_KEY, read_status
    from cyclops.storage import open_store

    store = open_store()
    assert read_status(store) == {"runs": {}}
    record = scheduled_run(min_corrections=50, decide=lambda: {"outcome": "no_challenger"})
    assert record.outcome == "skipped" and record.corrections_since_last == 0
    assert "0 reviewed lines since the start; 50 needed" in record.reasons[0]
    assert record.finished_at and record.seconds >= 0 and record.challenger == {"outcome": "no_challenger"}
    status = store.get_json(STATUS_KEY)
    assert status["runs"] == {"skipped": 1} and status["last"]["outcome"] == "skipped"
    assert "next_since" not in status  # a skip consumes nothing: the next run counts from the same point
    runs = [name for name in store.list("retrain/runs") if name != "status.json"]
    assert len(runs) == 1 and store.get_json(f"retrain/runs/{runs[0]}")["outcome"] == "skipped"


def test_a_failed_run_is_logged_counted_and_exposed_as_a_metric(caplog: pytest.LogCaptureFixture) -> None:
    from prometheus_client import CollectorRegistry, generate_latest

    from cyclops.retrain.runner import run_retrain
    from cyclops.retrain.schedule import scheduled_run
    from cyclops.service.retrain_runs import RunsCollector
    from cyclops.storage import open_store

    def retrain(since):  # the real loop, with nothing to train on
        return run_retrain(since=since, synthetic_n=0, packaged_base=False, progress=False)

    with caplog.at_level(logging.ERROR, logger="cyclops.retrain.schedule"), pytest.raises(Exception, match="nothing to train on"):
        scheduled_run(min_corrections=0, retrain=retrain, decide=lambda: {"outcome": "no_challenger"})
    assert any("scheduled retraining run failed" in r.getMessage() and "nothing to train on" in r.getMessage()
               for r in caplog.records)
    registry = CollectorRegistry()
    registry.register(RunsCollector(open_store))
    text = generate_latest(registry).decode()
    assert 'cyclops_retrain_runs_total{outcome="failed"} 1.0' in text
    assert 'cyclops_retrain_runs_total{outcome="promoted"} 0.0' in text
    assert "cyclops_retrain_last_failure_timestamp_seconds" in text
    status = open_store().get_json("retrain/runs/status.json")
    assert "nothing to train on" in status["last_failure"]["error"]
