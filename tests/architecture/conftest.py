"""Fixtures for the architecture graph tests: deps with a hash-embedding KB holding the curated patterns."""

from __future__ import annotations

import pytest

from graphs.common.config import Settings
from graphs.common.deps import Deps, build_deps


@pytest.fixture(scope="session")
def arch_deps(tmp_path_factory: pytest.TempPathFactory) -> Deps:
    """Offline deps whose knowledge base has every curated knowledge file ingested."""
    from graphs.common.kb.ingest import ingest_knowledge

    deps = build_deps(Settings(data_dir=tmp_path_factory.mktemp("arch-kb"), embedding="hash", llm="offline"))
    report = ingest_knowledge(deps.kb)
    assert not [e for e in report.errors if "patterns/" in e], report.errors
    return deps
