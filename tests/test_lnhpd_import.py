"""Importing LNHPD JSON (paginated and bare, English and French), all-or-nothing and idempotent; the synthetic sample."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cyclops.lnhpd.database import LicenceDBMissing, open_database
from cyclops.lnhpd.importer import LicenceImportError, import_paths
from cyclops.lnhpd.records import PAGINATED
from cyclops.lnhpd.sample import generate, write_api_json


@pytest.fixture()
def data_dir(tmp_path: Path, configure) -> Path:
    configure(data_dir=tmp_path / "data")
    return tmp_path / "data"


@pytest.fixture(scope="module")
def pairs():
    return generate(30, seed=3)


def _dump(db_path: Path) -> list[tuple]:
    conn = sqlite3.connect(db_path)
    try:
        return sorted(conn.execute("SELECT endpoint, language, lnhpd_id, rkey, seq, data FROM records").fetchall())
    finally:
        conn.close()


def test_import_paginated_and_bare_files_in_both_languages_round_trips_bundles(tmp_path, pairs):
    files = write_api_json(pairs, tmp_path / "api", page_size=7)
    report = import_paths([tmp_path / "api"], tmp_path / "db.sqlite")
    assert report.licences == 30
    assert {f.language for f in report.files} == {"en", "fr"}
    assert {f.endpoint for f in report.files} == {"productlicence", "medicinalingredient", "nonmedicinalingredient",
                                                  "productpurpose", "productrisk", "productdose", "productroute"}
    assert report.inserted == report.records > 0 and len(report.files) == len(files)
    with open_database(tmp_path / "db.sqlite") as db:
        assert db.count() == 30 and db.ids() == sorted(p[0].licence.lnhpd_id for p in pairs)
        for en, fr in pairs[:10]:
            assert db.get_by_id(en.licence.lnhpd_id, "en") == en
            assert db.get_by_id(fr.licence.lnhpd_id, "fr") == fr
            assert db.get(f"NPN {en.licence.licence_number[:4]}-{en.licence.licence_number[4:]}", "fr") == fr


def test_reimport_is_idempotent_and_updates_in_place(tmp_path, pairs):
    write_api_json(pairs, tmp_path / "api", page_size=7)
    db_path = tmp_path / "db.sqlite"
    first = import_paths([tmp_path / "api"], db_path)
    before = _dump(db_path)
    second = import_paths([tmp_path / "api"], db_path)
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, first.records)
    assert _dump(db_path) == before

    path = tmp_path / "api" / "productlicence-en.json"
    records = json.loads(path.read_text(encoding="utf-8"))
    records[0]["product_name"] = "Renamed Zzyzx Formula"
    path.write_text(json.dumps(records), encoding="utf-8")
    third = import_paths([path], db_path)
    assert (third.inserted, third.updated) == (0, 1)
    assert len(_dump(db_path)) == len(before)
    with open_database(db_path) as db:
        assert db.get_by_id(records[0]["lnhpd_id"], "en").licence.product_name == "Renamed Zzyzx Formula"
        assert db.search("zzyzx formula")[0].lnhpd_id == records[0]["lnhpd_id"]


def test_malformed_record_is_rejected_naming_file_record_and_field_and_nothing_is_imported(tmp_path, pairs):
    db_path = tmp_path / "db.sqlite"
    write_api_json(pairs[:10], tmp_path / "old")
    import_paths([tmp_path / "old"], db_path)
    before = _dump(db_path)

    write_api_json(pairs, tmp_path / "new")  # 20 new licences in valid files...
    bad = tmp_path / "new" / "productrisk-fr-page1.json"
    page = json.loads(bad.read_text(encoding="utf-8"))
    page["data"][4]["lnhpd_id"] = "not-a-number"  # ...and one bad record in a file read late
    bad.write_text(json.dumps(page, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(LicenceImportError) as error:
        import_paths([tmp_path / "new"], db_path)
    message = str(error.value)
    assert "productrisk-fr-page1.json" in message and "record 4" in message and "lnhpd_id" in message
    assert _dump(db_path) == before
    with open_database(db_path) as db:
        assert db.count() == 10


def test_invalid_json_and_unknown_language_are_clear_errors(tmp_path, pairs):
    broken = tmp_path / "productlicence-en.json"
    broken.write_text('[{"lnhpd_id": 1, "licence_number": "80000001",', encoding="utf-8")
    with pytest.raises(LicenceImportError, match=r"productlicence-en\.json: not valid JSON \(line 1"):
        import_paths([broken], tmp_path / "db.sqlite")
    assert not (tmp_path / "db.sqlite").exists()

    nameless = tmp_path / "download.json"
    nameless.write_text(json.dumps([pairs[0][1].licence.model_dump(mode="json")]), encoding="utf-8")
    with pytest.raises(LicenceImportError, match="language"):
        import_paths([nameless], tmp_path / "db.sqlite")
    with pytest.raises(LicenceImportError, match="no such file"):
        import_paths([tmp_path / "missing.json"], tmp_path / "db.sqlite")


def test_endpoint_from_record_keys_and_language_from_option_or_folder(tmp_path, pairs):
    en, fr = pairs[0]
    (tmp_path / "fr").mkdir()
    (tmp_path / "fr" / "download1.json").write_text(json.dumps([fr.licence.model_dump(mode="json")]), encoding="utf-8")
    (tmp_path / "download2.json").write_text(json.dumps([r.model_dump(mode="json") for r in en.purposes]), encoding="utf-8")
    (tmp_path / "lic.json").write_text(json.dumps(en.licence.model_dump(mode="json")), encoding="utf-8")  # a single object
    report = import_paths([tmp_path / "fr" / "download1.json", tmp_path / "download2.json", tmp_path / "lic.json"],
                          tmp_path / "db.sqlite", lang="en")
    assert [(f.endpoint, f.language) for f in report.files] == [
        ("productlicence", "fr"), ("productpurpose", "en"), ("productlicence", "en")]
    with open_database(tmp_path / "db.sqlite") as db:
        assert db.get_by_id(en.licence.lnhpd_id, "fr").licence.product_name == fr.licence.product_name
        assert db.get_by_id(en.licence.lnhpd_id, "en").purposes == en.purposes


def test_sample_is_deterministic_and_shaped_like_the_api(tmp_path):
    a = write_api_json(generate(60, seed=7), tmp_path / "a", page_size=20)
    b = write_api_json(generate(60, seed=7), tmp_path / "b", page_size=20)
    c = write_api_json(generate(60, seed=8), tmp_path / "c", page_size=20)
    assert [p.name for p in a] == [p.name for p in b]
    assert all(x.read_bytes() == y.read_bytes() for x, y in zip(a, b))
    assert (tmp_path / "a" / "productlicence-en.json").read_bytes() != (tmp_path / "c" / "productlicence-en.json").read_bytes()

    for endpoint in PAGINATED:
        pages = sorted((tmp_path / "a").glob(f"{endpoint}-en-page*.json"))
        assert len(pages) >= 2, endpoint
        first = json.loads(pages[0].read_text(encoding="utf-8"))
        pagination = first["metadata"]["pagination"]
        assert pagination["page"] == 1 and pagination["limit"] == 20 and pagination["previous"] is None
        assert "page=2" in pagination["next"] and len(first["data"]) == 20
        assert pagination["total"] == sum(len(json.loads(p.read_text(encoding="utf-8"))["data"]) for p in pages)
    licences = json.loads((tmp_path / "a" / "productlicence-fr.json").read_text(encoding="utf-8"))
    assert isinstance(licences, list) and len(licences) == 60
    numbers = [r["licence_number"] for r in licences]
    assert all(len(n) == 8 and n.isdigit() and n[0] in "89" for n in numbers) and len(set(numbers)) == 60
    assert any(n.startswith("9") for n in numbers)  # DIN-HM homeopathic
    assert sum(r["flag_product_status"] == 0 for r in licences) == 3  # 5% inactive


def test_sample_pairs_share_ids_and_carry_units_extracts_and_french_text():
    pairs = generate(400, seed=11)
    assert all(en.licence.lnhpd_id == fr.licence.lnhpd_id and en.language == "en" and fr.language == "fr" for en, fr in pairs)
    ingredients = [i for en, _ in pairs for i in en.medicinal_ingredients]
    units = {i.quantity_unit_of_measure for i in ingredients}
    assert {"mg", "IU", "CFU"} <= units and units & {"µg", "mcg"}
    assert any(i.ratio_numerator and i.dried_herb_equivalent for i in ingredients)
    assert any(i.potency_constituent and i.potency_unit_of_measure == "%" for i in ingredients)
    fr_purposes = {p.purpose for _, fr in pairs for p in fr.purposes}
    assert "Aide au développement et au maintien des os et des dents." in fr_purposes
    assert {fr.licence.dosage_form for _, fr in pairs} & {"Comprimé", "Capsule molle"}


def test_open_database_missing_says_how_to_build_it(data_dir):
    with pytest.raises(LicenceDBMissing, match="cyclops lnhpd setup"):
        open_database()
    assert str(data_dir / "lnhpd.sqlite") in str(pytest.raises(LicenceDBMissing, open_database).value)


def test_cli_sample_import_show_search_and_setup(tmp_path, data_dir):
    from cyclops.cli import app

    runner = CliRunner()
    out = tmp_path / "sample"
    result = runner.invoke(app, ["lnhpd", "sample", "--n", "25", "--seed", "5", "--out", str(out)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["lnhpd", "import", str(out)])
    assert result.exit_code == 0, result.output
    assert "25 licences" in result.output
    pairs = generate(25, seed=5)
    en, fr = pairs[0]
    result = runner.invoke(app, ["lnhpd", "show", en.licence.licence_number, "--lang", "fr", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["licence"]["product_name"] == fr.licence.product_name
    result = runner.invoke(app, ["lnhpd", "show", en.licence.licence_number])
    assert en.licence.product_name in result.output and en.medicinal_ingredients[0].ingredient_name in result.output
    result = runner.invoke(app, ["lnhpd", "search", en.licence.product_name, "--json", "--limit", "3"])
    assert result.exit_code == 0 and en.licence.licence_number in [h["licence_number"] for h in json.loads(result.output)]
    assert runner.invoke(app, ["lnhpd", "show", "12345678"]).exit_code == 1

    bad = tmp_path / "productlicence-en.json"
    bad.write_text('[{"lnhpd_id": 1}]', encoding="utf-8")
    result = runner.invoke(app, ["lnhpd", "import", str(bad)])
    assert result.exit_code == 1 and "licence_number" in result.output

    setup_db = tmp_path / "setup.sqlite"
    result = runner.invoke(app, ["lnhpd", "setup", "--n", "20", "--seed", "1", "--db", str(setup_db)])
    assert result.exit_code == 0 and "20 licences" in result.output, result.output
    result = runner.invoke(app, ["lnhpd", "setup", "--n", "20", "--seed", "1", "--db", str(setup_db)])
    assert result.exit_code == 0 and "nothing to do" in result.output
