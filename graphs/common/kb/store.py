"""The knowledge base: Chroma for dense retrieval, SQLite FTS5 for BM25, fused by reciprocal rank fusion.

Chroma keeps the documents and metadata (the source of truth); the lexical index mirrors ids and texts. Each
logical collection maps to the Chroma collection `<name>-<embedding name>`, so switching MO_EMBEDDING never mixes
vectors of two models (the other model's data stays where it is, unused).
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graphs.common.config import Settings
from graphs.common.kb.lexical import LexicalIndex

log = logging.getLogger(__name__)

COLLECTIONS: tuple[str, ...] = ("fixes", "patterns", "playbooks")
RRF_K = 60
MetaValue = str | int | float | bool


@dataclass(frozen=True)
class KBDoc:
    """A document to store: stable id, searchable text, flat scalar metadata."""

    id: str
    text: str
    metadata: dict[str, MetaValue]


@dataclass(frozen=True)
class KBHit:
    """A retrieved document; `score` is the fused RRF score, ranks are 1-based (None: not in that list)."""

    id: str
    collection: str
    text: str
    metadata: dict[str, MetaValue]
    score: float
    dense_rank: int | None
    lexical_rank: int | None


class KBUnavailable(RuntimeError):
    """The vector store could not be opened or reached."""


def reciprocal_rank_fusion(rankings: Sequence[Sequence[str]], k: int = RRF_K) -> list[tuple[str, float]]:
    """Fuse ranked id lists: score(d) = sum over lists of 1 / (k + rank(d)), rank 1-based; best first.

    Ties break by the best single rank, then by id, so the order is deterministic.
    """
    scores: dict[str, float] = {}
    best: dict[str, int] = {}
    for ranking in rankings:
        for rank, doc_id in enumerate(ranking, start=1):
            scores[doc_id] = scores.get(doc_id, 0.0) + 1.0 / (k + rank)
            best[doc_id] = min(best.get(doc_id, rank), rank)
    return sorted(scores.items(), key=lambda item: (-item[1], best[item[0]], item[0]))


def content_hash(text: str, metadata: Mapping[str, MetaValue]) -> str:
    """sha256 over the text and the metadata (minus any stored hash), stable across key order."""
    payload = {k: v for k, v in metadata.items() if k != "content_hash"}
    blob = json.dumps({"text": text, "metadata": payload}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def validate_collection(collection: str) -> str:
    """Return `collection` if it is one of COLLECTIONS, else raise ValueError."""
    if collection not in COLLECTIONS:
        raise ValueError(f"unknown collection {collection!r}; expected one of {', '.join(COLLECTIONS)}")
    return collection


def _validate_metadata(doc_id: str, metadata: Mapping[str, Any]) -> None:
    for key, value in metadata.items():
        if not isinstance(key, str) or not key:
            raise ValueError(f"document {doc_id!r}: metadata keys must be non-empty strings, got {key!r}")
        if not isinstance(value, str | int | float | bool):
            raise ValueError(f"document {doc_id!r}: metadata {key!r} must be str/int/float/bool, "
                             f"got {type(value).__name__}")


def _normalise_where(where: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Chroma wants `$and` for several conditions; accept the plain {"a": 1, "b": 2} form too."""
    if not where:
        return None
    plain = [key for key in where if not key.startswith("$")]
    if len(where) > 1 and len(plain) == len(where):
        return {"$and": [{key: where[key]} for key in plain]}
    return dict(where)


