import pytest
from arch_cases import CASES

from graphs.architecture.graph import run_architecture
from graphs.architecture.schema import ArchitectureInput
from graphs.common.config import Settings
from graphs.common.deps import build_deps


@pytest.mark.slow
def test_real_embedding_retrieval_yields_a_valid_design(tmp_path):
    """Same graph with the MiniLM model behind the KB: retrieval answers and every check passes."""
    from graphs.common.kb.ingest import ingest_knowledge

    deps = build_deps(Settings(data_dir=tmp_path, embedding="minilm"))
    ingest_knowledge(deps.kb)
    out = run_architecture(deps, ArchitectureInput(**CASES["photo_feed"]))
    assert not any("knowledge base" in n for n in out.notes)
    assert all(c.passed for c in out.checks), [c for c in out.checks if not c.passed]
    assert {"CDN", "Cache", "Read Replicas"} <= {c.name for c in out.components}
