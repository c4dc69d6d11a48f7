"""Load the reviewed knowledge files (`knowledge/<collection>/*.yaml`) into the knowledge base, idempotently.

File format: a mapping with `entries:`, a list of mappings, each with a unique `id` and a `title`. Schema problems
are reported per entry and skipped; they never stop the run. Entries that disappeared from a file that still parses
are removed from the store, so the store follows the files.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from graphs.common.kb.store import COLLECTIONS, KBDoc, KBHit, KnowledgeBase, MetaValue, content_hash
from graphs.common.paths import KNOWLEDGE_DIR

log = logging.getLogger(__name__)

CURATED = "curated"
RESERVED_KEYS = frozenset({"entry_json", "source_file", "status", "content_hash"})


@dataclass
class IngestReport:
    """What one ingestion run did; `errors` name the file, the entry and what is wrong."""

    added: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    errors: list[str] = field(default_factory=list)


def entry_text(entry: dict[str, Any]) -> str:
    """Readable document text: the title, then every other string or list-of-strings field, labelled."""
    parts = [str(entry["title"]).strip()]
    for key, value in entry.items():
        if key in {"id", "title"}:
            continue
        label = key.replace("_", " ")
        if isinstance(value, str) and value.strip():
            parts.append(f"{label}: {value.strip()}")
        elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            parts.append(f"{label}: {', '.join(v.strip() for v in value)}")
    return "\n".join(parts)


def entry_metadata(entry: dict[str, Any], source_file: str) -> dict[str, MetaValue]:
    """Flat scalar fields plus `entry_json` (the whole entry), `source_file` and status "curated"."""
    meta: dict[str, MetaValue] = {
        k: v for k, v in entry.items()
        if isinstance(v, str | int | float | bool) and k not in RESERVED_KEYS
    }
    meta["entry_json"] = json.dumps(entry, ensure_ascii=False, sort_keys=True, default=str)
    meta["source_file"] = source_file
    meta["status"] = CURATED
    return meta


def _entry_problem(entry: Any, seen: dict[str, str]) -> str | None:
    if not isinstance(entry, dict):
        return f"entry is a {type(entry).__name__}, expected a mapping"
    entry_id, title = entry.get("id"), entry.get("title")
    if not isinstance(entry_id, str) or not entry_id.strip():
        return "missing or non-string 'id'"
    if entry_id != entry_id.strip() or any(c.isspace() for c in entry_id):
        return "'id' must not contain whitespace"
    if entry_id in seen:
        return f"duplicate id (first defined in {seen[entry_id]})"
    if not isinstance(title, str) or not title.strip():
        return "missing or empty 'title'"
    bad = [k for k in entry if not isinstance(k, str)]
    if bad:
        return f"non-string field names {bad!r}"
    return None


def load_collection_docs(folder: Path, knowledge_dir: Path, report: IngestReport
                         ) -> tuple[list[KBDoc], set[str]]:
    """Parse one collection folder: valid docs, plus the source files that parsed (safe to prune)."""
    docs: list[KBDoc] = []
    parsed_files: set[str] = set()
    seen: dict[str, str] = {}
    files = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
    for path in files:
        rel = path.relative_to(knowledge_dir).as_posix()
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, OSError, UnicodeDecodeError) as exc:
            report.errors.append(f"{rel}: cannot read YAML: {exc}")
            continue
        if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
            report.errors.append(f"{rel}: expected a mapping with an 'entries' list")
            continue
        parsed_files.add(rel)
        for index, entry in enumerate(data["entries"], start=1):
            problem = _entry_problem(entry, seen)
            if problem is not None:
                label = entry.get("id") if isinstance(entry, dict) else None
                report.errors.append(f"{rel}: entry #{index} (id={label!r}): {problem}")
                continue
            seen[entry["id"]] = rel
            docs.append(KBDoc(entry["id"], entry_text(entry), entry_metadata(entry, rel)))
    return docs, parsed_files


def _source_gone_or_parsed(hit: KBHit, knowledge_dir: Path, parsed_files: set[str]) -> bool:
    source = hit.metadata.get("source_file")
    if not isinstance(source, str):
        return False
    return source in parsed_files or not (knowledge_dir / source).exists()


def ingest_knowledge(kb: KnowledgeBase, knowledge_dir: Path = KNOWLEDGE_DIR) -> IngestReport:
    """Upsert every `knowledge/<collection>/*.yaml` entry; report added/changed/unchanged/removed and errors."""
    report = IngestReport()
    for collection in COLLECTIONS:
        folder = knowledge_dir / collection
        if not folder.is_dir():
            continue
        docs, parsed_files = load_collection_docs(folder, knowledge_dir, report)
        existing = {hit.id: hit for hit in kb.get_many(collection)}
        for doc in docs:
            before = existing.get(doc.id)
            if before is None:
                report.added += 1
            elif before.metadata.get("content_hash") != content_hash(doc.text, doc.metadata):
                report.changed += 1
            else:
                report.unchanged += 1
        kb.upsert(collection, docs)
        current = {d.id for d in docs}
        stale = [hit.id for hit in existing.values()
                 if hit.id not in current and hit.metadata.get("status") == CURATED
                 and _source_gone_or_parsed(hit, knowledge_dir, parsed_files)]
        if stale:
            kb.delete(collection, stale)
            report.removed += len(stale)
    log.info("ingested %s: +%d ~%d =%d -%d, %d errors", knowledge_dir, report.added, report.changed,
             report.unchanged, report.removed, len(report.errors))
    return report
