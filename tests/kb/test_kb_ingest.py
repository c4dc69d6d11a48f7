"""Ingestion of knowledge/<collection>/*.yaml: per-entry error reports, idempotency, sync, the real fixes."""

from __future__ import annotations

import json
import shutil
import textwrap
import typing
import warnings
from pathlib import Path

import pytest
import yaml

from graphs.auto_fix.schema import ErrorClass
from graphs.common.kb.fixes import error_signature, find_past_fixes
from graphs.common.kb.ingest import ingest_knowledge
from graphs.common.kb.store import KnowledgeBase
from graphs.common.paths import KNOWLEDGE_DIR

GOOD = """
entries:
  - id: p-retry
    title: Retry with backoff
    summary: Retry transient failures with exponential backoff and jitter.
    tags: [resilience, network]
    weight: 3
  - id: p-cache
    title: Read-through cache
    summary: Serve repeated reads from memory.
"""
BROKEN = """
entries:
  - id: p-ok
    title: Fine entry
  - title: No id here
  - id: p-retry
    title: Duplicate of an id in the other file
  - id: p-notitle
  - just a string
"""


def _write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")


def test_broken_entries_are_reported_and_the_rest_is_ingested(kb: KnowledgeBase, tmp_path: Path):
    root = tmp_path / "knowledge"
    _write(root, "patterns/a.yaml", GOOD)
    _write(root, "patterns/b.yaml", BROKEN)
    _write(root, "playbooks/bad.yaml", "entries: [unclosed")
    _write(root, "playbooks/wrong.yaml", "items: []")
    _write(root, "unknown_collection/x.yaml", GOOD)
    report = ingest_knowledge(kb, root)
    assert (report.added, report.changed, report.unchanged) == (3, 0, 0)
    errors = "\n".join(report.errors)
    assert len(report.errors) == 6, errors
    assert "patterns/b.yaml: entry #2 (id=None): missing or non-string 'id'" in errors
    assert "entry #3 (id='p-retry'): duplicate id (first defined in patterns/a.yaml)" in errors
    assert "entry #4 (id='p-notitle'): missing or empty 'title'" in errors
    assert "entry #5 (id=None): entry is a str" in errors
    assert "playbooks/bad.yaml: cannot read YAML" in errors
    assert "playbooks/wrong.yaml: expected a mapping with an 'entries' list" in errors
    assert kb.counts() == {"fixes": 0, "patterns": 3, "playbooks": 0}


def test_ingested_document_keeps_text_metadata_and_the_whole_entry(kb: KnowledgeBase, tmp_path: Path):
    _write(tmp_path, "patterns/a.yaml", GOOD)
    ingest_knowledge(kb, tmp_path)
    hit = kb.get("patterns", "p-retry")
    assert hit is not None
    assert hit.text.splitlines()[0] == "Retry with backoff"
    assert "exponential backoff" in hit.text and "tags: resilience, network" in hit.text
    assert hit.metadata["weight"] == 3 and hit.metadata["status"] == "curated"
    assert hit.metadata["source_file"] == "patterns/a.yaml"
    assert json.loads(str(hit.metadata["entry_json"]))["tags"] == ["resilience", "network"]


def test_ingestion_is_idempotent_and_follows_edits_and_removals(kb: KnowledgeBase, tmp_path: Path):
    _write(tmp_path, "patterns/a.yaml", GOOD)
    first = ingest_knowledge(kb, tmp_path)
    second = ingest_knowledge(kb, tmp_path)
    assert (first.added, second.added, second.changed, second.unchanged) == (2, 0, 0, 2)
    _write(tmp_path, "patterns/a.yaml", GOOD.replace("Serve repeated reads from memory.", "Serve reads fast.")
           .replace("  - id: p-retry\n", "  - id: p-retry2\n"))
    third = ingest_knowledge(kb, tmp_path)
    assert (third.added, third.changed, third.unchanged, third.removed) == (1, 1, 0, 1)
    assert kb.get("patterns", "p-retry") is None
    (tmp_path / "patterns" / "a.yaml").unlink()
    assert ingest_knowledge(kb, tmp_path).removed == 2
    assert kb.counts()["patterns"] == 0


def test_a_file_that_fails_to_parse_does_not_delete_its_entries(kb: KnowledgeBase, tmp_path: Path):
    _write(tmp_path, "patterns/a.yaml", GOOD)
    ingest_knowledge(kb, tmp_path)
    _write(tmp_path, "patterns/a.yaml", GOOD + "\n  - [broken")
    report = ingest_knowledge(kb, tmp_path)
    assert report.errors and report.removed == 0
    assert kb.counts()["patterns"] == 2


def _real_fix_entries() -> list[dict]:
    entries = []
    for path in sorted((KNOWLEDGE_DIR / "fixes").glob("*.yaml")):
        entries += yaml.safe_load(path.read_text(encoding="utf-8"))["entries"]
    return entries


def test_curated_fixes_are_complete_and_use_known_error_classes():
    entries = _real_fix_entries()
    assert len(entries) >= 25
    required = {"id", "title", "error_class", "exception_type", "signature_example", "description", "before",
                "after", "tags", "provenance"}
    for entry in entries:
        assert required <= set(entry), entry.get("id")
        assert entry["error_class"] in typing.get_args(ErrorClass), entry["id"]
        prefix = f"{entry['error_class']}|{entry['exception_type'] or '-'}|"
        assert entry["signature_example"].startswith(prefix), entry["id"]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SyntaxWarning)  # some "before" snippets show `x is "literal"`
            compile(entry["before"], entry["id"], "exec")
            compile(entry["after"], entry["id"], "exec")
        assert entry["before"] != entry["after"]


def test_real_curated_fixes_ingest_cleanly_and_are_retrievable(kb: KnowledgeBase, tmp_path: Path):
    shutil.copytree(KNOWLEDGE_DIR / "fixes", tmp_path / "fixes")
    report = ingest_knowledge(kb, tmp_path)
    assert report.errors == []
    assert report.added == len(_real_fix_entries())
    assert ingest_knowledge(kb, tmp_path).unchanged == report.added
    sig = error_signature("zero_division", "ZeroDivisionError", "ZeroDivisionError: division by zero")
    found = find_past_fixes(kb, signature=sig, code="def ratio(hits, n):\n    return hits / n\n", k=3)
    assert found[0].error_class == "zero_division"


@pytest.mark.slow
def test_whole_knowledge_folder_ingests_without_schema_errors(tmp_path: Path):
    from graphs.common.config import Settings

    store = KnowledgeBase(Settings(data_dir=tmp_path, embedding="minilm"))
    report = ingest_knowledge(store, KNOWLEDGE_DIR)
    assert report.errors == []
    assert store.counts()["fixes"] >= 25
    sig = error_signature("recursion_error", "RecursionError", "maximum recursion depth exceeded")
    found = find_past_fixes(store, signature=sig, code="def fact(n):\n    return n * fact(n - 1)\n", k=3)
    assert found[0].error_class == "recursion_error"
    store.close()
