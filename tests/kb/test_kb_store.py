"""KnowledgeBase: idempotent upserts, hybrid search with RRF, filters, metadata updates, persistence."""

from __future__ import annotations

import pytest

from graphs.common.config import Settings
from graphs.common.kb.store import (
    COLLECTIONS,
    KBDoc,
    KnowledgeBase,
    content_hash,
    reciprocal_rank_fusion,
)

DOCS = [
    KBDoc("none-guard", "Guard against None before attribute access on a lookup result",
          {"status": "curated", "error_class": "none_attribute", "weight": 1}),
    KBDoc("dict-get", "Use dict get with a default value to avoid KeyError on a missing key",
          {"status": "curated", "error_class": "key_error", "weight": 2}),
    KBDoc("sql-params", "Pass SQL values as query parameters instead of formatting strings",
          {"status": "candidate", "error_class": "static_finding", "weight": 3}),
    KBDoc("range-bound", "range stops before the upper bound; include n with range(1, n + 1)",
          {"status": "promoted", "error_class": "wrong_output", "weight": 4}),
]


def test_rrf_rewards_documents_ranked_well_in_both_lists():
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "c", "d"]], k=60)
    assert [doc for doc, _ in fused] == ["b", "c", "a", "d"]
    assert fused[0][1] == pytest.approx(1 / 62 + 1 / 61)


def test_rrf_breaks_ties_by_best_rank_then_id():
    fused = reciprocal_rank_fusion([["x", "y"], ["y", "x"], ["z"]])
    assert [doc for doc, _ in fused][:2] == ["x", "y"]  # equal scores, equal best rank -> id order
    assert reciprocal_rank_fusion([]) == []


def test_upsert_is_idempotent_and_detects_changes(kb: KnowledgeBase):
    assert kb.upsert("fixes", DOCS) == 4
    assert kb.upsert("fixes", DOCS) == 0
    changed = KBDoc("dict-get", DOCS[1].text + " (or collections.Counter)", DOCS[1].metadata)
    assert kb.upsert("fixes", [changed, DOCS[0]]) == 1
    stored = kb.get("fixes", "dict-get")
    assert stored is not None and stored.text.endswith("(or collections.Counter)")
    assert stored.metadata["content_hash"] == content_hash(changed.text, changed.metadata)
    assert kb.counts() == {"fixes": 4, "patterns": 0, "playbooks": 0}


def test_metadata_change_alone_counts_as_a_change(kb: KnowledgeBase):
    kb.upsert("fixes", DOCS[:1])
    edited = KBDoc(DOCS[0].id, DOCS[0].text, {**DOCS[0].metadata, "weight": 9})
    assert kb.upsert("fixes", [edited]) == 1


def test_search_finds_the_matching_document_first(kb: KnowledgeBase):
    kb.upsert("fixes", DOCS)
    hits = kb.search("fixes", "KeyError because the key is missing from a dict", k=2)
    assert hits[0].id == "dict-get"
    assert hits[0].dense_rank is not None and hits[0].lexical_rank == 1
    assert hits[0].score > hits[1].score
    assert hits[0].metadata["error_class"] == "key_error"


def test_search_returns_lexical_only_hits_with_their_text(kb: KnowledgeBase):
    kb.upsert("fixes", DOCS)
    hits = kb.search("fixes", "SQL", k=4)
    by_id = {h.id: h for h in hits}
    assert by_id["sql-params"].text.startswith("Pass SQL")
    assert by_id["sql-params"].lexical_rank == 1


def test_where_filters_apply_to_both_dense_and_lexical(kb: KnowledgeBase):
    kb.upsert("fixes", DOCS)
    curated = kb.search("fixes", "SQL query parameters KeyError", k=4, where={"status": "curated"})
    assert {h.id for h in curated} == {"none-guard", "dict-get"}
    both = kb.search("fixes", "missing key", k=4, where={"status": "curated", "weight": 1})
    assert [h.id for h in both] == ["none-guard"]
    operators = kb.search("fixes", "anything", k=4, where={"weight": {"$gte": 3}})
    assert {h.id for h in operators} == {"sql-params", "range-bound"}
    assert kb.search("fixes", "anything", where={"status": "rejected"}) == []


def test_search_on_empty_collection_returns_nothing(kb: KnowledgeBase):
    assert kb.search("playbooks", "anything at all") == []


