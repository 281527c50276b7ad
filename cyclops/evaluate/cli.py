"""``cyclops evaluate``: accuracy and speed of the pipeline, on synthetic or real photos.

The command imports the runners when it runs: ``cyclops`` imports every command module to list its
commands, and that must not load the pipeline (sklearn, over a second).
"""

from __future__ import annotations

from pathlib import Path

import typer

from cyclops.evaluate.run import REPORT_SEED


def register(app: typer.Typer) -> None:
    @app.command("evaluate")
    def evaluate_command(
        n: int = typer.Option(300, "--n", help="Synthetic products to generate."),
        seed: int = typer.Option(REPORT_SEED, "--seed", help="Report seed (>= 1000; training uses seeds below; see docs/evaluate.md)."),
        engine: list[str] = typer.Option(["rapidocr"], "--engine", help="Engine(s) to compare; repeat the option."),
        violation_rate: float = typer.Option(0.3, "--violation-rate", help="Share of labels with an injected violation."),
        photos: Path = typer.Option(None, "--photos", help="Folder of real photos (with --truth)."),
        truth: Path = typer.Option(None, "--truth", help="Truth file for --photos (format: docs/evaluate.md)."),
        products: int = typer.Option(None, "--products", help="Real photos: only the first N products of the truth file."),
        params: Path = typer.Option(None, "--params", help="JSON or YAML file of threshold overrides, area -> field -> value "
                                    "(areas: extract, flags, match); results record the parameters in force."),
        out: Path = typer.Option(None, "--out", help="Where results.json, results.md and plots go "
                                 "(default: benchmarks/out/evaluate; with --photos: benchmarks/results/real)."),
    ) -> None:
        """Benchmark accuracy (NPN, licence, fields, flags, words) and speed; writes a table, JSON and plots."""
        from cyclops.evaluate.run import REAL_OUT, run_real, run_synthetic
        from cyclops.pipeline.parameters import Parameters
        from cyclops.settings import get_settings

        try:
            parameters = Parameters.load(params) if params else Parameters()
        except (OSError, ValueError) as exc:  # a JSON or YAML error is a ValueError
            raise typer.BadParameter(f"--params {params}: {exc}") from None

        if photos or truth:
            if not (photos and truth):
                raise typer.BadParameter("--photos and --truth go together")
            out = out or REAL_OUT
            run_real(photos, truth, engine, out, products, parameters)
        else:
            out = out or Path("benchmarks/out/evaluate")
            run_synthetic(n, seed, engine, out, get_settings().data_dir / "bench", violation_rate, parameters)
        typer.echo(f"results in {out} (parameters {parameters.fingerprint()})")