class KnowledgeBase:
    """Hybrid dense + lexical store over the collections in COLLECTIONS."""

    def __init__(self, settings: Settings, embedder: Any = None) -> None:
        from graphs.common.kb.embeddings import make_embedding

        self.settings = settings
        self.embedder = embedder if embedder is not None else make_embedding(settings)
        self._write_lock = threading.RLock()
        self._client: Any = None
        self._collections: dict[str, Any] = {}
        self._client_lock = threading.Lock()
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.lexical = LexicalIndex(settings.data_dir / "lexical.sqlite")

    # -- plumbing ---------------------------------------------------------------------------------------------

    @property
    def backend(self) -> str:
        return "http" if self.settings.chroma_url else "persistent"

    @property
    def embedding_name(self) -> str:
        return str(self.embedder.name())

    def _chroma_name(self, collection: str) -> str:
        return f"{validate_collection(collection)}-{self.embedding_name}"

    def _open_client(self) -> Any:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        from graphs.common.kb.embeddings import register_with_chroma

        register_with_chroma()
        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        if self.settings.chroma_url:
            from urllib.parse import urlparse

            url = urlparse(self.settings.chroma_url)
            if url.scheme not in {"http", "https"} or not url.hostname:
                raise KBUnavailable(f"MO_CHROMA_URL={self.settings.chroma_url!r} is not an http(s) URL")
            port = url.port or (443 if url.scheme == "https" else 8000)
            try:
                return chromadb.HttpClient(host=url.hostname, port=port, ssl=url.scheme == "https",
                                           settings=chroma_settings)
            except (ValueError, OSError) as exc:
                raise KBUnavailable(f"cannot reach Chroma at {self.settings.chroma_url}: {exc}") from exc
        return chromadb.PersistentClient(path=str(self.settings.data_dir / "chroma"), settings=chroma_settings)

    def _collection(self, collection: str) -> Any:
        name = self._chroma_name(collection)
        with self._client_lock:
            if self._client is None:
                self._client = self._open_client()
            if name not in self._collections:
                self._collections[name] = self._client.get_or_create_collection(
                    name=name, embedding_function=self.embedder,
                    configuration={"hnsw": {"space": "cosine"}},
                    metadata={"logical_collection": collection},
                )
            return self._collections[name]

    # -- writes -----------------------------------------------------------------------------------------------

    def upsert(self, collection: str, docs: Iterable[KBDoc]) -> int:
        """Add or replace documents; unchanged ones (same content hash) are skipped. Returns added + changed."""
        docs = list(docs)
        if not docs:
            return 0
        seen: set[str] = set()
        for doc in docs:
            if not doc.id:
                raise ValueError("document ids must be non-empty")
            if doc.id in seen:
                raise ValueError(f"duplicate document id {doc.id!r} in one upsert")
            seen.add(doc.id)
            _validate_metadata(doc.id, doc.metadata)
        coll = self._collection(collection)
        name = self._chroma_name(collection)
        with self._write_lock:
            existing = coll.get(ids=[d.id for d in docs], include=["metadatas"])
            stored = {i: (m or {}).get("content_hash") for i, m in zip(existing["ids"], existing["metadatas"],
                                                                       strict=True)}
            indexed = self.lexical.ids(name)
            todo: list[KBDoc] = []
            for doc in docs:
                digest = content_hash(doc.text, doc.metadata)
                if stored.get(doc.id) != digest or doc.id not in indexed:
                    todo.append(KBDoc(doc.id, doc.text, {**doc.metadata, "content_hash": digest}))
            if todo:
                coll.upsert(ids=[d.id for d in todo], documents=[d.text for d in todo],
                            metadatas=[d.metadata for d in todo])
                self.lexical.upsert(name, [(d.id, d.text) for d in todo])
        log.debug("upsert %s: %d of %d documents written", collection, len(todo), len(docs))
        return len(todo)

    def delete(self, collection: str, ids: Sequence[str]) -> None:
        """Remove documents by id (unknown ids are ignored)."""
        ids = list(ids)
        if not ids:
            return
        coll = self._collection(collection)
        with self._write_lock:
            coll.delete(ids=ids)
            self.lexical.delete(self._chroma_name(collection), ids)

    def update_metadata(self, collection: str, id: str, changes: Mapping[str, MetaValue]) -> KBHit:
        """Merge `changes` into a document's metadata (text and content hash unchanged); KeyError if unknown."""
        _validate_metadata(id, changes)
        return self.transform_metadata(collection, id, lambda meta: {**meta, **changes})

    def transform_metadata(self, collection: str, id: str,
                           change: Callable[[dict[str, MetaValue]], Mapping[str, MetaValue]]) -> KBHit:
        """Atomically replace a document's metadata by `change(current)` (read-modify-write under the lock)."""
        coll = self._collection(collection)
        with self._write_lock:
            hit = self.get(collection, id)
            if hit is None:
                raise KeyError(f"no document {id!r} in collection {collection!r}")
            merged = dict(change(dict(hit.metadata)))
            merged["content_hash"] = hit.metadata.get("content_hash", "")
            _validate_metadata(id, merged)
            coll.update(ids=[id], metadatas=[merged])
        return KBHit(id, collection, hit.text, merged, hit.score, None, None)

    # -- reads ------------------------------------------------------------------------------------------------

    def get(self, collection: str, id: str) -> KBHit | None:
        """One document by id, or None."""
        got = self._collection(collection).get(ids=[id], include=["documents", "metadatas"])
        if not got["ids"]:
            return None
        return KBHit(id, collection, got["documents"][0] or "", dict(got["metadatas"][0] or {}), 0.0, None, None)

    def get_many(self, collection: str, where: Mapping[str, Any] | None = None, limit: int | None = None
                 ) -> list[KBHit]:
        """Documents matching a metadata filter (all when `where` is None), ordered by id."""
        got = self._collection(collection).get(where=_normalise_where(where), limit=limit,
                                               include=["documents", "metadatas"])
        hits = [KBHit(i, collection, d or "", dict(m or {}), 0.0, None, None)
                for i, d, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)]
        return sorted(hits, key=lambda h: h.id)

    def search(self, collection: str, query: str, k: int = 5, where: Mapping[str, Any] | None = None
               ) -> list[KBHit]:
        """Top `k` documents for `query`: dense (Chroma) and BM25 rankings fused by RRF (k=60)."""
        if k < 1:
            raise ValueError("k must be >= 1")
        coll = self._collection(collection)
        name = self._chroma_name(collection)
        where = _normalise_where(where)
        total = coll.count()
        if total == 0:
            return []
        allowed: set[str] | None = None
        if where is not None:
            allowed = set(coll.get(where=where, include=[])["ids"])
            if not allowed:
                return []
        depth = min(max(4 * k, 20), len(allowed) if allowed is not None else total)
        dense = coll.query(query_texts=[query], n_results=depth, where=where,
                           include=["documents", "metadatas"])
        docs = {i: (d or "", dict(m or {})) for i, d, m in
                zip(dense["ids"][0], dense["documents"][0], dense["metadatas"][0], strict=True)}
        dense_ids = list(dense["ids"][0])
        lexical_ids = [doc_id for doc_id, _ in self.lexical.search(name, query, depth, allowed)]
        fused = reciprocal_rank_fusion([dense_ids, lexical_ids])[:k]
        missing = [doc_id for doc_id, _ in fused if doc_id not in docs]
        if missing:
            got = coll.get(ids=missing, include=["documents", "metadatas"])
            docs.update({i: (d or "", dict(m or {})) for i, d, m in
                         zip(got["ids"], got["documents"], got["metadatas"], strict=True)})
        dense_rank = {doc_id: r for r, doc_id in enumerate(dense_ids, start=1)}
        lexical_rank = {doc_id: r for r, doc_id in enumerate(lexical_ids, start=1)}
        return [KBHit(doc_id, collection, docs[doc_id][0], docs[doc_id][1], score,
                      dense_rank.get(doc_id), lexical_rank.get(doc_id))
                for doc_id, score in fused if doc_id in docs]  # a doc deleted mid-query is dropped

    def counts(self) -> dict[str, int]:
        """Number of documents per collection."""
        return {c: int(self._collection(c).count()) for c in COLLECTIONS}

    def health(self) -> dict[str, Any]:
        """Status for a health probe: never raises for store problems, reports them under `error`."""
        from chromadb.errors import ChromaError

        report: dict[str, Any] = {"backend": self.backend, "embedding": self.embedding_name}
        if self.settings.chroma_url:
            report["url"] = self.settings.chroma_url
        else:
            report["path"] = str(self.settings.data_dir / "chroma")
        try:
            report["counts"] = self.counts()
            report["ok"] = True
        except (ChromaError, KBUnavailable, sqlite3.Error, OSError, ValueError, RuntimeError) as exc:
            report["ok"] = False
            report["error"] = f"{type(exc).__name__}: {exc}"
        return report

    def close(self) -> None:
        """Release the Chroma client and the SQLite connection (idempotent)."""
        with self._client_lock:
            if self._client is not None and hasattr(self._client, "close"):
                self._client.close()
            self._client = None
            self._collections.clear()
        self.lexical.close()
