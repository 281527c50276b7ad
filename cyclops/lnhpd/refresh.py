"""Keep the local LNHPD current: download what changed since the last refresh and swap in the new database.

One command for the weekly job: the database remembers the day of its last refresh (meta
``refreshed_on``); with none, everything is downloaded and a new database built, else only the licences
licensed or revised since then, upserted into a copy. The download folder is named by both days, so a
job that fails and is retried the same day resumes its download instead of starting over.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from cyclops.lnhpd.database import LicenceDBMissing, open_database
from cyclops.lnhpd.download import DownloadReport, download
from cyclops.lnhpd.importer import ImportReport
from cyclops.lnhpd.rebuild import import_atomically

REFRESHED_META = "refreshed_on"


@dataclass
class RefreshReport:
    since: date | None
    download: DownloadReport
    imported: ImportReport


def last_refresh(db_path: Path) -> date | None:
    """The day the database was last refreshed from the API (None: never, or no database)."""
    try:
        with open_database(db_path) as db:
            value = db.meta(REFRESHED_META)
    except LicenceDBMissing:
        return None
    return date.fromisoformat(value) if value else None


def refresh(db_path: Path, work_dir: Path, *, today: date | None = None, full: bool = False, **download_options: Any) -> RefreshReport:
    """Download (all, or what changed since the last refresh) into ``work_dir`` and rebuild ``db_path`` atomically."""
    today = today or date.today()
    since = None if full else last_refresh(db_path)
    folder = work_dir / (f"since-{since}-{today}" if since else f"full-{today}")
    fetched = download(folder, since=since, **download_options)
    imported = import_atomically([folder], db_path, fresh=since is None, meta={REFRESHED_META: today.isoformat()})
    shutil.rmtree(folder)
    return RefreshReport(since=since, download=fetched, imported=imported)
