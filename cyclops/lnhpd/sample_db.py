"""Build a reference database from the synthetic sample: one function for `lnhpd setup`, the demo and the benchmark."""

from __future__ import annotations

import tempfile
from pathlib import Path

from cyclops.lnhpd.database import LicenceDBMissing, open_database
from cyclops.lnhpd.importer import import_paths
from cyclops.lnhpd.sample import generate, write_api_json
from cyclops.lnhpd.schema import set_meta

SAMPLE_META = "sample"


def sample_tag(n: int, seed: int) -> str:
    return f"n={n};seed={seed}"


def holds_sample(path: Path, n: int, seed: int) -> bool:
    """True when ``path`` is a database already built from this sample."""
    if not path.is_file():
        return False
    try:
        with open_database(path) as existing:
            return existing.meta(SAMPLE_META) == sample_tag(n, seed)
    except LicenceDBMissing:
        return False


def build_sample_database(path: Path, n: int, seed: int) -> int:
    """Write the sample in the API's JSON form to a temporary folder and import it into ``path``; returns licences."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lnhpd-sample-") as tmp:
        report = import_paths(write_api_json(generate(n, seed), Path(tmp)), path)
    set_meta(path, SAMPLE_META, sample_tag(n, seed))
    return report.licences
