"""SQLite FTS5 index: hostile query text never breaks it, BM25 ranks sensibly, upsert/delete keep it in sync."""

from __future__ import annotations

from pathlib import Path

import pytest

from graphs.common.kb.lexical import MAX_QUERY_TERMS, LexicalIndex, build_match_query, query_terms


@pytest.fixture
def index(tmp_path: Path):
    idx = LexicalIndex(tmp_path / "lex.sqlite")
    idx.upsert("fixes", [
        ("none-guard", "Guard against None before attribute access on a lookup result"),
        ("dict-get", "Use dict get with a default value to avoid KeyError on a missing key"),
        ("key-key", "KeyError KeyError: the key key key was missing from the mapping"),
        ("sql", "Pass SQL values as parameters; never format user text into the query"),
    ])
    idx.upsert("patterns", [("p1", "KeyError handling in a layered service")])
    yield idx
    idx.close()


@pytest.mark.parametrize("text", [
    'he said "hello',
    "KeyError AND OR NOT NEAR(a b)",
    "col:value ^start prefix* -minus +plus",
    "(((unbalanced",
    "\"\"''``",
    "naïve café 数字 emoji 🙂 KeyError",
    "DROP TABLE lex_fts; --",
    "\x00\x01 control chars",
    "NEAR/3 AND",
])
def test_hostile_query_text_never_raises(index: LexicalIndex, text: str):
    results = index.search("fixes", text, limit=5)
    assert isinstance(results, list)


@pytest.mark.parametrize("text", ["", "   ", "!!! ... ???", "''", "\"", "-- ;"])
def test_text_without_words_gives_no_query_and_no_results(index: LexicalIndex, text: str):
    assert build_match_query(text) is None
    assert index.search("fixes", text, limit=5) == []


def test_query_builder_quotes_every_word_and_ors_them():
    assert build_match_query('KeyError: "user_id" AND x') == '"keyerror" OR "user" OR "id" OR "and" OR "x"'


def test_query_terms_are_deduplicated_and_capped():
    words = " ".join(f"w{i}" for i in range(MAX_QUERY_TERMS + 40))
    assert len(query_terms(words + " w1 w1")) == MAX_QUERY_TERMS
    assert query_terms("Key key KEY") == ["key"]


def test_bm25_prefers_the_document_that_matches_more_strongly(index: LexicalIndex):
    ranked = [doc_id for doc_id, _ in index.search("fixes", "KeyError missing key", limit=5)]
    assert ranked[0] == "key-key"
    assert set(ranked) >= {"key-key", "dict-get"}
    assert "sql" not in ranked


def test_unicode_terms_match_with_and_without_diacritics(tmp_path: Path):
    idx = LexicalIndex(tmp_path / "u.sqlite")
    idx.upsert("fixes", [("u", "Le café naïve déjà vu")])
    assert [d for d, _ in idx.search("fixes", "cafe naive", 3)] == ["u"]
    assert [d for d, _ in idx.search("fixes", "déjà", 3)] == ["u"]
    idx.close()


def test_collections_are_isolated(index: LexicalIndex):
    assert [d for d, _ in index.search("patterns", "KeyError", 5)] == ["p1"]
    assert "p1" not in [d for d, _ in index.search("fixes", "KeyError", 5)]


def test_allowed_ids_restrict_the_candidates(index: LexicalIndex):
    hits = index.search("fixes", "KeyError key", 5, allowed_ids={"dict-get"})
    assert [d for d, _ in hits] == ["dict-get"]
    assert index.search("fixes", "KeyError", 5, allowed_ids=set()) == []


def test_upsert_replaces_text_and_delete_removes(index: LexicalIndex):
    index.upsert("fixes", [("sql", "completely different words about caching")])
    assert index.count("fixes") == 4
    assert "sql" not in [d for d, _ in index.search("fixes", "SQL parameters", 5)]
    assert [d for d, _ in index.search("fixes", "caching", 5)] == ["sql"]
    assert index.delete("fixes", ["sql", "unknown"]) == 1
    assert index.search("fixes", "caching", 5) == []
    assert index.ids("fixes") == {"none-guard", "dict-get", "key-key"}
