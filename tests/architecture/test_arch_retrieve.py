from helpers import profile_for

from graphs.architecture.extract import extract_requirements
from graphs.architecture.graph import build_graph
from graphs.architecture.retrieve import build_queries, file_retrieve, kb_retrieve, merge_queries
from graphs.common.deps import Deps

BRIEF = "Readers worldwide browse articles with p95 latency under 100 ms. Editors upload images."


def test_queries_cover_each_quality_attribute_and_feature():
    reqs = extract_requirements(BRIEF, [])
    queries = build_queries(reqs, profile_for(BRIEF))
    assert any("latency" in q for q in queries)
    assert any("multi-region" in q for q in queries)
    assert any("object storage" in q for q in queries)
    assert queries[-1].startswith("architecture style for")


def test_kb_hits_are_merged_by_id_with_summed_scores(arch_deps):
    found = kb_retrieve(arch_deps.kb.search, ["low latency caching read path", "cache hot reads latency"], k=3)
    assert "tactic-cache-aside" in found
    assert found["tactic-cache-aside"]["title"] == "Cache-aside"


def test_file_fallback_ranks_by_overlap():
    found = file_retrieve(["full-text search index"], k=3)
    assert next(iter(found)) == "tactic-search-index"


class _BrokenKB:
    def search(self, collection, query, k=5, where=None):
        raise RuntimeError("vector store could not be opened")


def test_retrieval_falls_back_to_files_and_says_so_when_the_kb_raises(arch_deps):
    deps = Deps(settings=arch_deps.settings, _kb=_BrokenKB())  # type: ignore[arg-type]
    graph = build_graph(deps)
    state = {"description": BRIEF, "tech_stack": [], "raw_requirements": []}
    state |= graph.nodes["analyze_requirements"].invoke(state)
    update = graph.nodes["retrieve_patterns"].invoke(state)
    assert update["candidates"] and "tactic-cdn" in update["candidates"]
    assert any("knowledge base unavailable (RuntimeError" in n for n in update["notes"])


def test_merged_queries_are_bounded_keep_every_query_and_the_style_query_alone():
    queries = [f"query {i}" for i in range(11)] + ["architecture style for a team"]
    merged = merge_queries(queries, 5)
    assert len(merged) == 5 and merged[-1] == "architecture style for a team"
    assert all(q in " ; ".join(merged) for q in queries)
    assert merge_queries(queries[:3], 5) == queries[:3]
