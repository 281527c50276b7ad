"""The project's promises to a new user: the two README commands, the CLI, the documented contracts."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
from typer.testing import CliRunner

from cyclops.cli import app
from cyclops.model.analysis import Analysis, Evidence, FieldValue, Flag

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))


def test_readme_opens_with_the_two_setup_commands():
    text = (ROOT / "README.md").read_text()
    first_block = re.search(r"```bash\n(.*?)```", text, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in first_block.splitlines() if line.strip()]
    assert commands == ["make demo", "make test"]
    assert text.index("make demo") < 200


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test\b", ci, re.M)
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^test: install", makefile, re.M) and re.search(r"^demo: sample", makefile, re.M)


def test_readme_settings_table_matches_settings():
    import importlib

    update_readme = importlib.import_module("update-readme")
    text = (ROOT / "README.md").read_text()
    assert update_readme.render(text) == text, "run scripts/update-readme.py"


def test_help_lists_every_command_with_a_description():
    result = CliRunner().invoke(app, ["--help"], terminal_width=200)
    assert result.exit_code == 0
    for command in ["analyze", "evaluate", "lnhpd", "synth", "serve", "catalog", "batch", "retrain", "demo", "demo-data", "schema", "settings"]:
        assert re.search(rf"│ {re.escape(command)}\s+\S", result.output), command


def test_checked_in_schema_is_current():
    from cyclops.cli.schema import SCHEMA_PATH, schema_text

    assert SCHEMA_PATH.read_text() == schema_text(), "run: cyclops schema --write"


def test_schema_validates_an_analysis_and_rejects_a_broken_one():
    schema = json.loads((ROOT / "schema" / "analysis.schema.json").read_text())
    analysis = Analysis()
    analysis.fields.npn = FieldValue(value="80012345", confidence=0.9, evidence=[Evidence(image="img0", polygon=[(0, 0), (1, 0), (1, 1)], text="NPN 80012345")])
    analysis.flags.append(Flag(code="NPN_NOT_FOUND", severity="high", message="m", message_fr="m"))
    document = json.loads(analysis.model_dump_json())
    jsonschema.validate(document, schema)
    document["flags"][0]["severity"] = "catastrophic"
    try:
        jsonschema.validate(document, schema)
    except jsonschema.ValidationError:
        pass
    else:
        raise AssertionError("an unknown severity must not validate")


def test_cyclops_console_script_runs():
    out = subprocess.run([sys.executable, "-m", "cyclops.cli", "settings"], capture_output=True, text=True, check=True)
    assert "CYCLOPS_DATA_DIR=" in out.stdout