def test_update_metadata_merges_and_keeps_the_content_hash(kb: KnowledgeBase):
    kb.upsert("fixes", DOCS)
    before = kb.get("fixes", "none-guard")
    updated = kb.update_metadata("fixes", "none-guard", {"status": "promoted", "times_seen": 2})
    after = kb.get("fixes", "none-guard")
    assert after is not None and before is not None
    assert after.metadata == updated.metadata
    assert after.metadata["status"] == "promoted" and after.metadata["error_class"] == "none_attribute"
    assert after.metadata["content_hash"] == before.metadata["content_hash"]
    assert kb.upsert("fixes", DOCS[:1]) == 0  # re-ingesting the same content keeps the runtime status
    with pytest.raises(KeyError, match="no document"):
        kb.update_metadata("fixes", "nope", {"status": "x"})


def test_delete_removes_from_dense_and_lexical(kb: KnowledgeBase):
    kb.upsert("fixes", DOCS)
    kb.delete("fixes", ["sql-params", "unknown-id"])
    assert kb.get("fixes", "sql-params") is None
    assert all(h.id != "sql-params" for h in kb.search("fixes", "SQL parameters", k=4))
    assert kb.counts()["fixes"] == 3


@pytest.mark.parametrize("bad", ["fix", "FIXES", "", "patterns2", "../fixes"])
def test_unknown_collection_names_are_rejected(kb: KnowledgeBase, bad: str):
    with pytest.raises(ValueError, match="unknown collection"):
        kb.search(bad, "x")


def test_invalid_documents_are_rejected(kb: KnowledgeBase):
    with pytest.raises(ValueError, match="metadata 'tags'"):
        kb.upsert("fixes", [KBDoc("a", "text", {"tags": ["x"]})])  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="duplicate"):
        kb.upsert("fixes", [KBDoc("a", "t", {}), KBDoc("a", "u", {})])
    with pytest.raises(ValueError, match="non-empty"):
        kb.upsert("fixes", [KBDoc("", "t", {})])


def test_store_persists_across_instances(hash_settings: Settings):
    first = KnowledgeBase(hash_settings)
    first.upsert("patterns", DOCS[:2])
    first.close()
    second = KnowledgeBase(hash_settings)
    assert second.counts()["patterns"] == 2
    assert second.upsert("patterns", DOCS[:2]) == 0
    assert second.search("patterns", "KeyError dict")[0].id == "dict-get"
    second.close()


def test_health_reports_backend_embedding_and_counts(kb: KnowledgeBase):
    kb.upsert("fixes", DOCS[:1])
    report = kb.health()
    assert report["ok"] is True
    assert report["backend"] == "persistent" and report["embedding"] == "mo-feature-hash"
    assert report["counts"] == {c: (1 if c == "fixes" else 0) for c in COLLECTIONS}


def test_health_reports_an_unreachable_chroma_server_without_raising(tmp_path):
    store = KnowledgeBase(Settings(data_dir=tmp_path, embedding="hash", chroma_url="http://127.0.0.1:9"))
    report = store.health()
    assert report["ok"] is False and report["backend"] == "http"
    assert "error" in report
    store.close()


@pytest.mark.slow
def test_minilm_search_finds_a_paraphrased_question(minilm_kb: KnowledgeBase):
    minilm_kb.upsert("patterns", [
        KBDoc("retry", "Retry transient network failures with exponential backoff and jitter", {"k": 1}),
        KBDoc("cache", "Keep recently computed results in memory to answer repeated requests quickly", {"k": 2}),
        KBDoc("queue", "Decouple producers and consumers with a durable message queue", {"k": 3}),
        KBDoc("auth", "Verify the caller's identity with signed tokens before serving data", {"k": 4}),
    ])
    hits = minilm_kb.search("patterns", "remote calls sometimes fail briefly, how should we try again?", k=2)
    assert hits[0].id == "retry"
    hits = minilm_kb.search("patterns", "avoid recomputing the same expensive answer", k=2)
    assert hits[0].id == "cache"


def test_concurrent_writers_and_readers_keep_the_store_consistent(kb: KnowledgeBase):
    from concurrent.futures import ThreadPoolExecutor

    kb.upsert("fixes", DOCS)

    def work(i: int) -> int:
        kb.upsert("patterns", [KBDoc(f"p{i}", f"pattern number {i} about caching layer {i % 3}", {"i": i})])
        kb.update_metadata("fixes", "dict-get", {f"seen_by_{i}": True})
        return len(kb.search("fixes", "KeyError missing key", k=2))

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(work, range(12), timeout=120))
    assert results == [2] * 12
    assert kb.counts()["patterns"] == 12
    stored = kb.get("fixes", "dict-get")
    assert stored is not None and all(stored.metadata[f"seen_by_{i}"] is True for i in range(12))
    assert kb.lexical.count(f"patterns-{kb.embedding_name}") == 12
