"""Lexical retrieval: a SQLite FTS5 index ranked by BM25, one shared table with a collection column.

User text never reaches FTS5's query syntax directly: `build_match_query` keeps only word characters and ORs the
words as quoted strings, so quotes, operators (AND/OR/NOT/NEAR, `*`, `^`, `:`, parentheses) and odd unicode can
never cause a syntax error.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from pathlib import Path

MAX_QUERY_TERMS = 64
_TERM = re.compile(r"[^\W_]+")  # letters and digits; same split as FTS5's unicode61 tokenizer

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS lex_docs (
        rowid INTEGER PRIMARY KEY,
        collection TEXT NOT NULL,
        doc_id TEXT NOT NULL,
        UNIQUE (collection, doc_id))""",
    "CREATE VIRTUAL TABLE IF NOT EXISTS lex_fts USING fts5(text, tokenize = 'unicode61 remove_diacritics 2')",
)


def query_terms(text: str) -> list[str]:
    """Distinct lower-cased words of `text`, in order, at most MAX_QUERY_TERMS."""
    seen: dict[str, None] = {}
    for word in _TERM.findall(text.lower()):
        seen.setdefault(word, None)
        if len(seen) >= MAX_QUERY_TERMS:
            break
    return list(seen)


def build_match_query(text: str) -> str | None:
    """An FTS5 MATCH expression that ORs the quoted words of `text`; None when it has no words."""
    terms = query_terms(text)
    if not terms:
        return None
    return " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)


class LexicalIndex:
    """BM25 full-text index over (collection, doc_id) -> text, safe to share between threads."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA busy_timeout=5000")
        for statement in _SCHEMA:
            self._conn.execute(statement)

    def upsert(self, collection: str, items: list[tuple[str, str]]) -> None:
        """Insert or replace (doc_id, text) pairs of one collection in one transaction."""
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                for doc_id, text in items:
                    row = self._conn.execute(
                        "SELECT rowid FROM lex_docs WHERE collection = ? AND doc_id = ?", (collection, doc_id)
                    ).fetchone()
                    if row is None:
                        rowid = self._conn.execute(
                            "INSERT INTO lex_docs (collection, doc_id) VALUES (?, ?)", (collection, doc_id)
                        ).lastrowid
                    else:
                        rowid = row[0]
                        self._conn.execute("DELETE FROM lex_fts WHERE rowid = ?", (rowid,))
                    self._conn.execute("INSERT INTO lex_fts (rowid, text) VALUES (?, ?)", (rowid, text))
            except sqlite3.Error:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def delete(self, collection: str, doc_ids: list[str]) -> int:
        """Remove documents by id; returns how many existed."""
        removed = 0
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                for doc_id in doc_ids:
                    row = self._conn.execute(
                        "SELECT rowid FROM lex_docs WHERE collection = ? AND doc_id = ?", (collection, doc_id)
                    ).fetchone()
                    if row is not None:
                        self._conn.execute("DELETE FROM lex_fts WHERE rowid = ?", (row[0],))
                        self._conn.execute("DELETE FROM lex_docs WHERE rowid = ?", (row[0],))
                        removed += 1
            except sqlite3.Error:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
        return removed

    def search(
        self, collection: str, text: str, limit: int, allowed_ids: set[str] | None = None
    ) -> list[tuple[str, float]]:
        """Best (doc_id, bm25 score) pairs, highest score first; `allowed_ids` restricts the candidates."""
        match = build_match_query(text)
        if match is None or limit <= 0 or (allowed_ids is not None and not allowed_ids):
            return []
        sql = ("SELECT d.doc_id, bm25(lex_fts) AS rank FROM lex_fts JOIN lex_docs d ON d.rowid = lex_fts.rowid "
               "WHERE lex_fts MATCH ? AND d.collection = ?")
        params: list[object] = [match, collection]
        if allowed_ids is not None:
            sql += " AND d.doc_id IN (SELECT value FROM json_each(?))"
            params.append(json.dumps(sorted(allowed_ids)))
        sql += " ORDER BY rank, d.doc_id LIMIT ?"
        params.append(limit)
        with self._lock:
            rows = self._conn.execute(sql, params).fetchall()
        # FTS5's bm25() is negative (smaller is better); flip it so larger is better.
        return [(doc_id, -float(rank)) for doc_id, rank in rows]

    def count(self, collection: str) -> int:
        """Number of documents indexed for `collection`."""
        with self._lock:
            return int(self._conn.execute(
                "SELECT COUNT(*) FROM lex_docs WHERE collection = ?", (collection,)).fetchone()[0])

    def ids(self, collection: str) -> set[str]:
        """All document ids indexed for `collection`."""
        with self._lock:
            rows = self._conn.execute("SELECT doc_id FROM lex_docs WHERE collection = ?", (collection,)).fetchall()
        return {r[0] for r in rows}

    def close(self) -> None:
        """Close the SQLite connection (idempotent)."""
        with self._lock:
            self._conn.close()
