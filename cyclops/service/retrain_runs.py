"""Where scheduled retraining runs leave their tally, and a Prometheus collector that reads it.

``schedule`` writes ``retrain/runs/status.json`` after every run; mapi's ``/metrics`` registers
``RunsCollector`` so each scrape reads the tally from the store (any replica answers the same, and a
failed run stays visible after mapi restarts). Imports nothing else of Cyclops, so mapi may use it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

STATUS_KEY = "retrain/runs/status.json"
RUNS_PREFIX = "retrain/runs"
OUTCOMES = ("skipped", "held", "refused", "challenger", "promoted", "failed")


def read_status(store) -> dict:
    """The tally (``runs`` by outcome, ``last``, ``last_failure``...), or an empty one before the first run."""
    try:
        return store.get_json(STATUS_KEY)
    except Exception:  # noqa: BLE001 - no run yet (NotFound), or the store unreachable: report no runs
        return {"runs": {}}


class RunsCollector:
    """``cyclops_retrain_runs_total{outcome}``, ``cyclops_retrain_last_run_timestamp_seconds``,
    ``cyclops_retrain_last_failure_timestamp_seconds`` and ``cyclops_retrain_last_run_seconds``, read at scrape time."""

    def __init__(self, open_store: Callable[[], object]) -> None:
        self.open_store = open_store

    def collect(self) -> Iterator[object]:
        from datetime import datetime

        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

        status = read_status(self.open_store())
        runs = CounterMetricFamily("cyclops_retrain_runs", "Scheduled retraining runs by outcome (failed: alert).",
                                   labels=["outcome"])
        for outcome in OUTCOMES:
            runs.add_metric([outcome], float(status.get("runs", {}).get(outcome, 0)))
        yield runs
        last = status.get("last") or {}
        for name, value, doc in (
            ("cyclops_retrain_last_run_timestamp_seconds", last.get("finished_at"), "When the last scheduled run ended."),
            ("cyclops_retrain_last_failure_timestamp_seconds", (status.get("last_failure") or {}).get("finished_at"),
             "When a scheduled run last failed."),
        ):
            if value:
                yield GaugeMetricFamily(name, doc, value=datetime.fromisoformat(value).timestamp())
        if "seconds" in last:
            yield GaugeMetricFamily("cyclops_retrain_last_run_seconds", "How long the last scheduled run took.",
                                    value=float(last["seconds"]))
