"""A long-lived database handle (mapi holds one per worker) follows the file replaced by a refresh."""

from __future__ import annotations

import os
import threading

from cyclops.lnhpd.database import open_database
from cyclops.lnhpd.rebuild import import_atomically
from cyclops.lnhpd.sample import generate, write_api_json


def _build(pairs, folder, db_path, fresh=True):
    write_api_json(pairs, folder)
    return import_atomically([folder], db_path, fresh=fresh)


def test_a_handle_in_use_reads_the_database_that_replaced_its_file(tmp_path):
    old, new = generate(30, 11), generate(30, 12)
    db_path = tmp_path / "lnhpd.sqlite"
    _build(old, tmp_path / "old", db_path)
    handle = open_database(db_path)
    old_name, new_name = old[0][0].licence.product_name, new[0][0].licence.product_name
    assert handle.search(old_name)[0].product_name == old_name
    old_words = set(handle.vocabulary("en"))

    errors = []

    def keep_searching(stop):
        while not stop.is_set():
            try:
                handle.search("vitamin")
            except Exception as exc:  # any failure while the file is swapped is a bug
                errors.append(exc)
                return

    stop = threading.Event()
    reader = threading.Thread(target=keep_searching, args=(stop,))
    reader.start()
    _build(new, tmp_path / "new", db_path)  # a fresh database renamed over the one in use
    stop.set()
    reader.join()

    assert errors == []
    assert handle.get(new[0][0].licence.licence_number).licence.product_name == new_name
    assert handle.reopened == 1
    assert handle.get(old[0][0].licence.licence_number) is None
    assert handle.count() == 30
    assert set(handle.vocabulary("en")) != old_words  # the word list of the new licences, not a stale cache


def test_a_file_that_is_not_a_database_does_not_replace_the_one_open(tmp_path):
    pairs = generate(10, 13)
    db_path = tmp_path / "lnhpd.sqlite"
    _build(pairs, tmp_path / "api", db_path)
    handle = open_database(db_path)
    junk = tmp_path / "junk"
    junk.write_bytes(b"not a database at all" * 100)
    os.replace(junk, db_path)
    assert handle.count() == 10 and handle.reopened == 0


def test_import_in_place_of_an_existing_database_keeps_its_licences(tmp_path):
    first, more = generate(10, 14), generate(5, 15)
    db_path = tmp_path / "lnhpd.sqlite"
    _build(first, tmp_path / "a", db_path)
    report = _build(more, tmp_path / "b", db_path, fresh=False)
    assert report.licences == 15
    assert [p.name for p in tmp_path.iterdir() if "building" in p.name] == []
