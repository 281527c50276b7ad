"""The candidate stage of search: word-index queries, strictest first, and databases built before the word index."""

from __future__ import annotations

import sqlite3

from cyclops.lnhpd.candidates import WordIndex, company_filter, ingredient_filter, text_queries
from cyclops.lnhpd.database import open_database
from cyclops.lnhpd.importer import import_paths
from cyclops.lnhpd.sample import generate, write_api_json

TEXTS = ["quillby glucosamine msm", "quillby glucosamine et msm", "ostrava glucosamine", "ostrava sunshine drops"]


def test_all_words_first_then_pairs_then_each_word_and_unknown_words_are_left_out():
    index = WordIndex(TEXTS)
    queries = [q for q, _bound in text_queries("quillby glucosamine zzqx", index)]
    assert queries[0] == '("quillby") AND ("glucosamine")'  # zzqx: no such word, nothing close
    assert queries[1:] == ['("quillby")', '("glucosamine")']  # rarest first
    assert next(text_queries("glucosami", index))[0] == '("glucosami"* OR "glucosamine")'  # cut off: a prefix too
    bounds = [b for _q, b in text_queries("quillby glucosamine", index)]
    assert bounds == [2, 2, 3]


def test_a_misread_word_is_searched_with_the_database_words_close_to_it():
    index = WordIndex(TEXTS)
    assert index.alternatives("glucosamime")[:2] == ["glucosamime", "glucosamine"]
    assert company_filter("ostrava health ltd", index) == '{company} : ("ostrava")'  # words it has, the rarest
    assert ingredient_filter(["glucosamine sulfate", "glucosamine"], index) == '{ingredients} : "glucosamine"'


def test_a_database_built_before_the_word_index_is_searched_through_one_built_in_memory(tmp_path):
    pairs = generate(40, 21)
    write_api_json(pairs, tmp_path / "api")
    db_path = tmp_path / "old.sqlite"
    import_paths([tmp_path / "api"], db_path)
    with sqlite3.connect(db_path) as conn:
        conn.execute("DROP TABLE search_words")
    name = pairs[5][0].licence.product_name
    with open_database(db_path) as db:
        assert db.search(name)[0].product_name == name
    with sqlite3.connect(db_path) as conn:  # the file itself is left as it was
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'search_words'").fetchone() == (0,)
