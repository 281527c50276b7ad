"""``cyclops retrain``: the retraining loop from the command line.

Each command imports what it needs when it runs: ``cyclops`` imports every command module to list its
commands, and that must not load the retraining loop (sklearn, MLflow, papermill).
"""

from __future__ import annotations

import json
from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    @app.command("retrain")
    def retrain_command(
        since: str = typer.Option(None, "--since", help="Only corrections made on or after this date (YYYY-MM-DD)."),
        tracking_uri: str = typer.Option(None, "--tracking-uri", help="MLflow tracking URI (default: CYCLOPS_MLFLOW_URI or the local store)."),
        min_gain: float = typer.Option(0.01, "--min-gain", help="Macro-F1 gain required to promote."),
        max_label_drop: float = typer.Option(0.02, "--max-label-drop", help="Largest F1 loss allowed on any label."),
        synthetic_n: int = typer.Option(60, "--synthetic-n", help="Synthetic base products joined with the corrections."),
        bench_n: int = typer.Option(8, "--bench-n", help="Products of the fixed synthetic benchmark (seed 9998)."),
        max_bench_drop: float = typer.Option(0.02, "--max-bench-drop", help="Largest line-accuracy loss allowed on the fixed benchmark."),
        packaged_base: bool = typer.Option(True, "--packaged-base/--no-packaged-base", help="Also train on the packaged model's own training lines."),
        workdir: str = typer.Option(None, "--workdir", help="Folder for the executed notebooks and promotion.json (default: a temp folder)."),
    ) -> None:
        """Build a dataset from analysts' corrections, screen it, train, and make the model the challenger if it passes the gate."""
        from cyclops.retrain.dataset import DatasetError
        from cyclops.retrain.runner import run_retrain

        try:
            record = run_retrain(since=since, tracking_uri=tracking_uri, min_gain=min_gain,
                                 max_label_drop=max_label_drop, synthetic_n=synthetic_n, bench_n=bench_n,
                                 max_bench_drop=max_bench_drop, workdir=Path(workdir) if workdir else None,
                                 packaged_base=packaged_base)
        except DatasetError as exc:
            raise typer.BadParameter(str(exc), param_hint="--since") from None
        typer.echo(json.dumps(record, indent=1))
        if record.get("outcome") != "challenger":
            typer.echo(f"candidate {record.get('outcome', 'refused')}: " + "; ".join(record.get("reasons", [])), err=True)

    @app.command("retrain-rollback")
    def rollback_command(
        reason: str = typer.Option("rolled back by an operator", "--reason", help="Recorded on both model versions."),
        tracking_uri: str = typer.Option(None, "--tracking-uri", help="MLflow tracking URI (default: CYCLOPS_MLFLOW_URI or the local store)."),
    ) -> None:
        """Point the production alias back at the model the current one replaced (the packaged model if none)."""
        from cyclops.retrain.challenger import RollbackError, rollback
        from cyclops.retrain.tracking import configure

        configure(tracking_uri)
        try:
            typer.echo(json.dumps(rollback(reason), indent=1))
        except RollbackError as exc:
            typer.echo(f"nothing rolled back: {exc}", err=True)
            raise typer.Exit(1) from None

    @app.command("retrain-scheduled")
    def scheduled_command(
        min_corrections: int = typer.Option(50, "--min-corrections", help="Reviewed lines since the last run needed to train."),
    ) -> None:
        """One scheduled run: decide on the challenger, then retrain if enough was reviewed; recorded either way."""
        from cyclops.retrain.schedule import scheduled_run

        typer.echo(scheduled_run(min_corrections=min_corrections).model_dump_json(indent=1))
