"""Import into a copy of the database and rename it into place, so readers never see a half-built file.

mapi's workers keep the reference database open for their whole life; an import written into that
file in place would hold a write lock for minutes at 150,000 licences and leave readers between two
states. Building beside it and renaming is atomic on one filesystem, and ``LicenceDB`` reopens when
the file at its path is a new one.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from cyclops.lnhpd.importer import ImportReport, import_paths
from cyclops.lnhpd.schema import set_meta


def _copy(source: Path, target: Path) -> None:
    """A consistent copy through SQLite's backup API (safe while others read ``source``)."""
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def import_atomically(paths: list[Path], db_path: Path, lang: str | None = None, fresh: bool = False,
                      meta: dict[str, str] | None = None) -> ImportReport:
    """Import ``paths`` into a copy of ``db_path`` (an empty one when ``fresh`` or none exists), then rename it over.

    ``meta`` facts are recorded in the copy before the rename. On any failure the copy is removed
    and ``db_path`` is untouched.
    """
    db_path.parent.mkdir(parents=True, exist_ok=True)
    building = db_path.with_name(f".{db_path.name}.building-{os.getpid()}")
    building.unlink(missing_ok=True)
    try:
        if db_path.is_file() and not fresh:
            _copy(db_path, building)
        report = import_paths(paths, building, lang=lang)
        for key, value in (meta or {}).items():
            set_meta(building, key, value)
        os.replace(building, db_path)
    finally:
        building.unlink(missing_ok=True)
    return report
