"""Fixtures for the knowledge-store tests: a fresh, hash-embedded knowledge base per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graphs.common.config import Settings
from graphs.common.kb.store import KnowledgeBase


@pytest.fixture
def hash_settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", embedding="hash")


@pytest.fixture
def kb(hash_settings: Settings) -> Iterator[KnowledgeBase]:
    store = KnowledgeBase(hash_settings)
    yield store
    store.close()


@pytest.fixture(scope="module")
def minilm_kb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeBase]:
    store = KnowledgeBase(Settings(data_dir=tmp_path_factory.mktemp("minilm"), embedding="minilm"))
    yield store
    store.close()
