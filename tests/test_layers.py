"""The floors of the package hold: every import points down, no import cycle, every module has a floor.

The contracts live in pyproject.toml (``[tool.importlinter]``) and are checked by import-linter, the tool
``make``/CI would run as ``lint-imports``; the same check on a copy of the package with one bad import added
shows it fails when it should.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` on the ``cyclops`` package found under ``root``, with the contracts of ``root``/pyproject.toml."""
    env = {**os.environ, "PYTHONPATH": str(root)}  # before the editable install's finder: a copy is linted as itself
    return subprocess.run(
        [sys.executable, "-c", LINT, "--config", str(root / "pyproject.toml"), "--no-cache", "--no-logo"],
        cwd=root, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_every_import_points_down_and_nothing_imports_in_a_circle() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Floors: every import points down KEPT" in result.stdout
    assert "No import cycles between sibling modules KEPT" in result.stdout


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """The package's Python files and the contracts, in a folder of their own."""
    shutil.copytree(ROOT / "cyclops", tmp_path / "cyclops",
                    ignore=lambda folder, names: [n for n in names if not n.endswith(".py") and not (Path(folder) / n).is_dir()
                                                  or n == "__pycache__"])  # fmt: skip
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


@pytest.mark.parametrize(
    ("module", "added", "broken", "named"),
    [
        # the ground floor reaching up to the pipeline
        ("errors.py", "import cyclops.pipeline\n", "Floors: every import points down BROKEN", "cyclops.errors"),
        # the OCR floor reaching up to the service layer, from inside a function (imports there count too)
        ("ocr/cache.py", "def _late():\n    from cyclops.service import operations\n", "Floors: every import points down BROKEN",
         "cyclops.ocr.cache"),
        # two modules of one package importing each other (the old orient <-> ocr cycle, inside ocr/)
        ("ocr/boxes.py", "import cyclops.ocr.orient\n", "No import cycles between sibling modules BROKEN", ".orient -> .boxes"),
        # a new top-level module nobody gave a floor
        ("stray.py", "import cyclops.errors\n", "Floors: every import points down BROKEN", "cyclops.stray"),
    ],
)
def test_a_bad_import_in_a_copy_is_caught(copy: Path, module: str, added: str, broken: str, named: str) -> None:
    path = copy / "cyclops" / module
    path.write_text((path.read_text(encoding="utf-8") if path.exists() else "") + added, encoding="utf-8")
    result = lint_imports(copy)
    assert result.returncode == 1, result.stdout + result.stderr
    assert broken in result.stdout and named in result.stdout
