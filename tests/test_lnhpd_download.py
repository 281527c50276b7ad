"""`cyclops lnhpd download` and `refresh` against a local HTTP server in the API's documented form."""

from __future__ import annotations

import json
from datetime import date

import pytest
from typer.testing import CliRunner

from cyclops.cli import app
from cyclops.lnhpd.database import open_database
from cyclops.lnhpd.download import STATE_FILE, DownloadError, download
from cyclops.lnhpd.importer import import_paths
from cyclops.lnhpd.refresh import last_refresh, refresh
from cyclops.lnhpd.sample import generate, write_api_json
from tests.lnhpd_api_server import FakeLNHPD

FAST = {"delay": 0.0, "backoff": 0.001}


@pytest.fixture(scope="module")
def pairs():
    return generate(60, 3)


def _records(db, lnhpd_id):
    en = db.get_by_id(lnhpd_id, "en")
    return [i.ingredient_name for i in en.medicinal_ingredients], [p.purpose for p in en.purposes], [r.risk_text for r in en.risks]


def test_download_pages_through_every_endpoint_and_imports_like_the_files(tmp_path, pairs):
    with FakeLNHPD(pairs, page_size=25) as api:
        api.fail_once.add(api.key("medicinalingredient", "fr", page=2))
        report = download(tmp_path / "dl", base_url=api.base_url, **FAST)
    assert api.requests[api.key("medicinalingredient", "fr", page=2)] == 2  # failed once, retried
    assert report.retries == 1
    assert report.endpoints["productlicence"] == 2 * len(pairs)  # both languages
    pages = sorted(p.name for p in (tmp_path / "dl").glob("medicinalingredient-en-page*.json"))
    assert len(pages) > 2  # it followed the pagination, not just page 1
    assert not list((tmp_path / "dl").glob("*.part"))

    import_paths([tmp_path / "dl"], tmp_path / "downloaded.sqlite")
    write_api_json(pairs, tmp_path / "files")
    import_paths([tmp_path / "files"], tmp_path / "from_files.sqlite")
    with open_database(tmp_path / "downloaded.sqlite") as got, open_database(tmp_path / "from_files.sqlite") as want:
        assert got.count() == want.count() == len(pairs)
        for en, _fr in pairs[::7]:
            lnhpd_id = en.licence.lnhpd_id
            assert _records(got, lnhpd_id) == _records(want, lnhpd_id)
            assert got.get_by_id(lnhpd_id, "fr").licence.product_name == _fr.licence.product_name


def test_a_page_that_keeps_failing_stops_the_download_and_a_rerun_resumes_after_the_last_good_page(tmp_path, pairs):
    broken = FakeLNHPD.key("productrisk", "en", page=3)
    with FakeLNHPD(pairs, page_size=25) as api:
        api.fail_always.add(broken)
        with pytest.raises(DownloadError, match="503"):
            download(tmp_path / "dl", base_url=api.base_url, retries=2, **FAST)
        assert api.requests[broken] == 3  # one try and two retries
        state = json.loads((tmp_path / "dl" / STATE_FILE).read_text())
        assert state["pages"]["productrisk-en"] == 2 and not state["finished"]

        api.fail_always.clear()
        before = api.requests.copy()
        report = download(tmp_path / "dl", base_url=api.base_url, **FAST)
        asked_again = api.requests - before
    assert report.skipped >= 1  # endpoints finished before the failure were not downloaded again
    assert asked_again[api.key("productlicence", "en")] == 0
    assert asked_again[api.key("productrisk", "en", page=2)] == 0  # pages already written were not asked again
    assert asked_again[broken] == 1
    assert json.loads((tmp_path / "dl" / STATE_FILE).read_text())["finished"]


def test_a_request_refused_for_good_is_not_retried(tmp_path, pairs):
    with FakeLNHPD(pairs) as api:
        with pytest.raises(DownloadError, match="HTTP 404"):
            download(tmp_path / "dl", base_url=api.base_url.replace("natural-licences", "nowhere"), **FAST)
        assert sum(api.requests.values()) == 1


