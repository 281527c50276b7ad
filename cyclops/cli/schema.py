"""``cyclops schema``: the JSON Schema of the public analysis contract.

The checked-in ``schema/analysis.schema.json`` is generated from the pydantic
model, and a test fails when the two differ, so the documented contract can't
drift from the code.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from cyclops.model.analysis import SCHEMA_VERSION, Analysis

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schema" / "analysis.schema.json"


def analysis_schema() -> dict:
    schema = Analysis.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://cyclops.example/schema/analysis-v{SCHEMA_VERSION}.json"
    schema["title"] = f"Cyclops analysis (schema version {SCHEMA_VERSION})"
    return schema


def schema_text() -> str:
    return json.dumps(analysis_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def register(app: typer.Typer) -> None:
    @app.command("schema")
    def schema_command(write: bool = typer.Option(False, "--write", help="Rewrite schema/analysis.schema.json.")) -> None:
        """Print (or --write) the JSON Schema of the analysis JSON."""
        if write:
            SCHEMA_PATH.parent.mkdir(parents=True, exist_ok=True)
            SCHEMA_PATH.write_text(schema_text(), encoding="utf-8")
            typer.echo(f"wrote {SCHEMA_PATH}")
        else:
            typer.echo(schema_text(), nl=False)