def test_since_fetches_only_licences_licensed_or_revised_since_that_day(tmp_path, pairs):
    since = date(2020, 1, 1)
    changed = {en.licence.lnhpd_id for en, _ in pairs
               if max(en.licence.licence_date, en.licence.revised_date or "") >= since.isoformat()}
    assert 0 < len(changed) < len(pairs)
    with FakeLNHPD(pairs) as api:
        report = download(tmp_path / "dl", since=since, base_url=api.base_url, **FAST)
    assert report.changed_licences == len(changed)
    asked = {int(k.split("id=")[1]) for k in api.requests if "id=" in k}
    assert asked == changed
    assert not any("page=" in k for k in api.requests)  # no full listing of the detail endpoints


def test_refresh_builds_then_updates_the_database_a_running_handle_reads(tmp_path, pairs):
    db_path = tmp_path / "lnhpd.sqlite"
    later = [(en.model_copy(deep=True), fr.model_copy(deep=True)) for en, fr in pairs]
    first = later[:40]
    with FakeLNHPD(first) as api:
        report = refresh(db_path, tmp_path / "work", today=date(2026, 11, 1), base_url=api.base_url, **FAST)
    assert report.since is None and report.imported.licences == 40
    assert last_refresh(db_path) == date(2026, 11, 1)
    assert not list((tmp_path / "work").iterdir())  # the download folder is removed after the import

    handle = open_database(db_path)  # as mapi holds it
    new_id = pairs[45][0].licence.lnhpd_id
    assert handle.get_by_id(new_id) is None
    for en, fr in later[40:]:  # new licences carry a recent date, as the API's would
        for bundle in (en, fr):
            bundle.licence.licence_date = "2026-11-03"
    revised = sum(max(en.licence.licence_date, en.licence.revised_date or "") >= "2026-11-01" for en, _ in first)
    with FakeLNHPD(later) as api:
        report = refresh(db_path, tmp_path / "work", today=date(2026, 11, 8), base_url=api.base_url, **FAST)
    assert report.since == date(2026, 11, 1)
    assert report.download.changed_licences == 20 + revised
    assert handle.get_by_id(new_id).licence.product_name == pairs[45][0].licence.product_name
    assert handle.count() == 60 and handle.reopened == 1
    assert last_refresh(db_path) == date(2026, 11, 8)


def test_cli_download_then_import(tmp_path, pairs):
    runner = CliRunner()
    with FakeLNHPD(pairs[:10]) as api:
        result = runner.invoke(app, ["lnhpd", "download", str(tmp_path / "dl"), "--api", api.base_url, "--delay", "0"])
        assert result.exit_code == 0, result.output
        bad = runner.invoke(app, ["lnhpd", "download", str(tmp_path / "dl2"), "--since", "last week"])
    assert "Now: cyclops lnhpd import" in result.output
    assert bad.exit_code == 1 and "--since must be a date" in bad.output
    result = runner.invoke(app, ["lnhpd", "import", str(tmp_path / "dl"), "--db", str(tmp_path / "db.sqlite")])
    assert result.exit_code == 0, result.output
    assert "10 licences" in result.output
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".db.sqlite")] == []  # no building copy left


def test_cli_refresh_builds_the_database_then_reports_a_failed_run_and_keeps_it(tmp_path, pairs):
    runner = CliRunner()
    db_path = tmp_path / "lnhpd.sqlite"
    args = ["lnhpd", "refresh", "--work", str(tmp_path / "work"), "--db", str(db_path), "--delay", "0", "--retries", "0"]
    with FakeLNHPD(pairs[:12]) as api:
        result = runner.invoke(app, [*args, "--api", api.base_url])
        assert result.exit_code == 0, result.output
        assert "full download" in result.output and "12 licences" in result.output
        api.fail_always.add(api.key("productlicence", "en"))
        failed = runner.invoke(app, [*args, "--api", api.base_url])
    assert failed.exit_code == 1 and "database unchanged" in failed.output
    with open_database(db_path) as db:
        assert db.count() == 12
